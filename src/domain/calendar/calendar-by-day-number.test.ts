/**
 * The calendar indexed by day number (calendar.model.ts's blocks, working-hours.rules.ts's walk by day number)
 * answers as the calendar computed day by day from date strings did (calendar-reference.fixture.ts), on random
 * dates, counts, instants and durations, including years without data and the edges of four-digit years.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromDayNumber, toDayNumber } from './calendar-date.value.ts'
import { buildCalendar, officialCalendar } from './calendar.model.ts'
import { referenceAddWorkingHours, referenceCalendar, referenceWorkingHoursBetween } from './calendar-reference.fixture.ts'
import { OFFICIAL_CALENDAR_YEARS } from './china-holidays.data.ts'
import { addWorkingHours, DEFAULT_OFFICE_HOURS, workingHoursBetween, type OfficeHours } from './working-hours.rules.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 1_000

/** The answer, or the error's class, code and message: the two must agree on both. */
function outcome<T>(f: () => T): T | string {
  try {
    return f()
  } catch (e) {
    const err = e as Error & { code?: string }
    return `${err.name} ${err.code ?? ''} ${err.message}`
  }
}

// The official years, and a calendar holding 2025 only: the statute's solar holidays apply around it.
const calendars = [
  { name: 'official', cal: officialCalendar, ref: referenceCalendar(OFFICIAL_CALENDAR_YEARS) },
  { name: '2025 only', cal: buildCalendar(OFFICIAL_CALENDAR_YEARS.filter((y) => y.year === 2025)), ref: referenceCalendar(OFFICIAL_CALENDAR_YEARS.filter((y) => y.year === 2025)) },
]
const summer: OfficeHours = { periods: [{ start: '08:30', end: '12:00' }, { start: '14:30', end: '18:00' }] }
const night: OfficeHours = { periods: [{ start: '00:00', end: '01:00' }, { start: '22:00', end: '24:00' }] }

// Days from 1948 to 2202 (around the years any calendar data may have), and now and then near 0000 and 9999.
const near = toDayNumber('2025-06-01')
const dayNumber = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: near - 3_000, max: near + 3_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: toDayNumber('1948-01-01'), max: toDayNumber('2202-12-31') }) },
  { weight: 1, arbitrary: fc.integer({ min: toDayNumber('0000-01-01'), max: toDayNumber('0001-12-31') }) },
  { weight: 1, arbitrary: fc.integer({ min: toDayNumber('9998-01-01'), max: toDayNumber('9999-12-31') }) },
)
const date = dayNumber.map(fromDayNumber)
const which = fc.constantFrom(...calendars)

describe('the calendar indexed by day number answers as the one computed from date strings', () => {
  it('isWorkingDay, isWorkingDayNumber, next/previousWorkingDay', () => {
    fc.assert(
      fc.property(which, date, ({ cal, ref }, d) => {
        expect(cal.isWorkingDay(d)).toBe(ref.isWorkingDay(d))
        expect(cal.isWorkingDayNumber(toDayNumber(d))).toBe(ref.isWorkingDay(d))
        expect(outcome(() => cal.nextWorkingDay(d))).toEqual(outcome(() => ref.nextWorkingDay(d)))
        expect(outcome(() => cal.previousWorkingDay(d))).toEqual(outcome(() => ref.previousWorkingDay(d)))
      }),
      { numRuns: RUNS },
    )
  })

  it('addWorkingDays and workingDaysBetween', () => {
    fc.assert(
      fc.property(which, date, fc.integer({ min: 0, max: 800 }), date, ({ cal, ref }, d, n, e) => {
        expect(outcome(() => cal.addWorkingDays(d, n))).toEqual(outcome(() => ref.addWorkingDays(d, n)))
        // A span of at most a few years, both ways.
        const b = Math.abs(toDayNumber(e) - toDayNumber(d)) > 2_000 ? d : e
        expect(cal.workingDaysBetween(d, b)).toBe(ref.workingDaysBetween(d, b))
        expect(cal.workingDaysBetween(b, d)).toBe(ref.workingDaysBetween(b, d))
      }),
      { numRuns: RUNS },
    )
  })

  it('addWorkingHours and workingHoursBetween, any minute or millisecond, any offset of the instant', () => {
    const instantMs = fc.tuple(dayNumber, fc.integer({ min: 0, max: 86_400_000 - 1 }), fc.boolean()).map(([n, ms, whole]) => n * 86_400_000 + (whole ? ms - (ms % 60_000) : ms))
    const hours = fc.oneof(fc.integer({ min: 0, max: 24 * 20 }).map((m) => m / 4), fc.double({ min: 0, max: 300, noNaN: true }), fc.integer({ min: 0, max: 600 }).map((m) => m / 60))
    const hoursOf = fc.constantFrom(DEFAULT_OFFICE_HOURS, summer, night)
    const asInstant = fc.constantFrom<(ms: number) => number | string>(
      (ms) => ms,
      (ms) => new Date(ms).toISOString(),
      (ms) => `${fromDayNumber(Math.floor((ms + 8 * 3_600_000) / 86_400_000))}T${new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16)}`,
    )
    fc.assert(
      fc.property(which, instantMs, hours, hoursOf, asInstant, fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }), ({ cal, ref }, ms, h, office, as, span) => {
        const start = outcome(() => as(ms))
        if (typeof start === 'string' && / /.test(start)) return // the instant itself is not writable (year 10000)
        expect(outcome(() => addWorkingHours(cal, start, h, office))).toEqual(outcome(() => referenceAddWorkingHours(ref, start, h, office)))
        expect(outcome(() => workingHoursBetween(cal, start, ms + span, office))).toEqual(outcome(() => referenceWorkingHoursBetween(ref, start, ms + span, office)))
      }),
      { numRuns: RUNS },
    )
  })

  it('the edges of four-digit years: the same answers and the same errors', () => {
    const { cal, ref } = calendars[0]!
    const first = toDayNumber('0000-01-01') * 86_400_000 - 8 * 3_600_000
    const last = toDayNumber('9999-12-31') * 86_400_000 - 8 * 3_600_000
    for (const [start, h] of [[last + 16 * 3_600_000, 2], [last + 9 * 3_600_000, 1], [last, 100], [first - 1, 1], [first, 1], [first - 86_400_000, 0.5], [8.64e15, 1], [-8.64e15, 1], [1e17, 1]] as const) {
      expect(outcome(() => addWorkingHours(cal, start, h))).toEqual(outcome(() => referenceAddWorkingHours(ref, start, h, DEFAULT_OFFICE_HOURS)))
    }
    for (const [a, b] of [[last, last + 3_600_000], [last - 86_400_000, last + 20 * 3_600_000], [last + 86_400_000, last], [first - 1, first + 86_400_000], [first, first + 86_400_000], [0, 1e17]] as const) {
      expect(outcome(() => workingHoursBetween(cal, a, b))).toEqual(outcome(() => referenceWorkingHoursBetween(ref, a, b, DEFAULT_OFFICE_HOURS)))
    }
    // At least one of these is an error in both (so the comparison of errors is not vacuous).
    expect(String(outcome(() => addWorkingHours(cal, last + 16 * 3_600_000, 2)))).toMatch(/DUBAN_ERR_CALENDAR_DATE/)
    expect(String(outcome(() => workingHoursBetween(cal, last - 86_400_000, last + 20 * 3_600_000)))).toMatch(/DUBAN_ERR_CALENDAR_DATE/)
  })
})
