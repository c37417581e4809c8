import { describe, expect, it } from 'vitest'
import {
  compositeScore,
  onTimeRate,
  overdueCount,
  reportingPunctuality,
  resolutionRate,
  responseRate,
  satisfactionRate,
  targetsMetRate,
  unitKpis,
  type ItemFact,
} from './kpi.formulas.ts'
import { rankUnits } from './ranking.ts'

const Q3 = { from: '2025-07-01T00:00:00+08:00', to: '2025-10-01T00:00:00+08:00' }
const END = '2025-10-01T00:00:00+08:00'
const fact = (over: Partial<ItemFact>): ItemFact => ({ unitId: 'edu', kind: 'task', stateType: 'open', dueAt: null, finishedAt: null, ...over })
const done = (finishedAt: string, dueAt: string | null, over: Partial<ItemFact> = {}): ItemFact => fact({ stateType: 'closed', finishedAt, dueAt, ...over })

describe('按时办结率 (on-time rate)', () => {
  it.each<[string, ItemFact[], number, number]>([
    ['finished on the due instant counts as on time', [done('2025-08-31T23:59:59+08:00', '2025-08-31T23:59:59+08:00')], 1, 1],
    ['finished a second late does not', [done('2025-09-01T00:00:00+08:00', '2025-08-31T23:59:59+08:00')], 0, 1],
    ['no due date is on time', [done('2025-08-01T10:00:00+08:00', null)], 1, 1],
    ['unfinished and overdue within the period counts against', [done('2025-08-01T10:00:00+08:00', '2025-08-31T23:59:59+08:00'), fact({ dueAt: '2025-09-15T23:59:59+08:00' })], 1, 2],
    ['unfinished and not yet due is left out', [fact({ dueAt: '2025-12-31T23:59:59+08:00' })], 0, 0],
    // 逾期结转: still open at the end of Q3, due in Q2 — it counts against the unit in Q3 too.
    ['unfinished, overdue from an earlier period, still counts against', [fact({ dueAt: '2025-06-15T23:59:59+08:00' })], 0, 1],
    ['finished only after the period, overdue during it, counts against', [done('2025-10-20T10:00:00+08:00', '2025-09-15T23:59:59+08:00')], 0, 1],
    ['finished late in the period after falling due in an earlier one counts once, as finished late', [done('2025-07-10T10:00:00+08:00', '2025-06-15T23:59:59+08:00')], 0, 1],
    ['finished outside the period is left out', [done('2025-10-02T10:00:00+08:00', '2025-12-31T23:59:59+08:00')], 0, 0],
    ['cancelled items are left out', [done('2025-08-01T10:00:00+08:00', '2025-07-01T23:59:59+08:00', { cancelled: true })], 0, 0],
  ])('%s', (_name, facts, numerator, denominator) => {
    const r = onTimeRate(facts, Q3, END)
    expect([r.numerator, r.denominator]).toEqual([numerator, denominator])
    expect(r.value).toBe(denominator === 0 ? null : numerator / denominator)
  })

  it('counts an unfinished item only once its due instant is before asOf', () => {
    const open = [fact({ dueAt: '2025-09-15T23:59:59+08:00' })]
    expect(onTimeRate(open, Q3, '2025-09-10T00:00:00+08:00').denominator).toBe(0)
    expect(onTimeRate(open, Q3, '2025-09-16T00:00:00+08:00').denominator).toBe(1)
  })
})

describe('other unit KPIs', () => {
  it.each<[string, () => number | null, number | null]>([
    ['超期数 counts unfinished items past due', () => overdueCount([fact({ dueAt: '2025-09-01T00:00:00+08:00' }), fact({ dueAt: '2025-12-01T00:00:00+08:00' }), done('2025-09-20T00:00:00+08:00', '2025-09-01T00:00:00+08:00')], END), 1],
    ['超期数 counts an item past due from an earlier period, and one finished only after asOf', () => overdueCount([fact({ dueAt: '2025-03-01T00:00:00+08:00' }), done('2025-10-20T00:00:00+08:00', '2025-09-01T00:00:00+08:00')], END), 2],
    ['目标完成率 sums targets over items finished in the period', () => targetsMetRate([done('2025-08-01T00:00:00+08:00', null, { targetsTotal: 3, targetsMet: 2 }), done('2025-09-01T00:00:00+08:00', null, { targetsTotal: 1, targetsMet: 1 }), fact({ targetsTotal: 5, targetsMet: 0 })], Q3).value, 0.75],
    ['按时报送率 is reports on time over reports expected', () => reportingPunctuality([fact({ reportsExpected: 3, reportsOnTime: 2 }), fact({ reportsExpected: 3, reportsOnTime: 3 })]).value, 5 / 6],
    ['按时报送率 is null when no report was expected', () => reportingPunctuality([fact({})]).value, null],
    ['满意率 counts 基本满意 as satisfied and ignores unrated', () => satisfactionRate([done('2025-08-01T00:00:00+08:00', null, { rating: 'satisfied' }), done('2025-08-02T00:00:00+08:00', null, { rating: 'basically_satisfied' }), done('2025-08-03T00:00:00+08:00', null, { rating: 'unsatisfied' }), done('2025-08-04T00:00:00+08:00', null, { rating: null })], Q3).value, 2 / 3],
    ['解决率 is solved over asked', () => resolutionRate([done('2025-08-01T00:00:00+08:00', null, { resolved: true }), done('2025-08-02T00:00:00+08:00', null, { resolved: false }), done('2025-08-03T00:00:00+08:00', null, {})], Q3).value, 0.5],
  ])('%s', (_name, compute, expected) => {
    expect(compute()).toBe(expected)
  })

  it('响应率 counts accepts by the accept deadline, leaves out tickets still inside their limit', () => {
    const d = '2025-09-30T10:00:00+08:00'
    const facts = [
      fact({ kind: 'ticket', dispatchedAt: d, acceptDueAt: '2025-09-30T12:00:00+08:00', acceptedAt: '2025-09-30T11:00:00+08:00' }),
      fact({ kind: 'ticket', dispatchedAt: d, acceptDueAt: '2025-09-30T12:00:00+08:00', acceptedAt: '2025-09-30T13:00:00+08:00' }),
      fact({ kind: 'ticket', dispatchedAt: d, acceptDueAt: '2025-09-30T12:00:00+08:00', acceptedAt: null }),
      fact({ kind: 'ticket', dispatchedAt: d, acceptDueAt: '2025-10-08T12:00:00+08:00', acceptedAt: null }),
    ]
    expect(responseRate(facts, Q3, END)).toEqual({ numerator: 1, denominator: 3, value: 1 / 3 })
  })
})

describe('综合得分 and 排名 (composite score and ranking)', () => {
  const facts: ItemFact[] = [
    done('2025-08-01T00:00:00+08:00', '2025-08-31T23:59:59+08:00', { unitId: 'edu', reportsExpected: 2, reportsOnTime: 1 }),
    done('2025-09-20T00:00:00+08:00', '2025-08-31T23:59:59+08:00', { unitId: 'edu' }),
    done('2025-08-01T00:00:00+08:00', '2025-08-31T23:59:59+08:00', { unitId: 'health' }),
    fact({ unitId: 'health', dueAt: '2025-09-01T00:00:00+08:00' }),
  ]
  const weights = { weights: { onTime: 0.6, reporting: 0.4 }, overduePenalty: 2 }

  it('weighs the rates a unit has, spreads the weight of empty ones, and subtracts the overdue penalty', () => {
    const [edu, health] = unitKpis(facts, Q3, END)
    // edu: on time 1/2, reporting 1/2 → 50.
    expect(compositeScore(edu!, weights)).toBeCloseTo(50)
    // health: on time 1/2 (one unfinished overdue), no reports expected → 50, minus 2 for one overdue item.
    expect(compositeScore(health!, weights)).toBeCloseTo(48)
  })

  it('scores and ranks a unit whose only item fell due in an earlier period and is still open', () => {
    const [late] = unitKpis([fact({ unitId: 'late', dueAt: '2025-05-31T23:59:59+08:00' })], Q3, END)
    expect(late!.rates.onTime).toEqual({ numerator: 0, denominator: 1, value: 0 })
    expect(late!.overdue).toBe(1)
    expect(compositeScore(late!, weights)).toBe(0)
    expect(rankUnits([{ unitId: 'late', score: compositeScore(late!, weights) }])[0]!.rank).toBe(1)
  })

  it('gives no score to a unit with nothing to count', () => {
    const [idle] = unitKpis([fact({ unitId: 'idle' })], Q3, END)
    expect(compositeScore(idle!, weights)).toBeNull()
  })

  it.each<[string, (number | null)[], (number | null)[]]>([
    ['distinct scores', [90, 80, 70], [1, 2, 3]],
    ['a tie shares a rank and the next rank skips', [95, 90, 90, 80], [1, 2, 2, 4]],
    ['scores equal to two decimals tie', [88.004, 88.001, 70], [1, 1, 3]],
    ['units without a score come last, unranked', [null, 60, 60], [1, 1, null]],
  ])('ranks %s', (_name, scores, ranks) => {
    const ranked = rankUnits(scores.map((score, i) => ({ unitId: `u${i}`, score })))
    expect(ranked.map((r) => r.rank)).toEqual(ranks)
  })

  it('orders the ranking by score, highest first', () => {
    expect(rankUnits([{ unitId: 'a', score: 70 }, { unitId: 'b', score: 90 }, { unitId: 'c', score: 80 }]).map((r) => r.unitId)).toEqual(['b', 'c', 'a'])
  })
})
