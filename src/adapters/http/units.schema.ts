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
      parentId: { type: ['string', 'null'], minLength: 1 },
      level: levelSchema,
      function: { type: ['string', 'null'], maxLength: 50 },
      aliases: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 },
    },
    required: ['id', 'name', 'parentId', 'level'],
    additionalProperties: false,
  },
  response: { 200: unitSchema, 201: unitSchema, ...errors },
} as const

export const importUnitsSchema = {
  tags: ['units'],
  summary: 'Import units from a .csv (id,name,parent_id,level,function,aliases) or .xlsx body; all or nothing (admin)',
  description: 'Send the file as the raw body with Content-Type text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; ?name= gives the file name for messages.',
  security: [{ bearer: [] }],
  querystring: { type: 'object', properties: { name: { type: 'string', maxLength: 200 } } },
  response: {
    200: { type: 'object', properties: { created: { type: 'integer' }, updated: { type: 'integer' } }, required: ['created', 'updated'] },
    ...errors,
    413: errorBodySchema,
  },
} as const

const matchSchema = {
  type: 'object',
  properties: {
    raw: { type: 'string' },
    unitId: { type: ['string', 'null'] },
    confidence: { type: 'number' },
    method: { type: 'string', enum: ['exact', 'mapping', 'normalised', 'function', 'none'] },
    candidates: {
      type: 'array',
      items: { type: 'object', properties: { unitId: { type: 'string' }, name: { type: 'string' }, confidence: { type: 'number' } } },
    },
    note: { type: 'string' },
  },
  required: ['raw', 'unitId', 'confidence', 'method', 'candidates'],
} as const

export const resolveUnitsSchema = {
  tags: ['units'],
  summary: 'Resolve extracted unit strings to units; unresolved ones come back with candidates for a person to map',
  security: [{ bearer: [] }],
  body: {
    type: 'object',
    properties: {
      names: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, minItems: 1, maxItems: 1000 },
      contextUnitId: { type: 'string', minLength: 1 },
    },
    required: ['names'],
    additionalProperties: false,
  },
  response: { 200: { type: 'array', items: matchSchema }, ...errors },
} as const

const mappingSchema = {
  type: 'object',
  properties: {
    raw: { type: 'string' },
    scopeUnitId: { type: ['string', 'null'], description: 'the jurisdiction (place unit) it applies in; null: every document' },
    scopeName: { type: ['string', 'null'] },
    unitId: { type: 'string' },
    unitName: { type: ['string', 'null'] },
    memberIds: { type: 'array', items: { type: 'string' }, description: 'for a collective name (各街道): the units it stands for' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  required: ['raw', 'unitId'],
} as const

export const listMappingsSchema = {
  tags: ['units'],
  summary: 'Remembered unit mappings, with their jurisdiction and, for collective names, their members',
  security: [{ bearer: [] }],
  response: { 200: { type: 'array', items: mappingSchema }, ...errors },
} as const

export const saveMappingSchema = {
  tags: ['units'],
  summary: 'Remember (or change) that an extracted unit string means a unit, in one jurisdiction or everywhere (admin, supervisor)',
  security: [{ bearer: [] }],
  body: {
    type: 'object',
    properties: {
      raw: { type: 'string', minLength: 1, maxLength: 200 },
      scopeUnitId: { type: ['string', 'null'], minLength: 1 },
      unitId: { type: 'string', minLength: 1 },
      memberIds: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 500 },
    },
    required: ['raw', 'unitId'],
    additionalProperties: false,
  },
  response: { 201: mappingSchema, ...errors },
} as const

export const deleteMappingSchema = {
  tags: ['units'],
  summary: 'Forget a remembered unit mapping (admin, supervisor)',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    properties: { raw: { type: 'string', minLength: 1, maxLength: 200 }, scopeUnitId: { type: 'string', minLength: 1 } },
    required: ['raw'],
    additionalProperties: false,
  },
  response: { 204: { type: 'null' }, ...errors },
} as const
