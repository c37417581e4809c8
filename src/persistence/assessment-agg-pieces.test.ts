/**
 * The counters' grains (day, month and year rows, grainsOf) and the pieces a range sum reads (rangePieces) give the
 * plain sum: for random counts on random days and random ranges (from the beginning of time or from a day), summing
 * the rows rangePieces names equals summing the counts whose day is in [lo, hi). What sumRanges does in SQL, here over
 * a Map; the whole path on PGlite and PostgreSQL is src/app/assessment/assessment-aggregates.test.ts.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { addCalendarDays } from '../domain/workflow/time.ts'
import { grainsOf, rangePieces } from './assessment-agg.repo.ts'

const FIRST = '0001-01-01'
// Days over four years and a bit, with the edges that matter (month and year starts, ends, Feb 29).
const day = fc.oneof(
  fc.integer({ min: 0, max: 4 * 366 + 40 }).map((n) => addCalendarDays('2023-11-20', n)),
  fc.constantFrom('2024-01-01', '2024-02-29', '2024-12-31', '2025-01-01', '2025-12-01', '2026-01-01', '2026-12-31', '2027-01-01'),
)
const count = fc.record({ day, n: fc.integer({ min: -3, max: 5 }) })

describe('assessment counter pieces', () => {
  it('sum to the plain sum of the counts in the range, whatever the range', () => {
    fc.assert(
      fc.property(fc.array(count, { maxLength: 60 }), fc.option(day, { nil: FIRST }), day, (counts, lo, hi) => {
        const rows = new Map<string, number>()
        for (const c of counts) for (const [g, d] of grainsOf(c.day)) rows.set(`${g}|${d}`, (rows.get(`${g}|${d}`) ?? 0) + c.n)
        let fromPieces = 0
        for (const p of rangePieces(lo, hi)) {
          for (const [key, n] of rows) {
            const [g, d] = key.split('|') as [string, string]
            if (g === p.grain && d >= p.lo && d < p.hi) fromPieces += n
          }
        }
        const plain = counts.filter((c) => c.day >= lo && c.day < hi).reduce((s, c) => s + c.n, 0)
        expect(fromPieces).toBe(plain)
      }),
      { numRuns: 3000 },
    )
  })

  it('read a year from one year row, and the counts so far from year rows and the current year’s months and days', () => {
    expect(rangePieces('2026-01-01', '2027-01-01')).toEqual([{ grain: 'y', lo: '2026-01-01', hi: '2027-01-01' }])
    expect(rangePieces(FIRST, '2026-11-21')).toEqual([
      { grain: 'y', lo: FIRST, hi: '2026-01-01' },
      { grain: 'm', lo: '2026-01-01', hi: '2026-11-01' },
      { grain: 'd', lo: '2026-11-01', hi: '2026-11-21' },
    ])
    expect(rangePieces('2025-12-15', '2027-02-03')).toEqual([
      { grain: 'd', lo: '2025-12-15', hi: '2026-01-01' },
      { grain: 'y', lo: '2026-01-01', hi: '2027-01-01' },
      { grain: 'm', lo: '2027-01-01', hi: '2027-02-01' },
      { grain: 'd', lo: '2027-02-01', hi: '2027-02-03' },
    ])
  })
})
