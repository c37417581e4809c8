/** Request and response schemas of the plan routes (工作要点导入与审核). */
import { errorBodySchema } from './errors.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema } as const
const free = { type: 'object', additionalProperties: true } as const
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const

/** A target (指标), as the reader produces it and a reviewer edits it. */
export const targetSchema = {
  type: 'object',
  properties: {
    metric: { type: 'string', minLength: 1 },
    comparison: { type: 'string', enum: ['>=', '>', '<=', '<', '=', 'range'] },
    value: { type: 'number' },
    valueTo: { type: 'number' },
    unit: { type: 'string' },
    text: { type: 'string' },
  },
  required: ['metric', 'comparison', 'value', 'unit', 'text'],
  additionalProperties: false,
} as const

/** A reporting cadence (报送频次). */
export const cadenceSchema = {
  oneOf: [
    { type: 'object', properties: { every: { const: 'week' }, weekday: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['every', 'weekday'], additionalProperties: false },
    { type: 'object', properties: { every: { const: 'month' }, day: { type: 'integer', minimum: 1, maximum: 31 } }, required: ['every', 'day'], additionalProperties: false },
    { type: 'object', properties: { every: { const: 'quarter' }, day: { type: 'integer', minimum: 1, maximum: 31 } }, required: ['every', 'day'], additionalProperties: false },
    { type: 'object', properties: { every: { const: 'none' } }, required: ['every'], additionalProperties: false },
  ],
} as const

const planSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    fileName: { type: 'string' },
    year: { type: ['integer', 'null'] },
    issuer: { type: ['string', 'null'] },
    docNumber: { type: ['string', 'null'] },
    status: { type: 'string' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    confirmedAt: { type: ['string', 'null'] },
    documents: { type: 'array', items: free },
    items: { type: 'array', items: free },
    unrepaired: { type: 'array', items: free },
    tables: { type: 'array', items: free },
    summary: free,
    sameContent: {
      type: 'array',
      description: 'other plans imported from the same document (same text, whitespace aside): 重复导入 warning',
      items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, fileName: { type: 'string' }, status: { type: 'string' }, createdAt: { type: 'string' } } },
    },
  },
} as const

const planListSchema = {
  type: 'object',
  properties: {
    plans: { type: 'array', items: { type: 'object', properties: { ...planSchema.properties, documents: { type: 'array', items: free } } } },
    total: { type: 'integer' },
  },
} as const

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] } as const

/** POST /plans: a file as JSON with base64 content, or a multipart upload (field `file`, optional `documents` like `0,2`). */
export const importPlanSchema = {
  tags: ['plans'],
  summary: 'Import a plan document (工作要点) as a draft ledger',
  security: [{ bearer: [] }],
  body: {
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            fileName: { type: 'string', minLength: 1, maxLength: 255 },
            contentBase64: { type: 'string', minLength: 1 },
            documents: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 },
          },
          required: ['fileName', 'contentBase64'],
          additionalProperties: false,
        },
      },
      'multipart/form-data': { schema: {} },
    },
  },
  response: { 201: planSchema, ...errors },
} as const

export const listPlansSchema = {
  tags: ['plans'],
  summary: 'Plans, newest first',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 } },
    additionalProperties: false,
  },
  response: { 200: planListSchema, ...errors },
} as const

export const getPlanSchema = {
  tags: ['plans'],
  summary: 'One plan with its draft ledger and what blocks confirming',
  security: [{ bearer: [] }],
  params: idParams,
  response: { 200: planSchema, ...errors },
} as const

export const patchPlanSchema = {
  tags: ['plans'],
  summary: 'Choose documents, map unit strings to units everywhere they occur (this plan only or remembered), give every undated item a due date',
  security: [{ bearer: [] }],
  params: idParams,
  body: {
    type: 'object',
    properties: {
      documents: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 },
      mappings: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            raw: { type: 'string', minLength: 1 },
            unitId: { type: 'string', minLength: 1 },
            memberIds: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 500, description: 'for a collective name (各街道): the units it stands for' },
            remember: { type: 'boolean', description: 'keep for later plans of the same jurisdiction; false: this plan only' },
          },
          required: ['raw', 'unitId'],
          additionalProperties: false,
        },
      },
      dueForUndated: { type: 'string', minLength: 1, maxLength: 10, description: '年底 or YYYY-MM-DD: the due date of every included item without one' },
    },
    minProperties: 1,
  },
  response: { 200: planSchema, ...errors },
} as const

export const patchPlanItemSchema = {
  tags: ['plans'],
  summary: 'Edit one proposed item: title, units by role, due date, targets, cadence, include/exclude',
  security: [{ bearer: [] }],
  params: { type: 'object', properties: { id: idParams.properties.id, n: { type: 'integer', minimum: 1 } }, required: ['id', 'n'] },
  body: {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 500 },
      included: { type: 'boolean' },
      units: {
        type: 'object',
        properties: {
          lead: { type: 'array', items: { type: 'string', minLength: 1 } },
          responsible: { type: 'array', items: { type: 'string', minLength: 1 } },
          cooperating: { type: 'array', items: { type: 'string', minLength: 1 } },
        },
      },
      due: { anyOf: [date, { type: 'null' }] },
      targets: { type: 'array', items: targetSchema },
      cadence: { anyOf: [cadenceSchema, { type: 'null' }] },
    },
    minProperties: 1,
  },
  response: { 200: planSchema, ...errors },
} as const

export const confirmPlanSchema = {
  tags: ['plans'],
  summary: 'Confirm the draft: included items become dispatched tasks (DB-YYYY-NNNN), in one transaction',
  security: [{ bearer: [] }],
  params: idParams,
  response: {
    200: {
      type: 'object',
      properties: {
        plan: planSchema,
        tasks: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              n: { type: 'integer' },
              id: { type: 'string' },
              number: { type: 'string' },
              children: { type: 'array', description: 'copies made for each unit of an expanded collective name (分解落实)', items: free },
            },
          },
        },
      },
    },
    ...errors,
  },
} as const
