/**
 * 12345 tickets for the public (在线诉求), no sign-in (`config: { public: true }`): submit, look up by number and
 * phone, rate once, withdraw before acceptance, ask for 重办 with a reason within the 回访 window. Rate limited per client address by the security plugin
 * (security.plugin.ts: every /api/public route, 120 a minute by default, 429 with Retry-After).
 */
import { lookupTicket, rateTicket, reopenTicket, withdrawTicket } from '../../app/tickets/public-tickets.ts'
import { receiveTicket } from '../../app/tickets/receive-ticket.ts'
import type { RequestType } from '../../domain/tickets/intake.rules.ts'
import type { RoutePlugin } from './routes.ts'
import { duplicateWindowDays } from './duplicates.routes.ts'
import { publicLookupSchema, publicRateSchema, publicReopenSchema, publicSubmitSchema, publicWithdrawSchema } from './tickets.schema.ts'

type SubmitBody = {
  requestType: RequestType
  categoryCode: string
  content: string
  requesterPhone: string
  requesterName?: string
  anonymous?: boolean
  address?: string
  lat?: number
  lng?: number
  placeUnitId?: string
}

const plugin: RoutePlugin = async (app, { deps }) => {
  const config = { public: true } as const

  app.post<{ Body: SubmitBody }>('/public/tickets', { schema: publicSubmitSchema, config }, async (request, reply) => {
    const view = await receiveTicket(deps, null, request.body, 'web', { windowDays: duplicateWindowDays })
    return reply.status(201).send({ number: view.number })
  })

  app.get<{ Querystring: { number: string; phone: string } }>('/public/tickets/lookup', { schema: publicLookupSchema, config }, async (request) =>
    lookupTicket(deps, request.query.number, request.query.phone),
  )

  app.post<{ Body: { number: string; phone: string; rating: string; comment?: string } }>('/public/tickets/rating', { schema: publicRateSchema, config }, async (request) =>
    rateTicket(deps, request.body),
  )

  app.post<{ Body: { number: string; phone: string; reason?: string } }>('/public/tickets/withdraw', { schema: publicWithdrawSchema, config }, async (request) =>
    withdrawTicket(deps, request.body),
  )

  app.post<{ Body: { number: string; phone: string; reason: string } }>('/public/tickets/reopen', { schema: publicReopenSchema, config }, async (request) =>
    reopenTicket(deps, request.body),
  )
}

export default plugin
