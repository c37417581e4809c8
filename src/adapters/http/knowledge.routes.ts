/**
 * The knowledge base (知识库): staff write, submit, review and search entries; the desk is offered the best
 * published entries valid today; the public page reads published public ones (`/api/public/knowledge`, no sign-in).
 */
import {
  createKnowledgeEntry,
  editKnowledgeEntry,
  KNOWLEDGE_STATUSES,
  knowledgeDiff,
  knowledgeEntryOf,
  listKnowledge,
  offerKnowledge,
  publicKnowledge,
  reviewKnowledgeEntry,
  submitKnowledgeEntry,
  type KnowledgeInput,
} from '../../app/knowledge/knowledge-base.ts'
import type { KnowledgeStatus } from '../../persistence/knowledge.repo.ts'
import { jiebaSearchTokenize as jiebaTokenize } from '../text/jieba.tokenize.ts'
import { requireActor } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import type { RoutePlugin } from './routes.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const
const sec = [{ bearer: [] }]
const tags = ['knowledge']
const str = { type: 'string' } as const
const strOrNull = { type: ['string', 'null'] } as const
const params = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const
const date = { type: ['string', 'null'], maxLength: 10, description: 'YYYY-MM-DD' } as const

const version = { type: 'object', properties: { version: { type: 'integer' }, title: str, body: str, editedBy: strOrNull, at: str } } as const
const entry = {
  type: 'object',
  properties: {
    id: str,
    ownerUnitId: strOrNull,
    ownerUnitName: strOrNull,
    categoryCode: strOrNull,
    title: str,
    body: str,
    validFrom: str,
    validTo: strOrNull,
    public: { type: 'boolean' },
    status: { type: 'string', enum: KNOWLEDGE_STATUSES },
    authorId: strOrNull,
    authorName: strOrNull,
    editorId: strOrNull,
    editorName: strOrNull,
    reviewerId: strOrNull,
    reviewerName: strOrNull,
    reviewNote: strOrNull,
    reviewedAt: strOrNull,
    version: { type: 'integer' },
    createdAt: str,
    updatedAt: str,
    score: { type: 'number' },
    versions: { type: 'array', items: version },
  },
} as const
const publicEntry = {
  type: 'object',
  properties: { id: str, title: str, body: str, ownerUnitName: strOrNull, categoryCode: strOrNull, validFrom: str, validTo: strOrNull, updatedAt: str },
} as const
const fields = {
  title: { type: 'string', maxLength: 200 },
  body: { type: 'string', maxLength: 20000 },
  ownerUnitId: { type: ['string', 'null'], maxLength: 64 },
  categoryCode: { type: ['string', 'null'], maxLength: 32 },
  validFrom: { type: 'string', maxLength: 10, description: 'YYYY-MM-DD; today when left out' },
  validTo: date,
  public: { type: 'boolean', description: 'shown on the public page once published' },
} as const
const diffLines = { type: 'array', items: { type: 'object', properties: { op: { type: 'string', enum: ['same', 'add', 'del'] }, text: str } } } as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Querystring: { q?: string; status?: KnowledgeStatus; limit?: number } }>(
    '/knowledge',
    {
      schema: {
        tags,
        summary: 'Knowledge base entries of every status (or one), ranked by a Chinese query when given (admin, supervisor, operator)',
        security: sec,
        querystring: {
          type: 'object',
          properties: { q: { type: 'string', maxLength: 500 }, status: { type: 'string', enum: KNOWLEDGE_STATUSES }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { entries: { type: 'array', items: entry } } }, ...errors },
      },
    },
    async (request) => ({ entries: await listKnowledge(deps, requireActor(request), jiebaTokenize, request.query) }),
  )

  app.get<{ Querystring: { q: string; limit?: number } }>(
    '/knowledge/offer',
    {
      schema: {
        tags,
        summary: 'What the desk is offered for a request’s text: published entries valid today, best first (admin, supervisor, operator)',
        security: sec,
        querystring: {
          type: 'object',
          properties: { q: { type: 'string', maxLength: 5000 }, limit: { type: 'integer', minimum: 1, maximum: 20 } },
          required: ['q'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { entries: { type: 'array', items: entry } } }, ...errors },
      },
    },
    async (request) => ({ entries: await offerKnowledge(deps, requireActor(request), jiebaTokenize, request.query.q, request.query.limit) }),
  )

  app.post<{ Body: KnowledgeInput }>(
    '/knowledge',
    {
      schema: {
        tags,
        summary: 'Write a knowledge base entry (a draft, version 1; admin, supervisor, operator)',
        security: sec,
        body: { type: 'object', properties: fields, required: ['title', 'body'], additionalProperties: false },
        response: { 201: entry, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await createKnowledgeEntry(deps, requireActor(request), jiebaTokenize, request.body)),
  )

  app.get<{ Params: { id: string } }>(
    '/knowledge/:id',
    { schema: { tags, summary: 'One entry with all its versions (admin, supervisor, operator)', security: sec, params, response: { 200: entry, ...errors } } },
    async (request) => knowledgeEntryOf(deps, requireActor(request), request.params.id),
  )

  app.put<{ Params: { id: string }; Body: KnowledgeInput & { expectedVersion?: number } }>(
    '/knowledge/:id',
    {
      schema: {
        tags,
        summary: 'Edit an entry: a new version, back to draft for review (admin, supervisor, operator)',
        security: sec,
        params,
        body: { type: 'object', properties: { ...fields, expectedVersion: { type: 'integer', minimum: 1 } }, required: ['title', 'body'], additionalProperties: false },
        response: { 200: entry, ...errors },
      },
    },
    async (request) => editKnowledgeEntry(deps, requireActor(request), jiebaTokenize, request.params.id, request.body),
  )

  app.get<{ Params: { id: string }; Querystring: { from: number; to: number } }>(
    '/knowledge/:id/diff',
    {
      schema: {
        tags,
        summary: 'A line diff of title and body between two versions of an entry',
        security: sec,
        params,
        querystring: { type: 'object', properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } }, required: ['from', 'to'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' }, title: diffLines, body: diffLines } }, ...errors },
      },
    },
    async (request) => knowledgeDiff(deps, requireActor(request), request.params.id, request.query.from, request.query.to),
  )

  app.post<{ Params: { id: string } }>(
    '/knowledge/:id/submit',
    { schema: { tags, summary: 'Submit a draft or returned entry for review', security: sec, params, response: { 200: entry, ...errors } } },
    async (request) => submitKnowledgeEntry(deps, requireActor(request), request.params.id),
  )

  for (const decision of ['approve', 'return'] as const) {
    app.post<{ Params: { id: string }; Body: { note?: string } | undefined }>(
      `/knowledge/:id/${decision}`,
      {
        schema: {
          tags,
          summary:
            decision === 'approve'
              ? 'Approve an entry waiting for review: published (admin, supervisor; not its writer)'
              : 'Return an entry waiting for review with a note saying why (admin, supervisor; not its writer)',
          security: sec,
          params,
          body: { type: 'object', properties: { note: { type: 'string', maxLength: 2000 } }, ...(decision === 'return' ? { required: ['note'] } : {}), additionalProperties: false },
          response: { 200: entry, ...errors },
        },
      },
      async (request) => reviewKnowledgeEntry(deps, requireActor(request), request.params.id, decision, request.body?.note),
    )
  }

  app.get<{ Querystring: { q?: string; limit?: number } }>(
    '/public/knowledge',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The public knowledge base: published, public entries valid today, ranked by a Chinese query (no sign-in)',
        querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 500 }, limit: { type: 'integer', minimum: 1, maximum: 50 } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { entries: { type: 'array', items: publicEntry } } }, 400: errorBodySchema },
      },
    },
    async (request) => ({ entries: await publicKnowledge(deps, jiebaTokenize, request.query.q, request.query.limit) }),
  )
}

export default plugin
