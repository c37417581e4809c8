/**
 * Time limits in working hours (工作时间, e.g. a ticket kind "2 个工作小时内签收"): office periods on
 * working days only, so nights, lunch breaks, weekends and holidays do not count and 调休 days do.
 */
import { DubanError } from '../errors.ts'
import { fromDayNumber, toDayNumber } from './calendar-date.value.ts'
import type { Calendar } from './calendar.model.ts'
import { CHINA_OFFSET_MS, formatChinaInstant, parseClock, toEpochMs, type Instant } from './china-time.value.ts'

/** Office hours (办公时间) of a working day as `HH:mm` periods, ascending and not overlapping. */
export interface OfficeHours {
  readonly periods: readonly { readonly start: string; readonly end: string }[]
}

/** The usual government office hours: 09:00–12:00 and 13:30–17:30. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = {
  periods: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
}

const MS_PER_HOUR = 3_600_000
const MS_PER_MINUTE = 60_000
const MS_PER_DAY = 86_400_000

/** Validate office hours from configuration; throws DUBAN_ERR_CALENDAR_INVALID naming the period field. */
export function parseOfficeHours(input: unknown): OfficeHours {
  toMinutePeriods(input)
  return input as OfficeHours
}

/**
 * The periods of office hours in minutes, validated once per OfficeHours object (they are read-only
 * configuration; the default is one object): a working-hours question no longer re-reads `HH:mm` each time.
 */
const minutePeriodsCache = new WeakMap<object, readonly { readonly start: number; readonly end: number }[]>()
function minutePeriodsOf(input: OfficeHours): readonly { readonly start: number; readonly end: number }[] {
  if (typeof input !== 'object' || input === null) return toMinutePeriods(input)
  let periods = minutePeriodsCache.get(input)
  if (periods === undefined) {
    periods = toMinutePeriods(input)
    minutePeriodsCache.set(input, periods)
  }
  return periods
}

function toMinutePeriods(input: unknown): { start: number; end: number }[] {
  const fail = (where: string, why: string): never => {
    throw new DubanError('DUBAN_ERR_CALENDAR_INVALID', `${where}: ${why}`, { where })
  }
  const periods = (input as { periods?: unknown } | null)?.periods
  if (!Array.isArray(periods) || periods.length === 0) return fail('periods', 'office hours need at least one period')
  let previousEnd = -1
  return periods.map((p: unknown, i: number) => {
    const start = parseClock((p as { start?: unknown } | null)?.start)
    const end = parseClock((p as { end?: unknown } | null)?.end)
    if (start === null) return fail(`periods[${i}].start`, 'must be HH:mm')
    if (end === null) return fail(`periods[${i}].end`, 'must be HH:mm')
    if (end <= start) return fail(`periods[${i}].end`, 'must be after start')
    if (start < previousEnd) return fail(`periods[${i}].start`, 'overlaps the previous period')
    previousEnd = end
    return { start, end }
  })
}

/** The China day number (days since 1970-01-01) of epoch milliseconds. */
function chinaDayNumberOf(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / MS_PER_DAY)
}

/**
 * Day numbers whose date has a four-digit year (0000-01-01 … 9999-12-31): only these make a `YYYY-MM-DD` date.
 * The walks below go by day number; outside this range they do what the date strings did (dayStringCheck).
 */
const FIRST_DAY = toDayNumber('0000-01-01')
const LAST_DAY = toDayNumber('9999-12-31')

/** For a day number outside FIRST_DAY … LAST_DAY: throws what reading its date as `YYYY-MM-DD` throws. */
function dayStringCheck(n: number): void {
  if (n < FIRST_DAY || n > LAST_DAY) toDayNumber(fromDayNumber(n))
}

/**
 * The instant `hours` working hours after `start`, as `…+08:00`. Time before office hours starts
 * counting at the first period; a limit that runs out exactly at a period's end stays there (17:30,
 * not next morning). 0 hours returns `start` unchanged.
 */
export function addWorkingHours(calendar: Calendar, start: Instant, hours: number, officeHours: OfficeHours = DEFAULT_OFFICE_HOURS): string {
  const periods = minutePeriodsOf(officeHours)
  if (!Number.isFinite(hours) || hours < 0) {
    throw new DubanError('DUBAN_ERR_CALENDAR_RANGE', `working hours must be ≥ 0, got ${hours}`, { where: 'hours' })
  }
  let ms = toEpochMs(start)
  let remaining = Math.round(hours * MS_PER_HOUR)
  if (remaining === 0) return formatChinaInstant(ms)
  // Day by day number: midnight (China) of day n is n × MS_PER_DAY − CHINA_OFFSET_MS, as chinaInstantMs computes it.
  for (let n = chinaDayNumberOf(ms); ; n++) {
    dayStringCheck(n)
    if (!calendar.isWorkingDayNumber(n)) continue
    const midnight = n * MS_PER_DAY - CHINA_OFFSET_MS
    for (const p of periods) {
      const periodEnd = midnight + p.end * MS_PER_MINUTE
      if (ms >= periodEnd) continue
      const from = Math.max(ms, midnight + p.start * MS_PER_MINUTE)
      if (remaining <= periodEnd - from) return formatChinaInstant(from + remaining)
      remaining -= periodEnd - from
      ms = periodEnd
    }
  }
}

/** Working hours between two instants (negative when b is before a); inverse of addWorkingHours. */
export function workingHoursBetween(calendar: Calendar, a: Instant, b: Instant, officeHours: OfficeHours = DEFAULT_OFFICE_HOURS): number {
  const periods = minutePeriodsOf(officeHours)
  const ma = toEpochMs(a)
  const mb = toEpochMs(b)
  const [lo, hi, sign] = ma <= mb ? [ma, mb, 1] : [mb, ma, -1]
  let total = 0
  const first = chinaDayNumberOf(lo)
  const last = chinaDayNumberOf(hi)
  if (first < FIRST_DAY || last >= LAST_DAY) {
    // What the walk by date strings threw, in its order: the last date, the first, reading each back, and the
    // day after the last (the walk's final step read it).
    const lastDate = fromDayNumber(last)
    toDayNumber(fromDayNumber(first))
    toDayNumber(lastDate)
    toDayNumber(fromDayNumber(last + 1))
  }
  for (let n = first; n <= last; n++) {
    if (!calendar.isWorkingDayNumber(n)) continue
    const midnight = n * MS_PER_DAY - CHINA_OFFSET_MS
    for (const p of periods) {
      const from = Math.max(lo, midnight + p.start * MS_PER_MINUTE)
      const to = Math.min(hi, midnight + p.end * MS_PER_MINUTE)
      if (to > from) total += to - from
    }
  }
  return (sign * total) / MS_PER_HOUR
}
