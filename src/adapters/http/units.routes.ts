/** Units (单位): list, tree, create, import, resolve extracted names, remember mappings. */
import type { RoutePlugin } from './routes.ts'
import { allUnits, saveUnit, unitTree, type UnitInput } from '../../app/units/manage-units.ts'
import { requireActor, requireRole } from './auth.ts'
import { listUnitsSchema, saveUnitSchema, unitNodeSchema, unitTreeSchema } from './units.schema.ts'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.addSchema(unitNodeSchema)

  app.get('/units', { schema: listUnitsSchema }, async (request) => {
    requireActor(request)
    return allUnits(deps)
  })

  app.get('/units/tree', { schema: unitTreeSchema }, async (request) => {
    requireActor(request)
    return unitTree(await allUnits(deps))
  })

  app.post<{ Body: UnitInput }>('/units', { schema: saveUnitSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin')
    return reply.status(201).send(await saveUnit(deps, actor, request.body))
  })
}

export default plugin
