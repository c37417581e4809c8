/** Supervision (督办): 督办单, the escalation ladder, webhook subscriptions. (My notifications: notifications.routes.ts.) */
import { issueNotice, listSupervisionNotices, replyNotice, withdrawNotice, type IssueNoticeInput } from '../../app/supervision/supervision-notice.ts'
import { getSupervisionConfig, putSupervisionConfig } from '../../app/supervision/supervision-ladder.ts'
import {
  createSubscription,
  listWebhookSubscriptions,
  removeSubscription,
  showSubscription,
  updateSubscription,
  type SubscriptionInput,
} from '../../app/supervision/webhook-subscriptions.ts'
import { requireActor, requireRole } from './auth.ts'
import type { RoutePlugin } from './routes.ts'
import {
  createSubscriptionSchema,
  deleteSubscriptionSchema,
  getLadderSchema,
  issueNoticeSchema,
  listNoticesSchema,
  listSubscriptionsSchema,
  putLadderSchema,
  replyNoticeSchema,
  withdrawNoticeSchema,
  showSubscriptionSchema,
  updateSubscriptionSchema,
} from './supervision.schema.ts'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.post<{ Body: IssueNoticeInput }>('/supervision/notices', { schema: issueNoticeSchema }, async (request, reply) => {
    const actor = requireRole(request, 'supervisor', 'admin')
    return reply.status(201).send(await issueNotice(deps, actor, request.body))
  })

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/supervision/notices/:id/withdraw', { schema: withdrawNoticeSchema }, async (request) => {
    return withdrawNotice(deps, requireRole(request, 'supervisor', 'admin'), request.params.id, request.body.reason)
  })

  app.post<{ Params: { id: string }; Body: { text: string } }>('/supervision/notices/:id/reply', { schema: replyNoticeSchema }, async (request) => {
    const actor = requireRole(request, 'unit_liaison', 'admin')
    return replyNotice(deps, actor, request.params.id, request.body.text)
  })

  app.get<{ Querystring: { itemId?: string; status?: 'issued' | 'replied' | 'withdrawn'; limit?: number } }>(
    '/supervision/notices',
    { schema: listNoticesSchema },
    async (request) => listSupervisionNotices(deps, requireActor(request), request.query),
  )

  app.get<{ Querystring: { kind: string } }>('/supervision/ladder', { schema: getLadderSchema }, async (request) => {
    requireRole(request, 'admin', 'supervisor', 'leader')
    return getSupervisionConfig(deps, request.query.kind)
  })

  app.put<{ Querystring: { kind: string }; Body: unknown }>('/supervision/ladder', { schema: putLadderSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return putSupervisionConfig(deps, actor, request.query.kind, request.body)
  })

  app.get('/webhooks', { schema: listSubscriptionsSchema }, async (request) => {
    requireRole(request, 'admin')
    return listWebhookSubscriptions(deps)
  })

  app.post<{ Body: SubscriptionInput }>('/webhooks', { schema: createSubscriptionSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin')
    return reply.status(201).send(await createSubscription(deps, actor, request.body))
  })

  app.get<{ Params: { id: string } }>('/webhooks/:id', { schema: showSubscriptionSchema }, async (request) => {
    requireRole(request, 'admin')
    return showSubscription(deps, request.params.id)
  })

  app.patch<{ Params: { id: string }; Body: SubscriptionInput }>('/webhooks/:id', { schema: updateSubscriptionSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return updateSubscription(deps, actor, request.params.id, request.body)
  })

  app.delete<{ Params: { id: string } }>('/webhooks/:id', { schema: deleteSubscriptionSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin')
    await removeSubscription(deps, actor, request.params.id)
    return reply.status(204).send()
  })
}

export default plugin
