/**
 * Dates and instants for clocks (时间换算). Dates are `YYYY-MM-DD` in China Standard Time; instants are
 * ISO strings with an offset. China has one time zone and no daylight saving, so a fixed +08:00 is exact.
 * Date.parse only reads strings here; the engine never asks for the current time.
 */

/** The fixed offset of China Standard Time (北京时间). */
export const CHINA_OFFSET = '+08:00'
const OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

/** True when `s` is a real calendar date written `YYYY-MM-DD` (日期). */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const t = Date.parse(`${s}T00:00:00Z`)
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s
}

/** True when `s` is an ISO instant with a time and offset (时刻), e.g. `2025-03-01T09:00:00+08:00`. */
export function isInstant(s: unknown): s is string {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && /(Z|[+-]\d{2}:\d{2})$/.test(s) && Number.isFinite(Date.parse(s))
}

/** Milliseconds since the epoch of an instant, for comparison. */
export function instantMs(instant: string): number {
  return Date.parse(instant)
}

/** The China-local date (本地日期) an instant falls on. */
export function localDate(instant: string): string {
  return new Date(Date.parse(instant) + OFFSET_MS).toISOString().slice(0, 10)
}

/** The last second of a China-local date (当日截止): a due date means "by the end of that day". */
export function endOfDay(date: string): string {
  return `${date}T23:59:59${CHINA_OFFSET}`
}

/** The date `n` calendar days (自然日) after `date`; `n` may be negative. */
export function addCalendarDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/** A due value that is a date or an instant, as an instant (dates mean end of day). */
export function dueInstant(value: unknown): string | null {
  if (isIsoDate(value)) return endOfDay(value)
  if (isInstant(value)) return value
  return null
}
