/**
 * Notifications sent on over the channels an admin configures (渠道推送): e-mail and SMS; and messages to ticket
 * requesters (并单 notices and replies: requester-messages.ts), by SMS to their phone. A round first turns
 * every notification not yet queued into one delivery per channel and person who has that contact (the
 * user it names, every active user of its unit, every holder of its role), then sends what is due; a failure
 * is retried with the webhooks' growing pauses and given up after the last. Every delivery is a row in
 * channel_delivery (status, attempts, last error, next attempt) the admin can list.
 *
 * The senders are adapters (src/adapters/channels/): this module only declares what it needs of them.
 */
import {
  claimDueChannelDeliveries,
  claimUnqueuedNotifications,
  enqueueDelivery,
  markQueuedMany,
  recipientsOf,
  recordChannelAttempt,
  type ChannelName,
  type UserContact,
} from '../../persistence/channel-delivery.repo.ts'
import { claimUnqueuedRequesterMessages, enqueueRequesterDelivery, markRequesterMessageQueued } from '../../persistence/requester-message.repo.ts'
import type { AppDeps } from '../deps.ts'
import { RETRY_BACKOFF_MS } from '../supervision/webhook-deliver.ts'

/** One channel's sender: resolves when the message is accepted, throws (with the reason) when it is not. */
export interface ChannelSender {
  send(message: { to: string; subject: string; text: string }): Promise<void>
}

/** The configured senders; a channel without one is not queued. */
export type ChannelSenders = Partial<Record<ChannelName, ChannelSender>>

/** What a round did. */
export interface ChannelRound {
  readonly queued: number
  readonly delivered: number
  readonly retried: number
  readonly failed: number
}

const contactOf = (channel: ChannelName, u: UserContact): string | null => (channel === 'email' ? u.email : u.phone)

/** The subject and text of a notification on a channel (a short line for SMS). */
export function messageOf(channel: ChannelName, n: { title: string; body: string }): { subject: string; text: string } {
  const subject = `【督办】${n.title}`
  if (channel === 'sms') {
    const text = `${subject}${n.body ? `：${n.body}` : ''}`
    return { subject, text: text.length > 300 ? `${text.slice(0, 299)}…` : text }
  }
  return { subject, text: `${n.title}\n${n.body ? `\n${n.body}\n` : ''}\n请登录督办平台查看和办理。\n` }
}

/** The SMS of a message to a requester: signed as the hotline, not as the supervision platform. */
export function requesterSms(text: string): { subject: string; text: string } {
  const subject = '【12345】'
  const full = `${subject}${text}`
  return { subject, text: full.length > 300 ? `${full.slice(0, 299)}…` : full }
}

/** Turns notifications not yet queued into deliveries on every configured channel; returns how many deliveries. */
export async function queueChannelDeliveries(deps: AppDeps, channels: readonly ChannelName[], limit = 200): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now()
    let queued = 0
    // Marked queued together at the end of the round (same transaction): one statement, not one per notification.
    const marked: string[] = []
    for (const n of await claimUnqueuedNotifications(tx, limit)) {
      const people = channels.length > 0 ? await recipientsOf(tx, n) : []
      for (const channel of channels) {
        const { subject, text } = messageOf(channel, n)
        for (const u of people) {
          const to = contactOf(channel, u)
          if (!to) continue
          if (await enqueueDelivery(tx, { id: deps.newId(), notificationId: n.id, channel, userId: u.userId, recipient: to, subject, body: text, at: now })) queued++
        }
      }
      marked.push(n.id)
    }
    await markQueuedMany(tx, marked, now)
    // Messages to requesters (并单 notices, replies: requester-messages.ts) go to their phone by SMS only.
    for (const m of await claimUnqueuedRequesterMessages(tx, limit)) {
      if (channels.includes('sms')) {
        const { subject, text } = requesterSms(m.text)
        if (await enqueueRequesterDelivery(tx, { id: deps.newId(), messageId: m.id, recipient: m.phone, subject, body: text, at: now })) queued++
      }
      await markRequesterMessageQueued(tx, m.id, now)
    }
    return queued
  })
}

/** One round: queue new notifications, then send every delivery due at the clock's now (up to `limit`). */
export async function deliverChannels(deps: AppDeps, senders: ChannelSenders, opts: { limit?: number; leaseMs?: number } = {}): Promise<ChannelRound> {
  const channels = (Object.keys(senders) as ChannelName[]).filter((c) => senders[c])
  const queued = await queueChannelDeliveries(deps, channels)
  const now = deps.clock.now()
  const claimed = await claimDueChannelDeliveries(deps.db, now, new Date(now.getTime() + (opts.leaseMs ?? 120_000)), opts.limit ?? 50)
  let delivered = 0
  let retried = 0
  let failed = 0
  for (const d of claimed) {
    const sender = senders[d.channel]
    let error: string | null = null
    try {
      if (!sender) throw new Error(`channel ${d.channel} is not configured`)
      await sender.send({ to: d.recipient, subject: d.subject, text: d.body })
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 1000) || 'failed'
    }
    const ok = error === null
    const pause = RETRY_BACKOFF_MS[d.attempts]
    const nextAttemptAt = ok || pause === undefined ? null : new Date(now.getTime() + pause)
    await recordChannelAttempt(deps.db, d.id, { ok, error, at: now, nextAttemptAt })
    if (ok) delivered++
    else if (nextAttemptAt) retried++
    else failed++
  }
  return { queued, delivered, retried, failed }
}
