/**
 * Messages to requesters (诉求人短信, migration 141): what the centre tells a ticket's requester by SMS — the 并单
 * notice and the handling's reply — written in the transaction of the merge or reply, queued later by the channel
 * worker; and the tickets of one handling (a primary and every ticket merged into it, through merges of merges).
 */
import type { Queryable } from './db.ts'
import { isoInstant } from './plans.repo.ts'

/** How deep merges of merges are followed (as sharedRepliesOf does). */
const MAX_MERGE_DEPTH = 5

export type RequesterMessagePurpose = 'merge_notice' | 'reply'

/** A message to write; `dedupeKey` makes writing it twice harmless. */
export interface NewRequesterMessage {
  readonly id: string
  readonly itemId: string
  readonly phone: string
  readonly purpose: RequesterMessagePurpose
  readonly text: string
  readonly dedupeKey: string
  readonly at: string
}

/** A message as a ticket's view shows it. */
export interface RequesterMessageRow {
  readonly id: string
  readonly itemId: string
  /** The number of the ticket whose requester is told. */
  readonly number: string
  readonly phone: string
  readonly purpose: RequesterMessagePurpose
  readonly text: string
  readonly createdAt: string
  /** When the channel worker took it (null: not yet); with no SMS channel configured it is then not sent. */
  readonly queuedAt: string | null
  /** The SMS delivery's status once queued (pending, delivered, failed); null before, or with no SMS channel. */
  readonly delivery: string | null
}

/** Writes the messages (one per dedupe key); returns how many were new. */
export async function insertRequesterMessages(q: Queryable, ms: readonly NewRequesterMessage[]): Promise<number> {
  if (ms.length === 0) return 0
  const { rows } = await q.query(
    `INSERT INTO requester_message (id, item_id, phone, purpose, text, dedupe_key, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [ms.map((m) => m.id), ms.map((m) => m.itemId), ms.map((m) => m.phone), ms.map((m) => m.purpose), ms.map((m) => m.text), ms.map((m) => m.dedupeKey), ms.map((m) => m.at)],
  )
  return rows.length
}

/** A ticket of a handling: its number and requester phone (null: none given). */
export interface HandlingTicket {
  readonly id: string
  readonly number: string
  readonly phone: string | null
}

/** The ticket `rootId` and every ticket merged into it, directly or through merges of merges; the root first. */
export async function handlingTickets(q: Queryable, rootId: string): Promise<HandlingTicket[]> {
  const { rows } = await q.query<{ id: string; number: string; phone: string | null; depth: number }>(
    `WITH RECURSIVE h(id, depth) AS (
       SELECT $1::text, 0
       UNION
       SELECT d.ticket_id, h.depth + 1 FROM ticket_duplicate d JOIN h ON d.primary_id = h.id
        WHERE d.status = 'merged' AND h.depth < ${MAX_MERGE_DEPTH}
     )
     SELECT h.id, i.number, t.requester_phone AS phone, min(h.depth) AS depth
       FROM h JOIN ticket t ON t.item_id = h.id JOIN item i ON i.id = h.id
      GROUP BY h.id, i.number, t.requester_phone ORDER BY min(h.depth), i.number`,
    [rootId],
  )
  return rows.map((r) => ({ id: r.id, number: r.number, phone: r.phone ?? null }))
}

/** A message not yet queued, for the channel worker. */
export interface PendingRequesterMessage {
  readonly id: string
  readonly phone: string
  readonly text: string
}

/** Takes up to `limit` messages not yet queued, oldest first, locking them for this worker. */
export async function claimUnqueuedRequesterMessages(q: Queryable, limit: number): Promise<PendingRequesterMessage[]> {
  const { rows } = await q.query<{ id: string; phone: string; text: string }>(
    `SELECT id, phone, text FROM requester_message WHERE queued_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  )
  return rows
}

/** Notes that a message is queued (or, with no SMS channel configured, that it will not be). */
export async function markRequesterMessageQueued(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query(`UPDATE requester_message SET queued_at = $2 WHERE id = $1`, [id, at.toISOString()])
}

/** Queues a message's SMS delivery (once per message); true when new. */
export async function enqueueRequesterDelivery(q: Queryable, d: { id: string; messageId: string; recipient: string; subject: string; body: string; at: Date }): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO channel_delivery (id, requester_message_id, channel, user_id, recipient, subject, body, next_attempt_at, created_at)
     VALUES ($1, $2, 'sms', NULL, $3, $4, $5, $6, $6) ON CONFLICT (requester_message_id) DO NOTHING RETURNING id`,
    [d.id, d.messageId, d.recipient, d.subject, d.body, d.at.toISOString()],
  )
  return rows.length > 0
}

/** The messages to the requesters of the tickets `ids`, oldest first, with their SMS delivery's status. */
export async function requesterMessagesOf(q: Queryable, ids: readonly string[]): Promise<RequesterMessageRow[]> {
  if (ids.length === 0) return []
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT m.id, m.item_id, i.number, m.phone, m.purpose, m.text, m.created_at, m.queued_at, c.status
       FROM requester_message m JOIN item i ON i.id = m.item_id LEFT JOIN channel_delivery c ON c.requester_message_id = m.id
      WHERE m.item_id = ANY($1::text[]) ORDER BY m.created_at, m.id`,
    [[...ids]],
  )
  return rows.map((r) => ({
    id: String(r.id),
    itemId: String(r.item_id),
    number: String(r.number),
    phone: String(r.phone),
    purpose: r.purpose as RequesterMessagePurpose,
    text: String(r.text),
    createdAt: isoInstant(r.created_at) ?? '',
    queuedAt: r.queued_at ? isoInstant(r.queued_at) : null,
    delivery: (r.status as string | null) ?? null,
  }))
}
