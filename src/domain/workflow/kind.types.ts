/**
 * A kind of item (事项类型) as data: states, events, transitions, clocks and an escalation ladder.
 * Behaviour (guards, effects) is referenced by name and looked up in a registry, so a kind can be
 * validated at start, stored, diffed and overridden by a city's configuration without forking code.
 */

/** Who may act (角色): the role an actor holds. `leader` (领导) reads only and is never listed on a transition. */
export type Role = 'supervisor' | 'unit_liaison' | 'admin' | 'operator' | 'citizen' | 'system' | 'leader'

/** Every role the engine knows, for validation and property tests. */
export const ROLES: readonly Role[] = ['supervisor', 'unit_liaison', 'admin', 'operator', 'citizen', 'system', 'leader']

/**
 * Engine-level meaning of a state (状态类型), which KPIs rely on whatever a city calls the state: `open` the
 * assignee is working on it, `waiting` it waits on a decision by someone else, `closed` it is finished.
 */
export type StateType = 'open' | 'waiting' | 'closed'

/** One state (状态) of a kind with its zh label. */
export interface StateDef {
  readonly type: StateType
  readonly label: string
}

/** A simple type of an event payload field or an item field (字段类型). */
export type FieldType = 'text' | 'reason' | 'number' | 'flag' | 'date' | 'unit' | 'units' | 'attachments' | 'measures'

/** Every field type, for validation. */
export const FIELD_TYPES: readonly FieldType[] = ['text', 'reason', 'number', 'flag', 'date', 'unit', 'units', 'attachments', 'measures']

/**
 * Relationship guard (关系约束): the actor's unit must be the item's lead, any assignee, or the actor created
 * the item, or (`requester`) the actor is the person the item is for (`data.requester`, e.g. a ticket's caller).
 */
export type ActorRelation = 'assignee_lead' | 'assignee_any' | 'creator' | 'requester'

/** One event (事件) a kind declares, with the zh label a UI shows on its button. */
export interface EventDef {
  readonly label: string
  /**
   * What a payload field is called on this event where the kind's own label (`fields`) does not fit: the task's
   * `text` is 任务内容, but on 报送进展 it is the progress text, 进展情况. Field → zh label; every field named must
   * be one the event's transitions declare (validateKind). Error messages and the web form read it
   * (src/domain/field-labels.ts `labelsOf`).
   */
  readonly fieldLabels?: Readonly<Record<string, string>>
}

/** A transition (流转): taking `event` in one of `from` moves to `to` (absent: stay) when roles, fields and guards allow. */
export interface TransitionDef {
  readonly from: readonly string[]
  readonly event: string
  /** Target state; absent means the item stays where it is (e.g. a progress report). */
  readonly to?: string
  readonly roles: readonly Role[]
  readonly actorMustBe?: ActorRelation
  /** Payload fields that must be present, with their type. */
  readonly requires?: Readonly<Record<string, FieldType>>
  /** Payload fields that may be present; checked by type when they are. */
  readonly optional?: Readonly<Record<string, FieldType>>
  /** Names of registered guards; all must pass. */
  readonly guards?: readonly string[]
  /** Names of registered effects, `name` or `name:arg` (e.g. `notify:lead`, `count:reopens`). */
  readonly effects?: readonly string[]
  /**
   * The use-case that alone takes this event, through a route of its own, because the event is only half of what it
   * does (并单 also records the duplicate link and tells the requester: `duplicates`). The generic event route refuses
   * it and it is not offered among the available events. The name must be one the app carries out (validateKind).
   */
  readonly via?: string
}

/** Unit a clock counts in (计时单位). `due_date` means the limit is a date taken from an item field. */
export type ClockUnit = 'working_days' | 'working_hours' | 'calendar_days' | 'due_date'

/** A time limit (时限) in a unit other than `due_date`. */
export interface TimeLimit {
  readonly unit: Exclude<ClockUnit, 'due_date'>
  readonly amount: number
}

/**
 * Where a clock's limit comes from: a number in the clock's unit, a date field, a table keyed by a field (e.g.
 * urgency), or (`fromData`) a TimeLimit stored in the item's own data at a dotted path such as `limits.handle`
 * (a ticket keeps the limits it was received with), `otherwise` when the data has none.
 */
export type ClockLimit =
  | number
  | { readonly field: string }
  | { readonly byField: string; readonly cases: Readonly<Record<string, TimeLimit>>; readonly otherwise: TimeLimit }
  | { readonly fromData: string; readonly otherwise: TimeLimit }

/** What happens when a clock passes its due instant. */
export interface ClockExpiry {
  /** An event of this kind the scheduler fires (as `system`) when the clock expires, e.g. `overdue`. */
  readonly emit?: string
  /** Escalation ladder steps (by name) the scheduler raises, each at its offset after due. */
  readonly escalate?: readonly string[]
}

/** A clock (计时器 / 时限): started and stopped by events, due after a limit, warning before it. */
export interface ClockDef {
  readonly name: string
  readonly label: string
  readonly unit: ClockUnit
  /** Events that (re)start the clock; `$start` means when the item is created. */
  readonly startsOn: readonly string[]
  readonly stopsOn: readonly string[]
  readonly limit: ClockLimit
  /** Warn this many units (working days for date clocks) before due; 0 or absent: no warning. */
  readonly warnBefore?: number
  readonly onExpiry?: ClockExpiry
  /** Events that pause the running clock (计时暂停, e.g. 补充材料); it does not run out while paused. */
  readonly pausesOn?: readonly string[]
  /** Events that resume a paused clock; its due moves later by the working time it was paused. */
  readonly resumesOn?: readonly string[]
}

/** One step of the escalation ladder (督办升级): 提醒 remind → 督办单 supervision notice → 约谈 interview → 通报 bulletin → 问责 accountability. */
export interface EscalationStep {
  readonly name: string
  readonly label: string
  /** Working days after the clock's due date at which the step is raised (0 = on the due day's end). */
  readonly afterDueWorkingDays: number
  /** Optional event of the kind the scheduler fires when the step is raised. */
  readonly emit?: string
}

/** Reporting cadence (报送频次): when progress reports are expected while an item is open. */
export type ReportingCadence =
  | { readonly every: 'week'; readonly weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7 }
  | { readonly every: 'month'; readonly day: number }
  | { readonly every: 'quarter'; readonly day: number }
  | { readonly every: 'none' }

/** A field of the item itself (事项字段), e.g. `due`, `targets`, `urgency`. */
export interface ItemFieldDef {
  readonly type: FieldType | 'targets' | 'choice' | 'limits'
  readonly label: string
  readonly choices?: readonly string[]
}

/** A kind definition (事项类型定义): pure data, validated by validateKind() at start. */
export interface KindDef {
  readonly id: string
  /** Items keep the version they started with; bump it when states or transitions change. */
  readonly version: string
  readonly label: string
  readonly states: Readonly<Record<string, StateDef>>
  readonly initial: string
  readonly events: Readonly<Record<string, EventDef>>
  readonly transitions: readonly TransitionDef[]
  readonly clocks: readonly ClockDef[]
  readonly escalation: readonly EscalationStep[]
  readonly reporting: ReportingCadence
  readonly fields: Readonly<Record<string, ItemFieldDef>>
}

/** A running or stopped clock inside a snapshot. Instants are ISO strings with offset. */
export interface ClockState {
  readonly startedAt: string
  /** Null when the limit cannot be computed yet (e.g. a task without a due date). */
  readonly dueAt: string | null
  readonly stoppedAt: string | null
  /** Set while the clock is paused (暂停计时): the instant it was paused. Absent or null: not paused. */
  readonly pausedAt?: string | null
}

/** The persisted state of one item (事项快照): what transition() reads and returns. */
export interface Snapshot {
  readonly kind: string
  readonly kindVersion: string
  readonly state: string
  readonly clocks: Readonly<Record<string, ClockState>>
  readonly counters: Readonly<Record<string, number>>
  /** Item data: `lead`, `responsible`, `cooperating`, `createdBy`, `due`, fields set by effects. */
  readonly data: Readonly<Record<string, unknown>>
}

/** Who acts (操作人): a user with roles, and for unit roles the unit they speak for. */
export interface Actor {
  readonly userId: string
  readonly roles: readonly Role[]
  readonly unitId?: string
}

/** An event sent to an item (事件): its name and payload. */
export interface WorkflowEvent {
  readonly type: string
  readonly payload?: Readonly<Record<string, unknown>>
}

/** An effect (副作用) of a transition, by name. `applied` ones already changed the snapshot; the rest the use-case runs. */
export interface Effect {
  readonly name: string
  readonly arg: string | undefined
  readonly applied: boolean
}
