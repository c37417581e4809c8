/** Assessment (考核): the ranked table of units for a period, and its weights. Leaders read, admins set weights. */
import { assessUnits, saveWeights, weightsFor } from '../../app/assessment/assess-units.ts'
import { requireRole } from './auth.ts'
import { assessmentSchema, getWeightsSchema, putWeightsSchema } from './assessment.schema.ts'
import type { RoutePlugin } from './routes.ts'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Querystring: { period: string; kind: string } }>('/assessment', { schema: assessmentSchema }, async (request) => {
    const actor = requireRole(request, 'admin', 'supervisor', 'leader')
    return assessUnits(deps, request.query.period, request.query.kind, actor.scopeUnitIds)
  })

  app.get<{ Querystring: { kind: string } }>('/assessment/weights', { schema: getWeightsSchema }, async (request) => {
    requireRole(request, 'admin', 'supervisor', 'leader')
    return weightsFor(deps, request.query.kind)
  })

  app.put<{ Querystring: { kind: string }; Body: unknown }>('/assessment/weights', { schema: putWeightsSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return saveWeights(deps, actor, request.query.kind, request.body)
  })
}

export default plugin
