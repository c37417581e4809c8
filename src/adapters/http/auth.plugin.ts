/**
 * Authentication (认证) for every request: a bearer token (`Authorization: Bearer …`) or the
 * `duban_session` cookie is looked up as a session and sets `request.actor` (null when absent,
 * unknown or expired). `requireSignIn` is the gate server.ts puts on every /api route: it answers 401
 * in `onRequest`, before the body is parsed or validated, so an anonymous caller learns nothing about
 * the API's shapes. Routes anyone may call say so with `config: { public: true }` (sign in, sign out);
 * roles and data scope are still checked by the routes (requireRole) after validation.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AppDeps } from '../../app/deps.ts'
import { cachedSessionFor, sessionFor } from '../../app/auth/session.ts'
import { DubanError } from '../../domain/errors.ts'
import './auth.ts'

/** The cookie that carries the session token for the web app. */
export const SESSION_COOKIE = 'duban_session'

/** The token a request carries, bearer header first, then cookie. */
export function tokenOf(request: FastifyRequest): string | null {
  const h = request.headers.authorization
  if (typeof h === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h)
    if (m?.[1]) return m[1]
  }
  const c = request.cookies?.[SESSION_COOKIE]
  return c ? c : null
}

const plugin: FastifyPluginAsync<{ deps: AppDeps; sessionTtlMs?: number | undefined }> = async (app, { deps, sessionTtlMs }) => {
  app.decorateRequest('actor', null)
  app.decorate('sessionTtlMs', sessionTtlMs)
  // Callback style: a request whose session is cached (nearly all) passes without a promise or a microtask.
  app.addHook('onRequest', (request, _reply, done) => {
    request.actor = null
    const token = tokenOf(request)
    if (!token) return done()
    const cached = cachedSessionFor(deps, token)
    if (cached) {
      request.actor = cached.actor
      return done()
    }
    sessionFor(deps, token).then((found) => {
      if (found) request.actor = found.actor
      done()
    }, done)
  })
}

/** True for a route declared `config: { public: true }`. */
export function isPublicRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { public?: unknown } | undefined)?.public === true
}

/** onRequest hook: a 401 for a request without a valid session, unless the route is public (callback style: no promise). */
export function requireSignIn(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  if (!request.actor && !isPublicRoute(request)) return done(new DubanError('DUBAN_ERR_UNAUTHENTICATED'))
  done()
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Callable without signing in (checked by requireSignIn). */
    public?: boolean
  }
  interface FastifyInstance {
    /** Session lifetime configured at start (undefined = the default). */
    sessionTtlMs: number | undefined
  }
}

export default fp(plugin, { name: 'duban-auth', dependencies: ['@fastify/cookie'] })
