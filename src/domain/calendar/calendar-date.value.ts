/**
 * Plain calendar dates (日期) as `YYYY-MM-DD` strings. Arithmetic goes through a day number
 * (days since 1970-01-01) computed with Date.UTC, so no local timezone of the machine ever leaks in.
 */
import { DubanError } from '../errors.ts'

/** A calendar date `YYYY-MM-DD` (日期), always meant in China (UTC+8). */
export type IsoDate = string

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

/** Year, month (1–12) and day of a valid `YYYY-MM-DD`, or null when malformed or not a real date. */
export function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  const m = DATE_RE.exec(value)
  if (!m) return null
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  return { year, month, day }
}

/** True for a string that is a real `YYYY-MM-DD` date (2025-02-29 is not). */
export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && parseIsoDate(value) !== null
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month, 0)).getUTCDate()
}

/** Epoch ms of a UTC calendar day. Unlike Date.UTC, which reads the years 0–99 as 1900–1999, every year is itself. */
function utcMs(year: number, monthIndex: number, day: number): number {
  const d = new Date(0)
  d.setUTCFullYear(year, monthIndex, day)
  return d.getTime()
}

/** Days since 1970-01-01 for a date; throws DUBAN_ERR_CALENDAR_DATE when malformed. */
export function toDayNumber(date: IsoDate): number {
  const p = typeof date === 'string' ? parseIsoDate(date) : null
  if (!p) throw new DubanError('DUBAN_ERR_CALENDAR_DATE', `'${String(date)}' is not a YYYY-MM-DD date`, { where: String(date) })
  return utcMs(p.year, p.month - 1, p.day) / MS_PER_DAY
}

/** The date of a day number. */
export function fromDayNumber(dayNumber: number): IsoDate {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10)
}

/** Build `YYYY-MM-DD` from parts (month 1–12); throws when it is not a real date. */
export function isoDate(year: number, month: number, day: number): IsoDate {
  const s = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  if (!Number.isInteger(year) || !parseIsoDate(s)) {
    throw new DubanError('DUBAN_ERR_CALENDAR_DATE', `${year}-${month}-${day} is not a real date`, { where: s })
  }
  return s
}

/** The date n days later (n may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + n)
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((toDayNumber(date) + 4) % 7) + 7) % 7
}

/** True on Saturday and Sunday (周末). */
export function isWeekend(date: IsoDate): boolean {
  const w = weekday(date)
  return w === 0 || w === 6
}

/** The year of a date. */
export function yearOf(date: IsoDate): number {
  toDayNumber(date)
  return Number(date.slice(0, 4))
}

/** The last day of a month (月底), `YYYY-MM-DD`. */
export function lastDayOfMonth(year: number, month: number): IsoDate {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new DubanError('DUBAN_ERR_CALENDAR_DATE', `month ${month} is not 1–12`, { where: `${year}-${month}` })
  }
  return isoDate(year, month, daysInMonth(year, month))
}
