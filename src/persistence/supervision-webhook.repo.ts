/** Outbound webhooks: subscriptions (URL, event types, secret) and the delivery outbox with retry state. */
import type { Queryable } from './db.ts'

/** A subscription; the secret is kept for signing and never listed back. */
export interface WebhookSubscription {
  readonly id: string
  readonly url: string
  readonly eventTypes: readonly string[]
  readonly secret: string
  readonly active: boolean
  readonly description: string
  readonly createdAt: string
}

/** A delivery claimed for sending. */
export interface WebhookDelivery {
  readonly id: string
  readonly subscriptionId: string
  readonly url: string
  readonly secret: string
  readonly eventId: string
  readonly eventType: string
  readonly payload: unknown
  readonly attempts: number
}

const iso = (v: unknown): string => new Date(v as string).toISOString()
const arr = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [])
type Raw = Record<string, unknown>
const toSub = (r: Raw): WebhookSubscription => ({
  id: r.id as string,
  url: r.url as string,
  eventTypes: arr(r.event_types),
  secret: r.secret as string,
  active: Boolean(r.active),
  description: r.description as string,
  createdAt: iso(r.created_at),
})

/** Every subscription, oldest first. */
export async function listSubscriptions(db: Queryable): Promise<WebhookSubscription[]> {
  const { rows } = await db.query<Raw>('SELECT * FROM webhook_subscription ORDER BY created_at, id')
  return rows.map(toSub)
}

/** One subscription, or null. */
export async function getSubscription(db: Queryable, id: string): Promise<WebhookSubscription | null> {
  const { rows } = await db.query<Raw>('SELECT * FROM webhook_subscription WHERE id = $1', [id])
  return rows[0] ? toSub(rows[0]) : null
}

/** Inserts or replaces a subscription. */
export async function saveSubscription(db: Queryable, s: WebhookSubscription, by: string | null): Promise<void> {
  await db.query(
    `INSERT INTO webhook_subscription (id, url, event_types, secret, active, description, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
     ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, event_types = EXCLUDED.event_types, secret = EXCLUDED.secret,
       active = EXCLUDED.active, description = EXCLUDED.description`,
    [s.id, s.url, [...s.eventTypes], s.secret, s.active, s.description, by, s.createdAt],
  )
}

/** Deletes a subscription and its deliveries; false when there was none. */
export async function deleteSubscription(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM webhook_subscription WHERE id = $1 RETURNING id', [id])
  return rows.length > 0
}

/** Queues an event for every active subscription that wants its type (or '*'); once per subscription and event. */
export async function enqueueEvent(db: Queryable, e: { eventId: string; eventType: string; payload: unknown; at: Date }, newId: () => string): Promise<number> {
  const subs = await db.query<{ id: string }>(
    `SELECT id FROM webhook_subscription WHERE active AND ($1 = ANY(event_types) OR '*' = ANY(event_types)) ORDER BY id`,
    [e.eventType],
  )
  let n = 0
  for (const s of subs.rows) {
    const { rows } = await db.query(
      `INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, payload, next_attempt_at, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$6) ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
      [newId(), s.id, e.eventId, e.eventType, JSON.stringify(e.payload), e.at.toISOString()],
    )
    n += rows.length
  }
  return n
}

/**
 * Claims up to `limit` pending deliveries due by `now`, leasing each until `leaseUntil` so a second
 * worker (another server process) skips them while this one sends.
 */
export async function claimDueDeliveries(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<WebhookDelivery[]> {
  const { rows } = await db.query<Raw>(
    `UPDATE webhook_delivery d SET next_attempt_at = $2
       FROM webhook_subscription s
      WHERE s.id = d.subscription_id AND d.id IN (
        SELECT id FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.subscription_id, s.url, s.secret, d.event_id, d.event_type, d.payload, d.attempts`,
    [now.toISOString(), leaseUntil.toISOString(), limit],
  )
  return rows.map((r) => ({
    id: r.id as string,
    subscriptionId: r.subscription_id as string,
    url: r.url as string,
    secret: r.secret as string,
    eventId: r.event_id as string,
    eventType: r.event_type as string,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    attempts: Number(r.attempts),
  }))
}

/** Records one attempt's outcome; a delivered or given-up delivery has no next attempt. */
export async function recordAttempt(
  db: Queryable,
  id: string,
  o: { ok: boolean; status: number | null; error: string | null; at: Date; nextAttemptAt: Date | null },
): Promise<void> {
  const status = o.ok ? 'delivered' : o.nextAttemptAt ? 'pending' : 'failed'
  await db.query(
    `UPDATE webhook_delivery SET attempts = attempts + 1, status = $2, last_status = $3, last_error = $4,
       delivered_at = CASE WHEN $2 = 'delivered' THEN $5::timestamptz ELSE NULL END,
       next_attempt_at = CASE WHEN $2 = 'pending' THEN $6::timestamptz ELSE NULL END WHERE id = $1`,
    [id, status, o.status, o.error, o.at.toISOString(), o.nextAttemptAt?.toISOString() ?? null],
  )
}

/** Deliveries for a subscription, newest first (admin view). */
export async function listDeliveries(db: Queryable, subscriptionId: string, limit: number): Promise<Raw[]> {
  const { rows } = await db.query<Raw>(
    `SELECT id, event_id, event_type, status, attempts, last_status, last_error, next_attempt_at, created_at, delivered_at
       FROM webhook_delivery WHERE subscription_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [subscriptionId, limit],
  )
  return rows
}
