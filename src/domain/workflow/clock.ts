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
export type ClockStatus = 'not_started' | 'running' | 'warning' | 'overdue' | 'stopped'

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
  const key = data[limit.byField]
  return (typeof key === 'string' && limit.cases[key]) || limit.otherwise
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
 * Stopped clocks raise nothing. Run it every few minutes with `since` = the previous run.
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
    if (!state || state.stoppedAt || !state.dueAt) continue
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
