/** Units (单位): list, tree, create, import, resolve extracted names, remember mappings. */
import type { RoutePlugin } from './routes.ts'
import { importUnits } from '../../app/units/import-units.ts'
import { parseUnitWorkbook } from '../workers/parse-pool.ts'
import { DubanError } from '../../domain/errors.ts'
import { allUnits, saveUnit, unitTree, type UnitInput } from '../../app/units/manage-units.ts'
import { resolveUnitNames } from '../../app/units/resolve-units.ts'
import { forgetMapping, listMappings, saveMapping, type MappingInput } from '../../app/units/unit-mappings.ts'
import { requireActor, requireRole } from './auth.ts'
import {
  importUnitsSchema,
  deleteMappingSchema,
  listMappingsSchema,
  listUnitsSchema,
  resolveUnitsSchema,
  saveMappingSchema,
  saveUnitSchema,
  unitNodeSchema,
  unitTreeSchema,
} from './units.schema.ts'

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.addSchema(unitNodeSchema)
  // Unit files arrive as the raw body; these parsers exist only inside this plugin.
  for (const type of ['text/csv', XLSX_MIME, 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
  }

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

  app.post<{ Querystring: { name?: string } }>('/units/import', { schema: importUnitsSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    const body = request.body
    const type = request.headers['content-type'] ?? ''
    // A body another parser read (JSON) is not a unit file: say so, rather than "the file is empty".
    if (body !== undefined && !Buffer.isBuffer(body)) {
      throw new DubanError('DUBAN_ERR_UNSUPPORTED_MEDIA_TYPE', `${type.split(';')[0]}: send the file as the raw body, text/csv or ${XLSX_MIME}`, { where: 'content-type' })
    }
    const bytes = body ?? Buffer.alloc(0)
    const name = request.query.name?.trim() || (type.startsWith(XLSX_MIME) ? 'units.xlsx' : 'units.csv')
    return importUnits(deps, actor, { name, bytes }, (b) => parseUnitWorkbook(b, name))
  })

  app.post<{ Body: { names: string[]; contextUnitId?: string } }>('/units/resolve', { schema: resolveUnitsSchema }, async (request) => {
    requireActor(request)
    const { names, contextUnitId } = request.body
    return resolveUnitNames(deps, names, contextUnitId ? { contextUnitId } : {})
  })

  app.get('/unit-mappings', { schema: listMappingsSchema }, async (request) => {
    requireActor(request)
    return listMappings(deps)
  })

  app.post<{ Body: MappingInput }>('/unit-mappings', { schema: saveMappingSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin', 'supervisor')
    return reply.status(201).send(await saveMapping(deps, actor, request.body))
  })

  app.delete<{ Querystring: { raw: string; scopeUnitId?: string } }>('/unit-mappings', { schema: deleteMappingSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin', 'supervisor')
    await forgetMapping(deps, actor, request.query.raw, request.query.scopeUnitId ?? null)
    return reply.status(204).send()
  })
}

export default plugin
