import { describe, expect, it } from 'vitest'
import { hotTopics, hotlineUnitKpis, previousPeriod, problemReason, totalKpis, type HotlineEvent, type TicketFacts } from './hotline.formulas.ts'

/** November 2026 in China time, assessed at its end. */
const NOV = { from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' }
const AS_OF = NOV.to
const t = (mmddhhmm: string): string => `2026-${mmddhhmm.slice(0, 5)}T${mmddhhmm.slice(6)}:00+08:00`

type Step = readonly [event: string, at: string, over?: { unit?: string; accept?: string; respond?: string; handle?: string; rating?: string; resolved?: boolean | null }]

/**
 * A ticket's hotline_event rows from a script. The lead unit and the clocks' dues carry forward from event
 * to event unless a step sets them (as the snapshot does); the handling clock runs after dispatch, reassign,
 * reopen, approve/refuse_extension and material_received, and stops or pauses after reply, withdraw,
 * request_extension and request_material.
 */
let seq = 0
function ticket(itemId: string, steps: readonly Step[]): TicketFacts {
  let unit: string | null = null
  let accept: string | null = null
  let respond: string | null = null
  let handle: string | null = null
  let running = false
  const events: HotlineEvent[] = steps.map(([event, at, o = {}]) => {
    unit = o.unit ?? unit
    accept = o.accept ? t(o.accept) : accept
    respond = o.respond ? t(o.respond) : respond
    handle = o.handle ? t(o.handle) : handle
    if (['dispatch', 'reassign', 'reopen', 'approve_extension', 'refuse_extension', 'material_received'].includes(event)) running = true
    if (['reply', 'withdraw', 'request_extension', 'request_material'].includes(event)) running = false
    return {
      seq: ++seq, event, at: t(at), unitId: unit, acceptDueAt: accept, respondDueAt: respond, handleDueAt: handle, handleRunning: running,
      rating: o.rating ?? null, resolved: o.resolved ?? null,
    }
  })
  return { itemId, categoryCode: '01.01.01', placeUnitId: null, receivedAt: events[0]?.at ?? t('11-01 00:00'), events }
}

// Dues are written out as the clocks would have set them (2 working hours to accept, 24 to respond, 5 working
// days to handle); the formulas only compare instants, so what matters is which side of each due an event falls.
const FIXTURE: TicketFacts[] = [
  // T1 A: accepted, contacted, replied on time; satisfied, resolved.
  ticket('T1', [
    ['dispatch', '11-03 09:00', { unit: 'A', accept: '11-03 11:00', respond: '11-04 09:00', handle: '11-10 18:00' }],
    ['accept', '11-03 10:00'],
    ['contact', '11-03 15:00'],
    ['reply', '11-09 10:00'],
    ['follow_up', '11-10 10:00', { rating: 'satisfied', resolved: true }],
    ['close', '11-10 11:00'],
  ]),
  // T2 A: accepted late; no contact, the reply answers the respond clock late; unsatisfied → reopened, replied late.
  ticket('T2', [
    ['dispatch', '11-05 09:00', { unit: 'A', accept: '11-05 11:00', respond: '11-06 09:00', handle: '11-12 18:00' }],
    ['accept', '11-05 12:00'],
    ['reply', '11-06 10:00'],
    ['follow_up', '11-07 10:00', { rating: 'unsatisfied', resolved: false }],
    ['reopen', '11-07 11:00', { handle: '11-14 18:00' }],
    ['reply', '11-16 10:00'],
    ['follow_up', '11-17 10:00', { rating: 'basically_satisfied', resolved: true }],
  ]),
  // T3 A → B: A returns within its accept limit; B accepts on time, contacts late, never replies (due 11-17).
  ticket('T3', [
    ['dispatch', '11-10 09:00', { unit: 'A', accept: '11-10 11:00', respond: '11-11 09:00', handle: '11-17 18:00' }],
    ['return', '11-10 10:00'],
    ['reassign', '11-10 14:00', { unit: 'B', accept: '11-10 16:00', respond: '11-11 14:00', handle: '11-17 18:00' }],
    ['accept', '11-10 15:00'],
    ['contact', '11-12 09:00'],
  ]),
  // T4 B: never accepted; every clock ran out in November.
  ticket('T4', [['dispatch', '11-20 09:00', { unit: 'B', accept: '11-20 11:00', respond: '11-21 09:00', handle: '11-27 18:00' }]]),
  // T5 B: dispatched in October, replied on time in November; followed up without asking whether it was solved.
  ticket('T5', [
    ['dispatch', '10-28 09:00', { unit: 'B', accept: '10-28 11:00', respond: '10-29 09:00', handle: '11-04 18:00' }],
    ['accept', '10-28 10:00'],
    ['contact', '10-28 11:00'],
    ['reply', '11-03 10:00'],
    ['follow_up', '11-04 10:00', { rating: 'satisfied', resolved: null }],
  ]),
  // T6 B: dispatched on the period's last afternoon; every due falls after asOf.
  ticket('T6', [['dispatch', '11-30 16:00', { unit: 'B', accept: '12-01 10:00', respond: '12-01 16:00', handle: '12-07 18:00' }]]),
  // T7 A: overdue since October, still open: not carried into November.
  ticket('T7', [
    ['dispatch', '10-20 09:00', { unit: 'A', accept: '10-20 11:00', respond: '10-21 09:00', handle: '10-27 18:00' }],
    ['accept', '10-20 10:00'],
  ]),
  // T8 A: an extension moves the handling due from 11-09 to 11-20 (the clock pauses while it waits); replied 11-19.
  ticket('T8', [
    ['dispatch', '11-02 09:00', { unit: 'A', accept: '11-02 11:00', respond: '11-03 09:00', handle: '11-09 18:00' }],
    ['accept', '11-02 10:00'],
    ['request_extension', '11-05 09:00'],
    ['approve_extension', '11-06 10:00', { handle: '11-20 18:00' }],
    ['reply', '11-19 10:00'],
  ]),
  // T9 B: waiting for the requester's material since 11-18 (clock paused) when its 11-23 due passes: not counted.
  ticket('T9', [
    ['dispatch', '11-16 09:00', { unit: 'B', accept: '11-16 11:00', respond: '11-17 09:00', handle: '11-23 18:00' }],
    ['accept', '11-16 10:00'],
    ['contact', '11-16 11:00'],
    ['request_material', '11-18 09:00'],
  ]),
  // T10 A: returned after its accept due; the centre refuses the return (a new accept run); accepted on time, contacted late.
  ticket('T10', [
    ['dispatch', '11-24 09:00', { unit: 'A', accept: '11-24 11:00', respond: '11-25 09:00', handle: '12-01 18:00' }],
    ['return', '11-24 14:00'],
    ['refuse_return', '11-24 16:00', { accept: '11-25 10:00' }],
    ['accept', '11-25 09:00'],
    ['contact', '11-25 09:30'],
  ]),
  // T11 A → B → A: returned twice within the accept limits, never accepted (a problem ticket).
  ticket('T11', [
    ['dispatch', '11-25 09:00', { unit: 'A', accept: '11-25 11:00', respond: '11-26 09:00', handle: '12-02 18:00' }],
    ['return', '11-25 10:00'],
    ['reassign', '11-25 11:00', { unit: 'B', accept: '11-25 13:00', respond: '11-26 11:00', handle: '12-02 18:00' }],
    ['return', '11-25 12:00'],
    ['reassign', '11-25 14:00', { unit: 'A', accept: '11-25 16:00', respond: '11-26 14:00', handle: '12-02 18:00' }],
  ]),
]

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
    // Follow-ups of A's work: T1 satisfied/yes, T2 unsatisfied/no, T2 basically_satisfied/yes → 满意 2/3, 解决 2/3.
    expect(A.followUps).toBe(3)
    expect(A.satisfaction).toEqual(r(2, 3))
    expect(A.resolution).toEqual(r(2, 3))
    // 发回重办率: T2 reopened once ÷ 3 follow-ups.
    expect(A.reopens).toBe(1)
    expect(A.reopenRate).toEqual(r(1, 3))
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
    // Follow-up of T5: satisfied, resolved not asked → 满意 1/1, 解决 0/0 (null); 发回重办 0/1.
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
