/** In-app notifications (消息提醒) of the signed-in user: to them, their unit, or their role. */
import { listNotificationsFor, type NotificationRow } from '../../adapters/db/supervision.repo.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** The newest notifications for the actor. */
export async function listMyNotifications(deps: AppDeps, actor: Actor, limit = 100): Promise<NotificationRow[]> {
  return listNotificationsFor(deps.db, { userId: actor.userId, unitId: actor.unitId, role: actor.role }, Math.min(Math.max(limit, 1), 500))
}
