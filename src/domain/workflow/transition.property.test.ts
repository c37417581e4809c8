import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { builtinKinds } from '../kinds/index.ts'
import { fakeCalendar } from './fake-calendar.fixture.ts'
import { ROLES, type Actor, type FieldType, type KindDef, type Snapshot, type WorkflowEvent } from './kind.types.ts'
import { availableEvents, createSnapshot, transition } from './transition.ts'

const calendar = fakeCalendar(['2025-10-01', '2025-10-02', '2025-10-03'], ['2025-09-28'])
const UNITS = ['u1', 'u2', 'u3']
const START = Date.parse('2025-09-01T09:00:00+08:00')

/** Payload values of each field type, mostly valid, sometimes empty or of the wrong type. */
const valueOf = (type: FieldType): fc.Arbitrary<unknown> => {
  const good: Record<FieldType, fc.Arbitrary<unknown>> = {
    text: fc.constantFrom('已处理', 'satisfied', 'unsatisfied', 'basically_satisfied'),
    reason: fc.constantFrom('不属于本单位', '资金未到位'),
    number: fc.integer({ min: 0, max: 100 }),
    flag: fc.boolean(),
    date: fc.constantFrom('2025-11-30', '2026-01-31', '2026-06-30'),
    unit: fc.constantFrom(...UNITS),
    units: fc.subarray(UNITS, { minLength: 1 }),
    attachments: fc.constant(['file-1']),
    measures: fc.constant({ 完成率: 80 }),
  }
  return fc.oneof({ weight: 8, arbitrary: good[type] }, { weight: 1, arbitrary: fc.constantFrom(undefined, '', 42, '2025-02-30') })
}

const actorOf: fc.Arbitrary<Actor> = fc.record({
  userId: fc.constantFrom('creator', 'someone'),
  roles: fc.subarray([...ROLES], { minLength: 1, maxLength: 2 }),
  unitId: fc.constantFrom(...UNITS, undefined),
})

const FIELD_TYPE_LIST: readonly FieldType[] = ['text', 'reason', 'number', 'flag', 'date', 'unit', 'units', 'attachments', 'measures']

/**
 * One random step. Generated up front, resolved against the current state when it runs: usually an event
 * declared from that state by an actor holding one of its roles, sometimes a random actor or event, so
 * both the reachable graph and the refusals are exercised.
 */
const stepOf = fc.record({
  pick: fc.noBias(fc.nat(1000)),
  wildEvent: fc.noBias(fc.integer({ min: 0, max: 9 })).map((n) => n < 1),
  fitActor: fc.noBias(fc.integer({ min: 0, max: 9 })).map((n) => n < 7),
  ownUnit: fc.noBias(fc.integer({ min: 0, max: 9 })).map((n) => n < 8),
  actor: actorOf,
  values: fc.record(Object.fromEntries(FIELD_TYPE_LIST.map((t) => [t, valueOf(t)])) as Record<FieldType, fc.Arbitrary<unknown>>),
  minutes: fc.integer({ min: 1, max: 3000 }),
})
type Step = typeof stepOf extends fc.Arbitrary<infer T> ? T : never

function resolve(kind: KindDef, s: Snapshot, step: Step): { actor: Actor; event: WorkflowEvent } {
  const here = kind.transitions.filter((t) => t.from.includes(s.state))
  const pool = step.wildEvent || here.length === 0 ? kind.transitions : here
  const t = pool[step.pick % pool.length]!
  const payload = Object.fromEntries(
    Object.entries({ ...t.requires, ...t.optional })
      .map(([name, type]) => [name, step.values[type]] as const)
      .filter(([, v]) => v !== undefined),
  )
  const event: WorkflowEvent = step.pick % 97 === 0 ? { type: 'undeclared' } : { type: t.event, payload }
  if (!step.fitActor || t.roles.length === 0) return { actor: step.actor, event }
  const role = t.roles[step.pick % t.roles.length]!
  const lead = typeof s.data['lead'] === 'string' ? s.data['lead'] : undefined
  return { actor: { userId: step.ownUnit ? 'creator' : 'someone', roles: [role], unitId: step.ownUnit ? lead : step.actor.unitId }, event }
}

const stepsOf = fc.array(stepOf, { minLength: 20, maxLength: 80, size: 'max' })

/** An event of the kind with a payload shaped after one of its transitions. */
const eventOf = (kind: KindDef): fc.Arbitrary<WorkflowEvent> =>
  fc.constantFrom(...kind.transitions).chain((t) => {
    const entries = Object.entries({ ...t.requires, ...t.optional }).map(([name, type]) => valueOf(type).map((v) => [name, v] as const))
    return fc.tuple(...entries).map((pairs) => ({ type: t.event, payload: Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) }))
  })

const initial = (kind: KindDef, limitClass: string): Snapshot =>
  createSnapshot(kind, {
    // `requester`: the ticket's caller is the generator's 'creator' too (withdraw needs actorMustBe 'requester').
    data: { due: '2025-12-31', limitClass, requester: 'creator' },
    actor: { userId: 'creator', roles: ['citizen'] },
    now: new Date(START).toISOString(),
    calendar,
  })

describe.each(builtinKinds.map((k) => [k.id, k] as const))('random event sequences on the %s kind (property)', (_id, kind) => {
  it('only ever takes declared transitions by permitted roles into declared states', () => {
    const reached = new Set<string>()
    fc.assert(
      fc.property(stepsOf, fc.constantFrom('urgent', 'normal', 'consultation'), (steps, limitClass) => {
        let s = initial(kind, limitClass)
        let t = START
        for (const step of steps) {
          const { actor, event } = resolve(kind, s, step)
          t += step.minutes * 60_000
          const now = new Date(t).toISOString()
          const r = transition(kind, s, event, { actor, now, calendar })
          if (!r.ok) {
            expect(r.error.code).toMatch(/^DUBAN_ERR_(EVENT_UNKNOWN|TRANSITION_NOT_ALLOWED|ROLE_NOT_ALLOWED|NOT_ASSIGNEE|FIELD_REQUIRED|FIELD_INVALID|GUARD_FAILED)$/)
            continue
          }
          const taken = r.transition
          expect(kind.transitions).toContain(taken)
          expect(taken.event).toBe(event.type)
          expect(taken.from).toContain(s.state)
          expect(r.snapshot.state).toBe(taken.to ?? s.state)
          expect(taken.roles.some((role) => actor.roles.includes(role))).toBe(true)
          expect(actor.roles).not.toEqual(['leader'])
          expect(Object.hasOwn(kind.states, r.snapshot.state)).toBe(true)
          for (const name of Object.keys(r.snapshot.clocks)) expect(kind.clocks.some((c) => c.name === name)).toBe(true)
          for (const n of Object.values(r.snapshot.counters)) expect(Number.isInteger(n) && n > 0).toBe(true)
          expect(r.snapshot.kindVersion).toBe(kind.version)
          s = r.snapshot
          reached.add(s.state)
        }
      }),
      // More runs since the task kind gained 撤销下发 (a state reached only from the first two); a fixed seed so that
      // the coverage check below cannot pass or fail by chance (change the seed to explore other sequences).
      { numRuns: 1500, seed: 20261201 },
    )
    // The generator must reach every state, or the property says little about the deep ones.
    expect([...reached].sort()).toEqual(Object.keys(kind.states).filter((n) => n !== kind.initial).sort())
  })

  it('leaves a closed state only by an event declared from that closed state', () => {
    const closed = Object.keys(kind.states).filter((n) => kind.states[n]?.type === 'closed')
    fc.assert(
      fc.property(fc.constantFrom(...closed), actorOf, eventOf(kind), (state, actor, event) => {
        const s = { ...initial(kind, 'normal'), state, data: { lead: actor.unitId, createdBy: 'creator', rating: 'unsatisfied', due: '2025-12-31' } }
        const r = transition(kind, s, event, { actor, now: '2025-09-02T10:00:00+08:00', calendar })
        if (r.ok && r.snapshot.state !== state) {
          expect(kind.transitions.some((t) => t.from.includes(state) && t.event === event.type && t.to === r.snapshot.state)).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('offers in availableEvents only events declared from the current state for the actor’s roles', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(kind.states)), actorOf, (state, actor) => {
        const s = { ...initial(kind, 'normal'), state, data: { lead: 'u1' } }
        for (const e of availableEvents(kind, s, actor)) {
          expect(kind.transitions.some((t) => t.event === e.event && t.from.includes(state) && t.roles.some((r) => actor.roles.includes(r)))).toBe(true)
        }
        if (actor.roles.every((r) => r === 'leader')) expect(availableEvents(kind, s, actor)).toEqual([])
      }),
      { numRuns: 300 },
    )
  })
})
