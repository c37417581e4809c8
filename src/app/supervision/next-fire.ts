/**
 * The next-fire time (下次触发时刻) of an item: the earliest instant after `now` at which the supervision tick
 * could owe it a new action — a clock entering its warning window (临期), a clock's expiry anchor (逾期), an
 * escalation step (升级), a clock that starts later, or the day after an expected progress report (未报进展).
 * Computed with the engine's own clock code (clockStatus, expiryAnchor, escalationAt), so the tick that runs only
 * on items whose time has come does what the tick over every open item did. Never later than the true next
 * action; it may be earlier (the tick then finds nothing, and computes again).
 */
import { chinaDateOf, chinaInstantMs } from '../../domain/calendar/china-time.value.ts'
import { expectedReportDates } from '../../domain/workflow/cadence.ts'
import { clockStatus, escalationAt, expiryAnchor, resolveLimit, type WorkingCalendar } from '../../domain/workflow/clock.ts'
import type { ClockDef, KindDef, ReportingCadence, Snapshot } from '../../domain/workflow/kind.types.ts'
import { addCalendarDays, instantMs, localDate } from '../../domain/workflow/time.ts'

/** The progress-report rule that applies to an item: its cadence and its first expected report date. */
export interface ReportRule {
  readonly cadence: ReportingCadence
  readonly firstReport: string
}

/** The earliest instant after `now` (ms) at which the tick could act on the item, as ISO; null when nothing will fire until the item changes. */
export function nextFireAt(kind: KindDef, snapshot: Snapshot, now: Date, wcal: WorkingCalendar, report: ReportRule | null): string | null {
  const nowMs = now.getTime()
  let best = Infinity
  const consider = (ms: number): void => {
    if (ms > nowMs && ms < best) best = ms
  }
  for (const clock of kind.clocks) {
    const state = snapshot.clocks[clock.name]
    // clockSignals raises nothing for a stopped or paused clock, or one with no due yet: resuming or
    // setting a due is a write, and a write resets the item's next-fire time.
    if (!state || state.stoppedAt || state.pausedAt || !state.dueAt) continue
    const startMs = instantMs(state.startedAt)
    consider(startMs)
    const anchor = expiryAnchor(state.startedAt, state.dueAt)
    consider(instantMs(anchor))
    for (const stepName of clock.onExpiry?.escalate ?? []) {
      const step = kind.escalation.find((s) => s.name === stepName)
      if (step) consider(instantMs(escalationAt(anchor, step.afterDueWorkingDays, wcal)))
    }
    const warn = warningStartMs(kind, clock, snapshot, Math.max(nowMs, startMs), wcal)
    if (warn !== null) consider(warn)
  }
  if (report && report.cadence.every !== 'none') {
    // The report expected on date D is missing from the first tick of D + 1 (China time).
    const today = chinaDateOf(nowMs)
    const from = report.firstReport > today ? report.firstReport : today
    const next = expectedReportDates(report.cadence, from, addCalendarDays(from, 120))[0]
    if (next) consider(chinaInstantMs(addCalendarDays(next, 1)))
  }
  return best === Infinity ? null : new Date(best).toISOString()
}

/**
 * The first instant after `fromMs` at which the clock's status is 'warning', or null when it never is before
 * its due. Warning is monotone in time until the due, so a bisection finds it: over China midnights for limits
 * counted in days (their status changes only when the date does), to the millisecond for working hours.
 */
function warningStartMs(kind: KindDef, clock: ClockDef, snapshot: Snapshot, fromMs: number, wcal: WorkingCalendar): number | null {
  if ((clock.warnBefore ?? 0) <= 0) return null
  const state = snapshot.clocks[clock.name]!
  const one: KindDef = { ...kind, clocks: [clock] }
  const warningAt = (ms: number): boolean => clockStatus(one, snapshot, new Date(ms).toISOString(), wcal)[0]!.status === 'warning'
  const dueMs = instantMs(state.dueAt!)
  if (fromMs >= dueMs || warningAt(fromMs) || !warningAt(dueMs)) return null
  const limit = resolveLimit(clock, snapshot.data)
  if (!limit || 'due' in limit || limit.unit !== 'working_hours') {
    const fromDate = chinaDateOf(fromMs)
    const dueDate = localDate(state.dueAt!)
    const days = Math.round((Date.parse(`${dueDate}T00:00:00Z`) - Date.parse(`${fromDate}T00:00:00Z`)) / 86_400_000)
    const midnight = (k: number): number => chinaInstantMs(addCalendarDays(fromDate, k))
    // Smallest k in [1, days] with warning at the k-th midnight after fromDate; start the search near the due
    // (a window of a few weeks holds any warning of up to 60 working days) and widen only if needed.
    let lo = Math.max(0, days - ((clock.warnBefore ?? 0) * 3 + 30))
    if (lo > 0 && warningAt(midnight(lo))) lo = 0
    let hi = days
    if (hi < 1 || !warningAt(midnight(hi))) return bisectMs(warningAt, fromMs, dueMs)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (warningAt(midnight(mid))) hi = mid
      else lo = mid
    }
    return midnight(hi)
  }
  return bisectMs(warningAt, fromMs, dueMs)
}

/** The smallest ms in (lo, hi] where `at` holds, given it fails at lo and holds at hi. */
function bisectMs(at: (ms: number) => boolean, lo: number, hi: number): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (at(mid)) hi = mid
    else lo = mid
  }
  return hi
}
