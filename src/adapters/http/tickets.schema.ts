/** Request and response schemas of the ticket routes (12345 工单), authenticated and public (docs/tickets.md). */
import { errorBodySchema } from './errors.ts'
import { stateNameSchema } from './kind-ids.schema.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 429: errorBodySchema } as const
const free = { type: 'object', additionalProperties: true } as const
const str = { type: 'string' } as const
const strOrNull = { type: ['string', 'null'] } as const
const numOrNull = { type: ['number', 'null'] } as const
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] } as const

/** Field bounds shared with src/domain/tickets/intake.rules.ts (which checks them again, naming the field). */
export const REQUEST_TYPE = { type: 'string', enum: ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'] } as const
export const URGENCY = { type: 'string', enum: ['urgent', 'pressing', 'normal'] } as const
export const CONTENT = { type: 'string', minLength: 1, maxLength: 5000 } as const
export const NAME = { type: 'string', maxLength: 50 } as const
/** Digits with the usual separators (+86, spaces, dashes, dots, brackets; full-width digits too). */
export const PHONE = { type: 'string', minLength: 3, maxLength: 40, pattern: '^[+0-9０-９()（）\\-\\s.]+$' } as const
export const CATEGORY_CODE = { type: 'string', minLength: 1, maxLength: 64 } as const
export const UNIT_ID = { type: 'string', minLength: 1, maxLength: 100 } as const
export const TICKET_NUMBER = { type: 'string', minLength: 1, maxLength: 40 } as const
const address = { type: 'string', maxLength: 200 } as const
const lat = { type: 'number', minimum: -90, maximum: 90 } as const
const lng = { type: 'number', minimum: -180, maximum: 180 } as const
const reason = { type: 'string', minLength: 1, maxLength: 2000 } as const
const rating = { type: 'string', enum: ['satisfied', 'basically_satisfied', 'unsatisfied'] } as const

const attachments = {
  type: 'array',
  maxItems: 10,
  items: {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1, maxLength: 255 }, mime: { type: 'string', maxLength: 100 }, contentBase64: { type: 'string' } },
    required: ['name', 'contentBase64'],
    additionalProperties: false,
  },
} as const

const unitRef = { type: 'object', properties: { id: str, name: str } } as const
const timeLimit = { type: 'object', properties: { unit: str, amount: { type: 'number' } } } as const

/** TicketView (docs/tickets.md). */
const ticketViewProps = {
  id: str,
  number: str,
  kind: str,
  state: str,
  stateLabel: str,
  stateType: str,
  version: { type: 'integer' },
  channel: str,
  requestType: str,
  categoryCode: str,
  categoryPath: { type: 'array', items: str },
  urgency: str,
  anonymous: { type: 'boolean' },
  requesterName: strOrNull,
  requesterPhone: strOrNull,
  address: str,
  lat: numOrNull,
  lng: numOrNull,
  placeUnitId: strOrNull,
  placeUnitName: strOrNull,
  content: str,
  lead: { anyOf: [unitRef, { type: 'null' }] },
  cooperating: { type: 'array', items: unitRef },
  receivedAt: str,
  dueAt: strOrNull,
  acceptDueAt: strOrNull,
  overdue: { type: 'boolean' },
  limits: { type: 'object', properties: { handle: timeLimit, accept: timeLimit, respond: timeLimit } },
  reply: { anyOf: [{ type: 'object', properties: { text: str, at: str } }, { type: 'null' }] },
  followUp: { anyOf: [{ type: 'object', properties: { rating: str, resolved: { type: ['boolean', 'null'] }, at: str } }, { type: 'null' }] },
  citizenRating: { anyOf: [{ type: 'object', properties: { rating: str, comment: strOrNull, at: strOrNull } }, { type: 'null' }] },
  counters: { type: 'object', properties: { returns: { type: 'integer' }, reassignments: { type: 'integer' }, reopens: { type: 'integer' }, supervisions: { type: 'integer' } } },
  flags: { type: 'object', properties: { problem: { type: 'boolean' }, reason: str } },
  // 重复诉求 / 并单 (src/app/tickets/duplicates.ts)
  duplicates: {
    type: 'object',
    properties: {
      mergedInto: { anyOf: [{ type: 'object', properties: { id: str, number: str } }, { type: 'null' }] },
      mergedFrom: { type: 'array', items: { type: 'object', properties: { id: str, number: str } } },
      proposed: { type: 'integer' },
      repeated: { anyOf: [{ type: 'object', properties: { asks: { type: 'integer' } } }, { type: 'null' }] },
      requesterNotice: strOrNull,
    },
  },
  availableEvents: { type: 'array', items: { type: 'object', properties: { event: str, label: str, requires: free, optional: free } } },
} as const

export const ticketViewSchema = { type: 'object', properties: ticketViewProps } as const

const historyEntry = {
  type: 'object',
  properties: { seq: { type: 'integer' }, event: str, fromState: strOrNull, toState: str, actorId: strOrNull, actorRole: strOrNull, unitId: strOrNull, payload: free, at: str },
} as const

const noticeSchema = {
  type: 'object',
  properties: {
    id: str, number: str, unitIds: { type: 'array', items: str }, reason: str, replyDue: str, status: str, origin: str,
    issuedBy: strOrNull, issuedAt: str, replyText: strOrNull, repliedAt: strOrNull, repliedUnitId: strOrNull,
    replyWorkingDays: { type: 'integer' }, withdrawReason: strOrNull,
    overdue: { type: 'boolean', description: 'unanswered past its reply day, or answered after it (never when withdrawn)' },
  },
} as const

export const ticketDetailSchema = {
  type: 'object',
  properties: {
    ...ticketViewProps,
    history: { type: 'array', items: historyEntry },
    attachments: { type: 'array', items: { type: 'object', properties: { id: str, name: str, size: { type: 'integer' }, mime: str } } },
    notices: { type: 'array', items: noticeSchema },
    citizenRatings: {
      type: 'array',
      description: "市民评价 of every reply round (重办 brings a new reply, rated again), oldest first; citizenRating is the latest",
      items: { type: 'object', properties: { replyAt: str, rating: str, comment: strOrNull, at: str } },
    },
    requesterMessages: {
      type: 'array',
      description: 'SMS to the requesters of its handling (并单 notice, reply): its own and those of tickets merged into it, oldest first',
      items: {
        type: 'object',
        properties: {
          id: str,
          ticket: { type: 'object', properties: { id: str, number: str } },
          purpose: { type: 'string', enum: ['merge_notice', 'reply'] },
          text: str,
          phone: { type: ['string', 'null'], description: 'masked (138****5678)' },
          at: str,
          delivery: { type: 'string', enum: ['waiting', 'unsent', 'pending', 'delivered', 'failed'] },
        },
      },
    },
  },
} as const

const intakeFields = {
  requestType: REQUEST_TYPE,
  categoryCode: CATEGORY_CODE,
  anonymous: { type: 'boolean' },
  requesterName: NAME,
  requesterPhone: PHONE,
  address,
  lat,
  lng,
  placeUnitId: UNIT_ID,
  content: CONTENT,
} as const

export const receiveTicketSchema = {
  tags: ['tickets'],
  summary: 'Receive a ticket at the desk (受理), optionally dispatching it at once (派单)',
  security: [{ bearer: [] }],
  body: {
    type: 'object',
    properties: {
      channel: { type: 'string', enum: ['phone'] },
      ...intakeFields,
      urgency: URGENCY,
      attachments,
      dispatch: {
        type: 'object',
        properties: { lead: UNIT_ID, cooperating: { type: 'array', maxItems: 20, items: UNIT_ID } },
        required: ['lead'],
        additionalProperties: false,
      },
    },
    required: ['requestType', 'categoryCode', 'urgency', 'content'],
    additionalProperties: false,
  },
  response: { 201: ticketDetailSchema, ...errors },
} as const

export const listTicketsSchema = {
  tags: ['tickets'],
  summary: 'Tickets in your scope, newest first (todo: soonest due first): filter by state, state type, category, place, unit, request type, text, received from/to, 待办',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    properties: {
      state: stateNameSchema('ticket'),
      stateType: { type: 'string', enum: ['open', 'waiting', 'closed'] },
      categoryCode: CATEGORY_CODE,
      placeUnitId: UNIT_ID,
      unitId: UNIT_ID,
      requestType: REQUEST_TYPE,
      repeated: { type: 'boolean', description: 'only tickets flagged 多次重复诉求' },
      todo: {
        type: 'boolean',
        description:
          '只看待办: only tickets waiting on your unit as lead (承办) — 待签收 and 办理中, the ticket kind\'s TICKET_TODO states — the soonest due first (签收期限 before 签收, 办理期限 after); 协办 tickets are left out (a cooperating unit has no step on a ticket). A liaison: its own unit; others: the leads in their scope. With it q is a substring of number, content or address',
      },
      q: { type: 'string', maxLength: 200 },
      from: { type: 'string', maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}' },
      to: { type: 'string', maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}' },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      offset: { type: 'integer', minimum: 0, default: 0 },
    },
    additionalProperties: false,
  },
  response: {
    200: { type: 'object', properties: { tickets: { type: 'array', items: ticketViewSchema }, total: { type: 'integer' }, totalCapped: { type: 'boolean', description: 'a word search (q) found more than total, which is capped at the 300 newest matches it ranks: "300+"' }, limit: { type: 'integer' }, offset: { type: 'integer' } } },
    ...errors,
  },
} as const

export const getTicketSchema = {
  tags: ['tickets'],
  summary: 'One ticket with history, attachments, 督办单 and the events you may take',
  security: [{ bearer: [] }],
  params: idParams,
  response: { 200: ticketDetailSchema, ...errors },
} as const

export const ticketEventSchema = {
  tags: ['tickets'],
  summary: 'Take an event of the ticket kind (accept, contact, reply, return, reassign, follow_up, …); answers the ticket and the history entry written',
  security: [{ bearer: [] }],
  params: idParams,
  body: {
    type: 'object',
    properties: {
      event: { type: 'string', pattern: '^[a-z_]{1,50}$' },
      payload: { type: 'object', additionalProperties: true },
      expectedVersion: { type: 'integer', minimum: 1 },
    },
    required: ['event'],
    additionalProperties: false,
  },
  response: { 200: { type: 'object', properties: { ...ticketViewProps, event: historyEntry } }, ...errors },
} as const

export const revealSchema = {
  tags: ['tickets'],
  summary: "Reveal the requester's name and phone (audited as ticket.reveal)",
  security: [{ bearer: [] }],
  params: idParams,
  body: { type: 'object', properties: { reason }, required: ['reason'], additionalProperties: false },
  response: { 200: { type: 'object', properties: { requesterName: strOrNull, requesterPhone: strOrNull } }, ...errors },
} as const

// ── public (/api/public, no sign-in) ────────────────────────────────

const publicView = {
  type: 'object',
  properties: {
    number: str,
    stateLabel: str,
    status: str,
    receivedAt: str,
    categoryName: strOrNull,
    reply: { anyOf: [{ type: 'object', properties: { text: str, at: str } }, { type: 'null' }] },
    rating: { anyOf: [{ type: 'object', properties: { rating: str, comment: strOrNull, at: strOrNull } }, { type: 'null' }] },
    ratings: { type: 'array', items: { type: 'object', properties: { rating: str, comment: strOrNull, at: str, replyAt: str } } },
    canRate: { type: 'boolean' },
    canWithdraw: { type: 'boolean' },
    canReopen: { type: 'boolean' },
    reopenUntil: strOrNull,
    merged: { anyOf: [{ type: 'object', properties: { intoNumber: str, notice: strOrNull } }, { type: 'null' }] },
  },
} as const

/** How many photos (现场照片) a request from the public page may carry. */
export const PUBLIC_PHOTOS_MAX = 3

export const publicSubmitSchema = {
  tags: ['public'],
  summary: 'Submit a request from the public page (channel web), with up to 3 photos (JPEG, PNG, GIF, WebP; 5 MB each); answers the ticket number',
  body: { type: 'object', properties: { ...intakeFields, attachments: { ...attachments, maxItems: PUBLIC_PHOTOS_MAX, items: { ...attachments.items, properties: { name: attachments.items.properties.name, contentBase64: attachments.items.properties.contentBase64 } } } }, required: ['requestType', 'categoryCode', 'content', 'requesterPhone'], additionalProperties: false },
  response: { 201: { type: 'object', properties: { number: str } }, ...errors },
} as const

export const publicLookupSchema = {
  tags: ['public'],
  summary: 'Look a ticket up by number and phone: state, reply and rating only',
  querystring: { type: 'object', properties: { number: TICKET_NUMBER, phone: PHONE }, required: ['number', 'phone'], additionalProperties: false },
  response: { 200: publicView, ...errors },
} as const

export const publicRateSchema = {
  tags: ['public'],
  summary: 'Rate the reply once (满意 / 基本满意 / 不满意); 409 the second time',
  body: { type: 'object', properties: { number: TICKET_NUMBER, phone: PHONE, rating, comment: { type: 'string', maxLength: 500 } }, required: ['number', 'phone', 'rating'], additionalProperties: false },
  response: { 200: publicView, ...errors },
} as const

export const publicReopenSchema = {
  tags: ['public'],
  summary: 'Ask for 重办 with a reason: after the reply, while the 回访 window (回访时限) runs, unless rated 满意 / 基本满意; 409 otherwise',
  body: { type: 'object', properties: { number: TICKET_NUMBER, phone: PHONE, reason: { type: 'string', minLength: 1, maxLength: 500 } }, required: ['number', 'phone', 'reason'], additionalProperties: false },
  response: { 200: publicView, ...errors },
} as const

export const publicWithdrawSchema = {
  tags: ['public'],
  summary: 'Withdraw (撤回) a ticket no unit has accepted yet',
  body: { type: 'object', properties: { number: TICKET_NUMBER, phone: PHONE, reason: { type: 'string', maxLength: 500 } }, required: ['number', 'phone'], additionalProperties: false },
  response: { 200: publicView, ...errors },
} as const
