/** 约谈 / 问责 / 通报 records of an item: GET for whoever sees the item, POST for the supervising office. */
import { addSupervisionRecord, RECORD_KINDS, supervisionRecordsOf, type SupervisionRecordInput } from '../../app/supervision/supervision-record.ts'
import { requireActor } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import type { RoutePlugin } from './routes.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const
const sec = [{ bearer: [] }]
const params = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const
const record = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    itemId: { type: 'string' },
    kind: { type: 'string', enum: RECORD_KINDS },
    heldOn: { type: 'string' },
    unitIds: { type: 'array', items: { type: 'string' } },
    people: { type: 'string' },
    outcome: { type: 'string' },
    attachments: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, size: { type: 'integer' }, mime: { type: 'string' } } } },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Params: { id: string } }>(
    '/items/:id/records',
    { schema: { tags: ['supervision'], summary: 'An item’s 约谈 / 问责 / 通报 records, oldest first', security: sec, params, response: { 200: { type: 'array', items: record }, ...errors } } },
    async (request) => supervisionRecordsOf(deps, requireActor(request), request.params.id),
  )

  app.post<{ Params: { id: string }; Body: SupervisionRecordInput }>(
    '/items/:id/records',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Record a 约谈 (interview), 问责 (accountability) or 通报 (bulletin) held for an item: date, people, outcome, attachments (supervisor, admin)',
        security: sec,
        params,
        body: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: RECORD_KINDS },
            heldOn: { type: 'string', maxLength: 10 },
            people: { type: 'string', maxLength: 2000 },
            outcome: { type: 'string', maxLength: 20000 },
            unitIds: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 50 },
            attachmentIds: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 20 },
          },
          required: ['kind', 'heldOn', 'people', 'outcome'],
          additionalProperties: false,
        },
        response: { 201: record, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await addSupervisionRecord(deps, requireActor(request), request.params.id, request.body)),
  )
}

export default plugin
