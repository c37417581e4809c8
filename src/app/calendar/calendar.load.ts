/**
 * Loads the working-day calendar (工作日历) use-cases compute with: the built-in official years with
 * the admin's stored years laid over them, plus the engine's WorkingCalendar port over it.
 */
import { calendarYearsStamp, listCalendarYears, listCalendarYearsStamped } from '../../persistence/calendar.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { buildCalendar, mergeCalendarYears, type Calendar, type DayInfo } from '../../domain/calendar/calendar.model.ts'
import { OFFICIAL_CALENDAR_YEARS } from '../../domain/calendar/china-holidays.data.ts'
import type { WorkingCalendar } from '../../domain/workflow/clock.ts'
import { addWorkingHours } from '../../domain/calendar/working-hours.rules.ts'

/** The calendar of official plus admin-supplied years, read fresh so an admin's change applies at once. */
export async function loadCalendar(db: Queryable): Promise<Calendar> {
  const stored = await listCalendarYears(db)
  return buildCalendar(mergeCalendarYears(OFFICIAL_CALENDAR_YEARS, stored.map((s) => s.data)))
}

/**
 * How long a cached calendar is used before the stored years' stamp is read again (one small statement),
 * which is how a process sees a year another process (a second `duban serve`, `duban calendar import`)
 * wrote. Writes in this process make the cache stale at once (calendar.repo's upsert announces them).
 */
export const CALENDAR_RECHECK_MS = 2_000

/** A calendar built from the stored years as they were at `stamp`, with its engine port. */
interface CachedCalendar {
  readonly calendar: Calendar
  readonly working: WorkingCalendar
  readonly stamp: string
  /** DbMemo version of 'calendar' when the years were read. */
  readonly version: number
  /** When the stamp was last found unchanged (ms, process clock). */
  checkedAt: number
}

/**
 * The calendar in effect, its engine port and the stamp of the stored years it was built from (what a fingerprint
 * of the calendar should name, rather than a stamp read apart), built once and kept in this process (工作日历缓存):
 * a request no longer reads and rebuilds every stored year. Rebuilt after a write in this process (at once) or in
 * another one (seen within `recheckMs` by comparing stamps). Without a DbMemo it reads fresh.
 */
export async function cachedCalendar(q: Queryable, recheckMs: number = CALENDAR_RECHECK_MS): Promise<{ calendar: Calendar; working: WorkingCalendar; stamp: string }> {
  const memo = q.memo
  if (!memo) {
    const { years, stamp } = await listCalendarYearsStamped(q)
    const calendar = buildCalendar(mergeCalendarYears(OFFICIAL_CALENDAR_YEARS, years.map((s) => s.data)))
    return { calendar, working: workingCalendarOf(calendar), stamp }
  }
  const slot = memo.slot<{ current: CachedCalendar | null }>('calendar', () => ({ current: null }))
  const version = memo.version('calendar')
  const now = performance.now()
  const have = slot.current
  if (have && have.version === version) {
    if (now - have.checkedAt < recheckMs) return have
    if ((await calendarYearsStamp(q)) === have.stamp) {
      have.checkedAt = now
      return have
    }
  }
  const { years, stamp } = await listCalendarYearsStamped(q)
  const calendar = buildCalendar(mergeCalendarYears(OFFICIAL_CALENDAR_YEARS, years.map((s) => s.data)))
  const built: CachedCalendar = { calendar, working: workingCalendarOf(calendar), stamp, version, checkedAt: now }
  // A write announced while these years were read may not be in them: keep the result only if none was.
  if (memo.version('calendar') === version) slot.current = built
  return built
}

/**
 * The engine's calendar port over a Calendar. The engine reads `addWorkingDays(d, 0)` as "d if it is a
 * working day, else the next one"; the calendar returns d itself, so 0 is translated here.
 * Working hours count office periods of working days (09:00–12:00, 13:30–17:30 by default), so a ticket's
 * "2 个工作小时" limit runs through lunch, nights, weekends and holidays as the statutory calendar says.
 */
export function workingCalendarOf(cal: Calendar): WorkingCalendar {
  return {
    isWorkingDay: (d) => cal.isWorkingDay(d),
    addWorkingDays: (d, n) => (n === 0 ? (cal.isWorkingDay(d) ? d : cal.nextWorkingDay(d)) : cal.addWorkingDays(d, n)),
    addWorkingHours: (instant, h) => addWorkingHours(cal, instant, h),
  }
}

/** What a date is under the calendar in effect (工作日查询), and the next working day after it. */
export async function checkCalendarDate(deps: { db: Queryable }, date: string): Promise<DayInfo & { nextWorkingDay: string }> {
  const cal = await loadCalendar(deps.db)
  return { ...cal.dayInfo(date), nextWorkingDay: cal.nextWorkingDay(date) }
}
