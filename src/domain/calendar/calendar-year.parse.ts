/**
 * One year of the statutory calendar as data (法定节假日与调休安排), in the shape an admin API or CLI
 * accepts, and its validator. Issues name the field path, the value and the reason, so a form can
 * point at the exact date that is wrong.
 */
import { DubanError } from '../errors.ts'
import { parseIsoDate, weekday, type IsoDate } from './calendar-date.value.ts'

/** A named holiday (节假日) and every date off in it, e.g. 春节 2024-02-10 … 2024-02-17. */
export interface CalendarHoliday {
  readonly name: string
  readonly dates: readonly IsoDate[]
}

/** One year of the calendar: holidays, adjusted working days (调休上班日) and the notice it comes from. */
export interface CalendarYear {
  readonly year: number
  readonly holidays: readonly CalendarHoliday[]
  /** Saturdays and Sundays made working days (调休). */
  readonly adjustedWorkdays: readonly IsoDate[]
  /** The notice, e.g. `国办发明电〔2023〕7号`. */
  readonly source: string
  /** Free remarks: dates outside the year, later amendments. */
  readonly note?: string
}

/** Why a field is wrong; stable, so a UI can translate it. */
export type CalendarIssueReason =
  | 'required'
  | 'type'
  | 'unknown-field'
  | 'year-range'
  | 'malformed-date'
  | 'outside-year'
  | 'duplicate'
  | 'holiday-and-workday'
  | 'not-weekend'
  | 'empty'

/** One problem in a calendar year: which field (`holidays[1].dates[2]`), its value, why. */
export interface CalendarIssue {
  readonly path: string
  readonly reason: CalendarIssueReason
  readonly value: unknown
  readonly message: string
}

/** Either a valid CalendarYear or the list of everything wrong with the input. */
export type CalendarYearValidation =
  | { readonly ok: true; readonly value: CalendarYear }
  | { readonly ok: false; readonly issues: readonly CalendarIssue[] }

/** Years the validator accepts; far enough either way for any archive or plan. */
export const CALENDAR_YEAR_MIN = 1949
export const CALENDAR_YEAR_MAX = 2200

const YEAR_KEYS = new Set(['year', 'holidays', 'adjustedWorkdays', 'source', 'note'])
const HOLIDAY_KEYS = new Set(['name', 'dates'])

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Check untrusted input (JSON from an admin) and collect every issue rather than stopping at the first. */
export function validateCalendarYear(input: unknown): CalendarYearValidation {
  const issues: CalendarIssue[] = []
  const issue = (path: string, reason: CalendarIssueReason, value: unknown, message: string): void => {
    issues.push({ path, reason, value, message })
  }
  if (!isRecord(input)) {
    issue('', 'type', input, 'a calendar year must be an object { year, holidays, adjustedWorkdays, source }')
    return { ok: false, issues }
  }
  for (const key of Object.keys(input)) {
    if (!YEAR_KEYS.has(key)) issue(key, 'unknown-field', input[key], `unknown field '${key}'`)
  }

  const year = input.year
  const yearOk = typeof year === 'number' && Number.isInteger(year) && year >= CALENDAR_YEAR_MIN && year <= CALENDAR_YEAR_MAX
  if (year === undefined) issue('year', 'required', year, 'year is required')
  else if (typeof year !== 'number' || !Number.isInteger(year)) issue('year', 'type', year, 'year must be an integer')
  else if (!yearOk) issue('year', 'year-range', year, `year must be ${CALENDAR_YEAR_MIN}–${CALENDAR_YEAR_MAX}`)

  if (input.source === undefined) issue('source', 'required', undefined, 'source is required (the notice number)')
  else if (typeof input.source !== 'string') issue('source', 'type', input.source, 'source must be a string')
  else if (input.source.trim() === '') issue('source', 'empty', input.source, 'source must not be empty')
  if (input.note !== undefined && typeof input.note !== 'string') issue('note', 'type', input.note, 'note must be a string')

  /** Checks one date field; returns it when usable for the cross-field checks. */
  const checkDate = (path: string, value: unknown): IsoDate | null => {
    if (typeof value !== 'string') {
      issue(path, 'type', value, `${path} must be a date string YYYY-MM-DD`)
      return null
    }
    const p = parseIsoDate(value)
    if (!p) {
      issue(path, 'malformed-date', value, `'${value}' is not a real date in the form YYYY-MM-DD`)
      return null
    }
    if (yearOk && p.year !== year) {
      issue(path, 'outside-year', value, `${value} is outside the year ${String(year)}`)
      return null
    }
    return value
  }

  const holidayDates = new Map<IsoDate, string>()
  const holidays: CalendarHoliday[] = []
  if (input.holidays === undefined) issue('holidays', 'required', undefined, 'holidays is required (may be [])')
  else if (!Array.isArray(input.holidays)) issue('holidays', 'type', input.holidays, 'holidays must be an array')
  else {
    input.holidays.forEach((h: unknown, i: number) => {
      const at = `holidays[${i}]`
      if (!isRecord(h)) {
        issue(at, 'type', h, `${at} must be an object { name, dates }`)
        return
      }
      for (const key of Object.keys(h)) {
        if (!HOLIDAY_KEYS.has(key)) issue(`${at}.${key}`, 'unknown-field', h[key], `unknown field '${key}'`)
      }
      if (h.name === undefined) issue(`${at}.name`, 'required', undefined, 'name is required')
      else if (typeof h.name !== 'string') issue(`${at}.name`, 'type', h.name, 'name must be a string')
      else if (h.name.trim() === '') issue(`${at}.name`, 'empty', h.name, 'name must not be empty')
      const name = typeof h.name === 'string' ? h.name : ''
      if (h.dates === undefined) issue(`${at}.dates`, 'required', undefined, 'dates is required')
      else if (!Array.isArray(h.dates)) issue(`${at}.dates`, 'type', h.dates, 'dates must be an array')
      else if (h.dates.length === 0) issue(`${at}.dates`, 'empty', h.dates, 'a holiday needs at least one date')
      else {
        const dates: IsoDate[] = []
        h.dates.forEach((d: unknown, j: number) => {
          const path = `${at}.dates[${j}]`
          const date = checkDate(path, d)
          if (date === null) return
          const other = holidayDates.get(date)
          if (other !== undefined) issue(path, 'duplicate', date, `${date} is already listed under ${other}`)
          else holidayDates.set(date, `${at} ${name}`.trim())
          dates.push(date)
        })
        holidays.push({ name, dates })
      }
    })
  }

  const adjustedWorkdays: IsoDate[] = []
  if (input.adjustedWorkdays === undefined) {
    issue('adjustedWorkdays', 'required', undefined, 'adjustedWorkdays is required (may be [])')
  } else if (!Array.isArray(input.adjustedWorkdays)) {
    issue('adjustedWorkdays', 'type', input.adjustedWorkdays, 'adjustedWorkdays must be an array')
  } else {
    const seen = new Set<IsoDate>()
    input.adjustedWorkdays.forEach((d: unknown, j: number) => {
      const path = `adjustedWorkdays[${j}]`
      const date = checkDate(path, d)
      if (date === null) return
      const holiday = holidayDates.get(date)
      if (seen.has(date)) issue(path, 'duplicate', date, `${date} is listed twice`)
      else if (holiday !== undefined) issue(path, 'holiday-and-workday', date, `${date} is both a working day and a holiday (${holiday})`)
      else if (weekday(date) !== 0 && weekday(date) !== 6) {
        issue(path, 'not-weekend', date, `${date} is a weekday; only a Saturday or Sunday can be made a working day`)
      }
      seen.add(date)
      adjustedWorkdays.push(date)
    })
  }

  if (issues.length > 0) return { ok: false, issues }
  const value: CalendarYear = {
    year: year as number,
    holidays,
    adjustedWorkdays,
    source: input.source as string,
    ...(typeof input.note === 'string' ? { note: input.note } : {}),
  }
  return { ok: true, value }
}

/** Parse untrusted input into a CalendarYear; throws DUBAN_ERR_CALENDAR_INVALID listing every issue. */
export function parseCalendarYear(input: unknown): CalendarYear {
  const result = validateCalendarYear(input)
  if (!result.ok) throw calendarInvalid(result.issues)
  return result.value
}

/** The error for a list of issues: `where` is the first field, `details.issues` has them all. */
export function calendarInvalid(issues: readonly CalendarIssue[]): DubanError {
  const first = issues[0]
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')
  return new DubanError('DUBAN_ERR_CALENDAR_INVALID', summary, {
    ...(first ? { where: first.path || '(root)' } : {}),
    details: { issues },
  })
}
