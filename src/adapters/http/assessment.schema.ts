/** Request and response schemas of the assessment routes (考核). */
import { errorBodySchema } from './errors.ts'
import { kindIdSchema } from './kind-ids.schema.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const
const sec = [{ bearer: [] }]
const rate = { type: 'object', properties: { numerator: { type: 'integer' }, denominator: { type: 'integer' }, value: { type: ['number', 'null'] } } } as const
const weights = {
  type: 'object',
  properties: { weights: { type: 'object', additionalProperties: { type: 'number' } }, overduePenalty: { type: 'number' } },
} as const
const kindQuery = { kind: { ...kindIdSchema, default: 'task' } } as const

export const assessmentSchema = {
  tags: ['assessment'],
  summary: 'Units ranked for a period (2026-05 month, 2026-Q2 quarter, 2026 year, 2026-05-X1…X3 旬, 2026-W19 ISO week): on-time rate, overdue, targets met, reporting punctuality, composite score',
  security: sec,
  querystring: { type: 'object', properties: { period: { type: 'string' }, ...kindQuery }, required: ['period'] },
  response: {
    200: {
      type: 'object',
      properties: {
        period: { type: 'object', properties: { key: { type: 'string' }, type: { type: 'string' }, label: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } },
        kind: { type: 'string' },
        asOf: { type: 'string' },
        // How current the counters were: changes still queued for the scheduler's drain, and since when (null: none).
        counters: { type: 'object', properties: { pending: { type: 'integer' }, more: { type: 'boolean' }, pendingSince: { type: ['string', 'null'] } } },
        weights,
        summary: {
          type: 'object',
          properties: { items: { type: 'integer' }, dueInPeriod: { type: 'integer' }, finishedInPeriod: { type: 'integer' }, onTime: rate, overdue: { type: 'integer' } },
        },
        rows: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              rank: { type: ['integer', 'null'] },
              unitId: { type: 'string' },
              unitName: { type: 'string' },
              items: { type: 'integer' },
              onTime: rate,
              overdue: { type: 'integer' },
              targetsMet: rate,
              reporting: rate,
              score: { type: ['number', 'null'] },
            },
          },
        },
      },
    },
    ...errors,
  },
} as const

export const getWeightsSchema = {
  tags: ['assessment'],
  summary: 'Composite-score weights of a kind',
  security: sec,
  querystring: { type: 'object', properties: kindQuery },
  response: { 200: weights, ...errors },
} as const

export const putWeightsSchema = {
  tags: ['assessment'],
  summary: 'Store composite-score weights of a kind (admin)',
  security: sec,
  querystring: { type: 'object', properties: kindQuery },
  body: { type: 'object' },
  response: { 200: weights, ...errors },
} as const

export const bulletinSchema = {
  tags: ['exports'],
  summary: 'The bulletin (通报) of a period as .docx',
  security: sec,
  querystring: { type: 'object', properties: { period: { type: 'string' }, ...kindQuery }, required: ['period'] },
} as const

export const ledgerSchema = {
  tags: ['exports'],
  summary: 'The ledger (台账) as .xlsx',
  security: sec,
  querystring: { type: 'object', properties: kindQuery },
} as const
