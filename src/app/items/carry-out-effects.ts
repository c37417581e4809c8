/**
 * Carrying out a transition's effects (执行副作用): the engine applies what changes the snapshot and returns
 * the rest by name; this module does those inside the event's transaction, so they commit with the change
 * they report. One handler per effect name:
 *   notify:<target>     → `notification` rows at once (for the scheduler's events, all but the lead units, which the tick announces to): lead / previous_lead / assignees / cooperating units
 *                         (every user of the unit sees it), the operator / supervisor / leader role, or the
 *                         creating user. No kind declares `citizen`: a requester has no in-app inbox (the public
 *                         page shows the reply).
 *   issueNotice:<step>  → a 督办单 through the supervision-notice code, to the item's lead unit(s).
 *   shareReply          → the reply by SMS to every requester of the handling (并单), search words refreshed.
 * Every kind is checked against this table when the module loads (at start): a kind naming an effect, or a
 * notify target, that no handler here carries out is refused with DUBAN_ERR_KIND_INVALID, and
 * carryOutEffects() throws (DUBAN_ERR_INTERNAL, a bug) rather than skip one.
 */
import type { Queryable } from '../../persistence/db.ts'
import type { ItemRow } from '../../persistence/items.repo.ts'
import { insertNotification, listSupervisionConfigs, type NewNotification } from '../../persistence/supervision.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { ratingLabel } from '../../domain/tickets/ratings.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'
import { assertKindValid, builtinRegistry, type Effect, type KindDef, type Snapshot, type WorkflowRegistry } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { defaultSupervisionConfig } from '../../domain/supervision/supervision-config.ts'
import { issueNoticeIn } from '../supervision/supervision-notice.ts'
import { shareReplyIn } from '../tickets/requester-messages.ts'

/** What a handler sees: the event's transaction, who acted, the item before and its snapshot before and after. */
export interface EffectContext {
  readonly tx: Queryable
  readonly deps: AppDeps
  readonly actor: Actor
  readonly kind: KindDef
  readonly item: ItemRow
  readonly before: Snapshot
  readonly after: Snapshot
  readonly event: string
  readonly payload: Readonly<Record<string, unknown>>
  /** The item's version after the event: with the event name it keys each notification once. */
  readonly version: number
  /**
   * Units known to exist without a read: the item's own units as the event read them (item_unit's foreign key to
   * unit, joined in the same statement). A notify target among them is not looked up again (a 催办 to the lead:
   * one statement fewer); any other is, as before.
   */
  readonly knownUnits?: ReadonlySet<string> | undefined
  /**
   * When given, the notify handler adds its notifications here (one per dedupe key) instead of writing them, and
   * refuses with NeedsTransaction whatever it could only decide by a read (a unit not in knownUnits, a user): the
   * caller writes them with the event's rows in one statement (notificationsOf, writeEventRows).
   */
  readonly record?: NewNotification[] | undefined
}

/** An effect that cannot be recorded for the event's one statement: it must run in the event's transaction. */
export class NeedsTransaction extends Error {}

/** A handler of one effect name; `arg` is the part after ':'. */
export type EffectHandler = (ctx: EffectContext, arg: string | undefined) => Promise<void>

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : typeof v === 'string' && v ? [v] : [])

/** Every lead unit of a snapshot: `lead`, and `leads` when the item has several (shared work, each a full owner). */
const leadsOf = (s: Snapshot): string[] => [...new Set([...ids(s.data['lead']), ...ids(s.data['leads'])])]

type Recipients = { units?: string[]; roles?: string[]; users?: string[] }

/** Who each notify target means for an item (通知对象): units (every user of the unit sees it), roles or users. */
const notifyTargets: Readonly<Record<string, (ctx: EffectContext) => Recipients>> = {
  lead: (ctx) => ({ units: leadsOf(ctx.after) }),
  previous_lead: (ctx) => ({ units: leadsOf(ctx.before).filter((u) => !leadsOf(ctx.after).includes(u)) }),
  assignees: (ctx) => ({ units: [...leadsOf(ctx.after), ...ids(ctx.after.data['responsible']), ...ids(ctx.after.data['cooperating'])] }),
  cooperating: (ctx) => ({ units: ids(ctx.after.data['cooperating']) }),
  supervisor: () => ({ roles: ['supervisor'] }),
  operator: () => ({ roles: ['operator'] }),
  leader: () => ({ roles: ['leader'] }),
  creator: (ctx) => ({ users: ids(ctx.after.data['createdBy']) }),
}

/** A short body for a notification: the reason, text or new due the event carried. */
function bodyOf(ctx: EffectContext): string {
  const p = ctx.payload
  const parts: string[] = []
  if (typeof p['reason'] === 'string') parts.push(`理由：${p['reason']}`)
  if (typeof p['text'] === 'string') parts.push(p['text'].length > 200 ? `${p['text'].slice(0, 200)}…` : p['text'])
  if (typeof p['newDue'] === 'string') parts.push(`申请延期至${p['newDue']}`)
  if (typeof p['rating'] === 'string') parts.push(`回访：${ratingLabel(p['rating'])}${p['resolved'] === true ? '，已解决' : p['resolved'] === false ? '，未解决' : ''}`)
  return parts.join('；')
}

/** Writes a notification, or with `ctx.record` keeps it for the event's statement (a dedupe key once, as ON CONFLICT would). */
async function write(ctx: EffectContext, n: NewNotification): Promise<void> {
  if (!ctx.record) return void (await insertNotification(ctx.tx, n))
  if (!ctx.record.some((r) => r.dedupeKey === n.dedupeKey)) ctx.record.push(n)
}

const notify: EffectHandler = async (ctx, target) => {
  const who = target === undefined ? undefined : notifyTargets[target]
  if (!who) throw unhandled(`notify:${target ?? ''}`)
  let to = who(ctx)
  // The scheduler's own events (催办 on an expired clock, a ladder step) are announced to the item's lead unit(s) by
  // the tick itself, in the same transaction (clock.expired, item.overdue, escalation.raised): a second notification
  // of the same happening to them would only be noise. Every other recipient the kind names is told here.
  if (ctx.actor.role === 'system') {
    const told = new Set(leadsOf(ctx.before))
    to = { ...to, units: (to.units ?? []).filter((u) => !told.has(u)) }
  }
  const label = ctx.kind.events[ctx.event]?.label ?? ctx.event
  const title = `${label}：${ctx.item.number}${ctx.item.title ? ` ${ctx.item.title}` : ''}`
  const base = { itemId: ctx.item.id, type: `item.${ctx.event}`, title, body: bodyOf(ctx), at: ctx.deps.clock.now() }
  const key = `${ctx.item.id}:v${ctx.version}:${ctx.event}`
  const units = [...new Set(to.units ?? [])]
  if (units.length > 0) {
    const known = new Set(units.filter((u) => ctx.knownUnits?.has(u)))
    const toRead = units.filter((u) => !known.has(u))
    if (toRead.length > 0 && ctx.record) throw new NeedsTransaction(`notify: units ${toRead.join(', ')} to read`)
    if (toRead.length > 0) {
      const { rows } = await ctx.tx.query<{ id: string }>('SELECT id FROM unit WHERE id = ANY($1::text[])', [toRead])
      for (const r of rows) known.add(r.id)
    }
    for (const unitId of units.filter((u) => known.has(u))) {
      await write(ctx, { ...base, id: ctx.deps.newId(), dedupeKey: `${key}@unit:${unitId}`, unitId })
    }
  }
  for (const role of new Set(to.roles ?? [])) {
    await write(ctx, { ...base, id: ctx.deps.newId(), dedupeKey: `${key}@role:${role}`, role })
  }
  const users = [...new Set(to.users ?? [])]
  if (users.length > 0 && ctx.record) throw new NeedsTransaction('notify: users to read')
  if (users.length > 0) {
    // Only people with an account have an inbox (a ticket received from the public has no creating user).
    const { rows } = await ctx.tx.query<{ id: string }>('SELECT id FROM app_user WHERE id = ANY($1::text[])', [users])
    for (const { id: userId } of rows) {
      await insertNotification(ctx.tx, { ...base, id: ctx.deps.newId(), dedupeKey: `${key}@user:${userId}`, userId })
    }
  }
}

const issueNotice: EffectHandler = async (ctx) => {
  const stored = await listSupervisionConfigs(ctx.tx)
  const cfg = stored.get(ctx.kind.id) ?? defaultSupervisionConfig(ctx.kind.id)
  const text = typeof ctx.payload['text'] === 'string' && ctx.payload['text'].trim() !== '' ? ctx.payload['text'].trim() : null
  const label = ctx.kind.events[ctx.event]?.label ?? ctx.event
  const reason = text ?? `${ctx.item.number}${ctx.actor.role === 'system' ? '超过办理时限' : ''}，${label}`
  const units = leadsOf(ctx.after)
  await issueNoticeIn(
    ctx.tx,
    ctx.deps,
    ctx.actor.role === 'system' ? null : ctx.actor,
    { itemId: ctx.item.id, reason, replyWorkingDays: cfg.noticeReplyWorkingDays, ...(units.length > 0 ? { unitIds: units } : {}) },
    ctx.actor.role === 'system' ? 'ladder' : 'manual',
  )
}

/** The reply reaches every requester of the handling (并单 included) and their tickets' search words (requester-messages.ts). */
const shareReply: EffectHandler = async (ctx) => {
  const text = ctx.payload['text']
  if (typeof text !== 'string' || text.trim() === '') return
  await shareReplyIn(ctx.tx, ctx.deps, ctx.item.id, text, `${ctx.item.id}:v${ctx.version}:${ctx.event}`)
}

/** The handlers by effect name (副作用处理表). */
export const effectHandlers: Readonly<Record<string, EffectHandler>> = { notify, issueNotice, shareReply }

/**
 * The effects the handlers carry out, as validateKind() takes them: `issueNotice` for any step, and
 * `notify:<target>` only for the targets notifyTargets resolves (so `notify:citizen` is refused).
 */
export const handledEffects: readonly string[] = ['issueNotice', 'shareReply', ...Object.keys(notifyTargets).map((t) => `notify:${t}`)]

const unhandled = (ref: string): DubanError =>
  new DubanError('DUBAN_ERR_INTERNAL', `effect '${ref}' has no handler`, { where: ref })

/** Refuses (DUBAN_ERR_KIND_INVALID) any kind that names an effect nothing here carries out. */
export function assertEffectsCarriedOut(kinds: readonly KindDef[], handled: readonly string[] = handledEffects, registry: WorkflowRegistry = builtinRegistry): void {
  for (const kind of kinds) assertKindValid(kind, registry, { effects: handled, useCases: eventUseCases })
}

/** The use-cases that take an event of their own (TransitionDef.via), each passing `via` to takeEvent: 并单 (duplicates.ts). */
export const eventUseCases: readonly string[] = ['duplicates']

// At start: every registered kind, before any event can run under it.
assertEffectsCarriedOut(kindCatalog.all)

/**
 * The notifications an event's effects would write, worked out without the database, for the event's one statement
 * (writeEventRows): only when every effect left is a notify whose recipients need no read (units among knownUnits,
 * roles). Null otherwise: the caller then carries the effects out in the event's transaction. A 催办 to the lead
 * unit is thus one statement with its event, and no transaction.
 */
export async function notificationsOf(ctx: Omit<EffectContext, 'record'>, effects: readonly Effect[]): Promise<NewNotification[] | null> {
  const left = effects.filter((e) => !e.applied)
  if (left.some((e) => e.name !== 'notify')) return null
  const record: NewNotification[] = []
  // Any statement a handler would still send means it needs the database: refused, the caller takes the transaction.
  const tx: Queryable = { query: () => Promise.reject(new NeedsTransaction('a statement')) }
  try {
    await carryOutEffects({ ...ctx, tx, record }, left)
  } catch (e) {
    if (e instanceof NeedsTransaction) return null
    throw e
  }
  return record
}

/** Carries out, in order, every effect the engine did not apply itself; one with no handler throws. */
export async function carryOutEffects(ctx: EffectContext, effects: readonly Effect[], handlers: Readonly<Record<string, EffectHandler>> = effectHandlers): Promise<void> {
  for (const e of effects) {
    if (e.applied) continue
    const handler = handlers[e.name]
    if (!handler) throw unhandled(e.arg === undefined ? e.name : `${e.name}:${e.arg}`)
    await handler(ctx, e.arg)
  }
}
