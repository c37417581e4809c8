import { describe, expect, it } from 'vitest'
import { parseAssessmentPeriod } from './assessment-period.ts'

describe('assessment periods', () => {
  it.each([
    ['2026-11', 'month', '2026年11月', '2026-11-01', '2026-11-30'],
    ['2026-Q1', 'quarter', '2026年第一季度', '2026-01-01', '2026-03-31'],
    ['2026', 'year', '2026年', '2026-01-01', '2026-12-31'],
    // 旬 (日检查、旬通报、月评比): 上旬 1–10, 中旬 11–20, 下旬 21 to the month's end (February 2028 has 29 days).
    ['2026-11-X1', 'xun', '2026年11月上旬', '2026-11-01', '2026-11-10'],
    ['2026-11-X2', 'xun', '2026年11月中旬', '2026-11-11', '2026-11-20'],
    ['2026-11-X3', 'xun', '2026年11月下旬', '2026-11-21', '2026-11-30'],
    ['2028-02-X3', 'xun', '2028年2月下旬', '2028-02-21', '2028-02-29'],
    // ISO weeks: 2026-01-01 is a Thursday, so week 1 starts Monday 2025-12-29; 2026 has 53 weeks.
    ['2026-W01', 'week', '2026年第1周', '2025-12-29', '2026-01-04'],
    ['2026-W49', 'week', '2026年第49周', '2026-11-30', '2026-12-06'],
    ['2026-W53', 'week', '2026年第53周', '2026-12-28', '2027-01-03'],
  ])('%s is a %s: %s, %s to %s', (key, type, label, first, last) => {
    const p = parseAssessmentPeriod(key)
    expect(p).toMatchObject({ key, type, label, firstDate: first, lastDate: last, from: `${first}T00:00:00+08:00` })
    const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    expect(p.to).toBe(`${next}T00:00:00+08:00`)
  })

  it('gives the bulletin title without the year for the short periods', () => {
    expect(parseAssessmentPeriod('2026-11-X2').titleLabel).toBe('11月中旬')
    expect(parseAssessmentPeriod('2026-W49').titleLabel).toBe('第49周')
  })

  it.each(['2026-13', '2026-11-X4', '2026-11-X0', '2025-W53', '2026-W00', '2026-W54', '26-W01', '2026-11-10'])('refuses %s naming the period', (key) => {
    expect(() => parseAssessmentPeriod(key)).toThrow(expect.objectContaining({ code: 'DUBAN_ERR_ASSESSMENT_PERIOD', where: 'period' }))
  })
})
