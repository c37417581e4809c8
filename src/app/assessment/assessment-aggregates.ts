/**
 * The assessment (考核) from maintained counters (issue 7.3): `drainAssessmentLog` brings assessment_agg up to date
 * with the items the write path marked (migration 116), `assessFromAggregates` answers GET /assessment from sums over
 * days and months, bounded by the number of units and days, not by items. What each item adds is in
 * assessment-contrib.ts; the answer equals assessUnitsFromItems (the item-by-item computation), which the property
 * test checks after random sequences of changes on both databases.
 */
import { assessedItemsByIds, reportDaysByUnit } from '../../persistence/assessment.repo.ts'
import {
  applyDeltas,
  dirtyBacklog,
  factsOfItems,
  firstAliveShares,
  firstLeadNumbers,
  getBasis,
  lateCreatedDue,
  lockDrain,
  markKindDirty,
  putBasis,
  replaceFacts,
  correctionsAround,
  sumRanges,
  dirtyHorizon,
  takeDirtyItems,
  tryLockDrain,
  type AggDelta,
  type AggRange,
  type FactRow,
} from '../../persistence/assessment-agg.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { listSupervisionConfigs } from '../../persistence/supervision.repo.ts'
import { type MetricName, type Rate, type UnitKpis } from '../../domain/kpi/index.ts'
import { expectedReportDates } from '../../domain/workflow/cadence.ts'
import { addCalendarDays, endOfDay, instantMs, localDate } from '../../domain/workflow/time.ts'
import { defaultSupervisionConfig } from '../../domain/supervision/supervision-config.ts'
import { cachedCalendar } from '../calendar/calendar.load.ts'
import type { Pacer } from '../supervision/tick-pace.ts'
import { cadenceKey, cadenceOfKey, shareFactsOf, type ContribSettings } from './assessment-contrib.ts'
import { parseAssessmentPeriod } from './assessment-period.ts'
import { rankedRows } from './assessment-rows.ts'
import type { Assessment } from './assess-units.ts'
import type { ScoreWeights } from '../../domain/kpi/index.ts'

export interface Settings {
  readonly basis: string
  readonly contrib: ContribSettings
}

/** The settings a kind's contributions are computed with, and their fingerprint (cadence, grace, calendar). */
export async function settingsOf(db: Queryable, kind: string): Promise<Settings> {
  const cfg = (await listSupervisionConfigs(db)).get(kind) ?? defaultSupervisionConfig(kind)
  // The basis names the stamp of the very years the contributions are computed with: a stamp read apart could be
  // newer than a cached calendar (another process's write not yet rechecked), and the kind would never be marked again.
  const { calendar, stamp } = await cachedCalendar(db)
  return {
    basis: JSON.stringify({ c: cadenceKey(cfg.reporting), g: cfg.reportGraceWorkingDays, cal: stamp }),
    contrib: { fallbackCadence: cfg.reporting, graceWorkingDays: cfg.reportGraceWorkingDays, calendar },
  }
}

/** The oldest entries of the log a batch takes its items from (takeDirtyItems). */
export const DRAIN_WINDOW = 5_000

/** How a drain is bounded. */
export interface DrainOptions {
  /** Distinct items per transaction, taken from among the oldest `window` entries (every entry of theirs there). */
  readonly batch?: number
  /** How many of the oldest entries a batch looks among (DRAIN_WINDOW; at least `batch`). */
  readonly window?: number
  /**
   * Rests between batches (the scheduler's: the round's pace, so the drain keeps at most its share of the process and
   * the database); without one the drain only yields a turn of the event loop between batches.
   */
  readonly pacer?: Pacer
  /** Kinds whose settings are checked first (a change marks the kind's every item again). */
  readonly kinds?: readonly string[]
  /** Start no further batch after this many milliseconds (the scheduler's budget per round). */
  readonly budgetMs?: number
  /** Start no further batch after this many items. */
  readonly maxItems?: number
  /**
   * A read's drain: skipped while another drain holds the lock (the scheduler's), and never the one to mark a kind
   * whose settings changed (that is a whole kind again: the scheduler's job); it stops there instead.
   */
  readonly read?: boolean
}

/** A read's drain met a kind whose settings changed: left to the scheduler. */
class SettingsChanged extends Error {}

/**
 * Brings the counters up to date: takes the marked items off the log in batches (each batch one transaction, drains
 * serialised by an advisory lock), recomputes their shares and applies new minus old contributions. A kind whose
 * settings changed since its counters were computed is marked whole first. Only the entries queued when the drain
 * begins (its horizon, raised when it marks a kind itself): changes made while it runs are the next drain's, so a
 * stream of reports never keeps it going. Bounded by `budgetMs` and `maxItems` (the log keeps the rest, oldest first,
 * for the next drain); between batches the event loop serves others, and with a `pacer` the drain rests as well.
 * Returns how many items were recomputed.
 */
export async function drainAssessmentLog(deps: { readonly db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> } }, opts: DrainOptions = {}): Promise<number> {
  const batch = opts.batch ?? 10_000
  const window = Math.max(batch, opts.window ?? DRAIN_WINDOW)
  const started = performance.now()
  const settings = new Map<string, Settings>()
  // The last entry this drain takes (dirtyHorizon); set after the kinds' checks, raised when a kind is marked whole.
  let horizon: string | null = null
  const settingsFor = async (tx: Queryable, kind: string): Promise<Settings> => {
    let s = settings.get(kind)
    if (!s) {
      s = await settingsOf(tx, kind)
      const stored = await getBasis(tx, kind)
      if (stored !== s.basis) {
        if (opts.read && stored !== null) throw new SettingsChanged(kind)
        // Computed under other settings (or never): every item of the kind again.
        if (stored !== null) {
          await markKindDirty(tx, kind)
          horizon = await dirtyHorizon(tx)
        }
        await putBasis(tx, kind, s.basis)
      }
      settings.set(kind, s)
    }
    return s
  }
  const lock = async (tx: Queryable): Promise<boolean> => {
    if (opts.read) return tryLockDrain(tx)
    await lockDrain(tx)
    return true
  }
  try {
    for (const kind of opts.kinds ?? []) await deps.db.transaction(async (tx) => {
      if (await lock(tx)) await settingsFor(tx, kind)
    })
  } catch (e) {
    if (e instanceof SettingsChanged) return 0
    throw e
  }
  horizon = await dirtyHorizon(deps.db)
  if (horizon === null) return 0
  let done = 0
  for (;;) {
    const within = (opts.budgetMs === undefined || performance.now() - started < opts.budgetMs) && (opts.maxItems === undefined || done < opts.maxItems)
    let n = 0
    if (within) {
      try {
        n = await deps.db.transaction(async (tx) => {
          if (!(await lock(tx))) return 0
          const ids = await takeDirtyItems(tx, opts.maxItems === undefined ? batch : Math.min(batch, opts.maxItems - done), window, horizon!)
          if (ids.length === 0) return 0
          const items = await assessedItemsByIds(tx, ids)
          const reports = await reportDaysByUnit(tx, ids)
          const old = await factsOfItems(tx, ids)
          const facts: FactRow[] = []
          const deltas: AggDelta[] = []
          for (const f of old) for (const c of f.contrib) deltas.push({ kind: f.kind, unitId: f.unitId, metric: c.metric, ckey: c.ckey, day: c.day, n: -c.n })
          for (const it of items) {
            // Requests in flight run between items (a batch of 100 items is tens of milliseconds of computing).
            await opts.pacer?.yieldIfDue()
            const s = await settingsFor(tx, it.kind)
            for (const f of shareFactsOf(it, reports.get(it.id), s.contrib)) {
              facts.push(f)
              for (const c of f.contrib) deltas.push({ kind: f.kind, unitId: f.unitId, metric: c.metric, ckey: c.ckey, day: c.day, n: c.n })
            }
          }
          await applyDeltas(tx, deltas)
          await replaceFacts(tx, ids, facts)
          return ids.length
        })
      } catch (e) {
        if (!(e instanceof SettingsChanged)) throw e
      }
    }
    if (n === 0) {
      // After a large drain (the backfill) the planner needs the new row counts to walk the order index.
      // The counters' rows were updated once per batch: vacuum their dead versions, which range scans would step over.
      // The facts: vacuumed so that the as-of-now correction's covering indexes answer from the index alone
      // (migration 168). The log: its dead entries made the read's backlog count walk ~3,500 pages (0.5 s at 1M).
      if (done >= 100_000 && within) {
        await deps.db.query(`VACUUM (ANALYZE) assessment_agg`)
        await deps.db.query(`VACUUM (ANALYZE) assessment_fact`)
        await deps.db.query(`VACUUM assessment_dirty`)
      }
      return done
    }
    done += n
    // The drain shares the event loop with the API (it runs inside duban serve): let waiting requests run, and with a
    // pacer rest as long as its share says (outside any transaction).
    if (opts.pacer) await opts.pacer.rest()
    else await new Promise((r) => setImmediate(r))
  }
}

/** Log entries a read drains itself when that is all there is (a minute's changes on a busy day); more are left to the scheduler. */
export const READ_DRAIN_ITEMS = 500

/** How current the counters an answer was read from are: the changes still queued, and the oldest one's instant. */
export interface CountersState {
  /** Changed items still queued (at most READ_DRAIN_ITEMS + 1 counted: past that `more` is true). */
  readonly pending: number
  readonly more: boolean
  /** When the oldest change the counters do not hold yet was queued; null when they hold every change. */
  readonly pendingSince: string | null
}

/**
 * A read's drain: when what is queued is a small remainder (≤ READ_DRAIN_ITEMS), it is drained so the answer is
 * exact; a larger backlog (a busy minute, the first backfill) is left to the scheduler's budgeted drain and the
 * answer says how stale it is. Never waits for the scheduler's drain.
 */
export async function drainForRead(deps: { readonly db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> } }, kind: string): Promise<CountersState> {
  const before = await dirtyBacklog(deps.db, READ_DRAIN_ITEMS)
  if (before.pending === 0) return { pending: 0, more: false, pendingSince: null }
  if (before.more) return { pending: before.pending, more: true, pendingSince: before.oldestAt }
  await drainAssessmentLog(deps, { kinds: [kind], read: true, maxItems: READ_DRAIN_ITEMS, batch: READ_DRAIN_ITEMS })
  const after = await dirtyBacklog(deps.db, READ_DRAIN_ITEMS)
  return { pending: after.pending, more: after.more, pendingSince: after.oldestAt }
}

/** Days after a period's first day within which every cadence's first date in the period falls (the largest gap, 92, + 1). */
export const FIRST_DATE_WITHIN = 93

const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator })
const NONE = rate(0, 0)

/**
 * GET /assessment from the counters (after draining the log): the same answer as the item-by-item computation. The
 * counters give every condition as of midnight; for a running (or future) period, assessed as of now, the difference
 * of the shares created, finished or closed on the current day is summed per unit in SQL (correctionsAround) and added.
 */
export async function assessFromAggregates(
  deps: { readonly db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }; readonly clock: { now(): Date } },
  periodKey: string,
  kind: string,
  weights: ScoreWeights,
  names: ReadonlyMap<string, string>,
  scope: readonly string[] | null,
  opts: { readonly drain?: boolean; readonly counters?: CountersState } = {},
): Promise<Assessment> {
  const period = parseAssessmentPeriod(periodKey)
  // A small remainder drained here (or by the caller, beside its other reads: `counters` is what drainForRead answered);
  // more is the scheduler's (drainAssessmentLog with a budget): the counters as they stand.
  // Without the drain (measurements only): the counters as they stand, and how stale.
  const counters = opts.counters ?? (opts.drain !== false ? await drainForRead(deps, kind) : await backlogState(deps.db))
  const db = deps.db
  const now = deps.clock.now().toISOString()
  const T = new Date(instantMs(period.to)).toISOString()
  const asOf = instantMs(now) < instantMs(period.to) ? now : T
  const fromIso = new Date(instantMs(period.from)).toISOString()
  const activeFrom = instantMs(period.from) <= instantMs(asOf) ? fromIso : asOf
  const F = period.firstDate
  const tDay = addCalendarDays(period.lastDate, 1)
  const x = localDate(asOf)
  const afDay = localDate(activeFrom)
  const lp = [period.lastDate, addCalendarDays(x, -1)].sort()[0]!
  const FIRST = '0001-01-01'
  const ranges: AggRange[] = [
    ...['L.created', 'F.created', 'lead1.any', 'alive.in'].map((m) => ({ label: m, metric: m, lo: FIRST, hi: tDay })),
    { label: 'alive.out', metric: 'alive.out', lo: FIRST, hi: afDay },
    ...['L.fin', 'L.fin_ok', 'L.tgt', 'L.tgt_met', 'F.fin', 'F.fin_ok', 'F.due'].map((m) => ({ label: m, metric: m, lo: F, hi: tDay })),
    ...['L.od', 'F.od'].map((m) => ({ label: m, metric: m, lo: FIRST, hi: addCalendarDays(x, 1) })),
  ]
  if (lp >= F) {
    const hi = addCalendarDays(lp, 1)
    // rep.diff and rep.tail.in count only on or before a cadence's first date in the period (e1 below), and that date
    // is at most 91 days after F (two cadence dates are at most 92 days apart: a quarter's, 06-30 → 09-30): for a
    // year their day rows are read for its first quarter only, not for every day up to now.
    const firstHi = [hi, addCalendarDays(F, FIRST_DATE_WITHIN)].sort()[0]!
    ranges.push(
      { label: 'rep.exp', metric: 'rep.exp', lo: F, hi },
      { label: 'rep.ok', metric: 'rep.ok', lo: F, hi },
      { label: 'rep.open.before', metric: 'rep.open', lo: FIRST, hi: F },
      { label: 'rep.open.in', metric: 'rep.open', lo: F, hi, byDay: true },
      { label: 'rep.diff', metric: 'rep.diff', lo: F, hi: firstHi, byDay: true },
      { label: 'rep.tail.before', metric: 'rep.tail', lo: FIRST, hi: F },
      { label: 'rep.tail.in', metric: 'rep.tail', lo: F, hi: firstHi, byDay: true },
    )
  }
  // Three independent statements at once (on PostgreSQL each on its own pooled connection; PGlite runs them in turn).
  const lastSecond = instantMs(asOf) > instantMs(endOfDay(x))
  const [sums, corrections, lateDue] = await Promise.all([
    sumRanges(db, kind, ranges),
    asOf !== T ? correctionsAround(db, kind, { asOf, x, T, tDay, from: fromIso, activeFrom, afDay, closeDay: activeFrom === fromIso ? null : afDay, lastSecond }) : [],
    lateCreatedDue(db, kind, F, period.lastDate),
  ])
  const per = new Map<string, Map<string, number>>()
  const get = (unitId: string, label: string): number => per.get(unitId)?.get(label) ?? 0
  const bump = (unitId: string, label: string, n: number): void => {
    const m = per.get(unitId) ?? new Map<string, number>()
    m.set(label, (m.get(label) ?? 0) + n)
    per.set(unitId, m)
  }
  // Reporting: expected reports of unfinished shares by their cadence, and each cadence's first date in the period.
  const counts = new Map<string, number>()
  const cnt = (ckey: string, lo: string): number => {
    const k = `${ckey}|${lo}`
    let v = counts.get(k)
    if (v === undefined) counts.set(k, (v = expectedReportDates(cadenceOfKey(ckey), lo, lp).length))
    return v
  }
  const firstDate = new Map<string, string | null>()
  const e1 = (ckey: string): string | null => {
    if (!firstDate.has(ckey)) firstDate.set(ckey, expectedReportDates(cadenceOfKey(ckey), F, lp)[0] ?? null)
    return firstDate.get(ckey)!
  }
  for (const s of sums) {
    switch (s.label) {
      case 'rep.open.before': bump(s.unitId, 'rep.exp', s.n * cnt(s.ckey, F)); break
      case 'rep.open.in': bump(s.unitId, 'rep.exp', s.n * cnt(s.ckey, s.day!)); break
      case 'rep.diff': if (s.day === e1(s.ckey)) bump(s.unitId, 'rep.ok', s.n); break
      case 'rep.tail.before': if (e1(s.ckey) !== null) bump(s.unitId, 'rep.ok', s.n); break
      case 'rep.tail.in': { const e = e1(s.ckey); if (e !== null && s.day! <= e) bump(s.unitId, 'rep.ok', s.n); break }
      default: bump(s.unitId, s.label, s.n)
    }
  }
  // Late open = overdue as of midnight; as of an instant inside a day, the shares of that day are counted exactly.
  for (const u of per.keys()) {
    bump(u, 'L.late', get(u, 'L.od'))
    bump(u, 'F.late', get(u, 'F.od'))
    bump(u, 'alive', get(u, 'alive.in') - get(u, 'alive.out'))
  }
  for (const c of corrections) {
    bump(c.unitId, 'alive', c.alive)
    bump(c.unitId, 'L.od', c.lOd)
    bump(c.unitId, 'L.late', c.lLate)
    bump(c.unitId, 'F.od', c.fOd)
    bump(c.unitId, 'F.late', c.fLate)
  }
  const inScope = scope === null ? () => true : ((held) => (u: string) => held.has(u))(new Set(scope))
  const units = [...per.keys()].filter((u) => inScope(u) && (get(u, 'lead1.any') > 0 || get(u, 'alive') > 0))
  // The order the item-by-item computation meets units in: first leads by their first item's number, then the rest
  // by the first item they own work on (leads before responsible units, then by id).
  const leaders = units.filter((u) => get(u, 'lead1.any') > 0)
  const others = units.filter((u) => get(u, 'lead1.any') <= 0)
  const [leadNo, otherNo] = await Promise.all([
    firstLeadNumbers(db, kind, leaders, T),
    others.length ? firstAliveShares(db, kind, others, T, activeFrom) : new Map<string, { number: string; share: string }>(),
  ])
  leaders.sort((a, b) => cmp(leadNo.get(a) ?? '', leadNo.get(b) ?? ''))
  others.sort((a, b) => {
    const p = otherNo.get(a)
    const q = otherNo.get(b)
    return cmp(p?.number ?? '', q?.number ?? '') || (p?.share === 'resp' ? 1 : 0) - (q?.share === 'resp' ? 1 : 0) || cmp(a, b)
  })
  const ordered = [...leaders, ...others]
  const kpis: UnitKpis[] = ordered.map((u) => ({
    unitId: u,
    overdue: get(u, 'L.od'),
    rates: {
      onTime: rate(get(u, 'L.fin_ok'), get(u, 'L.fin') + get(u, 'L.late')),
      targetsMet: rate(get(u, 'L.tgt_met'), get(u, 'L.tgt')),
      reporting: rate(get(u, 'rep.ok'), get(u, 'rep.exp')),
      response: NONE,
      satisfaction: NONE,
      resolution: NONE,
    } satisfies Record<MetricName, Rate>,
  }))
  const rows = rankedRows(kpis, weights, names, (u) => get(u, 'L.created'))
  const total = (label: string): number => ordered.reduce((n, u) => n + get(u, label), 0)
  return {
    period,
    kind,
    asOf,
    counters,
    weights,
    summary: {
      items: total('F.created'),
      dueInPeriod: total('F.due') + ordered.reduce((n, u) => n + (lateDue.get(u) ?? 0), 0),
      finishedInPeriod: total('F.fin'),
      onTime: rate(total('F.fin_ok'), total('F.fin') + total('F.late')),
      overdue: total('F.od'),
    },
    rows,
  }
}

/** The log as it stands, without draining. */
async function backlogState(db: Queryable): Promise<CountersState> {
  const b = await dirtyBacklog(db, READ_DRAIN_ITEMS)
  return { pending: b.pending, more: b.more, pendingSince: b.oldestAt }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
