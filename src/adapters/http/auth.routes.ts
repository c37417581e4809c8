/** Sign in, sign out, who am I (登录 / 退出 / 当前用户). */
import type { RoutePlugin } from './routes.ts'
import { login, logout, sessionFor } from '../../app/auth/session.ts'
import { requireActor } from './auth.ts'
import { SESSION_COOKIE, tokenOf } from './auth.plugin.ts'
import { loginSchema, logoutSchema, meSchema } from './auth.schema.ts'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.post<{ Body: { username: string; password: string } }>('/auth/login', { schema: loginSchema, config: { public: true } }, async (request, reply) => {
    const { token, user, expiresAt } = await login(deps, request.body, app.sessionTtlMs)
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      expires: expiresAt,
    })
    return { token, user, expiresAt: expiresAt.toISOString() }
  })

  app.post('/auth/logout', { schema: logoutSchema, config: { public: true } }, async (request, reply) => {
    const token = tokenOf(request)
    if (token) await logout(deps, token, request.actor?.userId ?? null)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.status(204).send()
  })

  app.get('/me', { schema: meSchema }, async (request) => {
    const actor = requireActor(request)
    const found = await sessionFor(deps, tokenOf(request) as string)
    return { user: found?.user, scopeUnitIds: actor.scopeUnitIds }
  })
}

export default plugin
