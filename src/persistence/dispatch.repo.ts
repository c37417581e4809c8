/** What the dispatch suggester (智能派单) reads: units with their duties, and closed tickets with their handling unit. */
import type { DispatchUnit } from '../domain/dispatch/dispatch-unit.types.ts'
import type { Queryable } from './db.ts'

/** Active units with their responsibilities (职责). */
export async function listDispatchUnits(q: Queryable): Promise<DispatchUnit[]> {
  const { rows } = await q.query<DispatchUnit>(
    `SELECT id, name, parent_id AS "parentId", level, function, aliases, duties FROM unit WHERE active ORDER BY id`,
  )
  return rows
}

/** Writes a unit's duties where none are written yet; returns whether it wrote. */
export async function fillUnitDuties(q: Queryable, unitId: string, duties: string): Promise<boolean> {
  const r = await q.query(`UPDATE unit SET duties = $2 WHERE id = $1 AND duties = '' RETURNING id`, [unitId, duties])
  return r.rows.length > 0
}

/** Replaces a unit's duties; returns what they were, or null when there is no such unit. */
export async function setUnitDuties(q: Queryable, unitId: string, duties: string): Promise<string | null> {
  const before = await q.query<{ duties: string }>(`SELECT duties FROM unit WHERE id = $1 FOR UPDATE`, [unitId])
  const row = before.rows[0]
  if (!row) return null
  await q.query(`UPDATE unit SET duties = $2 WHERE id = $1`, [unitId, duties])
  return row.duties
}

/** A closed ticket's text and the unit that handled it (its lead at closing). */
export interface ClosedTicketOutcome {
  readonly itemId: string
  readonly content: string
  readonly address: string
  readonly unitId: string
  readonly closedAt: Date
}

/** Where reading closed tickets stopped: the last (closedAt, itemId) read. */
export interface OutcomeMark {
  readonly closedAt: Date
  readonly itemId: string
}

/** Closed tickets with a lead unit after the mark, oldest first, at most `limit`. */
export async function listClosedTicketOutcomes(q: Queryable, after: OutcomeMark | null, limit: number): Promise<ClosedTicketOutcome[]> {
  const { rows } = await q.query<ClosedTicketOutcome>(
    `SELECT i.id AS "itemId", t.content, t.address, iu.unit_id AS "unitId", i.closed_at AS "closedAt"
       FROM item i
       JOIN ticket t ON t.item_id = i.id
       JOIN item_unit iu ON iu.item_id = i.id AND iu.role = 'lead'
      WHERE i.kind = 'ticket' AND i.state_type = 'closed' AND i.closed_at IS NOT NULL
        AND ($1::timestamptz IS NULL OR (i.closed_at, i.id) > ($1::timestamptz, $2::text))
      ORDER BY i.closed_at, i.id
      LIMIT $3`,
    [after?.closedAt.toISOString() ?? null, after?.itemId ?? '', limit],
  )
  return rows.map((r) => ({ ...r, closedAt: new Date(r.closedAt) }))
}

/** The current service categories as the cold start reads them. */
export async function listCategoryTexts(q: Queryable): Promise<{ code: string; name: string; description: string; function: string | null }[]> {
  const { rows } = await q.query<{ code: string; name: string; description: string; function: string | null }>(
    `SELECT code, name, description, function FROM service_category WHERE active ORDER BY code`,
  )
  return rows
}

/** The current dispatch rules as the cold start reads them. */
export async function listRuleTexts(q: Queryable): Promise<{ categoryCode: string; unitId: string | null; byFunction: string | null; basis: string }[]> {
  const { rows } = await q.query<{ categoryCode: string; unitId: string | null; byFunction: string | null; basis: string }>(
    `SELECT category_code AS "categoryCode", unit_id AS "unitId", by_function AS "byFunction", basis FROM dispatch_rule WHERE active ORDER BY id`,
  )
  return rows
}
