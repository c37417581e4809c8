/**
 * The in-app inbox (站内消息) of the signed-in person: what is addressed to them, their unit or their role,
 * an unread count, and marking read — each person's own read state.
 */
import { countUnread, listInbox, markAllRead, markRead, type InboxRow, type Reader } from '../../persistence/notification-inbox.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { boardScope } from '../tickets/board-scope.ts'

const readerOf = (actor: Actor): Reader => {
  if (!actor.userId) throw new DubanError('DUBAN_ERR_FORBIDDEN', 'only a signed-in person has an inbox')
  // Role-addressed notifications within the reader's board scope (board-scope.ts): the hotline's operator reads every
  // one (it acts on every ticket), an operator an admin gave a scope (a 分中心's) only those about its units and places,
  // as its 热线看板 shows them; everyone else within their data scope.
  return { userId: actor.userId, unitId: actor.unitId, role: actor.role, scope: boardScope(actor) }
}

/** The newest notifications (at most `limit`, 1–500, default 100); only the unread ones with `unread`. */
export async function listMyInbox(deps: AppDeps, actor: Actor, q: { unread?: boolean; limit?: number } = {}): Promise<InboxRow[]> {
  return listInbox(deps.db, readerOf(actor), { unread: q.unread === true, limit: Math.min(Math.max(q.limit ?? 100, 1), 500) })
}

/** How many notifications the person has not read. */
export async function myUnreadCount(deps: AppDeps, actor: Actor): Promise<{ unread: number }> {
  return { unread: await countUnread(deps.db, readerOf(actor)) }
}

/** Marks one notification read; DUBAN_ERR_NOT_FOUND when it is not one the person sees. Returns the new count. */
export async function markMineRead(deps: AppDeps, actor: Actor, id: string): Promise<{ unread: number }> {
  const reader = readerOf(actor)
  if (!(await markRead(deps.db, reader, id, deps.clock.now()))) throw new DubanError('DUBAN_ERR_NOT_FOUND', `notification ${id}`, { where: id })
  return { unread: await countUnread(deps.db, reader) }
}

/** Marks everything the person sees read; returns how many were unread. */
export async function markAllMineRead(deps: AppDeps, actor: Actor): Promise<{ marked: number; unread: number }> {
  const reader = readerOf(actor)
  const marked = await markAllRead(deps.db, reader, deps.clock.now())
  return { marked, unread: await countUnread(deps.db, reader) }
}
