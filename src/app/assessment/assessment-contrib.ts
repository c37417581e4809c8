/**
 * What one item adds to the assessment's maintained counters (考核汇总): per unit that owns work on it (owned-work.ts
 * rules: each lead in full, each responsible unit for its reports), a list of (metric, cadence key, day, n). The
 * ranking of any period is then sums of these counters over days (assessment-aggregates.ts), equal to what itemFact
 * gives item by item. The day each count lands on is chosen so that a period's condition becomes a day range:
 *   L.created / F.created   live lead (F: first lead) shares, on the creation day: items created before the period's end
 *   lead1.any               first-lead shares cancelled or not (the ranking's units and their order)
 *   alive.in / alive.out    live shares on the creation day / on the closing day: the items that can count in a period
 *   F.due                   first-lead shares on the due date (created no later than it; later ones are read apart)
 *   L.fin, L.fin_ok, L.tgt, L.tgt_met, F.fin, F.fin_ok   finished, on time, targets, on the finishing day
 *   L.od / F.od             +1 on the first day an item is overdue at midnight, −1 on the day after it finished
 *   rep.exp                 expected reports of finished shares on each cadence date up to the finish
 *   rep.ok                  cadence dates with a report after the previous one (the item's own chain)
 *   rep.diff (by cadence)   a cadence date after the share's first with no report since the previous date but one
 *                           before it: on time when it is the first date of a period (a period's first date counts
 *                           any report up to it, countOnTimeReports), not in the chain
 *   rep.tail (by cadence)   an unfinished share's first date from which every date is such a rep.diff
 *   rep.open (by cadence)   an unfinished share on its first-report day: its expected reports are counted at read time
 */
import type { AssessedItemRow } from '../../persistence/assessment.repo.ts'
import type { FactRow } from '../../persistence/assessment-agg.repo.ts'
import type { Calendar } from '../../domain/calendar/calendar.model.ts'
import type { ReportingCadence } from '../../domain/workflow/kind.types.ts'
import { expectedReportDates } from '../../domain/workflow/cadence.ts'
import { addCalendarDays, endOfDay, instantMs, localDate } from '../../domain/workflow/time.ts'
import { firstReportFrom, isCadence } from '../supervision/supervise-tick.ts'
import { finishedAtOf, targetsOf } from './item-outcome.ts'

/** One item × owning unit: the scalars the as-of-now corrections read, and its contribution (assessment_fact's row). */
export type ShareFact = FactRow
/** What a share adds to one counter: (metric, cadence key, day, n). */
export type Contribution = ShareFact['contrib'][number]
export type Share = ShareFact['share']

export interface ContribSettings {
  readonly fallbackCadence: ReportingCadence
  readonly graceWorkingDays: number
  readonly calendar: Pick<Calendar, 'addWorkingDays'>
}

/** addCalendarDays remembered: the same few thousand dates recur across a drain. */
const addMemo = new Map<string, string>()
function addDays(date: string, n: number): string {
  const k = `${date}|${n}`
  let v = addMemo.get(k)
  if (v === undefined) {
    if (addMemo.size > 100_000) addMemo.clear()
    addMemo.set(k, (v = addCalendarDays(date, n)))
  }
  return v
}

/** localDate without a Date for a UTC instant (…Z): China is UTC+8 all year, so 16:00Z and later is the next day. */
function chinaDay(instant: string): string {
  if (instant.length >= 20 && instant.endsWith('Z') && instant[10] === 'T') {
    const hour = Number(instant.slice(11, 13))
    const d = instant.slice(0, 10)
    return hour >= 16 ? addDays(d, 1) : d
  }
  return localDate(instant)
}

/** firstReportFrom per start day, kept per settings object (a drain meets the same few hundred days many times). */
const firstFromMemo = new WeakMap<ContribSettings, Map<string, string>>()
function firstReportFromMemo(startedOn: string, s: ContribSettings): string {
  let m = firstFromMemo.get(s)
  if (!m) firstFromMemo.set(s, (m = new Map()))
  let v = m.get(startedOn)
  if (v === undefined) m.set(startedOn, (v = firstReportFrom(startedOn, s.graceWorkingDays, s.calendar)))
  return v
}

/** A cadence as a stable key (month:25, quarter:25, week:5, none). */
export function cadenceKey(c: ReportingCadence): string {
  return c.every === 'week' ? `week:${c.weekday}` : c.every === 'none' ? 'none' : `${c.every}:${c.day}`
}

/** The cadence of a key made by cadenceKey. */
export function cadenceOfKey(key: string): ReportingCadence {
  const [every, n] = key.split(':')
  if (every === 'week') return { every: 'week', weekday: Number(n) as 1 }
  if (every === 'month' || every === 'quarter') return { every, day: Number(n) }
  return { every: 'none' }
}

const later = (a: string, b: string): string => (a > b ? a : b)

/** The facts of one item for every unit that owns work on it (owned-work.ts), with their contributions. */
export function shareFactsOf(it: AssessedItemRow, reports: ReadonlyMap<string, readonly string[]> | undefined, s: ContribSettings): ShareFact[] {
  const live = it.state !== 'cancelled'
  const closed = it.stateType === 'closed'
  const finAt = finishedAtOf(it)
  const finDay = finAt ? chinaDay(finAt) : null
  const createdDay = chinaDay(it.createdAt)
  const closeDay = it.closedAt ? chinaDay(it.closedAt) : null
  const leads = it.units.filter((u) => u.role === 'lead')
  const owners: { unitId: string; share: Share }[] = [
    ...leads.map((l, i) => ({ unitId: l.unitId, share: (i === 0 ? 'lead1' : 'lead') as Share })),
    ...it.units.filter((u) => u.role === 'responsible' && !leads.some((l) => l.unitId === u.unitId)).map((u) => ({ unitId: u.unitId, share: 'resp' as Share })),
  ]
  const targets = targetsOf(it)
  const cadence = isCadence(it.data['cadence']) ? it.data['cadence'] : s.fallbackCadence
  const clock = it.snapshot.clocks?.['due']
  const from = firstReportFromMemo(chinaDay(clock?.startedAt ?? it.createdAt), s)
  return owners.map(({ unitId, share }) => {
    const out: Contribution[] = []
    const add = (metric: string, day: string, n = 1, ckey = ''): void => {
      if (n !== 0) out.push({ metric, ckey, day, n })
    }
    if (share === 'lead1') add('lead1.any', createdDay)
    if (live) {
      add('alive.in', createdDay)
      if (closed && closeDay) add('alive.out', later(closeDay, createdDay))
      if (share !== 'resp') {
        const scopes = share === 'lead1' ? ['L', 'F'] : ['L']
        for (const p of scopes) {
          add(`${p}.created`, createdDay)
          if (finAt && finDay) {
            add(`${p}.fin`, finDay)
            if (!it.dueDate || instantMs(endOfDay(it.dueDate)) >= instantMs(finAt)) add(`${p}.fin_ok`, finDay)
            if (p === 'L') {
              add('L.tgt', finDay, targets.total)
              add('L.tgt_met', finDay, targets.met)
            }
          }
          // Overdue at midnight of day D (A = D): due before D, created before D, not finished before D.
          if (it.dueDate) {
            const on = later(addDays(it.dueDate, 1), addDays(createdDay, 1))
            const off = finDay ? addDays(finDay, 1) : closed ? null : 'never'
            if (off === 'never') add(`${p}.od`, on)
            else if (off !== null && on < off) {
              add(`${p}.od`, on)
              add(`${p}.od`, off, -1)
            }
          }
        }
        if (share === 'lead1' && it.dueDate && createdDay <= it.dueDate) add('F.due', it.dueDate)
      }
      reportingContrib(cadence, from, finDay, reportDays(it, reports, unitId), add)
    }
    return {
      itemId: it.id, unitId, kind: it.kind, share, number: it.number, live, closed, createdAt: it.createdAt, createdDay,
      dueDate: it.dueDate, finAt, finDay, closedAt: it.closedAt, closeDay, contrib: out,
    }
  })
}

/** expectedReportDates, remembered (bounded): a drain asks for the same cadence and days many times. */
const datesMemo = new Map<string, readonly string[]>()
function expectedDates(cadence: ReportingCadence, ckey: string, from: string, to: string): readonly string[] {
  const k = `${ckey}|${from}|${to}`
  let v = datesMemo.get(k)
  if (v === undefined) {
    if (datesMemo.size > 200_000) datesMemo.clear()
    datesMemo.set(k, (v = expectedReportDates(cadence, from, to)))
  }
  return v
}

/** A unit's report days (China dates), oldest first: its own reports (owned-work.ts). */
function reportDays(it: AssessedItemRow, reports: ReadonlyMap<string, readonly string[]> | undefined, unitId: string): string[] {
  const times = reports ? (reports.get(unitId) ?? []) : it.reportTimes
  return times.map(chinaDay).sort()
}

/** The reporting counters of one share (see the header): the chain of on-time reports and what a period start changes. */
function reportingContrib(cadence: ReportingCadence, from: string, finDay: string | null, days: readonly string[], add: (metric: string, day: string, n?: number, ckey?: string) => void): void {
  if (cadence.every === 'none') return
  const ckey = cadenceKey(cadence)
  const first = days[0]
  const last = days.at(-1)
  const okAt = (k: number, dates: readonly string[]): boolean => {
    const e = dates[k]!
    const prev = k === 0 ? '' : dates[k - 1]!
    return days.some((d) => d > prev && d <= e)
  }
  if (finDay !== null) {
    const dates = expectedDates(cadence, ckey, from, finDay)
    dates.forEach((e, k) => {
      add('rep.exp', e)
      const ok = okAt(k, dates)
      if (ok) add('rep.ok', e)
      else if (k > 0 && first !== undefined && first <= dates[k - 1]!) add('rep.diff', e, 1, ckey)
    })
    return
  }
  add('rep.open', from, 1, ckey)
  if (first === undefined || last === undefined) return
  // Past the last report (and the first-report day) every further date is a rep.diff: one rep.tail stands for them.
  const bound = later(last, from)
  const dates = expectedDates(cadence, ckey, from, addDays(bound, 200))
  for (let k = 0; k < dates.length; k++) {
    const e = dates[k]!
    if (k > 0 && dates[k - 1]! >= bound) {
      add('rep.tail', e, 1, ckey)
      return
    }
    const ok = okAt(k, dates)
    if (ok) add('rep.ok', e)
    else if (k > 0 && first <= dates[k - 1]!) add('rep.diff', e, 1, ckey)
  }
}
