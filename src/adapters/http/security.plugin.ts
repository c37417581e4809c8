/**
 * Security at the HTTP edge (安全防护), registered once at the root by server.ts before authentication:
 * - security headers (SECURITY_HEADERS, the set helmet 8 gives for the options we used to pass it): a CSP the web
 *   app and /docs pass (`script-src 'self'`, `frame-ancestors 'none'`, no plugins), `X-Content-Type-Options:
 *   nosniff`, `X-Frame-Options: DENY`; fixed at start and set with one loop per request;
 * - CSRF defence for cookie sessions: an unsafe method (POST, PUT, PATCH, DELETE) carrying the session cookie
 *   and no bearer token must come from this site (Origin, else Referer, naming the request's host) AND carry
 *   the header `X-Duban-Request: 1`, which the web app sends and a cross-site form cannot; bearer-token
 *   requests are exempt (a browser never attaches them on its own). See docs/api.md "CSRF".
 * - overload answered, not queued: a concurrency limit and a bounded queue per route class (public intake,
 *   authenticated reads, writes, exports), sized to what the database serves at once; beyond them 503 with
 *   Retry-After, at once. Admission happens on the raw HTTP request, before Fastify builds its request, routes,
 *   runs a hook or reads the body, and the refusal is a prepared buffer: shedding costs a few microseconds, so
 *   the admitted requests keep the server. A queue that overflows means overload, not a burst: then the
 *   newest waiter is served first and the queue holds no one longer than a few milliseconds, so an admitted
 *   request never waits behind a crowd (see Gate). A client that sends again on a connection before the
 *   Retry-After of its refusal is up is refused again only when it is up (see hold): resending at once then
 *   costs the server one refusal per second per connection, not thousands;
 * - @fastify/rate-limit on every public route under /api (/api/public/*, sign-in): 429 with Retry-After
 *   (Open311 has its own limiter answering in the GeoReport format);
 * - `GET /api/health`, public, outside every limit, answering without touching the database.
 */
import rateLimit from '@fastify/rate-limit'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LoginThrottle, type ThrottleOptions } from '../../app/auth/login-throttle.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Queryable } from '../../persistence/db.ts'
import { closeParsePool } from '../workers/parse-pool.ts'

/** The header the web app sends on every request; a cross-site HTML form cannot set it. */
export const CSRF_HEADER = 'x-duban-request'

/** A route class with its own concurrency limit and queue. */
export type RouteClass = 'public' | 'read' | 'write' | 'export' | 'bulk' | 'intake'

/** Concurrency limit, queue bound and longest wait in the queue of a route class. */
export interface ClassLimit {
  readonly concurrent: number
  readonly queue: number
  readonly maxWaitMs: number
}

/** What the limits are sized for: PostgreSQL, or PGlite with its backend on the event loop or in a worker thread. */
export type DatabaseShape = 'pglite' | 'pglite-worker' | 'pg'

/** The shape of an opened database (Db.thread says where a PGlite backend runs). */
export const databaseShape = (db: { readonly dialect: 'pglite' | 'pg'; readonly thread?: 'main' | 'worker' }): DatabaseShape =>
  db.dialect === 'pg' ? 'pg' : db.thread === 'worker' ? 'pglite-worker' : 'pglite'

/** Options of the security plugin; every field has a production default. */
export interface SecurityOptions {
  /** The database the login lock-outs are kept in (server.ts passes the app's); required. */
  readonly db?: Queryable
  /** The database the limits are sized for (DEFAULT_CONCURRENCY); 'pglite' unless told. */
  readonly dialect?: DatabaseShape
  /** Per route class; missing classes take the defaults of the dialect. */
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

/** PGlite's limits with its backend on the event loop (below: in a worker thread, only the write class differs). */
const PGLITE_LIMITS: Readonly<Record<RouteClass, ClassLimit>> = {
  public: { concurrent: 1, queue: 31, maxWaitMs: 2_000 },
  read: { concurrent: 1, queue: 31, maxWaitMs: 2_000 },
  write: { concurrent: 1, queue: 31, maxWaitMs: 2_000 },
  export: { concurrent: 1, queue: 3, maxWaitMs: 5_000 },
  // Bulk work that commits in chunks (a plan's confirm, confirm-plan.ts) has its own slot, so the one write slot
  // stays free for the reports its chunks interleave with.
  bulk: { concurrent: 1, queue: 3, maxWaitMs: 5_000 },
  // Desk intake is written in groups (receive-ticket.ts): with 1 in flight every ticket was a group of one, and one
  // ticket's statement cost about as much as four together (the statement's own work and its commit, not the rows':
  // PGlite CPU per ticket 8.6 ms alone, 4.9 in fours, 1.9 in sixteens). The tickets waiting for their group do
  // nothing on the loop. docs/tickets.md, "Intake's cost".
  intake: { concurrent: 8, queue: 31, maxWaitMs: 2_000 },
}

/**
 * Per dialect and class, because the limit is what the database serves at once. PGlite on the event loop runs one
 * statement at a time there: a second concurrent request only interleaves with the first and doubles its time, so
 * 1 everywhere but intake; with its backend in a worker thread, writes 2 (below). On `pg` it depends on how much of
 * a request is waiting for PostgreSQL rather than Node's CPU:
 * - reads (GET /api/units, the overload test's route) are nearly all Node work (cached session, serialising
 *   the answer): a second one in flight only queues on the event loop. Measured on a quiet machine, 2 at a
 *   time gave 2.92× the unloaded p99 at 200 connections where 1 gave 1.57× (RELIABILITY.md): 1.
 * - writes wait on PostgreSQL for most of their time (the item locked and read, the event's rows, and COMMIT's
 *   WAL flush, each a round trip to another process on the other core). One at a time, every write ran after
 *   the previous one and both cores were half idle (reports capped near 400 req/s whatever the route, issue
 *   7). Two in flight let one write's Node work (parse, engine, answer) run while the other waits on
 *   PostgreSQL. But a warm progress report or 催办 is one statement whose answer waits mostly on its COMMIT's WAL
 *   flush (fdatasync): replayed alone in one backend at load 14, 0.74 ms of backend CPU in a 5.8 ms statement. With 2
 *   slots at most 2 commits share a flush, and on a quiet machine the slots, not the CPU, set the rate (2026-12-03
 *   08:37: 1,938 reports/s with Node 59% busy and the two cores ~68%). 4 in flight let 4 commits share a flush
 *   (group commit, as pgbench's 16 clients do) and keep Node busy while they wait; each admitted write shares the
 *   loop with at most 3 others (BENCHMARKS.md, "Reports and 催办: four writes in flight").
 * Every class together (1 + 1 + 4 + 1 + 1 = 8 with bulk) stays below the pool's 10 connections (pg.db.ts), so no admitted
 * request waits for a connection. The queues take a burst (a browser opening a page, a dozen writes racing)
 * in order; a queue that overflows means overload, and then it stops being a queue for old requests (see Gate).
 */
export const DEFAULT_CONCURRENCY: Readonly<Record<DatabaseShape, Readonly<Record<RouteClass, ClassLimit>>>> = {
  pglite: PGLITE_LIMITS,
  // PGlite with its backend in a worker thread (pglite-thread.ts; `duban serve`'s default since 2026-12-04). The
  // backend still runs one transaction at a time (a lock on the main thread), but a second admitted write's HTTP work
  // (parse, session, validation, answer) now runs on the main thread while the first one's statements run in the
  // worker, on the other core: progress reports 1,008–1,025 req/s against 852–855 with the backend on the main thread
  // and 1 write (quiet machine, B A A B; BENCHMARKS.md, "PGlite: the backend in a worker, two writes in flight").
  // With the backend on the main thread a second write only interleaves with the first, so there it stays 1.
  'pglite-worker': { ...PGLITE_LIMITS, write: { ...PGLITE_LIMITS.write, concurrent: 2 } },
  pg: {
    public: { concurrent: 1, queue: 31, maxWaitMs: 2_000 },
    read: { concurrent: 1, queue: 31, maxWaitMs: 2_000 },
    write: { concurrent: 4, queue: 31, maxWaitMs: 2_000 },
    export: { concurrent: 1, queue: 3, maxWaitMs: 5_000 },
    bulk: { concurrent: 1, queue: 3, maxWaitMs: 5_000 },
    // Desk intake (POST /api/tickets) is written in groups (receive-ticket.ts): one statement, one connection and one
    // COMMIT per group, and the tickets waiting for their group hold no connection. With 2 in flight groups were of
    // one ticket; 8 made groups of about 4 in `peer` (tickets per transaction from item xmin, interleaved runs:
    // BENCHMARKS.md, "Intake in groups over HTTP"); 16 made groups of about 8 (peer's 16 connections: one group
    // written while the next gathers), with less PostgreSQL CPU per ticket and more tickets per second than 8 in
    // interleaved runs (BENCHMARKS.md, "Write slots, calendar by day number, intake groups"); 32 gave the same groups.
    intake: { concurrent: 16, queue: 31, maxWaitMs: 2_000 },
  },
}

/**
 * Overload, as opposed to a burst (after Facebook's adaptive LIFO and CoDel's short target wait): a request
 * found the queue full. For OVERLOAD_HOLD_MS after that, the newest waiter is admitted first, a waiter older
 * than OVERLOAD_WAIT_MS is refused (503) and a full queue makes room by refusing its oldest: an admitted
 * request then never carries a wait behind a crowd, and the refused ones learn it within milliseconds. A
 * queue that stands without overflowing (a few closed-loop writers) is served in order, as a burst is.
 */
export const OVERLOAD_HOLD_MS = 1_000
export const OVERLOAD_WAIT_MS = 5

/** The Retry-After of a refusal (ms; sent in seconds). */
export const RETRY_AFTER_MS = 1_000
/**
 * A connection's next request counts as sent too early if it comes before its refusal + RETRY_AFTER_MS − this
 * (the client's timer starts when it has read the refusal, after the server wrote it; the slack keeps a client
 * that waited from being taken for one that did not).
 */
export const RETRY_AFTER_SLACK_MS = 50

/**
 * The security headers of every answer: what helmet 8 (through @fastify/helmet 13) set for the options this plugin
 * passed it — a CSP of our own (no defaults), `X-Frame-Options: DENY`, no HSTS (plain HTTP on a government LAN is
 * legitimate; HSTS is the proxy's business) — and helmet's other defaults. Fixed values, so they are built once.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    // Element Plus and Swagger UI set style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join(';'),
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
})
const SECURITY_HEADER_LIST: readonly (readonly [string, string])[] = Object.entries(SECURITY_HEADERS)

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Writes that commit in chunks of short transactions (class 'bulk'): a plan's confirm. */
const BULK_PATH = /^\/api\/plans\/[^/]+\/confirm$/

/** Public routes outside /api/public and /open311 (checked against `config.public` at start, see onRoute). */
const PUBLIC_PATHS = new Set(['/api/auth/login', '/api/auth/logout'])

/**
 * The class of a request from its method and path alone (the raw request, before routing), or null for what
 * no limit applies to (health, the web app's files, /docs).
 */
export function routeClassOfPath(method: string, url: string): RouteClass | null {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  if (path.startsWith('/open311/') || path.startsWith('/api/public/') || PUBLIC_PATHS.has(path)) return 'public'
  if (!path.startsWith('/api/') || path === '/api/health') return null
  if (path.startsWith('/api/exports/')) return 'export'
  if (method === 'POST' && BULK_PATH.test(path)) return 'bulk'
  if (method === 'POST' && path === '/api/tickets') return 'intake'
  return UNSAFE.has(method) ? 'write' : 'read'
}

/** The class of a request, or null for what no limit applies to (health, the web app's files, /docs). */
export function routeClassOf(request: FastifyRequest): RouteClass | null {
  return routeClassOfPath(request.method, request.url)
}

interface Waiter {
  readonly at: number
  readonly admit: () => void
  readonly refuse: (why: string) => void
}

/** A counting gate with a bounded queue: in order for a burst, newest first and no old waiters under overload. */
export class Gate {
  active = 0
  private readonly waiting: Waiter[] = []
  /** Overloaded until then. */
  private overloadUntil = 0
  private timer: NodeJS.Timeout | null = null
  constructor(readonly limit: ClassLimit) {}

  /** True while overloaded: the queue overflowed within the last OVERLOAD_HOLD_MS. */
  overloaded(now = performance.now()): boolean {
    return now < this.overloadUntil
  }

  /**
   * Admits at once (true), queues ('queued': admit or refuse is called later, exactly once), or refuses at
   * once (false).
   */
  enter(admit: () => void, refuse: (why: string) => void): boolean | 'queued' {
    if (this.active < this.limit.concurrent) {
      this.active++
      return true
    }
    if (this.limit.queue <= 0) return false
    const now = performance.now()
    if (this.overloaded(now)) this.dropOld(now)
    if (this.waiting.length >= this.limit.queue) {
      this.overloadUntil = now + OVERLOAD_HOLD_MS
      this.dropOld(now)
      // Still full: the oldest waiter makes room (the newest is the one served first now).
      if (this.waiting.length >= this.limit.queue) (this.waiting.shift() as Waiter).refuse('overloaded')
    }
    this.waiting.push({ at: now, admit, refuse })
    this.arm()
    return 'queued'
  }

  /** A slot is free: hand it to a waiter (newest when overloaded, else oldest) or give it back. */
  leave(): void {
    const now = performance.now()
    const over = this.overloaded(now)
    if (over) this.dropOld(now)
    const next = over ? this.waiting.pop() : this.waiting.shift()
    if (next) next.admit() // the slot passes straight on
    else this.active--
  }

  private dropOld(now: number): void {
    while (this.waiting.length > 0 && now - (this.waiting[0] as Waiter).at > OVERLOAD_WAIT_MS) (this.waiting.shift() as Waiter).refuse('overloaded')
  }

  /** One timer for the queue: refuses waiters past maxWaitMs (slots held by slow requests). */
  private arm(): void {
    if (this.timer || this.waiting.length === 0) return
    const oldest = (this.waiting[0] as Waiter).at
    this.timer = setTimeout(() => {
      this.timer = null
      const now = performance.now()
      while (this.waiting.length > 0 && now - (this.waiting[0] as Waiter).at >= this.limit.maxWaitMs) (this.waiting.shift() as Waiter).refuse(`waited ${this.limit.maxWaitMs} ms`)
      this.arm()
    }, Math.max(1, this.limit.maxWaitMs - (performance.now() - oldest)))
    this.timer.unref()
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
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
/** Set on a raw request the server-level admission let through (the onRequest hook then does not count it again). */
const rawAdmitted = Symbol('duban.admitted')

const plugin: FastifyPluginAsync<SecurityOptions> = async (app, opts) => {
  if (!opts.db) throw new Error('security.plugin: the db option is required (login lock-outs live in the database)')
  app.decorate('loginThrottle', new LoginThrottle(opts.db, opts.loginThrottle))
  app.decorate('cookieSecure', { getter: () => opts.cookieSecure ?? 'auto' })

  // The security headers, set on the raw response as helmet did (so a hijacked or streamed reply has them too).
  // @fastify/helmet called helmet(options) for every request, rebuilding its eleven middlewares and the CSP
  // string each time (1.8% of the server's samples in a progress-report load, docs/write-path.md).
  app.addHook('onRequest', (_request, reply, done) => {
    const res = reply.raw
    for (let k = 0; k < SECURITY_HEADER_LIST.length; k++) {
      const h = SECURITY_HEADER_LIST[k]!
      res.setHeader(h[0], h[1])
    }
    res.removeHeader('X-Powered-By')
    done()
  })

  // Rate limits on public routes: the onRoute hook below marks them before @fastify/rate-limit reads the mark.
  const windowMs = opts.rateLimit?.windowMs ?? 60_000
  const publicMax = opts.rateLimit?.publicPerMinute ?? 120
  const loginMax = opts.rateLimit?.loginPerMinute ?? 60
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path
    if (url === '/api/health' || !(url.startsWith('/api/') || url.startsWith('/open311/'))) return
    const config = (route.config ?? {}) as { public?: unknown; rateLimit?: unknown }
    // Admission classifies raw requests by path alone: a public route it would count as 'read'/'write' is a bug.
    if (config.public === true && routeClassOfPath('GET', url) !== 'public') throw new Error(`security.plugin: public route ${url} is not in PUBLIC_PATHS (routeClassOfPath)`)
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
  const dialect = opts.dialect ?? 'pglite'
  const gates = new Map<RouteClass, Gate>()
  for (const cls of Object.keys(DEFAULT_CONCURRENCY[dialect]) as RouteClass[]) gates.set(cls, new Gate({ ...DEFAULT_CONCURRENCY[dialect][cls], ...(opts.concurrency?.[cls] ?? {}) }))
  app.addHook('onClose', async () => gates.forEach((g) => g.close()))

  // Shedding must cost little: the refusal is a prepared buffer per class and reason, written straight to the
  // raw response (no Fastify request, no hooks, no serialiser).
  const shedBuffers = new Map<string, Buffer>()
  const shedBody = (cls: RouteClass, why: string): Buffer => {
    const key = `${cls}|${why}`
    let b = shedBuffers.get(key)
    if (!b) {
      const e = overloaded(cls, why)
      b = Buffer.from(JSON.stringify({ error: { code: e.code, message: e.message, messageZh: e.userMessage, where: e.where ?? null, field: e.field, details: e.details } }))
      shedBuffers.set(key, b)
    }
    return b
  }
  // Each refusal opens a Retry-After window for its connection and client (see RETRY_AFTER_MS, hold). The client
  // is the X-Forwarded-For a proxy sent, if any: a proxy's pooled connection carries several clients' requests
  // in turn, and one client's refusal must not hold the next one's request. (A client that varies the header
  // itself only escapes the hold, back to one refusal per request.)
  const windows = new WeakMap<Socket, Map<string, number>>()
  const clientOf = (req: IncomingMessage): string => String(req.headers['x-forwarded-for'] ?? '')
  const shedRaw = (res: ServerResponse, cls: RouteClass, why: string): void => {
    if (res.headersSent || res.destroyed) return
    const body = shedBody(cls, why)
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'retry-after': String(RETRY_AFTER_MS / 1000), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    res.end(body)
    const socket = res.req.socket
    if (!socket) return
    const now = performance.now()
    let w = windows.get(socket)
    if (!w) windows.set(socket, (w = new Map()))
    if (w.size >= 16) for (const [k, until] of w) if (until <= now) w.delete(k)
    if (w.size < 256) w.set(clientOf(res.req), now + RETRY_AFTER_MS - RETRY_AFTER_SLACK_MS)
  }
  /**
   * A request that came on a connection before the Retry-After of its last refusal was up: the client did not
   * wait. It is refused again, but only when that time is up, so a client resending at once costs the server
   * one parse and one refusal per Retry-After instead of thousands a second (the admitted requests would
   * otherwise wait behind that work, 7–22× their unloaded p99). Nothing is counted against a gate meanwhile; a
   * client that leaves takes its timer with it.
   */
  const hold = (res: ServerResponse, cls: RouteClass, waitMs: number): void => {
    const timer = setTimeout(() => shedRaw(res, cls, 'sent again before Retry-After'), waitMs)
    res.once('close', () => clearTimeout(timer))
  }

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
  const lagNow = (): number => (maxLag === Number.POSITIVE_INFINITY ? 0 : Math.max(lastLag, performance.now() - lastTick - TICK))
  const lagReason = (lag: number): string | null => (lag > maxLag ? `event loop ${Math.round(lag / 100) * 100} ms behind` : null)

  // Admission on the raw request: Fastify's handler is the listener of the server's 'request' event (set when
  // the instance was made); it is wrapped so that a refused request never reaches it. Requests made with
  // `inject()` do not pass the server; the onRequest hook below admits those through the same gates.
  const server = app.server as Server | undefined
  const handlers = (server?.listeners('request') ?? []) as ((req: IncomingMessage, res: ServerResponse) => void)[]
  if (server && handlers.length > 0) {
    server.removeAllListeners('request')
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const cls = routeClassOfPath(req.method ?? 'GET', req.url ?? '/')
      const pass = (): void => {
        for (const h of handlers) h.call(server, req, res)
      }
      if (!cls) return pass()
      const w = windows.get(req.socket)
      const until = w?.get(clientOf(req))
      if (until !== undefined) {
        const wait = until - performance.now()
        if (wait > 0) return hold(res, cls, wait)
        w?.delete(clientOf(req))
      }
      const lagged = lagReason(lagNow())
      if (lagged) return shedRaw(res, cls, lagged)
      const gate = gates.get(cls) as Gate
      const admit = (): void => {
        if (res.destroyed || req.destroyed) return gate.leave() // the client left while waiting
        ;(req as unknown as Record<symbol, boolean>)[rawAdmitted] = true
        let left = false
        res.once('close', () => {
          if (!left) gate.leave()
          left = true
        })
        // Run it after this round of socket reads: PGlite answers a request within one callback (its queries
        // resolve without real I/O), so run at once it would hold back the reading of the other sockets, whose
        // requests would then wait unseen in the kernel instead of meeting the gate.
        setImmediate(pass)
      }
      const entered = gate.enter(admit, (why) => shedRaw(res, cls, why))
      if (entered === true) admit()
      else if (entered === false) shedRaw(res, cls, 'queue full')
    })
  }

  const release = (request: FastifyRequest): void => {
    const g = (request as unknown as Record<symbol, Gate | undefined>)[gatePassed]
    if (g) {
      ;(request as unknown as Record<symbol, Gate | undefined>)[gatePassed] = undefined
      g.leave()
    }
  }
  // Requests made with inject() (no raw admission) wait for their gate here; a 503 is sent from this hook.
  const admitHere = async (request: FastifyRequest, reply: FastifyReply, cls: RouteClass): Promise<void> => {
    const lagged = lagReason(lagNow())
    const gate = gates.get(cls) as Gate
    const why = lagged ?? (await new Promise<string | null>((resolve) => {
      const entered = gate.enter(() => resolve(null), resolve)
      if (entered === true) resolve(null)
      else if (entered === false) resolve('queue full')
    }))
    if (why) {
      reply.code(503).header('retry-after', '1').header('cache-control', 'no-store').type('application/json; charset=utf-8').send(shedBody(cls, why))
      return
    }
    ;(request as unknown as Record<symbol, Gate | undefined>)[gatePassed] = gate
    checkCsrf(request)
  }
  // Callback style: a request the server admitted (every real one) passes with no promise and no microtask; a
  // CSRF refusal thrown here reaches Fastify's error handler as from an async hook.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const cls = (request.raw as unknown as Record<symbol, boolean>)[rawAdmitted] ? null : routeClassOf(request)
    if (!cls) {
      checkCsrf(request)
      return done()
    }
    admitHere(request, reply, cls).then(() => done(), done)
  })
  app.addHook('onResponse', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    release(request)
    done()
  })
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
    /** Failed sign-ins per account and address, kept in the database (auth.routes.ts). */
    loginThrottle: LoginThrottle
    /** `Secure` on the session cookie. */
    cookieSecure: boolean | 'auto'
  }
}

export default fp(plugin, { name: 'duban-security', dependencies: ['@fastify/cookie'] })
