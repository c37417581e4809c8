/**
 * Kind validation (事项类型校验), run at start for every registered kind: a kind that names a missing
 * state, guard, effect, clock or step, or that can get stuck, is refused before any item uses it.
 */
import { DubanError } from '../errors.ts'
import { FIELD_TYPES, ROLES, type KindDef } from './kind.types.ts'
import { parseEffect, type WorkflowRegistry } from './registry.ts'
import { START_EVENT } from './transition.ts'

/** One problem in a kind (定义问题), located by a path such as `transitions[3].to`. */
export interface KindProblem {
  readonly path: string
  readonly message: string
}

/**
 * What the use-cases carry out (副作用处理): the effects the engine leaves to them, each `name` (every argument)
 * or `name:arg` (that argument only). The domain cannot see the app's handlers, so the app passes their names.
 */
export interface HandledEffects {
  readonly effects: readonly string[]
  /** The use-cases that take an event of their own (TransitionDef.via); a `via` not named here is refused. */
  readonly useCases?: readonly string[]
}

/**
 * Every problem of a kind against a registry (校验事项类型); empty when the kind is sound. With `handled`,
 * an effect the engine does not apply itself must be one the use-cases carry out, or the kind is refused.
 */
export function validateKind(kind: KindDef, registry: WorkflowRegistry, handled?: HandledEffects): readonly KindProblem[] {
  const problems: KindProblem[] = []
  const add = (path: string, message: string): void => {
    problems.push({ path, message })
  }
  const states = kind.states
  const hasState = (s: string): boolean => Object.hasOwn(states, s)
  const hasEvent = (e: string): boolean => Object.hasOwn(kind.events, e)

  if (!kind.id) add('id', 'kind has no id')
  if (!kind.version) add('version', 'kind has no version')
  if (Object.keys(states).length === 0) add('states', 'kind has no states')
  if (!hasState(kind.initial)) add('initial', `initial state '${kind.initial}' is not declared`)
  else if (states[kind.initial]?.type === 'closed') add('initial', `initial state '${kind.initial}' is closed`)

  kind.transitions.forEach((t, i) => {
    const at = `transitions[${i}]`
    if (!hasEvent(t.event)) add(`${at}.event`, `event '${t.event}' is not declared in events`)
    if (t.from.length === 0) add(`${at}.from`, 'transition has no source state')
    t.from.forEach((s, j) => {
      if (!hasState(s)) add(`${at}.from[${j}]`, `state '${s}' is not declared`)
    })
    if (t.to !== undefined && !hasState(t.to)) add(`${at}.to`, `target state '${t.to}' is not declared`)
    t.roles.forEach((r, j) => {
      if (!ROLES.includes(r)) add(`${at}.roles[${j}]`, `unknown role '${r}'`)
      if (r === 'leader') add(`${at}.roles[${j}]`, 'leaders read only; they take no events')
    })
    for (const [field, type] of Object.entries({ ...t.requires, ...t.optional })) {
      if (!FIELD_TYPES.includes(type)) add(`${at}.requires.${field}`, `unknown field type '${type}'`)
    }
    if (t.via !== undefined && handled && !(handled.useCases ?? []).includes(t.via)) {
      add(`${at}.via`, `no use-case '${t.via}' takes this event`)
    }
    ;(t.guards ?? []).forEach((g, j) => {
      if (!Object.hasOwn(registry.guards, g)) add(`${at}.guards[${j}]`, `guard '${g}' is not registered`)
    })
    ;(t.effects ?? []).forEach((ref, j) => {
      const { name, arg } = parseEffect(ref)
      const impl = registry.effects[name]
      if (!impl || !Object.hasOwn(registry.effects, name)) add(`${at}.effects[${j}]`, `effect '${name}' is not registered`)
      else {
        const bad = impl.checkArg?.(arg, kind)
        if (bad) add(`${at}.effects[${j}]`, `effect '${ref}': ${bad}`)
        else if (handled && !impl.apply && !handled.effects.includes(name) && !handled.effects.includes(ref)) {
          add(`${at}.effects[${j}]`, `effect '${ref}' has no handler: nothing would carry it out`)
        }
      }
    })
  })

  for (const [e, def] of Object.entries(kind.events)) {
    if (!kind.transitions.some((t) => t.event === e)) add(`events.${e}`, `event '${e}' has no transition`)
    // A label for a field the event does not take would name nothing any form or error shows.
    for (const [field, label] of Object.entries(def.fieldLabels ?? {})) {
      const taken = kind.transitions.some((t) => t.event === e && (Object.hasOwn(t.requires ?? {}, field) || Object.hasOwn(t.optional ?? {}, field)))
      if (!taken) add(`events.${e}.fieldLabels.${field}`, `event '${e}' takes no field '${field}'`)
      if (typeof label !== 'string' || label.trim() === '') add(`events.${e}.fieldLabels.${field}`, 'label is empty')
    }
  }

  // Ambiguity: with first-match semantics, an earlier transition without guards shadows a later one for
  // the roles they share, so the later one could never run for those actors.
  kind.transitions.forEach((b, j) => {
    kind.transitions.slice(0, j).forEach((a, i) => {
      if (a.event !== b.event || (a.guards ?? []).length > 0 || a.actorMustBe !== undefined) return
      const state = a.from.find((s) => b.from.includes(s))
      const role = a.roles.find((r) => b.roles.includes(r))
      if (state !== undefined && role !== undefined) {
        add(`transitions[${j}]`, `('${state}', '${b.event}') is ambiguous with transitions[${i}] for role '${role}'; add a guard to the earlier one`)
      }
    })
  })

  // Every state that is not closed needs a way out; every state should be reachable from initial.
  for (const [name, def] of Object.entries(states)) {
    if (def.type === 'closed') continue
    const exits = kind.transitions.some((t) => t.from.includes(name) && t.to !== undefined && t.to !== name && t.roles.length > 0)
    if (!exits) add(`states.${name}`, `${def.type} state '${name}' has no way out`)
  }
  if (hasState(kind.initial)) {
    const reached = new Set([kind.initial])
    const queue = [kind.initial]
    while (queue.length > 0) {
      const s = queue.pop() as string
      for (const t of kind.transitions) {
        if (t.from.includes(s) && t.to !== undefined && hasState(t.to) && !reached.has(t.to)) {
          reached.add(t.to)
          queue.push(t.to)
        }
      }
    }
    for (const name of Object.keys(states)) if (!reached.has(name)) add(`states.${name}`, `state '${name}' cannot be reached from '${kind.initial}'`)
  }

  const clockNames = new Set<string>()
  kind.clocks.forEach((c, i) => {
    const at = `clocks[${i}]`
    if (clockNames.has(c.name)) add(`${at}.name`, `clock '${c.name}' is declared twice`)
    clockNames.add(c.name)
    c.startsOn.forEach((e, j) => {
      if (e !== START_EVENT && !hasEvent(e)) add(`${at}.startsOn[${j}]`, `event '${e}' is not declared`)
    })
    c.stopsOn.forEach((e, j) => {
      if (!hasEvent(e)) add(`${at}.stopsOn[${j}]`, `event '${e}' is not declared`)
    })
    for (const key of ['pausesOn', 'resumesOn'] as const) {
      ;(c[key] ?? []).forEach((e, j) => {
        if (!hasEvent(e)) add(`${at}.${key}[${j}]`, `event '${e}' is not declared`)
      })
    }
    if ((c.pausesOn?.length ?? 0) > 0 && (c.resumesOn?.length ?? 0) === 0) add(`${at}.resumesOn`, `clock '${c.name}' pauses but never resumes`)
    if (c.startsOn.length === 0) add(`${at}.startsOn`, `clock '${c.name}' never starts`)
    const limit = c.limit
    if (typeof limit === 'number') {
      if (c.unit === 'due_date') add(`${at}.limit`, 'a due_date clock takes its limit from a field')
      if (!(limit >= 0)) add(`${at}.limit`, 'limit must be a non-negative number')
    } else if ('field' in limit) {
      if (c.unit !== 'due_date') add(`${at}.unit`, "a limit from a field needs unit 'due_date'")
      if (!Object.hasOwn(kind.fields, limit.field)) add(`${at}.limit.field`, `field '${limit.field}' is not declared in fields`)
    } else if ('fromData' in limit) {
      if (c.unit === 'due_date') add(`${at}.unit`, "a limit from the item's data is a time limit, not a due date")
      const top = limit.fromData.split('.')[0] ?? ''
      if (!Object.hasOwn(kind.fields, top)) add(`${at}.limit.fromData`, `field '${top}' is not declared in fields`)
      if (!(limit.otherwise.amount >= 0)) add(`${at}.limit.otherwise`, 'amount must be non-negative')
    } else {
      if (!Object.hasOwn(kind.fields, limit.byField)) add(`${at}.limit.byField`, `field '${limit.byField}' is not declared in fields`)
      for (const [k, v] of Object.entries(limit.cases)) if (!(v.amount >= 0)) add(`${at}.limit.cases.${k}`, 'amount must be non-negative')
    }
    if (c.onExpiry?.emit !== undefined && !hasEvent(c.onExpiry.emit)) add(`${at}.onExpiry.emit`, `event '${c.onExpiry.emit}' is not declared`)
    ;(c.onExpiry?.escalate ?? []).forEach((s, j) => {
      if (!kind.escalation.some((step) => step.name === s)) add(`${at}.onExpiry.escalate[${j}]`, `escalation step '${s}' is not declared`)
    })
  })

  kind.escalation.forEach((s, i) => {
    if (!(s.afterDueWorkingDays >= 0)) add(`escalation[${i}].afterDueWorkingDays`, 'offset must be non-negative')
    const prev = kind.escalation[i - 1]
    if (prev && s.afterDueWorkingDays < prev.afterDueWorkingDays) add(`escalation[${i}].afterDueWorkingDays`, 'steps must not come earlier than the step before')
    if (s.emit !== undefined && !hasEvent(s.emit)) add(`escalation[${i}].emit`, `event '${s.emit}' is not declared`)
  })

  return problems
}

/** Throw DUBAN_ERR_KIND_INVALID listing every problem (启动校验), for use at start. */
export function assertKindValid(kind: KindDef, registry: WorkflowRegistry, handled?: HandledEffects): void {
  const problems = validateKind(kind, registry, handled)
  if (problems.length > 0) {
    throw new DubanError('DUBAN_ERR_KIND_INVALID', `${kind.id}@${kind.version}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
      where: problems[0]?.path,
      details: { problems },
    })
  }
}
