/**
 * The signed-in person's notifications (消息提醒), shared by the bell in the header and the 消息 screen:
 * the unread count, the list, and marking read. The count is asked for on every screen change and every 30 s.
 */
import { reactive } from 'vue'
import { api, withQuery } from './api.ts'
import type { Notification } from './types.ts'

export const inbox = reactive({ unread: 0 })

/** Asks the server for the unread count. */
export async function refreshUnread(): Promise<number> {
  inbox.unread = (await api<{ unread: number }>('GET', '/notifications/unread-count')).unread
  return inbox.unread
}

/** The newest notifications (only the unread ones with `unread`). */
export async function listNotifications(unread = false, limit = 100): Promise<Notification[]> {
  return api<Notification[]>('GET', withQuery('/notifications', { unread: unread || undefined, limit }))
}

/** Marks one read and takes the new count. */
export async function markRead(id: string): Promise<void> {
  inbox.unread = (await api<{ unread: number }>('POST', `/notifications/${encodeURIComponent(id)}/read`)).unread
}

/** Marks everything read. */
export async function markAllRead(): Promise<number> {
  const r = await api<{ marked: number; unread: number }>('POST', '/notifications/read-all')
  inbox.unread = r.unread
  return r.marked
}
