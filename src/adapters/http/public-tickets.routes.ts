/**
 * 12345 tickets for the public (在线诉求), no sign-in (`config: { public: true }`): submit, look up by number and
 * phone, rate once, withdraw before acceptance, ask for 重办 with a reason within the 回访 window. Rate limited per client address by the security plugin
 * (security.plugin.ts: every /api/public route, 120 a minute by default, 429 with Retry-After).
 */
import { lookupTicket, rateTicket, reopenTicket, withdrawTicket } from '../../app/tickets/public-tickets.ts'
import { MAX_ATTACHMENT_BYTES } from '../../app/items/take-event.ts'
import { receiveTicket } from '../../app/tickets/receive-ticket.ts'
import { DubanError } from '../../domain/errors.ts'
import type { RequestType } from '../../domain/tickets/intake.rules.ts'
import type { RoutePlugin } from './routes.ts'
import { duplicateWindowDays } from './duplicates.routes.ts'
import { sniffContentType } from './sniff.ts'
import { PUBLIC_PHOTOS_MAX, publicLookupSchema, publicRateSchema, publicReopenSchema, publicSubmitSchema, publicWithdrawSchema } from './tickets.schema.ts'

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
  /** 现场照片: up to PUBLIC_PHOTOS_MAX pictures, each at most MAX_ATTACHMENT_BYTES. */
  attachments?: { name: string; contentBase64: string }[]
}

/** Room for the photos in base64 (4/3 of their bytes) and the rest of the form. */
const SUBMIT_BODY_LIMIT = Math.ceil(MAX_ATTACHMENT_BYTES * PUBLIC_PHOTOS_MAX * 1.4) + 64 * 1024

/** The public page takes pictures only (JPEG, PNG, GIF, WebP, known by their bytes), typed by what they are. */
function photos(list: SubmitBody['attachments']): { name: string; mime: string; contentBase64: string }[] | undefined {
  return list?.map((a, i) => {
    const mime = sniffContentType(Buffer.from(a.contentBase64.slice(0, 64), 'base64'), a.name)
    if (!mime.startsWith('image/')) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `attachments[${i}] is ${mime}: only photos (JPEG, PNG, GIF, WebP)`, { where: `attachments[${i}]` })
    return { name: a.name, mime, contentBase64: a.contentBase64 }
  })
}

const plugin: RoutePlugin = async (app, { deps }) => {
  const config = { public: true } as const

  app.post<{ Body: SubmitBody }>('/public/tickets', { schema: publicSubmitSchema, config, bodyLimit: SUBMIT_BODY_LIMIT }, async (request, reply) => {
    const { attachments, ...fields } = request.body
    const view = await receiveTicket(deps, null, { ...fields, attachments: photos(attachments) }, 'web', { windowDays: duplicateWindowDays })
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
