/**
 * The service catalogue (服务目录), the dispatch catalogue (派单目录), the dispatch suggestion for the
 * intake desk, and the two public lists the citizens' form needs (categories, places).
 */
import type { RoutePlugin } from './routes.ts'
import { categoryVersions, currentCategories, retireCategory, saveCategory, type CategoryInput, type CategoryNode } from '../../app/tickets/catalogue.ts'
import { dispatchTarget, listRules, retireRule, saveRule, type RuleInput } from '../../app/tickets/dispatch-rules.ts'
import { findCurrentRule } from '../../persistence/catalogue.repo.ts'
import { findUnit, listUnits } from '../../persistence/units.repo.ts'
import { requireActor, requireRole } from './auth.ts'
import {
  categoryNodeSchema,
  categoryVersionsSchema,
  createCategorySchema,
  createRuleSchema,
  listCategoriesSchema,
  listRulesSchema,
  publicCatalogueSchema,
  publicNodeSchema,
  publicPlacesSchema,
  retireCategorySchema,
  retireRuleSchema,
  suggestDispatchSchema,
  updateCategorySchema,
  updateRuleSchema,
} from './catalogue.schema.ts'

interface PublicNode {
  code: string
  name: string
  level: number
  /** 群众常说的说法 (migration 193): the words people use for it, for the public form's category search. */
  keywords: string[]
  children: PublicNode[]
}

function publicTree(nodes: readonly CategoryNode[]): PublicNode[] {
  return nodes.map((n) => ({ code: n.code, name: n.name, level: n.level, keywords: [...n.keywords], children: publicTree(n.children) }))
}

const PUBLIC_PLACE_LEVELS = new Set(['district', 'township', 'community'])

const plugin: RoutePlugin = async (app, { deps }) => {
  app.addSchema(categoryNodeSchema)
  app.addSchema(publicNodeSchema)

  app.get('/catalogue', { schema: listCategoriesSchema }, async (request) => {
    requireActor(request)
    return currentCategories(deps.db)
  })

  app.post<{ Body: CategoryInput }>('/catalogue', { schema: createCategorySchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin')
    return reply.status(201).send(await saveCategory(deps, actor, request.body, { mode: 'create' }))
  })

  app.put<{ Params: { code: string }; Body: Omit<CategoryInput, 'code'> }>('/catalogue/:code', { schema: updateCategorySchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return saveCategory(deps, actor, { ...request.body, code: request.params.code }, { mode: 'update' })
  })

  app.delete<{ Params: { code: string } }>('/catalogue/:code', { schema: retireCategorySchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return retireCategory(deps, actor, request.params.code)
  })

  app.get<{ Params: { code: string } }>('/catalogue/:code/versions', { schema: categoryVersionsSchema }, async (request) => {
    requireRole(request, 'admin')
    return categoryVersions(deps.db, request.params.code)
  })

  app.get<{ Querystring: { all?: boolean } }>('/dispatch-rules', { schema: listRulesSchema }, async (request) => {
    requireRole(request, 'admin', 'operator')
    return listRules(deps.db, { all: request.query.all === true })
  })

  app.post<{ Body: RuleInput }>('/dispatch-rules', { schema: createRuleSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin')
    return reply.status(201).send(await saveRule(deps, actor, request.body, { mode: 'create' }))
  })

  app.put<{ Params: { id: string }; Body: Omit<RuleInput, 'id'> }>('/dispatch-rules/:id', { schema: updateRuleSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return saveRule(deps, actor, { ...request.body, id: request.params.id }, { mode: 'update' })
  })

  app.delete<{ Params: { id: string } }>('/dispatch-rules/:id', { schema: retireRuleSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return retireRule(deps, actor, request.params.id)
  })

  app.get<{ Querystring: { categoryCode: string; placeUnitId?: string } }>('/tickets/suggest-dispatch', { schema: suggestDispatchSchema }, async (request) => {
    requireRole(request, 'operator', 'admin')
    const target = await dispatchTarget(deps.db, { categoryCode: request.query.categoryCode, placeUnitId: request.query.placeUnitId ?? null })
    if (!target) return { unit: null, rule: null }
    const unit = await findUnit(deps.db, target.unitId)
    const rule = await findCurrentRule(deps.db, target.ruleId)
    return { unit: unit ? { id: unit.id, name: unit.name, level: unit.level } : null, rule }
  })

  app.get('/public/catalogue', { schema: publicCatalogueSchema, config: { public: true } }, async (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=300')
    return publicTree(await currentCategories(deps.db))
  })

  app.get('/public/places', { schema: publicPlacesSchema, config: { public: true } }, async (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=300')
    const units = await listUnits(deps.db)
    return units.filter((u) => PUBLIC_PLACE_LEVELS.has(u.level)).map((u) => ({ id: u.id, name: u.name, parentId: u.parentId, level: u.level }))
  })
}

export default plugin
