import { describe, expect, it } from 'vitest'
import { officialCalendar as cal } from './calendar.model.ts'
import { endOfChinaDay } from './china-time.value.ts'
import {
  applyDuePolicy,
  checkDueDate,
  dueForDeadline,
  dueForPeriod,
  dueInWorkingDays,
  endOfPeriod,
  resolveDeadline,
  type Period,
} from './due-date.rules.ts'

describe('dueInWorkingDays (N 个工作日)', () => {
  it.each<[string, number, string, string]>([
    ['2025-03-07T16:00:00+08:00', 3, '2025-03-12', 'a Friday ticket with 3 working days is due Wednesday'],
    ['2025-09-30T10:00:00+08:00', 1, '2025-10-09', 'moves past National Day 2025'],
    // 23:30 UTC on 30 September is already 07:30 on 1 October in China.
    ['2025-09-30T23:30:00Z', 1, '2025-10-09', 'reads the start in China time, not UTC'],
    ['2025-09-29T15:59:59Z', 1, '2025-09-30', 'one second before China midnight is still the 29th'],
    ['2026-02-28T10:00', 1, '2026-03-02', 'a ticket created on the 调休 Saturday 2026-02-28'],
    ['2026-02-13T09:00+08:00', 2, '2026-02-24', 'moves past Spring Festival 2026'],
  ])('%s + %i → %s: %s', (start, n, due) => {
    expect(dueInWorkingDays(cal, start, n)).toEqual({ date: due, covered: true })
  })

  it('takes epoch milliseconds', () => {
    expect(dueInWorkingDays(cal, Date.UTC(2025, 8, 30, 2), 1).date).toBe('2025-10-09')
  })

  it('reports covered: false when the due date runs into a year without data (元旦 2027-01-01 off by statute)', () => {
    expect(dueInWorkingDays(cal, '2026-12-30', 3)).toEqual({ date: '2027-01-05', covered: false })
  })

  it('ends a due date at 23:59:59.999 China time', () => {
    expect(endOfChinaDay('2025-10-09')).toBe('2025-10-09T23:59:59.999+08:00')
  })
})

describe('endOfPeriod (月底前, 年底前, 上半年, 下半年, 第N季度)', () => {
  it.each<[Period, number, string]>([
    [{ kind: 'month-end', month: 2 }, 2024, '2024-02-29'],
    [{ kind: 'month-end', month: 2 }, 2025, '2025-02-28'],
    [{ kind: 'month-end', month: 8 }, 2025, '2025-08-31'],
    [{ kind: 'year-end' }, 2025, '2025-12-31'],
    [{ kind: 'first-half' }, 2025, '2025-06-30'],
    [{ kind: 'second-half' }, 2025, '2025-12-31'],
    [{ kind: 'quarter', quarter: 1 }, 2025, '2025-03-31'],
    [{ kind: 'quarter', quarter: 2 }, 2025, '2025-06-30'],
    [{ kind: 'quarter', quarter: 3 }, 2025, '2025-09-30'],
    [{ kind: 'quarter', quarter: 4 }, 2025, '2025-12-31'],
  ])('%o of %i ends %s', (period, year, date) => {
    expect(endOfPeriod(year, period)).toBe(date)
  })

  it('rejects month 13 and quarter 5', () => {
    expect(() => endOfPeriod(2025, { kind: 'month-end', month: 13 })).toThrow(expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_DATE' }))
    expect(() => endOfPeriod(2025, { kind: 'quarter', quarter: 5 as 4 })).toThrow(expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_RANGE' }))
  })

  it('moves a period end on a weekend to the previous working day when the kind asks for it', () => {
    // 2024-06-30 is a Sunday; 2022-12-31 a Saturday.
    expect(dueForPeriod(cal, 2024, { kind: 'first-half' }, 'previous-working-day')).toEqual({
      date: '2024-06-28',
      covered: true,
      shiftedFrom: '2024-06-30',
    })
    expect(dueForPeriod(cal, 2022, { kind: 'year-end' }, 'previous-working-day').date).toBe('2022-12-30')
    expect(dueForPeriod(cal, 2024, { kind: 'first-half' })).toEqual({ date: '2024-06-30', covered: true })
  })
})

describe('resolveDeadline', () => {
  type Row = [Parameters<typeof resolveDeadline>[0], NonNullable<Parameters<typeof resolveDeadline>[1]>, string, string, string]
  it.each<Row>([
    [{ year: 2025, month: 8, day: null }, {}, '2025-08-31', 'deadline', '2025年8月底前'],
    [{ year: null, month: 8, day: null }, { documentYear: 2024 }, '2024-08-31', 'document', '20xx年8月底前 in a 2024 plan'],
    [{ year: null, month: 2, day: null }, { documentYear: null, defaultYear: 2024 }, '2024-02-29', 'default', '2月底前, leap year'],
    [{ year: null, month: 6, day: 15 }, { documentYear: 2026, defaultYear: 2020 }, '2026-06-15', 'document', 'document year wins'],
    [{ year: 2023, month: null, day: null }, { documentYear: 2026 }, '2023-12-31', 'deadline', '2023年底前 / 年内'],
  ])('%o with %o → %s from the %s year (%s)', (deadline, context, date, yearFrom) => {
    expect(resolveDeadline(deadline, context)).toEqual({ date, yearFrom })
  })

  it('fails with DUBAN_ERR_CALENDAR_DEADLINE_UNRESOLVED when no year is known', () => {
    expect(() => resolveDeadline({ year: null, month: 8, day: null, text: '8月底前' })).toThrow(
      expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_DEADLINE_UNRESOLVED', where: '8月底前' }),
    )
  })

  it('fails for a day without a month and for 2月30日', () => {
    expect(() => resolveDeadline({ year: 2025, month: null, day: 5 })).toThrow(
      expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_DEADLINE_UNRESOLVED' }),
    )
    expect(() => resolveDeadline({ year: 2025, month: 2, day: 30, text: '2月30日前' })).toThrow(
      expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_DATE', where: '2月30日前' }),
    )
  })

  it('applies the due-date policy after resolving', () => {
    // 2025-05-31 (end of May) is the first day of the 端午 holiday.
    expect(dueForDeadline(cal, { year: null, month: 5, day: null }, { documentYear: 2025 }, 'previous-working-day')).toEqual({
      date: '2025-05-30',
      covered: true,
      shiftedFrom: '2025-05-31',
      yearFrom: 'document',
    })
  })
})

describe('checkDueDate and applyDuePolicy', () => {
  it('refuses a holiday and suggests the previous working day', () => {
    expect(checkDueDate(cal, '2025-10-05')).toEqual({
      ok: false,
      reason: 'holiday',
      holiday: '国庆节、中秋节',
      suggestion: '2025-09-30',
      covered: true,
    })
  })

  it('accepts the 调休 Saturday 2026-02-28 and suggests across Spring Festival 2026', () => {
    expect(checkDueDate(cal, '2026-02-28')).toEqual({ ok: true, covered: true })
    expect(checkDueDate(cal, '2026-02-20')).toMatchObject({ ok: false, reason: 'holiday', holiday: '春节', suggestion: '2026-02-14' })
  })

  it('refuses a plain weekend, and marks an uncovered year', () => {
    expect(checkDueDate(cal, '2025-03-08')).toMatchObject({ ok: false, reason: 'weekend', holiday: null, suggestion: '2025-03-07' })
    expect(checkDueDate(cal, '2027-03-06')).toMatchObject({ ok: false, reason: 'weekend', covered: false })
  })

  it('keeps a working day as it is under either policy', () => {
    expect(applyDuePolicy(cal, '2025-10-11', 'previous-working-day')).toEqual({ date: '2025-10-11', covered: true })
    expect(applyDuePolicy(cal, '2025-10-05', 'keep')).toEqual({ date: '2025-10-05', covered: true })
  })
})
