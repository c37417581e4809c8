import { describe, expect, it } from 'vitest'
import { fakeCalendar } from '../workflow/fake-calendar.fixture.ts'
import type { Actor, Snapshot, WorkflowEvent } from '../workflow/kind.types.ts'
import { availableEvents, createSnapshot, transition } from '../workflow/transition.ts'
import { clockStatus } from '../workflow/clock.ts'
import { taskKind } from './task.kind.ts'

const calendar = fakeCalendar(['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'], ['2025-09-28', '2025-10-11'])
const supervisor: Actor = { userId: 'u-sup', roles: ['supervisor'] }
const liaison: Actor = { userId: 'u-liaison', roles: ['unit_liaison'], unitId: 'unit-edu' }
const otherLiaison: Actor = { userId: 'u-other', roles: ['unit_liaison'], unitId: 'unit-health' }
const responsibleLiaison: Actor = { userId: 'u-resp', roles: ['unit_liaison'], unitId: 'unit-fin' }
const admin: Actor = { userId: 'u-admin', roles: ['admin'] }
const leader: Actor = { userId: 'u-leader', roles: ['leader'] }

const NOW = '2025-09-01T10:00:00+08:00'

function run(snapshot: Snapshot, steps: readonly [Actor, WorkflowEvent][], now = NOW): Snapshot {
  let s = snapshot
  for (const [actor, event] of steps) {
    const r = transition(taskKind, s, event, { actor, now, calendar })
    if (!r.ok) throw r.error
    s = r.snapshot
  }
  return s
}

const fresh = (): Snapshot => createSnapshot(taskKind, { data: { title: '推进义务教育优质均衡', due: '2025-12-31' }, actor: supervisor, now: NOW, calendar })
const dispatched = (): Snapshot =>
  run(fresh(), [
    [supervisor, { type: 'confirm' }],
    [supervisor, { type: 'dispatch', payload: { lead: 'unit-edu', responsible: ['unit-fin'] } }],
  ])
const accepted = (): Snapshot => run(dispatched(), [[liaison, { type: 'accept' }]])

describe('plan task kind (督办任务)', () => {
  it('runs the happy path from draft to closed and stops the due clock on submission', () => {
    const s = run(accepted(), [
      [liaison, { type: 'report_progress', payload: { text: '已完成选址', measures: { 新增学位: 1200 } } }],
      [liaison, { type: 'submit_completion', payload: { text: '已建成投用' } }],
      [supervisor, { type: 'approve_completion' }],
    ])
    expect(s.state).toBe('closed')
    expect(s.data['lead']).toBe('unit-edu')
    expect(s.data['measures']).toEqual({ 新增学位: 1200 })
    expect(s.counters['reports']).toBe(2)
    expect(s.clocks['due']).toMatchObject({ dueAt: '2025-12-31T23:59:59+08:00', stoppedAt: NOW })
  })

  it('starts the accept clock on dispatch, due 2 working days later', () => {
    const s = run(fresh(), [
      [supervisor, { type: 'confirm' }],
      [supervisor, { type: 'dispatch', payload: { lead: 'unit-edu' } }],
    ], '2025-09-26T16:00:00+08:00')
    // Friday 26 Sep → Sunday 28 Sep is a 调休 working day → Monday 29 Sep.
    expect(s.clocks['accept']?.dueAt).toBe('2025-09-29T23:59:59+08:00')
  })

  it('returns effects for the use-case to run and marks engine-applied ones', () => {
    const r = transition(taskKind, run(fresh(), [[supervisor, { type: 'confirm' }]]), { type: 'dispatch', payload: { lead: 'unit-edu' } }, { actor: supervisor, now: NOW, calendar })
    expect(r.ok && r.effects).toEqual([
      { name: 'assign', arg: 'lead', applied: true },
      { name: 'assign', arg: 'responsible', applied: true },
      { name: 'assign', arg: 'cooperating', applied: true },
      { name: 'assign', arg: 'due', applied: true },
      { name: 'notify', arg: 'assignees', applied: false },
    ])
  })

  it('extends the due date and due clock when an extension is approved', () => {
    const s = run(accepted(), [
      [liaison, { type: 'request_extension', payload: { reason: '资金未到位', newDue: '2026-03-31' } }],
      [supervisor, { type: 'approve_extension' }],
    ])
    expect(s.state).toBe('accepted')
    expect(s.data['due']).toBe('2026-03-31')
    expect(s.clocks['due']?.dueAt).toBe('2026-03-31T23:59:59+08:00')
    expect(s.counters['extensions']).toBe(1)
    expect(s.data['requestedDue']).toBeUndefined()
  })

  it('keeps the due date when an extension is refused', () => {
    const s = run(accepted(), [
      [liaison, { type: 'request_extension', payload: { reason: '资金未到位', newDue: '2026-03-31' } }],
      [supervisor, { type: 'refuse_extension', payload: { reason: '时限不可调整' } }],
    ])
    expect(s.data['due']).toBe('2025-12-31')
    expect(s.counters['extensions']).toBeUndefined()
  })

  it('goes back to accepted when completion is returned and resumes the due clock', () => {
    const s = run(accepted(), [
      [liaison, { type: 'submit_completion', payload: { text: '已完成' } }],
      [supervisor, { type: 'return_completion', payload: { reason: '佐证材料不全' } }],
    ])
    expect(s.state).toBe('accepted')
    expect(s.clocks['due']?.stoppedAt).toBeNull()
    expect(s.counters['completionReturns']).toBe(1)
  })

  it('lets a unit return a task to the centre, and the supervisor reassign it to another unit', () => {
    const s = run(dispatched(), [
      [liaison, { type: 'return_to_centre', payload: { reason: '不属于本单位职责' } }],
      [supervisor, { type: 'reassign', payload: { lead: 'unit-health' } }],
      [otherLiaison, { type: 'accept' }],
    ])
    expect(s.state).toBe('accepted')
    expect(s.data['lead']).toBe('unit-health')
    expect(s.counters).toMatchObject({ returns: 1, reassignments: 1 })
  })

  it('lets an admin cancel a task in any open state', () => {
    for (const start of [fresh(), dispatched(), accepted()]) {
      expect(run(start, [[admin, { type: 'cancel', payload: { reason: '任务取消' } }]]).state).toBe('cancelled')
    }
  })

  it('lets a responsible unit report progress but not submit completion', () => {
    const s = run(accepted(), [[responsibleLiaison, { type: 'report_progress', payload: { text: '资金已拨付' } }]])
    expect(s.counters['reports']).toBe(1)
    const r = transition(taskKind, s, { type: 'submit_completion', payload: { text: 'x' } }, { actor: responsibleLiaison, now: NOW, calendar })
    expect(!r.ok && r.error.code).toBe('DUBAN_ERR_NOT_ASSIGNEE')
  })

  const refusals: readonly { name: string; from: () => Snapshot; actor: Actor; event: WorkflowEvent; code: string; mention: string }[] = [
    { name: 'accepting a draft', from: fresh, actor: liaison, event: { type: 'accept' }, code: 'DUBAN_ERR_TRANSITION_NOT_ALLOWED', mention: "'accept' in state 'draft'" },
    { name: 'a unit dispatching', from: () => run(fresh(), [[supervisor, { type: 'confirm' }]]), actor: liaison, event: { type: 'dispatch', payload: { lead: 'x' } }, code: 'DUBAN_ERR_ROLE_NOT_ALLOWED', mention: 'supervisor' },
    { name: 'a leader accepting', from: dispatched, actor: leader, event: { type: 'accept' }, code: 'DUBAN_ERR_ROLE_NOT_ALLOWED', mention: 'unit_liaison' },
    { name: 'another unit accepting', from: dispatched, actor: otherLiaison, event: { type: 'accept' }, code: 'DUBAN_ERR_NOT_ASSIGNEE', mention: 'assignee_lead' },
    { name: 'dispatching without a lead unit', from: () => run(fresh(), [[supervisor, { type: 'confirm' }]]), actor: supervisor, event: { type: 'dispatch' }, code: 'DUBAN_ERR_FIELD_REQUIRED', mention: "'lead'" },
    { name: 'a progress report without text', from: accepted, actor: liaison, event: { type: 'report_progress', payload: { text: '  ' } }, code: 'DUBAN_ERR_FIELD_REQUIRED', mention: "'text'" },
    { name: 'an extension without a reason', from: accepted, actor: liaison, event: { type: 'request_extension', payload: { newDue: '2026-01-31' } }, code: 'DUBAN_ERR_FIELD_REQUIRED', mention: "'reason'" },
    { name: 'an extension with a malformed date', from: accepted, actor: liaison, event: { type: 'request_extension', payload: { reason: 'r', newDue: '2026-02-30' } }, code: 'DUBAN_ERR_FIELD_INVALID', mention: "'newDue'" },
    { name: 'an extension to an earlier date', from: accepted, actor: liaison, event: { type: 'request_extension', payload: { reason: 'r', newDue: '2025-11-30' } }, code: 'DUBAN_ERR_GUARD_FAILED', mention: 'newDueIsLater' },
    { name: 'refusing an extension without a reason', from: () => run(accepted(), [[liaison, { type: 'request_extension', payload: { reason: 'r', newDue: '2026-01-31' } }]]), actor: supervisor, event: { type: 'refuse_extension' }, code: 'DUBAN_ERR_FIELD_REQUIRED', mention: "'reason'" },
    { name: 'returning completion without a reason', from: () => run(accepted(), [[liaison, { type: 'submit_completion', payload: { text: 'done' } }]]), actor: supervisor, event: { type: 'return_completion' }, code: 'DUBAN_ERR_FIELD_REQUIRED', mention: "'reason'" },
    { name: 'reassigning to the same unit', from: dispatched, actor: supervisor, event: { type: 'reassign', payload: { lead: 'unit-edu' } }, code: 'DUBAN_ERR_GUARD_FAILED', mention: 'leadChanges' },
    { name: 'dispatching a task with no due date', from: () => run(createSnapshot(taskKind, { now: NOW, calendar }), [[supervisor, { type: 'confirm' }]]), actor: supervisor, event: { type: 'dispatch', payload: { lead: 'unit-edu' } }, code: 'DUBAN_ERR_GUARD_FAILED', mention: 'hasDue' },
    { name: 'a supervisor cancelling', from: accepted, actor: supervisor, event: { type: 'cancel', payload: { reason: 'r' } }, code: 'DUBAN_ERR_ROLE_NOT_ALLOWED', mention: 'admin' },
    { name: 'leaving a closed task', from: () => run(accepted(), [[liaison, { type: 'submit_completion', payload: { text: 'd' } }], [supervisor, { type: 'approve_completion' }]]), actor: admin, event: { type: 'cancel', payload: { reason: 'r' } }, code: 'DUBAN_ERR_TRANSITION_NOT_ALLOWED', mention: "state 'closed'" },
    { name: 'an undeclared event', from: accepted, actor: supervisor, event: { type: 'fly' }, code: 'DUBAN_ERR_EVENT_UNKNOWN', mention: "'fly' is not an event of kind 'task' (its events: confirm, dispatch" },
    { name: 'a name only an object has, not the kind', from: accepted, actor: supervisor, event: { type: 'toString' }, code: 'DUBAN_ERR_EVENT_UNKNOWN', mention: "'toString'" },
  ]
  it.each(refusals)('refuses $name with $code', ({ from, actor, event, code, mention }) => {
    const before = from()
    const r = transition(taskKind, before, event, { actor, now: NOW, calendar })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe(code)
      expect(r.error.message).toContain(mention)
    }
  })

  it('allows dispatch with the due date given in the payload', () => {
    const s = run(createSnapshot(taskKind, { now: NOW, calendar }), [
      [supervisor, { type: 'confirm' }],
      [supervisor, { type: 'dispatch', payload: { lead: 'unit-edu', due: '2025-11-30' } }],
    ])
    expect(s.clocks['due']?.dueAt).toBe('2025-11-30T23:59:59+08:00')
  })

  it('refuses an item started under another kind version', () => {
    const r = transition(taskKind, { ...accepted(), kindVersion: '0' }, { type: 'remind' }, { actor: supervisor, now: NOW, calendar })
    expect(!r.ok && r.error.code).toBe('DUBAN_ERR_KIND_VERSION_MISMATCH')
  })

  it('offers the lead unit its buttons and a leader none', () => {
    const s = accepted()
    expect(availableEvents(taskKind, s, liaison).map((e) => e.event)).toEqual(['report_progress', 'request_extension', 'submit_completion', 'return_to_centre'])
    expect(availableEvents(taskKind, s, leader)).toEqual([])
    expect(availableEvents(taskKind, s, otherLiaison)).toEqual([])
    expect(availableEvents(taskKind, s, supervisor).map((e) => e.label)).toEqual(['改派', '催办'])
  })

  it('reports the due clock overdue after the due date and not before', () => {
    const s = accepted()
    const at = (now: string) => clockStatus(taskKind, s, now, calendar).find((c) => c.name === 'due')?.status
    expect(at('2025-12-01T09:00:00+08:00')).toBe('running')
    expect(at('2025-12-29T09:00:00+08:00')).toBe('warning')
    expect(at('2026-01-01T00:00:00+08:00')).toBe('overdue')
  })
})
