/**
 * Instants (时刻) in China time. China keeps UTC+8 all year with no daylight saving, so an instant is
 * turned into a local date and time with a fixed offset, never with the machine's timezone.
 */
import { DubanError } from '../errors.ts'
import { fromDayNumber, parseIsoDate, toDayNumber, type IsoDate } from './calendar-date.value.ts'

/**
 * An instant: epoch milliseconds, or an ISO 8601 string. A string without an offset (`2025-10-09T09:00`,
 * or a bare `2025-10-09` meaning midnight) is read as China time, because that is what users type.
 */
export type Instant = number | string

/** The China offset, +08:00, in milliseconds. */
export const CHINA_OFFSET_MS = 8 * 3_600_000
const MS_PER_DAY = 86_400_000

const INSTANT_RE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

function badInstant(value: unknown): DubanError {
  return new DubanError('DUBAN_ERR_CALENDAR_DATE', `'${String(value)}' is not an instant`, { where: String(value) })
}

/** Epoch milliseconds of an instant; throws DUBAN_ERR_CALENDAR_DATE when malformed. */
export function toEpochMs(instant: Instant): number {
  if (typeof instant === 'number') {
    if (!Number.isFinite(instant)) throw badInstant(instant)
    return instant
  }
  const m = typeof instant === 'string' ? INSTANT_RE.exec(instant) : null
  if (!m || !parseIsoDate(m[1]!)) throw badInstant(instant)
  const hour = Number(m[2] ?? 0)
  const minute = Number(m[3] ?? 0)
  const second = Number(m[4] ?? 0)
  const ms = Number((m[5] ?? '0').padEnd(3, '0').slice(0, 3))
  if (hour > 23 || minute > 59 || second > 59) throw badInstant(instant)
  let offsetMs = CHINA_OFFSET_MS
  const zone = m[6]
  if (zone === 'Z') offsetMs = 0
  else if (zone) {
    const digits = zone.replace(':', '')
    const sign = digits.startsWith('-') ? -1 : 1
    offsetMs = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000
  }
  const local = toDayNumber(m[1]!) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms
  return local - offsetMs
}

/** The China date (`YYYY-MM-DD`) of an instant. */
export function chinaDateOf(instant: Instant): IsoDate {
  return fromDayNumber(Math.floor((toEpochMs(instant) + CHINA_OFFSET_MS) / MS_PER_DAY))
}

/** Epoch milliseconds of a China date at a number of minutes after midnight. */
export function chinaInstantMs(date: IsoDate, minuteOfDay = 0): number {
  return toDayNumber(date) * MS_PER_DAY + minuteOfDay * 60_000 - CHINA_OFFSET_MS
}

/** An instant written in China time, `2025-10-09T17:30:00+08:00` (milliseconds only when not zero). */
export function formatChinaInstant(instant: Instant): string {
  const local = new Date(toEpochMs(instant) + CHINA_OFFSET_MS).toISOString()
  const body = local.endsWith('.000Z') ? local.slice(0, 19) : local.slice(0, 23)
  return `${body}+08:00`
}

/** The end of a China day, 23:59:59.999 +08:00: when "due on date D" runs out. */
export function endOfChinaDay(date: IsoDate): string {
  return formatChinaInstant(chinaInstantMs(date, 24 * 60) - 1)
}

/** Minutes after midnight of `HH:mm` (00:00–24:00), or null when malformed. */
export function parseClock(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const m = /^(\d{2}):(\d{2})$/.exec(value)
  if (!m) return null
  const h = Number(m[1])
  const min = Number(m[2])
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null
  return h * 60 + min
}
