/**
 * The working-day calendar and working hours as they were computed before the calendar was indexed by day number
 * (per-date strings, every question answered from the holiday sets afresh): the reference that
 * calendar-by-day-number.test.ts compares the indexed calendar with, on random dates and durations.
 * Test-only; nothing in src/ imports it.
 */
import { DubanError } from '../errors.ts'
import { addDays, fromDayNumber, toDayNumber, type IsoDate } from './calendar-date.value.ts'
import type { CalendarYear } from './calendar-year.parse.ts'
import { chinaDateOf, chinaInstantMs, formatChinaInstant, parseClock, toEpochMs, type Instant } from './china-time.value.ts'
import { statutorySolarHolidays } from './statutory-holidays.rules.ts'
import type { OfficeHours } from './working-hours.rules.ts'

/** The day questions of the old buildCalendar, over the same (already validated) year data. */
export interface ReferenceCalendar {
  isWorkingDay(date: IsoDate): boolean
  nextWorkingDay(date: IsoDate): IsoDate
  previousWorkingDay(date: IsoDate): IsoDate
  addWorkingDays(date: IsoDate, n: number): IsoDate
  workingDaysBetween(a: IsoDate, b: IsoDate): number
}

export function referenceCalendar(years: readonly CalendarYear[]): ReferenceCalendar {
  const data = [...years].sort((a, b) => a.year - b.year)
  const holidayOf = new Map<number, string>()
  const adjusted = new Set<number>()
  for (const y of data) {
    for (const h of y.holidays) for (const d of h.dates) holidayOf.set(toDayNumber(d), h.name)
    for (const d of y.adjustedWorkdays) adjusted.add(toDayNumber(d))
  }
  const covered = new Set(data.map((y) => y.year))
  const statutoryHoliday = (n: number): string | null => {
    const date = fromDayNumber(n)
    const year = Number(date.slice(0, 4))
    return covered.has(year) ? null : (statutorySolarHolidays(year).get(date.slice(5)) ?? null)
  }
  const isWorkingDayNumber = (n: number): boolean => {
    if (adjusted.has(n)) return true
    if (holidayOf.has(n) || statutoryHoliday(n) !== null) return false
    const w = (((n + 4) % 7) + 7) % 7
    return w !== 0 && w !== 6
  }
  const checkCount = (n: number): void => {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new DubanError('DUBAN_ERR_CALENDAR_RANGE', `working days must be a whole number ≥ 0, got ${n}`, { where: 'n' })
    }
  }
  return {
    isWorkingDay: (date) => isWorkingDayNumber(toDayNumber(date)),
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
}

const MS_PER_HOUR = 3_600_000

function toMinutePeriods(input: OfficeHours): { start: number; end: number }[] {
  return input.periods.map((p) => ({ start: parseClock(p.start)!, end: parseClock(p.end)! }))
}

/** The old addWorkingHours: day by day as `YYYY-MM-DD` strings (office hours assumed valid). */
export function referenceAddWorkingHours(calendar: Pick<ReferenceCalendar, 'isWorkingDay'>, start: Instant, hours: number, officeHours: OfficeHours): string {
  const periods = toMinutePeriods(officeHours)
  if (!Number.isFinite(hours) || hours < 0) {
    throw new DubanError('DUBAN_ERR_CALENDAR_RANGE', `working hours must be ≥ 0, got ${hours}`, { where: 'hours' })
  }
  let ms = toEpochMs(start)
  let remaining = Math.round(hours * MS_PER_HOUR)
  if (remaining === 0) return formatChinaInstant(ms)
  for (let day = chinaDateOf(ms); ; day = addDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue
    for (const p of periods) {
      const periodEnd = chinaInstantMs(day, p.end)
      if (ms >= periodEnd) continue
      const from = Math.max(ms, chinaInstantMs(day, p.start))
      if (remaining <= periodEnd - from) return formatChinaInstant(from + remaining)
      remaining -= periodEnd - from
      ms = periodEnd
    }
  }
}

/** The old workingHoursBetween (office hours assumed valid). */
export function referenceWorkingHoursBetween(calendar: Pick<ReferenceCalendar, 'isWorkingDay'>, a: Instant, b: Instant, officeHours: OfficeHours): number {
  const periods = toMinutePeriods(officeHours)
  const ma = toEpochMs(a)
  const mb = toEpochMs(b)
  const [lo, hi, sign] = ma <= mb ? [ma, mb, 1] : [mb, ma, -1]
  let total = 0
  const last: IsoDate = chinaDateOf(hi)
  for (let day = chinaDateOf(lo); toDayNumber(day) <= toDayNumber(last); day = addDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue
    for (const p of periods) {
      const from = Math.max(lo, chinaInstantMs(day, p.start))
      const to = Math.min(hi, chinaInstantMs(day, p.end))
      if (to > from) total += to - from
    }
  }
  return (sign * total) / MS_PER_HOUR
}
