/** The web plugin (网页端托管): built files, the app's page for its own routes, the API's 404 kept as JSON. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { installErrorHandlers } from '../../src/adapters/http/errors.ts'
import webPlugin from '../../src/adapters/http/web.plugin.ts'

let app: FastifyInstance | null = null
let dir: string | null = null

async function start(root: string): Promise<FastifyInstance> {
  app = Fastify()
  installErrorHandlers(app)
  app.get('/api/ping', async () => ({ ok: true }))
  await app.register(webPlugin, { root })
  await app.ready()
  return app
}

afterEach(async () => {
  await app?.close()
  app = null
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = null
})

describe('web plugin', () => {
  it('says to run npm run build:web when there is no build', async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-web-none-'))
    const a = await start(join(dir, 'dist'))
    const r = await a.inject({ method: 'GET', url: '/' })
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toContain('text/plain')
    expect(r.body).toContain('npm run build:web')
    expect((await a.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ ok: true })
  })

  describe('with a build', () => {
    async function built(): Promise<FastifyInstance> {
      dir = mkdtempSync(join(tmpdir(), 'duban-web-dist-'))
      mkdirSync(join(dir, 'assets'))
      writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>')
      writeFileSync(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)')
      return start(dir)
    }

    it('serves index.html at / and for the app routes (history mode), never cached', async () => {
      const a = await built()
      for (const url of ['/', '/ledger', '/items/3f2a?tab=reports', '/plans/import']) {
        const r = await a.inject({ method: 'GET', url })
        expect([url, r.statusCode, r.body]).toEqual([url, 200, '<!doctype html><div id="app"></div>'])
        expect(r.headers['cache-control']).toBe('no-cache')
      }
    })

    it('serves hashed assets with a long cache', async () => {
      const a = await built()
      const r = await a.inject({ method: 'GET', url: '/assets/main-abc123.js' })
      expect(r.statusCode).toBe(200)
      expect(r.body).toBe('console.log(1)')
      expect(r.headers['cache-control']).toContain('immutable')
    })

    it('serves the files of a build made while it runs, and a 404 (not the page) for a missing asset', async () => {
      const a = await built()
      // npm run build:web while the server runs: new hashed names, unknown when the routes were registered.
      writeFileSync(join(dir!, 'assets', 'main-def456.js'), 'console.log(2)')
      const fresh = await a.inject({ method: 'GET', url: '/assets/main-def456.js' })
      expect([fresh.statusCode, fresh.body]).toEqual([200, 'console.log(2)'])
      expect(fresh.headers['content-type']).toContain('javascript')
      expect(fresh.headers['cache-control']).toContain('immutable')
      for (const url of ['/assets/gone-000000.js', '/assets/', '/assets/sub']) {
        const r = await a.inject({ method: 'GET', url })
        expect([url, r.statusCode, r.json().error.code]).toEqual([url, 404, 'DUBAN_ERR_NOT_FOUND'])
      }
      // A path that climbs out of assets/ names no asset: the app's page, never a file outside the build.
      const climb = await a.inject({ method: 'GET', url: '/assets/%2e%2e/index.html' })
      expect([climb.statusCode, climb.body]).toEqual([200, '<!doctype html><div id="app"></div>'])
    })

    it('keeps the JSON 404 for unknown API and docs paths', async () => {
      const a = await built()
      for (const url of ['/api/nope', '/api', '/docs/nope']) {
        const r = await a.inject({ method: 'GET', url })
        expect([url, r.statusCode]).toEqual([url, 404])
        expect(r.json().error.code).toBe('DUBAN_ERR_NOT_FOUND')
      }
      expect((await a.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ ok: true })
    })
  })
})
