/** 12345 tickets (工单), signed in: intake at the desk, list, one ticket, its events, and the audited reveal. */
import type { Actor } from '../../app/deps.ts'
import { MAX_ATTACHMENT_BYTES, takeEvent } from '../../app/items/take-event.ts'
import { receiveTicket, type TicketIntake } from '../../app/tickets/receive-ticket.ts'
import { startIntakeJobWorker } from '../../app/tickets/intake-followups.ts'
import { revealRequester } from '../../app/tickets/reveal-requester.ts'
import { getTicket, listTickets, ticketActor, ticketViews, visibleTicket, type TicketQuery } from '../../app/tickets/ticket-queries.ts'
import { requireActor, requireRole } from './auth.ts'
import type { RoutePlugin } from './routes.ts'
import { jiebaTokenize } from '../text/jieba.tokenize.ts'
import { duplicateWindowDays } from './duplicates.routes.ts'
import { jiebaSearchTokenize } from '../text/jieba.tokenize.ts'
import { getTicketSchema, listTicketsSchema, receiveTicketSchema, revealSchema, ticketEventSchema } from './tickets.schema.ts'

/** Everyone who may take ticket events; a leader (领导) reads only; the kind decides the rest. */
const ACTORS: readonly Actor['role'][] = ['admin', 'supervisor', 'unit_liaison', 'operator']

/** Room for base64 attachments in a JSON body. */
const WRITE_BODY_LIMIT = Math.ceil(MAX_ATTACHMENT_BYTES * 1.4 * 4)

type Params = { id: string }

const plugin: RoutePlugin = async (app, { deps }) => {
  // Duplicate detection after intake (desk, public page, Open311): this process's worker for the intake jobs.
  const intakeJobs = startIntakeJobWorker(deps, jiebaTokenize, { onError: (e) => app.log.warn({ err: e }, 'ticket intake jobs') })
  app.addHook('onClose', async () => intakeJobs.stop())

  app.post<{ Body: TicketIntake }>('/tickets', { schema: receiveTicketSchema, bodyLimit: WRITE_BODY_LIMIT }, async (request, reply) => {
    const actor = requireRole(request, 'operator', 'admin')
    const view = await receiveTicket(deps, ticketActor(actor), request.body, 'phone', { windowDays: duplicateWindowDays })
    return reply.status(201).send(view)
  })

  app.get<{ Querystring: TicketQuery }>('/tickets', { schema: listTicketsSchema }, async (request) =>
    listTickets(deps, requireActor(request), request.query, jiebaSearchTokenize),
  )

  app.get<{ Params: Params }>('/tickets/:id', { schema: getTicketSchema }, async (request) => getTicket(deps, requireActor(request), request.params.id))

  app.post<{ Params: Params; Body: { event: string; payload?: Record<string, unknown>; expectedVersion?: number } }>(
    '/tickets/:id/events',
    { schema: ticketEventSchema, bodyLimit: WRITE_BODY_LIMIT },
    async (request) => {
      const actor = ticketActor(requireRole(request, ...ACTORS))
      // Only tickets here, and only those in the actor's scope (else 404, as for items).
      await visibleTicket(deps.db, actor, request.params.id)
      const done = await takeEvent(deps, actor, request.params.id, { event: request.body.event, payload: request.body.payload ?? {}, expectedVersion: request.body.expectedVersion })
      const row = await visibleTicket(deps.db, actor, request.params.id)
      const [view] = await ticketViews(deps.db, actor, deps.clock.now(), [row])
      return { ...view, event: done.event }
    },
  )

  app.post<{ Params: Params; Body: { reason: string } }>('/tickets/:id/reveal', { schema: revealSchema }, async (request) =>
    revealRequester(deps, requireActor(request), request.params.id, request.body.reason),
  )
}

export default plugin
