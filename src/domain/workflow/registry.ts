/**
 * Named behaviour (守卫与副作用注册表): guards decide whether a transition may run, effects change the
 * snapshot's data or ask the use-case to act (notify …). Kinds name them; validateKind() checks every
 * name is registered; transition() looks them up here. Pure functions only.
 */
import type { Actor, KindDef, Snapshot, WorkflowEvent } from './kind.types.ts'
import { dueInstant, instantMs } from './time.ts'

/** What a guard (守卫) sees. */
export interface GuardInput {
  readonly kind: KindDef
  readonly snapshot: Snapshot
  readonly event: WorkflowEvent
  readonly actor: Actor
  readonly now: string
}

/** A guard (守卫): true lets the transition run. */
export type Guard = (input: GuardInput) => boolean

/** Mutable parts of a snapshot while effects run. */
export interface EffectDraft {
  data: Record<string, unknown>
  counters: Record<string, number>
  clocks: Record<string, { startedAt: string; dueAt: string | null; stoppedAt: string | null; pausedAt?: string | null }>
}

/**
 * An effect (副作用). With `apply` the engine changes the draft itself and marks the effect applied;
 * without it the effect is returned for the use-case to run (e.g. send a notice). `checkArg` lets
 * validateKind() reject a bad argument (returns a message, or null when fine).
 */
export interface EffectImpl {
  readonly apply?: (draft: EffectDraft, arg: string | undefined, input: GuardInput) => void
  readonly checkArg?: (arg: string | undefined, kind: KindDef) => string | null
}

/** The registry (注册表) a kind is validated and run against. */
export interface WorkflowRegistry {
  readonly guards: Readonly<Record<string, Guard>>
  readonly effects: Readonly<Record<string, EffectImpl>>
}

/** Split `name:arg` into its parts. */
export function parseEffect(ref: string): { readonly name: string; readonly arg: string | undefined } {
  const i = ref.indexOf(':')
  return i < 0 ? { name: ref, arg: undefined } : { name: ref.slice(0, i), arg: ref.slice(i + 1) }
}

const needsArg = (what: string) => (arg: string | undefined): string | null => (arg ? null : `needs ${what} after ':'`)

const clockArg = (arg: string | undefined, kind: KindDef): string | null =>
  !arg ? 'needs a clock name after \':\'' : kind.clocks.some((c) => c.name === arg) ? null : `no clock named '${arg}'`

const NOTIFY_TARGETS = ['lead', 'previous_lead', 'assignees', 'cooperating', 'supervisor', 'creator', 'citizen', 'operator', 'leader']

/** Guards every kind may use (内置守卫). */
export const builtinGuards: Readonly<Record<string, Guard>> = {
  /** The item has a due date, in its data or in the event's payload (无完成时间不得交办). */
  hasDue: ({ snapshot, event }) => dueInstant(event.payload?.['due'] ?? snapshot.data['due']) !== null,
  /** The requested new due date is later than the current one (延期须晚于原时限). */
  newDueIsLater: ({ snapshot, event }) => {
    const next = dueInstant(event.payload?.['newDue'])
    const current = dueInstant(snapshot.data['due'])
    return next !== null && (current === null || instantMs(next) > instantMs(current))
  },
  /** The reassigned lead differs from the current one (改派须换单位). */
  leadChanges: ({ snapshot, event }) => typeof event.payload?.['lead'] === 'string' && event.payload['lead'] !== snapshot.data['lead'],
  /** The follow-up rating is one of satisfied, basically_satisfied, unsatisfied (满意 / 基本满意 / 不满意). */
  validRating: ({ event }) => ['satisfied', 'basically_satisfied', 'unsatisfied'].includes(event.payload?.['rating'] as string),
  /** The last follow-up found the requester unsatisfied (回访不满意). */
  ratingUnsatisfied: ({ snapshot }) => snapshot.data['rating'] === 'unsatisfied',
  /** The requested new due date is later than the running handling clock's due (延期须晚于当前办理时限). */
  newDueAfterHandlingDue: ({ snapshot, event }) => {
    const next = dueInstant(event.payload?.['newDue'])
    const current = snapshot.clocks['handle']?.dueAt ?? null
    return next !== null && (current === null || instantMs(next) > instantMs(current))
  },
  /**
   * The follow-up clock (回访时限) is running and its due has not passed: the window in which a requester may ask for
   * 重办 themselves (申请重办). No such clock, a stopped one or a passed due refuses.
   */
  followUpWindowOpen: ({ snapshot, now }) => {
    const c = snapshot.clocks['follow_up']
    return !!c && !c.stoppedAt && (c.dueAt === null || instantMs(now) <= instantMs(c.dueAt))
  },
  /** The item has been reopened fewer than twice (重办不超过两次). */
  reopenAllowed: ({ snapshot }) => (snapshot.counters['reopens'] ?? 0) < 2,
}

/**
 * The guards that decide from the item alone (not the event's payload, not the time), so the events offered to an
 * actor (availableEvents) can leave out a transition they refuse: 重办 after a satisfied 回访 is not offered.
 * A guard that reads the payload (a new due date, a lead) is decided only when the event is taken.
 */
export const ITEM_ONLY_GUARDS: ReadonlySet<string> = new Set(['ratingUnsatisfied', 'reopenAllowed'])

/** Effects every kind may use (内置副作用). */
export const builtinEffects: Readonly<Record<string, EffectImpl>> = {
  /** `assign:field` copies the payload's field into the item's data when present. */
  assign: {
    checkArg: needsArg('a field name'),
    apply: (d, arg, { event }) => {
      if (arg && event.payload && arg in event.payload) d.data[arg] = event.payload[arg]
    },
  },
  /** `count:name` adds one to a counter (e.g. reopens, returns). */
  count: {
    checkArg: needsArg('a counter name'),
    apply: (d, arg) => {
      if (arg) d.counters[arg] = (d.counters[arg] ?? 0) + 1
    },
  },
  /** `holdExtension` keeps the requested new due and reason until someone decides (延期申请). */
  holdExtension: {
    apply: (d, _arg, { event }) => {
      d.data['requestedDue'] = event.payload?.['newDue']
      d.data['extensionReason'] = event.payload?.['reason']
    },
  },
  /** `recordExtension:clock` makes the requested due the item's due and the clock's due (批准延期). */
  recordExtension: {
    checkArg: clockArg,
    apply: (d, arg) => {
      const due = dueInstant(d.data['requestedDue'])
      if (due) {
        d.data['due'] = d.data['requestedDue']
        const clock = arg ? d.clocks[arg] : undefined
        // The approved date is the due outright: a pause (e.g. while the request waited) ends without moving it further.
        if (clock) {
          clock.dueAt = due
          delete clock.pausedAt
        }
        d.counters['extensions'] = (d.counters['extensions'] ?? 0) + 1
      }
      delete d.data['requestedDue']
      delete d.data['extensionReason']
    },
  },
  /** `dropExtension` forgets a refused extension request (不予延期). */
  dropExtension: {
    apply: (d) => {
      delete d.data['requestedDue']
      delete d.data['extensionReason']
    },
  },
  /** `recordProgress` notes the report time and merges reported measures against targets (进展报送). */
  recordProgress: {
    apply: (d, _arg, { event, now }) => {
      d.data['lastReportAt'] = now
      const measures = event.payload?.['measures']
      if (measures && typeof measures === 'object') {
        d.data['measures'] = { ...(d.data['measures'] as Record<string, number> | undefined), ...(measures as Record<string, number>) }
      }
      d.counters['reports'] = (d.counters['reports'] ?? 0) + 1
    },
  },
  /** `notify:target` asks the use-case to send a notice (通知); not applied by the engine. */
  notify: {
    checkArg: (arg) => (arg && NOTIFY_TARGETS.includes(arg) ? null : `notify target must be one of ${NOTIFY_TARGETS.join(', ')}`),
  },
  /**
   * `shareReply` asks the use-case to send the event's reply text to every requester of the handling (the item's and
   * each item merged into it: 并单) and to refresh what those items are searched by; not applied by the engine.
   */
  shareReply: {},
  /** `issueNotice:step` asks the use-case to issue an escalation document (督办单、通报 …); not applied by the engine. */
  issueNotice: {
    checkArg: (arg, kind) => (arg && kind.escalation.some((s) => s.name === arg) ? null : `no escalation step named '${arg ?? ''}'`),
  },
}

/** The default registry (默认注册表): the built-in guards and effects. */
export const builtinRegistry: WorkflowRegistry = { guards: builtinGuards, effects: builtinEffects }
