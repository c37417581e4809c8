/** Request and response schemas of the item routes (事项 / 台账). */
import { errorBodySchema } from './errors.ts'
import { kindIdSchema, stateNameSchema } from './kind-ids.schema.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema } as const
const free = { type: 'object', additionalProperties: true } as const
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] } as const
const expectedVersion = { type: 'integer', minimum: 1 } as const
const text = { type: 'string', minLength: 1, maxLength: 20000 } as const
const reason = { type: 'string', minLength: 1, maxLength: 2000 } as const
/** Reported numbers against targets: metric → value. */
const measures = { type: 'object', additionalProperties: { type: 'number' } } as const
/** Attachment ids already uploaded, or files as base64. */
const attachments = {
  type: 'array',
  maxItems: 20,
  items: {
    anyOf: [
      { type: 'string', minLength: 1 },
      {
        type: 'object',
        properties: { name: { type: 'string', minLength: 1, maxLength: 255 }, mime: { type: 'string', maxLength: 100 }, contentBase64: { type: 'string' } },
        required: ['name', 'contentBase64'],
        additionalProperties: false,
      },
    ],
  },
} as const

const unitRef = { type: 'object', properties: { unitId: { type: 'string' }, unitName: { type: 'string' }, role: { type: 'string' } } } as const

const ledgerItemProps = {
  id: { type: 'string' },
  number: { type: 'string' },
  kind: { type: 'string' },
  state: { type: 'string' },
  stateLabel: { type: 'string' },
  stateType: { type: 'string' },
  title: { type: 'string' },
  planId: { type: ['string', 'null'] },
  dueDate: { type: ['string', 'null'] },
  overdue: { type: 'boolean' },
  units: { type: 'array', items: unitRef },
  version: { type: 'integer' },
  updatedAt: { type: 'string' },
} as const

const attachmentMeta = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, size: { type: 'integer' }, mime: { type: 'string' } } } as const

/** One history entry (办理记录). */
const itemEvent = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    event: { type: 'string' },
    fromState: { type: ['string', 'null'] },
    toState: { type: 'string' },
    actorId: { type: ['string', 'null'] },
    actorRole: { type: ['string', 'null'] },
    unitId: { type: ['string', 'null'] },
    payload: free,
    at: { type: 'string' },
  },
} as const

/** One progress or completion report (进展报送). */
const progressReport = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    unitId: { type: 'string' },
    period: { type: ['string', 'null'] },
    body: { type: 'string' },
    targetValues: { type: 'array', items: { type: 'object', properties: { metric: { type: 'string' }, value: { type: 'number' } } } },
    attachments: { type: 'array', items: attachmentMeta },
    onTime: { type: 'boolean' },
    reportedBy: { type: ['string', 'null'] },
    reportedAt: { type: 'string' },
    /** 已更正: the correction in force (body and figures), why, by whom, when, how many times; null when never corrected. */
    correction: {
      type: ['object', 'null'],
      properties: {
        body: { type: 'string' },
        targetValues: { type: 'array', items: { type: 'object', properties: { metric: { type: 'string' }, value: { type: 'number' } } } },
        reason: { type: 'string' },
        by: { type: ['string', 'null'] },
        at: { type: 'string' },
        count: { type: 'integer' },
      },
    },
  },
} as const

/** One extension request (延期申请) and its decision. */
const extensionRequest = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    unitId: { type: 'string' },
    reason: { type: 'string' },
    currentDue: { type: ['string', 'null'] },
    requestedDue: { type: 'string' },
    status: { type: 'string' },
    decidedBy: { type: ['string', 'null'] },
    decisionReason: { type: ['string', 'null'] },
    createdAt: { type: ['string', 'null'] },
    decidedAt: { type: ['string', 'null'] },
  },
} as const

/**
 * The answer to an event: the item without its history (fields, state, version, units, due date, the
 * events one may take next) and what the event recorded. Its size does not grow with the item's history.
 */
export const itemEventResultSchema = {
  type: 'object',
  properties: {
    ...ledgerItemProps,
    data: free,
    closedAt: { type: ['string', 'null'] },
    availableEvents: { type: 'array', items: free },
    event: itemEvent,
    report: progressReport,
    extensionRequest,
  },
  required: ['id', 'state', 'version', 'event'],
} as const

/** One item in full. */
export const itemDetailSchema = {
  type: 'object',
  properties: {
    ...ledgerItemProps,
    body: { type: 'string' },
    path: { type: 'array', items: { type: 'string' } },
    source: { type: 'array', items: { type: 'object', properties: { marker: { type: 'string' }, title: { type: ['string', 'null'] } } } },
    sourceLine: { type: ['integer', 'null'] },
    data: free,
    snapshot: free,
    createdAt: { type: 'string' },
    closedAt: { type: ['string', 'null'] },
    events: { type: 'array', items: itemEvent },
    reports: { type: 'array', items: progressReport },
    extensionRequests: { type: 'array', items: extensionRequest },
    attachments: { type: 'array', items: attachmentMeta },
    availableEvents: { type: 'array', items: free },
    calendarNotice: {
      type: ['object', 'null'],
      description: 'Set when the due date falls in a year the working-day calendar does not hold (computed, unverified)',
      properties: { missingYears: { type: 'array', items: { type: 'integer' } }, message: { type: 'string' } },
    },
    shares: { type: 'array', description: 'every unit with its share: accepted, reported, finished (共同办理)', items: free },
    children: { type: ['object', 'null'], description: 'the copies a collective name was split into (分解落实): total, done, items', additionalProperties: true },
    parent: { type: ['object', 'null'], description: 'the item this copy was split from', properties: { id: { type: 'string' }, number: { type: 'string' }, title: { type: 'string' } } },
  },
} as const

export const listItemsSchema = {
  tags: ['items'],
  summary: 'The ledger (台账): filter by kind, state, unit, plan, overdue, text; paged by cursor (after/next) or offset; total bounded at 1,000',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    properties: {
      kind: kindIdSchema,
      // A state of a kind, or a state type (open, waiting, closed: item-queries.ts).
      state: stateNameSchema(undefined, ['open', 'waiting', 'closed']),
      unit: { type: 'string', maxLength: 100 },
      plan: { type: 'string', maxLength: 100 },
      q: { type: 'string', maxLength: 200 },
      overdue: { type: 'boolean' },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      offset: { type: 'integer', minimum: 0, default: 0, description: 'rows to skip (slow when deep; prefer after)' },
      after: { type: 'string', minLength: 1, maxLength: 200, description: 'the next cursor of the previous page: the page after it, by keyset' },
    },
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', properties: ledgerItemProps } },
        total: { type: 'integer', description: 'matching items, counted up to 1,000' },
        totalCapped: { type: 'boolean', description: 'more than total match ("1,000+")' },
        limit: { type: 'integer' },
        offset: { type: 'integer' },
        next: { type: ['string', 'null'], description: 'cursor of the next page (pass as after), null on the last page' },
      },
      required: ['items', 'total', 'totalCapped', 'limit', 'offset', 'next'],
    },
    ...errors,
  },
} as const

export const getItemSchema = {
  tags: ['items'],
  summary: 'One item with units, history, reports, extension requests and the events you may take',
  security: [{ bearer: [] }],
  params: idParams,
  response: { 200: itemDetailSchema, ...errors },
} as const

const write = (summary: string, body: Record<string, unknown>, required: readonly string[] = []) =>
  ({
    tags: ['items'],
    summary,
    security: [{ bearer: [] }],
    params: idParams,
    body: { type: 'object', properties: { ...body, expectedVersion }, required, additionalProperties: false },
    response: { 200: itemEventResultSchema, ...errors },
  }) as const

export const eventSchema = write(
  'Take any event the item kind declares (accept, report_progress, request_extension, …)',
  { event: { type: 'string', pattern: '^[a-z_]{1,50}$' }, payload: { type: 'object', additionalProperties: true } },
  ['event'],
)
export const acceptSchema = write('Accept the item (签收)', {})
export const reportSchema = write('Report progress (报送进展): text, numbers against targets, attachments', { text, measures, attachments }, ['text'])
export const extensionSchema = write('Ask for more time (申请延期)', { reason, newDue: date }, ['reason', 'newDue'])
export const decisionSchema = (summary: string) => write(summary, { approve: { type: 'boolean' }, reason }, ['approve'])
export const completionSchema = write('Report completion (报办结)', { text, measures, attachments }, ['text'])

export const uploadSchema = {
  tags: ['items'],
  summary: 'Upload one attachment (multipart field `file`) for a later report to cite by id',
  security: [{ bearer: [] }],
  params: idParams,
  response: { 201: attachmentMeta, ...errors },
} as const

export const downloadSchema = {
  tags: ['items'],
  summary: 'Download an attachment',
  security: [{ bearer: [] }],
  params: { type: 'object', properties: { id: idParams.properties.id, attachmentId: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id', 'attachmentId'] },
} as const
