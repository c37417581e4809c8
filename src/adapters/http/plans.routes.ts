/** Plans (工作要点): import a document as a draft, review it, confirm it into tasks. */
import multipart from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { DubanError } from '../../domain/errors.ts'
import { confirmPlan } from '../../app/plans/confirm-plan.ts'
import { importPlan } from '../../app/plans/import-plan.ts'
import { getPlan, listPlanSummaries, patchPlan, patchPlanItem, type ItemPatch, type PlanPatch } from '../../app/plans/review-plan.ts'
import { DEFAULT_MAX_SIZE } from '../input/input-limits.ts'
import { parseDocument } from '../workers/parse-pool.ts'
import { requireRole } from './auth.ts'
import { checkUploadPart } from './input-guard.plugin.ts'
import { confirmPlanSchema, getPlanSchema, importPlanSchema, listPlansSchema, patchPlanItemSchema, patchPlanSchema } from './plans.schema.ts'
import type { RoutePlugin } from './routes.ts'

/** Roles that import and review plans; confirming also dispatches, which the task kind leaves to the supervisor. */
const REVIEWERS = ['admin', 'supervisor'] as const

interface ImportBody {
  fileName: string
  contentBase64: string
  documents?: number[]
}

/** The uploaded file and options of a multipart request. */
async function readMultipart(request: FastifyRequest): Promise<{ name: string; bytes: Buffer; documents: number[] | undefined }> {
  let file: { name: string; bytes: Buffer } | null = null
  let documents: number[] | undefined
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file) throw new DubanError('DUBAN_ERR_VALIDATION', `body/${part.fieldname}: send one file in the field 'file'`, { where: `body/${part.fieldname}` })
      const bytes = await part.toBuffer()
      checkUploadPart(part, 'body/file')
      file = { name: part.filename || 'upload', bytes }
    } else if (part.fieldname === 'documents') {
      const raw = String(part.value).trim()
      if (!/^\d{1,9}(\s*,\s*\d{1,9})*$/.test(raw)) throw new DubanError('DUBAN_ERR_VALIDATION', `body/documents: '${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}' is not a list of document indexes like 0,2`, { where: 'body/documents' })
      documents = raw.split(',').map((s) => Number(s.trim()))
    } else {
      throw new DubanError('DUBAN_ERR_VALIDATION', `body/${part.fieldname}: unknown field`, { where: `body/${part.fieldname}` })
    }
  }
  if (!file) throw new DubanError('DUBAN_ERR_VALIDATION', "body/file: no file uploaded in the field 'file'", { where: 'body/file' })
  return { ...file, documents }
}

const plugin: RoutePlugin = async (app, { deps }) => {
  await app.register(multipart, { limits: { fileSize: DEFAULT_MAX_SIZE, files: 1, fields: 5 } })

  app.post<{ Body: ImportBody }>('/plans', { schema: importPlanSchema, bodyLimit: Math.ceil(DEFAULT_MAX_SIZE * 1.4) }, async (request, reply) => {
    const actor = requireRole(request, ...REVIEWERS)
    let upload: { name: string; bytes: Buffer; documents: number[] | undefined }
    if (request.isMultipart()) {
      upload = await readMultipart(request)
    } else {
      const b = request.body
      if (!b || typeof b !== 'object') {
        throw new DubanError('DUBAN_ERR_VALIDATION', "body: send JSON {fileName, contentBase64} or multipart/form-data with the field 'file'", { where: 'body' })
      }
      if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(b.contentBase64)) {
        throw new DubanError('DUBAN_ERR_VALIDATION', 'body/contentBase64: not base64', { where: 'body/contentBase64' })
      }
      upload = { name: b.fileName, bytes: Buffer.from(b.contentBase64, 'base64'), documents: b.documents }
    }
    if (upload.bytes.length > DEFAULT_MAX_SIZE) throw new DubanError('DUBAN_ERR_INPUT_TOO_LARGE', `${upload.bytes.length} bytes`, { where: 'body/file' })
    // Parsed in a bounded worker thread: a bomb costs this request an error, nobody else a delay.
    const input = await parseDocument(upload.bytes, upload.name)
    const plan = await importPlan(deps, actor, input, { documents: upload.documents })
    return reply.status(201).send(plan)
  })

  app.get<{ Querystring: { limit: number; offset: number } }>('/plans', { schema: listPlansSchema }, async (request) => {
    requireRole(request, ...REVIEWERS, 'leader')
    return listPlanSummaries(deps, request.query)
  })

  app.get<{ Params: { id: string } }>('/plans/:id', { schema: getPlanSchema }, async (request) => {
    requireRole(request, ...REVIEWERS, 'leader')
    return getPlan(deps, request.params.id)
  })

  app.patch<{ Params: { id: string }; Body: PlanPatch }>('/plans/:id', { schema: patchPlanSchema }, async (request) => {
    const actor = requireRole(request, ...REVIEWERS)
    return patchPlan(deps, actor, request.params.id, request.body)
  })

  app.patch<{ Params: { id: string; n: number }; Body: ItemPatch }>('/plans/:id/items/:n', { schema: patchPlanItemSchema }, async (request) => {
    const actor = requireRole(request, ...REVIEWERS)
    return patchPlanItem(deps, actor, request.params.id, request.params.n, request.body)
  })

  app.post<{ Params: { id: string } }>('/plans/:id/confirm', { schema: confirmPlanSchema }, async (request) => {
    const actor = requireRole(request, 'supervisor')
    return confirmPlan(deps, actor, request.params.id)
  })
}

export default plugin
