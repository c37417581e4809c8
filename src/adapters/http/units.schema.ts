/** Request and response schemas of the unit routes (单位). */
import { errorBodySchema } from './errors.ts'

const levelSchema = { type: 'string', enum: ['province', 'city', 'district', 'township', 'community', 'department', 'office'] } as const
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const

/** A unit as the API shows it. */
export const unitSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    parentId: { type: ['string', 'null'] },
    level: levelSchema,
    function: { type: ['string', 'null'] },
    aliases: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
  },
  required: ['id', 'name', 'parentId', 'level', 'function', 'aliases', 'active'],
} as const

const unitNodeSchema = {
  $id: 'duban.unitNode',
  type: 'object',
  properties: { ...unitSchema.properties, children: { type: 'array', items: { $ref: 'duban.unitNode#' } } },
} as const

export const listUnitsSchema = {
  tags: ['units'],
  summary: 'All active units, flat',
  security: [{ bearer: [] }],
  response: { 200: { type: 'array', items: unitSchema }, ...errors },
} as const

export const unitTreeSchema = {
  tags: ['units'],
  summary: 'The unit tree (市 → 区县 → 乡镇街道, with departments)',
  security: [{ bearer: [] }],
  response: { 200: { type: 'array', items: { $ref: 'duban.unitNode#' } }, ...errors },
} as const

export { unitNodeSchema }

export const saveUnitSchema = {
  tags: ['units'],
  summary: 'Create a unit or replace one with the same id (admin)',
  security: [{ bearer: [] }],
  body: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' },
      name: { type: 'string', minLength: 1, maxLength: 100 },
      parentId: { type: ['string', 'null'] },
      level: levelSchema,
      function: { type: ['string', 'null'], maxLength: 50 },
      aliases: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 },
    },
    required: ['id', 'name', 'parentId', 'level'],
    additionalProperties: false,
  },
  response: { 200: unitSchema, 201: unitSchema, ...errors },
} as const
