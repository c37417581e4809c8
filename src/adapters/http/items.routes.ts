/** Items (事项): the ledger, one item, and its lifecycle events with convenience routes for the common ones. */
import multipart from '@fastify/multipart'
import { DubanError } from '../../domain/errors.ts'
import { labelsOf } from '../../domain/field-labels.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'
import { getAttachment, getItem, listLedger, type LedgerQuery } from '../../app/items/item-queries.ts'
import { addAttachment, MAX_ATTACHMENT_BYTES, takeEvent, type EventInput } from '../../app/items/take-event.ts'
import type { Actor } from '../../app/deps.ts'
import { requireActor, requireRole } from './auth.ts'
import type { FieldLabelsConfig } from './errors.ts'
import {
  acceptSchema,
  completionSchema,
  decisionSchema,
  downloadSchema,
  eventSchema,
  extensionSchema,
  getItemSchema,
  listItemsSchema,
  reportSchema,
  uploadSchema,
} from './items.schema.ts'
import type { RoutePlugin } from './routes.ts'
import { checkUploadPart } from './input-guard.plugin.ts'
import { sniffContentType } from './sniff.ts'

/** Everyone who may act on items; a leader (领导) reads only. */
const ACTORS: readonly Actor['role'][] = ['admin', 'supervisor', 'unit_liaison', 'operator']

/** Room for base64 attachments in a JSON body. */
const WRITE_BODY_LIMIT = Math.ceil(MAX_ATTACHMENT_BYTES * 1.4 * 4)

type Params = { id: string }
type WithVersion = { expectedVersion?: number }
type ReportBody = WithVersion & { text: string; measures?: Record<string, number>; attachments?: unknown[] }
type DecisionBody = WithVersion & { approve: boolean; reason?: string }

/** The convenience routes are the task kind's events: a body field is named as on that event (报送进展's `text` is 进展情况). */
const asEvent = (event: string): FieldLabelsConfig => ({ fieldLabels: labelsOf(kindCatalog.latest('task'), event) })

function payloadOf(b: Record<string, unknown>): Record<string, unknown> {
  const { expectedVersion: _v, ...rest } = b
  return rest
}

const plugin: RoutePlugin = async (app, { deps }) => {
  await app.register(multipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 0 } })

  const act = (request: { params: Params }, actor: Actor, input: EventInput) => takeEvent(deps, actor, request.params.id, input)
  const writer = (request: Parameters<typeof requireRole>[0]) => requireRole(request, ...ACTORS)

  app.get<{ Querystring: LedgerQuery }>('/items', { schema: listItemsSchema }, async (request) => {
    return listLedger(deps, requireActor(request), request.query)
  })

  app.get<{ Params: Params }>('/items/:id', { schema: getItemSchema }, async (request) => {
    return getItem(deps, requireActor(request), request.params.id)
  })

  app.post<{ Params: Params; Body: WithVersion & { event: string; payload?: Record<string, unknown> } }>(
    '/items/:id/events',
    { schema: eventSchema, bodyLimit: WRITE_BODY_LIMIT },
    async (request) => act(request, writer(request), { event: request.body.event, payload: request.body.payload ?? {}, expectedVersion: request.body.expectedVersion }),
  )

  app.post<{ Params: Params; Body: WithVersion }>('/items/:id/accept', { schema: acceptSchema }, async (request) =>
    act(request, writer(request), { event: 'accept', expectedVersion: request.body?.expectedVersion }),
  )

  app.post<{ Params: Params; Body: ReportBody }>('/items/:id/reports', { schema: reportSchema, bodyLimit: WRITE_BODY_LIMIT, config: asEvent('report_progress') }, async (request) =>
    act(request, writer(request), { event: 'report_progress', payload: payloadOf(request.body), expectedVersion: request.body.expectedVersion }),
  )

  app.post<{ Params: Params; Body: WithVersion & { reason: string; newDue: string } }>('/items/:id/extensions', { schema: extensionSchema, config: asEvent('request_extension') }, async (request) =>
    act(request, writer(request), { event: 'request_extension', payload: payloadOf(request.body), expectedVersion: request.body.expectedVersion }),
  )

  app.post<{ Params: Params; Body: DecisionBody }>('/items/:id/extensions/decision', { schema: decisionSchema('Approve or refuse the pending extension request') }, async (request) => {
    const { approve, reason, expectedVersion } = request.body
    const payload = reason === undefined ? {} : { reason }
    return act(request, writer(request), { event: approve ? 'approve_extension' : 'refuse_extension', payload, expectedVersion })
  })

  app.post<{ Params: Params; Body: ReportBody }>('/items/:id/completion', { schema: completionSchema, bodyLimit: WRITE_BODY_LIMIT, config: asEvent('submit_completion') }, async (request) =>
    act(request, writer(request), { event: 'submit_completion', payload: payloadOf(request.body), expectedVersion: request.body.expectedVersion }),
  )

  app.post<{ Params: Params; Body: DecisionBody }>('/items/:id/completion/decision', { schema: decisionSchema('Accept the completion (验收) or return it (退回)') }, async (request) => {
    const { approve, reason, expectedVersion } = request.body
    const payload = reason === undefined ? {} : { reason }
    return act(request, writer(request), { event: approve ? 'approve_completion' : 'return_completion', payload, expectedVersion })
  })

  app.post<{ Params: Params }>('/items/:id/attachments', { schema: uploadSchema }, async (request, reply) => {
    const actor = writer(request)
    if (!request.isMultipart()) throw new DubanError('DUBAN_ERR_VALIDATION', "body: send multipart/form-data with the field 'file'", { where: 'body' })
    const part = await request.file()
    if (!part || part.fieldname !== 'file') throw new DubanError('DUBAN_ERR_VALIDATION', "body/file: no file in the field 'file'", { where: 'body/file' })
    const content = await part.toBuffer()
    checkUploadPart(part, 'body/file')
    const meta = await addAttachment(deps, actor, request.params.id, { name: part.filename || 'attachment', mime: part.mimetype || 'application/octet-stream', content })
    return reply.status(201).send(meta)
  })

  app.get<{ Params: Params & { attachmentId: string } }>('/items/:id/attachments/:attachmentId', { schema: downloadSchema }, async (request, reply) => {
    const a = await getAttachment(deps, requireActor(request), request.params.id, request.params.attachmentId)
    // Always a download, typed from the bytes (an uploaded .html is text/plain), never rendered in our origin.
    return reply
      .header('content-type', sniffContentType(a.content, a.name))
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(a.content)
  })
}

export default plugin
