import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DubanError } from '../errors.ts'
import { fromDayNumber, toDayNumber, weekday } from './calendar-date.value.ts'
import { buildCalendar, mergeCalendarYears, officialCalendar as cal } from './calendar.model.ts'
import type { CalendarYear } from './calendar-year.parse.ts'
import { OFFICIAL_CALENDAR_YEARS } from './china-holidays.data.ts'

describe('addWorkingDays', () => {
  it.each<[string, number, string, string]>([
    // [start, n, due, why]
    ['2025-03-07', 3, '2025-03-12', 'dispatched Friday with 3 working days is due Wednesday'],
    ['2025-03-07', 0, '2025-03-07', 'zero working days is the start date itself'],
    ['2025-03-08', 1, '2025-03-10', 'a Saturday start counts from Monday'],
    ['2025-09-30', 1, '2025-10-09', 'moves the due date past National Day 2025'],
    ['2025-09-26', 1, '2025-09-28', 'the 调休 Sunday before National Day 2025 counts'],
    ['2025-09-30', 2, '2025-10-10', 'Friday after National Day 2025'],
    ['2025-10-10', 1, '2025-10-11', 'the 调休 Saturday after National Day 2025 counts'],
    ['2026-02-12', 1, '2026-02-13', 'Friday before Spring Festival 2026'],
    ['2026-02-13', 1, '2026-02-14', 'the 调休 Saturday 2026-02-14 counts'],
    ['2026-02-13', 2, '2026-02-24', 'moves the due date past Spring Festival 2026 (2/15–2/23 off)'],
    ['2026-02-27', 1, '2026-02-28', 'the 调休 Saturday 2026-02-28 counts'],
    ['2026-02-28', 1, '2026-03-02', 'a ticket created on the 调休 Saturday 2026-02-28 is due from Monday'],
    ['2026-02-28', 3, '2026-03-04', 'three working days from the 调休 Saturday 2026-02-28'],
    ['2024-02-08', 2, '2024-02-18', 'Spring Festival 2024: 2/9 Fri, then the 调休 Sunday 2/18'],
  ])('%s + %i → %s: %s', (start, n, due) => {
    expect(cal.addWorkingDays(start, n)).toBe(due)
  })

  it('counts the Spring Festival 2024 调休 Sundays 2/4 and 2/18', () => {
    expect(cal.addWorkingDays('2024-02-02', 1)).toBe('2024-02-04')
    expect(cal.addWorkingDays('2024-02-09', 1)).toBe('2024-02-18')
  })

  it('rejects a negative or fractional count', () => {
    expect(() => cal.addWorkingDays('2025-01-02', -1)).toThrow(DubanError)
    expect(() => cal.addWorkingDays('2025-01-02', 1.5)).toThrowError(/working days must be a whole number/)
  })

  it('rejects a malformed date with DUBAN_ERR_CALENDAR_DATE', () => {
    for (const bad of ['2025-2-3', '2025-02-30', '20250203', '']) {
      expect(() => cal.addWorkingDays(bad, 1)).toThrow(expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_DATE' }))
    }
  })
})

describe('dayInfo, next and previous working day', () => {
  it.each([
    ['2025-03-05', 'workday', true, null],
    ['2025-03-08', 'weekend', false, null],
    ['2025-10-01', 'holiday', false, '国庆节、中秋节'],
    ['2025-05-31', 'holiday', false, '端午节'],
    ['2025-04-27', 'adjusted-workday', true, null],
    ['2026-02-28', 'adjusted-workday', true, null],
  ] as const)('%s is %s', (date, kind, working, holiday) => {
    expect(cal.dayInfo(date)).toEqual({ date, kind, working, holiday, covered: true })
  })

  it('finds the next and previous working days around National Day 2025', () => {
    expect(cal.nextWorkingDay('2025-09-30')).toBe('2025-10-09')
    expect(cal.previousWorkingDay('2025-10-09')).toBe('2025-09-30')
    expect(cal.nextWorkingDay('2025-10-10')).toBe('2025-10-11')
  })
})

describe('workingDaysBetween', () => {
  it.each([
    ['2025-03-07', '2025-03-12', 3],
    ['2025-03-12', '2025-03-07', -3],
    ['2025-03-07', '2025-03-07', 0],
    ['2025-09-30', '2025-10-09', 1],
    ['2025-09-01', '2025-10-31', 40],
    ['2026-02-13', '2026-02-28', 6],
  ] as const)('from %s to %s is %i', (a, b, n) => {
    expect(cal.workingDaysBetween(a, b)).toBe(n)
  })
})

describe('years without data', () => {
  it('falls back to weekends plus the statute\'s solar-date holidays, and reports the year as not covered', () => {
    expect(cal.covers(2027)).toBe(false)
    // 2027-10-01 is a Friday: the statute fixes 国庆节 10-01..03 even before the notice; still unverified.
    expect(cal.dayInfo('2027-10-01')).toEqual({ date: '2027-10-01', kind: 'holiday', working: false, holiday: '国庆节', covered: false })
    expect(cal.isWorkingDay('2027-10-02')).toBe(false)
    // 2027-01-01 is a Friday and 元旦: it is never silently a working day.
    expect(cal.isWorkingDay('2027-01-01')).toBe(false)
    expect(cal.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04')
    // 劳动节 is two days from 2025 (国务院令第798号): 2027-05-03 (Monday) is a plain workday without the notice.
    expect(cal.dayInfo('2027-05-01').holiday).toBe('劳动节')
    expect(cal.isWorkingDay('2027-05-03')).toBe(true)
    // A lunar holiday cannot be known without the notice: 2027-06-09 (端午, Wednesday) stays a workday, unverified.
    expect(cal.dayInfo('2027-06-09')).toMatchObject({ working: true, covered: false })
  })

  it('never applies the statute over a year the calendar holds (the notice decides)', () => {
    // 2020-10-01..08 from the notice; the statute alone would say only 10-01..03.
    expect(cal.isWorkingDay('2020-10-08')).toBe(false)
    // 2019 is not held: 2019-01-01 (Tuesday) is a statutory holiday.
    expect(cal.dayInfo('2019-01-01')).toMatchObject({ holiday: '元旦', covered: false })
  })

  it('lists the missing years of a span', () => {
    expect(cal.coverage('2026-12-30', '2027-01-05')).toEqual({ covered: false, missingYears: [2027] })
    expect(cal.coverage('2028-01-01', '2019-06-01')).toEqual({ covered: false, missingYears: [2019, 2027, 2028] })
    expect(cal.coverage('2020-01-01', '2026-12-31')).toEqual({ covered: true, missingYears: [] })
  })
})

describe('buildCalendar and admin years', () => {
  const y2027: CalendarYear = {
    year: 2027,
    source: 'test notice',
    holidays: [{ name: '国庆节', dates: ['2027-10-01', '2027-10-04'] }],
    adjustedWorkdays: ['2027-10-09'],
  }

  it('adds an admin year over the official ones', () => {
    const c = buildCalendar(mergeCalendarYears(OFFICIAL_CALENDAR_YEARS, [y2027]))
    expect(c.years.at(-1)).toBe(2027)
    expect(c.dayInfo('2027-10-01')).toMatchObject({ kind: 'holiday', working: false, covered: true })
    expect(c.isWorkingDay('2027-10-09')).toBe(true)
  })

  it('lets an admin year replace the official year of the same number', () => {
    const corrected: CalendarYear = { year: 2026, source: 'correction', holidays: [], adjustedWorkdays: [] }
    const c = buildCalendar(mergeCalendarYears(OFFICIAL_CALENDAR_YEARS, [corrected]))
    expect(c.isWorkingDay('2026-10-01')).toBe(true)
    expect(c.isWorkingDay('2026-02-28')).toBe(false)
  })

  it('rejects the same year twice, naming the second', () => {
    try {
      buildCalendar([y2027, y2027])
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({ code: 'DUBAN_ERR_CALENDAR_INVALID', where: 'years[1].year' })
    }
  })

  it('re-validates hand-built data and prefixes the field path with the year index', () => {
    const bad = { ...y2027, adjustedWorkdays: ['2027-10-01'] }
    expect(() => buildCalendar([y2027, bad])).toThrow(
      expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_INVALID', where: 'years[1].adjustedWorkdays[0]' }),
    )
  })
})

describe('properties (fast-check)', () => {
  // 2019-06-01 … 2028-12-31: spans covered and uncovered years on both sides.
  const date = fc.integer({ min: toDayNumber('2019-06-01'), max: toDayNumber('2028-12-31') }).map(fromDayNumber)
  const n = fc.integer({ min: 0, max: 400 })

  it('addWorkingDays(d, n) is a working day for n ≥ 1', () => {
    fc.assert(fc.property(date, fc.integer({ min: 1, max: 400 }), (d, k) => cal.isWorkingDay(cal.addWorkingDays(d, k))))
  })

  it('addWorkingDays is monotone in n', () => {
    fc.assert(
      fc.property(date, n, n, (d, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        return toDayNumber(cal.addWorkingDays(d, lo)) <= toDayNumber(cal.addWorkingDays(d, hi))
      }),
    )
  })

  it('workingDaysBetween(d, addWorkingDays(d, n)) === n', () => {
    fc.assert(fc.property(date, n, (d, k) => cal.workingDaysBetween(d, cal.addWorkingDays(d, k)) === k))
  })

  it('workingDaysBetween is antisymmetric', () => {
    fc.assert(fc.property(date, date, (a, b) => cal.workingDaysBetween(a, b) === -cal.workingDaysBetween(b, a)))
  })

  it('every weekday outside holidays is a working day and every plain weekend is not', () => {
    fc.assert(
      fc.property(date, (d) => {
        const info = cal.dayInfo(d)
        const weekend = weekday(d) === 0 || weekday(d) === 6
        if (info.kind === 'workday') return !weekend && info.working
        if (info.kind === 'weekend') return weekend && !info.working
        return info.working === (info.kind === 'adjusted-workday')
      }),
    )
  })
})
