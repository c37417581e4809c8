/** Request and response schemas of the notification routes (消息提醒, 联系方式, 投递记录). */
import { errorBodySchema } from './errors.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const
const sec = [{ bearer: [] }]
const tags = ['notifications']
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const
const count = { type: 'object', properties: { unread: { type: 'integer' } }, required: ['unread'] } as const

const notification = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    title: { type: 'string' },
    body: { type: 'string' },
    itemId: { type: ['string', 'null'] },
    itemKind: { type: ['string', 'null'], description: "the item's kind (task, ticket …): a ticket opens /tickets/:id, others /items/:id" },
    unitId: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    readAt: { type: ['string', 'null'], description: 'when the signed-in person read it; null: unread' },
  },
} as const

export const listNotificationsSchema = {
  tags,
  summary: 'My notifications: to me, my unit or my role, newest first (only the unread ones with unread=true)',
  security: sec,
  querystring: {
    type: 'object',
    properties: { unread: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
  },
  response: { 200: { type: 'array', items: notification }, ...errors },
} as const

export const unreadCountSchema = {
  tags,
  summary: 'How many of my notifications I have not read',
  security: sec,
  response: { 200: count, ...errors },
} as const

export const markReadSchema = {
  tags,
  summary: 'Mark one of my notifications read (for me only); answers my new unread count',
  security: sec,
  params: idParams,
  response: { 200: count, ...errors },
} as const

export const markAllReadSchema = {
  tags,
  summary: 'Mark every notification I see read',
  security: sec,
  response: { 200: { type: 'object', properties: { marked: { type: 'integer' }, unread: { type: 'integer' } }, required: ['marked', 'unread'] }, ...errors },
} as const

const contact = {
  type: 'object',
  properties: {
    userId: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string' },
    unitId: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    phone: { type: ['string', 'null'] },
  },
} as const

export const listContactsSchema = {
  tags,
  summary: "Every user's e-mail and mobile, which the e-mail and SMS channels send to (admin)",
  security: sec,
  response: { 200: { type: 'array', items: contact }, ...errors },
} as const

export const putContactSchema = {
  tags,
  summary: "Set a user's e-mail and mobile; null or empty clears one (admin)",
  security: sec,
  params: idParams,
  body: {
    type: 'object',
    properties: { email: { type: ['string', 'null'], maxLength: 254 }, phone: { type: ['string', 'null'], maxLength: 32 } },
    required: ['email', 'phone'],
  },
  response: { 200: contact, ...errors },
} as const

export const channelsSchema = {
  tags,
  summary: 'Which channels are configured (e-mail over SMTP, SMS gateway), without secrets (admin)',
  security: sec,
  response: {
    200: {
      type: 'object',
      properties: {
        email: { type: 'object', properties: { on: { type: 'boolean' }, server: { type: ['string', 'null'] }, from: { type: ['string', 'null'] } } },
        sms: { type: 'object', properties: { on: { type: 'boolean' }, gateway: { type: ['string', 'null'] } } },
      },
    },
    ...errors,
  },
} as const

export const listDeliveriesSchema = {
  tags,
  summary: 'Deliveries over every channel (e-mail, SMS, webhooks), newest first, with attempts, last error and next attempt (admin)',
  security: sec,
  querystring: {
    type: 'object',
    properties: {
      channel: { type: 'string', enum: ['email', 'sms', 'webhook'] },
      status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
      limit: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  },
  response: {
    200: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          channel: { type: 'string' },
          recipient: { type: 'string' },
          subject: { type: 'string' },
          notificationId: { type: ['string', 'null'] },
          status: { type: 'string' },
          attempts: { type: 'integer' },
          lastError: { type: ['string', 'null'] },
          nextAttemptAt: { type: ['string', 'null'] },
          createdAt: { type: 'string' },
          deliveredAt: { type: ['string', 'null'] },
        },
      },
    },
    ...errors,
  },
} as const
