/**
 * Emits one supervision event (督办事件): in-app notifications to its recipients and a webhook
 * delivery per matching subscription, all inside the caller's transaction (the outbox pattern:
 * the delivery row commits with the change it reports, a worker sends it later).
 */
import type { Queryable } from '../../persistence/db.ts'
import { insertNotification } from '../../persistence/supervision.repo.ts'
import { enqueueEvent } from '../../persistence/supervision-webhook.repo.ts'
import type { AppDeps } from '../deps.ts'

/** Event types a webhook may subscribe to. */
export const SUPERVISION_EVENT_TYPES = [
  'item.due_soon',
  'item.overdue',
  'clock.expired',
  'report.missing',
  'escalation.raised',
  'notice.issued',
  'notice.replied',
  'notice.withdrawn',
] as const

/** One of SUPERVISION_EVENT_TYPES. */
export type SupervisionEventType = (typeof SUPERVISION_EVENT_TYPES)[number]

/** Who is told: units (every user of the unit), roles (every user holding it), single users. */
export interface Recipients {
  readonly units?: readonly string[]
  readonly roles?: readonly string[]
  readonly users?: readonly string[]
}

/** An event to emit; `id` is stable for the same happening, so emitting twice does nothing new. */
export interface SupervisionEvent {
  readonly id: string
  readonly type: SupervisionEventType
  readonly itemId: string | null
  readonly title: string
  readonly body: string
  readonly to: Recipients
  /** Extra JSON for webhook receivers. */
  readonly data: Readonly<Record<string, unknown>>
}

/** Writes the notifications and queues the webhook deliveries. */
export async function emitSupervisionEvent(tx: Queryable, deps: AppDeps, e: SupervisionEvent): Promise<void> {
  const at = deps.clock.now()
  const base = { itemId: e.itemId, type: e.type, title: e.title, body: e.body, at }
  for (const unitId of new Set(e.to.units ?? [])) {
    await insertNotification(tx, { ...base, id: deps.newId(), dedupeKey: `${e.id}@unit:${unitId}`, unitId })
  }
  for (const role of new Set(e.to.roles ?? [])) {
    await insertNotification(tx, { ...base, id: deps.newId(), dedupeKey: `${e.id}@role:${role}`, role })
  }
  for (const userId of new Set(e.to.users ?? [])) {
    await insertNotification(tx, { ...base, id: deps.newId(), dedupeKey: `${e.id}@user:${userId}`, userId })
  }
  const payload = { id: e.id, type: e.type, at: at.toISOString(), itemId: e.itemId, title: e.title, body: e.body, ...e.data }
  await enqueueEvent(tx, { eventId: e.id, eventType: e.type, payload, at }, deps.newId)
}
