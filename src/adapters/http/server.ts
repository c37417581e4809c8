/**
 * The HTTP server (服务): one Fastify instance with strict JSON schemas, OpenAPI docs at /docs,
 * cookie sessions, the one error handler, and every area's route plugin under /api.
 */
import cookie from '@fastify/cookie'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { AjvCompiler } from '@fastify/ajv-compiler'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import type { AppDeps } from '../../app/deps.ts'
import authPlugin, { requireSignIn } from './auth.plugin.ts'
import { installErrorHandlers } from './errors.ts'
import inputGuard from './input-guard.plugin.ts'
import { routePlugins } from './routes.ts'
import securityPlugin, { databaseShape, type SecurityOptions } from './security.plugin.ts'
import webPlugin from './web.plugin.ts'

/** Options of buildServer; every field has a production default. */
export interface ServerOptions {
  /** Largest accepted request body in bytes; 1 MiB by default. */
  readonly bodyLimit?: number
  /** Fastify/pino logger setting; off by default (tests), `serve` turns it on. */
  readonly logger?: FastifyServerOptions['logger']
  /** How long a login session lasts, in milliseconds; 12 hours by default. */
  readonly sessionTtlMs?: number
  /** Trust X-Forwarded-* from a reverse proxy (Fastify's trustProxy: true, a hop count, or addresses/CIDRs); off by default. */
  readonly trustProxy?: boolean | string
  /** Concurrency, rate limits, login lock-out and the cookie's Secure flag (security.plugin.ts). */
  readonly security?: SecurityOptions
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024

/**
 * Builds the server without listening: tests use `app.inject()`, `duban serve` calls listen().
 * Schemas are compiled when the server becomes ready, so a broken schema fails at start.
 */
export async function buildServer(deps: AppDeps, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const buildAjv = AjvCompiler()
  type Externals = Parameters<typeof buildAjv>[0]
  type CompilerOpts = Parameters<typeof buildAjv>[1]
  // Bodies are JSON and must arrive with the declared types: no coercion, no silent stripping.
  // Query strings and path params are text by nature, so those alone may be coerced ("10" → 10).
  const buildValidator = (externalSchemas: Externals, options: CompilerOpts) => {
    const custom = { ...(options?.customOptions ?? {}), removeAdditional: false, allErrors: false } as const
    const strict = buildAjv(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } } as CompilerOpts)
    const lenient = buildAjv(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } } as CompilerOpts)
    return (route: Parameters<typeof strict>[0] & { httpPart?: string }) => (route.httpPart === 'body' ? strict(route) : lenient(route))
  }
  // Open311's answer to framework errors, once its plugin (imported lazily below) is loaded.
  let open311Errors: typeof import('./open311/open311.plugin.ts').open311FrameworkError | null = null
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    // Route plugins are imported lazily; on a loaded machine that takes longer than Fastify's 10 s default.
    pluginTimeout: 120_000,
    schemaController: { compilersFactory: { buildValidator } } as unknown as FastifyServerOptions['schemaController'],
    // Errors before routing (a path that is not valid percent-encoding, …): Open311 answers in its spec's error list;
    // elsewhere Fastify's own body, as before.
    frameworkErrors: (err, request, reply) => {
      if (open311Errors && request.url.startsWith('/open311/')) return open311Errors(err, request, reply)
      const status = err.statusCode ?? 400
      const body = JSON.stringify({ error: status >= 500 ? 'Internal Server Error' : 'Bad Request', code: err.code, message: err.message, statusCode: status })
      return (reply as unknown as FastifyReply).code(status).type('application/json').send(body)
    },
  }) as unknown as FastifyInstance

  // Every object in a body schema rejects unknown fields unless the route says otherwise explicitly.
  app.addHook('onRoute', (route) => {
    const body = (route.schema as { body?: unknown } | undefined)?.body
    if (body && typeof body === 'object') closeObjects(body as Record<string, unknown>)
  })

  installErrorHandlers(app)
  await app.register(inputGuard)
  await app.register(cookie)
  await app.register(securityPlugin, { dialect: databaseShape(deps.db), db: deps.db, ...(opts.security ?? {}) })
  await app.register(swagger, {
    openapi: {
      info: { title: 'duban API', description: '督办: owned, timed, supervised and assessed items', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(authPlugin, { deps, sessionTtlMs: opts.sessionTtlMs })

  await app.register(
    async (api) => {
      // Sign-in is checked before parsing and validation: anonymous callers get 401 whatever they send.
      api.addHook('onRequest', requireSignIn)
      for (const load of routePlugins) {
        const mod = await load()
        await api.register(mod.default, { deps })
      }
    },
    { prefix: '/api' },
  )
  // Open311 GeoReport v2, public and outside /api (src/adapters/http/open311/).
  const open311 = await import('./open311/open311.plugin.ts')
  open311Errors = open311.open311FrameworkError
  await app.register(open311.default, { deps, prefix: '/open311/v2' })
  await app.register(webPlugin)
  return app
}

/** Sets additionalProperties:false on every object schema with properties that does not state it. */
function closeObjects(schema: Record<string, unknown>): void {
  if (schema.properties && typeof schema.properties === 'object' && !('additionalProperties' in schema)) {
    schema.additionalProperties = false
  }
  for (const key of ['properties', 'patternProperties', 'definitions', '$defs']) {
    const group = schema[key]
    if (group && typeof group === 'object') for (const s of Object.values(group)) if (s && typeof s === 'object') closeObjects(s as Record<string, unknown>)
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else']) {
    const s = schema[key]
    if (Array.isArray(s)) s.forEach((x) => x && typeof x === 'object' && closeObjects(x as Record<string, unknown>))
    else if (s && typeof s === 'object') closeObjects(s as Record<string, unknown>)
  }
  // allOf is left alone: closing its branches would reject the fields the other branches add.
  for (const key of ['anyOf', 'oneOf']) {
    const list = schema[key]
    if (Array.isArray(list)) list.forEach((x) => x && typeof x === 'object' && closeObjects(x as Record<string, unknown>))
  }
}
