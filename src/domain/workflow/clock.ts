/**
 * Clocks (时限计时): when a clock is due, whether it is warning or overdue, and what the scheduler
 * must raise between two instants (reminders, expiry events, escalation steps). The working-day
 * calendar is a port declared here and implemented elsewhere (src/domain/calendar), so the engine
 * stays independent of holiday data.
 */
import type { ClockDef, ClockState, KindDef, Snapshot, TimeLimit } from './kind.types.ts'
import { addCalendarDays, dueInstant, endOfDay, instantMs, localDate } from './time.ts'

/**
 * The working calendar port (工作日历) the engine needs. Dates are `YYYY-MM-DD` (China local);
 * `addWorkingDays(d, n)` is the date n working days after d counting from the next working day (n ≥ 0;
 * n = 0 returns d); `addWorkingHours` counts office hours from an instant; 调休 days count as working days.
 * src/domain/calendar's Calendar provides the day methods; an adapter adds its working-hours rule.
 */
export interface WorkingCalendar {
  addWorkingDays(dateISO: string, n: number): string
  addWorkingHours(instantISO: string, h: number): string
  isWorkingDay(date: string): boolean
}

/** A clock's condition at an instant (时限状态). `late` marks a clock stopped after its due instant. */
export type ClockStatus = 'not_started' | 'running' | 'warning' | 'overdue' | 'stopped' | 'paused'

/** What clockStatus() reports for one clock. */
export interface ClockReport {
  readonly name: string
  readonly status: ClockStatus
  readonly dueAt: string | null
  /** True when the clock is overdue now, or was stopped after its due instant. */
  readonly late: boolean
}

/** Something the scheduler must act on (调度信号): a warning, an expiry, or an escalation step. */
export type ClockSignal =
  | { readonly type: 'warn'; readonly clock: string; readonly at: string }
  | { readonly type: 'expire'; readonly clock: string; readonly at: string; readonly event: string | undefined }
  | { readonly type: 'escalate'; readonly clock: string; readonly step: string; readonly label: string; readonly at: string; readonly event: string | undefined }

/** The time limit (时限) of a clock for an item's data, or a due value taken from a field; null when unknown. */
export function resolveLimit(clock: ClockDef, data: Readonly<Record<string, unknown>>): TimeLimit | { readonly due: string } | null {
  const limit = clock.limit
  if (typeof limit === 'number') return clock.unit === 'due_date' ? null : { unit: clock.unit, amount: limit }
  if ('field' in limit) {
    const due = dueInstant(data[limit.field])
    return due ? { due } : null
  }
  if ('fromData' in limit) {
    const v = dataAt(data, limit.fromData)
    return isTimeLimit(v) ? { unit: v.unit, amount: v.amount } : limit.otherwise
  }
  const key = data[limit.byField]
  return (typeof key === 'string' && limit.cases[key]) || limit.otherwise
}

/** The value at a dotted path (`limits.handle`) of an item's data, or undefined. */
export function dataAt(data: Readonly<Record<string, unknown>>, path: string): unknown {
  let v: unknown = data
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, part)) return undefined
    v = (v as Record<string, unknown>)[part]
  }
  return v
}

/** True for a usable TimeLimit value (`{unit, amount}` with a known unit and a non-negative amount). */
export function isTimeLimit(v: unknown): v is TimeLimit {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Record<string, unknown>
  return (
    (r.unit === 'working_days' || r.unit === 'working_hours' || r.unit === 'calendar_days') &&
    typeof r.amount === 'number' &&
    Number.isFinite(r.amount) &&
    r.amount >= 0
  )
}

/** The due instant (截止时刻) of a clock started at `startedAt` for an item's data, or null when it has no limit yet. */
export function computeDueAt(clock: ClockDef, startedAt: string, data: Readonly<Record<string, unknown>>, calendar: WorkingCalendar): string | null {
  const limit = resolveLimit(clock, data)
  if (!limit) return null
  if ('due' in limit) return limit.due
  switch (limit.unit) {
    case 'working_days':
      return endOfDay(calendar.addWorkingDays(localDate(startedAt), limit.amount))
    case 'working_hours':
      return calendar.addWorkingHours(startedAt, limit.amount)
    case 'calendar_days':
      return endOfDay(addCalendarDays(localDate(startedAt), limit.amount))
  }
}

/** A freshly started clock state (开始计时). */
export function startClock(clock: ClockDef, now: string, data: Readonly<Record<string, unknown>>, calendar: WorkingCalendar): ClockState {
  return { startedAt: now, dueAt: computeDueAt(clock, now, data, calendar), stoppedAt: null }
}

type Data = Readonly<Record<string, unknown>>

/** The clock's state paused at `now` (暂停计时); a clock not running, or already paused, is returned as it is. */
export function pauseClock(state: ClockState, now: string): ClockState {
  if (state.stoppedAt !== null || state.pausedAt) return state
  return { ...state, pausedAt: now }
}

/**
 * Working hours between two instants (a ≤ b) as the calendar counts them: the largest h, to a minute, with
 * addWorkingHours(a, h) ≤ b. Found by bisection, so it needs nothing from the calendar port but
 * addWorkingHours, which is monotone in h.
 */
export function workingHoursBetween(a: string, b: string, calendar: WorkingCalendar): number {
  const end = instantMs(b)
  if (end <= instantMs(a)) return 0
  // Whole minutes: the largest m with addWorkingHours(a, m / 60) ≤ b; working time never exceeds wall time.
  const fits = (m: number): boolean => instantMs(calendar.addWorkingHours(a, m / 60)) <= end
  let hi = Math.max(1, Math.ceil((end - instantMs(a)) / 60_000))
  if (fits(hi)) return hi / 60
  let lo = 0
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid
  }
  return lo / 60
}

/** Working days in (date a, date b]: the days a pause that began on a and ended on b took from a day clock. */
export function workingDaysBetween(a: string, b: string, calendar: WorkingCalendar): number {
  let n = 0
  for (let d = addCalendarDays(a, 1); d <= b; d = addCalendarDays(d, 1)) if (calendar.isWorkingDay(d)) n++
  return n
}

/**
 * The clock's state resumed at `now` (恢复计时): the due moves later by the time it was paused, counted in the
 * unit of the clock's limit (working hours, working days or calendar days); a due taken from a date field does
 * not move. A clock that is not paused is returned as it is.
 */
export function resumeClock(clock: ClockDef, state: ClockState, now: string, data: Data, calendar: WorkingCalendar): ClockState {
  const pausedAt = state.pausedAt
  if (!pausedAt) return state
  const resumed: ClockState = { startedAt: state.startedAt, dueAt: state.dueAt, stoppedAt: state.stoppedAt }
  if (!state.dueAt || instantMs(now) <= instantMs(pausedAt)) return resumed
  const limit = resolveLimit(clock, data)
  if (!limit || 'due' in limit) return resumed
  switch (limit.unit) {
    case 'working_hours': {
      const h = workingHoursBetween(pausedAt, now, calendar)
      return { ...resumed, dueAt: h > 0 ? calendar.addWorkingHours(state.dueAt, h) : state.dueAt }
    }
    case 'working_days': {
      const n = workingDaysBetween(localDate(pausedAt), localDate(now), calendar)
      return { ...resumed, dueAt: n > 0 ? endOfDay(calendar.addWorkingDays(localDate(state.dueAt), n)) : state.dueAt }
    }
    case 'calendar_days': {
      const n = Math.round((Date.parse(`${localDate(now)}T00:00:00Z`) - Date.parse(`${localDate(pausedAt)}T00:00:00Z`)) / 86_400_000)
      return { ...resumed, dueAt: n > 0 ? endOfDay(addCalendarDays(localDate(state.dueAt), n)) : state.dueAt }
    }
  }
}

function isWarning(clock: ClockDef, state: ClockState, now: string, data: Data, calendar: WorkingCalendar): boolean {
  const warn = clock.warnBefore ?? 0
  if (warn <= 0 || !state.dueAt) return false
  // Warning is monotone in time: once "due within `warn` units" holds it keeps holding until due.
  // Date-based clocks warn in working days; table limits warn in the unit of the item's case.
  const limit = resolveLimit(clock, data)
  const unit = !limit || 'due' in limit ? 'working_days' : limit.unit
  if (unit === 'working_hours') return instantMs(calendar.addWorkingHours(now, warn)) >= instantMs(state.dueAt)
  const horizon = unit === 'calendar_days' ? addCalendarDays(localDate(now), warn) : calendar.addWorkingDays(localDate(now), warn)
  return horizon >= localDate(state.dueAt)
}

function statusAt(clock: ClockDef, state: ClockState | undefined, now: string, data: Data, calendar: WorkingCalendar): ClockStatus {
  if (!state || instantMs(state.startedAt) > instantMs(now)) return 'not_started'
  if (state.stoppedAt && instantMs(state.stoppedAt) <= instantMs(now)) return 'stopped'
  if (state.pausedAt && instantMs(state.pausedAt) <= instantMs(now)) return 'paused'
  if (state.dueAt && instantMs(now) > instantMs(state.dueAt)) return 'overdue'
  return isWarning(clock, state, now, data, calendar) ? 'warning' : 'running'
}

/** The status of every clock of a snapshot at `now` (时限状态): running, warning, overdue, stopped or not started. */
export function clockStatus(kind: KindDef, snapshot: Snapshot, now: string, calendar: WorkingCalendar): readonly ClockReport[] {
  return kind.clocks.map((clock) => {
    const state = snapshot.clocks[clock.name]
    const status = statusAt(clock, state, now, snapshot.data, calendar)
    const dueAt = state?.dueAt ?? null
    const late =
      status === 'overdue' || (status === 'stopped' && !!dueAt && !!state?.stoppedAt && instantMs(state.stoppedAt) > instantMs(dueAt))
    return { name: clock.name, status, dueAt, late }
  })
}

/** The instant an escalation step is raised: on due for offset 0, else at the end of the n-th working day after the due date. */
export function escalationAt(dueAt: string, afterDueWorkingDays: number, calendar: WorkingCalendar): string {
  return afterDueWorkingDays <= 0 ? dueAt : endOfDay(calendar.addWorkingDays(localDate(dueAt), afterDueWorkingDays))
}

/**
 * Where a clock's expiry and escalation ladder are counted from (逾期起算): its due instant, or the instant it
 * started when that was later. A unit is not held late for time before the item was given to it: an item
 * dispatched already past its due date expires when dispatched, and its ladder steps follow from then.
 */
export function expiryAnchor(startedAt: string, dueAt: string): string {
  return instantMs(startedAt) > instantMs(dueAt) ? startedAt : dueAt
}

/**
 * What the scheduler must raise (到期信号) for instants in (since, now]: a warning when a clock enters its
 * warning window, its expiry (with the event to fire, if any), and each escalation step whose time passed,
 * both counted from expiryAnchor() (the due instant, or the start when the clock started past due).
 * Stopped and paused clocks raise nothing. Run it every few minutes with `since` = the previous run.
 */
export function clockSignals(kind: KindDef, snapshot: Snapshot, since: string, now: string, calendar: WorkingCalendar): readonly ClockSignal[] {
  const signals: ClockSignal[] = []
  const from = instantMs(since)
  const to = instantMs(now)
  const crossed = (at: string, state: ClockState): boolean => {
    const t = instantMs(at)
    return t > from && t <= to && t >= instantMs(state.startedAt)
  }
  for (const clock of kind.clocks) {
    const state = snapshot.clocks[clock.name]
    // A paused clock raises nothing: its due moves when it resumes.
    if (!state || state.stoppedAt || state.pausedAt || !state.dueAt) continue
    const before = statusAt(clock, state, since, snapshot.data, calendar)
    const after = statusAt(clock, state, now, snapshot.data, calendar)
    if (after === 'warning' && before !== 'warning') signals.push({ type: 'warn', clock: clock.name, at: now })
    const anchor = expiryAnchor(state.startedAt, state.dueAt)
    if (crossed(anchor, state)) signals.push({ type: 'expire', clock: clock.name, at: anchor, event: clock.onExpiry?.emit })
    for (const stepName of clock.onExpiry?.escalate ?? []) {
      const step = kind.escalation.find((s) => s.name === stepName)
      if (!step) continue
      const at = escalationAt(anchor, step.afterDueWorkingDays, calendar)
      if (crossed(at, state)) signals.push({ type: 'escalate', clock: clock.name, step: step.name, label: step.label, at, event: step.emit })
    }
  }
  return signals.sort((a, b) => instantMs(a.at) - instantMs(b.at))
}
