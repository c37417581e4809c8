/**
 * What the scheduler must be able to carry out (巡查可执行), checked for every kind when the catalogue is built,
 * beside validateKind: an event a clock's expiry or an escalation step fires is fired by the tick as `system`
 * (src/app/supervision/supervise-tick.ts), so some transition of that event must let `system` take it (no
 * `actorMustBe`: the system is no unit and no requester) from a state in which that clock runs; an escalation step
 * must be raised by a clock (one whose `onExpiry.escalate` names it, or the supervised clock, which escalates through
 * the whole ladder): its offset (afterDueWorkingDays) is a time, and only a clock's expiry counts it. An
 * `issueNotice:<step>` effect names the step for the notice it issues but raises nothing at that time, so it does not
 * count (the 12345 ticket's 督办单 step was such a stub until its handling clock named it); and a reporting cadence is checked by the tick only while a clock named
 * `due` runs. Otherwise the declaration would be a stub: accepted at start, carried out by nothing.
 */
import type { ClockDef, KindDef } from '../workflow/kind.types.ts'
import type { KindProblem } from '../workflow/kind.validate.ts'
import { START_EVENT } from '../workflow/transition.ts'

/** The clock the supervision configuration governs (as supervisedClockOf in src/domain/supervision/supervision-config.ts). */
const isSupervised = (kind: KindDef, c: ClockDef): boolean =>
  c === (kind.clocks.find((x) => x.unit === 'due_date') ?? kind.clocks.find((x) => x.name === 'due'))

/** The states an item can be in while the clock runs: from where its start events lead, along events that do not stop it. */
export function statesWhileRunning(kind: KindDef, clock: ClockDef): ReadonlySet<string> {
  const running = new Set<string>()
  const queue: string[] = []
  const reach = (s: string): void => {
    if (!running.has(s) && Object.hasOwn(kind.states, s) && kind.states[s]?.type !== 'closed') {
      running.add(s)
      queue.push(s)
    }
  }
  if (clock.startsOn.includes(START_EVENT)) reach(kind.initial)
  for (const t of kind.transitions) {
    if (!clock.startsOn.includes(t.event)) continue
    if (t.to !== undefined) reach(t.to)
    else t.from.forEach(reach)
  }
  while (queue.length > 0) {
    const s = queue.pop() as string
    for (const t of kind.transitions) {
      if (t.to !== undefined && t.from.includes(s) && !clock.stopsOn.includes(t.event)) reach(t.to)
    }
  }
  return running
}

/** Whether the system may take `event` from one of `states`. */
const systemCanFire = (kind: KindDef, event: string, states: ReadonlySet<string>): boolean =>
  kind.transitions.some((t) => t.event === event && t.roles.includes('system') && t.actorMustBe === undefined && t.from.some((s) => states.has(s)))

/** Every problem of a kind's scheduled work (see the module comment); empty when the tick can carry all of it out. */
export function scheduleProblems(kind: KindDef): readonly KindProblem[] {
  const problems: KindProblem[] = []
  const escalatingStates = new Map<string, Set<string>>()
  kind.clocks.forEach((c, i) => {
    const running = statesWhileRunning(kind, c)
    const emit = c.onExpiry?.emit
    if (emit !== undefined && Object.hasOwn(kind.events, emit) && !systemCanFire(kind, emit, running)) {
      problems.push({ path: `clocks[${i}].onExpiry.emit`, message: `event '${emit}' cannot be taken by 'system' in any state clock '${c.name}' runs in` })
    }
    const steps = isSupervised(kind, c) ? kind.escalation.map((s) => s.name) : (c.onExpiry?.escalate ?? [])
    for (const step of steps) {
      const states = escalatingStates.get(step) ?? new Set<string>()
      running.forEach((s) => states.add(s))
      escalatingStates.set(step, states)
    }
  })
  kind.escalation.forEach((s, i) => {
    const states = escalatingStates.get(s.name)
    if (!states) {
      problems.push({
        path: `escalation[${i}]`,
        message: `kind '${kind.id}' step '${s.name}' (${s.label}) is raised by no clock: no clock's onExpiry.escalate names it, so its ${s.afterDueWorkingDays} working days after due would never be carried out`,
      })
    }
    if (s.emit !== undefined && Object.hasOwn(kind.events, s.emit) && states && !systemCanFire(kind, s.emit, states)) {
      problems.push({ path: `escalation[${i}].emit`, message: `event '${s.emit}' cannot be taken by 'system' in any state the step is raised in` })
    }
  })
  if (kind.reporting.every !== 'none' && !kind.clocks.some((c) => c.name === 'due')) {
    problems.push({ path: 'reporting', message: "a reporting cadence is checked only while a clock named 'due' runs, and the kind has none" })
  }
  return problems
}
