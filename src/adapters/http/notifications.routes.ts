/**
 * Notifications (消息提醒): my inbox with an unread count and marking read; for the admin, users' contact
 * details, which channels are on, and every delivery. When the server listens it also starts the channel
 * worker (e-mail / SMS rounds, src/adapters/channels/), configured from the environment, and stops it on close.
 */
import { listDeliveries, listUserContacts, setUserContact } from '../../app/notifications/contacts.ts'
import { listMyInbox, markAllMineRead, markMineRead, myUnreadCount } from '../../app/notifications/inbox.ts'
import { channelConfigFromEnv, channelSenders, describeChannels } from '../channels/channel-config.ts'
import { startChannelWorker, type ChannelWorker } from '../channels/channel-worker.ts'
import { requireActor, requireRole } from './auth.ts'
import {
  channelsSchema,
  listContactsSchema,
  listDeliveriesSchema,
  listNotificationsSchema,
  markAllReadSchema,
  markReadSchema,
  putContactSchema,
  unreadCountSchema,
} from './notifications.schema.ts'
import type { RoutePlugin } from './routes.ts'

const plugin: RoutePlugin = async (app, { deps }) => {
  // A malformed channel setting stops the server at start rather than failing every delivery later.
  const config = channelConfigFromEnv()

  app.get<{ Querystring: { unread?: boolean; limit?: number } }>('/notifications', { schema: listNotificationsSchema }, async (request) =>
    listMyInbox(deps, requireActor(request), request.query),
  )
  app.get('/notifications/unread-count', { schema: unreadCountSchema }, async (request) => myUnreadCount(deps, requireActor(request)))
  app.post<{ Params: { id: string } }>('/notifications/:id/read', { schema: markReadSchema }, async (request) =>
    markMineRead(deps, requireActor(request), request.params.id),
  )
  app.post('/notifications/read-all', { schema: markAllReadSchema }, async (request) => markAllMineRead(deps, requireActor(request)))

  app.get('/notifications/channels', { schema: channelsSchema }, async (request) => {
    requireRole(request, 'admin')
    return describeChannels(config)
  })
  app.get('/notifications/contacts', { schema: listContactsSchema }, async (request) => listUserContacts(deps, requireRole(request, 'admin')))
  app.put<{ Params: { id: string }; Body: { email: string | null; phone: string | null } }>('/users/:id/contact', { schema: putContactSchema }, async (request) =>
    setUserContact(deps, requireRole(request, 'admin'), request.params.id, request.body),
  )
  app.get<{ Querystring: { channel?: string; status?: string; limit?: number } }>('/deliveries', { schema: listDeliveriesSchema }, async (request) =>
    listDeliveries(deps, requireRole(request, 'admin'), request.query),
  )

  // The channel worker runs only in a listening server (`duban serve`), not in tests that inject requests.
  let worker: ChannelWorker | null = null
  let closeSenders: () => void = () => undefined
  app.addHook('onListen', async () => {
    if (worker) return
    const { senders, close } = channelSenders(config)
    closeSenders = close
    worker = startChannelWorker(deps, senders, { onError: (e) => app.log.error({ err: e }, 'channel delivery round failed') })
  })
  app.addHook('onClose', async () => {
    await worker?.stop()
    worker = null
    closeSenders()
  })
}

export default plugin
