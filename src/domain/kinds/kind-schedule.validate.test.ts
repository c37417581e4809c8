import { describe, expect, it } from 'vitest'
import type { KindDef } from '../workflow/kind.types.ts'
import { builtinKinds, createKindCatalog, taskKind, ticketKind } from './index.ts'
import { scheduleProblems, statesWhileRunning } from './kind-schedule.validate.ts'

const clock = (kind: KindDef, name: string) => kind.clocks.find((c) => c.name === name)!
const withClock = (kind: KindDef, name: string, change: object): KindDef => ({
  ...kind,
  clocks: kind.clocks.map((c) => (c.name === name ? { ...c, ...change } : c)),
})

describe('what the tick must carry out is refused at start when nothing could (巡查可执行)', () => {
  it.each(builtinKinds.map((k) => [k.id, k] as const))('accepts the built-in %s kind', (_id, kind) => {
    expect(scheduleProblems(kind)).toEqual([])
  })

  it('finds the states a clock runs in from its start events to its stop events', () => {
    expect([...statesWhileRunning(taskKind, clock(taskKind, 'accept'))]).toEqual(['dispatched'])
    expect([...statesWhileRunning(ticketKind, clock(ticketKind, 'follow_up'))]).toEqual(['replied'])
    expect(new Set(statesWhileRunning(taskKind, clock(taskKind, 'due')))).toEqual(new Set(['dispatched', 'accepted', 'extension_requested', 'returned_by_unit']))
  })

  it("refuses an expiry event only a unit's liaison may take (the tick fires as system)", () => {
    const kind = withClock(taskKind, 'accept', { onExpiry: { emit: 'accept' } })
    expect(scheduleProblems(kind)).toEqual([{ path: 'clocks[0].onExpiry.emit', message: "event 'accept' cannot be taken by 'system' in any state clock 'accept' runs in" }])
  })

  it('refuses an expiry event the system may take, but not in any state the clock runs in', () => {
    const kind = withClock(ticketKind, 'follow_up', { onExpiry: { emit: 'supervise' } })
    expect(scheduleProblems(kind).map((p) => p.path)).toEqual(['clocks[4].onExpiry.emit'])
  })

  it('refuses an escalation step that no clock raises', () => {
    const kind: KindDef = { ...ticketKind, escalation: [...ticketKind.escalation, { name: 'interview', label: '约谈', afterDueWorkingDays: 10 }] }
    expect(scheduleProblems(kind)).toEqual([
      { path: 'escalation[3]', message: "kind 'ticket' step 'interview' (约谈) is raised by no clock: no clock's onExpiry.escalate names it, so its 10 working days after due would never be carried out" },
    ])
  })

  it('refuses a step only an issueNotice effect names (the 12345 督办单 before its handling clock raised it by time)', () => {
    // The ticket kind as it was: the handling clock fired 督办 on expiry and named only 提醒 and 通报.
    const old = withClock(ticketKind, 'handle', { onExpiry: { emit: 'supervise', escalate: ['remind', 'bulletin'] } })
    expect(scheduleProblems(old)).toEqual([expect.objectContaining({ path: 'escalation[1]', message: expect.stringContaining("kind 'ticket' step 'supervision_notice' (督办单) is raised by no clock") })])
    expect(() => createKindCatalog([old])).toThrow(/ticket@1: escalation\[1\]: kind 'ticket' step 'supervision_notice' \(督办单\) is raised by no clock/)
  })

  it('refuses an escalation step whose event the system cannot take where the step is raised', () => {
    const kind: KindDef = { ...ticketKind, escalation: ticketKind.escalation.map((s) => (s.name === 'bulletin' ? { ...s, emit: 'reply' } : s)) }
    expect(scheduleProblems(kind).map((p) => p.path)).toEqual(['escalation[2].emit'])
  })

  it("refuses a reporting cadence on a kind without a clock named 'due' (the tick checks reports only while it runs)", () => {
    expect(scheduleProblems({ ...ticketKind, reporting: { every: 'month', day: 25 } }).map((p) => p.path)).toEqual(['reporting'])
  })

  it('refuses the catalogue at start when one kind has such a stub', () => {
    expect(() => createKindCatalog([withClock(taskKind, 'accept', { onExpiry: { emit: 'accept' } })])).toThrow(/clocks\[0\]\.onExpiry\.emit: event 'accept' cannot be taken by 'system'/)
  })
})
