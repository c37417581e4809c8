import { describe, expect, it } from 'vitest'
import { taskKind } from '../kinds/task.kind.ts'
import { countOnTimeReports, expectedReportDates } from './cadence.ts'
import { fakeCalendar } from './fake-calendar.fixture.ts'
import { applyOverride, overrideProblems } from './kind.override.ts'
import { validateKind } from './kind.validate.ts'
import { builtinRegistry } from './registry.ts'
import { createSnapshot, transition } from './transition.ts'

const calendar = fakeCalendar()
const city = applyOverride(taskKind, {
  id: 'city-a',
  version: '3',
  stateLabels: { accepted: '落实中' },
  eventLabels: { accept: '接收' },
  clocks: { accept: { limit: 1 } },
  escalation: { interview: { afterDueWorkingDays: 7 } },
})

describe('city configuration of a kind (地方配置)', () => {
  it('renames states and events and changes time limits without changing structure', () => {
    expect(city.states['accepted']).toEqual({ type: 'open', label: '落实中' })
    expect(city.events['accept']?.label).toBe('接收')
    expect(city.clocks.find((c) => c.name === 'accept')?.limit).toBe(1)
    expect(city.escalation.find((s) => s.name === 'interview')?.afterDueWorkingDays).toBe(7)
    expect(city.transitions).toBe(taskKind.transitions)
    expect(validateKind(city, builtinRegistry)).toEqual([])
  })

  it('gives the configured kind its own version, so items keep the one they started with', () => {
    expect(city.version).toBe('1+city-a.3')
    const item = createSnapshot(taskKind, { data: { due: '2025-12-31' }, now: '2025-09-01T10:00:00+08:00', calendar })
    const r = transition(city, item, { type: 'confirm' }, { actor: { userId: 's', roles: ['supervisor'] }, now: '2025-09-01T10:00:00+08:00', calendar })
    expect(!r.ok && r.error.code).toBe('DUBAN_ERR_KIND_VERSION_MISMATCH')
  })

  it('names override entries the kind does not declare', () => {
    expect(overrideProblems(taskKind, { id: 'c', version: '1', stateLabels: { archived: '已归档' }, clocks: { reply: { limit: 3 } } })).toEqual([
      'stateLabels.archived: no such state',
      'clocks.reply: no such clock',
    ])
  })
})

describe('reporting cadence (报送频次)', () => {
  it.each([
    ['monthly by the 25th', { every: 'month', day: 25 } as const, '2025-01-10', '2025-04-24', ['2025-01-25', '2025-02-25', '2025-03-25']],
    ['monthly by the 31st clamps to month end', { every: 'month', day: 31 } as const, '2025-01-01', '2025-03-31', ['2025-01-31', '2025-02-28', '2025-03-31']],
    ['quarterly by the 5th of the quarter’s last month', { every: 'quarter', day: 5 } as const, '2025-02-01', '2025-12-31', ['2025-03-05', '2025-06-05', '2025-09-05', '2025-12-05']],
    ['weekly on Friday', { every: 'week', weekday: 5 } as const, '2025-09-01', '2025-09-14', ['2025-09-05', '2025-09-12']],
    ['never', { every: 'none' } as const, '2025-01-01', '2025-12-31', []],
  ])('lists due dates %s', (_name, cadence, from, to, dates) => {
    expect(expectedReportDates(cadence, from, to)).toEqual(dates)
  })

  it('counts a report on time when it came after the previous due date and by this one', () => {
    const expected = ['2025-01-25', '2025-02-25', '2025-03-25']
    // January on time; February's report came late (26 Feb) and so counts for March, not February.
    expect(countOnTimeReports(expected, ['2025-01-20T10:00:00+08:00', '2025-02-26T10:00:00+08:00'])).toBe(2)
    expect(countOnTimeReports(expected, ['2025-01-25T23:30:00+08:00'])).toBe(1)
  })
})
