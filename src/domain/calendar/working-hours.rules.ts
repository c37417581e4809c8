/**
 * Time limits in working hours (工作时间, e.g. a ticket kind "2 个工作小时内签收"): office periods on
 * working days only, so nights, lunch breaks, weekends and holidays do not count and 调休 days do.
 */
import { DubanError } from '../errors.ts'
import { addDays, toDayNumber, type IsoDate } from './calendar-date.value.ts'
import type { Calendar } from './calendar.model.ts'
import { chinaDateOf, chinaInstantMs, formatChinaInstant, parseClock, toEpochMs, type Instant } from './china-time.value.ts'

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

/** Validate office hours from configuration; throws DUBAN_ERR_CALENDAR_INVALID naming the period field. */
export function parseOfficeHours(input: unknown): OfficeHours {
  toMinutePeriods(input)
  return input as OfficeHours
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

/**
 * The instant `hours` working hours after `start`, as `…+08:00`. Time before office hours starts
 * counting at the first period; a limit that runs out exactly at a period's end stays there (17:30,
 * not next morning). 0 hours returns `start` unchanged.
 */
export function addWorkingHours(calendar: Calendar, start: Instant, hours: number, officeHours: OfficeHours = DEFAULT_OFFICE_HOURS): string {
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

/** Working hours between two instants (negative when b is before a); inverse of addWorkingHours. */
export function workingHoursBetween(calendar: Calendar, a: Instant, b: Instant, officeHours: OfficeHours = DEFAULT_OFFICE_HOURS): number {
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
