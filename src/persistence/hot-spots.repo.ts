/** Hot spots (未诉先办) in the database: the counts detection reads, and the hot_spot rows (migration 104). */
import type { Queryable } from './db.ts'
import type { PlaceCategoryCount, PlaceUnit } from '../domain/tickets/hot-spots.ts'

/** Tickets per place unit and category in [baselineFrom, recentFrom) and [recentFrom, to). */
export async function placeCategoryCounts(db: Queryable, w: { baselineFrom: string; recentFrom: string; to: string }): Promise<PlaceCategoryCount[]> {
  const { rows } = await db.query<{ place_unit_id: string; category_code: string; recent: unknown; baseline: unknown }>(
    `SELECT t.place_unit_id, t.category_code,
            count(*) FILTER (WHERE t.received_at >= $2::timestamptz) AS recent,
            count(*) FILTER (WHERE t.received_at < $2::timestamptz) AS baseline
       FROM ticket t
      WHERE t.received_at >= $1::timestamptz AND t.received_at < $3::timestamptz AND t.place_unit_id IS NOT NULL
      GROUP BY t.place_unit_id, t.category_code`,
    [w.baselineFrom, w.recentFrom, w.to],
  )
  return rows.map((r) => ({ placeUnitId: r.place_unit_id, categoryCode: r.category_code, recent: Number(r.recent), baseline: Number(r.baseline) }))
}

/** Every unit's place in the tree. */
export async function placeUnits(db: Queryable): Promise<Map<string, PlaceUnit>> {
  const { rows } = await db.query<{ id: string; parent_id: string | null; level: string }>(`SELECT id, parent_id, level FROM unit`)
  return new Map(rows.map((r) => [r.id, { id: r.id, parentId: r.parent_id, level: r.level }]))
}

/** The tickets of a category received in [from, to) whose place unit is one of `placeUnitIds`, oldest first (at most `limit`). */
export async function ticketsBehind(
  db: Queryable,
  f: { placeUnitIds: readonly string[]; categoryCode: string; from: string; to: string; limit: number },
): Promise<string[]> {
  const { rows } = await db.query<{ item_id: string }>(
    `SELECT t.item_id FROM ticket t
      WHERE t.place_unit_id = ANY($1::text[]) AND t.category_code = $2 AND t.received_at >= $3::timestamptz AND t.received_at < $4::timestamptz
      ORDER BY t.received_at, t.item_id LIMIT $5`,
    [[...f.placeUnitIds], f.categoryCode, f.from, f.to, f.limit],
  )
  return rows.map((r) => r.item_id)
}

/** The lead units (承办单位) of these tickets, with how many each handles, most first. */
export async function leadUnitsOf(db: Queryable, itemIds: readonly string[]): Promise<{ unitId: string; tickets: number }[]> {
  if (itemIds.length === 0) return []
  const { rows } = await db.query<{ unit_id: string; n: unknown }>(
    `SELECT unit_id, count(*) AS n FROM item_unit WHERE item_id = ANY($1::text[]) AND role = 'lead' GROUP BY unit_id ORDER BY count(*) DESC, unit_id`,
    [[...itemIds]],
  )
  return rows.map((r) => ({ unitId: r.unit_id, tickets: Number(r.n) }))
}

/** A hot spot as stored, with names for people. */
export interface HotSpotRow {
  readonly id: string
  readonly placeUnitId: string
  readonly placeName: string | null
  readonly categoryCode: string
  readonly categoryName: string | null
  readonly recentFrom: string
  readonly recentTo: string
  readonly recentCount: number
  readonly baselineCount: number
  readonly expected: number
  readonly ratio: number
  readonly detectedAt: string
  readonly updatedAt: string
}

const iso = (v: unknown): string => new Date(v as string).toISOString()

function toRow(r: Record<string, unknown>): HotSpotRow {
  return {
    id: String(r.id),
    placeUnitId: String(r.place_unit_id),
    placeName: (r.place_name as string | null) ?? null,
    categoryCode: String(r.category_code),
    categoryName: (r.category_name as string | null) ?? null,
    recentFrom: iso(r.recent_from),
    recentTo: iso(r.recent_to),
    recentCount: Number(r.recent_count),
    baselineCount: Number(r.baseline_count),
    expected: Number(r.expected),
    ratio: Number(r.ratio),
    detectedAt: iso(r.detected_at),
    updatedAt: iso(r.updated_at),
  }
}

const SELECT = `SELECT h.*, u.name AS place_name, c.name AS category_name
    FROM hot_spot h LEFT JOIN unit u ON u.id = h.place_unit_id LEFT JOIN service_category c ON c.code = h.category_code AND c.active`

/** The episode still running for a place and category: one whose recent window ended at or after `since`. */
export async function currentHotSpot(db: Queryable, placeUnitId: string, categoryCode: string, since: string): Promise<HotSpotRow | null> {
  const { rows } = await db.query(`${SELECT} WHERE h.place_unit_id = $1 AND h.category_code = $2 AND h.recent_to >= $3::timestamptz ORDER BY h.recent_to DESC LIMIT 1`, [
    placeUnitId,
    categoryCode,
    since,
  ])
  return rows[0] ? toRow(rows[0]) : null
}

/** What a detection writes. */
export interface HotSpotWrite {
  readonly id: string
  readonly placeUnitId: string
  readonly categoryCode: string
  readonly recentFrom: string
  readonly recentTo: string
  readonly recentCount: number
  readonly baselineCount: number
  readonly expected: number
  readonly ratio: number
  readonly at: Date
}

/** Inserts a new episode; false when one with the same key was written meanwhile. */
export async function insertHotSpot(db: Queryable, w: HotSpotWrite, episodeKey: string): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO hot_spot (id, episode_key, place_unit_id, category_code, recent_from, recent_to, recent_count, baseline_count, expected, ratio, detected_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11) ON CONFLICT (episode_key) DO NOTHING RETURNING id`,
    [w.id, episodeKey, w.placeUnitId, w.categoryCode, w.recentFrom, w.recentTo, w.recentCount, w.baselineCount, w.expected, w.ratio, w.at.toISOString()],
  )
  return rows.length === 1
}

/** Moves an episode's window and counts to the latest detection. */
export async function updateHotSpot(db: Queryable, w: HotSpotWrite): Promise<void> {
  await db.query(
    `UPDATE hot_spot SET recent_from = $2, recent_to = $3, recent_count = $4, baseline_count = $5, expected = $6, ratio = $7, updated_at = $8 WHERE id = $1`,
    [w.id, w.recentFrom, w.recentTo, w.recentCount, w.baselineCount, w.expected, w.ratio, w.at.toISOString()],
  )
}

/** Adds tickets behind an episode (those already there are kept). */
export async function addHotSpotTickets(db: Queryable, hotSpotId: string, itemIds: readonly string[]): Promise<void> {
  if (itemIds.length === 0) return
  await db.query(`INSERT INTO hot_spot_ticket (hot_spot_id, item_id) SELECT $1, x FROM unnest($2::text[]) AS x ON CONFLICT DO NOTHING`, [hotSpotId, [...itemIds]])
}

/** A ticket behind a hot spot (`ht`) falls in a scope (`$n`) when one of its units or its place unit is in it. */
const ticketInScope = (param: number): string =>
  `(EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = ht.item_id AND s.unit_id = ANY($${param}::text[]))
    OR EXISTS (SELECT 1 FROM ticket st WHERE st.item_id = ht.item_id AND st.place_unit_id = ANY($${param}::text[])))`

/**
 * Episodes whose recent window ended at or after `since`, latest first; with `scope`, only those whose place is one of
 * these units or with a ticket in the scope (one of its units or its place unit is one of them).
 */
export async function listHotSpots(db: Queryable, f: { since: string; scope: readonly string[] | null; limit: number }): Promise<HotSpotRow[]> {
  const params: unknown[] = [f.since, f.limit]
  let where = `h.recent_to >= $1::timestamptz`
  if (f.scope) {
    params.push([...f.scope])
    where += ` AND (h.place_unit_id = ANY($3::text[])
      OR EXISTS (SELECT 1 FROM hot_spot_ticket ht WHERE ht.hot_spot_id = h.id AND ${ticketInScope(3)}))`
  }
  const { rows } = await db.query(`${SELECT} WHERE ${where} ORDER BY h.recent_to DESC, h.ratio DESC, h.recent_count DESC, h.id LIMIT $2`, params)
  return rows.map(toRow)
}

/** The tickets behind episodes: number, content excerpt, received time, state and lead unit; with `scope`, those in it. */
export async function hotSpotTickets(
  db: Queryable,
  ids: readonly string[],
  scope: readonly string[] | null = null,
): Promise<Map<string, { id: string; number: string; content: string; address: string; receivedAt: string; state: string; leadUnitName: string | null }[]>> {
  const out = new Map<string, { id: string; number: string; content: string; address: string; receivedAt: string; state: string; leadUnitName: string | null }[]>()
  if (ids.length === 0) return out
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ht.hot_spot_id, i.id, i.number, i.state, t.content, t.address, t.received_at,
            (SELECT u.name FROM item_unit iu JOIN unit u ON u.id = iu.unit_id WHERE iu.item_id = i.id AND iu.role = 'lead' LIMIT 1) AS lead_unit_name
       FROM hot_spot_ticket ht JOIN item i ON i.id = ht.item_id JOIN ticket t ON t.item_id = i.id
      WHERE ht.hot_spot_id = ANY($1::text[])${scope ? ` AND ${ticketInScope(2)}` : ''}
      ORDER BY t.received_at, i.id`,
    scope ? [[...ids], [...scope]] : [[...ids]],
  )
  for (const r of rows) {
    const list = out.get(String(r.hot_spot_id)) ?? []
    list.push({
      id: String(r.id),
      number: String(r.number),
      content: String(r.content).slice(0, 80),
      address: String(r.address ?? ''),
      receivedAt: iso(r.received_at),
      state: String(r.state),
      leadUnitName: (r.lead_unit_name as string | null) ?? null,
    })
    out.set(String(r.hot_spot_id), list)
  }
  return out
}
