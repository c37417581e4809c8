/**
 * The in-app inbox (站内消息): the notifications a person sees — addressed to them, to their unit or to their
 * role — with read state kept per person (notification_read), so one unit-wide notice is read by each on their own.
 */
import type { Queryable } from './db.ts'

/** Who is reading: the signed-in person, their unit and role. */
export interface Reader {
  readonly userId: string
  readonly unitId: string | null
  readonly role: string
  /**
   * The reader's data scope (null or absent = all): a notification addressed to the role is seen only when it is about
   * something in it — an item with a unit in it or, for a ticket, its place (地点) in it; a hot spot (未诉先办, no item)
   * whose place or one of whose tickets is in it — so a district 督查室 or a 分中心's operator is not told of another
   * district's items. Other role notices (no item, not a hot spot) are seen by the whole role.
   */
  readonly scope?: readonly string[] | null
}

/** A notification as the inbox lists it; readAt is this reader's. */
export interface InboxRow {
  readonly id: string
  readonly type: string
  readonly title: string
  readonly body: string
  readonly itemId: string | null
  /** The item's kind ('task', 'ticket' …; null without an item): which screen a link to it opens. */
  readonly itemKind: string | null
  readonly unitId: string | null
  readonly createdAt: string
  readonly readAt: string | null
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())

/** The notifications a reader sees ($1 user, $2 unit, $3 role, $<scope> the data scope or null), as an SQL condition on alias n. */
const visible = (scope: number): string => {
  const inScope = `ANY($${scope}::text[])`
  // A hot spot's notices carry no item; their dedupe key is hotspot:<id>@… (app/tickets/hot-spots.ts).
  const hotSpot = `EXISTS (SELECT 1 FROM hot_spot h WHERE h.id = split_part(substr(n.dedupe_key, 9), '@', 1) AND (h.place_unit_id = ${inScope}
      OR EXISTS (SELECT 1 FROM hot_spot_ticket ht WHERE ht.hot_spot_id = h.id AND (EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = ht.item_id AND s.unit_id = ${inScope})
        OR EXISTS (SELECT 1 FROM ticket st WHERE st.item_id = ht.item_id AND st.place_unit_id = ${inScope})))))`
  return `(n.user_id = $1 OR ($2::text IS NOT NULL AND n.unit_id = $2) OR (n.role = $3 AND ($${scope}::text[] IS NULL
    OR (n.item_id IS NULL AND n.type <> 'hotspot.detected')
    OR (n.item_id IS NOT NULL AND (EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = n.item_id AND s.unit_id = ${inScope})
      OR EXISTS (SELECT 1 FROM ticket t WHERE t.item_id = n.item_id AND t.place_unit_id = ${inScope})))
    OR (n.item_id IS NULL AND n.type = 'hotspot.detected' AND ${hotSpot}))))`
}
const scopeOf = (r: Reader): string[] | null => (r.scope ? [...r.scope] : null)

/** Newest first; with `unread` only those this reader has not read. */
export async function listInbox(db: Queryable, r: Reader, opts: { unread: boolean; limit: number }): Promise<InboxRow[]> {
  const { rows } = await db.query<{ id: string; type: string; title: string; body: string; item_id: string | null; item_kind: string | null; unit_id: string | null; created_at: unknown; read_at: unknown }>(
    `SELECT n.id, n.type, n.title, n.body, n.item_id, i.kind AS item_kind, n.unit_id, n.created_at, nr.read_at
       FROM notification n LEFT JOIN notification_read nr ON nr.notification_id = n.id AND nr.user_id = $1
       LEFT JOIN item i ON i.id = n.item_id
      WHERE ${visible(5)} ${opts.unread ? 'AND nr.read_at IS NULL' : ''}
      ORDER BY n.created_at DESC, n.id DESC LIMIT $4`,
    [r.userId, r.unitId, r.role, opts.limit, scopeOf(r)],
  )
  return rows.map((x) => ({ id: x.id, type: x.type, title: x.title, body: x.body, itemId: x.item_id, itemKind: x.item_kind ?? null, unitId: x.unit_id, createdAt: iso(x.created_at)!, readAt: iso(x.read_at) }))
}

/** How many notifications the reader has not read. */
export async function countUnread(db: Queryable, r: Reader): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM notification n
      WHERE ${visible(4)} AND NOT EXISTS (SELECT 1 FROM notification_read nr WHERE nr.notification_id = n.id AND nr.user_id = $1)`,
    [r.userId, r.unitId, r.role, scopeOf(r)],
  )
  return Number(rows[0]?.n ?? 0)
}

/** Marks one notification read for the reader; false when the reader cannot see it (or it does not exist). */
export async function markRead(db: Queryable, r: Reader, id: string, at: Date): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM notification n WHERE n.id = $4 AND ${visible(5)}`, [r.userId, r.unitId, r.role, id, scopeOf(r)])
  if (rows.length === 0) return false
  await db.query(`INSERT INTO notification_read (notification_id, user_id, read_at) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, [id, r.userId, at.toISOString()])
  return true
}

/** Marks every notification the reader sees read; returns how many were unread. */
export async function markAllRead(db: Queryable, r: Reader, at: Date): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO notification_read (notification_id, user_id, read_at)
     SELECT n.id, $1::text, $4::timestamptz FROM notification n WHERE ${visible(5)}
     ON CONFLICT DO NOTHING RETURNING notification_id`,
    [r.userId, r.unitId, r.role, at.toISOString(), scopeOf(r)],
  )
  return rows.length
}
