/** What assessment (考核) reads: items of a kind with their lead unit, targets, measures and report times; weights. */
import type { Queryable } from './db.ts'

/** One item's raw facts for the KPI formulas. */
export interface AssessedItemRow {
  readonly id: string
  readonly number: string
  readonly title: string
  readonly kind: string
  readonly state: string
  readonly stateType: 'open' | 'waiting' | 'closed'
  readonly dueDate: string | null
  readonly createdAt: string
  readonly closedAt: string | null
  readonly data: Record<string, unknown>
  readonly snapshot: { clocks?: Record<string, { startedAt: string; dueAt: string | null; stoppedAt: string | null }>; data?: Record<string, unknown> }
  readonly units: readonly { unitId: string; role: 'lead' | 'responsible' | 'cooperating'; name: string }[]
  readonly reportTimes: readonly string[]
  readonly lastReport: string | null
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T))
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())

const ASSESSED_COLS = `i.id, i.number, i.title, i.kind, i.state, i.state_type, i.due_date::text AS due_date, i.created_at, i.closed_at, i.data, i.snapshot,
       COALESCE((SELECT json_agg(json_build_object('unitId', u.unit_id, 'role', u.role, 'name', n.name) ORDER BY u.role, u.unit_id)
                   FROM item_unit u JOIN unit n ON n.id = u.unit_id WHERE u.item_id = i.id), '[]'::json) AS units,
       COALESCE((SELECT json_agg(r.reported_at ORDER BY r.reported_at) FROM progress_report r WHERE r.item_id = i.id), '[]'::json) AS report_times`
const LAST_REPORT = `(SELECT COALESCE(r.corrected_body, r.body) FROM progress_report r WHERE r.item_id = i.id ORDER BY r.reported_at DESC LIMIT 1) AS last_report`

function toAssessed(r: Record<string, unknown>): AssessedItemRow {
  return {
    id: r.id as string,
    number: r.number as string,
    title: r.title as string,
    kind: r.kind as string,
    state: r.state as string,
    stateType: r.state_type as AssessedItemRow['stateType'],
    dueDate: (r.due_date as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    closedAt: iso(r.closed_at),
    data: json<Record<string, unknown>>(r.data) ?? {},
    snapshot: json<AssessedItemRow['snapshot']>(r.snapshot) ?? {},
    units: json<AssessedItemRow['units']>(r.units),
    reportTimes: json<string[]>(r.report_times).map((t) => iso(t)!),
    lastReport: (r.last_report as string | null) ?? null,
  }
}

/** Every item of a kind (or all kinds), ordered by number, with units, report times and the latest report text. */
export async function listAssessedItems(db: Queryable, kind: string | null): Promise<AssessedItemRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${ASSESSED_COLS}, ${LAST_REPORT} FROM item i WHERE ($1::text IS NULL OR i.kind = $1) ORDER BY i.number`,
    [kind],
  )
  return rows.map(toAssessed)
}

/**
 * One page of a kind's items in number order after `afterNumber` (null: from the start), as listAssessedItems
 * gives them: the 台账 export reads the ledger page by page (keyset) so memory stays bounded.
 */
export async function pageAssessedItems(db: Queryable, kind: string, afterNumber: string | null, limit: number): Promise<AssessedItemRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${ASSESSED_COLS}, ${LAST_REPORT} FROM item i
      WHERE i.kind = $1 AND ($2::text IS NULL OR i.number > $2) ORDER BY i.number LIMIT $3`,
    [kind, afterNumber, limit],
  )
  return rows.map(toAssessed)
}

/**
 * The items of a kind that can count in a period (考核期内的事项): created before `createdBefore`, not cancelled,
 * and not closed before `activeFrom` (still open or waiting, or closed at or after it; a clock
 * stops at or before its item closes, so an item closed before `activeFrom` also finished before it). Such an
 * item adds nothing to any formula but its unit's item count, which assessmentUnitTotals gives. Items without a
 * lead unit come too (the caller skips them: testing for a lead here hashed every item_unit row, 3.8 s against
 * 2.4 s under load at 1M). Ordered by number; item_kind_closed_idx and item_kind_state_idx (migration 071) serve
 * small kinds and recent periods, a parallel scan the rest (a range index on [created, closed] was tried: slower).
 */
export async function listPeriodItems(db: Queryable, kind: string, createdBefore: string, activeFrom: string): Promise<AssessedItemRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${ASSESSED_COLS} FROM item i
      WHERE i.kind = $1 AND i.created_at < $2 AND i.state <> 'cancelled'
        AND (i.state_type IN ('open', 'waiting') OR i.closed_at IS NULL OR i.closed_at >= $3)
      ORDER BY i.number`,
    [kind, createdBefore, activeFrom],
  )
  return rows.map(toAssessed)
}

/**
 * A kind's items not closed whose due date is on or before `dueBy` (a China date), by number: the candidates for a
 * bulletin's overdue list, through the partial index item_due_idx rather than every item of the kind.
 */
export async function listOpenDueBy(db: Queryable, kind: string, dueBy: string): Promise<AssessedItemRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${ASSESSED_COLS}, ${LAST_REPORT} FROM item i
      WHERE i.kind = $1 AND i.state_type <> 'closed' AND i.due_date <= $2::date ORDER BY i.number`,
    [kind, dueBy],
  )
  return rows.map(toAssessed)
}

/** A lead unit's totals over every item of a kind created before a period's end (分单位事项数). */
export interface UnitTotals {
  readonly unitId: string
  /** Items not cancelled. */
  readonly items: number
  /** Items not cancelled whose due date falls in the period. */
  readonly dueInPeriod: number
}

/**
 * Per lead unit (the first lead by unit id, as listAssessedItems orders them), counted in SQL over every item of
 * the kind created before `createdBefore`, cancelled ones included in the order: units come in the order of their
 * first item's number, the order a scan of every item by number meets them.
 */
export async function assessmentUnitTotals(db: Queryable, kind: string, createdBefore: string, firstDate: string, lastDate: string): Promise<UnitTotals[]> {
  const { rows } = await db.query<{ unit_id: string; items: number; due_in_period: number }>(
    `SELECT l.unit_id,
            count(*) FILTER (WHERE i.state <> 'cancelled')::int AS items,
            count(*) FILTER (WHERE i.state <> 'cancelled' AND i.due_date BETWEEN $3::date AND $4::date)::int AS due_in_period
       FROM item i
       JOIN (SELECT item_id, min(unit_id) AS unit_id FROM item_unit WHERE role = 'lead' GROUP BY item_id) l ON l.item_id = i.id
      WHERE i.kind = $1 AND i.created_at < $2
      GROUP BY l.unit_id
      ORDER BY min(i.number)`,
    [kind, createdBefore, firstDate, lastDate],
  )
  return rows.map((r) => ({ unitId: r.unit_id, items: Number(r.items), dueInPeriod: Number(r.due_in_period) }))
}

/** Stored weights of a kind, or null. */
export async function getWeights(db: Queryable, kind: string): Promise<unknown> {
  const { rows } = await db.query<{ weights: unknown }>('SELECT weights FROM assessment_weights WHERE kind = $1', [kind])
  return rows[0] ? json<unknown>(rows[0].weights) : null
}

/** Stores a kind's weights. */
export async function putWeights(db: Queryable, kind: string, weights: unknown, by: string | null, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO assessment_weights (kind, weights, updated_by, updated_at) VALUES ($1,$2,$3,$4)
     ON CONFLICT (kind) DO UPDATE SET weights = EXCLUDED.weights, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [kind, JSON.stringify(weights), by, at.toISOString()],
  )
}

/** Unit names by id. */
export async function unitNames(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM unit')
  return new Map(rows.map((r) => [r.id, r.name]))
}

/**
 * Items of a kind created before `createdBefore` (not cancelled) per lead unit, counting every lead of an item with
 * several (shared work: each answers for it) and each copy of a split task (分解落实) for its own unit.
 */
export async function leadUnitTotals(db: Queryable, kind: string, createdBefore: string): Promise<{ unitId: string; items: number }[]> {
  const { rows } = await db.query<{ unit_id: string; items: number }>(
    `SELECT l.unit_id, count(*)::int AS items
       FROM item i JOIN item_unit l ON l.item_id = i.id AND l.role = 'lead'
      WHERE i.kind = $1 AND i.created_at < $2 AND i.state <> 'cancelled'
      GROUP BY l.unit_id`,
    [kind, createdBefore],
  )
  return rows.map((r) => ({ unitId: r.unit_id, items: Number(r.items) }))
}

/** Some items by id (any kind), as listAssessedItems gives them but without report times, unit names and the latest report. */
export async function assessedItemsByIds(db: Queryable, ids: readonly string[]): Promise<AssessedItemRow[]> {
  if (ids.length === 0) return []
  // Without report_times: the caller reads each unit's reports (reportTimesByUnit, or reportDaysByUnit for the drain) in one statement for the batch.
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT i.id, i.number, i.title, i.kind, i.state, i.state_type, i.due_date::text AS due_date, i.created_at, i.closed_at, i.data, i.snapshot,
            COALESCE((SELECT json_agg(json_build_object('unitId', u.unit_id, 'role', u.role, 'name', '') ORDER BY u.role, u.unit_id)
                        FROM item_unit u WHERE u.item_id = i.id), '[]'::json) AS units, '[]'::json AS report_times
       FROM item i WHERE i.id = ANY($1::text[])`,
    [[...ids]],
  )
  return rows.map(toAssessed)
}

/** Report instants by unit for some items: item id → unit id → instants, oldest first. One statement. */
export async function reportTimesByUnit(q: Queryable, itemIds: readonly string[]): Promise<Map<string, Map<string, string[]>>> {
  if (itemIds.length === 0) return new Map()
  const { rows } = await q.query<{ item_id: string; unit_id: string; reported_at: unknown }>(
    `SELECT item_id, unit_id, reported_at FROM progress_report WHERE item_id = ANY($1::text[]) ORDER BY reported_at, id`,
    [[...itemIds]],
  )
  return groupByItemAndUnit(rows)
}

/**
 * As reportTimesByUnit, but only each unit's first report of each China day: what the assessment counters' drain reads
 * (its reporting contributions look at report days alone, src/app/assessment/assessment-contrib.ts reportDays). A task that reports
 * stream to, a thousand a day, is a few rows per unit instead of thousands to read, parse and group while the drain
 * holds the event loop (the peer benchmark's reports after a plan confirm: 40 such tasks held it ~170 ms a batch).
 */
export async function reportDaysByUnit(q: Queryable, itemIds: readonly string[]): Promise<Map<string, Map<string, string[]>>> {
  if (itemIds.length === 0) return new Map()
  const { rows } = await q.query<{ item_id: string; unit_id: string; reported_at: unknown }>(
    `SELECT item_id, unit_id, min(reported_at) AS reported_at FROM progress_report WHERE item_id = ANY($1::text[])
      GROUP BY item_id, unit_id, (reported_at AT TIME ZONE 'Asia/Shanghai')::date ORDER BY 3`,
    [[...itemIds]],
  )
  return groupByItemAndUnit(rows)
}

/** Report rows (oldest first) as item id → unit id → instants, oldest first. */
function groupByItemAndUnit(rows: readonly { item_id: string; unit_id: string; reported_at: unknown }[]): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>()
  for (const r of rows) {
    let byUnit = out.get(r.item_id)
    if (!byUnit) out.set(r.item_id, (byUnit = new Map()))
    const times = byUnit.get(r.unit_id)
    const at = new Date(r.reported_at as string).toISOString()
    if (times) times.push(at)
    else byUnit.set(r.unit_id, [at])
  }
  return out
}
