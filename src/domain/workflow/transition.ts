/**
 * The engine (流转引擎): start an item, take an event, list the events an actor may take. Pure: time,
 * the calendar and the actor are passed in; the result is the next snapshot plus the effects the
 * use-case must run, which it saves in one transaction with the snapshot.
 */
import { DubanError } from '../errors.ts'
import { labelsOf } from '../field-labels.ts'
import { pauseClock, resumeClock, startClock, type WorkingCalendar } from './clock.ts'
import type { Actor, Effect, FieldType, KindDef, Snapshot, TransitionDef, WorkflowEvent } from './kind.types.ts'
import { builtinRegistry, ITEM_ONLY_GUARDS, parseEffect, type EffectDraft, type GuardInput, type WorkflowRegistry } from './registry.ts'
import { isIsoDate } from './time.ts'

/** The pseudo-event that starts clocks when an item is created (创建). */
export const START_EVENT = '$start'

/** What transition() needs besides the kind, snapshot and event (上下文). */
export interface TransitionContext {
  readonly actor: Actor
  /** The current instant, ISO with offset. */
  readonly now: string
  readonly calendar: WorkingCalendar
  /** Defaults to the built-in guards and effects. */
  readonly registry?: WorkflowRegistry
}

/** The result of transition() (流转结果): the next snapshot and effects, or the reason it was refused. */
export type TransitionResult =
  | { readonly ok: true; readonly snapshot: Snapshot; readonly effects: readonly Effect[]; readonly transition: TransitionDef }
  | { readonly ok: false; readonly error: DubanError }

/** An event an actor may take now (可办操作), for buttons and forms. */
export interface AvailableEvent {
  readonly event: string
  readonly label: string
  readonly to: string
  readonly requires: Readonly<Record<string, FieldType>>
  readonly optional: Readonly<Record<string, FieldType>>
}

/** Create the first snapshot of an item (新建事项) in the kind's initial state, starting `$start` clocks. */
export function createSnapshot(
  kind: KindDef,
  init: { readonly data?: Readonly<Record<string, unknown>>; readonly actor?: Actor; readonly now: string; readonly calendar: WorkingCalendar },
): Snapshot {
  const data: Record<string, unknown> = { ...init.data }
  if (init.actor) data['createdBy'] = init.actor.userId
  const clocks: Record<string, ReturnType<typeof startClock>> = {}
  for (const clock of kind.clocks) {
    if (clock.startsOn.includes(START_EVENT)) clocks[clock.name] = startClock(clock, init.now, data, init.calendar)
  }
  return { kind: kind.id, kindVersion: kind.version, state: kind.initial, clocks, counters: {}, data }
}

/** Whether the actor holds one of the transition's roles. */
function roleAllows(t: TransitionDef, actor: Actor): boolean {
  return t.roles.some((r) => actor.roles.includes(r))
}

/** Whether the actor stands in the required relationship to the item (本单位事项). */
export function relationHolds(t: TransitionDef, snapshot: Snapshot, actor: Actor): boolean {
  switch (t.actorMustBe) {
    case undefined:
      return true
    case 'creator':
      return snapshot.data['createdBy'] === actor.userId
    case 'requester':
      return typeof snapshot.data['requester'] === 'string' && snapshot.data['requester'] === actor.userId
    case 'assignee_lead':
      // `leads`: every 牵头单位 of an item with several, each a full owner (shared work).
      return actor.unitId !== undefined && (snapshot.data['lead'] === actor.unitId || asArray(snapshot.data['leads']).includes(actor.unitId))
    case 'assignee_any': {
      if (actor.unitId === undefined) return false
      const units = [snapshot.data['lead'], ...asArray(snapshot.data['leads']), ...asArray(snapshot.data['responsible']), ...asArray(snapshot.data['cooperating'])]
      return units.includes(actor.unitId)
    }
  }
}

const asArray = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : [])

/** 'missing', 'invalid' or null for a payload value of a field type. */
function checkValue(type: FieldType, v: unknown): 'missing' | 'invalid' | null {
  if (v === undefined || v === null || v === '') return 'missing'
  switch (type) {
    case 'text':
    case 'reason':
    case 'unit':
      return typeof v !== 'string' ? 'invalid' : v.trim() === '' ? 'missing' : null
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'invalid'
    case 'flag':
      return typeof v === 'boolean' ? null : 'invalid'
    case 'date':
      return isIsoDate(v) ? null : 'invalid'
    case 'units':
    case 'attachments':
      if (!Array.isArray(v)) return 'invalid'
      if (v.length === 0) return 'missing'
      return v.every((x) => (typeof x === 'string' && x !== '') || (type === 'attachments' && typeof x === 'object' && x !== null)) ? null : 'invalid'
    case 'measures': {
      if (typeof v !== 'object' || Array.isArray(v)) return 'invalid'
      const values = Object.values(v as Record<string, unknown>)
      if (values.length === 0) return 'missing'
      return values.every((x) => typeof x === 'number' && Number.isFinite(x)) ? null : 'invalid'
    }
  }
}

/** The first payload problem of a transition as a DubanError, or null. */
function checkPayload(kind: KindDef, t: TransitionDef, event: WorkflowEvent): DubanError | null {
  const payload = event.payload ?? {}
  // The field's name on this event, else the kind's (the ticket's `text` is 答复内容), else the shared table's (DubanError.field).
  const own = labelsOf(kind, event.type)
  const label = (field: string): string | undefined => (Object.hasOwn(own, field) ? own[field] : undefined)
  for (const [field, type] of Object.entries(t.requires ?? {})) {
    const problem = checkValue(type, payload[field])
    if (problem === 'missing') return new DubanError('DUBAN_ERR_FIELD_REQUIRED', `'${field}' (${type}) for '${event.type}'`, { where: field, label: label(field), details: { field, type } })
    if (problem === 'invalid') return new DubanError('DUBAN_ERR_FIELD_INVALID', `'${field}' must be ${type}`, { where: field, label: label(field), details: { field, type } })
  }
  for (const [field, type] of Object.entries(t.optional ?? {})) {
    if (checkValue(type, payload[field]) === 'invalid') {
      return new DubanError('DUBAN_ERR_FIELD_INVALID', `'${field}' must be ${type}`, { where: field, label: label(field), details: { field, type } })
    }
  }
  return null
}

/** The transitions declared for the snapshot's state and an event, in declaration order. */
function candidates(kind: KindDef, state: string, event: string): readonly TransitionDef[] {
  return kind.transitions.filter((t) => t.event === event && t.from.includes(state))
}

/**
 * The refusal of an event name the kind does not declare (not one of `kind.events`): a 400 naming the event and
 * listing the kind's events, unlike a declared event in the wrong state (DUBAN_ERR_TRANSITION_NOT_ALLOWED, 409).
 * Null when the kind declares it.
 */
export function undeclaredEvent(kind: KindDef, event: string): DubanError | null {
  if (Object.hasOwn(kind.events, event)) return null
  const declared = Object.keys(kind.events)
  return new DubanError('DUBAN_ERR_EVENT_UNKNOWN', `'${event}' is not an event of kind '${kind.id}' (its events: ${declared.join(', ')})`, {
    where: 'event',
    details: { event, kind: kind.id, declared },
  })
}

/**
 * Take an event (执行流转). Checks, in order: kind/version, an event the kind declares, a transition declared for (state, event), role,
 * relationship, required fields, guards. The first declared transition that passes wins; when none does,
 * the error is the one of the furthest-reaching candidate. Effects run in declared order, then clocks stop
 * and (re)start, then the state changes.
 */
export function transition(kind: KindDef, snapshot: Snapshot, event: WorkflowEvent, ctx: TransitionContext): TransitionResult {
  const fail = (error: DubanError): TransitionResult => ({ ok: false, error })
  if (snapshot.kind !== kind.id || snapshot.kindVersion !== kind.version) {
    return fail(new DubanError('DUBAN_ERR_KIND_VERSION_MISMATCH', `item is ${snapshot.kind}@${snapshot.kindVersion}, kind is ${kind.id}@${kind.version}`))
  }
  const unknown = undeclaredEvent(kind, event.type)
  if (unknown) return fail(unknown)
  const state = snapshot.state
  const list = candidates(kind, state, event.type)
  if (list.length === 0) {
    return fail(new DubanError('DUBAN_ERR_TRANSITION_NOT_ALLOWED', `'${event.type}' in state '${state}'`, { details: { state, event: event.type } }))
  }
  const registry = ctx.registry ?? builtinRegistry
  const input: GuardInput = { kind, snapshot, event, actor: ctx.actor, now: ctx.now }
  // Refusals ranked by how far the candidate got; the furthest explains best why the event was refused.
  const refusals: { rank: number; error: DubanError }[] = []
  const refuse = (rank: number, error: DubanError): void => {
    refusals.push({ rank, error })
  }
  for (const t of list) {
    if (!roleAllows(t, ctx.actor)) {
      refuse(0, new DubanError('DUBAN_ERR_ROLE_NOT_ALLOWED', `'${event.type}' needs one of ${t.roles.join(', ') || '(no role)'}`, { details: { state, event: event.type, roles: t.roles } }))
      continue
    }
    if (!relationHolds(t, snapshot, ctx.actor)) {
      refuse(1, new DubanError('DUBAN_ERR_NOT_ASSIGNEE', `'${event.type}' needs the actor to be ${t.actorMustBe}`, { details: { state, event: event.type, relation: t.actorMustBe } }))
      continue
    }
    const payloadError = checkPayload(kind, t, event)
    if (payloadError) {
      refuse(2, payloadError)
      continue
    }
    const failed = (t.guards ?? []).find((g) => !registry.guards[g]?.(input))
    if (failed !== undefined) {
      refuse(3, new DubanError('DUBAN_ERR_GUARD_FAILED', `guard '${failed}' refused '${event.type}' in state '${state}'`, { details: { state, event: event.type, guard: failed } }))
      continue
    }
    return { ok: true, ...apply(kind, snapshot, t, input, ctx, registry), transition: t }
  }
  const furthest = refusals.reduce((a, b) => (b.rank > a.rank ? b : a))
  return fail(furthest.error)
}

function apply(
  kind: KindDef,
  snapshot: Snapshot,
  t: TransitionDef,
  input: GuardInput,
  ctx: TransitionContext,
  registry: WorkflowRegistry,
): { snapshot: Snapshot; effects: readonly Effect[] } {
  const draft: EffectDraft = {
    data: { ...snapshot.data },
    counters: { ...snapshot.counters },
    clocks: Object.fromEntries(Object.entries(snapshot.clocks).map(([k, v]) => [k, { ...v }])),
  }
  const effects: Effect[] = []
  for (const ref of t.effects ?? []) {
    const { name, arg } = parseEffect(ref)
    const impl = registry.effects[name]
    if (impl?.apply) impl.apply(draft, arg, input)
    effects.push({ name, arg, applied: !!impl?.apply })
  }
  // Per clock, in this order: resume (due moves by the paused time), pause, stop, (re)start.
  for (const clock of kind.clocks) {
    const current = draft.clocks[clock.name]
    if (current && current.stoppedAt === null) {
      let next: EffectDraft['clocks'][string] = current
      if (clock.resumesOn?.includes(t.event)) next = { pausedAt: null, ...resumeClock(clock, next, ctx.now, draft.data, ctx.calendar) }
      if (clock.pausesOn?.includes(t.event)) next = { pausedAt: null, ...pauseClock(next, ctx.now) }
      if (clock.stopsOn.includes(t.event)) next = { ...next, stoppedAt: ctx.now }
      draft.clocks[clock.name] = dropNullPause(next)
    }
    if (clock.startsOn.includes(t.event)) draft.clocks[clock.name] = startClock(clock, ctx.now, draft.data, ctx.calendar)
  }
  return {
    snapshot: { ...snapshot, state: t.to ?? snapshot.state, data: draft.data, counters: draft.counters, clocks: draft.clocks },
    effects,
  }
}

/** A clock state without `pausedAt: null`, so snapshots of clocks never paused keep their old shape. */
function dropNullPause(c: EffectDraft['clocks'][string]): EffectDraft['clocks'][string] {
  if (c.pausedAt) return c
  const { pausedAt: _p, ...rest } = c
  return rest
}

/** Whether the transition's guards that decide from the item alone (ITEM_ONLY_GUARDS) hold. */
function itemGuardsHold(t: TransitionDef, kind: KindDef, snapshot: Snapshot, actor: Actor, registry: WorkflowRegistry): boolean {
  // These guards read neither the payload nor the time: an empty event and no instant are all they are given.
  const input: GuardInput = { kind, snapshot, event: { type: t.event, payload: {} }, actor, now: '' }
  return (t.guards ?? []).every((g) => !ITEM_ONLY_GUARDS.has(g) || registry.guards[g]?.(input) !== false)
}

/**
 * The events an actor may take on an item now (可办操作); leaders get none. Guards that decide from the item alone
 * (ITEM_ONLY_GUARDS) are applied; the payload's are left to when the event is taken.
 */
export function availableEvents(kind: KindDef, snapshot: Snapshot, actor: Actor, registry: WorkflowRegistry = builtinRegistry): readonly AvailableEvent[] {
  const seen = new Set<string>()
  const out: AvailableEvent[] = []
  for (const t of kind.transitions) {
    if (seen.has(t.event) || !t.from.includes(snapshot.state) || t.via !== undefined) continue
    if (!roleAllows(t, actor) || !relationHolds(t, snapshot, actor)) continue
    if (!itemGuardsHold(t, kind, snapshot, actor, registry)) continue
    seen.add(t.event)
    out.push({ event: t.event, label: kind.events[t.event]?.label ?? t.event, to: t.to ?? snapshot.state, requires: t.requires ?? {}, optional: t.optional ?? {} })
  }
  return out
}
