/** Sign in, sign out, who am I (登录 / 退出 / 当前用户). */
import type { RoutePlugin } from './routes.ts'
import { dataScopeOf, login, logout, sessionFor } from '../../app/auth/session.ts'
import { DATA_SCOPE_LABELS } from '../../domain/users/data-scope.ts'
import { requireActor, requireRole } from './auth.ts'
import { SESSION_COOKIE, tokenOf } from './auth.plugin.ts'
import { loginSchema, logoutSchema, meSchema, unlockSchema } from './auth.schema.ts'
import { DubanError } from '../../domain/errors.ts'
import { appendAudit } from '../../app/audit/append-audit.ts'

/** The readable companion of the session cookie (no secret in it). */
const SIGNED_IN_COOKIE = 'duban_signed_in'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.post<{ Body: { username: string; password: string } }>('/auth/login', { schema: loginSchema, config: { public: true } }, async (request, reply) => {
    // Each attempt is counted before the password is looked at; locked accounts and addresses are refused
    // (429 with Retry-After), so parallel guesses get at most the limit verified.
    const now = deps.clock.now().getTime()
    const admission = await app.loginThrottle.admit(request.body.username, request.ip, now)
    let session: Awaited<ReturnType<typeof login>>
    try {
      session = await login(deps, { ...request.body, address: request.ip }, app.sessionTtlMs)
    } catch (e) {
      if (e instanceof DubanError && e.code === 'DUBAN_ERR_LOGIN_FAILED') await app.loginThrottle.fail(now)
      throw e
    }
    await app.loginThrottle.succeed(request.body.username, admission)
    const { token, user, expiresAt } = session
    // 'auto': Secure when the request came over HTTPS (behind a proxy only with --trust-proxy).
    const secure = app.cookieSecure === 'auto' ? request.protocol === 'https' : app.cookieSecure
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt })
    // Not a secret: tells the web app a session cookie exists (it cannot read the HttpOnly one).
    reply.setCookie(SIGNED_IN_COOKIE, '1', { path: '/', httpOnly: false, sameSite: 'lax', secure, expires: expiresAt })
    return { token, user, expiresAt: expiresAt.toISOString() }
  })

  app.post<{ Body: { username?: string; address?: string } }>('/auth/unlock', { schema: unlockSchema }, async (request) => {
    const admin = requireRole(request, 'admin')
    const at = deps.clock.now()
    const result = await app.loginThrottle.unlock(request.body, at.getTime())
    await deps.db.transaction((tx) => appendAudit(tx, { actorId: admin.userId, action: 'user.unlock', entity: 'user', entityId: request.body.username ?? request.body.address ?? null, at }))
    return result
  })

  app.post('/auth/logout', { schema: logoutSchema, config: { public: true } }, async (request, reply) => {
    const token = tokenOf(request)
    if (token) await logout(deps, token, request.actor?.userId ?? null)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    reply.clearCookie(SIGNED_IN_COOKIE, { path: '/' })
    return reply.status(204).send()
  })

  app.get('/me', { schema: meSchema }, async (request) => {
    const actor = requireActor(request)
    const found = await sessionFor(deps, tokenOf(request) as string)
    const scope = found ? await dataScopeOf(deps.db, found.user) : null
    return { user: found?.user, scopeUnitIds: actor.scopeUnitIds, ...(scope ? { dataScope: { ...scope, label: DATA_SCOPE_LABELS[scope.mode] } } : {}) }
  })
}

export default plugin
