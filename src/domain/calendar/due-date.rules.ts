/**
 * Due-date arithmetic (完成时间 / 时限): "N 个工作日" from an instant, period ends (月底前, 年底前,
 * 上半年, 第N季度), extracted deadlines resolved against a document year, and the policy of a kind that
 * forbids due dates on non-working days.
 */
import { DubanError } from '../errors.ts'
import type { Deadline } from '../text/extraction.types.ts'
import { isoDate, lastDayOfMonth, type IsoDate } from './calendar-date.value.ts'
import type { Calendar } from './calendar.model.ts'
import { CALENDAR_YEAR_MAX, CALENDAR_YEAR_MIN } from './calendar-year.parse.ts'
import { chinaDateOf, type Instant } from './china-time.value.ts'

/** A due date (完成时间) with what the UI must know: is it in a year with data, was it moved. */
export interface DueDate {
  readonly date: IsoDate
  /** False when any year from start to due has no holiday data (weekends and the statute's solar-date holidays only: unverified). */
  readonly covered: boolean
  /** The date before a due-date policy moved it, when it did. */
  readonly shiftedFrom?: IsoDate
}

/**
 * What to do with a due date on a non-working day: keep it, or move it to the previous working day
 * (a kind that forbids due dates on holidays).
 */
export type DuePolicy = 'keep' | 'previous-working-day'

/** A period named in a plan: 月底前 (month-end), 年底前/年内 (year-end), 上半年, 下半年, 第N季度. */
export type Period =
  | { readonly kind: 'month-end'; readonly month: number }
  | { readonly kind: 'year-end' }
  | { readonly kind: 'first-half' }
  | { readonly kind: 'second-half' }
  | { readonly kind: 'quarter'; readonly quarter: 1 | 2 | 3 | 4 }

/** Where a resolved deadline's year came from. */
export type YearSource = 'deadline' | 'document' | 'default'

/** Due date of "N 个工作日" (N working days) from a start instant, in China time; covered is reported. */
export function dueInWorkingDays(calendar: Calendar, start: Instant, n: number): DueDate {
  const from = chinaDateOf(start)
  const date = calendar.addWorkingDays(from, n)
  return { date, covered: calendar.coverage(from, date).covered }
}

/** The last day of a period (期限): 月底 → last of month, 上半年 → 06-30, 第3季度 → 09-30, 年底/下半年 → 12-31. */
export function endOfPeriod(year: number, period: Period): IsoDate {
  switch (period.kind) {
    case 'month-end':
      return lastDayOfMonth(year, period.month)
    case 'year-end':
    case 'second-half':
      return isoDate(year, 12, 31)
    case 'first-half':
      return isoDate(year, 6, 30)
    case 'quarter':
      if (![1, 2, 3, 4].includes(period.quarter)) {
        throw new DubanError('DUBAN_ERR_CALENDAR_RANGE', `quarter must be 1–4, got ${String(period.quarter)}`, { where: 'quarter' })
      }
      return lastDayOfMonth(year, period.quarter * 3)
  }
}

/** Due date at the end of a period, with the due-date policy applied. */
export function dueForPeriod(calendar: Calendar, year: number, period: Period, policy: DuePolicy = 'keep'): DueDate {
  return applyDuePolicy(calendar, endOfPeriod(year, period), policy)
}

/**
 * Resolve an extracted deadline (完成时限) to a date. The year comes from the deadline, else the
 * document, else the default year; day null means the last day of the month (`8月底前` → 08-31);
 * month and day null mean the year's end (`2025年内` → 12-31). Throws DUBAN_ERR_CALENDAR_DEADLINE_UNRESOLVED
 * when no year is known or a day has no month, DUBAN_ERR_CALENDAR_DATE for 2月30日.
 */
export function resolveDeadline(
  deadline: Pick<Deadline, 'year' | 'month' | 'day'> & { readonly text?: string },
  context: { readonly documentYear?: number | null; readonly defaultYear?: number | null } = {},
): { readonly date: IsoDate; readonly yearFrom: YearSource } {
  const where = deadline.text ?? JSON.stringify({ year: deadline.year, month: deadline.month, day: deadline.day })
  const [year, yearFrom]: [number | null, YearSource] =
    deadline.year != null
      ? [deadline.year, 'deadline']
      : context.documentYear != null
        ? [context.documentYear, 'document']
        : [context.defaultYear ?? null, 'default']
  if (year === null) {
    throw new DubanError('DUBAN_ERR_CALENDAR_DEADLINE_UNRESOLVED', 'no year in the deadline, the document or the defaults', { where })
  }
  if (!Number.isInteger(year) || year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX) {
    throw new DubanError('DUBAN_ERR_CALENDAR_RANGE', `year ${year} is out of range`, { where })
  }
  if (deadline.month == null) {
    if (deadline.day != null) {
      throw new DubanError('DUBAN_ERR_CALENDAR_DEADLINE_UNRESOLVED', 'a day without a month', { where })
    }
    return { date: isoDate(year, 12, 31), yearFrom }
  }
  if (deadline.day == null) return { date: lastDayOfMonth(year, deadline.month), yearFrom }
  try {
    return { date: isoDate(year, deadline.month, deadline.day), yearFrom }
  } catch {
    throw new DubanError('DUBAN_ERR_CALENDAR_DATE', `${year}年${deadline.month}月${deadline.day}日 is not a real date`, { where })
  }
}

/** Resolve an extracted deadline and apply the due-date policy; covered and yearFrom are reported. */
export function dueForDeadline(
  calendar: Calendar,
  deadline: Pick<Deadline, 'year' | 'month' | 'day'> & { readonly text?: string },
  context: { readonly documentYear?: number | null; readonly defaultYear?: number | null } = {},
  policy: DuePolicy = 'keep',
): DueDate & { readonly yearFrom: YearSource } {
  const { date, yearFrom } = resolveDeadline(deadline, context)
  return { ...applyDuePolicy(calendar, date, policy), yearFrom }
}

/** Keep a due date, or move it to the previous working day when it falls on a non-working day. */
export function applyDuePolicy(calendar: Calendar, date: IsoDate, policy: DuePolicy): DueDate {
  if (policy === 'previous-working-day' && !calendar.isWorkingDay(date)) {
    const moved = calendar.previousWorkingDay(date)
    return { date: moved, covered: calendar.coverage(moved, date).covered, shiftedFrom: date }
  }
  return { date, covered: calendar.dayInfo(date).covered }
}

/** The answer to "may this be a due date?": fine, or why not and which working day to use instead. */
export type DueDateCheck =
  | { readonly ok: true; readonly covered: boolean }
  | {
      readonly ok: false
      readonly reason: 'holiday' | 'weekend'
      readonly holiday: string | null
      readonly suggestion: IsoDate
      readonly covered: boolean
    }

/** Check a proposed due date against the calendar; a non-working day gets the previous working day as suggestion. */
export function checkDueDate(calendar: Calendar, date: IsoDate): DueDateCheck {
  const info = calendar.dayInfo(date)
  if (info.working) return { ok: true, covered: info.covered }
  return {
    ok: false,
    reason: info.kind === 'holiday' ? 'holiday' : 'weekend',
    holiday: info.holiday,
    suggestion: calendar.previousWorkingDay(date),
    covered: info.covered,
  }
}
