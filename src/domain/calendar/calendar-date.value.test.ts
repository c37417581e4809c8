import { describe, expect, it } from 'vitest'
import { fromDayNumber, isIsoDate, toDayNumber } from './calendar-date.value.ts'
import { toEpochMs } from './china-time.value.ts'

describe('calendar dates in the years 0000–0099', () => {
  // Found by the fuzz hunt of 2026-12-03: Date.UTC reads the years 0–99 as 1900–1999, so `to=0050-01-01` on
  // GET /api/tickets silently meant 1950, and 0000-02-29 (a leap day, as 2000's) was refused as 1900 has none.
  it('keeps each year as itself: a day number round-trips, and 0050 lies before 1000', () => {
    for (const d of ['0000-01-01', '0001-03-01', '0050-06-30', '0099-12-31']) expect(fromDayNumber(toDayNumber(d))).toBe(d)
    expect(toDayNumber('0050-01-01')).toBeLessThan(toDayNumber('1000-01-01'))
    expect(toEpochMs('0099-12-31T00:00:00Z')).toBeLessThan(toEpochMs('1900-01-01T00:00:00Z'))
  })

  it('knows the leap years of the first century by the Gregorian rule (0000 and 0004 are, 0001 is not)', () => {
    expect(isIsoDate('0000-02-29')).toBe(true)
    expect(isIsoDate('0004-02-29')).toBe(true)
    expect(isIsoDate('0001-02-29')).toBe(false)
  })
})
