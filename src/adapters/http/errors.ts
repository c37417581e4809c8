/**
 * The one place HTTP meets the error catalogue (错误目录): a table from DubanError codes to status
 * codes, and the handlers that turn every failure into `{ error: { code, message, messageZh, where } }`.
 * Bad input never becomes a 500; only a genuine bug does, and that is logged.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { catalogue, DubanError, type ErrorCode } from '../../domain/errors.ts'
import { fieldLabelOf } from '../../domain/field-labels.ts'

/** Status of each code that is not a plain 400. */
const statusOf: Partial<Record<ErrorCode, number>> = {
  DUBAN_ERR_VALIDATION: 400,
  DUBAN_ERR_NOT_FOUND: 404,
  DUBAN_ERR_CONFLICT: 409,
  DUBAN_ERR_NOTICE_WITHDRAWN: 409,
  DUBAN_ERR_BODY_TOO_LARGE: 413,
  DUBAN_ERR_INPUT_TOO_LARGE: 413,
  DUBAN_ERR_UNAUTHENTICATED: 401,
  DUBAN_ERR_LOGIN_FAILED: 401,
  DUBAN_ERR_FORBIDDEN: 403,
  // The engine's refusals of who acts: the actor is known but may not do this.
  DUBAN_ERR_ROLE_NOT_ALLOWED: 403,
  DUBAN_ERR_NOT_ASSIGNEE: 403,
  DUBAN_ERR_UNIT_IMPORT: 400,
  DUBAN_ERR_UNIT_OUTSIDE_JURISDICTION: 400,
  DUBAN_ERR_AUDIT_CHAIN_BROKEN: 500,
  DUBAN_ERR_INTERNAL: 500,
  DUBAN_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  DUBAN_ERR_LOGIN_LOCKED: 429,
  DUBAN_ERR_RATE_LIMITED: 429,
  DUBAN_ERR_OVERLOADED: 503,
  DUBAN_ERR_INPUT_BOMB: 413,
}

/** Codes other areas add later follow their name: the catalogue's naming habit is the rule. */
const statusBySuffix: readonly (readonly [string, number])[] = [
  ['_NOT_FOUND', 404],
  ['_NOT_ALLOWED', 409], // e.g. DUBAN_ERR_TRANSITION_NOT_ALLOWED
  ['_CONFLICT', 409],
  ['_FORBIDDEN', 403],
  ['_TOO_LARGE', 413],
]

/** The HTTP status of a DubanError code: the table, then the name suffix, else 400 (the caller's input). */
export function httpStatusOf(code: ErrorCode): number {
  const exact = statusOf[code]
  if (exact !== undefined) return exact
  for (const [suffix, status] of statusBySuffix) if (code.endsWith(suffix)) return status
  return 400
}

/** The error body every route returns. */
export interface ErrorBody {
  /** `field`: the Chinese name of the field `where` points at (src/domain/field-labels.ts), null when none. */
  error: { code: string; message: string; messageZh: string; where: string | null; field: string | null; details?: Record<string, unknown> }
}

/** JSON schema of ErrorBody, for routes' response declarations. */
export const errorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        messageZh: { type: 'string' },
        where: { type: ['string', 'null'] },
        field: { type: ['string', 'null'] },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const

function bodyOf(e: DubanError): ErrorBody {
  const error: ErrorBody['error'] = { code: e.code, message: e.message, messageZh: e.userMessage, where: e.where ?? null, field: e.field }
  if (e.details) error.details = { ...e.details }
  return { error }
}

/** What a route may declare in its config for its errors (see FastifyContextConfig.fieldLabels). */
export interface FieldLabelsConfig {
  readonly fieldLabels?: Readonly<Record<string, string>>
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The names of the route's body fields where the route is one event of a kind (`/items/:id/reports` is the
     * task's 报送进展: `text` is 进展情况, from labelsOf), for a schema error's `field`; the shared table covers the rest.
     */
    fieldLabels?: Readonly<Record<string, string>>
  }
}

/** Turns a Fastify schema-validation failure into a DubanError naming the field: `body/due: must be string`. */
function fromValidation(err: FastifyError, own: Readonly<Record<string, string>> | undefined): DubanError {
  const first = err.validation?.[0]
  const context = err.validationContext ?? 'body'
  let path = first?.instancePath ?? ''
  const params = (first?.params ?? {}) as Record<string, unknown>
  if (typeof params.additionalProperty === 'string') path += `/${params.additionalProperty}`
  if (typeof params.missingProperty === 'string') path += `/${params.missingProperty}`
  const where = `${context}${path}`
  // An enum's refusal names what it takes (`kind: must be equal to one of the allowed values: task, ticket`).
  const allowed = Array.isArray(params.allowedValues) ? `: ${params.allowedValues.map(String).join(', ')}` : ''
  const what = params.additionalProperty ? 'unknown field' : `${first?.message ?? 'is not valid'}${allowed}`
  return new DubanError('DUBAN_ERR_VALIDATION', `${where}: ${what}`, { where, label: (own && fieldLabelOf(where, own)) ?? undefined })
}

/** Maps Fastify's own errors (parsing, limits) to catalogue codes; anything else is not the caller's fault. */
function fromFastify(err: FastifyError, request: FastifyRequest): DubanError | null {
  if (err.validation) return fromValidation(err, (request.routeOptions?.config as FieldLabelsConfig | undefined)?.fieldLabels)
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    return new DubanError('DUBAN_ERR_BODY_TOO_LARGE', err.message, { where: 'body' })
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
    return new DubanError('DUBAN_ERR_VALIDATION', `body: malformed JSON (${err.message})`, { where: 'body' })
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) {
    return new DubanError('DUBAN_ERR_UNSUPPORTED_MEDIA_TYPE', err.message, { where: 'content-type' })
  }
  if (typeof err.code === 'string' && /^FST_(PARTS|FILES|FIELDS)_LIMIT|^FST_REQ_FILE_TOO_LARGE/.test(err.code)) {
    return new DubanError('DUBAN_ERR_BODY_TOO_LARGE', `multipart: ${err.message}`, { where: 'body/file' })
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new DubanError('DUBAN_ERR_VALIDATION', err.message, { where: 'request' })
  }
  return null
}

/** A busboy/multipart parse failure (no status of its own) is the caller's malformed body, not a bug. */
function fromMultipart(err: FastifyError, request: FastifyRequest): DubanError | null {
  const type = String(request.headers['content-type'] ?? '')
  if (!/^multipart\//i.test(type) || (typeof err.statusCode === 'number' && err.statusCode >= 500)) return null
  if (!/multipart|boundary|malformed|unexpected end|part|field|header/i.test(err.message)) return null
  return new DubanError('DUBAN_ERR_VALIDATION', `body: malformed multipart data (${err.message})`, { where: 'body' })
}

/** Installs the error and not-found handlers on the root instance (they apply to every plugin). */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DubanError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof DubanError) {
      const status = httpStatusOf(err.code)
      const retry = err.details?.['retryAfterSeconds']
      if (typeof retry === 'number') void reply.header('retry-after', String(Math.max(1, Math.ceil(retry))))
      if (status >= 500) request.log.error({ err }, err.message)
      return reply.status(status).send(bodyOf(err))
    }
    const mapped = fromFastify(err, request) ?? fromMultipart(err, request)
    if (mapped) {
      // Keep Fastify's own 4xx status (415 unsupported media type, 413 …) when it is more precise.
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : httpStatusOf(mapped.code)
      return reply.status(status).send(bodyOf(mapped))
    }
    request.log.error({ err }, 'unhandled error')
    // Without a configured logger the line still has to reach the operator.
    if (!request.log.level || request.log.level === 'silent') process.stderr.write(`duban: unhandled error on ${request.method} ${request.url}: ${err.stack ?? err.message}\n`)
    return reply.status(500).send(bodyOf(new DubanError('DUBAN_ERR_INTERNAL')))
  })
  app.setNotFoundHandler((request, reply) => {
    const e = new DubanError('DUBAN_ERR_NOT_FOUND', `no route ${request.method} ${request.url}`, { where: request.url })
    return reply.status(404).send(bodyOf(e))
  })
}

/** Every catalogue code with its status; used by the docs check and tests. */
export function statusTable(): Record<ErrorCode, number> {
  return Object.fromEntries((Object.keys(catalogue) as ErrorCode[]).map((c) => [c, httpStatusOf(c)])) as Record<ErrorCode, number>
}
