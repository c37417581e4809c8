import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { builtinKinds, createKindCatalog, taskKind, ticketKind } from '../kinds/index.ts'
import type { KindDef, TransitionDef } from './kind.types.ts'
import { assertKindValid, validateKind } from './kind.validate.ts'
import { builtinRegistry } from './registry.ts'

const withTransition = (kind: KindDef, i: number, change: (t: TransitionDef) => TransitionDef): KindDef => ({
  ...kind,
  transitions: kind.transitions.map((t, j) => (j === i ? change(t) : t)),
})

describe('validateKind (校验事项类型)', () => {
  it.each(builtinKinds.map((k) => [k.id, k] as const))('accepts the built-in %s kind', (_id, kind) => {
    expect(validateKind(kind, builtinRegistry)).toEqual([])
  })

  const cases: readonly [string, KindDef, string, string][] = [
    ['an undeclared target', withTransition(taskKind, 2, (t) => ({ ...t, to: 'limbo' })), 'transitions[2].to', "'limbo'"],
    ['an undeclared source', withTransition(taskKind, 0, (t) => ({ ...t, from: ['nowhere'] })), 'transitions[0].from[0]', "'nowhere'"],
    ['an unregistered guard', withTransition(taskKind, 1, (t) => ({ ...t, guards: ['isFriday'] })), 'transitions[1].guards[0]', "'isFriday'"],
    ['an unregistered effect', withTransition(taskKind, 1, (t) => ({ ...t, effects: ['sendFax'] })), 'transitions[1].effects[0]', "'sendFax'"],
    ['an effect argument naming no clock', withTransition(taskKind, 5, (t) => ({ ...t, effects: ['recordExtension:deadline'] })), 'transitions[5].effects[0]', "'deadline'"],
    ['a missing initial state', { ...taskKind, initial: 'start' }, 'initial', "'start'"],
    ['a leader taking an event', withTransition(taskKind, 2, (t) => ({ ...t, roles: ['leader'] })), 'transitions[2].roles[0]', 'read only'],
    ['an undeclared event', withTransition(taskKind, 2, (t) => ({ ...t, event: 'sign' })), 'transitions[2].event', "'sign'"],
    ['a clock started by an undeclared event', { ...taskKind, clocks: [{ ...taskKind.clocks[0]!, startsOn: ['launch'] }] }, 'clocks[0].startsOn[0]', "'launch'"],
    ['an undeclared escalation step', { ...taskKind, clocks: [{ ...taskKind.clocks[1]!, onExpiry: { escalate: ['shame'] } }] }, 'clocks[0].onExpiry.escalate[0]', "'shame'"],
    ['a due_date clock on an undeclared field', { ...taskKind, clocks: [{ ...taskKind.clocks[1]!, limit: { field: 'deadline' } }] }, 'clocks[0].limit.field', "'deadline'"],
    ['a state with no way out', { ...taskKind, transitions: taskKind.transitions.filter((t) => !['approve_completion', 'return_completion', 'cancel'].includes(t.event)) }, 'states.completion_submitted', 'no way out'],
    ['an unguarded duplicate (state, event)', { ...taskKind, transitions: [...taskKind.transitions, { ...taskKind.transitions[0]!, to: 'draft' }] }, `transitions[${taskKind.transitions.length}]`, 'ambiguous'],
    ['an event label for a field the event does not take', { ...taskKind, events: { ...taskKind.events, accept: { label: '签收', fieldLabels: { text: '签收意见' } } } }, 'events.accept.fieldLabels.text', "takes no field 'text'"],
    ['an empty event label', { ...taskKind, events: { ...taskKind.events, report_progress: { label: '报送进展', fieldLabels: { text: ' ' } } } }, 'events.report_progress.fieldLabels.text', 'empty'],
    ['an unreachable state', { ...taskKind, states: { ...taskKind.states, archived: { type: 'closed', label: '已归档' } } }, 'states.archived', 'cannot be reached'],
  ]
  it.each(cases)('reports %s at its path', (_name, kind, path, mention) => {
    const problems = validateKind(kind, builtinRegistry)
    expect(problems.find((p) => p.path === path)?.message).toContain(mention)
  })

  it('accepts a duplicate (state, event) when the earlier transition has a guard', () => {
    // ticket: reopen from followed_up (guarded) and from closed — different states; add a same-state fallback.
    const fallback: TransitionDef = { from: ['followed_up'], event: 'reopen', to: 'closed', roles: ['operator'] }
    expect(validateKind({ ...ticketKind, transitions: [...ticketKind.transitions, fallback] }, builtinRegistry)).toEqual([])
  })

  it("refuses a transition given to a use-case the app does not name (via), and accepts the ticket's 并单 given to 'duplicates'", () => {
    const i = ticketKind.transitions.findIndex((t) => t.event === 'merge')
    expect(ticketKind.transitions[i]?.via).toBe('duplicates')
    // Only the `via` problems are looked at, so the effects named here need not be the app's full list.
    const problems = (useCases: readonly string[]) => validateKind(ticketKind, builtinRegistry, { effects: [], useCases }).filter((p) => p.path.endsWith('.via'))
    expect(problems(['duplicates'])).toEqual([])
    expect(problems([])).toEqual([{ path: `transitions[${i}].via`, message: "no use-case 'duplicates' takes this event" }])
  })

  it('throws DUBAN_ERR_KIND_INVALID listing the problems at start', () => {
    expect(() => assertKindValid({ ...taskKind, initial: 'start' }, builtinRegistry)).toThrow(/initial: initial state 'start'/)
    expect(() => createKindCatalog([taskKind, taskKind])).toThrow(/task@1 is registered twice/)
  })
})

type Mutation = (kind: KindDef, pick: number) => KindDef | null
const nth = <T>(xs: readonly T[], pick: number): T | undefined => xs[pick % Math.max(xs.length, 1)]

const mutations: Record<string, Mutation> = {
  retarget: (k, p) => withTransition(k, p % k.transitions.length, (t) => ({ ...t, to: `ghost${p}` })),
  resource: (k, p) => withTransition(k, p % k.transitions.length, (t) => ({ ...t, from: [...t.from, `ghost${p}`] })),
  unknownGuard: (k, p) => withTransition(k, p % k.transitions.length, (t) => ({ ...t, guards: [...(t.guards ?? []), `guard${p}`] })),
  unknownEffect: (k, p) => withTransition(k, p % k.transitions.length, (t) => ({ ...t, effects: [`effect${p}`, ...(t.effects ?? [])] })),
  unknownEvent: (k, p) => withTransition(k, p % k.transitions.length, (t) => ({ ...t, event: `event${p}` })),
  badInitial: (k, p) => ({ ...k, initial: `ghost${p}` }),
  closedInitial: (k, p) => {
    const closed = nth(Object.keys(k.states).filter((s) => k.states[s]?.type === 'closed'), p)
    return closed ? { ...k, initial: closed } : null
  },
  dropState: (k, p) => {
    const name = nth(Object.keys(k.states), p)
    if (!name) return null
    const { [name]: _dropped, ...states } = k.states
    return { ...k, states }
  },
  trapState: (k, p) => {
    const name = nth(Object.keys(k.states).filter((s) => k.states[s]?.type !== 'closed'), p)
    if (!name) return null
    const transitions = k.transitions.map((t) => ({ ...t, from: t.from.filter((s) => s !== name) })).filter((t) => t.from.length > 0)
    return { ...k, transitions }
  },
  duplicate: (k, p) => {
    const t = nth(k.transitions.filter((t) => !t.guards?.length && !t.actorMustBe), p)
    return t ? { ...k, transitions: [...k.transitions, t] } : null
  },
  ghostRole: (k, p) => withTransition(k, p % k.transitions.length, (t) => ({ ...t, roles: [...t.roles, 'leader'] })),
  clockEvent: (k, p) => {
    const c = nth(k.clocks, p)
    return c ? { ...k, clocks: k.clocks.map((x) => (x === c ? { ...x, stopsOn: [...x.stopsOn, `event${p}`] } : x)) } : null
  },
  escalationStep: (k, p) => {
    const c = nth(k.clocks, p)
    return c ? { ...k, clocks: k.clocks.map((x) => (x === c ? { ...x, onExpiry: { escalate: [`step${p}`] } } : x)) } : null
  },
  effectArg: (k, p) => withTransition(k, p % k.transitions.length, (t) => ({ ...t, effects: [p % 2 ? 'recordExtension:nope' : 'notify:nobody'] })),
}

describe('validateKind catches randomly broken kinds (property)', () => {
  it('finds at least one problem after any single mutation of a valid kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...builtinKinds), fc.constantFrom(...Object.keys(mutations)), fc.nat(1000), (kind, name, pick) => {
        const mutated = mutations[name]!(kind, pick)
        fc.pre(mutated !== null)
        expect(validateKind(mutated!, builtinRegistry).length).toBeGreaterThan(0)
      }),
      { numRuns: 500 },
    )
  })
})
