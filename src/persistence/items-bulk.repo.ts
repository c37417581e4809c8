/**
 * Many new items in a few statements (plan confirmation): the items, their units and their first events, each
 * table written by one INSERT … SELECT over a JSON array, where insertItem / insertItemEvent write one row per
 * round trip. Same columns and conversions as those (items.repo.ts).
 */
import type { Queryable } from './db.ts'
import type { ItemUnitRole, NewItem } from './items.repo.ts'

/** Inserts the items and their unit rows (a unit named twice with one role is kept once, as replaceItemUnits does). */
export async function insertItems(q: Queryable, items: readonly { item: NewItem; units: readonly { unitId: string; role: ItemUnitRole }[] }[]): Promise<void> {
  if (items.length === 0) return
  const rows = items.map(({ item: it }) => ({
    id: it.id, number: it.number, kind: it.kind, kind_version: it.kindVersion, state: it.state, state_type: it.stateType, title: it.title, body: it.body,
    plan_id: it.planId, source_line: it.sourceLine, path: [...it.path], due_date: it.dueDate, snapshot: it.snapshot, data: it.data, at: it.at,
  }))
  await q.query(
    `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, plan_id, source_line, path, due_date, snapshot, data, created_at, updated_at)
     SELECT id, number, kind, kind_version, state, state_type, title, body, plan_id, source_line, path, due_date, snapshot, data, at, at
       FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (id text, number text, kind text, kind_version int, state text, state_type text, title text, body text,
            plan_id text, source_line int, path text[], due_date date, snapshot jsonb, data jsonb, at timestamptz)) WITH ORDINALITY AS x(id, number, kind, kind_version, state,
            state_type, title, body, plan_id, source_line, path, due_date, snapshot, data, at, ord)
      ORDER BY ord`,
    [JSON.stringify(rows)],
    { name: 'duban_items_bulk_insert' },
  )
  const units: { item_id: string; unit_id: string; role: string }[] = []
  for (const { item, units: us } of items) {
    const seen = new Set<string>()
    for (const u of us) {
      const key = `${u.unitId}/${u.role}`
      if (seen.has(key)) continue
      seen.add(key)
      units.push({ item_id: item.id, unit_id: u.unitId, role: u.role })
    }
  }
  if (units.length === 0) return
  await q.query(
    `INSERT INTO item_unit (item_id, unit_id, role)
     SELECT item_id, unit_id, role FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (item_id text, unit_id text, role text)) WITH ORDINALITY AS x(item_id, unit_id, role, ord)
      ORDER BY ord`,
    [JSON.stringify(units)],
    { name: 'duban_item_units_bulk_insert' },
  )
}

/** Appends item events in the given order (their seq follows it). */
export async function insertItemEvents(
  q: Queryable,
  events: readonly { itemId: string; event: string; from: string; to: string; actorId: string | null; actorRole: string; unitId: string | null; payload: unknown; at: string }[],
): Promise<void> {
  if (events.length === 0) return
  const rows = events.map((e) => ({ item_id: e.itemId, event: e.event, from_state: e.from, to_state: e.to, actor_id: e.actorId, actor_role: e.actorRole, unit_id: e.unitId, payload: e.payload ?? {}, at: e.at }))
  await q.query(
    `INSERT INTO item_event (item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at)
     SELECT item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at
       FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (item_id text, event text, from_state text, to_state text, actor_id text, actor_role text, unit_id text,
            payload jsonb, at timestamptz)) WITH ORDINALITY AS x(item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at, ord)
      ORDER BY ord`,
    [JSON.stringify(rows)],
    { name: 'duban_item_events_bulk_insert' },
  )
}
