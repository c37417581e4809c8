import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { builtinRegistry } from './registry.ts'
import { fakeCalendar } from './fake-calendar.fixture.ts'
import { pauseClock, resolveLimit, resumeClock, workingDaysBetween, workingHoursBetween } from './clock.ts'
import type { ClockDef, KindDef } from './kind.types.ts'
import { validateKind } from './kind.validate.ts'
import { endOfDay, instantMs, localDate } from './time.ts'

const calendar = fakeCalendar(['2025-10-01', '2025-10-02', '2025-10-03'], ['2025-09-28'])
const dayClock: ClockDef = { name: 'handle', label: '办理', unit: 'working_days', limit: { fromData: 'limits.handle', otherwise: { unit: 'working_days', amount: 5 } }, startsOn: ['go'], stopsOn: [] }

describe('limits from the item data (fromData)', () => {
  it('reads a TimeLimit at a dotted path, else the fallback', () => {
    expect(resolveLimit(dayClock, { limits: { handle: { unit: 'working_hours', amount: 4 } } })).toEqual({ unit: 'working_hours', amount: 4 })
    expect(resolveLimit(dayClock, { limits: { handle: { unit: 'weeks', amount: 4 } } })).toEqual({ unit: 'working_days', amount: 5 })
    expect(resolveLimit(dayClock, {})).toEqual({ unit: 'working_days', amount: 5 })
  })

  it('is checked by validateKind: declared top field, pauses need resumes, events declared', () => {
    const kind: KindDef = {
      id: 'k', version: '1', label: 'k', initial: 'a', states: { a: { type: 'open', label: 'a' }, b: { type: 'closed', label: 'b' } },
      events: { go: { label: 'go' } }, transitions: [{ from: ['a'], event: 'go', to: 'b', roles: ['operator'] }],
      clocks: [{ ...dayClock, pausesOn: ['nope'] }], escalation: [], reporting: { every: 'none' }, fields: {},
    }
    const paths = validateKind(kind, builtinRegistry).map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining(['clocks[0].limit.fromData', 'clocks[0].pausesOn[0]', 'clocks[0].resumesOn']))
  })
})

describe('pausing and resuming a clock (计时暂停)', () => {
  it('counts working hours and working days between instants on the calendar', () => {
    expect(workingHoursBetween('2025-09-08T10:00:00+08:00', '2025-09-08T14:30:00+08:00', calendar)).toBe(4.5)
    // Friday 16:00 → Monday 10:00: 1 + 1 hours.
    expect(workingHoursBetween('2025-09-12T16:00:00+08:00', '2025-09-15T10:00:00+08:00', calendar)).toBe(2)
    expect(workingDaysBetween('2025-09-26', '2025-10-08', calendar)).toBe(6) // 9-28 (调休), 9-29, 9-30, 10-06, 10-07, 10-08
  })

  it('a clock not paused resumes unchanged; a pause and resume at the same instant moves nothing', () => {
    const state = { startedAt: '2025-09-08T10:00:00+08:00', dueAt: '2025-09-15T23:59:59+08:00', stoppedAt: null }
    expect(resumeClock(dayClock, state, '2025-09-10T10:00:00+08:00', {}, calendar)).toBe(state)
    const p = pauseClock(state, '2025-09-10T10:00:00+08:00')
    expect(resumeClock(dayClock, p, '2025-09-10T10:00:00+08:00', {}, calendar)).toEqual(state)
  })

  it('property: the due moves by exactly the working days paused, never earlier, and later resumes never give an earlier due', () => {
    const base = Date.parse('2025-09-01T09:00:00+08:00')
    const HOUR = 3_600_000
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 * 30 }), fc.integer({ min: 0, max: 24 * 30 }), fc.integer({ min: 0, max: 24 * 10 }), (pauseH, lenH, moreH) => {
        const state = { startedAt: new Date(base).toISOString(), dueAt: '2025-09-08T23:59:59+08:00', stoppedAt: null }
        const pausedAt = new Date(base + pauseH * HOUR).toISOString()
        const r1 = new Date(base + (pauseH + lenH) * HOUR).toISOString()
        const r2 = new Date(base + (pauseH + lenH + moreH) * HOUR).toISOString()
        const p = pauseClock(state, pausedAt)
        const a = resumeClock(dayClock, p, r1, {}, calendar)
        const b = resumeClock(dayClock, p, r2, {}, calendar)
        const n = workingDaysBetween(localDate(pausedAt), localDate(r1), calendar)
        expect(a.dueAt).toBe(n === 0 ? state.dueAt : endOfDay(calendar.addWorkingDays('2025-09-08', n)))
        expect(instantMs(a.dueAt!)).toBeGreaterThanOrEqual(instantMs(state.dueAt))
        expect(instantMs(b.dueAt!)).toBeGreaterThanOrEqual(instantMs(a.dueAt!))
        expect(a.pausedAt).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })
})
