import { describe, expect, it } from 'vitest'
import { hotTopics, hotlineUnitKpis, previousPeriod, problemReason, totalKpis } from './hotline.formulas.ts'
import { AS_OF, FIXTURE, NOV, t, ticket, type Step } from './hotline.fixture.ts'

const r = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator })

describe('12345 KPIs per unit (hand-computed fixture, November 2026 as of 12-01 00:00)', () => {
  const rows = hotlineUnitKpis(FIXTURE, NOV, AS_OF)
  const A = rows.find((x) => x.unitId === 'A')!
  const B = rows.find((x) => x.unitId === 'B')!

  it('unit A', () => {
    // Dispatch/reassign events to A in Nov: T1, T2, T3, T8, T10 dispatch; T11 dispatch and reassign → 7 events, 6 tickets.
    expect([A.volume, A.dispatches]).toEqual([6, 7])
    // Returns by A: T3 (11-10), T10 (11-24), T11 (11-25 10:00) → 3; 回退率 3/7.
    expect(A.returns).toBe(3)
    expect(A.returnRate).toEqual(r(3, 7))
    // 按时签收率, accept runs started in Nov for A:
    //   T1 accepted 10:00 ≤ 11:00 ✓ | T2 accepted 12:00 > 11:00 ✗ | T3 returned 10:00 ≤ 11:00 → not counted
    //   T8 accepted 10:00 ≤ 11:00 ✓ | T10 returned 14:00 > 11:00 → counted ✗ | T10 refuse_return run: accepted 11-25 09:00 ≤ 10:00 ✓
    //   T11 first run returned 10:00 ≤ 11:00 → not counted | T11 run from the 14:00 reassign: open, due 16:00 < asOf ✗
    //   → 3 on time of 6 counted.
    expect(A.onTimeAcceptance).toEqual(r(3, 6))
    // 响应率, respond runs started in Nov for A:
    //   T1 contact 11-03 15:00 ≤ 11-04 09:00 ✓ | T2 reply 11-06 10:00 > 09:00 ✗ | T3 ended by the reassign 11-10 14:00 ≤ due → not counted
    //   T8 reply 11-19 > 11-03 09:00 ✗ | T10 contact 11-25 09:30 > 09:00 ✗ (refuse_return does not restart it)
    //   T11 first run ended by the 11:00 reassign ≤ due → not counted | T11 last run open, due 11-26 14:00 < asOf ✗
    //   → 1 of 5.
    expect(A.response).toEqual(r(1, 5))
    // 按时办结率: replies by A in Nov: T1 11-09 ≤ 11-10 ✓, T2 11-06 ≤ 11-12 ✓, T2 11-16 > 11-14 ✗, T8 11-19 ≤ 11-20 ✓ → 3 of 4;
    // no A ticket is open at asOf with its due in Nov (T7's fell in Oct, T10's and T11's in Dec) → 3/4.
    expect(A.replies).toBe(4)
    expect(A.onTimeCompletion).toEqual(r(3, 4))
    // Follow-ups of A's work: T1 satisfied/yes, T2 unsatisfied/no, T2 basically_satisfied/yes → 3 回访.
    expect(A.followUps).toBe(3)
    // One 回访 per ticket, the latest: T2's first (不满意, 未解决) is replaced by its second after 重办.
    expect(A.satisfaction).toEqual(r(2, 2))
    expect(A.resolution).toEqual(r(2, 2))
    // 发回重办率: T2 reopened once ÷ 4 replies (not ÷ 3 follow-ups: a requester's 申请重办 comes without a 回访).
    expect(A.reopens).toBe(1)
    expect(A.reopenRate).toEqual(r(1, 4))
  })

  it('unit B', () => {
    // Dispatch/reassign to B in Nov: T3 reassign, T4, T6, T9 dispatch, T11 reassign → 5 events, 5 tickets (T5 came in Oct).
    expect([B.volume, B.dispatches]).toEqual([5, 5])
    // Returns by B: T11 (11-25 12:00) → 1/5.
    expect(B.returnRate).toEqual(r(1, 5))
    // 按时签收率: T3 accepted 15:00 ≤ 16:00 ✓ | T4 open, due 11-20 11:00 < asOf ✗ | T6 due 12-01 10:00 ≥ asOf → not counted
    //   T9 accepted 10:00 ≤ 11:00 ✓ | T11 returned 12:00 ≤ 13:00 → not counted → 2/3.
    expect(B.onTimeAcceptance).toEqual(r(2, 3))
    // 响应率: T3 contact 11-12 09:00 > 11-11 14:00 ✗ | T4 open, due 11-21 09:00 < asOf ✗ | T6 not due | T9 contact 11:00 ≤ 11-17 09:00 ✓
    //   T11 ended by the 14:00 reassign ≤ 11-26 11:00 → not counted → 1/3.
    expect(B.response).toEqual(r(1, 3))
    // 按时办结率: T5 replied 11-03 ≤ 11-04 18:00 ✓; open at asOf with due in Nov: T3 (11-17) ✗, T4 (11-27) ✗;
    // T9 is paused (补充材料) → not counted; T6 due in Dec → 1/3.
    expect(B.replies).toBe(1)
    expect(B.onTimeCompletion).toEqual(r(1, 3))
    // Follow-up of T5: satisfied, resolved not asked → 满意 1/1, 解决 0/0 (null); 发回重办 0 of 1 reply.
    expect(B.satisfaction).toEqual(r(1, 1))
    expect(B.resolution).toEqual(r(0, 0))
    expect(B.reopenRate).toEqual(r(0, 1))
  })

  it('totals sum numerators and denominators; volume counts each ticket once', () => {
    // Tickets dispatched in Nov: T1 T2 T3 T4 T6 T8 T9 T10 T11 → 9 (T3 and T11 went to both units).
    const total = totalKpis(rows, 9)
    expect(total.onTimeAcceptance).toEqual(r(3 + 2, 6 + 3))
    expect(total.onTimeCompletion).toEqual(r(3 + 1, 4 + 3))
    expect(total.returnRate).toEqual(r(4, 12))
  })

  it('a finished period does not change with later events', () => {
    const later = [...FIXTURE, ticket('T12', [['dispatch', '12-01 09:00', { unit: 'A', accept: '12-01 11:00', respond: '12-02 09:00', handle: '12-08 18:00' }]])]
    // T4 accepted in December: in November it was still unaccepted when its due passed.
    const t4 = ticket('T4', [
      ['dispatch', '11-20 09:00', { unit: 'B', accept: '11-20 11:00', respond: '11-21 09:00', handle: '11-27 18:00' }],
      ['accept', '12-02 09:00'],
    ])
    const again = hotlineUnitKpis(later.map((x) => (x.itemId === 'T4' ? t4 : x)), NOV, AS_OF)
    expect(again).toEqual(rows)
  })

  it('a running period counts only clocks already due by now', () => {
    // As of 11-20 10:00: T4's accept due (11:00) has not passed → B's accept runs: T3 ✓, T9 ✓ → 2/2.
    const running = hotlineUnitKpis(FIXTURE, NOV, t('11-20 10:00'))
    expect(running.find((x) => x.unitId === 'B')!.onTimeAcceptance).toEqual(r(2, 2))
  })
})

describe('hot topics and problem tickets', () => {
  it('ranks by count, with the rise against the previous equal period', () => {
    // 30 days before 11-01 00:00 (China time) is 10-02 00:00, i.e. 10-01 16:00 UTC.
    expect(previousPeriod(NOV)).toEqual({ from: '2026-10-01T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' })
    const topics = hotTopics(new Map([['a', 5], ['b', 5], ['c', 2]]), new Map([['a', 4], ['b', 0], ['d', 9]]))
    // b rose by 5 (from nothing), a by 1 (+25 %), c by 2 (from nothing); d only in the previous period is left out.
    expect(topics).toEqual([
      { key: 'b', count: 5, previous: 0, rise: 5, riseRate: null },
      { key: 'a', count: 5, previous: 4, rise: 1, riseRate: 0.25 },
      { key: 'c', count: 2, previous: 0, rise: 2, riseRate: null },
    ])
  })

  it('keeps 发回重办率 within 100% when requesters ask for 重办 themselves, before any 回访', () => {
    // Twice 申请重办 on the public page inside the 回访 window, then the third reply is followed up 满意.
    const asked = ticket('Q', [
      ['dispatch', '11-02 09:00', { unit: 'A' }],
      ['accept', '11-02 10:00'],
      ['reply', '11-03 09:00'],
      ['reopen', '11-03 15:00'],
      ['reply', '11-05 09:00'],
      ['reopen', '11-05 15:00'],
      ['reply', '11-07 09:00'],
      ['follow_up', '11-07 10:00', { rating: 'satisfied', resolved: true }],
    ])
    const [q] = hotlineUnitKpis([asked], NOV, AS_OF)
    expect([q!.reopens, q!.replies, q!.followUps]).toEqual([2, 3, 1])
    expect(q!.reopenRate).toEqual(r(2, 3)) // ÷ 回访 it read 2 of 1 = 200 %
  })

  it('counts one rating per ticket for 满意率 and 解决率: the latest 回访 before asOf', () => {
    // 回访 不满意, 重办, a second reply, 回访 满意: the ticket counts once, 满意 and 已解决.
    const redone = ticket('R', [
      ['dispatch', '11-02 09:00', { unit: 'A' }],
      ['accept', '11-02 10:00'],
      ['reply', '11-03 09:00'],
      ['follow_up', '11-03 10:00', { rating: 'unsatisfied', resolved: false }],
      ['reopen', '11-03 11:00'],
      ['reply', '11-10 09:00'],
      ['follow_up', '11-10 10:00', { rating: 'satisfied', resolved: true }],
    ])
    const [all] = hotlineUnitKpis([redone], NOV, AS_OF)
    expect([all!.followUps, all!.satisfaction, all!.resolution]).toEqual([2, r(1, 1), r(1, 1)])
    // As of 11-08 (the second round not yet followed up) the first 回访 still counts, 不满意.
    const [before] = hotlineUnitKpis([redone], NOV, t('11-08 00:00'))
    expect([before!.satisfaction, before!.resolution]).toEqual([r(0, 1), r(0, 1)])
    // A period that ended before the second 回访 keeps its figure.
    const [early] = hotlineUnitKpis([redone], { from: NOV.from, to: t('11-08 00:00') }, t('11-08 00:00'))
    expect(early!.satisfaction).toEqual(r(0, 1))
  })

  it('flags a ticket passed around twice without acceptance, and one reopened three times', () => {
    expect(problemReason(FIXTURE.find((x) => x.itemId === 'T11')!.events)).toEqual({ reason: 'passed_around', reopens: 0, reassignments: 2 })
    expect(problemReason(FIXTURE.find((x) => x.itemId === 'T3')!.events)).toBeNull()
    const reopened = ticket('R', [
      ['dispatch', '11-02 09:00', { unit: 'A' }],
      ['accept', '11-02 10:00'],
      ...(['11-03', '11-05', '11-07'] as const).flatMap((d): Step[] => [
        ['reply', `${d} 09:00`],
        ['follow_up', `${d} 10:00`, { rating: 'unsatisfied', resolved: false }],
        ['reopen', `${d} 11:00`],
      ]),
    ])
    expect(problemReason(reopened.events, t('11-07 10:30'))).toBeNull()
    expect(problemReason(reopened.events)).toEqual({ reason: 'reopened', reopens: 3, reassignments: 0 })
  })
})
