/**
 * Duplicate requests (重复诉求 / 并单) in the database (migration 101): candidates read through indexes only (same
 * phone, same normalised address, coordinates in a small box; each within a window and LIMITed), proposals
 * (ticket_duplicate), and the 多次重复诉求 flag (ticket_repeat).
 */
import type { Queryable } from './db.ts'
import { isoInstant } from './plans.repo.ts'

/** A ticket as detection reads it. */
export interface DuplicateSubjectRow {
  readonly id: string
  readonly number: string
  readonly state: string
  readonly receivedAt: string
  readonly phone: string | null
  readonly address: string
  readonly addressKey: string
  readonly lat: number | null
  readonly lng: number | null
  readonly content: string
  /** The ticket's place (属地 unit); for a draft, the one chosen so far. */
  readonly placeUnitId: string | null
}

const COLS = `t.item_id, i.number, i.state, t.received_at, t.requester_phone, t.address, t.address_key, t.lat, t.lng, t.content, t.place_unit_id`
// The item is read by its key (a lateral subquery, OFFSET 0 so that no condition is pushed into it): joined plainly,
// on a database whose statistics predate its tickets (a young one, or autovacuum off as on the bench's server) the
// planner took `i.kind = 'ticket'` to the partial index item_ticket_number_reverse_idx and scanned every ticket's item
// for each candidate row — 800 rows a loop, 3.7 s for a batch of 100 subjects in the peer bench (auto_explain),
// one core busy for as long as intake ran and after it.
const FROM = `FROM ticket t CROSS JOIN LATERAL (SELECT i.number, i.state, i.kind FROM item i WHERE i.id = t.item_id OFFSET 0) i`

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

function toSubject(r: Record<string, unknown>): DuplicateSubjectRow {
  return {
    id: String(r.item_id),
    number: String(r.number),
    state: String(r.state),
    receivedAt: isoInstant(r.received_at) ?? '',
    phone: (r.requester_phone as string | null) ?? null,
    address: String(r.address ?? ''),
    addressKey: String(r.address_key ?? ''),
    lat: num(r.lat),
    lng: num(r.lng),
    content: String(r.content),
    placeUnitId: (r.place_unit_id as string | null | undefined) ?? null,
  }
}

/** One ticket for detection, or null. */
export async function duplicateSubject(q: Queryable, id: string): Promise<DuplicateSubjectRow | null> {
  const { rows } = await q.query(`SELECT ${COLS} ${FROM} WHERE t.item_id = $1`, [id], { name: 'duban_duplicates_subject' })
  return rows[0] ? toSubject(rows[0]) : null
}

/** One ticket by its id or its number (工单编号), or null. */
export async function duplicateSubjectByRef(q: Queryable, ref: string): Promise<DuplicateSubjectRow | null> {
  return (await duplicateSubject(q, ref)) ?? (await q.query(`SELECT ${COLS} ${FROM} WHERE i.number = $1 AND i.kind = 'ticket'`, [ref])).rows.map(toSubject)[0] ?? null
}

/**
 * The address as ticket.address_key holds it (the generated column of migration 101, the same expression), for a
 * request not yet stored.
 */
export async function addressKeyOf(q: Queryable, address: string): Promise<string> {
  const { rows } = await q.query<{ k: string }>(`SELECT regexp_replace(translate(lower($1::text), '０１２３４５６７８９', '0123456789'), '[^0-9a-z一-鿿]', '', 'g') AS k`, [address])
  return rows[0]?.k ?? ''
}

/** Degrees of latitude in 150 m, the box the coordinate query reads (the exact distance is checked in the domain). */
const LAT_BOX = 0.00136

/**
 * Tickets that may duplicate `s`: received in [from, to], not `s` itself, sharing its
 * phone, its normalised address (or one of `addressKeys`, the ways it may be written: address-variants.ts), or lying
 * in a box of about 150 m round it; at most `limit` of each, newest first.
 * Merged and withdrawn tickets are read too (they are asks of the requester); they are never made primaries.
 * duplicateCandidatesMany's one statement for one subject: one round trip where the three reasons took three (the
 * desk's check as the operator types, detection on demand).
 */
export async function duplicateCandidates(q: Queryable, s: DuplicateSubjectRow, from: string, to: string, limit: number, addressKeys?: readonly string[]): Promise<DuplicateSubjectRow[]> {
  return (await duplicateCandidatesMany(q, [{ s, from, to, addressKeys }], limit))[0]!
}

/**
 * Several tickets for detection at once (the intake jobs' batch), by id; an id with no ticket is left out. Each ticket
 * is read by key (a lateral subquery per id; OFFSET 0 keeps the planner from turning it back into a join), whatever
 * the statistics say: `WHERE t.item_id = ANY($1)` was planned, on a database whose statistics predate its tickets (a
 * fresh one, or autovacuum off as on the bench's server), as a hash join over seq scans of ticket and item, so every
 * batch read both tables whole (the peer bench's database: 305 item rows for a batch of 8 after 300 tickets, growing
 * with the table). Same rows as before.
 */
export async function duplicateSubjects(q: Queryable, ids: readonly string[]): Promise<Map<string, DuplicateSubjectRow>> {
  if (ids.length === 0) return new Map()
  const { rows } = await q.query(
    `SELECT s.* FROM unnest($1::text[]) AS x(id) CROSS JOIN LATERAL (SELECT ${COLS} ${FROM} WHERE t.item_id = x.id OFFSET 0) s`,
    [[...ids]],
    { name: 'duban_duplicates_subjects' },
  )
  return new Map(rows.map((r) => [String(r.item_id), toSubject(r)]))
}

// $1 the subjects' ids, $2 from, $3 to, $4 phones ('' = none), $5 address keys, each subject's joined by ',' (a key
// holds only digits, Latin letters and Han; '' = none; each key an index range of its own, newest first), $6–$9 the coordinate
// boxes (NULL = none), all in the same order; $10 the limit per reason. Three reads per subject (phone, address,
// place), in one statement for a batch: each reason's rows tagged 1 (phone), 2 (address), 3 (place). A ticket found
// by more than one reason (a caller's earlier ticket at the same address) is answered once, where it first appears,
// as duplicateCandidatesMany keeps it: not the same row two or three times. The address branch says `t.address_key <>
// ''` although `= v.akey` (never '') implies it: the planner cannot see that through the unnest, and without
// it the partial index (ticket_address_key_idx, migration 101) was not used: the branch read every ticket of the
// window (1.9 s warm, 10.5 s cold on 1M tickets; 0.3 ms with it). The key is written as a range of one value and the
// order as the index's (address_key, received_at), so that only that index gives the rows in order: with `= v.akey`
// the planner, where one address held most tickets (`peer`'s load) or nothing was analyzed, walked ticket_received_idx
// backwards through the whole window for each of a subject's keys that no ticket had (562 buffers for three keys on
// 3,000 tickets; 10 this way), and most of the ways an address may be written are such keys.
// A ticket that is a candidate of several subjects (under load, a caller's or an address's recent tickets are the
// candidates of every subject of the batch) brings its text, phone and place once, on its first row (`once` = 1, the
// lowest k); its other rows carry only its id, why and received_at, and duplicateCandidatesMany fills them in.
// The branches read ticket alone, and the item (number, state) is read once per ticket, for its first row, after the
// rows are made distinct: read per branch row, the same ticket's item was probed once per subject and reason (in
// `peer`'s intake, one caller at one address, 100 subjects × phone and address branches × 20 rows = 4,000 probes for
// at most the batch's own 100 tickets and the 20 before them). The branches need no `i.kind = 'ticket'`: only the ticket kind writes ticket rows
// (ticket-intake.repo.ts, tickets.repo.ts).
const TICKET_COLS = `t.item_id, t.received_at, t.requester_phone, t.address, t.address_key, t.lat, t.lng, t.content, t.place_unit_id`
const CANDIDATES_MANY = `
SELECT k, why, item_id, i.number, i.state, received_at, once,
       CASE WHEN once = 1 THEN requester_phone END AS requester_phone, CASE WHEN once = 1 THEN address END AS address,
       CASE WHEN once = 1 THEN address_key END AS address_key, CASE WHEN once = 1 THEN lat END AS lat,
       CASE WHEN once = 1 THEN lng END AS lng, CASE WHEN once = 1 THEN content END AS content,
       CASE WHEN once = 1 THEN place_unit_id END AS place_unit_id FROM (
SELECT d.*, row_number() OVER (PARTITION BY item_id ORDER BY k) AS once FROM (
SELECT x.k, c.*, row_number() OVER (PARTITION BY x.k, c.item_id ORDER BY c.why) AS nth
  FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])
       WITH ORDINALITY AS x(id, f, tt, phone, akeys, lat0, lat1, lng0, lng1, k)
  CROSS JOIN LATERAL (
    (SELECT 1 AS why, ${TICKET_COLS} FROM ticket t
      WHERE x.phone <> '' AND t.received_at >= x.f AND t.received_at <= x.tt AND t.item_id <> x.id AND t.requester_phone = x.phone
      ORDER BY t.received_at DESC LIMIT $10)
    UNION ALL
    (SELECT 2, a.* FROM unnest(string_to_array(x.akeys, ',')) AS v(akey) CROSS JOIN LATERAL (
       SELECT ${TICKET_COLS} FROM ticket t
        WHERE t.received_at >= x.f AND t.received_at <= x.tt AND t.item_id <> x.id AND t.address_key >= v.akey AND t.address_key <= v.akey AND t.address_key <> ''
        ORDER BY t.address_key DESC, t.received_at DESC LIMIT $10) a
      ORDER BY a.received_at DESC LIMIT $10)
    UNION ALL
    (SELECT 3, ${TICKET_COLS} FROM ticket t
      WHERE x.lat0 IS NOT NULL AND t.received_at >= x.f AND t.received_at <= x.tt AND t.item_id <> x.id
        AND t.lat BETWEEN x.lat0 AND x.lat1 AND t.lng BETWEEN x.lng0 AND x.lng1
      ORDER BY t.received_at DESC LIMIT $10)
  ) c
) d WHERE nth = 1
) e LEFT JOIN LATERAL (SELECT i.number, i.state FROM item i WHERE e.once = 1 AND i.id = e.item_id OFFSET 0) i ON true
ORDER BY k, why, received_at DESC`

/**
 * duplicateCandidates for several subjects in one statement (the intake jobs' batch): per subject, the same rows in
 * the same order (phone's, then address's, then place's, each newest first, a ticket kept where it first appears).
 */
export async function duplicateCandidatesMany(
  q: Queryable,
  subjects: readonly { readonly s: DuplicateSubjectRow; readonly from: string; readonly to: string; readonly addressKeys?: readonly string[] | undefined }[],
  limit: number,
): Promise<DuplicateSubjectRow[][]> {
  if (subjects.length === 0) return []
  const box = subjects.map(({ s }) => (s.lat !== null && s.lng !== null ? { lat: s.lat, lngBox: LAT_BOX / Math.max(Math.cos((s.lat * Math.PI) / 180), 0.01), lng: s.lng } : null))
  const { rows } = await q.query(
    CANDIDATES_MANY,
    [
      subjects.map(({ s }) => s.id),
      subjects.map((x) => x.from),
      subjects.map((x) => x.to),
      subjects.map(({ s }) => s.phone ?? ''),
      subjects.map(({ s, addressKeys }) => (addressKeys ?? (s.addressKey ? [s.addressKey] : [])).filter((k) => k !== '').join(',')),
      box.map((b) => (b ? b.lat - LAT_BOX : null)),
      box.map((b) => (b ? b.lat + LAT_BOX : null)),
      box.map((b) => (b ? b.lng - b.lngBox : null)),
      box.map((b) => (b ? b.lng + b.lngBox : null)),
      limit,
    ],
    { name: 'duban_duplicates_candidates_many' },
  )
  const out = subjects.map(() => new Map<string, DuplicateSubjectRow>())
  // A ticket's first row (the lowest k, so the first in this order) has all of it, its item's number and state too;
  // its later rows are that row (read by the same statement, so the same received_at).
  const seen = new Map<string, DuplicateSubjectRow>()
  for (const r of rows) {
    const id = String(r.item_id)
    let row = seen.get(id)
    if (Number(r.once) === 1) seen.set(id, (row = toSubject(r)))
    else if (!row) throw new Error(`duplicate candidates: ticket ${id} came before its first row`)
    out[Number(r.k) - 1]!.set(id, row)
  }
  return out.map((m) => [...m.values()])
}

export type ProposalStatus = 'proposed' | 'merged' | 'dismissed'

/** A proposed merge as stored. */
export interface ProposalRow {
  readonly id: string
  readonly ticketId: string
  readonly primaryId: string
  readonly reasons: string[]
  readonly similarity: number
  readonly status: ProposalStatus
  readonly proposedAt: string
  readonly proposedBy: string | null
  readonly decidedAt: string | null
  readonly decidedBy: string | null
  readonly decisionNote: string | null
  readonly requesterNotice: string | null
}

/** A proposal with both tickets' number, state and text, as the desk shows it. */
export interface ProposalView extends ProposalRow {
  readonly ticket: { id: string; number: string; state: string; content: string; receivedAt: string; address: string }
  readonly primary: { id: string; number: string; state: string; content: string; receivedAt: string; address: string }
}

const toProposal = (r: Record<string, unknown>): ProposalRow => ({
  id: String(r.id),
  ticketId: String(r.ticket_id),
  primaryId: String(r.primary_id),
  reasons: (typeof r.reasons === 'string' ? String(r.reasons).replace(/[{}]/g, '').split(',').filter(Boolean) : (r.reasons as string[])) ?? [],
  similarity: Number(r.similarity),
  status: r.status as ProposalStatus,
  proposedAt: isoInstant(r.proposed_at) ?? '',
  proposedBy: (r.proposed_by as string | null) ?? null,
  decidedAt: isoInstant(r.decided_at),
  decidedBy: (r.decided_by as string | null) ?? null,
  decisionNote: (r.decision_note as string | null) ?? null,
  requesterNotice: (r.requester_notice as string | null) ?? null,
})

/** Stores proposals; a pair already proposed (whatever its status) is left as it is. Returns how many are new. */
export async function insertProposals(
  q: Queryable,
  rows: readonly { id: string; ticketId: string; primaryId: string; reasons: readonly string[]; similarity: number; at: string; by: string | null }[],
): Promise<number> {
  let n = 0
  for (const r of rows) {
    const res = await q.query(
      `INSERT INTO ticket_duplicate (id, ticket_id, primary_id, reasons, similarity, proposed_at, proposed_by) VALUES ($1,$2,$3,$4::text[],$5,$6,$7)
       ON CONFLICT (ticket_id, primary_id) DO NOTHING RETURNING id`,
      [r.id, r.ticketId, r.primaryId, [...r.reasons], r.similarity, r.at, r.by],
    )
    n += res.rows.length
  }
  return n
}

const VIEW_SELECT = `SELECT d.*,
    a.number AS t_number, a.state AS t_state, ta.content AS t_content, ta.received_at AS t_received, ta.address AS t_address,
    b.number AS p_number, b.state AS p_state, tb.content AS p_content, tb.received_at AS p_received, tb.address AS p_address
  FROM ticket_duplicate d
  JOIN item a ON a.id = d.ticket_id JOIN ticket ta ON ta.item_id = d.ticket_id
  JOIN item b ON b.id = d.primary_id JOIN ticket tb ON tb.item_id = d.primary_id`

const toView = (r: Record<string, unknown>): ProposalView => ({
  ...toProposal(r),
  ticket: { id: String(r.ticket_id), number: String(r.t_number), state: String(r.t_state), content: String(r.t_content), receivedAt: isoInstant(r.t_received) ?? '', address: String(r.t_address ?? '') },
  primary: { id: String(r.primary_id), number: String(r.p_number), state: String(r.p_state), content: String(r.p_content), receivedAt: isoInstant(r.p_received) ?? '', address: String(r.p_address ?? '') },
})

/** Every proposal a ticket takes part in (as the later ticket or as the primary), proposed first, most similar first. */
export async function proposalsOf(q: Queryable, ticketId: string): Promise<ProposalView[]> {
  const { rows } = await q.query(
    `${VIEW_SELECT} WHERE d.ticket_id = $1 OR d.primary_id = $1
     ORDER BY (d.status = 'proposed') DESC, d.similarity DESC, d.proposed_at DESC, d.id LIMIT 100`,
    [ticketId],
  )
  return rows.map(toView)
}

/** One proposal, locked for a decision when `lock`, or null. */
export async function findProposal(q: Queryable, id: string, lock = false): Promise<ProposalView | null> {
  const { rows } = await q.query(`${VIEW_SELECT} WHERE d.id = $1${lock ? ' FOR UPDATE OF d' : ''}`, [id])
  return rows[0] ? toView(rows[0]) : null
}

/** Records a decision on a proposal still proposed; false when it was decided meanwhile. */
export async function decideProposal(
  q: Queryable,
  d: { id: string; status: 'merged' | 'dismissed'; by: string | null; at: string; note: string | null; notice: string | null },
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE ticket_duplicate SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5, requester_notice = $6
     WHERE id = $1 AND status = 'proposed' RETURNING id`,
    [d.id, d.status, d.by, d.at, d.note, d.notice],
  )
  return rows.length === 1
}

/**
 * Closes the other open proposals of a ticket merged elsewhere, whichever side it is on (it can neither be merged
 * again nor carry another's handling), with a note.
 */
export async function dismissOthersOf(q: Queryable, ticketId: string, exceptId: string, by: string | null, at: string, note: string): Promise<number> {
  const { rows } = await q.query(
    `UPDATE ticket_duplicate SET status = 'dismissed', decided_by = $3, decided_at = $4, decision_note = $5
     WHERE (ticket_id = $1 OR primary_id = $1) AND id <> $2 AND status = 'proposed' RETURNING id`,
    [ticketId, exceptId, by, at, note],
  )
  return rows.length
}

/** Sets (or refreshes) the 多次重复诉求 flag of a ticket. */
export async function upsertRepeat(q: Queryable, r: { itemId: string; asks: number; earlier: readonly string[]; windowDays: number; at: string }): Promise<void> {
  await q.query(
    `INSERT INTO ticket_repeat (item_id, asks, earlier, window_days, flagged_at) VALUES ($1,$2,$3::text[],$4,$5)
     ON CONFLICT (item_id) DO UPDATE SET asks = GREATEST(ticket_repeat.asks, EXCLUDED.asks), earlier = EXCLUDED.earlier, window_days = EXCLUDED.window_days`,
    [r.itemId, r.asks, [...r.earlier], r.windowDays, r.at],
  )
}

/** What a ticket's view shows about duplicates. */
export interface DuplicateFacts {
  /** The primary this ticket was merged into (已并单). */
  readonly mergedInto: { id: string; number: string } | null
  /** Tickets merged into this one: their requesters share its handling and reply. */
  readonly mergedFrom: { id: string; number: string }[]
  /** Proposals waiting for the operator's decision, either side. */
  readonly proposed: number
  /** 多次重复诉求: asks by this requester inside the window, this one included. */
  readonly repeated: { asks: number } | null
  /** What the requester was told on merge. */
  readonly requesterNotice: string | null
}

/** The duplicate facts of several tickets, in three queries. */
export async function duplicateFactsOf(q: Queryable, ids: readonly string[]): Promise<Map<string, DuplicateFacts>> {
  const out = new Map<string, DuplicateFacts>()
  if (ids.length === 0) return out
  const blank = (): { mergedInto: DuplicateFacts['mergedInto']; mergedFrom: { id: string; number: string }[]; proposed: number; repeated: DuplicateFacts['repeated']; requesterNotice: string | null } => ({
    mergedInto: null, mergedFrom: [], proposed: 0, repeated: null, requesterNotice: null,
  })
  const facts = new Map(ids.map((id) => [id, blank()]))
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT d.ticket_id, d.primary_id, d.status, d.requester_notice, a.number AS t_number, b.number AS p_number
     FROM ticket_duplicate d JOIN item a ON a.id = d.ticket_id JOIN item b ON b.id = d.primary_id
     WHERE (d.ticket_id = ANY($1::text[]) OR d.primary_id = ANY($1::text[])) AND d.status IN ('proposed', 'merged')`,
    [[...ids]],
  )
  for (const r of rows) {
    const t = facts.get(String(r.ticket_id))
    const p = facts.get(String(r.primary_id))
    if (r.status === 'proposed') {
      if (t) t.proposed++
      if (p) p.proposed++
      continue
    }
    if (t) {
      t.mergedInto = { id: String(r.primary_id), number: String(r.p_number) }
      t.requesterNotice = (r.requester_notice as string | null) ?? null
    }
    if (p) p.mergedFrom.push({ id: String(r.ticket_id), number: String(r.t_number) })
  }
  const { rows: rep } = await q.query<{ item_id: string; asks: unknown }>(`SELECT item_id, asks FROM ticket_repeat WHERE item_id = ANY($1::text[])`, [[...ids]])
  for (const r of rep) {
    const f = facts.get(r.item_id)
    if (f) f.repeated = { asks: Number(r.asks) }
  }
  for (const [id, f] of facts) out.set(id, f)
  return out
}

/** The primary each merged ticket among `ids` was merged into (item id → primary id). */
export async function primariesOf(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const { rows } = await q.query<{ ticket_id: string; primary_id: string }>(
    `SELECT ticket_id, primary_id FROM ticket_duplicate WHERE ticket_id = ANY($1::text[]) AND status = 'merged'`,
    [[...ids]],
  )
  return new Map(rows.map((r) => [r.ticket_id, r.primary_id]))
}

/**
 * Requests received in a period (China-time bounds as instants) that were merged into another ticket: they are
 * counted as requests (the KPIs' `received`) but their handling is their primary's, counted once. With `places` (a
 * board's 数据范围), those whose place (地点) is one of them.
 */
export async function mergedReceivedIn(q: Queryable, from: string, to: string, places: readonly string[] | null = null): Promise<number> {
  const { rows } = await q.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM ticket t WHERE t.received_at >= $1 AND t.received_at < $2
       AND ($3::text[] IS NULL OR t.place_unit_id = ANY($3::text[]))
       AND EXISTS (SELECT 1 FROM ticket_duplicate d WHERE d.ticket_id = t.item_id AND d.status = 'merged')`,
    [from, to, places === null ? null : [...places]],
  )
  return Number(rows[0]?.n ?? 0)
}
