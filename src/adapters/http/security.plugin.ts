/**
 * Security at the HTTP edge (安全防护), registered once at the root by server.ts before authentication:
 * - security headers through @fastify/helmet: a CSP the web app and /docs pass (`script-src 'self'`,
 *   `frame-ancestors 'none'`, no plugins), `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`;
 * - CSRF defence for cookie sessions: an unsafe method (POST, PUT, PATCH, DELETE) carrying the session cookie
 *   and no bearer token must come from this site (Origin, else Referer, naming the request's host) AND carry
 *   the header `X-Duban-Request: 1`, which the web app sends and a cross-site form cannot; bearer-token
 *   requests are exempt (a browser never attaches them on its own). See docs/api.md "CSRF".
 * - overload answered, not queued: a concurrency limit and a bounded queue per route class (public intake,
 *   authenticated reads, writes, exports); beyond them 503 with Retry-After, at once;
 * - @fastify/rate-limit on every public route under /api (/api/public/*, sign-in): 429 with Retry-After
 *   (Open311 has its own limiter answering in the GeoReport format);
 * - `GET /api/health`, public, outside every limit, answering without touching the database.
 */
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LoginThrottle, type ThrottleOptions } from '../../app/auth/login-throttle.ts'
import { DubanError } from '../../domain/errors.ts'
import { closeParsePool } from '../workers/parse-pool.ts'

/** The header the web app sends on every request; a cross-site HTML form cannot set it. */
export const CSRF_HEADER = 'x-duban-request'

/** A route class with its own concurrency limit and queue. */
export type RouteClass = 'public' | 'read' | 'write' | 'export'

/** Concurrency limit, queue bound and longest wait in the queue of a route class. */
export interface ClassLimit {
  readonly concurrent: number
  readonly queue: number
  readonly maxWaitMs: number
}

/** Options of the security plugin; every field has a production default. */
export interface SecurityOptions {
  /** Per route class; missing classes take the defaults. */
  readonly concurrency?: Partial<Record<RouteClass, Partial<ClassLimit>>>
  /** Requests a client address may make per minute to public routes (120) and to sign-in (60). */
  readonly rateLimit?: { readonly publicPerMinute?: number; readonly loginPerMinute?: number; readonly windowMs?: number }
  /** Login lock-out limits. */
  readonly loginThrottle?: ThrottleOptions
  /**
   * Shed limited requests while the event loop lags more than this (ms): PGlite runs its queries on the event
   * loop, so requests queue in the kernel where no in-process counter sees them. Off unless set (`duban serve`
   * reads DUBAN_MAX_LAG_MS): the first requests after a start or a long synchronous step are shed too, so
   * clients must retry on 503 + Retry-After.
   */
  readonly maxEventLoopLagMs?: number
  /** `Secure` on the session cookie: 'auto' (when the request is HTTPS, as the proxy says with trust-proxy), or always/never. */
  readonly cookieSecure?: boolean | 'auto'
}

export const DEFAULT_CONCURRENCY: Readonly<Record<RouteClass, ClassLimit>> = {
  public: { concurrent: 16, queue: 32, maxWaitMs: 2_000 },
  read: { concurrent: 32, queue: 64, maxWaitMs: 2_000 },
  write: { concurrent: 16, queue: 32, maxWaitMs: 2_000 },
  export: { concurrent: 2, queue: 4, maxWaitMs: 5_000 },
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The class of a request, or null for what no limit applies to (health, the web app's files, /docs). */
export function routeClassOf(request: FastifyRequest): RouteClass | null {
  const url = request.routeOptions.url ?? request.url
  if (url === '/api/health') return null
  const isApi = url.startsWith('/api/') || url.startsWith('/open311/')
  if (!isApi) return null
  const config = request.routeOptions.config as { public?: unknown } | undefined
  if (url.startsWith('/open311/') || url.startsWith('/api/public/') || config?.public === true) return 'public'
  if (url.startsWith('/api/exports/')) return 'export'
  return UNSAFE.has(request.method) ? 'write' : 'read'
}

/** A counting gate with a bounded FIFO queue. */
class Gate {
  active = 0
  private readonly waiting: { resolve: () => void; timer: NodeJS.Timeout }[] = []
  constructor(readonly limit: ClassLimit) {}

  /** Resolves when admitted; rejects at once when the queue is full, or after maxWaitMs in it. */
  enter(cls: RouteClass): Promise<void> {
    if (this.active < this.limit.concurrent) {
      this.active++
      return Promise.resolve()
    }
    if (this.waiting.length >= this.limit.queue) return Promise.reject(overloaded(cls, 'queue full'))
    return new Promise((resolve, reject) => {
      const entry = {
        resolve: () => {
          clearTimeout(entry.timer)
          resolve()
        },
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(entry)
          if (i >= 0) this.waiting.splice(i, 1)
          reject(overloaded(cls, `waited ${this.limit.maxWaitMs} ms`))
        }, this.limit.maxWaitMs),
      }
      this.waiting.push(entry)
    })
  }

  leave(): void {
    const next = this.waiting.shift()
    if (next) next.resolve() // the slot passes straight to the next in line
    else this.active--
  }
}

const prepared = new Map<string, DubanError>()
/** The refusal of a class at capacity; made once per class and reason (shedding must be cheap). */
function overloaded(cls: RouteClass, why: string): DubanError {
  const key = `${cls}|${why}`
  let e = prepared.get(key)
  if (!e) {
    e = new DubanError('DUBAN_ERR_OVERLOADED', `${cls} requests are at capacity (${why})`, { where: 'request', details: { routeClass: cls, retryAfterSeconds: 1 } })
    prepared.set(key, e)
  }
  return e
}

/** Throws DUBAN_ERR_CSRF_FORBIDDEN when a cookie-authenticated unsafe request is not from this site. */
export function checkCsrf(request: FastifyRequest): void {
  if (!UNSAFE.has(request.method)) return
  if (/^Bearer\s+\S+/i.test(String(request.headers.authorization ?? ''))) return
  if (!request.cookies?.['duban_session']) return
  // Public routes (citizen intake, Open311) never act on the session, so the cookie grants nothing there;
  // sign-in stays checked (login CSRF).
  const url = request.routeOptions.url ?? ''
  const isPublic = (request.routeOptions.config as { public?: unknown } | undefined)?.public === true || url.startsWith('/open311/')
  if (isPublic && url !== '/api/auth/login') return
  const source = request.headers.origin ?? request.headers.referer
  let sameSite = false
  if (typeof source === 'string' && source !== 'null') {
    try {
      sameSite = new URL(source).host === request.host
    } catch {
      sameSite = false
    }
  }
  if (!sameSite) throw new DubanError('DUBAN_ERR_CSRF_FORBIDDEN', `Origin/Referer '${String(source ?? '')}' is not this site (${request.host})`, { where: 'header/origin' })
  if (request.headers[CSRF_HEADER] !== '1') throw new DubanError('DUBAN_ERR_CSRF_FORBIDDEN', `the header ${CSRF_HEADER}: 1 is missing`, { where: `header/${CSRF_HEADER}` })
}

const gatePassed = Symbol('duban.gate')

const plugin: FastifyPluginAsync<SecurityOptions> = async (app, opts) => {
  app.decorate('loginThrottle', new LoginThrottle(opts.loginThrottle))
  app.decorate('cookieSecure', { getter: () => opts.cookieSecure ?? 'auto' })

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Element Plus and Swagger UI set style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    // Plain HTTP on a government LAN is legitimate; HSTS is the proxy's business.
    hsts: false,
  })

  // Rate limits on public routes: the onRoute hook below marks them before @fastify/rate-limit reads the mark.
  const windowMs = opts.rateLimit?.windowMs ?? 60_000
  const publicMax = opts.rateLimit?.publicPerMinute ?? 120
  const loginMax = opts.rateLimit?.loginPerMinute ?? 60
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path
    if (url === '/api/health' || !(url.startsWith('/api/') || url.startsWith('/open311/'))) return
    const config = (route.config ?? {}) as { public?: unknown; rateLimit?: unknown }
    // Open311 limits its own routes and answers in the GeoReport error format (open311.plugin.ts).
    if (url.startsWith('/open311/')) return
    const isPublic = url.startsWith('/api/public/') || config.public === true
    if (!isPublic || config.rateLimit !== undefined) return
    // Sign-out is public only so an expired session can end; it is not an attack surface worth a limit.
    if (url === '/api/auth/logout') return
    route.config = { ...config, rateLimit: { max: url === '/api/auth/login' ? loginMax : publicMax, timeWindow: windowMs } } as typeof route.config
  })
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, ctx) =>
      new DubanError('DUBAN_ERR_RATE_LIMITED', `more than ${ctx.max} requests in ${Math.round(windowMs / 1000)} s from this address`, {
        where: 'request',
        details: { retryAfterSeconds: Math.ceil(ctx.ttl / 1000) },
      }),
  })

  // Concurrency per route class, then CSRF, both before the session is looked up.
  const gates = new Map<RouteClass, Gate>()
  for (const cls of Object.keys(DEFAULT_CONCURRENCY) as RouteClass[]) gates.set(cls, new Gate({ ...DEFAULT_CONCURRENCY[cls], ...(opts.concurrency?.[cls] ?? {}) }))
  const release = (request: FastifyRequest): void => {
    const g = (request as unknown as Record<symbol, Gate | undefined>)[gatePassed]
    if (g) {
      ;(request as unknown as Record<symbol, Gate | undefined>)[gatePassed] = undefined
      g.leave()
    }
  }
  // Shedding must cost little: the refusal is a prepared body sent straight away, not a thrown error.
  const shedBody = (e: DubanError): string => JSON.stringify({ error: { code: e.code, message: e.message, messageZh: e.userMessage, where: e.where ?? null, details: e.details } })
  // Event-loop lag: how late the 20 ms tick is, or has been since it last ran (a loop stuck in I/O counts at once).
  const TICK = 20
  const maxLag = opts.maxEventLoopLagMs ?? Number.POSITIVE_INFINITY
  let lastTick = performance.now()
  let lastLag = 0
  const ticker = setInterval(() => {
    if (maxLag === Number.POSITIVE_INFINITY) return
    const now = performance.now()
    lastLag = Math.max(0, now - lastTick - TICK)
    lastTick = now
  }, TICK)
  ticker.unref()
  app.addHook('onClose', async () => clearInterval(ticker))
  const lagNow = (): number => Math.max(lastLag, performance.now() - lastTick - TICK)

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const cls = routeClassOf(request)
    if (cls) {
      const lag = lagNow()
      if (lag > maxLag) {
        return reply.code(503).header('retry-after', '1').type('application/json; charset=utf-8').send(shedBody(overloaded(cls, `event loop ${Math.round(lag / 100) * 100} ms behind`)))
      }
      const gate = gates.get(cls) as Gate
      try {
        await gate.enter(cls)
      } catch (e) {
        if (!(e instanceof DubanError)) throw e
        return reply.code(503).header('retry-after', '1').type('application/json; charset=utf-8').send(shedBody(e))
      }
      ;(request as unknown as Record<symbol, Gate | undefined>)[gatePassed] = gate
    }
    checkCsrf(request)
  })
  app.addHook('onResponse', async (request) => release(request))
  // The document workers end with the server (they start again on the next upload).
  app.addHook('onClose', async () => closeParsePool())
  app.addHook('onRequestAbort', async (request) => release(request))

  app.get('/api/health', { schema: { tags: ['platform'], summary: 'Liveness: answers at once, without the database', response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, uptimeSeconds: { type: 'number' } }, required: ['ok', 'uptimeSeconds'] } } }, config: { public: true } }, async () => ({
    ok: true,
    uptimeSeconds: Math.round(process.uptime()),
  }))
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed sign-ins per account and address (auth.routes.ts). */
    loginThrottle: LoginThrottle
    /** `Secure` on the session cookie. */
    cookieSecure: boolean | 'auto'
  }
}

export default fp(plugin, { name: 'duban-security', dependencies: ['@fastify/cookie'] })
