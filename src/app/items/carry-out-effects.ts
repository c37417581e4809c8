/**
 * Carrying out a transition's effects (执行副作用): the engine applies what changes the snapshot and returns
 * the rest by name; this module does those inside the event's transaction, so they commit with the change
 * they report. One handler per effect name:
 *   notify:<target>     → `notification` rows at once (not for the scheduler's events, which the tick announces): lead / previous_lead / assignees / cooperating units
 *                         (every user of the unit sees it), the operator / supervisor / leader role, or the
 *                         creating user. No kind declares `citizen`: a requester has no in-app inbox (the public
 *                         page shows the reply).
 *   issueNotice:<step>  → a 督办单 through the supervision-notice code, to the item's lead unit(s).
 * An effect with no handler here is left alone (the engine's registry only declares these two unapplied).
 */
import type { Queryable } from '../../adapters/db/db.ts'
import type { ItemRow } from '../../adapters/db/items.repo.ts'
import { insertNotification, listSupervisionConfigs } from '../../adapters/db/supervision.repo.ts'
import type { Effect, KindDef, Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { defaultSupervisionConfig } from '../supervision/supervision-config.ts'
import { issueNoticeIn } from '../supervision/supervision-notice.ts'

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
}

/** A handler of one effect name; `arg` is the part after ':'. */
export type EffectHandler = (ctx: EffectContext, arg: string | undefined) => Promise<void>

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : typeof v === 'string' && v ? [v] : [])

/** Who a notify target means for this item: units, roles or users. */
function recipients(ctx: EffectContext, target: string | undefined): { units?: string[]; roles?: string[]; users?: string[] } {
  const d = ctx.after.data
  switch (target) {
    case 'lead':
      return { units: ids(d['lead']) }
    case 'previous_lead': {
      const prev = ids(ctx.before.data['lead'])
      return { units: prev.filter((u) => !ids(d['lead']).includes(u)) }
    }
    case 'assignees':
      return { units: [...ids(d['lead']), ...ids(d['responsible']), ...ids(d['cooperating'])] }
    case 'cooperating':
      return { units: ids(d['cooperating']) }
    case 'supervisor':
    case 'operator':
    case 'leader':
      return { roles: [target] }
    case 'creator':
      return { users: ids(d['createdBy']) }
    default:
      return {}
  }
}

/** A short body for a notification: the reason, text or new due the event carried. */
function bodyOf(ctx: EffectContext): string {
  const p = ctx.payload
  const parts: string[] = []
  if (typeof p['reason'] === 'string') parts.push(`理由：${p['reason']}`)
  if (typeof p['text'] === 'string') parts.push(p['text'].length > 200 ? `${p['text'].slice(0, 200)}…` : p['text'])
  if (typeof p['newDue'] === 'string') parts.push(`申请延期至${p['newDue']}`)
  if (typeof p['rating'] === 'string') parts.push(`回访：${p['rating']}${p['resolved'] === true ? '，已解决' : p['resolved'] === false ? '，未解决' : ''}`)
  return parts.join('；')
}

const notify: EffectHandler = async (ctx, target) => {
  // The scheduler's own events (催办 on an expired clock) are announced by the tick itself (clock.expired,
  // escalation.raised); a second notification of the same happening would only be noise.
  if (ctx.actor.role === 'system') return
  const to = recipients(ctx, target)
  const label = ctx.kind.events[ctx.event]?.label ?? ctx.event
  const title = `${label}：${ctx.item.number}${ctx.item.title ? ` ${ctx.item.title}` : ''}`
  const base = { itemId: ctx.item.id, type: `item.${ctx.event}`, title, body: bodyOf(ctx), at: ctx.deps.clock.now() }
  const key = `${ctx.item.id}:v${ctx.version}:${ctx.event}`
  const units = [...new Set(to.units ?? [])]
  if (units.length > 0) {
    const { rows } = await ctx.tx.query<{ id: string }>('SELECT id FROM unit WHERE id = ANY($1::text[])', [units])
    const known = new Set(rows.map((r) => r.id))
    for (const unitId of units.filter((u) => known.has(u))) {
      await insertNotification(ctx.tx, { ...base, id: ctx.deps.newId(), dedupeKey: `${key}@unit:${unitId}`, unitId })
    }
  }
  for (const role of new Set(to.roles ?? [])) {
    await insertNotification(ctx.tx, { ...base, id: ctx.deps.newId(), dedupeKey: `${key}@role:${role}`, role })
  }
  const users = [...new Set(to.users ?? [])]
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
  const units = ids(ctx.after.data['lead'])
  await issueNoticeIn(
    ctx.tx,
    ctx.deps,
    ctx.actor.role === 'system' ? null : ctx.actor,
    { itemId: ctx.item.id, reason, replyWorkingDays: cfg.noticeReplyWorkingDays, ...(units.length > 0 ? { unitIds: units } : {}) },
    ctx.actor.role === 'system' ? 'ladder' : 'manual',
  )
}

/** The handlers by effect name (副作用处理表). */
export const effectHandlers: Readonly<Record<string, EffectHandler>> = { notify, issueNotice }

/** Carries out, in order, every effect the engine did not apply itself. */
export async function carryOutEffects(ctx: EffectContext, effects: readonly Effect[], handlers: Readonly<Record<string, EffectHandler>> = effectHandlers): Promise<void> {
  for (const e of effects) {
    if (e.applied) continue
    const handler = handlers[e.name]
    if (handler) await handler(ctx, e.arg)
  }
}
