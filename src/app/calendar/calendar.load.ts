/**
 * Loads the working-day calendar (工作日历) use-cases compute with: the built-in official years with
 * the admin's stored years laid over them, plus the engine's WorkingCalendar port over it.
 */
import { listCalendarYears } from '../../adapters/db/calendar.repo.ts'
import type { Queryable } from '../../adapters/db/db.ts'
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
