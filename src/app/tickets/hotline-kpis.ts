/**
 * 12345 KPIs (接诉即办考核) for a period, computed set-based in PostgreSQL (PGlite too) over `hotline_event`
 * (one row per ticket event with the lead unit and the clocks just after it; migration 051) and `ticket`:
 * per unit and totals, a trend by day / week / month, counts by level-1/2 category and by district /
 * township, hot topics against the previous equal period, and problem tickets. Every query is bounded by
 * the period through an index; no query loads all tickets into Node. The definitions are the pure ones in
 * src/domain/kpi/hotline.formulas.ts (docs/tickets.md, "12345 KPIs"); the e2e test checks both agree.
 *
 * Also `raiseProblemTickets`: problem tickets (问题工单) raised to supervision (提级督办) once each, with a
 * notification to the supervisor role; the supervision tick calls it.
 */
import type { Queryable } from '../../persistence/db.ts'
import { insertNotification } from '../../persistence/supervision.repo.ts'
import { AGG_CLOCKS, aggState, backfillStep, backfillTicketsStep, chinaDayStart, foldStep, receivedCountsOf, receivedTrendOf, requeue, scopeCountsOf, scopeTrendOf, trendCountsOf, unitCountsOf, usable, vacuumFolded, type TxDb } from '../../persistence/hotline-kpi-agg.repo.ts'
import { mergedReceivedIn } from '../../persistence/duplicates.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { ticketKind } from '../../domain/kinds/ticket.kind.ts'
import {
  DISPATCH_EVENTS,
  PROBLEM_REASSIGNMENTS,
  PROBLEM_REOPENS,
  hotTopics,
  previousPeriod,
  rateOf,
  totalKpis,
  type ClockEvents,
  type HotTopic,
  type HotlineClocks,
  type HotlineEvent,
  type HotlinePeriod,
  type HotlineUnitKpis,
  type CitizenRating,
  type TicketFacts,
} from '../../domain/kpi/hotline.formulas.ts'
import { instantMs, isInstant, isIsoDate } from '../../domain/workflow/time.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { boardScope, boardScopeNote, type BoardScopeNote } from './board-scope.ts'

/** Stops that are the unit doing what a clock asks: 签收 (accept), 联系 / 答复 (respond), 答复 (handle). */
const GOOD_STOPS = ['accept', 'contact', 'reply']

/** The clocks' start and stop events as the ticket kind declares them. */
export function kindClocks(): HotlineClocks {
  const of = (name: string, fallback: ClockEvents): ClockEvents => {
    const c = ticketKind.clocks.find((x) => x.name === name)
    if (!c) return fallback
    return { starts: [...c.startsOn], stops: [...c.stopsOn], good: c.stopsOn.filter((e) => GOOD_STOPS.includes(e) && (name !== 'handle' || e === 'reply')) }
  }
  return {
    accept: of('accept', { starts: ['dispatch', 'reassign', 'refuse_return'], stops: ['accept', 'return', 'withdraw'], good: ['accept'] }),
    respond: of('respond', { starts: ['dispatch', 'reassign'], stops: ['contact', 'reply', 'withdraw'], good: ['contact', 'reply'] }),
    handle: of('handle', { starts: ['dispatch', 'reassign', 'reopen'], stops: ['reply', 'withdraw'], good: ['reply'] }),
  }
}

export type GroupBy = 'day' | 'week' | 'month'

/** What GET /api/hotline/kpis takes. */
export interface KpiQuery {
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly groupBy?: string | undefined
}

export type UnitRow = HotlineUnitKpis & { readonly unitName: string }

export interface TrendRow {
  readonly bucket: string
  readonly received: number
  readonly dispatched: number
  readonly replied: number
  readonly repliedOnTime: number
  readonly followUps: number
  readonly satisfied: number
  readonly reopens: number
  readonly returns: number
}

export interface CountRow {
  readonly code: string
  readonly name: string
  readonly level: number
  readonly count: number
  readonly previous: number
}

export interface PlaceRow {
  readonly unitId: string
  readonly name: string
  readonly level: 'district' | 'township'
  readonly count: number
  readonly previous: number
}

export interface ProblemRow {
  readonly itemId: string
  readonly number: string
  readonly state: string
  readonly stateType: string
  readonly categoryCode: string | null
  readonly reason: 'reopened' | 'passed_around'
  readonly reopens: number
  readonly reassignments: number
  readonly unitId: string | null
  readonly unitName: string | null
  readonly raisedAt: string | null
}

export interface HotlineKpis {
  readonly period: { readonly from: string; readonly to: string }
  readonly previous: { readonly from: string; readonly to: string }
  readonly asOf: string
  readonly groupBy: GroupBy
  /**
   * `received` counts every request (each merged ticket too); `merged` those of them merged into another ticket
   * (并单), whose handling is their primary's; `handlings` = received − merged, each handling once. Unit figures
   * count handlings only: a merged ticket is never dispatched, so it adds no volume, reply or follow-up.
   */
  readonly totals: Omit<HotlineUnitKpis, 'unitId'> & { readonly received: number; readonly merged: number; readonly handlings: number }
  readonly units: readonly UnitRow[]
  readonly trend: readonly TrendRow[]
  readonly categories: readonly CountRow[]
  readonly places: readonly PlaceRow[]
  readonly hotTopics: { readonly categories: readonly (HotTopic & { name: string; path: string[] })[]; readonly places: readonly (HotTopic & { name: string })[] }
  readonly problemTickets: readonly ProblemRow[]
  /**
   * The data scope (数据范围) every figure is limited to (units by unit; requests by place or by a unit handling them,
   * inScopeSql); null = every unit.
   */
  readonly scope: BoardScopeNote | null
}

/**
 * 数据范围 of a request (诉求), as SQL over the ticket alias `t` and the text[] parameter `p` (NULL: every request): its
 * place (地点) is in the scope, or a unit handling it (承办 or 协办, item_unit) is. A district's scope finds its requests
 * by place; a leader whose scope is departments only (部门, no place) finds the requests those departments handle,
 * which by place alone were none. The same rule as the hot spots' tickets in scope (hot-spots.repo.ts).
 */
export function inScopeSql(t: string, p: string): string {
  return `(${p}::text[] IS NULL OR ${t}.place_unit_id = ANY(${p}::text[])
    OR EXISTS (SELECT 1 FROM item_unit su WHERE su.item_id = ${t}.item_id AND su.unit_id = ANY(${p}::text[])))`
}

const MAX_DAYS = 732
const DAY = 86_400_000

/** The instants a period may reach: PostgreSQL reads the years 0001–9999 written as toISOString writes them. */
const PERIOD_MIN_MS = Date.parse('0001-01-01T00:00:00Z')
const PERIOD_MAX_MS = Date.parse('9999-12-31T23:59:59.999Z')

/** `2026-11-01` (China midnight) or an ISO instant, within the years 0001–9999 (0000-01-01 was a 500). */
function instantOf(v: string, where: string): string {
  const ms = isIsoDate(v) ? Date.parse(`${v}T00:00:00+08:00`) : isInstant(v) ? instantMs(v) : Number.NaN
  if (Number.isNaN(ms)) throw new DubanError('DUBAN_ERR_VALIDATION', `${where} must be a date (2026-11-01) or an ISO instant`, { where })
  if (ms < PERIOD_MIN_MS || ms > PERIOD_MAX_MS) throw new DubanError('DUBAN_ERR_VALIDATION', `${where}: '${v}' lies outside the years 0001–9999`, { where })
  return new Date(ms).toISOString()
}

/** The period asked for; the current China month by default. */
export function parseKpiQuery(q: KpiQuery, now: Date): { period: HotlinePeriod; groupBy: GroupBy } {
  const china = new Date(now.getTime() + 8 * 3_600_000)
  const y = china.getUTCFullYear()
  const m = china.getUTCMonth()
  const pad = (n: number): string => String(n).padStart(2, '0')
  const monthStart = `${y}-${pad(m + 1)}-01`
  const next = m === 11 ? `${y + 1}-01-01` : `${y}-${pad(m + 2)}-01`
  const from = instantOf(q.from ?? monthStart, 'from')
  const to = instantOf(q.to ?? (q.from ? new Date(Math.min(instantMs(from) + 30 * DAY, PERIOD_MAX_MS)).toISOString() : next), 'to')
  if (!(instantMs(from) < instantMs(to))) throw new DubanError('DUBAN_ERR_VALIDATION', 'from must be before to', { where: 'to' })
  if (instantMs(to) - instantMs(from) > MAX_DAYS * DAY) throw new DubanError('DUBAN_ERR_VALIDATION', `a period is at most ${MAX_DAYS} days`, { where: 'to' })
  // The previous equal period is counted too, by month at most: it must not reach before the year 0001 either.
  if (2 * instantMs(from) - instantMs(to) - 31 * DAY < PERIOD_MIN_MS) {
    throw new DubanError('DUBAN_ERR_VALIDATION', `from: '${q.from}' is too early; the period before it, counted for comparison, would start before the year 0001`, { where: 'from' })
  }
  const groupBy = (q.groupBy ?? 'day') as GroupBy
  if (!['day', 'week', 'month'].includes(groupBy)) throw new DubanError('DUBAN_ERR_VALIDATION', 'groupBy must be day, week or month', { where: 'groupBy' })
  return { period: { from, to }, groupBy }
}

const num = (v: unknown): number => Number(v ?? 0)
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())

/**
 * Per-unit counts for the period, as of asOf: one statement, one aggregation pass over hotline_event's rows in the
 * period (by instant), one over dispatches for the distinct volume, and a range scan by handling due. $1 from, $2 to, $3 asOf, $4 dispatch events, $5/$6 accept starts / good stops, $7/$8 the same for
 * respond, $9 handle good stops. A run's end is on its start row (the first later event that stops or restarts
 * the clock, kept by the capture trigger, migration 052); an end at or after asOf is no end yet. 满意率 and 解决率 count
 * one 回访 per ticket, the latest before asOf (rerated_at: the instant of the ticket's next 回访, migration 197); 满意率
 * counts the requester's own ratings too (ticket_citizen_rating, migration 199): per ticket the latest reply round's
 * vote, the 回访 winning within a round — a 回访 stops counting once the requester rated a later reply (before asOf), a
 * rating counts unless the ticket had a later rating or a 回访 at or after the rated reply (before asOf).
 */
export const UNIT_SQL = `
WITH u AS (
  SELECT unit_id,
    count(*) FILTER (WHERE event = ANY($4::text[])) AS dispatches,
    count(*) FILTER (WHERE event = 'return') AS returns,
    count(*) FILTER (WHERE event = 'reopen') AS reopens,
    count(*) FILTER (WHERE event = ANY($9::text[])) AS replies,
    count(*) FILTER (WHERE event = ANY($9::text[]) AND (handle_due IS NULL OR at <= handle_due)) AS replies_on_time,
    count(*) FILTER (WHERE event = 'follow_up') AS follow_ups,
    count(*) FILTER (WHERE event = 'follow_up' AND rating IS NOT NULL AND (rerated_at IS NULL OR rerated_at >= $3) AND NOT later_rating) AS rated,
    count(*) FILTER (WHERE event = 'follow_up' AND rating IN ('satisfied', 'basically_satisfied') AND (rerated_at IS NULL OR rerated_at >= $3) AND NOT later_rating) AS satisfied,
    count(*) FILTER (WHERE event = 'follow_up' AND resolved IS NOT NULL AND (rerated_at IS NULL OR rerated_at >= $3)) AS asked,
    count(*) FILTER (WHERE event = 'follow_up' AND resolved AND (rerated_at IS NULL OR rerated_at >= $3)) AS solved,
    count(*) FILTER (WHERE event = ANY($5::text[]) AND (
      (accept_end_at < $3 AND accept_end_event = ANY($6::text[]))
      OR (accept_end_at < $3 AND accept_due IS NOT NULL AND accept_end_at > accept_due)
      OR ((accept_end_at IS NULL OR accept_end_at >= $3) AND accept_due IS NOT NULL AND accept_due < $3))) AS accept_d,
    count(*) FILTER (WHERE event = ANY($5::text[]) AND accept_end_at < $3 AND accept_end_event = ANY($6::text[])
      AND (accept_due IS NULL OR accept_end_at <= accept_due)) AS accept_n,
    count(*) FILTER (WHERE event = ANY($7::text[]) AND (
      (respond_end_at < $3 AND respond_end_event = ANY($8::text[]))
      OR (respond_end_at < $3 AND respond_due IS NOT NULL AND respond_end_at > respond_due)
      OR ((respond_end_at IS NULL OR respond_end_at >= $3) AND respond_due IS NOT NULL AND respond_due < $3))) AS respond_d,
    count(*) FILTER (WHERE event = ANY($7::text[]) AND respond_end_at < $3 AND respond_end_event = ANY($8::text[])
      AND (respond_due IS NULL OR respond_end_at <= respond_due)) AS respond_n
  FROM (
    -- later_rating: a 回访 the requester's rating of a later reply replaced before asOf (migration 199)
    SELECT h.*, COALESCE(h.event = 'follow_up' AND h.rating IS NOT NULL AND EXISTS (
             SELECT 1 FROM ticket_citizen_rating c WHERE c.item_id = h.item_id AND c.reply_at > h.at AND c.rated_at < $3), false) AS later_rating
      FROM hotline_event h WHERE h.at >= $1 AND h.at < $2 AND h.at < $3 AND h.unit_id IS NOT NULL
  ) h
  GROUP BY unit_id
),
cr AS (
  -- the requester's own ratings in the period that are their ticket's vote as of asOf (migration 199)
  SELECT c.unit_id, count(*) AS rated, count(*) FILTER (WHERE c.rating IN ('satisfied', 'basically_satisfied')) AS satisfied
  FROM ticket_citizen_rating c
  WHERE c.rated_at >= $1 AND c.rated_at < $2 AND c.rated_at < $3 AND c.unit_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM ticket_citizen_rating l WHERE l.item_id = c.item_id AND l.rated_at > c.rated_at AND l.rated_at < $3)
    AND NOT EXISTS (SELECT 1 FROM hotline_event f WHERE f.item_id = c.item_id AND f.event = 'follow_up' AND f.at >= c.reply_at AND f.at < $3)
  GROUP BY c.unit_id
),
vol AS (
  SELECT unit_id, count(*) AS volume FROM (
    SELECT DISTINCT unit_id, item_id FROM hotline_event
    WHERE at >= $1 AND at < $2 AND at < $3 AND unit_id IS NOT NULL AND event = ANY($4::text[])
  ) d GROUP BY unit_id
),
late AS (
  SELECT unit_id, count(*) AS n FROM hotline_event
  WHERE handle_running AND handle_due >= $1 AND handle_due < $2 AND handle_due < $3 AND at < $3 AND (next_at IS NULL OR next_at >= $3)
    AND unit_id IS NOT NULL
  GROUP BY unit_id
),
ids AS (SELECT unit_id FROM u UNION SELECT unit_id FROM late UNION SELECT unit_id FROM cr)
SELECT ids.unit_id, un.name AS unit_name,
  vol.volume, u.dispatches, u.returns, u.reopens, u.replies, u.replies_on_time, u.follow_ups,
  COALESCE(u.rated, 0) + COALESCE(cr.rated, 0) AS rated, COALESCE(u.satisfied, 0) + COALESCE(cr.satisfied, 0) AS satisfied, u.asked, u.solved,
  u.accept_n, u.accept_d, u.respond_n, u.respond_d, late.n AS late_open
FROM ids LEFT JOIN u USING (unit_id) LEFT JOIN vol USING (unit_id) LEFT JOIN late USING (unit_id) LEFT JOIN cr USING (unit_id)
LEFT JOIN unit un ON un.id = ids.unit_id
`

/** The parameters of UNIT_SQL. */
export function unitSqlParams(period: HotlinePeriod, asOf: string, clocks: HotlineClocks = kindClocks()): unknown[] {
  return [period.from, period.to, asOf, [...DISPATCH_EVENTS], clocks.accept.starts, clocks.accept.good, clocks.respond.starts, clocks.respond.good, clocks.handle.good]
}

/** Per-unit KPIs for a period (the SQL twin of hotlineUnitKpis). */
export async function unitKpisSql(db: Queryable, period: HotlinePeriod, asOf: string, clocks: HotlineClocks = kindClocks()): Promise<UnitRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(UNIT_SQL, unitSqlParams(period, asOf, clocks))
  return rows.map(unitRowOf)
}

/** A unit's row from its counts (UNIT_SQL's columns or the counters' sums). */
function unitRowOf(x: Record<string, unknown>): UnitRow {
  const replies = num(x.replies)
  const late = num(x.late_open)
  const followUps = num(x.follow_ups)
  const dispatches = num(x.dispatches)
  return {
    unitId: x.unit_id as string,
    unitName: (x.unit_name as string | null) ?? (x.unit_id as string),
    volume: num(x.volume),
    dispatches,
    returns: num(x.returns),
    replies,
    followUps,
    reopens: num(x.reopens),
    onTimeAcceptance: rateOf(num(x.accept_n), num(x.accept_d)),
    response: rateOf(num(x.respond_n), num(x.respond_d)),
    onTimeCompletion: rateOf(num(x.replies_on_time), replies + late),
    resolution: rateOf(num(x.solved), num(x.asked)),
    // satisfied_back (the counters' take-back of superseded 回访, and the requester's ratings' counts and take-backs,
    // migration 199) is absent from UNIT_SQL, which filters them and adds the ratings to `satisfied`.
    satisfaction: rateOf(num(x.satisfied) + num(x.satisfied_back), num(x.rated)),
    reopenRate: rateOf(num(x.reopens), replies),
    returnRate: rateOf(num(x.returns), dispatches),
  }
}

/** Whether the kind's clocks are the lists migration 152's counters were written for. */
export function clocksMatchCounters(clocks: HotlineClocks): boolean {
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x))
  return same(clocks.accept.starts, AGG_CLOCKS.accept.starts) && same(clocks.accept.good, AGG_CLOCKS.accept.good)
    && same(clocks.respond.starts, AGG_CLOCKS.respond.starts) && same(clocks.respond.good, AGG_CLOCKS.respond.good)
    && same(clocks.handle.good, AGG_CLOCKS.handle.good) && same(DISPATCH_EVENTS, AGG_CLOCKS.dispatch)
}

/**
 * Per-unit KPIs and the centre's distinct volume from the maintained counters (migration 152), or null when they
 * cannot answer this period exactly (still being backfilled, a period not on China midnights, …): then the caller
 * reads rows. O(units × days of the period), not O(events).
 */
export async function unitKpisFromCounters(db: Queryable, period: HotlinePeriod, asOf: string, clocks: HotlineClocks = kindClocks()): Promise<{ units: UnitRow[]; volume: number } | null> {
  if (!clocksMatchCounters(clocks)) return null
  if (!usable(await aggState(db), period.from, period.to, asOf)) return null
  const counts = await unitCountsOf(db, { from: period.from, to: period.to, asOf })
  const centre = counts.find((c) => c.unitId === '')
  // A unit whose only count in the period is a requester's rating (migration 199) shows too, as in UNIT_SQL.
  const shown = counts.filter((c) => c.unitId !== '' && (c.events > 0 || c.late_open > 0 || c.rated > 0))
  const names = new Map(
    (await db.query<{ id: string; name: string }>(`SELECT id, name FROM unit WHERE id = ANY($1::text[])`, [shown.map((c) => c.unitId)])).rows.map((r) => [r.id, r.name]),
  )
  const units = shown.map((c) => unitRowOf({ ...Object.fromEntries(Object.entries(c)), unit_id: c.unitId, unit_name: names.get(c.unitId) ?? null }))
  return { units, volume: centre?.volume ?? 0 }
}

/** Deltas folded since the last vacuum of the delta tables past which the job vacuums them (about a busy day's). */
export const VACUUM_AFTER_FOLDED = 100_000

/**
 * The counters' upkeep, run by the supervision tick: rebuilds them after a delete (never happens today), counts up to
 * `budget` rows of the backfill the migration queued, folds the deltas settled before today (China time) into days
 * and months, and, once the fold has caught up after deleting `vacuumAfter` deltas or more, vacuums the delta tables
 * (vacuumFolded). Bounded per call; returns what it did.
 */
export async function maintainHotlineKpiCounters(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  budget = 50_000,
  vacuumAfter = VACUUM_AFTER_FOLDED,
): Promise<{ backfilled: number; folded: number; complete: boolean; vacuumed: boolean }> {
  const db = deps.db as unknown as TxDb
  let state = await aggState(db)
  if (!state) return { backfilled: 0, folded: 0, complete: false, vacuumed: false }
  if (state.stale) await requeue(db)
  let backfilled = 0
  while (backfilled < budget) {
    const n = await backfillStep(db, Math.min(20_000, budget - backfilled))
    if (n === 0) break
    backfilled += n
  }
  while (backfilled < budget) {
    const n = await backfillTicketsStep(db, Math.min(20_000, budget - backfilled))
    if (n === 0) break
    backfilled += n
  }
  let folded = 0
  let caughtUp = false
  const cutoff = chinaDayStart(deps.clock.now().toISOString())
  while (folded < budget) {
    const batch = Math.min(50_000, budget - folded)
    const n = await foldStep(db, cutoff, batch)
    folded += n
    if (n < batch) {
      caughtUp = true
      break
    }
  }
  const vacuumed = caughtUp && (await vacuumFolded(db, vacuumAfter))
  state = await aggState(db)
  return { backfilled, folded, complete: state?.complete === true, vacuumed }
}

/** The per-ticket facts of every ticket with an event before the period's end (for cross-checks on small data; not used by the API). */
export async function ticketFactsOf(db: Queryable, period: HotlinePeriod): Promise<TicketFacts[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT h.*, t.category_code, t.place_unit_id, t.received_at FROM hotline_event h LEFT JOIN ticket t ON t.item_id = h.item_id
     WHERE h.item_id IN (SELECT DISTINCT item_id FROM hotline_event WHERE at < $1) ORDER BY h.item_id, h.seq`,
    [period.to],
  )
  const byItem = new Map<string, { head: Record<string, unknown>; events: HotlineEvent[] }>()
  for (const x of rows) {
    const id = x.item_id as string
    let t = byItem.get(id)
    if (!t) byItem.set(id, (t = { head: x, events: [] }))
    t.events.push({
      seq: num(x.seq), event: x.event as string, at: iso(x.at)!, unitId: (x.unit_id as string | null) ?? null,
      acceptDueAt: iso(x.accept_due), respondDueAt: iso(x.respond_due), handleDueAt: iso(x.handle_due), handleRunning: x.handle_running === true,
      rating: (x.rating as string | null) ?? null, resolved: (x.resolved as boolean | null) ?? null,
    })
  }
  const ratings = await db.query<Record<string, unknown>>(
    `SELECT c.item_id, c.rating, c.reply_at, c.rated_at, c.unit_id FROM ticket_citizen_rating c WHERE c.item_id = ANY($1::text[]) ORDER BY c.rated_at`,
    [[...byItem.keys()]],
  )
  const ratingsOf = new Map<string, CitizenRating[]>()
  for (const c of ratings.rows) {
    const id = c.item_id as string
    const list = ratingsOf.get(id) ?? []
    list.push({ rating: c.rating as string, replyAt: iso(c.reply_at)!, ratedAt: iso(c.rated_at)!, unitId: (c.unit_id as string | null) ?? null })
    ratingsOf.set(id, list)
  }
  return [...byItem].map(([itemId, { head, events }]) => ({
    itemId, categoryCode: (head.category_code as string | null) ?? '', placeUnitId: (head.place_unit_id as string | null) ?? null,
    receivedAt: iso(head.received_at) ?? events[0]!.at, events, citizenRatings: ratingsOf.get(itemId) ?? [],
  }))
}

/** GET /api/hotline/kpis: everything the dashboard shows for a period. */
export async function hotlineKpis(deps: AppDeps, actor: Actor, q: KpiQuery): Promise<HotlineKpis> {
  const now = deps.clock.now()
  const { period, groupBy } = parseKpiQuery(q, now)
  const asOf = instantMs(now.toISOString()) < instantMs(period.to) ? now.toISOString() : period.to
  const prev = previousPeriod(period)
  const db = deps.db
  const clocks = kindClocks()

  // From the maintained counters when they can answer this period exactly; else from hotline_event's rows.
  const counted = await unitKpisFromCounters(db, period, asOf, clocks)
  let units = counted ? counted.units : await unitKpisSql(db, period, asOf, clocks)
  // 数据范围: a district 督查室, a 分管 leader or an operator given a scope sees its units' rows (boardScope), the events
  // of its units in the trend, and the requests whose place (地点) or handling unit is one of its units (诉求量, 办理量,
  // the trend's received, the categories, the places, the hot topics; inScopeSql): a request has a place from intake
  // on, a unit once dispatched; a scope of departments only has requests by unit alone.
  const scopeUnitIds = boardScope(actor)
  const scope = scopeUnitIds ? new Set(scopeUnitIds) : null
  // The counters keep received counts by category and place only: a scoped board reads its requests from ticket rows.
  const recvCounted = counted !== null && scope === null
  if (scope) units = units.filter((u) => scope.has(u.unitId))
  units.sort((a, b) => b.volume - a.volume || a.unitName.localeCompare(b.unitName, 'zh'))

  // The statements below do not depend on each other (but for the counters' received counts, which the categories
  // and places take): they run at once on a pool (one after another on PGlite), 3 round trips instead of 9.
  // A scoped board's requests come from one pass over the period's and the previous period's tickets (scopedReceivedOf).
  // From the scope's counters (migration 198) when the unit counters answer the period exactly; else from the rows.
  const scopedP = !scopeUnitIds ? null
    : counted !== null ? scopedFromCounters(db, period, prev, asOf, groupBy, scopeUnitIds)
    : scopedReceivedOf(db, period, prev, asOf, groupBy, scopeUnitIds)
  const [receivedAll, rowVol, merged, trend, problems, scoped] = await Promise.all([
    recvCounted ? receivedCountsOf(db, { from: period.from, to: period.to, asOf, prevFrom: prev.from }) : null,
    recvCounted || scopedP
      ? null
      : db.query<{ volume: unknown; received: unknown }>(
          `SELECT (SELECT count(*) FROM (SELECT DISTINCT item_id FROM hotline_event WHERE at >= $1 AND at < $2 AND at < $3 AND unit_id IS NOT NULL AND event = ANY($4::text[])) d) AS volume,
                  (SELECT count(*) FROM ticket t WHERE received_at >= $1 AND received_at < $2 AND received_at < $3 AND ${inScopeSql('t', '$5')}) AS received`,
          [period.from, period.to, asOf, [...DISPATCH_EVENTS], scopeUnitIds ? [...scopeUnitIds] : null],
        ),
    scopedP ? scopedP.then((x) => x.merged) : mergedReceivedIn(db, period.from, asOf, null),
    trendOf(db, period, asOf, groupBy, clocks, counted !== null, scopeUnitIds, scopedP?.then((x) => x.trend)),
    problemTicketsOf(db, period, asOf, 20, counted !== null, scopeUnitIds),
    scopedP,
  ])
  // A scoped board's received counts, categories and places are read from the tickets (inScopeSql).
  const received = receivedAll
  const vol = counted && received
    ? { volume: counted.volume, received: received.filter((r) => r.dim === 'c').reduce((n, r) => n + r.cur, 0) }
    : scoped ? { volume: 0, received: scoped.received } : rowVol?.rows[0]
  // The centre's volume counts each ticket once however often it was passed on; a scope's is the sum of its units'
  // (a ticket passed between two of them counts for each: the counters keep the distinct count for the centre only).
  const volume = scope ? units.reduce((n, u) => n + u.volume, 0) : num(vol?.volume)
  const totals = { ...totalKpis(units, volume), received: num(vol?.received), merged, handlings: num(vol?.received) - merged }

  const perCode = (dim: 'c' | 'p') => received?.filter((r) => r.dim === dim).map((r) => ({ code: r.code, place: r.code, cur: r.cur, prev: r.prev }))
  const [{ categories, hotCategories }, { places, hotPlaces }] = await Promise.all([
    categoriesOf(db, period, prev, asOf, scoped ? scoped.categories : scope ? undefined : perCode('c'), scopeUnitIds),
    placesOf(db, period, prev, asOf, scoped ? scoped.places : perCode('p'), scopeUnitIds),
  ])
  // 数据范围: the problem tickets the units in scope hold (chosen in SQL, so the first 20 are the scope's own).
  const problemTickets = problems
  return { period, previous: prev, asOf, groupBy, totals, units, trend, categories, places, hotTopics: { categories: hotCategories, places: hotPlaces }, problemTickets, scope: await boardScopeNote(db, scopeUnitIds) }
}

/** A scope's requests (inScopeSql) as the board shows them: received and merged (并单) in the period, by bucket, by category and by place (this period and the previous one). */
export interface ScopedReceived {
  readonly received: number
  readonly merged: number
  readonly trend: Record<string, unknown>[]
  readonly categories: { code: string; cur: unknown; prev: unknown }[]
  readonly places: { place: string | null; cur: unknown; prev: unknown }[]
}

/**
 * A scoped board's requests from the counters of migration 198 (each request of the scope once, however many of its
 * keys, place and handling units, the scope holds: inclusion–exclusion over the subsets of a ticket's keys, the
 * migration's header): two statements whose rows grow with the period's months and the scope's units, not with its
 * tickets. Equal to scopedReceivedOf (test/e2e/hotline-scope-counters.test.ts).
 */
async function scopedFromCounters(db: Queryable, period: HotlinePeriod, prev: HotlinePeriod, asOf: string, groupBy: GroupBy, scope: readonly string[]): Promise<ScopedReceived> {
  const [counts, trend] = await Promise.all([
    scopeCountsOf(db, { from: period.from, to: period.to, asOf, prevFrom: prev.from }, scope),
    scopeTrendOf(db, { from: period.from, to: period.to, asOf }, groupBy, scope),
  ])
  return { received: counts.received, merged: counts.merged, trend, categories: counts.categories, places: counts.places }
}

/**
 * Every figure of a scoped board's requests in one statement: the scope's tickets received in [prev.from, min(to,
 * asOf)) are read once and grouped four ways, instead of once per figure (the count, 并单, the trend, the categories
 * and the places each read them again). The scope's tickets (inScopeSql) are found from the scope's side, not by a
 * probe per ticket of the period: the union of those by place (ticket_place_idx) and those a scope unit handles
 * (item_unit_unit_received_role_idx: item_unit.received_at is the ticket's, migrations 196 and 205), joined back to ticket.
 */
export async function scopedReceivedOf(db: Queryable, period: HotlinePeriod, prev: HotlinePeriod, asOf: string, groupBy: GroupBy, scope: readonly string[]): Promise<ScopedReceived> {
  const { rows } = await db.query<{ dim: string; code: string | null; cur: unknown; prev: unknown }>(
    `WITH s AS MATERIALIZED (
       SELECT t.item_id, t.category_code, t.place_unit_id, t.received_at >= $2 AS cur,
              date_trunc($5::text, t.received_at AT TIME ZONE 'Asia/Shanghai') AS b
       FROM (SELECT p.item_id FROM ticket p
              WHERE p.place_unit_id = ANY($6::text[]) AND p.received_at >= $1 AND p.received_at < $3 AND p.received_at < $4
             UNION
             SELECT su.item_id FROM item_unit su
              WHERE su.unit_id = ANY($6::text[]) AND su.received_at >= $1 AND su.received_at < $3 AND su.received_at < $4) ids
       JOIN ticket t ON t.item_id = ids.item_id
       WHERE t.received_at >= $1 AND t.received_at < $3 AND t.received_at < $4
     )
     SELECT 'c' AS dim, category_code AS code, count(*) FILTER (WHERE cur) AS cur, count(*) FILTER (WHERE NOT cur) AS prev FROM s GROUP BY category_code
     UNION ALL
     SELECT 'p', place_unit_id, count(*) FILTER (WHERE cur), count(*) FILTER (WHERE NOT cur) FROM s WHERE place_unit_id IS NOT NULL GROUP BY place_unit_id
     UNION ALL
     SELECT 'b', to_char(b, 'YYYY-MM-DD'), count(*), 0 FROM s WHERE cur GROUP BY b
     UNION ALL
     SELECT 'n', NULL, count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ticket_duplicate d WHERE d.ticket_id = s.item_id AND d.status = 'merged'))
     FROM s WHERE cur`,
    [prev.from, period.from, period.to, asOf, groupBy, [...scope]],
  )
  const n = rows.find((r) => r.dim === 'n')
  return {
    received: num(n?.cur),
    merged: num(n?.prev),
    trend: rows.filter((r) => r.dim === 'b').map((r) => ({ bucket: r.code, received: r.cur })),
    categories: rows.filter((r) => r.dim === 'c').map((r) => ({ code: r.code as string, cur: r.cur, prev: r.prev })),
    places: rows.filter((r) => r.dim === 'p').map((r) => ({ place: r.code, cur: r.cur, prev: r.prev })),
  }
}

/** Counts per bucket (China-time day, ISO week from Monday, month). */
async function trendOf(db: Queryable, period: HotlinePeriod, asOf: string, groupBy: GroupBy, clocks: HotlineClocks, fromCounters = false, scope: readonly string[] | null = null, received?: Promise<Record<string, unknown>[]>): Promise<TrendRow[]> {
  const scoped = scope === null ? null : [...scope]
  // Grouped on the truncated China-time timestamp; formatted once per bucket, not once per row.
  const bucket = (col: string): string => `date_trunc($4::text, ${col} AT TIME ZONE 'Asia/Shanghai')`
  const evP = fromCounters
    ? trendCountsOf(db, { from: period.from, to: period.to, asOf }, groupBy, scoped).then((xs) => xs.map((x) => ({ ...x, dispatched: x.dispatches, replied: x.replies, replied_on_time: x.replies_on_time }) as Record<string, unknown>))
    : db.query<Record<string, unknown>>(
    `SELECT to_char(g.b, 'YYYY-MM-DD') AS bucket, g.* FROM (SELECT ${bucket('at')} AS b,
       count(*) FILTER (WHERE event = ANY($5::text[])) AS dispatched,
       count(*) FILTER (WHERE event = ANY($6::text[])) AS replied,
       count(*) FILTER (WHERE event = ANY($6::text[]) AND (handle_due IS NULL OR at <= handle_due)) AS replied_on_time,
       count(*) FILTER (WHERE event = 'follow_up') AS follow_ups,
       count(*) FILTER (WHERE event = 'follow_up' AND rating IN ('satisfied', 'basically_satisfied')) AS satisfied,
       count(*) FILTER (WHERE event = 'reopen') AS reopens,
       count(*) FILTER (WHERE event = 'return') AS returns
     FROM hotline_event WHERE at >= $1 AND at < $2 AND at < $3 AND unit_id IS NOT NULL AND ($7::text[] IS NULL OR unit_id = ANY($7::text[])) GROUP BY 1) g`,
    [period.from, period.to, asOf, groupBy, [...DISPATCH_EVENTS], clocks.handle.good, scoped],
  ).then((r) => r.rows)
  const recP = received ?? (fromCounters && scoped === null
    ? receivedTrendOf(db, { from: period.from, to: period.to, asOf }, groupBy, scoped) as Promise<Record<string, unknown>[]>
    : db.query<Record<string, unknown>>(
    `SELECT to_char(g.b, 'YYYY-MM-DD') AS bucket, g.received FROM (
       SELECT ${bucket('received_at')} AS b, count(*) AS received FROM ticket t
       WHERE received_at >= $1 AND received_at < $2 AND received_at < $3 AND ${inScopeSql('t', '$5')} GROUP BY 1) g`,
    [period.from, period.to, asOf, groupBy, scoped],
  ).then((r) => r.rows))
  const [ev, rec] = await Promise.all([evP, recP])
  const out = new Map<string, TrendRow>()
  const blank = (b: string): TrendRow => ({ bucket: b, received: 0, dispatched: 0, replied: 0, repliedOnTime: 0, followUps: 0, satisfied: 0, reopens: 0, returns: 0 })
  for (const x of ev) {
    const b = x.bucket as string
    out.set(b, { ...blank(b), dispatched: num(x.dispatched), replied: num(x.replied), repliedOnTime: num(x.replied_on_time), followUps: num(x.follow_ups), satisfied: num(x.satisfied), reopens: num(x.reopens), returns: num(x.returns) })
  }
  for (const x of rec) {
    const b = x.bucket as string
    out.set(b, { ...(out.get(b) ?? blank(b)), received: num(x.received) })
  }
  return [...out.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : 1))
}

/** Tickets received per category code in the period and the previous one; rolled up to levels 1 and 2. */
async function categoriesOf(db: Queryable, period: HotlinePeriod, prev: HotlinePeriod, asOf: string, counted?: { code: string; cur: unknown; prev: unknown }[], scope: readonly string[] | null = null): Promise<{ categories: CountRow[]; hotCategories: (HotTopic & { name: string; path: string[] })[] }> {
  // The counters keep categories city-wide (not by place or unit): a scoped board reads its tickets (inScopeSql).
  const { rows } = counted ? { rows: counted } : await db.query<{ code: string; cur: unknown; prev: unknown }>(
    `SELECT category_code AS code, count(*) FILTER (WHERE received_at >= $2) AS cur, count(*) FILTER (WHERE received_at < $2) AS prev
     FROM ticket t WHERE received_at >= $1 AND received_at < $3 AND received_at < $4 AND ${inScopeSql('t', '$5')} GROUP BY category_code`,
    [prev.from, period.from, period.to, asOf, scope === null ? null : [...scope]],
  )
  const { rows: cats } = await db.query<{ code: string; parent_code: string | null; level: number; name: string }>(
    `SELECT DISTINCT ON (code) code, parent_code, level, name FROM service_category ORDER BY code, active DESC, version DESC`,
  )
  const byCode = new Map(cats.map((c) => [c.code, c]))
  const chain = (code: string): { code: string; name: string; level: number }[] => {
    const out: { code: string; name: string; level: number }[] = []
    let c = byCode.get(code)
    for (let guard = 0; c && guard < 5; guard++) {
      out.unshift({ code: c.code, name: c.name, level: Number(c.level) })
      c = c.parent_code ? byCode.get(c.parent_code) : undefined
    }
    return out.length ? out : [{ code, name: code, level: 3 }]
  }
  const roll = new Map<string, { code: string; name: string; level: number; count: number; previous: number }>()
  const cur = new Map<string, number>()
  const before = new Map<string, number>()
  for (const r of rows) {
    cur.set(r.code, num(r.cur))
    before.set(r.code, num(r.prev))
    for (const c of chain(r.code).filter((x) => x.level <= 2)) {
      const e = roll.get(c.code) ?? { ...c, count: 0, previous: 0 }
      e.count += num(r.cur)
      e.previous += num(r.prev)
      roll.set(c.code, e)
    }
  }
  const categories = [...roll.values()].filter((c) => c.count > 0 || c.previous > 0).sort((a, b) => a.level - b.level || b.count - a.count || (a.code < b.code ? -1 : 1))
  const hotCategories = hotTopics(cur, before).map((h) => {
    const path = chain(h.key)
    return { ...h, name: path.at(-1)!.name, path: path.map((p) => p.name) }
  })
  return { categories, hotCategories }
}

/** Tickets received per place, rolled up to district and township (the unit tree); hot topics by township. */
async function placesOf(db: Queryable, period: HotlinePeriod, prev: HotlinePeriod, asOf: string, counted?: { place: string | null; cur: unknown; prev: unknown }[], scope: readonly string[] | null = null): Promise<{ places: PlaceRow[]; hotPlaces: (HotTopic & { name: string })[] }> {
  const { rows } = counted ? { rows: counted } : await db.query<{ place: string | null; cur: unknown; prev: unknown }>(
    `SELECT place_unit_id AS place, count(*) FILTER (WHERE received_at >= $2) AS cur, count(*) FILTER (WHERE received_at < $2) AS prev
     FROM ticket t WHERE received_at >= $1 AND received_at < $3 AND received_at < $4 AND place_unit_id IS NOT NULL
       AND ${inScopeSql('t', '$5')} GROUP BY place_unit_id`,
    [prev.from, period.from, period.to, asOf, scope === null ? null : [...scope]],
  )
  const { rows: units } = await db.query<{ id: string; parent_id: string | null; level: string; name: string }>(`SELECT id, parent_id, level, name FROM unit`)
  const byId = new Map(units.map((u) => [u.id, u]))
  const up = (id: string, level: string): { id: string; name: string } | null => {
    let u = byId.get(id)
    for (let guard = 0; u && guard < 10; guard++) {
      if (u.level === level) return { id: u.id, name: u.name }
      u = u.parent_id ? byId.get(u.parent_id) : undefined
    }
    return null
  }
  const roll = new Map<string, PlaceRow & { count: number; previous: number }>()
  const cur = new Map<string, number>()
  const before = new Map<string, number>()
  for (const r of rows) {
    if (!r.place) continue
    for (const level of ['district', 'township'] as const) {
      const p = up(r.place, level)
      if (!p) continue
      const e = roll.get(p.id) ?? { unitId: p.id, name: p.name, level, count: 0, previous: 0 }
      roll.set(p.id, { ...e, count: e.count + num(r.cur), previous: e.previous + num(r.prev) })
    }
    const key = up(r.place, 'township')?.id ?? r.place
    cur.set(key, (cur.get(key) ?? 0) + num(r.cur))
    before.set(key, (before.get(key) ?? 0) + num(r.prev))
  }
  const places = [...roll.values()].filter((p) => p.count > 0 || p.previous > 0).sort((a, b) => (a.level === b.level ? 0 : a.level === 'district' ? -1 : 1) || b.count - a.count || (a.unitId < b.unitId ? -1 : 1))
  const hotPlaces = hotTopics(cur, before).map((h) => ({ ...h, name: byId.get(h.key)?.name ?? h.key }))
  return { places, hotPlaces }
}

/** Problem tickets with a reopen or reassignment in the period, as of asOf (most reopens + reassignments first, 20 at most). */
async function problemTicketsOf(db: Queryable, period: HotlinePeriod, asOf: string, limit = 20, fromCounters = false, scope: readonly string[] | null = null): Promise<ProblemRow[]> {
  // With the counters complete, the candidates are the tickets whose reopens or reassignments (all time, migration
  // 152's hotline_rework) reach a threshold and whose rework spans the period; the history below decides as of asOf.
  const touched = fromCounters
    ? `SELECT w.item_id FROM hotline_rework w
       WHERE (w.reopens >= ${PROBLEM_REOPENS} OR w.reassigns >= ${PROBLEM_REASSIGNMENTS}) AND w.last_at >= $1 AND w.first_at < $2
         AND EXISTS (SELECT 1 FROM hotline_event h WHERE h.item_id = w.item_id AND h.at >= $1 AND h.at < $2 AND h.at < $3 AND h.event IN ('reopen', 'reassign'))`
    : `SELECT DISTINCT item_id FROM hotline_event WHERE at >= $1 AND at < $2 AND at < $3 AND event IN ('reopen', 'reassign')`
  const { rows } = await db.query<Record<string, unknown>>(
    `WITH touched AS (
       ${touched}
     ), c AS (
       SELECT t.item_id, x.* FROM touched t CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE h.event = 'reopen') AS reopens, count(*) FILTER (WHERE h.event = 'reassign') AS reassignments,
                COALESCE(bool_or(h.event = 'accept'), false) AS accepted, (array_agg(h.unit_id ORDER BY h.seq DESC))[1] AS unit_id
         FROM hotline_event h WHERE h.item_id = t.item_id AND h.at < $3
       ) x
     )
     SELECT c.*, i.number, i.state, i.state_type, t.category_code, un.name AS unit_name, p.raised_at
     FROM c JOIN item i ON i.id = c.item_id LEFT JOIN ticket t ON t.item_id = c.item_id LEFT JOIN unit un ON un.id = c.unit_id
     LEFT JOIN hotline_problem p ON p.item_id = c.item_id
     WHERE (c.reopens >= $4 OR (c.reassignments >= $5 AND NOT c.accepted)) AND ($7::text[] IS NULL OR c.unit_id = ANY($7::text[]))
     ORDER BY c.reopens + c.reassignments DESC, i.number LIMIT $6`,
    [period.from, period.to, asOf, PROBLEM_REOPENS, PROBLEM_REASSIGNMENTS, limit, scope === null ? null : [...scope]],
  )
  return rows.map((x) => ({
    itemId: x.item_id as string,
    number: x.number as string,
    state: x.state as string,
    stateType: x.state_type as string,
    categoryCode: (x.category_code as string | null) ?? null,
    reason: num(x.reopens) >= PROBLEM_REOPENS ? 'reopened' : 'passed_around',
    reopens: num(x.reopens),
    reassignments: num(x.reassignments),
    unitId: (x.unit_id as string | null) ?? null,
    unitName: (x.unit_name as string | null) ?? null,
    raisedAt: iso(x.raised_at),
  }))
}

/**
 * 提级督办: every open ticket that is a problem ticket and not yet raised is recorded in hotline_problem and
 * the supervisor role is notified (dedupe key per ticket), once. Returns how many were raised now.
 */
export async function raiseProblemTickets(deps: AppDeps): Promise<number> {
  const { rows } = await deps.db.query<{ id: string; number: string; title: string; reopens: unknown; reassignments: unknown; accepted: boolean }>(
    `SELECT i.id, i.number, i.title, c.reopens, c.reassignments, c.accepted
     FROM item i CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE h.event = 'reopen') AS reopens, count(*) FILTER (WHERE h.event = 'reassign') AS reassignments,
              COALESCE(bool_or(h.event = 'accept'), false) AS accepted
       FROM hotline_event h WHERE h.item_id = i.id
     ) c
     WHERE i.kind = 'ticket' AND i.state_type <> 'closed' AND NOT EXISTS (SELECT 1 FROM hotline_problem p WHERE p.item_id = i.id)
       -- the snapshot's counters narrow the open tickets cheaply (rework: item_problem_candidates_idx, migration 160); the history decides
       AND i.rework AND (COALESCE((i.snapshot->'counters'->>'reopens')::int, 0) >= $1 OR COALESCE((i.snapshot->'counters'->>'reassignments')::int, 0) >= $2)
       AND (c.reopens >= $1 OR (c.reassignments >= $2 AND NOT c.accepted))`,
    [PROBLEM_REOPENS, PROBLEM_REASSIGNMENTS],
  )
  const now = deps.clock.now()
  let raised = 0
  for (const r of rows) {
    const reopens = num(r.reopens)
    const reassignments = num(r.reassignments)
    const reason = reopens >= PROBLEM_REOPENS ? 'reopened' : 'passed_around'
    const fresh = await deps.db.transaction(async (tx) => {
      const ins = await tx.query(
        `INSERT INTO hotline_problem (item_id, reason, reopens, reassignments, raised_at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (item_id) DO NOTHING RETURNING item_id`,
        [r.id, reason, reopens, reassignments, now.toISOString()],
      )
      if (ins.rows.length === 0) return false
      const why = reason === 'reopened' ? `已重办${reopens}次` : `已改派${reassignments}次仍无单位签收`
      await insertNotification(tx, {
        id: deps.newId(), dedupeKey: `ticket.problem:${r.id}@role:supervisor`, role: 'supervisor', itemId: r.id, type: 'ticket.problem',
        title: `问题工单提级督办：${r.number}`, body: `${r.number}（${r.title}）${why}，已列为问题工单，请提级督办。`, at: now,
      })
      return true
    })
    if (fresh) raised++
  }
  return raised
}

/** The raised problem tickets among `itemIds` (for TicketView's `flags.problem`): item id → reason and when raised. */
export async function problemFlagsOf(q: Queryable, itemIds: readonly string[]): Promise<Map<string, { reason: 'reopened' | 'passed_around'; raisedAt: string }>> {
  if (itemIds.length === 0) return new Map()
  const { rows } = await q.query<{ item_id: string; reason: 'reopened' | 'passed_around'; raised_at: unknown }>(
    `SELECT item_id, reason, raised_at FROM hotline_problem WHERE item_id = ANY($1::text[])`,
    [[...itemIds]],
  )
  return new Map(rows.map((r) => [r.item_id, { reason: r.reason, raisedAt: iso(r.raised_at)! }]))
}
