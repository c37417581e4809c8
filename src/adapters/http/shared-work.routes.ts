/**
 * Shared work (共同办理 / 分解落实): the collective names of a draft plan (各街道, 市直各部门 …), what each would
 * expand into, and the clerk's explicit choice to expand one into a copy of the task per unit.
 */
import { chooseCollective, listCollectives, type CollectiveChoice } from '../../app/plans/expand-collective.ts'
import { requireRole } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import type { RoutePlugin } from './routes.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] } as const
const unitRef = { type: 'object', properties: { unitId: { type: 'string' }, name: { type: 'string' } } } as const

const collectiveSchema = {
  type: 'object',
  properties: {
    raw: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    items: { type: 'array', items: { type: 'integer' } },
    proposal: { type: 'object', properties: { under: { anyOf: [unitRef, { type: 'null' }] }, units: { type: 'array', items: unitRef } } },
    choice: { type: ['string', 'null'], enum: ['expand', 'mapped', null] },
    mappedTo: { type: ['string', 'null'] },
    expandedTo: { type: 'array', items: unitRef },
  },
} as const

export const listCollectivesSchema = {
  tags: ['plans'],
  summary: 'Collective names of a draft (各街道, 各县（区）人民政府, 市直各部门 …): where they occur, the units each would expand into, the choice made',
  security: [{ bearer: [] }],
  params: idParams,
  response: { 200: { type: 'array', items: collectiveSchema }, ...errors },
} as const

export const chooseCollectiveSchema = {
  tags: ['plans'],
  summary: 'Expand a collective name into a copy of the task per unit (分解落实), or undo that; unitIds narrows or names the units',
  security: [{ bearer: [] }],
  params: idParams,
  body: {
    type: 'object',
    properties: {
      raw: { type: 'string', minLength: 1, maxLength: 200 },
      expand: { type: 'boolean' },
      unitIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, minItems: 1, maxItems: 2000 },
    },
    required: ['raw', 'expand'],
    additionalProperties: false,
  },
  response: { 200: { type: 'object', additionalProperties: true }, ...errors },
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Params: { id: string } }>('/plans/:id/collectives', { schema: listCollectivesSchema }, async (request) => {
    requireRole(request, 'admin', 'supervisor', 'leader')
    return listCollectives(deps, request.params.id)
  })

  app.put<{ Params: { id: string }; Body: CollectiveChoice }>('/plans/:id/collectives', { schema: chooseCollectiveSchema }, async (request) => {
    const actor = requireRole(request, 'admin', 'supervisor')
    return chooseCollective(deps, actor, request.params.id, request.body)
  })
}

export default plugin
