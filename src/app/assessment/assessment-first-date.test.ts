/**
 * The assessment reads the day rows of rep.diff and rep.tail only up to FIRST_DATE_WITHIN days after a period's
 * first day (assessFromAggregates), since they count on or before a cadence's first date in the period. That holds
 * when that first date is never further away: checked for every cadence against expectedReportDates itself.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { expectedReportDates } from '../../domain/workflow/cadence.ts'
import type { ReportingCadence } from '../../domain/workflow/kind.types.ts'
import { addCalendarDays } from '../../domain/workflow/time.ts'
import { FIRST_DATE_WITHIN } from './assessment-aggregates.ts'

const cadence: fc.Arbitrary<ReportingCadence> = fc.oneof(
  fc.integer({ min: 1, max: 7 }).map((weekday) => ({ every: 'week', weekday }) as ReportingCadence),
  fc.integer({ min: 1, max: 31 }).map((day) => ({ every: 'month', day }) as ReportingCadence),
  fc.integer({ min: 1, max: 31 }).map((day) => ({ every: 'quarter', day }) as ReportingCadence),
)
const day = fc.integer({ min: 0, max: 4 * 366 }).map((n) => addCalendarDays('2024-01-01', n))

describe('a cadence first date in a period', () => {
  it(`falls within ${FIRST_DATE_WITHIN} days of the period's first day, whatever the cadence and the day`, () => {
    fc.assert(
      fc.property(cadence, day, (c, from) => {
        const first = expectedReportDates(c, from, addCalendarDays(from, 400))[0]
        expect(first).toBeDefined()
        expect(first! < addCalendarDays(from, FIRST_DATE_WITHIN)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('is reached by the largest gap: a quarter cadence on the 30th or 31st seen from the day after one date', () => {
    // 2026-06-30 → 2026-09-30 is 92 days: from 2026-07-01 the first date is 91 days away.
    const first = expectedReportDates({ every: 'quarter', day: 30 }, '2026-07-01', '2026-12-31')[0]
    expect(first).toBe('2026-09-30')
    expect(first! < addCalendarDays('2026-07-01', FIRST_DATE_WITHIN)).toBe(true)
    expect(first! < addCalendarDays('2026-07-01', 91)).toBe(false)
  })
})
