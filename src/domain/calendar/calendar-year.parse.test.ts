import { describe, expect, it } from 'vitest'
import { DubanError } from '../errors.ts'
import { parseCalendarYear, validateCalendarYear, type CalendarIssueReason } from './calendar-year.parse.ts'

const good = {
  year: 2027,
  source: '国办发明电〔2026〕X号',
  holidays: [
    { name: '元旦', dates: ['2027-01-01'] },
    { name: '国庆节', dates: ['2027-10-01', '2027-10-04'] },
  ],
  adjustedWorkdays: ['2027-10-09'],
}

describe('parseCalendarYear', () => {
  it('accepts a well-formed year and returns it', () => {
    expect(parseCalendarYear(good)).toEqual(good)
    expect(parseCalendarYear({ ...good, note: 'n' }).note).toBe('n')
  })

  it.each<[string, unknown, string, CalendarIssueReason]>([
    ['a malformed date', { ...good, adjustedWorkdays: ['2027-9-5'] }, 'adjustedWorkdays[0]', 'malformed-date'],
    ['a date that does not exist', { ...good, holidays: [{ name: '元旦', dates: ['2027-02-29'] }] }, 'holidays[0].dates[0]', 'malformed-date'],
    ['a date outside its year', { ...good, holidays: [{ name: '元旦', dates: ['2026-12-31'] }] }, 'holidays[0].dates[0]', 'outside-year'],
    ['a date both holiday and workday', { ...good, adjustedWorkdays: ['2027-10-02'], holidays: [{ name: '国庆节', dates: ['2027-10-02'] }] },
      'adjustedWorkdays[0]', 'holiday-and-workday'],
    ['a weekday made a working day', { ...good, adjustedWorkdays: ['2027-10-08'] }, 'adjustedWorkdays[0]', 'not-weekend'],
    ['a date under two holidays', { ...good, holidays: [{ name: 'a', dates: ['2027-05-03'] }, { name: 'b', dates: ['2027-05-03'] }] },
      'holidays[1].dates[0]', 'duplicate'],
    ['a workday listed twice', { ...good, adjustedWorkdays: ['2027-10-09', '2027-10-09'] }, 'adjustedWorkdays[1]', 'duplicate'],
    ['a holiday without dates', { ...good, holidays: [{ name: '元旦', dates: [] }] }, 'holidays[0].dates', 'empty'],
    ['a holiday without a name', { ...good, holidays: [{ dates: ['2027-01-01'] }] }, 'holidays[0].name', 'required'],
    ['a date that is not a string', { ...good, adjustedWorkdays: [20271009] }, 'adjustedWorkdays[0]', 'type'],
    ['a missing source', { ...good, source: undefined }, 'source', 'required'],
    ['an empty source', { ...good, source: ' ' }, 'source', 'empty'],
    ['a fractional year', { ...good, year: 2027.5 }, 'year', 'type'],
    ['a year out of range', { ...good, year: 1800, holidays: [], adjustedWorkdays: [] }, 'year', 'year-range'],
    ['a misspelt field', { ...good, adjustedWorkday: [] }, 'adjustedWorkday', 'unknown-field'],
    ['an unknown holiday field', { ...good, holidays: [{ name: '元旦', dates: ['2027-01-01'], day: 1 }] }, 'holidays[0].day', 'unknown-field'],
    ['holidays that is not an array', { ...good, holidays: {} }, 'holidays', 'type'],
  ])('names the field for %s', (_why, input, path, reason) => {
    const result = validateCalendarYear(input)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues).toContainEqual(expect.objectContaining({ path, reason }))
  })

  it('throws DUBAN_ERR_CALENDAR_INVALID with every issue, the first as where', () => {
    const input = { ...good, holidays: [{ name: '元旦', dates: ['2027-13-01'] }], adjustedWorkdays: ['2028-01-01'] }
    try {
      parseCalendarYear(input)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DubanError)
      const err = e as DubanError
      expect(err.code).toBe('DUBAN_ERR_CALENDAR_INVALID')
      expect(err.where).toBe('holidays[0].dates[0]')
      expect(err.message).toContain("'2027-13-01' is not a real date")
      expect(err.message).toContain('2028-01-01 is outside the year 2027')
      expect(err.userMessage).toBe('工作日历数据不合法（节假日第1项的日期第1项）')
      expect((err.details?.issues as unknown[]).length).toBe(2)
    }
  })

  it('rejects input that is not an object', () => {
    for (const input of [null, [], 'x', 2027]) {
      expect(validateCalendarYear(input)).toEqual({ ok: false, issues: [expect.objectContaining({ path: '', reason: 'type' })] })
    }
  })
})
