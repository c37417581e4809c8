/**
 * Ticket intake's writes in one statement per group of tickets (issue 7, lean intake and group commit): the yearly
 * numbers (one counter update for the whole group), the items, their units, the ticket rows, their intake jobs, their
 * history rows, their audit rows and the dispatch's notifications, as data-modifying CTEs over one JSON array (the
 * foreign keys and triggers are checked at the statement's end, when every row of it is there). Run on its own it
 * commits by itself: one round trip stores a group.
 */
import type { Queryable } from './db.ts'
import type { ItemUnitRole } from './items.repo.ts'
import type { NewTicket } from './tickets.repo.ts'

/** One received ticket as intake writes it (its number is taken from the counter by the statement itself). */
export interface ReceivedTicket {
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
  /** The history rows (item_event), in order, all by one actor. */
  readonly events: readonly { readonly event: string; readonly from: string; readonly to: string; readonly payload: unknown }[]
  readonly actor: { readonly id: string | null; readonly role: string; readonly unitId: string | null }
  /** The audit row (unsealed, as appendAudit writes it); `after` gets the ticket's `number` added by the statement. */
  readonly audit: { readonly action: string; readonly entity: string; readonly after: Readonly<Record<string, unknown>> }
  /**
   * Notifications (as insertNotification writes them, ON CONFLICT (dedupe_key) DO NOTHING); the title is
   * `titleHead` + the ticket's number + `titleTail`.
   */
  readonly notifications: readonly {
    readonly id: string
    readonly dedupeKey: string
    readonly userId: string | null
    readonly unitId: string | null
    readonly role: string | null
    readonly type: string
    readonly titleHead: string
    readonly titleTail: string
    readonly body: string
    readonly at: string
  }[]
}

/** The yearly counter the numbers come from: PREFIX-YEAR-NNNNNN. */
export interface TicketCounter {
  readonly prefix: string
  readonly year: number
  readonly digits: number
}

/** What the statement answers per ticket, in the order given: its number (工单编号) and its history rows' seq. */
export interface ReceivedWritten {
  readonly number: string
  readonly seqs: readonly number[]
}

// $1 prefix, $2 year, $3 digits, $4 how many, $5 the tickets (a JSON array, in the order their numbers are given).
// Rows are produced in the array's order (ORDER BY) wherever a sequence (item_event.seq) or the numbers depend on it.
const INSERT_RECEIVED = `
WITH src AS (
  SELECT x.ord, x.r FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS x(r, ord)
), n AS (
  INSERT INTO item_counter (prefix, year, last) VALUES ($1, $2, $4::int)
  ON CONFLICT (prefix, year) DO UPDATE SET last = item_counter.last + $4::int
  RETURNING last
), s AS (
  SELECT src.ord, src.r, src.r->>'id' AS id, (src.r->>'at')::timestamptz AS at,
         $1 || '-' || $2::text || '-' || CASE WHEN length(k.v) >= $3::int THEN k.v ELSE lpad(k.v, $3::int, '0') END AS number
    FROM src, n, LATERAL (SELECT (n.last - $4::int + src.ord)::text AS v) k
), i AS (
  INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, plan_id, source_line, path, due_date, snapshot, data, created_at, updated_at)
  SELECT s.id, s.number, s.r->>'kind', (s.r->>'kindVersion')::int, s.r->>'state', s.r->>'stateType', s.r->>'title', s.r->>'body', NULL, NULL,
         ARRAY(SELECT jsonb_array_elements_text(s.r->'path')), (s.r->>'dueDate')::date, s.r->'snapshot', s.r->'data', s.at, s.at
    FROM s ORDER BY s.ord
  RETURNING id
), u AS (
  INSERT INTO item_unit (item_id, unit_id, role, received_at)
  SELECT s.id, x->>'unitId', x->>'role', s.at FROM s, jsonb_array_elements(s.r->'units') AS x
), t AS (
  INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, anonymous, requester_name, requester_phone,
                      address, lat, lng, place_unit_id, content, received_at, received_by)
  SELECT s.id, x->>'channel', x->>'requestType', x->>'categoryCode', (x->>'categoryVersion')::int, x->>'urgency', (x->>'anonymous')::boolean,
         x->>'requesterName', x->>'requesterPhone', x->>'address', (x->>'lat')::float8, (x->>'lng')::float8, x->>'placeUnitId', x->>'content', s.at, x->>'receivedBy'
    FROM s, LATERAL (SELECT s.r->'ticket' AS x) tk ORDER BY s.ord
), j AS (
  INSERT INTO ticket_intake_job (item_id, window_days, enqueued_at)
  SELECT s.id, (s.r->>'jobWindowDays')::int, s.at FROM s WHERE s.r->>'jobWindowDays' IS NOT NULL
), e AS (
  INSERT INTO item_event (item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at)
  SELECT s.id, x.v->>'event', x.v->>'from', x.v->>'to', s.r->'actor'->>'id', s.r->'actor'->>'role', s.r->'actor'->>'unitId', COALESCE(x.v->'payload', '{}'::jsonb), s.at
    FROM s, jsonb_array_elements(s.r->'events') WITH ORDINALITY AS x(v, k)
   ORDER BY s.ord, x.k
  RETURNING item_id, seq
), a AS (
  INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after)
  SELECT s.at, s.r->'actor'->>'id', s.r->'audit'->>'action', s.r->'audit'->>'entity', s.id, NULL, jsonb_build_object('number', s.number) || (s.r->'audit'->'after')
    FROM s ORDER BY s.ord
), m AS (
  INSERT INTO notification (id, dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at)
  SELECT x->>'id', x->>'dedupeKey', x->>'userId', x->>'unitId', x->>'role', s.id, x->>'type', (x->>'titleHead') || s.number || (x->>'titleTail'), x->>'body', (x->>'at')::timestamptz
    FROM s, jsonb_array_elements(s.r->'notifications') AS x
  ON CONFLICT (dedupe_key) DO NOTHING
)
SELECT s.ord, s.number, (SELECT string_agg(e.seq::text, ',' ORDER BY e.seq) FROM e WHERE e.item_id = s.id) AS seqs FROM s ORDER BY s.ord`

/**
 * Writes received tickets, all under one counter, in one statement; answers each one's number and history seqs in
 * the order given. Numbers follow that order without a gap (the counter row is locked until the statement's
 * transaction ends). On its own (not in a transaction) the statement is its own transaction: all or none.
 */
export async function insertReceivedTickets(q: Queryable, counter: TicketCounter, tickets: readonly ReceivedTicket[]): Promise<ReceivedWritten[]> {
  if (tickets.length === 0) return []
  const { rows } = await q.query<{ ord: unknown; number: string; seqs: string | null }>(
    INSERT_RECEIVED,
    [counter.prefix, counter.year, counter.digits, tickets.length, JSON.stringify(tickets.map(asJson))],
    { name: 'duban_ticket_intake_group' },
  )
  if (rows.length !== tickets.length) throw new Error(`ticket intake: ${tickets.length} tickets written, ${rows.length} answered`)
  // seq comes from a sequence taken in the SELECT's order, so each ticket's seqs sorted are its events in order.
  return rows.map((r) => ({ number: r.number, seqs: (r.seqs ?? '').split(',').filter(Boolean).map(Number) }))
}

const asJson = (t: ReceivedTicket): Record<string, unknown> => ({
  ...t.item,
  at: t.at,
  units: t.units,
  ticket: t.ticket,
  jobWindowDays: t.jobWindowDays,
  events: t.events.map((e) => ({ event: e.event, from: e.from, to: e.to, payload: e.payload ?? {} })),
  actor: t.actor,
  audit: t.audit,
  notifications: t.notifications,
})

/** What duplicate detection found for one ticket of an intake jobs' batch, to be stored with the batch's others. */
export interface IntakeFinding {
  /** The ticket detection ran for (the later ticket of each of its proposals). */
  readonly subjectId: string
  /** New proposals (a pair already proposed, whatever its status, is left as it is). */
  readonly proposals: readonly { readonly id: string; readonly ticketId: string; readonly primaryId: string; readonly reasons: readonly string[]; readonly similarity: number }[]
  /** The 多次重复诉求 flag, or null. */
  readonly repeat: { readonly asks: number; readonly earlier: readonly string[] } | null
  readonly windowDays: number
  readonly threshold: number
}

// $1 the findings (a JSON array), $2 the instant. The stores of storeDuplicates (duplicates.ts) for every finding of
// a batch: the proposals (ON CONFLICT DO NOTHING), the flags (upserted as upsertRepeat does) and one audit row per
// finding that proposed something new or raised the flag, with the count of its proposals that were new.
const STORE_FINDINGS = `
WITH src AS (
  SELECT x.ord, x.f FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(f, ord)
), p AS (
  INSERT INTO ticket_duplicate (id, ticket_id, primary_id, reasons, similarity, proposed_at, proposed_by)
  SELECT y->>'id', y->>'ticketId', y->>'primaryId', ARRAY(SELECT jsonb_array_elements_text(y->'reasons')), (y->>'similarity')::float8, $2::timestamptz, NULL
    FROM src, jsonb_array_elements(src.f->'proposals') AS y
  ON CONFLICT (ticket_id, primary_id) DO NOTHING
  RETURNING id
), r AS (
  INSERT INTO ticket_repeat (item_id, asks, earlier, window_days, flagged_at)
  SELECT src.f->>'subjectId', (src.f->'repeat'->>'asks')::int, ARRAY(SELECT jsonb_array_elements_text(src.f->'repeat'->'earlier')), (src.f->>'windowDays')::int, $2::timestamptz
    FROM src WHERE jsonb_typeof(src.f->'repeat') = 'object'
  ON CONFLICT (item_id) DO UPDATE SET asks = GREATEST(ticket_repeat.asks, EXCLUDED.asks), earlier = EXCLUDED.earlier, window_days = EXCLUDED.window_days
), fresh AS (
  SELECT src.ord, count(p.id) AS n
    FROM src LEFT JOIN LATERAL (SELECT y->>'id' AS id FROM jsonb_array_elements(src.f->'proposals') AS y) mine ON true
    LEFT JOIN p ON p.id = mine.id
   GROUP BY src.ord
)
INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after)
SELECT $2::timestamptz, NULL, 'ticket.duplicates.detect', 'item', src.f->>'subjectId', NULL,
       jsonb_build_object('proposed', fresh.n, 'windowDays', (src.f->>'windowDays')::int, 'threshold', src.f->'threshold',
                          'repeatedAsks', CASE WHEN jsonb_typeof(src.f->'repeat') = 'object' THEN src.f->'repeat'->'asks' ELSE 'null'::jsonb END)
  FROM src JOIN fresh ON fresh.ord = src.ord
 WHERE fresh.n > 0 OR jsonb_typeof(src.f->'repeat') = 'object'
 ORDER BY src.ord`

/**
 * Stores the findings of a batch of intake jobs in one statement (instead of a proposal INSERT per pair, a flag upsert
 * and an audit row per ticket): what storeDuplicates writes for each, by the system (no actor), at `at`. Findings
 * with nothing to store are left out by the caller or write nothing.
 */
export async function storeIntakeFindings(q: Queryable, findings: readonly IntakeFinding[], at: string): Promise<void> {
  const some = findings.filter((f) => f.proposals.length > 0 || f.repeat)
  if (some.length === 0) return
  await q.query(STORE_FINDINGS, [JSON.stringify(some), at], { name: 'duban_intake_findings' })
}
