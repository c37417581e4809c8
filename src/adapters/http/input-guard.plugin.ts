/**
 * The input guard (输入关口): one place every request passes before schema validation and any handler.
 * - NUL (U+0000) and lone UTF-16 surrogates are refused anywhere in a JSON body, the query string and the
 *   path params, keys and values alike, with a 400 naming the field path (`body/payload/text`): PostgreSQL
 *   cannot store them and parsers choke on them.
 * - JSON nesting is bounded (MAX_DEPTH levels); the engine and the database never see deeper documents.
 * - `text/plain` bodies are not parsed at all (Fastify's default text parser is removed), so a body with a
 *   content type a route does not take is a 415, never a string handed to a handler expecting an object.
 *   (This also closes the "simple request" CSRF vector: a cross-site form cannot send JSON.)
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { DubanError } from '../../domain/errors.ts'

/** Deepest JSON nesting accepted in any body (objects and arrays). */
export const MAX_DEPTH = 32

/** Most keys + elements visited in one body before it is refused as too complex. */
export const MAX_NODES = 200_000

// A NUL, or a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** String.prototype.isWellFormed (Node 20): no lone surrogate, checked natively. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed

/** What is wrong with a string, or null. A clean string (every one, in practice) is one indexOf and one native check. */
export function badText(s: string): string | null {
  if (isWellFormed !== undefined && s.indexOf('\u0000') === -1 && isWellFormed.call(s)) return null
  const m = BAD_TEXT.exec(s)
  if (!m) return null
  return m[0] === '\u0000' ? 'contains a NUL character (U+0000)' : 'contains a lone UTF-16 surrogate (not valid Unicode)'
}

/** Throws a 400 naming the first bad string or the nesting that is too deep, under `root` (body, query, params). */
export function checkValue(value: unknown, root: string): void {
  // The path is built only for the answer of a refusal (the keys walked so far, in `keys`): a clean body, every
  // request's, allocates no path strings and no closure.
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string') {
      const problem = badText(value)
      if (problem) throw new DubanError('DUBAN_ERR_VALIDATION', `${root}: ${problem}`, { where: root })
    }
    return
  }
  const walker: Walker = { root, keys: [], nodes: 0 }
  walkValue(walker, value, 0)
}

interface Walker {
  readonly root: string
  readonly keys: (string | number)[]
  nodes: number
}

const pathOf = (w: Walker): string => (w.keys.length ? `${w.root}/${w.keys.join('/')}` : w.root)

function walkValue(w: Walker, v: unknown, depth: number): void {
  if (typeof v === 'string') {
    const problem = badText(v)
    if (problem) {
      const path = pathOf(w)
      throw new DubanError('DUBAN_ERR_VALIDATION', `${path}: ${problem}`, { where: path })
    }
    return
  }
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return
  if (depth >= MAX_DEPTH) {
    const path = pathOf(w)
    throw new DubanError('DUBAN_ERR_VALIDATION', `${path}: nested deeper than ${MAX_DEPTH} levels`, { where: path })
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (++w.nodes > MAX_NODES) throw new DubanError('DUBAN_ERR_VALIDATION', `${w.root}: more than ${MAX_NODES} values`, { where: w.root })
      w.keys.push(i)
      walkValue(w, v[i], depth + 1)
      w.keys.pop()
    }
    return
  }
  for (const k in v as Record<string, unknown>) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue
    if (++w.nodes > MAX_NODES) throw new DubanError('DUBAN_ERR_VALIDATION', `${w.root}: more than ${MAX_NODES} values`, { where: w.root })
    const keyProblem = badText(k)
    if (keyProblem) {
      const path = pathOf(w)
      throw new DubanError('DUBAN_ERR_VALIDATION', `${path}: a field name ${keyProblem}`, { where: path })
    }
    w.keys.push(k)
    walkValue(w, (v as Record<string, unknown>)[k], depth + 1)
    w.keys.pop()
  }
}

/** preValidation: query, params and the parsed body of every request. */
export function checkRequest(request: FastifyRequest): void {
  checkValue(request.params, 'params')
  checkValue(request.query, 'query')
  if (request.body !== undefined) checkValue(request.body, 'body')
}

/** checkRequest as a promise (what the hook did before it ran synchronously). */
export async function guardRequest(request: FastifyRequest): Promise<void> {
  checkRequest(request)
}

/** Longest name of an uploaded file, as the JSON bodies' `fileName` and attachment `name` allow. */
export const MAX_FILE_NAME = 255

/** Longest declared content type of an uploaded file, as the JSON attachments' `mime` allows. */
export const MAX_MIME = 100

/**
 * A multipart file part's name and declared type pass no schema and no preValidation hook (the body is read in the
 * handler): the routes that take uploads call this on each file part, so a NUL or a lone surrogate in a file name is
 * a 400 naming `where`, never a string PostgreSQL refuses (a 500), and a name is at most MAX_FILE_NAME characters.
 */
export function checkUploadPart(part: { filename: string; mimetype: string }, where: string): void {
  const fields: [string, string, number][] = [
    ['file name', part.filename, MAX_FILE_NAME],
    ['content type', part.mimetype, MAX_MIME],
  ]
  for (const [what, value, max] of fields) {
    const problem = badText(value)
    if (problem) throw new DubanError('DUBAN_ERR_VALIDATION', `${where}: the ${what} ${problem}`, { where })
    const length = [...value].length
    if (length > max) throw new DubanError('DUBAN_ERR_VALIDATION', `${where}: the ${what} is ${length} characters long, at most ${max}`, { where })
  }
}

/**
 * preHandler: a query string or path param that schema coercion turned into a non-finite number (`limit=1e309` or
 * `Infinity` becomes Infinity, which Ajv lets past `type: integer` and `maximum`) is a 400 naming it, never a value
 * handed on to SQL (GET /api/plans?limit=1e309 was a 500). JSON bodies cannot hold one.
 */
export function checkNumbers(request: FastifyRequest): void {
  for (const [part, where] of [[request.query, 'querystring'], [request.params, 'params']] as const) {
    if (!part || typeof part !== 'object') continue
    for (const [k, v] of Object.entries(part as Record<string, unknown>)) {
      const values = Array.isArray(v) ? v : [v]
      if (values.some((x) => typeof x === 'number' && !Number.isFinite(x))) {
        throw new DubanError('DUBAN_ERR_VALIDATION', `${where}/${k}: must be a finite number`, { where: `${where}/${k}` })
      }
    }
  }
}

/** checkNumbers as a promise. */
export async function guardNumbers(request: FastifyRequest): Promise<void> {
  checkNumbers(request)
}

/** Largest integer a request may carry where its schema states no maximum: PostgreSQL's int4. */
export const MAX_INT = 2_147_483_647

/** Gives every integer in a request schema without bounds the int4 range, so 1e300 never reaches SQL. */
export function boundIntegers(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return
  if (Array.isArray(schema)) return schema.forEach(boundIntegers)
  const s = schema as Record<string, unknown>
  const types = Array.isArray(s.type) ? s.type : [s.type]
  if (types.includes('integer')) {
    if (!('maximum' in s) && !('exclusiveMaximum' in s)) s.maximum = MAX_INT
    if (!('minimum' in s) && !('exclusiveMinimum' in s)) s.minimum = -MAX_INT - 1
  }
  for (const v of Object.values(s)) if (v && typeof v === 'object') boundIntegers(v)
}

const plugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, unknown> | undefined
    if (schema) for (const part of ['querystring', 'params', 'body']) boundIntegers(schema[part])
  })
  // Bodies are JSON (or multipart, or a route's own parser); a text/plain body is a 415 everywhere.
  app.removeContentTypeParser('text/plain')
  // Callback style (what they find is thrown, and reaches the error handler as from an async hook): no promise and no
  // microtask per request for checks that never wait.
  app.addHook('preValidation', (request, _reply, done) => {
    checkRequest(request)
    done()
  })
  app.addHook('preHandler', (request, _reply, done) => {
    checkNumbers(request)
    done()
  })
}

export default fp(plugin, { name: 'duban-input-guard' })
