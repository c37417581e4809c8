/** Request and response schemas of the service catalogue (服务目录), dispatch catalogue (派单目录) and public lists. */
import { TICKET_FUNCTIONS } from '../../domain/tickets/unit-functions.ts'
import { errorBodySchema } from './errors.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const

const timeLimitSchema = {
  type: 'object',
  properties: {
    unit: { type: 'string', enum: ['working_hours', 'working_days', 'calendar_days'] },
    amount: { type: 'number', exclusiveMinimum: 0, maximum: 2000 },
  },
  required: ['unit', 'amount'],
  additionalProperties: false,
} as const

const timeLimitsSchema = {
  type: 'object',
  properties: { urgent: timeLimitSchema, pressing: timeLimitSchema, normal: timeLimitSchema, consultation: timeLimitSchema },
  additionalProperties: false,
} as const

const timeLimitsOutSchema = {
  type: 'object',
  properties: { urgent: timeLimitSchema, pressing: timeLimitSchema, normal: timeLimitSchema, consultation: timeLimitSchema },
} as const

const codeSchema = { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9]{1,8}(\\.[A-Za-z0-9]{1,8}){0,2}$' } as const
const functionSchema = { type: ['string', 'null'], enum: [...TICKET_FUNCTIONS, null] } as const

/** One version of a category as stored. */
export const categoryRowSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    version: { type: 'integer' },
    parentCode: { type: ['string', 'null'] },
    level: { type: 'integer' },
    name: { type: 'string' },
    description: { type: 'string' },
    timeLimits: { anyOf: [timeLimitsOutSchema, { type: 'null' }] },
    function: { type: ['string', 'null'] },
    townshipDuty: { type: 'boolean' },
    keywords: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  required: ['code', 'version', 'parentCode', 'level', 'name', 'timeLimits', 'function', 'townshipDuty', 'active', 'createdAt'],
} as const

/** A node of the current tree (recursive). */
export const categoryNodeSchema = {
  $id: 'duban.categoryNode',
  type: 'object',
  properties: {
    code: { type: 'string' },
    version: { type: 'integer' },
    parentCode: { type: ['string', 'null'] },
    level: { type: 'integer' },
    name: { type: 'string' },
    description: { type: 'string' },
    timeLimits: timeLimitsOutSchema,
    ownTimeLimits: { anyOf: [timeLimitsOutSchema, { type: 'null' }] },
    function: { type: ['string', 'null'] },
    townshipDuty: { type: 'boolean' },
    keywords: { type: 'array', items: { type: 'string' } },
    children: { type: 'array', items: { $ref: 'duban.categoryNode#' } },
  },
  required: ['code', 'version', 'level', 'name', 'timeLimits', 'function', 'townshipDuty', 'children'],
} as const

const categoryBodyProps = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  description: { type: 'string', maxLength: 2000 },
  timeLimits: { anyOf: [timeLimitsSchema, { type: 'null' }] },
  function: functionSchema,
  townshipDuty: { type: 'boolean' },
  // 群众常说的说法: each 1–20 characters, at most 30, no duplicates (checked by the use-case, which names the entry).
  keywords: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 200 } },
} as const

export const listCategoriesSchema = {
  tags: ['catalogue'],
  summary: 'The current service catalogue (服务目录) as a tree, limits resolved through the parents',
  security: [{ bearer: [] }],
  response: { 200: { type: 'array', items: { $ref: 'duban.categoryNode#' } }, ...errors },
} as const

export const createCategorySchema = {
  tags: ['catalogue'],
  summary: 'Create a category; its level and parent follow from the code (03 › 03.02 › 03.02.05) (admin)',
  security: [{ bearer: [] }],
  body: { type: 'object', properties: { code: codeSchema, ...categoryBodyProps }, required: ['code', 'name'], additionalProperties: false },
  response: { 201: categoryRowSchema, ...errors },
} as const

const codeParams = { type: 'object', properties: { code: codeSchema }, required: ['code'] } as const

export const updateCategorySchema = {
  tags: ['catalogue'],
  summary: 'Write a new version of a category (the old version is kept, inactive); running tickets keep their limits (admin)',
  security: [{ bearer: [] }],
  params: codeParams,
  body: { type: 'object', properties: categoryBodyProps, required: ['name'], additionalProperties: false },
  response: { 200: categoryRowSchema, ...errors },
} as const

export const retireCategorySchema = {
  tags: ['catalogue'],
  summary: 'Retire a category (kept for the tickets that name it); refused while it has current sub-categories (admin)',
  security: [{ bearer: [] }],
  params: codeParams,
  response: { 200: categoryRowSchema, ...errors },
} as const

export const categoryVersionsSchema = {
  tags: ['catalogue'],
  summary: 'Every version of a category, oldest first (admin)',
  security: [{ bearer: [] }],
  params: codeParams,
  response: { 200: { type: 'array', items: categoryRowSchema }, ...errors },
} as const

/** One version of a dispatch rule. */
export const ruleSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    categoryCode: { type: 'string' },
    placeUnitId: { type: ['string', 'null'] },
    unitId: { type: ['string', 'null'] },
    byFunction: { type: ['string', 'null'] },
    priority: { type: 'integer' },
    basis: { type: 'string' },
    active: { type: 'boolean' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  required: ['id', 'version', 'categoryCode', 'placeUnitId', 'unitId', 'byFunction', 'priority', 'basis', 'active', 'createdAt'],
} as const

const unitIdSchema = { type: ['string', 'null'], minLength: 1, maxLength: 64 } as const
const ruleBodyProps = {
  categoryCode: codeSchema,
  placeUnitId: unitIdSchema,
  unitId: unitIdSchema,
  byFunction: functionSchema,
  priority: { type: 'integer', minimum: 0, maximum: 10000 },
  basis: { type: 'string', maxLength: 500 },
} as const
const ruleIdSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' } as const

export const listRulesSchema = {
  tags: ['catalogue'],
  summary: 'The dispatch catalogue (派单目录): current rules, or every version with ?all=true (admin, operator)',
  security: [{ bearer: [] }],
  querystring: { type: 'object', properties: { all: { type: 'boolean' } }, additionalProperties: false },
  response: { 200: { type: 'array', items: ruleSchema }, ...errors },
} as const

export const createRuleSchema = {
  tags: ['catalogue'],
  summary: 'Create a dispatch rule: category (code or prefix) + place subtree → a unit, or the unit of a function in the place\'s district (admin)',
  security: [{ bearer: [] }],
  body: { type: 'object', properties: { id: ruleIdSchema, ...ruleBodyProps }, required: ['categoryCode'], additionalProperties: false },
  response: { 201: ruleSchema, ...errors },
} as const

const ruleParams = { type: 'object', properties: { id: ruleIdSchema }, required: ['id'] } as const

export const updateRuleSchema = {
  tags: ['catalogue'],
  summary: 'Write a new version of a dispatch rule (the old one is kept, inactive) (admin)',
  security: [{ bearer: [] }],
  params: ruleParams,
  body: { type: 'object', properties: ruleBodyProps, required: ['categoryCode'], additionalProperties: false },
  response: { 200: ruleSchema, ...errors },
} as const

export const retireRuleSchema = {
  tags: ['catalogue'],
  summary: 'Retire a dispatch rule (admin)',
  security: [{ bearer: [] }],
  params: ruleParams,
  response: { 200: ruleSchema, ...errors },
} as const

const unitRefSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' } },
  required: ['id', 'name', 'level'],
} as const

export const suggestDispatchSchema = {
  tags: ['tickets'],
  summary: 'The dispatch catalogue\'s answer for a level-3 category and a place: {unit, rule} or {unit: null} (operator, admin)',
  security: [{ bearer: [] }],
  querystring: {
    type: 'object',
    properties: { categoryCode: codeSchema, placeUnitId: { type: 'string', minLength: 1, maxLength: 64 } },
    required: ['categoryCode'],
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: { unit: { anyOf: [unitRefSchema, { type: 'null' }] }, rule: { anyOf: [ruleSchema, { type: 'null' }] } },
      required: ['unit', 'rule'],
    },
    ...errors,
  },
} as const

const publicNodeSchema = {
  $id: 'duban.publicCategoryNode',
  type: 'object',
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    level: { type: 'integer' },
    keywords: { type: 'array', items: { type: 'string' }, description: '群众常说的说法: words people use for this category (欠薪 for 拖欠工资)' },
    children: { type: 'array', items: { $ref: 'duban.publicCategoryNode#' } },
  },
  required: ['code', 'name', 'level', 'keywords', 'children'],
} as const
export { publicNodeSchema }

export const publicCatalogueSchema = {
  tags: ['public'],
  summary: 'The current service catalogue for the public form: code, name, level, keywords (no sign-in)',
  response: { 200: { type: 'array', items: { $ref: 'duban.publicCategoryNode#' } }, 400: errorBodySchema },
} as const

export const publicPlacesSchema = {
  tags: ['public'],
  summary: 'Districts, townships and communities for the public form: id, name, parentId, level (no sign-in)',
  response: {
    200: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' }, parentId: { type: ['string', 'null'] }, level: { type: 'string' } },
        required: ['id', 'name', 'parentId', 'level'],
      },
    },
    400: errorBodySchema,
  },
} as const
