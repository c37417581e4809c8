/**
 * Ticket intake's writes in as few statements as the data allows (issue 7, lean intake): the yearly number, the item,
 * its units, the ticket row and its intake job in one statement (data-modifying CTEs; the foreign keys are checked
 * at its end, when the item row is there), and every history row in one more.
 */
import type { Queryable } from './db.ts'
import type { ItemUnitRole } from './items.repo.ts'
import type { NewTicket } from './tickets.repo.ts'

/** A received ticket as intake writes it (the number is taken from the counter by the statement itself). */
export interface ReceivedTicket {
  readonly prefix: string
  readonly year: number
  readonly digits: number
  readonly item: {
    readonly id: string
    readonly kind: string
    readonly kindVersion: number
    readonly state: string
    readonly stateType: string
    readonly title: string
    readonly body: string
    readonly path: readonly string[]
    readonly dueDate: string | null
    readonly snapshot: unknown
    readonly data: unknown
  }
  readonly units: readonly { readonly unitId: string; readonly role: ItemUnitRole }[]
  /** The `ticket` row's intake facts (tickets.repo NewTicket); its item id and receipt instant come from the item. */
  readonly ticket: Omit<NewTicket, 'itemId' | 'receivedAt'>
  /** The intake job's window (migration 134), or null for none. */
  readonly jobWindowDays: number | null
  readonly at: string
}

const INSERT_RECEIVED = `
WITH n AS (
  INSERT INTO item_counter (prefix, year, last) VALUES ($1, $2, 1)
  ON CONFLICT (prefix, year) DO UPDATE SET last = item_counter.last + 1
  RETURNING $1 || '-' || $2::text || '-' || CASE WHEN length(last::text) >= $3::int THEN last::text ELSE lpad(last::text, $3::int, '0') END AS number
), i AS (
  INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, plan_id, source_line, path, due_date, snapshot, data, created_at, updated_at)
  SELECT $4, n.number, $5, $6, $7, $8, $9, $10, NULL, NULL, $11::text[], $12::date, $13::jsonb, $14::jsonb, $15, $15 FROM n
  RETURNING number
), u AS (
  INSERT INTO item_unit (item_id, unit_id, role) SELECT $4, x.unit_id, x.role FROM unnest($16::text[], $17::text[]) AS x(unit_id, role)
), t AS (
  INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, anonymous, requester_name, requester_phone,
                      address, lat, lng, place_unit_id, content, received_at, received_by)
  VALUES ($4, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $15, $31)
), j AS (
  INSERT INTO ticket_intake_job (item_id, window_days, enqueued_at) SELECT $4, $32::int, $15 WHERE $32::int IS NOT NULL
)
SELECT number FROM i`

/** Writes a received ticket; answers its number (工单编号). */
export async function insertReceivedTicket(q: Queryable, r: ReceivedTicket): Promise<string> {
  const { item: it, ticket: t } = r
  const { rows } = await q.query<{ number: string }>(
    INSERT_RECEIVED,
    [
      r.prefix, r.year, r.digits,
      it.id, it.kind, it.kindVersion, it.state, it.stateType, it.title, it.body, [...it.path], it.dueDate, JSON.stringify(it.snapshot), JSON.stringify(it.data), r.at,
      r.units.map((u) => u.unitId), r.units.map((u) => u.role),
      t.channel, t.requestType, t.categoryCode, t.categoryVersion, t.urgency, t.anonymous, t.requesterName, t.requesterPhone,
      t.address, t.lat, t.lng, t.placeUnitId, t.content, t.receivedBy,
      r.jobWindowDays,
    ],
    { name: 'duban_ticket_intake_insert' },
  )
  const number = rows[0]?.number
  if (!number) throw new Error('ticket intake: the insert returned no number')
  return number
}

/** History rows of one item, in order, in one statement; answers their seq in the same order. */
export async function insertIntakeEvents(
  q: Queryable,
  itemId: string,
  who: { actorId: string | null; actorRole: string; unitId: string | null },
  events: readonly { event: string; from: string; to: string; payload: unknown }[],
  at: string,
): Promise<number[]> {
  const { rows } = await q.query<{ seq: unknown; ord: unknown }>(
    `INSERT INTO item_event (item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at)
     SELECT $1, x.event, x.from_state, x.to_state, $2, $3, $4, x.payload::jsonb, $5
       FROM unnest($6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS x(event, from_state, to_state, payload, ord)
      ORDER BY x.ord
     RETURNING seq`,
    [itemId, who.actorId, who.actorRole, who.unitId, at, events.map((e) => e.event), events.map((e) => e.from), events.map((e) => e.to), events.map((e) => JSON.stringify(e.payload ?? {}))],
  )
  // seq comes from a sequence taken in the SELECT's order, so the returned values sorted are the rows in order.
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b)
}
