import { describe, expect, it } from 'vitest'
import { builtinRegistry } from '../workflow/registry.ts'
import { fakeCalendar } from '../workflow/fake-calendar.fixture.ts'
import type { Actor, Snapshot, TimeLimit, WorkflowEvent } from '../workflow/kind.types.ts'
import { validateKind } from '../workflow/kind.validate.ts'
import { availableEvents, createSnapshot, transition } from '../workflow/transition.ts'
import { clockSignals, clockStatus } from '../workflow/clock.ts'
import { ticketKind } from './ticket.kind.ts'

const calendar = fakeCalendar()
const operator: Actor = { userId: 'op-1', roles: ['operator'] }
const supervisor: Actor = { userId: 'sup-1', roles: ['supervisor'] }
const requester: Actor = { userId: 'citizen:abc', roles: ['citizen'] }
const streetA: Actor = { userId: 'l-a', roles: ['unit_liaison'], unitId: 'street-a' }
const streetB: Actor = { userId: 'l-b', roles: ['unit_liaison'], unitId: 'street-b' }
const system: Actor = { userId: 'scheduler', roles: ['system'] }

// Monday 10:00.
const NOW = '2025-09-08T10:00:00+08:00'

type Limits = { handle: TimeLimit; accept: TimeLimit; respond: TimeLimit }
const NORMAL: Limits = { handle: { unit: 'working_days', amount: 7 }, accept: { unit: 'working_hours', amount: 2 }, respond: { unit: 'working_hours', amount: 24 } }
const URGENT: Limits = { handle: { unit: 'working_hours', amount: 2 }, accept: { unit: 'working_hours', amount: 0.5 }, respond: { unit: 'working_hours', amount: 2 } }

function step(s: Snapshot, actor: Actor, event: WorkflowEvent, now = NOW): Snapshot {
  const r = transition(ticketKind, s, event, { actor, now, calendar })
  if (!r.ok) throw r.error
  return r.snapshot
}
function run(s0: Snapshot, steps: readonly [Actor, WorkflowEvent, string?][]): Snapshot {
  return steps.reduce((s, [actor, event, now]) => step(s, actor, event, now ?? NOW), s0)
}
const refusal = (s: Snapshot, actor: Actor, event: WorkflowEvent, now = NOW) => {
  const r = transition(ticketKind, s, event, { actor, now, calendar })
  return r.ok ? null : r.error
}
const received = (limits: Limits | undefined = NORMAL): Snapshot =>
  createSnapshot(ticketKind, { data: { categoryCode: '03.02.05', requestType: 'complaint', urgency: 'normal', requester: requester.userId, ...(limits ? { limits } : {}) }, actor: operator, now: NOW, calendar })
const dispatched = (limits: Limits | undefined = NORMAL): Snapshot => step(received(limits), operator, { type: 'dispatch', payload: { lead: 'street-a' } })
const accepted = (limits: Limits | undefined = NORMAL): Snapshot => step(dispatched(limits), streetA, { type: 'accept' })
const replied = (s: Snapshot, now = NOW) => step(s, streetA, { type: 'reply', payload: { text: '已处理' } }, now)

describe('12345 ticket kind (12345 工单)', () => {
  it('is a valid kind', () => {
    expect(validateKind(ticketKind, builtinRegistry)).toEqual([])
  })

  it('runs received → dispatched → accepted → contact → replied → followed_up → closed', () => {
    const s = run(accepted(), [
      [streetA, { type: 'contact', payload: { text: '已电话联系' } }],
      [streetA, { type: 'reply', payload: { text: '已更换灯泡' } }],
      [operator, { type: 'follow_up', payload: { rating: 'satisfied', resolved: true } }],
      [operator, { type: 'close' }],
    ])
    expect(s.state).toBe('closed')
    expect(s.data).toMatchObject({ rating: 'satisfied', resolved: true, text: '已更换灯泡' })
    expect(s.counters['contacts']).toBe(1)
  })

  it('answers a consultation on the call (直接办结): text required, knowledge entry kept', () => {
    expect(refusal(received(), operator, { type: 'answer_directly' })?.code).toBe('DUBAN_ERR_FIELD_REQUIRED')
    const s = step(received(), operator, { type: 'answer_directly', payload: { text: '办理时间为工作日9:00-17:00', knowledgeEntry: 'KB-12' } })
    expect(s.state).toBe('closed')
    expect(s.data).toMatchObject({ text: '办理时间为工作日9:00-17:00', knowledgeEntry: 'KB-12' })
    expect(s.clocks['dispatch']?.stoppedAt).toBe(NOW)
  })

  it('starts the dispatch clock when the ticket is received: 2 working hours', () => {
    expect(received().clocks['dispatch']).toEqual({ startedAt: NOW, dueAt: '2025-09-08T12:00:00+08:00', stoppedAt: null })
  })

  it('takes accept, respond and handle limits from the ticket data (copied at intake)', () => {
    const n = accepted(NORMAL)
    expect(n.clocks['accept']).toMatchObject({ dueAt: '2025-09-08T12:00:00+08:00', stoppedAt: NOW })
    expect(n.clocks['respond']?.dueAt).toBe('2025-09-11T10:00:00+08:00')
    expect(n.clocks['handle']?.dueAt).toBe('2025-09-17T23:59:59+08:00')
    const u = dispatched(URGENT)
    expect(u.clocks['accept']?.dueAt).toBe('2025-09-08T10:30:00+08:00')
    expect(u.clocks['handle']?.dueAt).toBe('2025-09-08T12:00:00+08:00')
  })

  it('falls back to the kind defaults when the data has no limits', () => {
    const s = accepted(undefined)
    expect(s.clocks['handle']?.dueAt).toBe('2025-09-17T23:59:59+08:00')
    expect(s.clocks['accept']?.dueAt).toBe('2025-09-08T12:00:00+08:00')
  })

  it('stops the respond clock at the first contact, the handle clock at the reply', () => {
    const later = '2025-09-09T11:00:00+08:00'
    const s = step(accepted(), streetA, { type: 'contact' }, later)
    expect(s.clocks['respond']?.stoppedAt).toBe(later)
    expect(s.clocks['handle']?.stoppedAt).toBeNull()
    const r = replied(s, later)
    expect(r.clocks['handle']?.stoppedAt).toBe(later)
    expect(r.clocks['follow_up']).toMatchObject({ startedAt: later, stoppedAt: null })
  })

  it('reopens after an unsatisfied follow-up with a fresh limit, as often as needed', () => {
    const later = '2025-09-10T10:00:00+08:00'
    let s = accepted()
    for (let i = 1; i <= 4; i++) {
      s = run(replied(s, later), [
        [operator, { type: 'follow_up', payload: { rating: 'unsatisfied', resolved: false } }, later],
        [operator, { type: 'reopen' }, later],
      ])
      expect(s.state).toBe('accepted')
      expect(s.counters['reopens']).toBe(i)
    }
    expect(s.clocks['handle']).toMatchObject({ startedAt: later, stoppedAt: null, dueAt: '2025-09-19T23:59:59+08:00' })
  })

  it('does not reopen after a satisfied follow-up; follow-up needs rating and resolved', () => {
    const r = replied(accepted())
    expect(refusal(r, operator, { type: 'follow_up', payload: { rating: 'satisfied' } })?.details?.['field']).toBe('resolved')
    expect(refusal(r, operator, { type: 'follow_up', payload: { rating: 'great', resolved: true } })?.details?.['guard']).toBe('validRating')
    const s = step(r, operator, { type: 'follow_up', payload: { rating: 'basically_satisfied', resolved: true } })
    expect(refusal(s, operator, { type: 'reopen' })?.details?.['guard']).toBe('ratingUnsatisfied')
  })

  it('lets a supervisor reopen a closed ticket with a reason', () => {
    const closed = run(replied(accepted()), [
      [operator, { type: 'follow_up', payload: { rating: 'satisfied', resolved: true } }],
      [operator, { type: 'close' }],
    ])
    expect(step(closed, supervisor, { type: 'reopen', payload: { reason: '群众再次投诉' } }).state).toBe('accepted')
  })

  it('handles a return (退单): reassignment to another unit restarts accept, respond and handle clocks', () => {
    const later = '2025-09-09T10:00:00+08:00'
    const s = run(accepted(), [
      [streetA, { type: 'return', payload: { reason: '不在辖区' } }, later],
      [operator, { type: 'reassign', payload: { lead: 'street-a' } }, later],
    ].slice(0, 1) as [Actor, WorkflowEvent, string][])
    expect(s.state).toBe('return_requested')
    expect(refusal(s, operator, { type: 'reassign', payload: { lead: 'street-a' } }, later)?.details?.['guard']).toBe('leadChanges')
    const r = run(s, [
      [operator, { type: 'reassign', payload: { lead: 'street-b' } }, later],
      [streetB, { type: 'accept' }, later],
    ])
    expect(r.data['lead']).toBe('street-b')
    expect(r.counters).toMatchObject({ returns: 1, reassignments: 1 })
    expect(r.clocks['handle']).toMatchObject({ startedAt: later, dueAt: '2025-09-18T23:59:59+08:00' })
  })

  it('refuses a return (驳回退单): back to the same unit, which must accept again', () => {
    const s = run(dispatched(), [
      [streetA, { type: 'return', payload: { reason: '不属本单位职责' } }],
      [operator, { type: 'refuse_return', payload: { reason: '属于你单位职责' } }],
    ])
    expect(s.state).toBe('dispatched')
    expect(s.data['lead']).toBe('street-a')
    expect(availableEvents(ticketKind, s, streetA).map((e) => e.event)).toContain('accept')
  })

  it('records cooperating units (协办) and supervision (督办) without leaving the state', () => {
    const r = transition(ticketKind, accepted(), { type: 'cooperate', payload: { cooperating: ['water-co'] } }, { actor: streetA, now: NOW, calendar })
    expect(r.ok && r.effects.map((e) => `${e.name}:${e.arg}`)).toContain('notify:cooperating')
    const s = step(r.ok ? r.snapshot : accepted(), system, { type: 'supervise' })
    expect(s.state).toBe('accepted')
    expect(s.data['cooperating']).toEqual(['water-co'])
    expect(s.counters['supervisions']).toBe(1)
    const sup = transition(ticketKind, s, { type: 'supervise', payload: { text: '请加快办理' } }, { actor: supervisor, now: NOW, calendar })
    expect(sup.ok && sup.effects.find((e) => e.name === 'issueNotice')).toMatchObject({ arg: 'supervision_notice', applied: false })
  })

  it('lets only the requester withdraw, and only before a unit accepts', () => {
    expect(step(received(), requester, { type: 'withdraw' }).state).toBe('withdrawn')
    expect(step(dispatched(), requester, { type: 'withdraw', payload: { reason: '已自行解决' } }).state).toBe('withdrawn')
    expect(refusal(received(), { userId: 'citizen:other', roles: ['citizen'] }, { type: 'withdraw' })?.code).toBe('DUBAN_ERR_NOT_ASSIGNEE')
    expect(refusal(received(), operator, { type: 'withdraw' })?.code).toBe('DUBAN_ERR_ROLE_NOT_ALLOWED')
    expect(refusal(accepted(), requester, { type: 'withdraw' })?.code).toBe('DUBAN_ERR_TRANSITION_NOT_ALLOWED')
  })

  it('pauses the handling clock during a 补充材料 wait; its due moves by the paused working days', () => {
    // Due Wed 09-17; paused Tue 09-09 10:00, resumed Thu 09-11 15:00: two working days (Wed, Thu) paused.
    const paused = step(accepted(), streetA, { type: 'request_material', payload: { text: '请提供现场照片' } }, '2025-09-09T10:00:00+08:00')
    expect(paused.state).toBe('material_requested')
    expect(paused.clocks['handle']).toMatchObject({ pausedAt: '2025-09-09T10:00:00+08:00', dueAt: '2025-09-17T23:59:59+08:00' })
    expect(clockStatus(ticketKind, paused, '2025-09-30T10:00:00+08:00', calendar).find((c) => c.name === 'handle')?.status).toBe('paused')
    // A paused clock raises nothing even far past its old due.
    const signals = clockSignals(ticketKind, paused, '2025-09-09T10:00:00+08:00', '2025-09-30T10:00:00+08:00', calendar)
    expect(signals.filter((x) => x.clock === 'handle')).toEqual([])
    const resumed = step(paused, operator, { type: 'material_received', payload: { text: '照片已补充' } }, '2025-09-11T15:00:00+08:00')
    expect(resumed.state).toBe('accepted')
    expect(resumed.clocks['handle']).toEqual({ startedAt: NOW, dueAt: '2025-09-19T23:59:59+08:00', stoppedAt: null })
  })

  it('pauses an hours clock by the working hours paused', () => {
    // Urgent: handle due 12:00; paused 10:30–14:00 = 3.5 working hours → due 15:30.
    const s = run(dispatched(URGENT), [
      [streetA, { type: 'accept' }],
      [streetA, { type: 'request_material', payload: { text: '请补充地址' } }, '2025-09-08T10:30:00+08:00'],
      [streetA, { type: 'material_received' }, '2025-09-08T14:00:00+08:00'],
    ])
    expect(s.clocks['handle']?.dueAt).toBe('2025-09-08T15:30:00+08:00')
  })

  it('pauses while an extension request waits: refused moves the due by the wait, approved sets the approved date', () => {
    const asked = step(accepted(), streetA, { type: 'request_extension', payload: { reason: '需协调供电公司', newDue: '2025-09-30' } }, '2025-09-10T10:00:00+08:00')
    expect(asked.clocks['handle']?.pausedAt).toBe('2025-09-10T10:00:00+08:00')
    const refused = step(asked, operator, { type: 'refuse_extension', payload: { reason: '时限充足' } }, '2025-09-11T10:00:00+08:00')
    expect(refused.clocks['handle']?.dueAt).toBe('2025-09-18T23:59:59+08:00')
    const approved = step(asked, supervisor, { type: 'approve_extension' }, '2025-09-12T10:00:00+08:00')
    expect(approved.clocks['handle']).toEqual({ startedAt: NOW, dueAt: '2025-09-30T23:59:59+08:00', stoppedAt: null })
  })

  it('refuses an extension to a date not after the handling due', () => {
    expect(refusal(accepted(), streetA, { type: 'request_extension', payload: { reason: 'x', newDue: '2025-09-16' } })?.details?.['guard']).toBe('newDueAfterHandlingDue')
  })

  it('tells the scheduler to remind on the due day, supervise (督办单) 1 working day later, then escalate', () => {
    const s = step(accepted(), streetA, { type: 'contact' })
    const signals = clockSignals(ticketKind, s, '2025-09-17T18:00:00+08:00', '2025-09-30T23:59:59+08:00', calendar)
    expect(signals.map((x) => (x.type === 'escalate' ? `escalate:${x.step}` : `${x.type}:${x.clock}`))).toEqual([
      'expire:handle',
      'escalate:remind',
      'escalate:supervision_notice',
      'escalate:bulletin',
    ])
    // The expiry itself fires nothing: on the due day only the reminder (提醒).
    expect(signals.find((x) => x.type === 'expire')).toMatchObject({ clock: 'handle', event: undefined })
    expect(signals.find((x) => x.type === 'escalate' && x.step === 'remind')).toMatchObject({ at: '2025-09-17T23:59:59+08:00', event: undefined })
    expect(signals.find((x) => x.type === 'escalate' && x.step === 'supervision_notice')).toMatchObject({ at: '2025-09-18T23:59:59+08:00', event: 'supervise' })
    // Up to the end of the day after the due day, no 督办.
    const dayAfter = clockSignals(ticketKind, s, '2025-09-17T18:00:00+08:00', '2025-09-18T23:00:00+08:00', calendar)
    expect(dayAfter.some((x) => x.type !== 'warn' && x.event === 'supervise')).toBe(false)
  })
})
