import { describe, expect, it } from 'vitest'
import { taskKind, ticketKind } from '../kinds/index.ts'
import type { Snapshot } from './kind.types.ts'
import { availableEvents } from './transition.ts'

const operator = { userId: 'u-op', roles: ['operator' as const] }
const followedUp = (data: Record<string, unknown>, reopens = 0): Snapshot => ({
  kind: 'ticket',
  kindVersion: ticketKind.version,
  state: 'followed_up',
  clocks: {},
  counters: { reopens },
  data,
})
const events = (s: Snapshot) => availableEvents(ticketKind, s, operator).map((e) => e.event)

describe('availableEvents (可办操作): guards that decide from the item alone', () => {
  it('offers 重办 after an unsatisfied 回访 and not after a satisfied one (pressing it would be refused)', () => {
    expect(events(followedUp({ rating: 'unsatisfied' }))).toContain('reopen')
    expect(events(followedUp({ rating: 'satisfied' }))).not.toContain('reopen')
    expect(events(followedUp({ rating: 'basically_satisfied' }))).not.toContain('reopen')
  })

  it('still offers an event whose guards read the payload (延期: the new date is judged when the event is taken)', () => {
    const accepted: Snapshot = { kind: 'task', kindVersion: taskKind.version, state: 'accepted', clocks: {}, counters: {}, data: { lead: 'unit-a', due: '2026-06-30' } }
    const liaison = { userId: 'u-l', roles: ['unit_liaison' as const], unitId: 'unit-a' }
    expect(availableEvents(taskKind, accepted, liaison).map((e) => e.event)).toContain('request_extension')
  })
})
