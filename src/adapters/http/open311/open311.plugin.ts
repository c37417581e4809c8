/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2, outside /api: no
 * sign-in, one jurisdiction (jurisdiction_id accepted and ignored), no API key.
 *
 *   GET  discovery.{json,xml}              Service Discovery
 *   GET  services.{json,xml}               level-3 categories of the service catalogue (keywords: 群众说法 too)
 *   GET  services/{service_code}.{json,xml} service definition (request_type, optional)
 *   GET  requests.{json,xml}               service_request_id | service_code, start_date, end_date, status
 *   POST requests.{json,xml}               form-encoded or JSON; creates a ticket with channel 'open311'
 *   GET  requests/{service_request_id}.{json,xml}
 *
 * XML is text/xml, JSON application/json, both UTF-8. Errors are the spec's list `[{code, description}]`
 * (`<errors><error>…`) with 404 for what does not exist and 400 for anything else the caller can fix.
 * Bodies: UTF-8 unless the content type names another charset (GBK, GB18030 and GB2312 are read);
 * bytes that are not valid in the charset are refused, never stored as replacement characters.
 * POST is limited to OPEN311_POST_LIMIT (60) a minute per client address (429 in the same error format).
 * `extensions=true` on any requests call adds `extended_attributes` to each record (and to the POST answer): the
 * duplicate detection's findings, which run after the POST's answer (georeport.map.ts GeoReportExtended).
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import iconv from 'iconv-lite'
import type { AppDeps } from '../../../app/deps.ts'
import { findCategory, currentCategories, type CategoryNode } from '../../../app/tickets/catalogue.ts'
import { keepOpen311Media, open311Changeset, open311Ticket, open311Tickets } from '../../../app/tickets/open311.ts'
import { receiveTicket } from '../../../app/tickets/receive-ticket.ts'
import { duplicateWindowDays } from '../duplicates.routes.ts'
import { catalogue, DubanError } from '../../../domain/errors.ts'
import { httpStatusOf } from '../errors.ts'
import { checkIntake } from '../../../domain/tickets/intake.rules.ts'
import {
  changesetOf,
  discoveryOf,
  extensionsOf,
  fromGeoReportPost,
  open311FieldOf,
  requestFilterOf,
  serviceDefinitionOf,
  serviceNoticeOf,
  toGeoReportExtended,
  toGeoReportRequest,
  toGeoReportServices,
  type CatalogueEntry,
  type PostFields,
} from './georeport.map.ts'
import { list, toXml, type XmlValue } from './xml.ts'

type Format = 'json' | 'xml'
const FORMATS: readonly Format[] = ['json', 'xml']

/** The format a URL asks for by its extension; JSON when it names none. */
function formatOfUrl(url: string): Format {
  return /\.xml$/i.test(url.split('?')[0] ?? '') ? 'xml' : 'json'
}

/** `GD-2026-000001.xml` → ['GD-2026-000001', 'xml']; null when the extension is not json or xml. */
function splitFile(file: string): [string, Format] | null {
  const m = /^(.+)\.(json|xml)$/i.exec(file)
  return m ? [m[1] as string, (m[2] as string).toLowerCase() as Format] : null
}

/** Sends a GeoReport answer: JSON as is, XML under `root` with list items named `item` (when a list). */
function send(reply: FastifyReply, format: Format, status: number, json: unknown, root: string, item?: string): FastifyReply {
  if (format === 'xml') {
    const value = (Array.isArray(json) && item ? list(item, json as XmlValue[]) : json) as XmlValue
    return reply.status(status).type('text/xml; charset=utf-8').send(toXml(root, value))
  }
  return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(json))
}

/** The spec's error list for one failure. */
function sendError(reply: FastifyReply, format: Format, status: number, description: string): FastifyReply {
  return send(reply, format, status, [{ code: status, description }], 'errors', 'error')
}

/**
 * The status of a GeoReport error: the spec has 404 for what does not exist and 400 for anything else the
 * caller can fix; limits keep their own status (413 too large, 415 media type, 429 rate, 503 overload) so
 * clients can back off, and a server fault stays 500.
 */
function open311Status(status: number): number {
  return [404, 413, 415, 429, 500, 503].includes(status) ? status : status >= 500 ? 500 : 400
}

/** A DubanError's specifics in GeoReport words: `phone: is not a mainland mobile …`. */
function describe(e: DubanError): string {
  const base = catalogue[e.code].en
  let detail = e.message.startsWith(`${base}: `) ? e.message.slice(base.length + 2) : e.message
  const field = open311FieldOf(e.where)
  if (e.where && field) {
    const bare = e.where.replace(/^body\//, '')
    for (const prefix of [`${e.where}: `, `${bare}: `]) if (detail.startsWith(prefix)) detail = detail.slice(prefix.length)
    return `${field}: ${detail}`
  }
  return detail
}

// ── bodies ──────────────────────────────────────────────────────────────────────────────────────

const GB = /^(gbk|gb2312|gb18030|cp936|x-gbk|euc-cn)$/i

/** Decodes body bytes in the content type's charset; refuses bytes that are not valid there. */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([\w-]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8'
  if (charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body)
    } catch {
      throw new DubanError('DUBAN_ERR_INPUT_ENCODING', 'body: not valid UTF-8; send UTF-8, or name the charset in the content type (charset=gbk)', { where: 'body' })
    }
  }
  if (GB.test(charset)) {
    const text = iconv.decode(body, 'gb18030')
    if (text.includes('\uFFFD') && !iconv.encode(text, 'gb18030').equals(body)) {
      throw new DubanError('DUBAN_ERR_INPUT_ENCODING', `body: not valid ${charset.toUpperCase()}`, { where: 'body' })
    }
    return text
  }
  throw new DubanError('DUBAN_ERR_INPUT_ENCODING', `body: charset ${charset} is not accepted (UTF-8, GBK, GB18030)`, { where: 'body' })
}

/** Percent-decodes one form component to bytes (`+` is a space). */
function formBytes(s: string): Buffer {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x2b) out.push(0x20)
    else if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16))
      i += 2
    } else if (c < 0x80) out.push(c)
    else for (const b of Buffer.from(s[i] as string, 'utf8')) out.push(b)
  }
  return Buffer.from(out)
}

/** Parses application/x-www-form-urlencoded bytes; a repeated name gives an array. */
export function parseForm(body: Buffer, contentType: string | undefined): Record<string, string | string[]> {
  const ascii = body.toString('latin1')
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>
  for (const pair of ascii.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]
    const name = decodeBody(formBytes(k), contentType)
    const value = decodeBody(formBytes(v), contentType)
    const prev = fields[name]
    fields[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  return { ...fields }
}

// ── the plugin ─────────────────────────────────────────────────────────────────────────────────

function flatten(tree: readonly CategoryNode[]): CatalogueEntry[] {
  const out: CatalogueEntry[] = []
  const walk = (nodes: readonly CategoryNode[]) => {
    for (const n of nodes) {
      out.push({ code: n.code, parentCode: n.parentCode, level: n.level, name: n.name, description: n.description, keywords: n.keywords })
      walk(n.children)
    }
  }
  walk(tree)
  return out
}

/** POST requests a client address may make per minute (a fixed window in memory, per server process). */
export const OPEN311_POST_LIMIT = 60
const WINDOW_MS = 60_000

const notFound = (what: string) => new DubanError('DUBAN_ERR_NOT_FOUND', what)

/**
 * The first part of a URL's query (`name=value`) whose percent-encoding does not decode — a `%` not followed by two hex
 * digits, or bytes that are not UTF-8 (GBK-encoded text) — or null when every part decodes.
 */
export function badQueryPart(url: string): string | null {
  const q = url.indexOf('?')
  if (q < 0) return null
  for (const part of url.slice(q + 1).split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '))
    } catch {
      return part
    }
  }
  return null
}

/** An error text quoting what the client sent, cut to a readable length. */
const quoted = (raw: string): string => (raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)

/**
 * Fastify's framework errors (a path it cannot decode, FST_ERR_BAD_URL; a path parameter too long) for a URL under
 * /open311/: the spec's error list in the format the URL asks, with Fastify's status (400, 414). The server's
 * `frameworkErrors` calls it (src/adapters/http/server.ts); they happen before routing, so no plugin hook sees them.
 */
export function open311FrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 400
  const path = request.url.split('?')[0] ?? ''
  return sendError(reply, formatOfUrl(request.url), status, err.code === 'FST_ERR_BAD_URL' ? `url: the path '${quoted(path)}' is not valid percent-encoding (UTF-8)` : err.message)
}

const plugin: FastifyPluginAsync<{ deps: AppDeps }> = async (app: FastifyInstance, { deps }) => {
  // A query whose percent-encoding does not decode is refused in the spec's error format, naming the part; Fastify's
  // query parser would take it leniently (a cut %E0%A4 as text) and answer for a value the client did not mean.
  app.addHook('onRequest', async (request, reply) => {
    const bad = badQueryPart(request.url)
    if (bad !== null) return sendError(reply, formatOfUrl(request.url), 400, `query: '${quoted(bad)}' is not valid percent-encoding (UTF-8)`)
    return undefined
  })
  // Bodies of this prefix only: form-encoded (the spec's) and JSON, each in its declared charset.
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer' }, (request, body, done) => {
    try {
      const type = request.headers['content-type']
      const buf = body as Buffer
      if (/^application\/x-www-form-urlencoded/i.test(type ?? '')) return done(null, parseForm(buf, type))
      const text = decodeBody(buf, type)
      if (text.trim() === '') return done(null, {})
      try {
        return done(null, JSON.parse(text))
      } catch (e) {
        return done(new DubanError('DUBAN_ERR_VALIDATION', `body: malformed JSON (${(e as Error).message})`, { where: 'body' }), undefined)
      }
    } catch (e) {
      return done(e as Error, undefined)
    }
  })

  app.setErrorHandler((err: FastifyError | DubanError, request: FastifyRequest, reply: FastifyReply) => {
    const format = formatOfUrl(request.url)
    if (err instanceof DubanError) {
      const status = open311Status(httpStatusOf(err.code))
      if (status === 500) request.log.error({ err }, err.message)
      const retry = err.details?.['retryAfterSeconds']
      if (typeof retry === 'number' && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retry))
      return sendError(reply, format, status, describe(err))
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, format, open311Status(err.statusCode), err.message)
    }
    request.log.error({ err }, 'unhandled error')
    if (!request.log.level || request.log.level === 'silent') process.stderr.write(`duban: unhandled error on ${request.method} ${request.url}: ${err.stack ?? err.message}\n`)
    return sendError(reply, format, 500, 'internal error')
  })

  const hide = { schema: { hide: true } }

  // No sign-in and no API key: creating requests is slowed per client address, as on the public page.
  const windows = new Map<string, { start: number; count: number }>()
  const limit = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const now = Date.now()
    const w = windows.get(request.ip)
    if (!w || now - w.start >= WINDOW_MS) {
      if (windows.size > 10_000) windows.clear()
      windows.set(request.ip, { start: now, count: 1 })
      return undefined
    }
    if (++w.count <= OPEN311_POST_LIMIT) return undefined
    reply.header('retry-after', String(Math.ceil((w.start + WINDOW_MS - now) / 1000)))
    return sendError(reply, formatOfUrl(request.url), 429, `more than ${OPEN311_POST_LIMIT} requests a minute from this address; try again later`)
  }

  for (const format of FORMATS) {
    app.get(`/discovery.${format}`, hide, async (request, reply) => {
      const changed = await open311Changeset(deps)
      const url = `${request.protocol}://${request.host}/open311/v2`
      return send(reply, format, 200, discoveryOf(url, changesetOf(changed ?? deps.clock.now())), 'discovery')
    })

    app.get(`/services.${format}`, hide, async (_request, reply) => {
      const services = toGeoReportServices(flatten(await currentCategories(deps.db)))
      return send(reply, format, 200, services, 'services', 'service')
    })

    app.get(`/requests.${format}`, hide, async (request, reply) => {
      const query = request.query as Record<string, unknown>
      const filter = requestFilterOf(query, deps.clock.now().getTime())
      const extensions = extensionsOf(query)
      const tickets = await open311Tickets(deps, {
        numbers: filter.ids,
        categoryCodes: filter.serviceCodes,
        statuses: filter.statuses,
        from: Number.isFinite(filter.from) ? new Date(filter.from) : null,
        to: Number.isFinite(filter.to) ? new Date(filter.to) : null,
        limit: filter.limit,
      }, { extensions })
      return send(reply, format, 200, tickets.map(toGeoReportRequest), 'service_requests', 'request')
    })

    app.post(`/requests.${format}`, { ...hide, onRequest: limit }, async (request, reply) => {
      const body = request.body
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new DubanError('DUBAN_ERR_VALIDATION', 'body: send the request as form fields (application/x-www-form-urlencoded) or a JSON object', { where: 'body' })
      }
      const extensions = extensionsOf(request.query as Record<string, unknown>)
      const { intake, mediaUrl } = fromGeoReportPost(body as PostFields)
      const category = await findCategory(deps.db, intake.categoryCode)
      if (!category || category.level !== 3) throw notFound(`service_code ${intake.categoryCode} was not found`)
      // The intake rules first, so a refusal names the GeoReport field before anything is written.
      checkIntake(intake, { channel: 'open311' })
      const view = await receiveTicket(deps, null, intake, 'open311', { windowDays: duplicateWindowDays })
      if (mediaUrl) await keepOpen311Media(deps, view.number, mediaUrl)
      const answer: Record<string, unknown>[] = [{ service_request_id: view.number, service_notice: serviceNoticeOf(view.limits?.['handle'] as { unit: string; amount: number } | undefined), account_id: null }]
      // Detection runs after this answer: the extension says so (pending), and GET requests/{id} tells the rest.
      const duplicates = extensions ? (await open311Ticket(deps, view.number, { extensions }))?.duplicates : undefined
      if (duplicates) answer[0]!['extended_attributes'] = toGeoReportExtended(duplicates)
      return send(reply, format, 201, answer, 'service_requests', 'request')
    })
  }

  app.get('/services/:file', hide, async (request, reply) => {
    const file = splitFile((request.params as { file: string }).file)
    if (!file) throw notFound('use services/{service_code}.json or .xml')
    const [code, format] = file
    const category = await findCategory(deps.db, code)
    if (!category || category.level !== 3) throw notFound(`service_code ${code} was not found`)
    return send(reply, format, 200, serviceDefinitionOf(code), 'service_definition')
  })

  app.get('/requests/:file', hide, async (request, reply) => {
    const file = splitFile((request.params as { file: string }).file)
    if (!file) throw notFound('use requests/{service_request_id}.json or .xml')
    const [number, format] = file
    const ticket = await open311Ticket(deps, number, { extensions: extensionsOf(request.query as Record<string, unknown>) })
    if (!ticket) throw notFound(`service_request_id ${number} was not found`)
    return send(reply, format, 200, [toGeoReportRequest(ticket)], 'service_requests', 'request')
  })

  // Anything else under the prefix answers in the GeoReport error format, not the web app's page.
  app.all('/*', hide, async (request) => {
    throw notFound(`no GeoReport v2 resource ${request.method} ${request.url}`)
  })
}

export default plugin
