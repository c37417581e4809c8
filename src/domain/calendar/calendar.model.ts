/**
 * The working-day calendar (工作日历): weekends, statutory holidays and 调休 working days, built from
 * CalendarYear data. A year without data falls back to "Monday–Friday work plus the holidays the law
 * fixes on solar dates (元旦, 劳动节, 国庆节)" and is reported as not covered, so a UI can warn that a due
 * date may move once the State Council publishes that year.
 */
import { DubanError } from '../errors.ts'
import { fromDayNumber, toDayNumber, type IsoDate } from './calendar-date.value.ts'
import { calendarInvalid, validateCalendarYear, type CalendarIssue, type CalendarYear } from './calendar-year.parse.ts'
import { OFFICIAL_CALENDAR_YEARS } from './china-holidays.data.ts'
import { statutorySolarHolidays } from './statutory-holidays.rules.ts'

/** What a day is: a plain workday, a weekend, a holiday (节假日) or a weekend made a working day (调休上班). */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjusted-workday'

/** Everything the calendar knows about one date. */
export interface DayInfo {
  readonly date: IsoDate
  readonly kind: DayKind
  readonly working: boolean
  /** The holiday's name (春节 …) when kind is 'holiday', else null. */
  readonly holiday: string | null
  /** False when the year has no data and only weekends were applied. */
  readonly covered: boolean
}

/** Whether a span of dates lies in years the calendar has data for. */
export interface Coverage {
  readonly covered: boolean
  readonly missingYears: readonly number[]
}

/** A working-day calendar (工作日历): query days and count working days (工作日). */
export interface Calendar {
  /** Years with holiday data, ascending. */
  readonly years: readonly number[]
  /** The year data it was built from, ascending by year. */
  readonly data: readonly CalendarYear[]
  covers(year: number): boolean
  /** Coverage of every year from `from` to `to` (either order). */
  coverage(from: IsoDate, to: IsoDate): Coverage
  dayInfo(date: IsoDate): DayInfo
  isWorkingDay(date: IsoDate): boolean
  /**
   * isWorkingDay for a day number (days since 1970-01-01, calendar-date.value.ts toDayNumber), with no date string
   * read or written: what the working-hours rules ask once per day they walk.
   */
  isWorkingDayNumber(dayNumber: number): boolean
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: IsoDate): IsoDate
  /** The last working day strictly before `date`. */
  previousWorkingDay(date: IsoDate): IsoDate
  /**
   * The date n working days after `date`, counting from the next working day (12345 rule: dispatched
   * Friday with 3 working days → due Wednesday). n = 0 returns `date` itself.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate
  /** Working days d with a < d ≤ b (negative when b < a); inverse of addWorkingDays. */
  workingDaysBetween(a: IsoDate, b: IsoDate): number
}

/** Days per block of the calendar's working-day index (buildCalendar). */
const BLOCK_DAYS = 256

/** Build a calendar from year data; re-validates each year and rejects a year given twice. */
export function buildCalendar(years: readonly CalendarYear[]): Calendar {
  const issues: CalendarIssue[] = []
  const seenYears = new Map<number, number>()
  years.forEach((y, i) => {
    const v = validateCalendarYear(y)
    if (!v.ok) {
      for (const it of v.issues) issues.push({ ...it, path: `years[${i}]${it.path ? '.' + it.path : ''}` })
      return
    }
    const prev = seenYears.get(y.year)
    if (prev !== undefined) {
      issues.push({ path: `years[${i}].year`, reason: 'duplicate', value: y.year, message: `year ${y.year} is also years[${prev}]` })
    }
    seenYears.set(y.year, i)
  })
  if (issues.length > 0) throw calendarInvalid(issues)

  const data = [...years].sort((a, b) => a.year - b.year)
  const holidayOf = new Map<number, string>()
  const adjusted = new Set<number>()
  for (const y of data) {
    for (const h of y.holidays) for (const d of h.dates) holidayOf.set(toDayNumber(d), h.name)
    for (const d of y.adjustedWorkdays) adjusted.add(toDayNumber(d))
  }
  const covered = new Set(data.map((y) => y.year))

  const yearOfDay = (n: number): number => Number(fromDayNumber(n).slice(0, 4))
  // A year with no notice still has the statute's solar-date holidays (unverified: covered stays false).
  const statutoryHoliday = (n: number): string | null => {
    const date = fromDayNumber(n)
    const year = Number(date.slice(0, 4))
    return covered.has(year) ? null : (statutorySolarHolidays(year).get(date.slice(5)) ?? null)
  }
  const computeWorkingDayNumber = (n: number): boolean => {
    if (adjusted.has(n)) return true
    if (holidayOf.has(n) || statutoryHoliday(n) !== null) return false
    const w = (((n + 4) % 7) + 7) % 7
    return w !== 0 && w !== 6
  }
  // The answer by day number, computed once per block of BLOCK_DAYS days on first use: a due date walks day by day,
  // and each day computed afresh cost a date string (statutoryHoliday) and two set lookups (a ticket's clocks
  // spent most of their time here). 1 = working, 2 = not; blocks only for the days asked about, so any date works.
  const blocks = new Map<number, Uint8Array>()
  const isWorkingDayNumber = (n: number): boolean => {
    if (!Number.isInteger(n)) return computeWorkingDayNumber(n)
    const b = Math.floor(n / BLOCK_DAYS)
    let block = blocks.get(b)
    if (block === undefined) {
      block = new Uint8Array(BLOCK_DAYS)
      for (let i = 0; i < BLOCK_DAYS; i++) block[i] = computeWorkingDayNumber(b * BLOCK_DAYS + i) ? 1 : 2
      blocks.set(b, block)
    }
    return block[n - b * BLOCK_DAYS] === 1
  }
  const checkCount = (n: number): void => {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new DubanError('DUBAN_ERR_CALENDAR_RANGE', `working days must be a whole number ≥ 0, got ${n}`, { where: 'n' })
    }
  }

  const calendar: Calendar = {
    years: data.map((y) => y.year),
    data,
    covers: (year) => covered.has(year),
    coverage(from, to) {
      const a = Number(fromDayNumber(toDayNumber(from)).slice(0, 4))
      const b = Number(fromDayNumber(toDayNumber(to)).slice(0, 4))
      const missingYears: number[] = []
      for (let y = Math.min(a, b); y <= Math.max(a, b); y++) if (!covered.has(y)) missingYears.push(y)
      return { covered: missingYears.length === 0, missingYears }
    },
    dayInfo(date) {
      const n = toDayNumber(date)
      const isCovered = covered.has(yearOfDay(n))
      const holiday = holidayOf.get(n) ?? statutoryHoliday(n)
      const w = (((n + 4) % 7) + 7) % 7
      const weekend = w === 0 || w === 6
      const kind: DayKind = adjusted.has(n) ? 'adjusted-workday' : holiday !== null ? 'holiday' : weekend ? 'weekend' : 'workday'
      return { date: fromDayNumber(n), kind, working: isWorkingDayNumber(n), holiday, covered: isCovered }
    },
    isWorkingDay: (date) => isWorkingDayNumber(toDayNumber(date)),
    isWorkingDayNumber: (n) => isWorkingDayNumber(n),
    nextWorkingDay(date) {
      let n = toDayNumber(date) + 1
      while (!isWorkingDayNumber(n)) n++
      return fromDayNumber(n)
    },
    previousWorkingDay(date) {
      let n = toDayNumber(date) - 1
      while (!isWorkingDayNumber(n)) n--
      return fromDayNumber(n)
    },
    addWorkingDays(date, count) {
      checkCount(count)
      let n = toDayNumber(date)
      for (let left = count; left > 0; ) {
        n++
        if (isWorkingDayNumber(n)) left--
      }
      return fromDayNumber(n)
    },
    workingDaysBetween(a, b) {
      const na = toDayNumber(a)
      const nb = toDayNumber(b)
      const [lo, hi, sign] = na <= nb ? [na, nb, 1] : [nb, na, -1]
      let count = 0
      for (let n = lo + 1; n <= hi; n++) if (isWorkingDayNumber(n)) count++
      return sign * count
    },
  }
  return Object.freeze(calendar)
}

/**
 * Official years with an admin's years laid over them: an admin year replaces the official year of the
 * same number (a correction) or adds a new one (next year's notice before a release ships it).
 */
export function mergeCalendarYears(base: readonly CalendarYear[], overrides: readonly CalendarYear[]): CalendarYear[] {
  const byYear = new Map<number, CalendarYear>()
  for (const y of base) byYear.set(y.year, y)
  for (const y of overrides) byYear.set(y.year, y)
  return [...byYear.values()].sort((a, b) => a.year - b.year)
}

/** The calendar of the official notices 2020–2026 (国务院办公厅节假日安排). */
export const officialCalendar: Calendar = buildCalendar(OFFICIAL_CALENDAR_YEARS)
