/**
 * What every requester of a handling is told (并单告知 and 答复短信, issue 9 point 4). Merged tickets share one
 * handling: when a ticket is merged, its requester is sent the 并单 notice (and the reply, if the handling was already
 * answered); when the handling is answered (答复, 直接办结), the reply goes to the requester of the primary and of
 * every ticket merged into it. Each message is a requester_message row written in the transaction of the merge or
 * reply (so nothing is sent for a change that rolls back), sent by the channel worker over the SMS channel
 * (deliver-channels.ts). The same transaction marks those tickets' search words stale, since the reply is part of
 * what they are searched by (ticket-search.ts).
 */
import type { Queryable } from '../../persistence/db.ts'
import { handlingTickets, insertRequesterMessages, type NewRequesterMessage } from '../../persistence/requester-message.repo.ts'
import { markTicketSearchStale } from '../../persistence/ticket-search.repo.ts'
import type { AppDeps } from '../deps.ts'

/** The SMS text of a reply to one requester (the ticket number is theirs, not the primary's). */
export function replyMessage(ticketNumber: string, reply: string): string {
  return `您反映的诉求（工单${ticketNumber}）已办理，答复如下：${reply.trim()}`
}

/**
 * The handling of `itemId` was answered with `reply`: each of its tickets' requesters (with a phone) is sent it,
 * and each ticket's search words are marked stale. `key` names the answering event (one message per ticket and key).
 */
export async function shareReplyIn(tx: Queryable, deps: Pick<AppDeps, 'clock' | 'newId'>, itemId: string, reply: string, key: string): Promise<number> {
  const tickets = await handlingTickets(tx, itemId)
  const at = deps.clock.now().toISOString()
  const messages: NewRequesterMessage[] = tickets.flatMap((t) =>
    t.phone ? [{ id: deps.newId(), itemId: t.id, phone: t.phone, purpose: 'reply' as const, text: replyMessage(t.number, reply), dedupeKey: `${key}@${t.id}`, at }] : [],
  )
  await markTicketSearchStale(tx, tickets.map((t) => t.id))
  return insertRequesterMessages(tx, messages)
}

/**
 * A ticket was merged (并单): its requester is sent `notice`, and the handling's reply as well when it was already
 * given; it and the tickets merged into it before now share the primary's reply, so their search words are stale.
 * `latestReply` is the handling's reply, if any (read by the caller from the primary's history).
 */
export async function tellMergedIn(
  tx: Queryable,
  deps: Pick<AppDeps, 'clock' | 'newId'>,
  merged: { id: string; proposalId: string },
  notice: string,
  latestReply: { text: string; at: string } | null,
): Promise<number> {
  const tickets = await handlingTickets(tx, merged.id)
  const at = deps.clock.now().toISOString()
  const messages: NewRequesterMessage[] = []
  for (const t of tickets) {
    if (!t.phone) continue
    // The merged ticket's own requester gets the notice; a ticket merged into it earlier was told then.
    if (t.id === merged.id) messages.push({ id: deps.newId(), itemId: t.id, phone: t.phone, purpose: 'merge_notice', text: notice, dedupeKey: `merge:${merged.proposalId}@${t.id}`, at })
    if (latestReply) {
      messages.push({ id: deps.newId(), itemId: t.id, phone: t.phone, purpose: 'reply', text: replyMessage(t.number, latestReply.text), dedupeKey: `merge:${merged.proposalId}:reply@${t.id}`, at })
    }
  }
  await markTicketSearchStale(tx, tickets.map((t) => t.id))
  return insertRequesterMessages(tx, messages)
}
