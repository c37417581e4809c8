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

/** Every item of a kind (or all kinds), ordered by number, with units, report times and the latest report text. */
export async function listAssessedItems(db: Queryable, kind: string | null): Promise<AssessedItemRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT i.id, i.number, i.title, i.kind, i.state, i.state_type, i.due_date::text AS due_date, i.created_at, i.closed_at, i.data, i.snapshot,
       COALESCE((SELECT json_agg(json_build_object('unitId', u.unit_id, 'role', u.role, 'name', n.name) ORDER BY u.role, u.unit_id)
                   FROM item_unit u JOIN unit n ON n.id = u.unit_id WHERE u.item_id = i.id), '[]'::json) AS units,
       COALESCE((SELECT json_agg(r.reported_at ORDER BY r.reported_at) FROM progress_report r WHERE r.item_id = i.id), '[]'::json) AS report_times,
       (SELECT r.body FROM progress_report r WHERE r.item_id = i.id ORDER BY r.reported_at DESC LIMIT 1) AS last_report
     FROM item i WHERE ($1::text IS NULL OR i.kind = $1) ORDER BY i.number`,
    [kind],
  )
  return rows.map((r) => ({
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
  }))
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
