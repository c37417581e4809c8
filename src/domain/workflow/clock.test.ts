import { describe, expect, it } from 'vitest'
import { taskKind } from '../kinds/task.kind.ts'
import { clockSignals, clockStatus, computeDueAt, escalationAt } from './clock.ts'
import { fakeCalendar } from './fake-calendar.fixture.ts'
import type { ClockDef, Snapshot } from './kind.types.ts'

// National Day 2025: 1–8 Oct off; Sunday 28 Sep and Saturday 11 Oct are 调休 working days.
const calendar = fakeCalendar(
  ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
  ['2025-09-28', '2025-10-11'],
)
const clock = (over: Partial<ClockDef>): ClockDef => ({ name: 'c', label: 'c', unit: 'working_days', limit: 2, startsOn: ['go'], stopsOn: ['stop'], ...over })

describe('due instants (截止时刻)', () => {
  it.each([
    ['2 working days from a Tuesday', clock({}), '2025-09-02T10:00:00+08:00', '2025-09-04T23:59:59+08:00'],
    ['working days over National Day, counting the 调休 Saturday', clock({ limit: 3 }), '2025-09-30T10:00:00+08:00', '2025-10-11T23:59:59+08:00'],
    ['working days started on a 调休 Saturday', clock({ limit: 1 }), '2025-10-11T09:00:00+08:00', '2025-10-13T23:59:59+08:00'],
    ['calendar days ignore holidays', clock({ unit: 'calendar_days', limit: 3 }), '2025-09-30T10:00:00+08:00', '2025-10-03T23:59:59+08:00'],
    ['working hours roll over the evening', clock({ unit: 'working_hours', limit: 4 }), '2025-09-02T15:00:00+08:00', '2025-09-03T11:00:00+08:00'],
    ['an instant late in the UTC day uses the China date', clock({ limit: 1 }), '2025-09-01T17:00:00Z', '2025-09-03T23:59:59+08:00'],
  ])('computes %s', (_name, c, startedAt, dueAt) => {
    expect(computeDueAt(c, startedAt, {}, calendar)).toBe(dueAt)
  })

  it('takes a due_date limit from the item field and is null without it', () => {
    const c = clock({ unit: 'due_date', limit: { field: 'due' } })
    expect(computeDueAt(c, '2025-09-01T10:00:00+08:00', { due: '2025-09-30' }, calendar)).toBe('2025-09-30T23:59:59+08:00')
    expect(computeDueAt(c, '2025-09-01T10:00:00+08:00', {}, calendar)).toBeNull()
  })

  it('raises escalation steps on due and then n working days after the due date', () => {
    expect(escalationAt('2025-09-30T23:59:59+08:00', 0, calendar)).toBe('2025-09-30T23:59:59+08:00')
    expect(escalationAt('2025-09-30T23:59:59+08:00', 2, calendar)).toBe('2025-10-10T23:59:59+08:00')
  })
})

const base: Snapshot = {
  kind: 'task',
  kindVersion: '1',
  state: 'accepted',
  clocks: { due: { startedAt: '2025-09-01T10:00:00+08:00', dueAt: '2025-09-30T23:59:59+08:00', stoppedAt: null } },
  counters: {},
  data: { due: '2025-09-30' },
}
const statusOf = (s: Snapshot, now: string) => clockStatus(taskKind, s, now, calendar).find((c) => c.name === 'due')

describe('clock status (时限状态)', () => {
  it.each([
    ['2025-08-31T10:00:00+08:00', 'not_started', false],
    ['2025-09-10T10:00:00+08:00', 'running', false],
    ['2025-09-25T10:00:00+08:00', 'running', false],
    ['2025-09-26T10:00:00+08:00', 'warning', false],
    ['2025-09-30T23:59:59+08:00', 'warning', false],
    ['2025-10-01T00:00:00+08:00', 'overdue', true],
  ])('at %s is %s', (now, status, late) => {
    expect(statusOf(base, now)).toMatchObject({ status, late })
  })

  it('reports a clock stopped after due as stopped and late', () => {
    const s = { ...base, clocks: { due: { ...base.clocks['due']!, stoppedAt: '2025-10-09T10:00:00+08:00' } } }
    expect(statusOf(s, '2025-10-20T10:00:00+08:00')).toMatchObject({ status: 'stopped', late: true })
  })

  it('reports the accept clock as not started when it never ran', () => {
    expect(clockStatus(taskKind, base, '2025-09-10T10:00:00+08:00', calendar).find((c) => c.name === 'accept')?.status).toBe('not_started')
  })
})

describe('clock signals for the scheduler (到期信号)', () => {
  it('warns once when the clock enters its warning window', () => {
    expect(clockSignals(taskKind, base, '2025-09-25T18:00:00+08:00', '2025-09-26T09:00:00+08:00', calendar)).toEqual([
      { type: 'warn', clock: 'due', at: '2025-09-26T09:00:00+08:00' },
    ])
    expect(clockSignals(taskKind, base, '2025-09-26T09:00:00+08:00', '2025-09-26T10:00:00+08:00', calendar)).toEqual([])
  })

  it('raises expiry, the remind step with its event, and later steps on their working days', () => {
    const first = clockSignals(taskKind, base, '2025-09-30T12:00:00+08:00', '2025-10-01T08:00:00+08:00', calendar)
    expect(first).toEqual([
      { type: 'expire', clock: 'due', at: '2025-09-30T23:59:59+08:00', event: undefined },
      { type: 'escalate', clock: 'due', step: 'remind', label: '提醒', at: '2025-09-30T23:59:59+08:00', event: 'remind' },
    ])
    // Supervision notice 3 working days after 30 Sep: 9, 10, 11 (调休) Oct.
    const later = clockSignals(taskKind, base, '2025-10-01T08:00:00+08:00', '2025-10-12T08:00:00+08:00', calendar)
    expect(later.map((x) => x.type === 'escalate' && [x.step, x.at])).toEqual([['supervision_notice', '2025-10-11T23:59:59+08:00']])
  })

  it('counts the expiry and the ladder of a clock started already past due from its start, not from the due date', () => {
    // Dispatched Thursday 25 Sep, due 19 Sep: the unit is not held late for the week before it had the task.
    const late: Snapshot = { ...base, clocks: { due: { startedAt: '2025-09-25T10:00:00+08:00', dueAt: '2025-09-19T23:59:59+08:00', stoppedAt: null } }, data: { due: '2025-09-19' } }
    const first = clockSignals(taskKind, late, '1970-01-01T00:00:00Z', '2025-09-25T10:05:00+08:00', calendar)
    expect(first).toEqual([
      { type: 'expire', clock: 'due', at: '2025-09-25T10:00:00+08:00', event: undefined },
      { type: 'escalate', clock: 'due', step: 'remind', label: '提醒', at: '2025-09-25T10:00:00+08:00', event: 'remind' },
    ])
    // 督办单 at the end of the 3rd working day after the dispatch day: 26, 28 (调休 Sunday), 29 Sep.
    const later = clockSignals(taskKind, late, '2025-09-25T10:05:00+08:00', '2025-10-12T08:00:00+08:00', calendar)
    expect(later.map((x) => x.type === 'escalate' && [x.step, x.at])).toEqual([['supervision_notice', '2025-09-29T23:59:59+08:00']])
    // Against the due date it would have been 24 Sep, before the unit even had the task.
    expect(escalationAt('2025-09-19T23:59:59+08:00', 3, calendar)).toBe('2025-09-24T23:59:59+08:00')
  })

  it('raises nothing for a stopped clock', () => {
    const s = { ...base, clocks: { due: { ...base.clocks['due']!, stoppedAt: '2025-09-29T10:00:00+08:00' } } }
    expect(clockSignals(taskKind, s, '2025-09-01T00:00:00+08:00', '2026-09-01T00:00:00+08:00', calendar)).toEqual([])
  })
})
