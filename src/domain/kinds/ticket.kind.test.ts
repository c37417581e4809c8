import { describe, expect, it } from 'vitest'
import { fakeCalendar } from '../workflow/fake-calendar.fixture.ts'
import type { Actor, Snapshot, WorkflowEvent } from '../workflow/kind.types.ts'
import { createSnapshot, transition } from '../workflow/transition.ts'
import { clockSignals } from '../workflow/clock.ts'
import { ticketKind } from './ticket.kind.ts'

const calendar = fakeCalendar()
const operator: Actor = { userId: 'op-1', roles: ['operator'] }
const supervisor: Actor = { userId: 'sup-1', roles: ['supervisor'] }
const citizen: Actor = { userId: 'citizen-1', roles: ['citizen'] }
const streetA: Actor = { userId: 'l-a', roles: ['unit_liaison'], unitId: 'street-a' }
const streetB: Actor = { userId: 'l-b', roles: ['unit_liaison'], unitId: 'street-b' }
const system: Actor = { userId: 'scheduler', roles: ['system'] }

// Monday 10:00.
const NOW = '2025-09-08T10:00:00+08:00'

function run(s0: Snapshot, steps: readonly [Actor, WorkflowEvent][], now = NOW): Snapshot {
  let s = s0
  for (const [actor, event] of steps) {
    const r = transition(ticketKind, s, event, { actor, now, calendar })
    if (!r.ok) throw r.error
    s = r.snapshot
  }
  return s
}
const received = (limitClass = 'normal'): Snapshot =>
  createSnapshot(ticketKind, { data: { content: '小区路灯不亮', category: '市政设施', limitClass }, actor: citizen, now: NOW, calendar })
const accepted = (limitClass = 'normal'): Snapshot =>
  run(received(limitClass), [
    [operator, { type: 'dispatch', payload: { lead: 'street-a' } }],
    [streetA, { type: 'accept' }],
  ])

describe('12345 ticket kind (12345 工单)', () => {
  it('runs received → dispatched → accepted → replied → followed_up → closed', () => {
    const s = run(accepted(), [
      [streetA, { type: 'reply', payload: { text: '已更换灯泡' } }],
      [operator, { type: 'follow_up', payload: { rating: 'satisfied', resolved: true } }],
      [operator, { type: 'close' }],
    ])
    expect(s.state).toBe('closed')
    expect(s.data).toMatchObject({ rating: 'satisfied', resolved: true, text: '已更换灯泡' })
  })

  it('starts the dispatch clock when the ticket is received: 2 working hours', () => {
    expect(received().clocks['dispatch']).toEqual({ startedAt: NOW, dueAt: '2025-09-08T12:00:00+08:00', stoppedAt: null })
  })

  it.each([
    ['urgent', '2025-09-11T10:00:00+08:00'],
    ['pressing', '2025-09-11T23:59:59+08:00'],
    ['consultation', '2025-09-09T23:59:59+08:00'],
    ['normal', '2025-09-15T23:59:59+08:00'],
    ['unknown-class', '2025-09-15T23:59:59+08:00'],
  ])('sets the handling time limit by limit class %s', (limitClass, dueAt) => {
    expect(accepted(limitClass).clocks['handle']?.dueAt).toBe(dueAt)
  })

  it('gives urgent tickets half a working hour to accept', () => {
    const s = run(received('urgent'), [[operator, { type: 'dispatch', payload: { lead: 'street-a' } }]])
    expect(s.clocks['accept']?.dueAt).toBe('2025-09-08T10:30:00+08:00')
  })

  it('reopens after an unsatisfied follow-up with a fresh time limit, at most twice', () => {
    const later = '2025-09-10T10:00:00+08:00'
    const unsatisfied = (s: Snapshot): Snapshot =>
      run(s, [
        [streetA, { type: 'reply', payload: { text: '已处理' } }],
        [operator, { type: 'follow_up', payload: { rating: 'unsatisfied', resolved: false } }],
      ], later)
    const once = run(unsatisfied(accepted()), [[operator, { type: 'reopen' }]], later)
    expect(once.state).toBe('accepted')
    expect(once.counters['reopens']).toBe(1)
    expect(once.clocks['handle']).toMatchObject({ startedAt: later, stoppedAt: null, dueAt: '2025-09-17T23:59:59+08:00' })
    const twice = run(unsatisfied(once), [[operator, { type: 'reopen' }]], later)
    const third = transition(ticketKind, unsatisfied(twice), { type: 'reopen' }, { actor: operator, now: later, calendar })
    expect(!third.ok && third.error.code).toBe('DUBAN_ERR_GUARD_FAILED')
    expect(!third.ok && third.error.details?.['guard']).toBe('reopenAllowed')
  })

  it('does not reopen after a satisfied follow-up', () => {
    const s = run(accepted(), [
      [streetA, { type: 'reply', payload: { text: '已处理' } }],
      [operator, { type: 'follow_up', payload: { rating: 'basically_satisfied' } }],
    ])
    const r = transition(ticketKind, s, { type: 'reopen' }, { actor: operator, now: NOW, calendar })
    expect(!r.ok && r.error.details?.['guard']).toBe('ratingUnsatisfied')
  })

  it('lets a supervisor reopen a closed ticket with a reason', () => {
    const closed = run(accepted(), [
      [streetA, { type: 'reply', payload: { text: '已处理' } }],
      [operator, { type: 'follow_up', payload: { rating: 'satisfied' } }],
      [operator, { type: 'close' }],
    ])
    expect(run(closed, [[supervisor, { type: 'reopen', payload: { reason: '群众再次投诉' } }]]).state).toBe('accepted')
  })

  it('handles a return (退单) and a reassignment (改派) to another street', () => {
    const s = run(accepted(), [
      [streetA, { type: 'return', payload: { reason: '不在辖区' } }],
      [operator, { type: 'reassign', payload: { lead: 'street-b' } }],
      [streetB, { type: 'accept' }],
    ])
    expect(s.data['lead']).toBe('street-b')
    expect(s.state).toBe('accepted')
  })

  it('records cooperating units (协办) and supervision (督办) without leaving the state', () => {
    const s = run(accepted(), [
      [streetA, { type: 'cooperate', payload: { cooperating: ['water-co'] } }],
      [system, { type: 'supervise' }],
    ])
    expect(s.state).toBe('accepted')
    expect(s.data['cooperating']).toEqual(['water-co'])
    expect(s.counters['supervisions']).toBe(1)
  })

  it('lets only the requester withdraw the ticket', () => {
    expect(run(received(), [[citizen, { type: 'withdraw' }]]).state).toBe('withdrawn')
    const r = transition(ticketKind, received(), { type: 'withdraw' }, { actor: { userId: 'someone-else', roles: ['citizen'] }, now: NOW, calendar })
    expect(!r.ok && r.error.code).toBe('DUBAN_ERR_NOT_ASSIGNEE')
  })

  it('refuses a follow-up with a rating outside the scale', () => {
    const s = run(accepted(), [[streetA, { type: 'reply', payload: { text: 'ok' } }]])
    const r = transition(ticketKind, s, { type: 'follow_up', payload: { rating: 'great' } }, { actor: operator, now: NOW, calendar })
    expect(!r.ok && r.error.details?.['guard']).toBe('validRating')
  })

  it('extends the handling clock to the approved date', () => {
    const s = run(accepted(), [
      [streetA, { type: 'request_extension', payload: { reason: '需协调供电公司', newDue: '2025-09-30' } }],
      [operator, { type: 'approve_extension' }],
    ])
    expect(s.clocks['handle']?.dueAt).toBe('2025-09-30T23:59:59+08:00')
  })

  it('tells the scheduler to supervise and escalate when the handling clock expires', () => {
    const s = accepted()
    const signals = clockSignals(ticketKind, s, '2025-09-15T18:00:00+08:00', '2025-09-22T23:59:59+08:00', calendar)
    // Dispatch and accept clocks stopped long ago and raise nothing.
    expect(signals.map((x) => (x.type === 'escalate' ? `escalate:${x.step}` : `${x.type}:${x.clock}`))).toEqual([
      'expire:handle',
      'escalate:remind',
      'escalate:bulletin',
    ])
    expect(signals.find((x) => x.type === 'expire')).toMatchObject({ clock: 'handle', event: 'supervise' })
  })
})
