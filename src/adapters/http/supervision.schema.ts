/** Request and response schemas of the supervision routes (督办). */
import { errorBodySchema } from './errors.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const
const sec = [{ bearer: [] }]
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const

const notice = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    number: { type: 'string', description: "文号 in the issuing office's series: the top's 督办〔2026〕12号, a district 督查室's 青龙督办〔2026〕1号" },
    office: { type: 'string', description: "the issuing office: '' the top's, else the area unit's id (GET /api/office/areas)" },
    itemId: { type: 'string' },
    itemNumber: { type: 'string' },
    itemTitle: { type: 'string' },
    itemKind: { type: 'string', description: "the item's kind (task, ticket …): a ticket opens /tickets/:id, others /items/:id" },
    unitIds: { type: 'array', items: { type: 'string' } },
    reason: { type: 'string' },
    replyWorkingDays: { type: 'integer' },
    replyDue: { type: 'string' },
    status: { type: 'string', enum: ['issued', 'replied', 'withdrawn'] },
    origin: { type: 'string', enum: ['manual', 'ladder'] },
    issuedBy: { type: ['string', 'null'] },
    issuedAt: { type: 'string' },
    replyText: { type: ['string', 'null'] },
    repliedBy: { type: ['string', 'null'] },
    repliedUnitId: { type: ['string', 'null'] },
    repliedAt: { type: ['string', 'null'] },
    withdrawReason: { type: ['string', 'null'] },
    withdrawnBy: { type: ['string', 'null'] },
    withdrawnAt: { type: ['string', 'null'] },
    overdue: { type: 'boolean' },
  },
} as const

export const issueNoticeSchema = {
  tags: ['supervision'],
  summary: "Issue a 督办单 for an item (supervisor, admin); numbered in the issuer's office's series: 督办〔YYYY〕N号, or a district 督查室's 青龙督办〔YYYY〕N号",
  security: sec,
  body: {
    type: 'object',
    properties: {
      itemId: { type: 'string', minLength: 1 },
      reason: { type: 'string', minLength: 1, maxLength: 2000 },
      replyWorkingDays: { type: 'integer', minimum: 1, maximum: 60 },
      unitIds: { type: 'array', items: { type: 'string' }, maxItems: 50 },
    },
    required: ['itemId', 'reason', 'replyWorkingDays'],
  },
  response: { 201: notice, ...errors },
} as const

export const replyNoticeSchema = {
  tags: ['supervision'],
  summary: 'Reply to a 督办单 (a unit it is addressed to), once',
  security: sec,
  params: idParams,
  body: { type: 'object', properties: { text: { type: 'string', minLength: 1, maxLength: 20000 } }, required: ['text'] },
  response: { 200: notice, ...errors },
} as const

export const withdrawNoticeSchema = {
  tags: ['supervision'],
  summary: '撤回 a 督办单 still waiting for its reply, with a reason (supervisor, admin); kept on record, units told',
  security: sec,
  params: idParams,
  body: { type: 'object', properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } }, required: ['reason'], additionalProperties: false },
  response: { 200: notice, ...errors },
} as const

export const listNoticesSchema = {
  tags: ['supervision'],
  summary: 'Supervision notices, newest first; unit liaisons see their units’ only',
  security: sec,
  querystring: {
    type: 'object',
    properties: { itemId: { type: 'string' }, status: { type: 'string', enum: ['issued', 'replied', 'withdrawn'] }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
  },
  response: { 200: { type: 'array', items: notice }, ...errors },
} as const

const ladderStep = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    label: { type: 'string' },
    afterDueWorkingDays: { type: 'integer' },
    action: { type: 'string', enum: ['notify', 'notice'] },
  },
} as const

const config = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    warnBefore: { type: 'integer' },
    reporting: { type: 'object', additionalProperties: true },
    ladder: { type: 'array', items: ladderStep },
    noticeReplyWorkingDays: { type: 'integer' },
    reportGraceWorkingDays: { type: 'integer' },
    isDefault: { type: 'boolean' },
  },
} as const

const kindQuery = { type: 'object', properties: { kind: { type: 'string', minLength: 1, maxLength: 40, default: 'task' } } } as const

export const getLadderSchema = {
  tags: ['supervision'],
  summary: 'The supervision configuration of a kind: warning window, reporting cadence, escalation ladder',
  security: sec,
  querystring: kindQuery,
  response: { 200: config, ...errors },
} as const

export const putLadderSchema = {
  tags: ['supervision'],
  summary: 'Store a kind’s supervision configuration (admin); every wrong field is named',
  security: sec,
  querystring: kindQuery,
  // Open on purpose: parseSupervisionConfig names each wrong field.
  body: { type: 'object' },
  response: { 200: config, ...errors },
} as const

const subscription = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    eventTypes: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    description: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const

const subscriptionBody = {
  type: 'object',
  properties: {
    url: { type: 'string', maxLength: 2000 },
    eventTypes: { type: 'array', items: { type: 'string' }, maxItems: 20 },
    secret: { type: 'string', minLength: 16, maxLength: 200 },
    active: { type: 'boolean' },
    description: { type: 'string', maxLength: 500 },
  },
} as const

export const createSubscriptionSchema = {
  tags: ['webhooks'],
  summary: 'Subscribe a URL to supervision events (admin); the secret is returned this once',
  security: sec,
  body: { ...subscriptionBody, required: ['url', 'eventTypes'] },
  response: { 201: { type: 'object', properties: { ...subscription.properties, secret: { type: 'string' } } }, ...errors },
} as const

export const listSubscriptionsSchema = {
  tags: ['webhooks'],
  summary: 'Webhook subscriptions (admin), without secrets',
  security: sec,
  response: { 200: { type: 'array', items: subscription }, ...errors },
} as const

export const showSubscriptionSchema = {
  tags: ['webhooks'],
  summary: 'One subscription with its recent deliveries (admin)',
  security: sec,
  params: idParams,
  response: {
    200: { type: 'object', properties: { ...subscription.properties, deliveries: { type: 'array', items: { type: 'object', additionalProperties: true } } } },
    ...errors,
  },
} as const

export const updateSubscriptionSchema = {
  tags: ['webhooks'],
  summary: 'Change a subscription (admin)',
  security: sec,
  params: idParams,
  body: subscriptionBody,
  response: { 200: subscription, ...errors },
} as const

export const deleteSubscriptionSchema = {
  tags: ['webhooks'],
  summary: 'Delete a subscription and its queued deliveries (admin)',
  security: sec,
  params: idParams,
  response: { 204: { type: 'null' }, ...errors },
} as const
