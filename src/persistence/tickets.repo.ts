/** 12345 tickets (工单) in the database: the intake facts beside the item row, read joined with it. */
import type { Queryable } from './db.ts'
import { isoInstant } from './plans.repo.ts'
import { SEARCH_BOUNDS, SPAN_DAYS, ticketNumberSql, ticketWordSearchSql, windowStart, type SearchBounds, type SearchWindow } from './ticket-search.repo.ts'
import { stateTypeOfName } from './items-list.repo.ts'
import { SCOPE_SAMPLE, SCOPE_SHARE, unitsHoldShare } from './scope-share.ts'

/** The intake facts of one ticket (the `ticket` row). */
export interface NewTicket {
  readonly itemId: string
  readonly channel: 'phone' | 'web' | 'api' | 'open311'
  readonly requestType: string
  readonly categoryCode: string
  readonly categoryVersion: number
  readonly urgency: string
  readonly anonymous: boolean
  readonly requesterName: string | null
  readonly requesterPhone: string | null
  readonly address: string
  readonly lat: number | null
  readonly lng: number | null
  readonly placeUnitId: string | null
  readonly content: string
  readonly receivedAt: string
  readonly receivedBy: string | null
}

/** Stores the intake facts of a ticket whose item row exists. */
export async function insertTicket(q: Queryable, t: NewTicket): Promise<void> {
  await q.query(
    `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, anonymous, requester_name, requester_phone,
                         address, lat, lng, place_unit_id, content, received_at, received_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
    [t.itemId, t.channel, t.requestType, t.categoryCode, t.categoryVersion, t.urgency, t.anonymous, t.requesterName, t.requesterPhone,
      t.address, t.lat, t.lng, t.placeUnitId, t.content, t.receivedAt, t.receivedBy],
  )
}

/** A ticket as use-cases read it: the item's ledger fields and the intake facts. */
export interface TicketRow {
  readonly id: string
  readonly number: string
  readonly state: string
  readonly stateType: 'open' | 'waiting' | 'closed'
  readonly kindVersion: number
  readonly version: number
  readonly snapshot: Record<string, unknown>
  readonly dueDate: string | null
  readonly createdAt: string
  readonly closedAt: string | null
  readonly channel: string
  readonly requestType: string
  readonly categoryCode: string
  readonly categoryVersion: number
  readonly categoryName: string | null
  readonly urgency: string
  readonly anonymous: boolean
  readonly requesterName: string | null
  readonly requesterPhone: string | null
  readonly address: string
  readonly lat: number | null
  readonly lng: number | null
  readonly placeUnitId: string | null
  readonly placeUnitName: string | null
  readonly content: string
  readonly receivedAt: string
  readonly receivedBy: string | null
  readonly citizenRating: string | null
  readonly citizenComment: string | null
  readonly ratedAt: string | null
  /** The instant of the reply the latest rating rates (migration 197); null when none, or for older ratings. */
  readonly ratedReplyAt: string | null
  readonly problemReason: string | null
}

const SELECT = `SELECT i.id, i.number, i.state, i.state_type, i.kind_version, i.version, i.snapshot, i.due_date::text AS due_date, i.created_at, i.closed_at,
         t.channel, t.request_type, t.category_code, t.category_version, c.name AS category_name, t.urgency, t.anonymous,
         t.requester_name, t.requester_phone, t.address, t.lat, t.lng, t.place_unit_id, pu.name AS place_unit_name, t.content,
         t.received_at, t.received_by, t.citizen_rating, t.citizen_comment, t.rated_at, t.rated_reply_at, hp.reason AS problem_reason
    FROM item i
    JOIN ticket t ON t.item_id = i.id
    LEFT JOIN service_category c ON c.code = t.category_code AND c.version = t.category_version
    LEFT JOIN unit pu ON pu.id = t.place_unit_id
    LEFT JOIN hotline_problem hp ON hp.item_id = i.id`

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

function toRow(r: Record<string, unknown>): TicketRow {
  return {
    id: String(r.id),
    number: String(r.number),
    state: String(r.state),
    stateType: r.state_type as TicketRow['stateType'],
    kindVersion: Number(r.kind_version),
    version: Number(r.version),
    snapshot: (typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot) as Record<string, unknown>,
    dueDate: (r.due_date as string | null) ?? null,
    createdAt: isoInstant(r.created_at) ?? '',
    closedAt: isoInstant(r.closed_at),
    channel: String(r.channel),
    requestType: String(r.request_type),
    categoryCode: String(r.category_code),
    categoryVersion: Number(r.category_version),
    categoryName: (r.category_name as string | null) ?? null,
    urgency: String(r.urgency),
    anonymous: r.anonymous === true,
    requesterName: (r.requester_name as string | null) ?? null,
    requesterPhone: (r.requester_phone as string | null) ?? null,
    address: String(r.address ?? ''),
    lat: num(r.lat),
    lng: num(r.lng),
    placeUnitId: (r.place_unit_id as string | null) ?? null,
    placeUnitName: (r.place_unit_name as string | null) ?? null,
    content: String(r.content),
    receivedAt: isoInstant(r.received_at) ?? '',
    receivedBy: (r.received_by as string | null) ?? null,
    citizenRating: (r.citizen_rating as string | null) ?? null,
    citizenComment: (r.citizen_comment as string | null) ?? null,
    ratedAt: isoInstant(r.rated_at),
    ratedReplyAt: isoInstant(r.rated_reply_at),
    problemReason: (r.problem_reason as string | null) ?? null,
  }
}

/** The scope condition: one of the item's units is in `$n`. */
const scopeSql = (param: number): string => `EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = i.id AND s.unit_id = ANY($${param}::text[]))`

/** One ticket within a scope (null = every ticket), or null. */
export async function findTicket(q: Queryable, id: string, scope: readonly string[] | null): Promise<TicketRow | null> {
  const params: unknown[] = [id]
  let where = `i.id = $1 AND i.kind = 'ticket'`
  if (scope) where += ` AND ${scopeSql(params.push([...scope]))}`
  const { rows } = await q.query(`${SELECT} WHERE ${where}`, params)
  return rows[0] ? toRow(rows[0]) : null
}

/** The ticket with this number and requester phone (digits), or null: how the public finds its own ticket. */
export async function findTicketByNumberPhone(q: Queryable, number: string, phone: string): Promise<TicketRow | null> {
  const { rows } = await q.query(`${SELECT} WHERE i.number = $1 AND i.kind = 'ticket' AND t.requester_phone = $2`, [number, phone])
  return rows[0] ? toRow(rows[0]) : null
}

/** List filters (工单筛选). */
export interface TicketFilter {
  readonly state?: string | undefined
  readonly stateType?: string | undefined
  readonly categoryCode?: string | undefined
  readonly placeUnitId?: string | undefined
  readonly unitId?: string | undefined
  readonly requestType?: string | undefined
  /** Only tickets flagged 多次重复诉求 (ticket_repeat, migration 101). */
  readonly repeated?: boolean | undefined
  /**
   * 只看待办: only tickets in a 待办 state (TICKET_TODO, src/domain/tickets/todo.ts) whose lead unit (承办) is one of
   * `leadUnits` (null: any lead), the soonest due first (the due of the state's clocks); `q` is then a substring.
   */
  readonly todo?: { readonly leadUnits: readonly string[] | null } | undefined
  readonly q?: string | undefined
  /**
   * The words of `q` as jieba segments them (工单检索): when given, `q` matches tickets holding all of them, all but one
   * (`wordsMode: 'allButOne'`) or any (`'any'`), ranked by how many and how often.
   */
  readonly words?: readonly string[] | undefined
  /**
   * The parts of `q` that look like a ticket number (ticketNumberTerms, src/app/tickets/ticket-search.ts): tickets
   * whose number starts or ends with one come first (the exact number before the others), through the number
   * indexes (migration 158); the word search's matches follow.
   */
  readonly numbers?: readonly string[] | undefined
  readonly wordsMode?: 'all' | 'allButOne' | 'any' | undefined
  /** The bounds of a word search (default SEARCH_BOUNDS, ticket-search.repo.ts); smaller ones let a test cross them. */
  readonly searchBounds?: SearchBounds | undefined
  /** How many of the units' newest rows a list of them walks (TICKET_UNIT_WALK); smaller lets a test cross it. */
  readonly unitWalk?: number | undefined
  /** How many of them a filtered count of the walk reads (TICKET_UNIT_COUNT_WALK); smaller lets a test cross it. */
  readonly unitCountWalk?: number | undefined
  /** The share of the newest tickets from which a scope of several units takes the planner's plan (SCOPE_SHARE, scope-share.ts); a test gives its own. */
  readonly scopeShare?: number | undefined
  /**
   * The category and its sub-categories' codes (categoryAndBelow), filled by listTicketRows from `categoryCode`: one
   * index range of ticket_category_idx each, where `code LIKE 'x.%'` had none (the list walked every ticket received
   * in the range to find the category's).
   */
  readonly categoryCodes?: readonly string[] | undefined
  /** Received at or after this instant / date. */
  readonly from?: string | undefined
  /** Received before this instant / date. */
  readonly to?: string | undefined
  readonly scope: readonly string[] | null
  readonly limit: number
  readonly offset: number
}

/**
 * The conditions of every filter but `q` and 只看待办, over the aliases `i` (item) and `t` (ticket), the kind's first;
 * `itemId` is how the item's id is named (`t.item_id` lets the search leave the item row out unless a state filter
 * needs it), `row` the row holding the kind and state (ledger_unit_open's `o` holds them too). `unitRowsSince`: an
 * instant no matching ticket was received before (a word search's window), which the unit and scope conditions then
 * say too, so their item_unit rows are one index range each (item_unit.received_at is the ticket's, migration 196).
 */
function filterSql(f: TicketFilter, p: (v: unknown) => string, itemId = 'i.id', row = 'i', unitRowsSince?: string): string[] {
  const since = (alias: string): string => (unitRowsSince === undefined ? '' : ` AND ${alias}.received_at >= ${p(unitRowsSince)}::timestamptz`)
  const where: string[] = [`${row}.kind = 'ticket'`]
  if (f.state) where.push(`${row}.state = ${p(f.state)}`)
  if (f.stateType) where.push(`${row}.state_type = ${p(f.stateType)}`)
  if (f.categoryCode) {
    // One code as an equality, so that ticket_category_idx gives the newest first (an ANY over its first column does not).
    const codes = f.categoryCodes ?? [f.categoryCode]
    where.push(codes.length === 1 ? `t.category_code = ${p(codes[0])}` : `t.category_code = ANY(${p([...codes])}::text[])`)
  }
  if (f.placeUnitId) where.push(`t.place_unit_id = ${p(f.placeUnitId)}`)
  if (f.unitId) where.push(`EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = ${itemId} AND u.unit_id = ${p(f.unitId)}${since('u')})`)
  if (f.requestType) where.push(`t.request_type = ${p(f.requestType)}`)
  if (f.repeated) where.push(`EXISTS (SELECT 1 FROM ticket_repeat r WHERE r.item_id = ${itemId})`)
  if (f.from) where.push(`t.received_at >= ${p(f.from)}::timestamptz`)
  if (f.to) where.push(`t.received_at < ${p(f.to)}::timestamptz`)
  if (f.scope) where.push(`EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = ${itemId} AND s.unit_id = ANY(${p([...f.scope])}::text[])${since('s')})`)
  return where
}

/** Whether conditions name the ticket row (`t.`): a source of ledger_unit_open rows joins it only then. */
const namesTicket = (where: readonly string[]): boolean => where.some((w) => /\bt\./.test(w))

/** Whether conditions name the item row (`i.`: a state, the number): a count of ticket rows joins it only then. */
const namesItem = (where: readonly string[]): boolean => where.some((w) => /\bi\./.test(w))

/**
 * Whether the filter holds unclosed tickets only (the state type open or waiting, or a state the ticket kind gives an
 * unclosed type), which ledger_unit_open (migration 179) holds whole for each unit.
 */
function unclosedOnly(f: TicketFilter): boolean {
  const open = (t: string | undefined): boolean => t === 'open' || t === 'waiting'
  return f.stateType !== 'closed' && (open(f.stateType) || (f.state !== undefined && open(stateTypeOfName(f.state))))
}

/** A page of tickets, the total matching (capped for a word search: `totalCapped`). */
export interface TicketPage {
  readonly rows: TicketRow[]
  readonly total: number
  readonly totalCapped: boolean
  /** Of the total, the tickets the words matched (a word search's number matches aside): 0 asks for fewer words. */
  readonly wordMatches?: number
}

/**
 * The list counts matching tickets up to this many; past it the total is a lower bound (`totalCapped`, "1,000+"), as
 * the ledger's (LEDGER_COUNT_CAP). Why: the exact count (`count(*) OVER ()` on the page's statement) read and sorted
 * every matching ticket with its joins on each page view: on 1M generated tickets one page of the whole list took
 * over 12 s, at 10M it would not answer.
 */
export const TICKET_COUNT_CAP = 1_000

/**
 * Tickets, newest first (只看待办: soonest due first), with the total matching counted up to TICKET_COUNT_CAP. The
 * page walks `ticket_received_idx` backwards and stops at its rows; the count reads at most the cap's rows. With
 * `words` (工单检索) the answer is searchTicketRows': ranked, among the newest SEARCH_CANDIDATES matches, the total
 * capped there.
 */
export async function listTicketRows(q: Queryable, given: TicketFilter): Promise<TicketPage> {
  const f = given.categoryCode && !given.categoryCodes ? { ...given, categoryCodes: await categoryAndBelow(q, given.categoryCode) } : given
  if (f.q && !f.todo && (f.words?.length || f.numbers?.length)) return searchTicketRows(q, f, f.words ?? [])
  if (f.todo) return listTodo(q, f, f.todo.leadUnits)
  const walked = await listUnitWalk(q, f)
  if (walked) return walked
  const params: unknown[] = []
  const p = (v: unknown): string => `$${params.push(v)}`
  const where = filterSql(f, p)
  if (f.q) where.push(substringSql(f.q, p))
  const { rows } = await q.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY t.received_at DESC, i.number DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`, params)
  // The count reads the item row only for a filter on it (the state, the number): every ticket row is a ticket's.
  const cp: unknown[] = []
  const c = (v: unknown): string => `$${cp.push(v)}`
  const counted = filterSql(f, c, 't.item_id').slice(1)
  if (f.q) counted.push(substringSql(f.q, c))
  const needsItem = namesItem(counted)
  // Counting tickets alone, the newest first as the page does: through an index (received_at, or a category's or
  // place's with it), not a sequential scan hoping to meet the matches early, which on a table in time order reads it
  // whole to count a recent range. With an item filter the planner keeps its choice (the state's index on item).
  return countedPage(q, f, rows, needsItem ? 'ticket t JOIN item i ON i.id = t.item_id' : 'ticket t', counted.length > 0 ? counted : ['true'], cp, false, needsItem ? '' : 't.received_at DESC')
}

/** A category's code and those of every category under it (`01.02` → `01.02`, `01.02.03`, …), any version. */
async function categoryAndBelow(q: Queryable, code: string): Promise<string[]> {
  const { rows } = await q.query<{ code: string }>(`SELECT DISTINCT code FROM service_category WHERE starts_with(code, $1)`, [`${code}.`])
  return [code, ...rows.map((r) => r.code)]
}

/** `q` as a substring of the ticket's number, content or address (the list's keyword without a segmenter, or 只看待办's). */
function substringSql(term: string, p: (v: unknown) => string, row = 'i'): string {
  const like = p(`%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
  return `(${row}.number ILIKE ${like} OR t.content ILIKE ${like} OR t.address ILIKE ${like})`
}

/**
 * 只看待办: the 待办 tickets of the lead units (null: every unit's), soonest due first (none last), then by number, with
 * the total counted up to TICKET_COUNT_CAP. Read from ledger_unit_open's 待办 rows (migration 204: `todo_due`, the due
 * of the state's clock, set only in a 待办 state) in the order of its index, the unit's or everyone's: the page stops
 * at its rows, the count at the cap. A row counts when its unit is the ticket's lead (承办, `lead`): a cooperating
 * unit's row is not its 待办. Before, every 待办 ticket of the unit was read and sorted by the due in its snapshot (0.24 s on 10M
 * generated items).
 */
async function listTodo(q: Queryable, f: TicketFilter, leadUnits: readonly string[] | null): Promise<TicketPage> {
  // The conditions on the 待办 rows themselves (index and item_unit probes) and those needing the ticket row.
  const conditions = (p: (v: unknown) => string): { own: string[]; ticket: string[] } => {
    const where = [`o.todo_due IS NOT NULL`]
    if (leadUnits) where.push(leadUnits.length === 1 ? `o.unit_id = ${p(leadUnits[0])}` : `o.unit_id = ANY(${p([...leadUnits])}::text[])`)
    // The lead's rows only (migration 211: the 待办 indexes hold no other), so the index is walked in order: a probe
    // of item_unit per row, guessed to keep 1 % of them, had a keyword's page read and sort all the unit's 待办 rows.
    where.push(`o.lead`)
    // Only tickets have a 待办 due (no kind check, which the index does not hold); a scope holding every lead unit
    // asked for holds their rows already (each row is of a unit holding a role on the ticket).
    const inScope = f.scope === null || (leadUnits !== null && leadUnits.every((u) => f.scope?.includes(u)))
    where.push(...filterSql(inScope ? { ...f, scope: null } : f, p, 'o.item_id', 'o').slice(1))
    if (f.q) where.push(substringSql(f.q, p, 'o'))
    return { own: where.filter((w) => !namesTicket([w])), ticket: where.filter((w) => namesTicket([w])) }
  }
  const params: unknown[] = []
  const p = (v: unknown): string => `$${params.push(v)}`
  const { own, ticket } = conditions(p)
  const from = `ledger_unit_open o${ticket.length > 0 ? ' JOIN ticket t ON t.item_id = o.item_id' : ''}`
  // One row per ticket even if it had two lead units (the order's prefix: the index's order is kept).
  const page = `SELECT DISTINCT ON (o.todo_due, o.number) o.item_id, o.todo_due, o.number FROM ${from}
                 WHERE ${[...own, ...ticket].join(' AND ')} ORDER BY o.todo_due, o.number LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`
  const { rows } = await q.query(`${SELECT.replace('FROM item i', `FROM (${page}) src JOIN item i ON i.id = src.item_id`)} ORDER BY src.todo_due, src.number`, params)
  const cp: unknown[] = []
  const c = (v: unknown): string => `$${cp.push(v)}`
  const counted = conditions(c)
  if (counted.ticket.length === 0) return countedPage(q, f, rows, 'ledger_unit_open o', counted.own, cp)
  // A filter on the ticket row (a category, a substring) is counted within the soonest TICKET_UNIT_COUNT_WALK 待办
  // tickets, past them a lower bound: each is a ticket row read (a unit's ~2,600 on 10M generated items: 55 ms p95).
  const reads = f.unitCountWalk ?? TICKET_UNIT_COUNT_WALK
  let more = false
  return answered(f, rows, async () => {
    const tally = await q.query<{ n: number; r: number }>(
      `SELECT (count(*) FILTER (WHERE o.k <= ${reads} AND ${counted.ticket.join(' AND ')}))::int AS n, count(*)::int AS r
         FROM (SELECT o.item_id, o.number, row_number() OVER (ORDER BY o.todo_due, o.number) AS k FROM ledger_unit_open o
                WHERE ${counted.own.join(' AND ')} ORDER BY o.todo_due, o.number LIMIT ${reads + 1}) o
         JOIN ticket t ON t.item_id = o.item_id`,
      cp,
    )
    more = Number(tally.rows[0]?.r ?? 0) > reads
    return Number(tally.rows[0]?.n ?? 0)
  }, () => more)
}

/**
 * A page's answer with its total: a last page (fewer rows than asked) says it exactly from its rows; otherwise the
 * matches (`from` and `where`, the page's own, without its order and limit) are counted up to TICKET_COUNT_CAP.
 * `partial`: the count covers only part of the matches (a unit's walk), so it is a lower bound (a function: asked
 * only when the count is below the cap); `order`, the order its matches are read in.
 */
async function countedPage(
  q: Queryable,
  f: TicketFilter,
  rows: readonly Record<string, unknown>[],
  from: string,
  where: readonly string[],
  params: readonly unknown[],
  partial: boolean | (() => boolean | Promise<boolean>) = false,
  order = '',
): Promise<TicketPage> {
  const sql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from} WHERE ${where.join(' AND ')}${order ? ` ORDER BY ${order}` : ''} LIMIT ${TICKET_COUNT_CAP + 1}) c`
  return answered(f, rows, async () => Number((await q.query<{ n: number }>(sql, [...params])).rows[0]?.n ?? 0), partial)
}

/**
 * A page's answer from its count: a last page's total from its rows (`count` not called); past TICKET_COUNT_CAP
 * "1,000+"; below it, when `partial` says the count covered part of the matches, a lower bound never below the
 * tickets up to this page's last.
 */
async function answered(
  f: TicketFilter,
  rows: readonly Record<string, unknown>[],
  count: () => Promise<number>,
  partial: boolean | (() => boolean | Promise<boolean>),
): Promise<TicketPage> {
  if (rows.length > 0 && rows.length < f.limit) return { rows: rows.map(toRow), total: f.offset + rows.length, totalCapped: false }
  const counted = await count()
  if (counted > TICKET_COUNT_CAP) return { rows: rows.map(toRow), total: TICKET_COUNT_CAP, totalCapped: true }
  const lower = typeof partial === 'function' ? await partial() : partial
  return { rows: rows.map(toRow), total: Math.min(lower ? Math.max(counted, f.offset + rows.length) : counted, TICKET_COUNT_CAP), totalCapped: lower }
}

/**
 * How many of the units' newest item_unit rows a list walks before it takes the planner's plan (listUnitWalk): rows, a
 * ticket held in two roles or by two of the units being two of them.
 */
export const TICKET_UNIT_WALK = 20_000

/**
 * How many of the units' newest rows the count of a filtered walk reads (a category, a place, a received range, a
 * closed state: each walked ticket's row checked), past them a lower bound. Counting within the whole walk read 20,000
 * ticket rows on every page view (0.34 s p95 for a category in a liaison's list on 10M generated items).
 */
export const TICKET_UNIT_COUNT_WALK = 2_000

/**
 * The most units whose walks a list merges; a data scope with more units that hold tickets takes the planner's plan
 * whatever they hold. Each unit is one index range in every statement of the walk: 200 small units on 10M generated
 * items, 45–76 ms p95 (planning 7–9 ms a statement), against 0.3–1.2 s by the plan when they hold few tickets
 * (BENCHMARKS.md). Units that hold no ticket are left out of the walk first (unitsHoldingTickets).
 */
export const TICKET_WALK_UNITS = 200

/**
 * The units of a scope that hold any ticket, one probe of `item_unit_unit_received_role_idx` each (every ticket row
 * of item_unit has its received_at, migration 196; a task's has none). A district's data scope is mostly units that
 * take no 12345 work (its villages and communities, offices): each would add an empty range to every statement of
 * the walk, and past TICKET_WALK_UNITS of them the list fell to the planner's plan.
 */
async function unitsHoldingTickets(q: Queryable, units: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ u: string }>(
    'SELECT u FROM unnest($1::text[]) u WHERE EXISTS (SELECT 1 FROM item_unit x WHERE x.unit_id = u AND x.received_at IS NOT NULL)',
    [[...units]],
  )
  return rows.map((r) => r.u)
}

/**
 * The newest tickets a data scope's share is judged on (scope-share.ts): a scope of several units walks only when its
 * units hold less than SCOPE_SHARE of them; holding more, the planner's plan (the newest tickets, each probed for the
 * scope) reads few tickets per match, where the walk pays for every unit's range. On 10M generated items (60 units),
 * p95 of page 1, offset 1,000 and a category: 55 of the units (92 % of tickets) 20.2 / 42.0 / 18.0 ms by the plan,
 * 57.3 / 60.6 / 65.9 ms walked; one unit and 50 that hold none (1.7 %), every case but the word search 16–53 ms
 * walked, and by the plan page 1, offset 1,000, open, a category and a month 0.28–1.2 s (BENCHMARKS.md).
 */
const NEWEST_TICKETS = `SELECT item_id FROM ticket ORDER BY received_at DESC LIMIT ${SCOPE_SAMPLE}`

/**
 * The list of one unit's tickets (`unitId`) or of a data scope's (a liaison's unit and its sub-units, a supervisor's
 * 数据范围 holding less than SCOPE_SHARE of the newest tickets: up to TICKET_WALK_UNITS of its units that hold any), newest first: a walk
 * of the units' newest TICKET_UNIT_WALK rows, each unit's range of `item_unit_unit_received_role_idx` (migrations 196 and 205: item_unit.received_at is the ticket's)
 * merged in received order, each ticket once (from the row of its first unit and role in the scope, checked in
 * item_unit's key), every other filter checked on those rows. The walk streams: a page reads its rows and stops, a
 * count stops at the cap. The planner's own plan probed item_unit for every ticket walked, or sorted every ticket the
 * units ever held: on 10M generated items (a unit holds 133k) 0.1 s for a unit's list, 1–1.9 s with its open tickets
 * or a category, 0.3–2 s for a scope of three units. The count is read within the walk (a filtered one within its
 * newest TICKET_UNIT_COUNT_WALK), open tickets from the units' open work: past it, a lower bound (totalCapped). Null
 * (take the planner's plan) when the page is not within the walk.
 */
async function listUnitWalk(q: Queryable, f: TicketFilter): Promise<TicketPage | null> {
  let units = f.unitId !== undefined ? [f.unitId] : f.scope && f.scope.length > 0 ? [...new Set(f.scope)] : null
  if (!units) return null
  if (units.length > 1) {
    if (await unitsHoldShare(q, units, f.scopeShare ?? SCOPE_SHARE, NEWEST_TICKETS)) return null
    // Only the units that hold tickets are walked (none holding one: an empty walk of the first, its count 0).
    const holding = await unitsHoldingTickets(q, units)
    if (holding.length > TICKET_WALK_UNITS) return null
    units = holding.length > 0 ? holding : units.slice(0, 1)
  }
  const walk = f.unitWalk ?? TICKET_UNIT_WALK
  // The walk is the unit filter (or the scope's): it is not probed again per row.
  const rest = f.unitId !== undefined ? { ...f, unitId: undefined, scope: f.scope && f.scope.every((u) => u === f.unitId) ? null : f.scope } : { ...f, scope: null }
  // Each unit's rows newest first, merged. Every row of a ticket has its received_at (migration 196): index-only.
  const merged = (p: (v: unknown) => string): string =>
    `(${units.map((u) => `(SELECT u.item_id, u.received_at, ${p(u)}::text AS unit_id, u.role FROM item_unit u WHERE u.unit_id = ${p(u)} AND u.received_at IS NOT NULL ORDER BY u.received_at DESC)`).join(' UNION ALL ')}) m`
  // The walk's newest n rows, a ticket that two of the units hold (or one in two roles) once per row.
  const walked = (p: (v: unknown) => string, n = walk): string =>
    `(SELECT m.item_id, m.received_at, m.unit_id, m.role FROM ${merged(p)} ORDER BY m.received_at DESC LIMIT ${n}) src`
  // A walked row is its ticket's when no row of the ticket comes first in (unit, role) order among the walked units
  // (index-only, item_unit's key). A condition beside the page's filters, so the planner checks it on the rows they
  // keep: inside the walk it probed every walked row, half the buffers of a category's page (937 rows for 21 matches,
  // a unit on 10M generated items).
  const firstRow = (p: (v: unknown) => string): string =>
    `NOT EXISTS (SELECT 1 FROM item_unit x WHERE x.item_id = src.item_id AND x.unit_id = ANY(${p([...units])}::text[])
                   AND (x.unit_id < src.unit_id OR (x.unit_id = src.unit_id AND x.role < src.role)))`
  // Whether the units hold more than n tickets' rows (index only; a ticket two of them hold counts twice, so "more"
  // may be said of a walk that read them all: its count is then called a lower bound).
  const holdsMore = async (n: number): Promise<boolean> => {
    const hp: unknown[] = []
    const sql = `SELECT 1 FROM ${merged((v) => `$${hp.push(v)}`)} ORDER BY m.received_at DESC OFFSET ${n} LIMIT 1`
    return (await q.query(sql, hp)).rows.length > 0
  }
  const params: unknown[] = []
  const p = (v: unknown): string => `$${params.push(v)}`
  const where = filterSql(rest, p)
  if (f.q) where.push(substringSql(f.q, p))
  where.push(firstRow(p))
  // The page is picked from the walk with only what its filters and order read (the item's number and kind, the
  // ticket's row for a filter on it); its rows alone are then joined to the rest of the answer. Joining every walked row
  // first (ticket, category, place, problem) took 17 of the 22 ms of a page at offset 1,000 (a scope of 51 units, 10M).
  const page = `(SELECT src.item_id, src.received_at FROM ${walked(p)} JOIN item i ON i.id = src.item_id${namesTicket(where) ? ' JOIN ticket t ON t.item_id = src.item_id' : ''}
     WHERE ${where.join(' AND ')} ORDER BY src.received_at DESC, i.number DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}) pg`
  const { rows } = await q.query(`${SELECT.replace('FROM item i', `FROM ${page} JOIN item i ON i.id = pg.item_id`)} ORDER BY pg.received_at DESC, i.number DESC`, params)
  if (rows.length < f.limit && (await holdsMore(walk))) return null
  const cp: unknown[] = []
  const c = (v: unknown): string => `$${cp.push(v)}`
  if (unclosedOnly(f)) {
    // Open tickets: counted from the units' rows of ledger_unit_open (all their unclosed work), not within the walk,
    // whose newest 20,000 tickets hold ~3,000 open ones read item by item to reach the cap (66–74 ms for a unit on
    // 10M). Exact up to the cap, whether or not the walk covers them all.
    const open = [units.length === 1 ? `o.unit_id = ${c(units[0])}` : `o.unit_id = ANY(${c([...units])}::text[])`, ...filterSql(rest, c, 'o.item_id', 'o')]
    if (f.q) open.push(substringSql(f.q, c, 'o'))
    const source = `ledger_unit_open o${namesTicket(open) ? ' JOIN ticket t ON t.item_id = o.item_id' : ''}`
    // Several units may hold one ticket: each once.
    if (units.length === 1) return countedPage(q, f, rows, source, open, cp)
    return countedPage(q, f, rows, `(SELECT DISTINCT o.item_id FROM ${source} WHERE ${open.join(' AND ')}) d`, ['true'], cp)
  }
  // Within the walk (a filtered count within its newest TICKET_UNIT_COUNT_WALK); the item row only for a filter on it
  // (the state, the number): every walked row is a ticket's.
  const counted = filterSql(rest, c, 'src.item_id').slice(1)
  if (f.q) counted.push(substringSql(f.q, c))
  const reads = counted.length > 0 ? Math.min(walk, f.unitCountWalk ?? TICKET_UNIT_COUNT_WALK) : walk
  const joins = `${namesTicket(counted) ? ' JOIN ticket t ON t.item_id = src.item_id' : ''}${namesItem(counted) ? ' JOIN item i ON i.id = src.item_id' : ''}`
  if (counted.length === 0) return countedPage(q, f, rows, walked(c, reads), [firstRow(c)], cp, () => holdsMore(reads))
  // A filtered count reads all its newest rows: each ticket once by DISTINCT over them (index-only), not by firstRow's
  // probe of item_unit per row, which was half the buffers of a category's count (a ticket's rows all carry its
  // received_at, so those of one ticket are read together; holdsMore counts rows the same way).
  const distinct = `(SELECT DISTINCT w.item_id FROM (SELECT m.item_id FROM ${merged(c)} ORDER BY m.received_at DESC LIMIT ${reads}) w) src`
  return countedPage(q, f, rows, `${distinct}${joins}`, counted, cp, () => holdsMore(reads))
}

/**
 * A word search, bounded (工单检索; SEARCH_BOUNDS in ticket-search.repo.ts): the newest `candidates`
 * tickets matching the words (and the other filters) are found, ranked by ts_rank (then newest first) and paged; the
 * total counts them up to `candidates`, `totalCapped` when more match. Finding them reads from the table only the
 * matches of a window of days, whatever the words: the GIN index (words, day and 32-day span terms: migrations
 * 142–143) gives the matches of the newest `firstDays` days; when fewer than enough, of as many days as that rate
 * says are needed (at most `maxWindowDays`; as day terms or as the spans covering them, whichever costs less); then
 * of all days, whose matches are then few since the words are rare. With `numbers`, the tickets whose number starts or
 * ends with one of them (at most `candidates` + 1 a term and end, through the number indexes) come first: the exact
 * number, then by rank against the words, then newest; the word search's matches follow, the total counting both.
 */
async function searchTicketRows(q: Queryable, f: TicketFilter, words: readonly string[]): Promise<TicketPage> {
  const { candidates, firstDays, maxWindowDays, windowPerMatch } = f.searchBounds ?? SEARCH_BOUNDS
  // Only the state filters need the item row; the others name the ticket's item id.
  const needsItem = !!(f.state || f.stateType)
  interface Candidate { id: string; received_at: unknown; rank: unknown }
  // One step: the newest candidates + 1 matches received in the window (null: any day).
  const step = async (window: SearchWindow | null): Promise<Candidate[]> => {
    const params: unknown[] = []
    const p = (v: unknown): string => `$${params.push(v)}`
    const search = ticketWordSearchSql(words, p, f.wordsMode ?? 'all', window)
    // Within a window, a unit's or scope's tickets are its item_unit rows since the window's first day: read as one
    // range each and hashed, not probed per match (a scope of 301 units, 2,190 matches of 3 days: 26 → 15 ms, 10M).
    const where = filterSql(f, p, 't.item_id', 'i', window ? windowStart(window) : undefined).slice(1)
    // OFFSET 0 keeps the planner from walking the whole received_at index (it guesses many matches when words go
    // together): the GIN index finds the matches of the days, they are sorted newest first, the newest kept.
    const { rows } = await q.query<Candidate>(
      `SELECT c.item_id AS id, c.received_at, ${search.rank.replace(/\bt\.search_vector\b/g, 'c.search_vector')} AS rank
         FROM (SELECT t.item_id, t.received_at, t.search_vector
                 FROM (SELECT * FROM ticket t WHERE ${search.where} OFFSET 0) t${needsItem ? ' JOIN item i ON i.id = t.item_id' : ''}
                WHERE ${where.length > 0 ? where.join(' AND ') : 'true'}
                ORDER BY t.received_at DESC LIMIT ${p(candidates + 1)}) c`,
      params,
    )
    return rows
  }
  // The tickets a number-like part of the query names (few: each range stops at candidates + 1).
  const numbers = f.numbers ?? []
  let byNumber: (Candidate & { exact: boolean })[] = []
  if (numbers.length > 0) {
    const params: unknown[] = []
    const p = (v: unknown): string => `$${params.push(v)}`
    const ids = ticketNumberSql(numbers, p, filterSql(f, p), candidates + 1)
    const rank = words.length > 0 ? `coalesce(ts_rank(t.search_vector, to_tsquery('simple', ${p(words.join(' | '))})), 0)` : '0'
    const { rows } = await q.query<Candidate & { number: string }>(
      `SELECT t.item_id AS id, t.received_at, n.number, ${rank} AS rank FROM (${ids}) n JOIN ticket t ON t.item_id = n.id`,
      params,
    )
    byNumber = rows.map((r) => ({ id: r.id, received_at: r.received_at, rank: r.rank, exact: numbers.includes(r.number) }))
  }
  let found: Candidate[] = []
  const span = words.length > 0 ? await ticketSpan(q, f.to) : null
  if (span) {
    const newest = Math.floor(span.newestMs / DAY_MS)
    found = await step({ days: dayRange(newest, firstDays), spans: [] })
    if (found.length <= candidates && found.length > 0) {
      // The days the first window covered up to the newest ticket (its last day only in part), and as many back from
      // the newest ticket as the rate of matches there says hold a quarter more than needed.
      const covered = span.newestMs / DAY_MS - (newest - firstDays + 1)
      const perDay = found.length / covered
      const needed = Math.max(firstDays + 1, Math.ceil(((candidates + 1) * 1.25) / perDay - (span.newestMs / DAY_MS - newest)) + 1)
      // Asked as day terms, a window costs the index a look at every ticket of its days (day terms are the rarest
      // entries, so the index walks them): taken while those tickets are fewer than `windowPerMatch` times the
      // matches all days would read beyond the window's (the rate over the span). Else the 32-day spans covering the
      // window: the index walks the query's rarest word as for all days, and the table reads the spans' matches.
      const windowTickets = needed * span.ticketsPerDay
      const allMatches = perDay * span.days
      const days = dayRange(newest, needed)
      const window: SearchWindow =
        windowTickets < windowPerMatch * (allMatches - candidates)
          ? { days, spans: [] }
          : { days: [], spans: [...new Set(days.map((d) => Math.floor(d / SPAN_DAYS)))] }
      found = needed <= maxWindowDays ? await step(window) : []
    }
  }
  if (words.length > 0 && found.length <= candidates) found = await step(null)
  const time = (c: Candidate): number => new Date(isoInstant(c.received_at) ?? 0).getTime()
  const order = (a: Candidate, b: Candidate): number => Number(b.rank) - Number(a.rank) || time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  const named = new Set(byNumber.map((c) => c.id))
  const all = [
    ...byNumber.sort((a, b) => Number(b.exact) - Number(a.exact) || order(a, b)),
    ...found.slice(0, candidates).filter((c) => !named.has(c.id)).sort(order),
  ]
  const ranked = all.slice(0, candidates)
  const totalCapped = found.length > candidates || all.length > candidates
  const page = ranked.slice(f.offset, f.offset + f.limit)
  if (page.length === 0) return { rows: [], total: ranked.length, totalCapped, wordMatches: found.length }
  const { rows } = await q.query(`${SELECT} WHERE i.id = ANY($1::text[])`, [page.map((c) => c.id)])
  const byId = new Map(rows.map((r) => [String(r.id), toRow(r)]))
  return {
    rows: page.flatMap((c) => byId.get(c.id) ?? []),
    total: ranked.length,
    totalCapped,
    wordMatches: found.length,
  }
}

const DAY_MS = 86_400_000

/**
 * The tickets' span as a search sees it: when the newest ticket received before `to` (any, without) came in (ms since
 * 1970), the days from the oldest to it, and tickets a day (the planner's row estimate over those days, its
 * partitions' when the table is partitioned); or null.
 */
async function ticketSpan(q: Queryable, to: string | undefined): Promise<{ newestMs: number; days: number; ticketsPerDay: number } | null> {
  const before = to ? 'WHERE received_at < $1::timestamptz ' : ''
  const { rows } = await q.query<{ newest: unknown; oldest: unknown; n: unknown }>(
    `SELECT (SELECT received_at FROM ticket ${before}ORDER BY received_at DESC LIMIT 1) AS newest,
            (SELECT received_at FROM ticket ORDER BY received_at LIMIT 1) AS oldest,
            (SELECT sum(greatest(reltuples, 0)) FROM pg_class
              WHERE oid = 'ticket'::regclass OR oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'ticket'::regclass)) AS n`,
    to ? [to] : [],
  )
  const newest = rows[0] ? isoInstant(rows[0].newest) : null
  const oldest = rows[0] ? isoInstant(rows[0].oldest) : null
  if (!newest || !oldest) return null
  const newestMs = Date.parse(newest)
  const days = Math.max(1, (newestMs - Date.parse(oldest)) / DAY_MS)
  return { newestMs, days, ticketsPerDay: Math.max(1, Number(rows[0]!.n)) / days }
}

/** The `n` UTC day numbers (days since 1970-01-01, as ticket_search_terms names them) ending with `last`. */
const dayRange = (last: number, n: number): number[] => Array.from({ length: n }, (_, i) => last - i)

/** The latest reply (答复 or 直接办结) and follow-up (回访) of each ticket, from its history. */
export async function repliesOf(
  q: Queryable,
  ids: readonly string[],
): Promise<Map<string, { reply: { text: string; at: string } | null; followUp: { rating: string; resolved: boolean | null; at: string } | null }>> {
  const out = new Map<string, { reply: { text: string; at: string } | null; followUp: { rating: string; resolved: boolean | null; at: string } | null }>()
  if (ids.length === 0) return out
  const { rows } = await q.query<{ item_id: string; event: string; payload: unknown; at: unknown }>(
    `SELECT item_id, event, payload, at FROM item_event WHERE item_id = ANY($1::text[]) AND event IN ('reply', 'answer_directly', 'follow_up', 'reopen') ORDER BY seq`,
    [[...ids]],
  )
  for (const r of rows) {
    const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>
    const cur = out.get(r.item_id) ?? { reply: null, followUp: null }
    const at = isoInstant(r.at) ?? ''
    if (r.event === 'reply' || r.event === 'answer_directly') cur.reply = { text: String(payload['text'] ?? ''), at }
    else if (r.event === 'follow_up') cur.followUp = { rating: String(payload['rating'] ?? ''), resolved: typeof payload['resolved'] === 'boolean' ? payload['resolved'] : null, at }
    out.set(r.item_id, cur)
  }
  return out
}

/**
 * Records the requester's own rating of the reply of `replyAt` (one per reply round, 重办 bringing a new reply): the
 * ticket keeps it as its latest, ticket_citizen_rating as one round of the history. False when that reply (or a
 * later one) was already rated.
 */
export async function setCitizenRating(q: Queryable, itemId: string, rating: string, comment: string | null, at: string, replyAt: string): Promise<boolean> {
  const { rows } = await q.query(
    `WITH u AS (
       UPDATE ticket SET citizen_rating = $2, citizen_comment = $3, rated_at = $4, rated_reply_at = $5
        WHERE item_id = $1 AND (citizen_rating IS NULL OR COALESCE(rated_reply_at, rated_at) < $5) RETURNING item_id
     )
     INSERT INTO ticket_citizen_rating (item_id, reply_at, rating, comment, rated_at)
     SELECT item_id, $5, $2, $3, $4 FROM u ON CONFLICT (item_id, reply_at) DO NOTHING RETURNING item_id`,
    [itemId, rating, comment, at, replyAt],
  )
  return rows.length === 1
}

/** One round of the requester's ratings (市民评价): the reply it rates (by its instant) and what they said. */
export interface CitizenRatingRound {
  readonly replyAt: string
  readonly rating: string
  readonly comment: string | null
  readonly at: string
}

/** Every round's rating of a ticket, oldest first. */
export async function citizenRatingsOf(q: Queryable, itemId: string): Promise<CitizenRatingRound[]> {
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT reply_at, rating, comment, rated_at FROM ticket_citizen_rating WHERE item_id = $1 ORDER BY reply_at`,
    [itemId],
  )
  return rows.map((r) => ({ replyAt: isoInstant(r.reply_at) ?? '', rating: String(r.rating), comment: (r.comment as string | null) ?? null, at: isoInstant(r.rated_at) ?? '' }))
}
