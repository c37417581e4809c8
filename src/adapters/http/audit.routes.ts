/** The audit log for admins (审计日志): GET /api/audit with filters, newest first, paged by `before`. */
import { listAudit, type AuditQuery } from '../../app/audit/list-audit.ts'
import { requireRole } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import type { RoutePlugin } from './routes.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema } as const
const row = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    seq: { type: ['integer', 'null'], description: 'chain position; null until the sealer has chained the row (about a second)' },
    at: { type: 'string' },
    actorId: { type: ['string', 'null'] },
    actorName: { type: ['string', 'null'] },
    action: { type: 'string' },
    actionLabel: { type: 'string', description: 'the action in Chinese (登录失败, 事项流转 …)' },
    entity: { type: 'string' },
    entityLabel: { type: 'string', description: 'the kind of record in Chinese (事项, 督办单 …)' },
    entityId: { type: ['string', 'null'] },
    before: {},
    after: {},
  },
} as const

const listAuditSchema = {
  tags: ['audit'],
  summary: 'The audit log (admin): filter by user name, item id or number, action (or a prefix ending in "."), China dates; newest first',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    properties: {
      user: { type: 'string', maxLength: 64 },
      item: { type: 'string', maxLength: 64 },
      action: { type: 'string', maxLength: 64 },
      from: { type: 'string', maxLength: 10 },
      to: { type: 'string', maxLength: 10 },
      before: { type: 'integer', minimum: 1 },
      limit: { type: 'integer', minimum: 1, maximum: 200 },
    },
    additionalProperties: false,
  },
  response: { 200: { type: 'object', properties: { rows: { type: 'array', items: row }, nextBefore: { type: ['integer', 'null'] } } }, ...errors },
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Querystring: AuditQuery }>('/audit', { schema: listAuditSchema }, async (request) => listAudit(deps, requireRole(request, 'admin'), request.query))
}

export default plugin
