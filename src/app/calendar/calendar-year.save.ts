/** Admin use-cases on calendar years (工作日历): show one year, store a validated year. */
import { getCalendarYear, upsertCalendarYear } from '../../persistence/calendar.repo.ts'
import { OFFICIAL_CALENDAR_YEARS } from '../../domain/calendar/china-holidays.data.ts'
import { CALENDAR_YEAR_MAX, CALENDAR_YEAR_MIN, calendarInvalid, parseCalendarYear, type CalendarYear } from '../../domain/calendar/calendar-year.parse.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { recordAudit } from '../supervision/audit.port.ts'

/** Where a year's data comes from: an admin's table row, the built-in notices, or nowhere (weekends and the statute’s solar-date holidays). */
export type CalendarYearOrigin = 'admin' | 'official' | 'none'

/** A year as shown to an admin. */
export interface CalendarYearView {
  readonly year: number
  readonly origin: CalendarYearOrigin
  readonly data: CalendarYear | null
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX) {
    throw new DubanError('DUBAN_ERR_CALENDAR_RANGE', `year must be ${CALENDAR_YEAR_MIN}–${CALENDAR_YEAR_MAX}`, { where: 'year' })
  }
}

/** The year in effect: the admin's, else the official one, else none. */
export async function showCalendarYear(deps: AppDeps, year: number): Promise<CalendarYearView> {
  checkYear(year)
  const stored = await getCalendarYear(deps.db, year)
  if (stored) return { year, origin: 'admin', data: stored.data }
  const official = OFFICIAL_CALENDAR_YEARS.find((y) => y.year === year)
  return official ? { year, origin: 'official', data: official } : { year, origin: 'none', data: null }
}

/**
 * Validates and stores a year (整年替换). `year` from the path must match the body's year when given.
 * Every field problem is reported at once (DUBAN_ERR_CALENDAR_INVALID, details.issues); nothing is written on error.
 */
export async function saveCalendarYear(deps: AppDeps, actor: Actor, input: unknown, pathYear?: number): Promise<CalendarYearView> {
  const value = parseCalendarYear(input)
  if (pathYear !== undefined && value.year !== pathYear) {
    throw calendarInvalid([{ path: 'year', reason: 'type', value: value.year, message: `body year ${value.year} differs from the path year ${pathYear}` }])
  }
  await deps.db.transaction(async (tx) => {
    const before = await upsertCalendarYear(tx, value, actor.userId, deps.clock.now())
    await recordAudit(tx, deps, actor, { action: 'calendar.year.save', entity: 'calendar_year', entityId: String(value.year), before, after: value })
  })
  return { year: value.year, origin: 'admin', data: value }
}
