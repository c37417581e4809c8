/** Admin use-cases on webhook subscriptions (推送订阅): create, list, update, delete. */
import { randomBytes } from 'node:crypto'
import { deleteSubscription, getSubscription, listDeliveries, listSubscriptions, saveSubscription, type WebhookSubscription } from '../../persistence/supervision-webhook.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { recordAudit } from './audit.port.ts'
import { SUPERVISION_EVENT_TYPES } from './supervision-event.emit.ts'
import { checkWebhookUrl } from './webhook-target.ts'

/** A subscription as listed: the secret is never shown again after creation. */
export type SubscriptionView = Omit<WebhookSubscription, 'secret'>

/** Input of create/update. */
export interface SubscriptionInput {
  readonly url?: string
  readonly eventTypes?: readonly string[]
  readonly secret?: string
  readonly active?: boolean
  readonly description?: string
}

const hide = ({ secret: _secret, ...rest }: WebhookSubscription): SubscriptionView => rest

function check(input: SubscriptionInput, requireAll: boolean): void {
  const bad = (where: string, msg: string): never => {
    throw new DubanError('DUBAN_ERR_WEBHOOK_INVALID', msg, { where })
  }
  if (input.url !== undefined || requireAll) {
    let u: URL | null = null
    try {
      u = new URL(input.url ?? '')
    } catch {
      bad('url', 'url must be an absolute http(s) URL')
    }
    if (u && u.protocol !== 'http:' && u.protocol !== 'https:') bad('url', 'url must use http or https')
    if (u) checkWebhookUrl(u)
  }
  if (input.eventTypes !== undefined || requireAll) {
    const types = input.eventTypes ?? []
    if (types.length === 0) bad('eventTypes', 'eventTypes must list at least one type')
    const unknown = types.filter((t) => t !== '*' && !(SUPERVISION_EVENT_TYPES as readonly string[]).includes(t))
    if (unknown.length > 0) bad('eventTypes', `unknown event type ${unknown.join(', ')}; known: ${SUPERVISION_EVENT_TYPES.join(', ')}, *`)
  }
  if (input.secret !== undefined && input.secret.length < 16) bad('secret', 'secret must be at least 16 characters')
}

/** Creates a subscription; returns it with its secret (generated when not given), shown this once. */
export async function createSubscription(deps: AppDeps, actor: Actor, input: SubscriptionInput): Promise<WebhookSubscription> {
  check(input, true)
  const sub: WebhookSubscription = {
    id: deps.newId(),
    url: input.url!,
    eventTypes: [...new Set(input.eventTypes!)],
    secret: input.secret ?? randomBytes(24).toString('base64url'),
    active: input.active ?? true,
    description: input.description ?? '',
    createdAt: deps.clock.now().toISOString(),
  }
  await deps.db.transaction(async (tx) => {
    await saveSubscription(tx, sub, actor.userId)
    await recordAudit(tx, deps, actor, { action: 'webhook.create', entity: 'webhook_subscription', entityId: sub.id, after: hide(sub) })
  })
  return sub
}

/** Every subscription without secrets. */
export async function listWebhookSubscriptions(deps: AppDeps): Promise<SubscriptionView[]> {
  return (await listSubscriptions(deps.db)).map(hide)
}

/** One subscription with its recent deliveries. */
export async function showSubscription(deps: AppDeps, id: string): Promise<SubscriptionView & { deliveries: Record<string, unknown>[] }> {
  const sub = await getSubscription(deps.db, id)
  if (!sub) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no webhook subscription ${id}`, { where: 'id' })
  const deliveries = (await listDeliveries(deps.db, id, 50)).map((r) => ({
    ...r,
    next_attempt_at: r.next_attempt_at ? new Date(r.next_attempt_at as string).toISOString() : null,
    created_at: new Date(r.created_at as string).toISOString(),
    delivered_at: r.delivered_at ? new Date(r.delivered_at as string).toISOString() : null,
  }))
  return { ...hide(sub), deliveries }
}

/** The fields a change may name. */
const CHANGEABLE = ['url', 'eventTypes', 'secret', 'active', 'description'] as const

/** Changes a subscription's fields; a change that names none is refused (it would be audited as a change of nothing). */
export async function updateSubscription(deps: AppDeps, actor: Actor, id: string, input: SubscriptionInput): Promise<SubscriptionView> {
  if (!CHANGEABLE.some((k) => input[k] !== undefined)) {
    throw new DubanError('DUBAN_ERR_WEBHOOK_INVALID', `a change names at least one of ${CHANGEABLE.join(', ')}`, { where: 'body' })
  }
  check(input, false)
  return deps.db.transaction(async (tx) => {
    const before = await getSubscription(tx, id)
    if (!before) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no webhook subscription ${id}`, { where: 'id' })
    const after: WebhookSubscription = {
      ...before,
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
    }
    await saveSubscription(tx, after, actor.userId)
    await recordAudit(tx, deps, actor, { action: 'webhook.update', entity: 'webhook_subscription', entityId: id, before: hide(before), after: hide(after) })
    return hide(after)
  })
}

/** Deletes a subscription and its queued deliveries. */
export async function removeSubscription(deps: AppDeps, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const before = await getSubscription(tx, id)
    if (!before || !(await deleteSubscription(tx, id))) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no webhook subscription ${id}`, { where: 'id' })
    await recordAudit(tx, deps, actor, { action: 'webhook.delete', entity: 'webhook_subscription', entityId: id, before: hide(before) })
  })
}
