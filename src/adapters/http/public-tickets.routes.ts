/**
 * 12345 tickets for the public (在线诉求), no sign-in (`config: { public: true }`): submit, look up by number and
 * phone, rate once, withdraw before acceptance. Rate limited per client address (a fixed window in memory, per
 * server process): guessing numbers and phones, or flooding the centre, is slowed to a trickle.
 */
import type { FastifyRequest } from 'fastify'
import { lookupTicket, rateTicket, withdrawTicket } from '../../app/tickets/public-tickets.ts'
import { receiveTicket } from '../../app/tickets/receive-ticket.ts'
import { DubanError } from '../../domain/errors.ts'
import type { RequestType } from '../../domain/tickets/intake.rules.ts'
import type { RoutePlugin } from './routes.ts'
import { publicLookupSchema, publicRateSchema, publicSubmitSchema, publicWithdrawSchema } from './tickets.schema.ts'

/** Requests a client address may make to these routes per window. */
export const PUBLIC_RATE_LIMIT = 120
const WINDOW_MS = 60_000

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
  const windows = new Map<string, { start: number; count: number }>()
  const limit = async (request: FastifyRequest): Promise<void> => {
    const now = Date.now()
    const key = request.ip
    const w = windows.get(key)
    if (!w || now - w.start >= WINDOW_MS) {
      if (windows.size > 10_000) windows.clear()
      windows.set(key, { start: now, count: 1 })
      return
    }
    w.count++
    if (w.count > PUBLIC_RATE_LIMIT) throw new DubanError('DUBAN_ERR_RATE_LIMITED', `more than ${PUBLIC_RATE_LIMIT} requests a minute from ${key}`, { where: 'request' })
  }
  const config = { public: true } as const

  app.post<{ Body: SubmitBody }>('/public/tickets', { schema: publicSubmitSchema, config, preHandler: limit }, async (request, reply) => {
    const view = await receiveTicket(deps, null, request.body, 'web')
    return reply.status(201).send({ number: view.number })
  })

  app.get<{ Querystring: { number: string; phone: string } }>('/public/tickets/lookup', { schema: publicLookupSchema, config, preHandler: limit }, async (request) =>
    lookupTicket(deps, request.query.number, request.query.phone),
  )

  app.post<{ Body: { number: string; phone: string; rating: string; comment?: string } }>('/public/tickets/rating', { schema: publicRateSchema, config, preHandler: limit }, async (request) =>
    rateTicket(deps, request.body),
  )

  app.post<{ Body: { number: string; phone: string; reason?: string } }>('/public/tickets/withdraw', { schema: publicWithdrawSchema, config, preHandler: limit }, async (request) =>
    withdrawTicket(deps, request.body),
  )
}

export default plugin
