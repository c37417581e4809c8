import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { taskKind, ticketKind } from '../../domain/kinds/index.ts'
import { clockSignals, startClock } from '../../domain/workflow/clock.ts'
import { fakeCalendar } from '../../domain/workflow/fake-calendar.fixture.ts'
import type { KindDef, Snapshot } from '../../domain/workflow/kind.types.ts'
import { addCalendarDays } from '../../domain/workflow/time.ts'
import { nextFireAt } from './next-fire.ts'

const cal = fakeCalendar(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], ['2026-09-28', '2026-10-10'])
const EPOCH = '1970-01-01T00:00:00.000Z'
const T0 = Date.parse('2026-09-01T00:00:00+08:00')
const DAY = 86_400_000

/** What the tick would owe at `t`: each signal by type, clock and step (a warning's `at` is the tick's now). */
const owed = (kind: KindDef, s: Snapshot, t: number): Set<string> =>
  new Set(clockSignals(kind, s, EPOCH, new Date(t).toISOString(), cal).map((x) => `${x.type}:${x.clock}:${'step' in x ? x.step : ''}`))

/** A snapshot with every clock of the kind started at `startMs` (the task's due date `days` later). */
function snapshotOf(kind: KindDef, startMs: number, days: number): Snapshot {
  const startedAt = new Date(startMs).toISOString()
  const data = { due: addCalendarDays(startedAt.slice(0, 10), days) }
  const clocks = Object.fromEntries(kind.clocks.map((c) => [c.name, startClock(c, startedAt, data, cal)]))
  return { kind: kind.id, kindVersion: kind.version, state: '', counters: {}, data, clocks }
}

describe('the next-fire time', () => {
  for (const kind of [taskKind, ticketKind]) {
    it(`owes nothing new before it and something new at it (${kind.id}: warnings, expiries, every ladder step)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 60 * DAY }),
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 90 * DAY }),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
          (start, days, after, probes) => {
            const s = snapshotOf(kind, T0 + start, days)
            const now = T0 + start + after
            const before = owed(kind, s, now)
            const next = nextFireAt(kind, s, new Date(now), cal, null)
            if (next === null) {
              for (const k of owed(kind, s, now + 400 * DAY)) expect(before.has(k)).toBe(true)
              return
            }
            const at = Date.parse(next)
            expect(at).toBeGreaterThan(now)
            for (const p of [...probes, 1 - 1e-12]) {
              const t = now + Math.floor((at - now - 1) * p)
              for (const k of owed(kind, s, t)) expect(before.has(k), `${k} owed at ${new Date(t).toISOString()}, before ${next}`).toBe(true)
            }
            const startedLater = Object.values(s.clocks).some((c) => Date.parse(c.startedAt) === at)
            if (!startedLater) expect([...owed(kind, s, at)].some((k) => !before.has(k))).toBe(true)
          },
        ),
        { numRuns: 300 },
      )
    })
  }

  it('fires the day after each expected progress report, from the first one on', () => {
    const s = snapshotOf(taskKind, Date.parse('2026-09-01T09:00:00+08:00'), 200)
    const report = { cadence: { every: 'month', day: 25 } as const, firstReport: '2026-09-08' }
    const at = (iso: string): string | null => nextFireAt({ ...taskKind, clocks: [] }, s, new Date(iso), cal, report)
    expect(at('2026-09-02T10:00:00+08:00')).toBe('2026-09-25T16:00:00.000Z')
    expect(at('2026-09-25T23:00:00+08:00')).toBe('2026-09-25T16:00:00.000Z')
    expect(at('2026-09-26T00:30:00+08:00')).toBe('2026-10-25T16:00:00.000Z')
  })
})
