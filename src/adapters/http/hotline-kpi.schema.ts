/** Request and response schemas of the 12345 KPI dashboard route (接诉即办考核). */
import { errorBodySchema } from './errors.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema } as const
const int = { type: 'integer' } as const
const str = { type: 'string' } as const
const rate = { type: 'object', properties: { numerator: int, denominator: int, value: { type: ['number', 'null'] } } } as const
const kpis = {
  volume: int,
  dispatches: int,
  returns: int,
  replies: int,
  followUps: int,
  reopens: int,
  onTimeAcceptance: rate,
  response: rate,
  onTimeCompletion: rate,
  resolution: rate,
  satisfaction: rate,
  reopenRate: rate,
  returnRate: rate,
} as const
const span = { type: 'object', properties: { from: str, to: str } } as const

/** The data scope (数据范围) a board answer is limited to (app/tickets/board-scope.ts); null = every unit. */
export const boardScopeSchema = {
  type: ['object', 'null'],
  description: 'the data scope (数据范围) the answer is limited to: the units covered and the names of the topmost ones; null = every unit',
  properties: { unitIds: { type: 'array', items: { type: 'string' } }, names: { type: 'array', items: { type: 'string' } } },
} as const
const topic = { key: str, count: int, previous: int, rise: int, riseRate: { type: ['number', 'null'] }, name: str } as const

export const hotlineKpisSchema = {
  tags: ['tickets'],
  summary:
    '12345 KPIs for a period [from, to): per unit and totals (按时签收率, 响应率, 按时办结率, 解决率, 满意率, 发回重办率, 回退率), trend, categories, places, hot topics, problem tickets',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    properties: {
      from: { type: 'string', description: 'a date (China midnight) or an ISO instant; default the first day of the current month' },
      to: { type: 'string', description: 'exclusive; default the first day of the next month (or from + 30 days)' },
      groupBy: { type: 'string', enum: ['day', 'week', 'month'], default: 'day' },
    },
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        period: span,
        previous: span,
        asOf: str,
        groupBy: str,
        scope: boardScopeSchema,
        totals: { type: 'object', properties: { ...kpis, received: int, merged: int, handlings: int } },
        units: { type: 'array', items: { type: 'object', properties: { unitId: str, unitName: str, ...kpis } } },
        trend: {
          type: 'array',
          items: {
            type: 'object',
            properties: { bucket: str, received: int, dispatched: int, replied: int, repliedOnTime: int, followUps: int, satisfied: int, reopens: int, returns: int },
          },
        },
        categories: { type: 'array', items: { type: 'object', properties: { code: str, name: str, level: int, count: int, previous: int } } },
        places: { type: 'array', items: { type: 'object', properties: { unitId: str, name: str, level: str, count: int, previous: int } } },
        hotTopics: {
          type: 'object',
          properties: {
            categories: { type: 'array', items: { type: 'object', properties: { ...topic, path: { type: 'array', items: str } } } },
            places: { type: 'array', items: { type: 'object', properties: topic } },
          },
        },
        problemTickets: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              itemId: str,
              number: str,
              state: str,
              stateType: str,
              categoryCode: { type: ['string', 'null'] },
              reason: { type: 'string', enum: ['reopened', 'passed_around'] },
              reopens: int,
              reassignments: int,
              unitId: { type: ['string', 'null'] },
              unitName: { type: ['string', 'null'] },
              raisedAt: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    ...errors,
  },
} as const
