/**
 * Channel deliveries (渠道投递): notifications sent on by e-mail or SMS, one row per notification, channel and
 * person, with retry state; and the contact details (e-mail, mobile) they go to.
 */
import type { Queryable } from './db.ts'

export type ChannelName = 'email' | 'sms'

/** A person's contact details (联系方式). */
export interface UserContact {
  readonly userId: string
  readonly username: string
  readonly displayName: string
  readonly role: string
  readonly unitId: string | null
  readonly email: string | null
  readonly phone: string | null
}

/** A notification not yet turned into channel deliveries. */
export interface PendingNotification {
  readonly id: string
  readonly userId: string | null
  readonly unitId: string | null
  readonly role: string | null
  readonly title: string
  readonly body: string
  readonly type: string
  readonly itemId: string | null
}

/** A delivery claimed for sending. */
export interface ClaimedDelivery {
  readonly id: string
  readonly channel: ChannelName
  readonly recipient: string
  readonly subject: string
  readonly body: string
  readonly attempts: number
}

/** A delivery as the admin lists it (webhook deliveries included, with the URL as recipient). */
export interface DeliveryRow {
  readonly id: string
  readonly channel: 'email' | 'sms' | 'webhook'
  readonly recipient: string
  readonly subject: string
  readonly notificationId: string | null
  readonly status: 'pending' | 'delivered' | 'failed'
  readonly attempts: number
  readonly lastError: string | null
  readonly nextAttemptAt: string | null
  readonly createdAt: string
  readonly deliveredAt: string | null
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())
type Raw = Record<string, unknown>

const toContact = (r: Raw): UserContact => ({
  userId: r.id as string,
  username: r.username as string,
  displayName: r.display_name as string,
  role: r.role as string,
  unitId: (r.unit_id as string | null) ?? null,
  email: (r.email as string | null) ?? null,
  phone: (r.phone as string | null) ?? null,
})

/** Every user's contact details, by username. */
export async function listContacts(db: Queryable): Promise<UserContact[]> {
  const { rows } = await db.query<Raw>('SELECT id, username, display_name, role, unit_id, email, phone FROM app_user ORDER BY username')
  return rows.map(toContact)
}

/** Sets a user's e-mail and mobile (null clears); null when there is no such user. */
export async function saveContact(db: Queryable, userId: string, c: { email: string | null; phone: string | null }): Promise<UserContact | null> {
  const { rows } = await db.query<Raw>(
    'UPDATE app_user SET email = $2, phone = $3 WHERE id = $1 RETURNING id, username, display_name, role, unit_id, email, phone',
    [userId, c.email, c.phone],
  )
  return rows[0] ? toContact(rows[0]) : null
}

/** Takes up to `limit` notifications not yet queued for the channels, oldest first, locking them for this worker. */
export async function claimUnqueuedNotifications(db: Queryable, limit: number): Promise<PendingNotification[]> {
  const { rows } = await db.query<Raw>(
    `SELECT id, user_id, unit_id, role, title, body, type, item_id FROM notification
      WHERE channels_queued_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  )
  return rows.map((r) => ({
    id: r.id as string,
    userId: (r.user_id as string | null) ?? null,
    unitId: (r.unit_id as string | null) ?? null,
    role: (r.role as string | null) ?? null,
    title: r.title as string,
    body: r.body as string,
    type: r.type as string,
    itemId: (r.item_id as string | null) ?? null,
  }))
}

/** The active people a notification reaches (the user, every user of the unit, every holder of the role), with contacts. */
export async function recipientsOf(db: Queryable, n: PendingNotification): Promise<UserContact[]> {
  const { rows } = await db.query<Raw>(
    `SELECT id, username, display_name, role, unit_id, email, phone FROM app_user
      WHERE active AND (id = $1 OR ($2::text IS NOT NULL AND unit_id = $2) OR role = $3) ORDER BY id`,
    [n.userId, n.unitId, n.role],
  )
  return rows.map(toContact)
}

/** Queues one delivery (once per notification, channel and person); true when new. */
export async function enqueueDelivery(
  db: Queryable,
  d: { id: string; notificationId: string; channel: ChannelName; userId: string; recipient: string; subject: string; body: string; at: Date },
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO channel_delivery (id, notification_id, channel, user_id, recipient, subject, body, next_attempt_at, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8) ON CONFLICT (notification_id, channel, user_id) DO NOTHING RETURNING id`,
    [d.id, d.notificationId, d.channel, d.userId, d.recipient, d.subject, d.body, d.at.toISOString()],
  )
  return rows.length > 0
}

/**
 * Notes that several notifications' channel deliveries are queued, in one statement (a round of queueChannelDeliveries
 * marked each notification by an UPDATE of its own: one round trip per notification, i.e. per ticket received).
 */
export async function markQueuedMany(db: Queryable, notificationIds: readonly string[], at: Date): Promise<void> {
  if (notificationIds.length === 0) return
  await db.query('UPDATE notification SET channels_queued_at = $2 WHERE id = ANY($1::text[])', [[...notificationIds], at.toISOString()])
}

/** Claims up to `limit` pending deliveries due by `now`, leased until `leaseUntil` so another worker skips them. */
export async function claimDueChannelDeliveries(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<Raw>(
    `UPDATE channel_delivery SET next_attempt_at = $2
      WHERE id IN (SELECT id FROM channel_delivery WHERE status = 'pending' AND next_attempt_at <= $1
                    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING id, channel, recipient, subject, body, attempts`,
    [now.toISOString(), leaseUntil.toISOString(), limit],
  )
  return rows
    .map((r) => ({ id: r.id as string, channel: r.channel as ChannelName, recipient: r.recipient as string, subject: r.subject as string, body: r.body as string, attempts: Number(r.attempts) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Records one attempt; a delivered or given-up delivery has no next attempt. */
export async function recordChannelAttempt(db: Queryable, id: string, o: { ok: boolean; error: string | null; at: Date; nextAttemptAt: Date | null }): Promise<void> {
  const status = o.ok ? 'delivered' : o.nextAttemptAt ? 'pending' : 'failed'
  await db.query(
    `UPDATE channel_delivery SET attempts = attempts + 1, status = $2, last_error = $3,
       delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz ELSE NULL END,
       next_attempt_at = CASE WHEN $2 = 'pending' THEN $5::timestamptz ELSE NULL END WHERE id = $1`,
    [id, status, o.error, o.at.toISOString(), o.nextAttemptAt?.toISOString() ?? null],
  )
}

/** Every delivery over every channel (webhooks too), newest first, optionally of one channel or status. */
export async function listAllDeliveries(db: Queryable, f: { channel?: string; status?: string; limit: number }): Promise<DeliveryRow[]> {
  const { rows } = await db.query<Raw>(
    `SELECT * FROM (
       SELECT id, channel, recipient, subject, notification_id, status, attempts, last_error, next_attempt_at, created_at, delivered_at
         FROM channel_delivery
       UNION ALL
       SELECT d.id, 'webhook', s.url, d.event_type, NULL, d.status, d.attempts, d.last_error, d.next_attempt_at, d.created_at, d.delivered_at
         FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id
     ) x WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at DESC, id LIMIT $3`,
    [f.channel ?? null, f.status ?? null, f.limit],
  )
  return rows.map((r) => ({
    id: r.id as string,
    channel: r.channel as DeliveryRow['channel'],
    recipient: r.recipient as string,
    subject: r.subject as string,
    notificationId: (r.notification_id as string | null) ?? null,
    status: r.status as DeliveryRow['status'],
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    nextAttemptAt: iso(r.next_attempt_at),
    createdAt: iso(r.created_at)!,
    deliveredAt: iso(r.delivered_at),
  }))
}
