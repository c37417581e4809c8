/**
 * The security headers are a constant built once (security.plugin.ts SECURITY_HEADERS), no longer helmet rebuilt
 * for every request: the constant must be exactly what helmet 8 set for the options the plugin passed it, and
 * every answer (a route, a 404, an error, a hijacked reply) must carry it, without X-Powered-By.
 */
import Fastify from 'fastify'
import cookie from '@fastify/cookie'
import helmet from 'helmet'
import { describe, expect, it } from 'vitest'
import security, { SECURITY_HEADERS } from '../../src/adapters/http/security.plugin.ts'
import type { Queryable } from '../../src/persistence/db.ts'

/** The options the plugin passed @fastify/helmet before the headers became a constant. */
const FORMER_HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
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
  frameguard: { action: 'deny' as const },
  hsts: false,
}

describe('security headers', () => {
  it('are exactly what helmet set for the options the plugin used to pass it', () => {
    const set: Record<string, string> = {}
    const removed: string[] = []
    const res = { setHeader: (k: string, v: string) => void (set[k] = v), removeHeader: (k: string) => void removed.push(k) }
    helmet(FORMER_HELMET_OPTIONS)({} as never, res as never, () => {})
    expect(SECURITY_HEADERS).toEqual(set)
    expect(removed).toEqual(['X-Powered-By'])
  })

  it('are on every answer: a route, a 404, an error and a hijacked reply, without X-Powered-By', async () => {
    const app = Fastify()
    await app.register(cookie)
    await app.register(security, { db: {} as Queryable })
    app.get('/api/ok', async () => ({ ok: true }))
    app.get('/api/fails', async () => {
      throw new Error('boom')
    })
    app.get('/raw', (_req, reply) => {
      reply.hijack()
      reply.raw.setHeader('X-Powered-By', 'test')
      reply.raw.end('raw')
    })
    await app.ready()
    try {
      for (const url of ['/api/ok', '/api/missing', '/api/fails', '/raw']) {
        const res = await app.inject({ method: 'GET', url })
        for (const [k, v] of Object.entries(SECURITY_HEADERS)) expect(res.headers[k.toLowerCase()], `${url} ${k}`).toBe(v)
        if (url !== '/raw') expect(res.headers['x-powered-by'], url).toBeUndefined()
      }
    } finally {
      await app.close()
    }
  })
})
