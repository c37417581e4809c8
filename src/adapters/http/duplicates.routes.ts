/**
 * Duplicate requests (重复诉求 / 并单) over HTTP, for the hotline: the proposals a ticket takes part in, detection on
 * demand (查重), and the operator's merge (并单) or dismissal (不并单). Detection on intake runs from POST
 * /api/tickets and POST /api/public/tickets (receive-ticket.ts). The window is DUBAN_DUPLICATE_WINDOW_DAYS (default
 * 30 days), or `windowDays` on demand.
 */
import { checkDraft, detectDuplicates, dismissDuplicate, listDuplicates, mergeDuplicate, mergeInto, windowDaysFrom, withLikeness, type DuplicateDraft } from '../../app/tickets/duplicates.ts'
import { ticketActor, visibleTicket } from '../../app/tickets/ticket-queries.ts'
import { MAX_WINDOW_DAYS } from '../../domain/tickets/duplicates.ts'
import { jiebaEverydayWord, jiebaTokenize } from '../text/jieba.tokenize.ts'
import { requireRole } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import type { RoutePlugin } from './routes.ts'

/** The window intake and on-demand detection use unless told otherwise; an invalid setting stops the start. */
export const duplicateWindowDays = windowDaysFrom(process.env['DUBAN_DUPLICATE_WINDOW_DAYS'])

const str = { type: 'string' } as const
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] } as const
const side = { type: 'object', properties: { id: str, number: str, state: str, content: str, receivedAt: str, address: str } } as const
const strOrNull = { type: ['string', 'null'] } as const
/** Why two tickets look alike, for the operator (app/tickets/duplicates.ts Likeness). */
const likeness = {
  shared: { type: 'array', items: str, description: 'the words both texts use, most telling first (at most 5)' },
  likeness: { type: 'string', enum: ['high', 'medium', 'low'], description: '相似度 高 / 中 / 低: what the similarity means (high from 0.12, medium from the threshold)' },
} as const

/** A proposed merge as the API shows it. */
export const proposalSchema = {
  type: 'object',
  properties: {
    id: str,
    ticketId: str,
    primaryId: str,
    reasons: { type: 'array', items: { type: 'string', enum: ['same_requester', 'same_place'] } },
    similarity: { type: 'number', minimum: 0, maximum: 1 },
    status: { type: 'string', enum: ['proposed', 'merged', 'dismissed'] },
    proposedAt: str,
    proposedBy: strOrNull,
    decidedAt: strOrNull,
    decidedBy: strOrNull,
    decisionNote: strOrNull,
    requesterNotice: strOrNull,
    ticket: side,
    primary: side,
    ...likeness,
  },
} as const

const listSchema = { type: 'object', properties: { duplicates: { type: 'array', items: proposalSchema } } } as const
const note = { type: 'object', properties: { note: { type: 'string', maxLength: 500 } }, additionalProperties: false } as const

/** Who reads proposals (they show other tickets' text): the hotline and the centre. */
const READERS = ['operator', 'admin', 'supervisor', 'leader'] as const
/** Who detects, merges and dismisses: the hotline. */
const DECIDERS = ['operator', 'admin'] as const

const draftMatch = {
  type: 'object',
  properties: {
    id: str, number: str, state: str, content: str, address: str, receivedAt: str,
    reasons: { type: 'array', items: str }, similarity: { type: 'number' }, canBePrimary: { type: 'boolean' }, ...likeness,
  },
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.post<{ Body: DuplicateDraft }>(
    '/duplicates/check',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Earlier tickets a request being typed may repeat (same requester or place, similar text, within the window); nothing stored',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          properties: {
            content: { type: 'string', minLength: 1, maxLength: 5000 },
            requesterPhone: { type: 'string', maxLength: 40 },
            address: { type: 'string', maxLength: 200 },
            lat: { type: 'number', minimum: -90, maximum: 90 },
            lng: { type: 'number', minimum: -180, maximum: 180 },
            placeUnitId: { type: 'string', maxLength: 100, description: 'The place (属地 unit) chosen so far: its divisions may be written before the address or left out' },
          },
          required: ['content'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { matches: { type: 'array', items: draftMatch } } }, ...errors },
      },
    },
    async (request) => {
      requireRole(request, ...DECIDERS)
      return { matches: await checkDraft(deps, jiebaTokenize, request.body, duplicateWindowDays, jiebaEverydayWord) }
    },
  )

  app.post<{ Params: { id: string }; Body: { into: string; note?: string } }>(
    '/tickets/:id/merge',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Merge a ticket into another by the operator’s judgement (并单), whether or not detection proposed it',
        security: [{ bearer: [] }],
        params: idParams,
        body: { type: 'object', properties: { into: { type: 'string', minLength: 1, maxLength: 100, description: 'the primary: its id or its number (GD-…)' }, note: { type: 'string', maxLength: 500 } }, required: ['into'], additionalProperties: false },
        response: { 200: proposalSchema, ...errors },
      },
    },
    async (request) => {
      const actor = ticketActor(requireRole(request, ...DECIDERS))
      await visibleTicket(deps.db, actor, request.params.id)
      return withLikeness(jiebaTokenize, [await mergeInto(deps, actor, jiebaTokenize, request.params.id, request.body.into, request.body.note)], jiebaEverydayWord)[0]
    },
  )

  app.get<{ Params: { id: string } }>(
    '/tickets/:id/duplicates',
    { schema: { tags: ['tickets'], summary: 'Proposed and decided merges a ticket takes part in (重复诉求), proposed first', security: [{ bearer: [] }], params: idParams, response: { 200: listSchema, ...errors } } },
    async (request) => {
      const actor = ticketActor(requireRole(request, ...READERS))
      await visibleTicket(deps.db, actor, request.params.id)
      return { duplicates: withLikeness(jiebaTokenize, await listDuplicates(deps, request.params.id), jiebaEverydayWord) }
    },
  )

  app.post<{ Params: { id: string }; Body: { windowDays?: number } }>(
    '/tickets/:id/duplicates/detect',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Look for duplicates of a ticket now (查重): same requester or place, similar text, within the window before and after it',
        security: [{ bearer: [] }],
        params: idParams,
        body: { type: 'object', properties: { windowDays: { type: 'integer', minimum: 1, maximum: MAX_WINDOW_DAYS } }, additionalProperties: false },
        response: { 200: listSchema, ...errors },
      },
    },
    async (request) => {
      const actor = ticketActor(requireRole(request, ...DECIDERS))
      await visibleTicket(deps.db, actor, request.params.id)
      const windowDays = request.body?.windowDays ?? duplicateWindowDays
      return { duplicates: withLikeness(jiebaTokenize, await detectDuplicates(deps, actor, jiebaTokenize, request.params.id, { settings: { windowDays }, after: true }), jiebaEverydayWord) }
    },
  )

  app.post<{ Params: { id: string }; Body: { note?: string } }>(
    '/duplicates/:id/merge',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Merge (并单): the later ticket goes to 已并单 and shares its primary’s handling and reply; its requester is told',
        security: [{ bearer: [] }],
        params: idParams,
        body: note,
        response: { 200: proposalSchema, ...errors },
      },
    },
    async (request) => withLikeness(jiebaTokenize, [await mergeDuplicate(deps, ticketActor(requireRole(request, ...DECIDERS)), request.params.id, request.body?.note)], jiebaEverydayWord)[0],
  )

  app.post<{ Params: { id: string }; Body: { note?: string } }>(
    '/duplicates/:id/dismiss',
    {
      schema: { tags: ['tickets'], summary: 'Dismiss a proposed merge (不并单): the two are different requests; not proposed again', security: [{ bearer: [] }], params: idParams, body: note, response: { 200: proposalSchema, ...errors } },
    },
    async (request) => withLikeness(jiebaTokenize, [await dismissDuplicate(deps, ticketActor(requireRole(request, ...DECIDERS)), request.params.id, request.body?.note)], jiebaEverydayWord)[0],
  )
}

export default plugin
