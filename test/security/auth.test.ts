/**
 * Issue 11, finding 4 and 5: authentication that holds up. Login lock-out per account and per address with
 * Retry-After and an admin unlock; unknown users answered in the time of a wrong password; CSRF refused for
 * cookie sessions from another site; Secure cookie behind a trusted HTTPS proxy; security headers on the
 * API, the web app and /docs; attachments downloaded with a sniffed type; webhooks to private ranges refused.
 * Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from '../http/supervision-fixture.ts'
import { multipartBody } from '../http/plans.fixture.ts'

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

for (const dialect of testDialects()) {
  describe(`authentication hardening (${dialect})`, () => {
    let t: TestApp
    let admin: string
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

    beforeAll(async () => {
      t = await startTestApp(dialect, { trustProxy: true, security: { loginThrottle: { perAccount: 3, perAddress: 8, lockMs: 60_000 } } })
      await t.seedUsers()
      admin = await t.login('admin')
      await insertItem(t.db, { id: 'att1', title: '附件测试', due: '2026-06-30', lead: 'sjj' })
    }, 600_000)
    afterAll(async () => t?.close())

    const attempt = (username: string, password: string, ip = '10.1.1.1') =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers: { 'x-forwarded-for': ip } })

    it('locks an account after 3 failures, refuses even the right password with 429 and Retry-After, and an admin unlocks it', async () => {
      for (let i = 0; i < 3; i++) expect((await attempt('supervisor', 'wrong-password')).statusCode).toBe(401)
      const locked = await attempt('supervisor', TEST_PASSWORD)
      expect(locked.statusCode).toBe(429)
      expect(locked.json().error.code).toBe('DUBAN_ERR_LOGIN_LOCKED')
      expect(locked.json().error.message).toMatch(/try again after 20\d\d-/)
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
      // Not an admin: 403; the admin: unlocked, and the right password works again.
      const liaison = await t.login('liaison-dh')
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/unlock', headers: bearer(liaison), payload: { username: 'supervisor' } })).statusCode).toBe(403)
      const unlock = await t.app.inject({ method: 'POST', url: '/api/auth/unlock', headers: bearer(admin), payload: { username: 'supervisor' } })
      expect(unlock.json()).toEqual({ account: true, address: false })
      expect((await attempt('supervisor', TEST_PASSWORD)).statusCode).toBe(200)
      // The lock lifts by itself after its time.
      for (let i = 0; i < 3; i++) await attempt('leader', 'wrong-password', '10.9.9.9')
      expect((await attempt('leader', TEST_PASSWORD, '10.9.9.9')).statusCode).toBe(429)
      t.clock.advance(61_000)
      expect((await attempt('leader', TEST_PASSWORD, '10.9.9.9')).statusCode).toBe(200)
    })

    it('locks an address spraying many accounts', async () => {
      for (let i = 0; i < 8; i++) await attempt(`ghost-${i}`, 'wrong-password', '10.2.2.2')
      const res = await attempt('admin', TEST_PASSWORD, '10.2.2.2')
      expect(res.statusCode).toBe(429)
      expect(res.json().error.details.scope).toBe('address')
      expect((await attempt('admin', TEST_PASSWORD, '10.3.3.3')).statusCode).toBe(200)
      await t.app.inject({ method: 'POST', url: '/api/auth/unlock', headers: bearer(admin), payload: { address: '10.2.2.2' } })
      expect((await attempt('admin', TEST_PASSWORD, '10.2.2.2')).statusCode).toBe(200)
    })

    it('answers an unknown user in the time of a wrong password (argon2 against a dummy hash)', async () => {
      const time = async (username: string, i: number): Promise<number> => {
        const t0 = performance.now()
        const res = await attempt(username, 'wrong-password', `10.50.${i}.1`)
        expect(res.statusCode).toBe(401)
        return performance.now() - t0
      }
      await time('nobody-warmup', 0)
      const unknown: number[] = []
      const wrong: number[] = []
      for (let i = 1; i <= 8; i++) {
        unknown.push(await time(`nobody-${i}`, i))
        wrong.push(await time('liaison-jb', 100 + i))
        await t.app.loginThrottle.succeed('liaison-jb') // keep the account below its lock-out
      }
      const ratio = median(unknown) / median(wrong)
      process.stdout.write(`[security] login timing (${dialect}): unknown user median ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms, ratio ${ratio.toFixed(2)}\n`)
      expect(ratio).toBeGreaterThan(0.5)
      expect(ratio).toBeLessThan(2)
    })

    it('refuses cookie-authenticated changes from another site, accepts the web app and bearer tokens', async () => {
      const login = await attempt('liaison-sjj', TEST_PASSWORD, '10.4.4.4')
      const cookie = login.cookies.find((c) => c.name === 'duban_session')?.value as string
      const url = '/api/items/att1/reports'
      const body = JSON.stringify({ text: '跨站伪造' })
      // The probe: text/plain with only the cookie and a foreign Origin.
      const plain = await t.app.inject({ method: 'POST', url, payload: body, cookies: { duban_session: cookie }, headers: { origin: 'https://evil.example', 'content-type': 'text/plain' } })
      expect(plain.statusCode).toBe(403)
      const foreign = await t.app.inject({ method: 'POST', url, payload: body, cookies: { duban_session: cookie }, headers: { origin: 'https://evil.example', 'content-type': 'application/json', 'x-duban-request': '1' } })
      expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, 'DUBAN_ERR_CSRF_FORBIDDEN'])
      const noHeader = await t.app.inject({ method: 'POST', url, payload: body, cookies: { duban_session: cookie }, headers: { origin: 'http://localhost:80', host: 'localhost:80', 'content-type': 'application/json' } })
      expect(noHeader.statusCode).toBe(403)
      const upload = multipartBody({ name: 'a.txt', mime: 'text/plain', content: Buffer.from('x') })
      const multipart = await t.app.inject({ method: 'POST', url: '/api/items/att1/attachments', payload: upload.payload, cookies: { duban_session: cookie }, headers: { ...upload.headers, origin: 'https://evil.example' } })
      expect(multipart.statusCode).toBe(403)
      const app = await t.app.inject({ method: 'POST', url, payload: body, cookies: { duban_session: cookie }, headers: { host: 'duban.local', origin: 'http://duban.local', 'content-type': 'application/json', 'x-duban-request': '1' } })
      expect(app.statusCode, app.body).toBe(200)
      const viaBearer = await t.app.inject({ method: 'POST', url, payload: { text: 'bearer' }, headers: { ...bearer(login.json().token), origin: 'https://elsewhere.example' } })
      expect(viaBearer.statusCode).toBe(200)
      // Public intake never acts on the session: a signed-in browser may still use the citizen page's plain fetch.
      const pub = await t.app.inject({ method: 'POST', url: '/api/public/tickets', payload: {}, cookies: { duban_session: cookie } })
      expect(pub.statusCode).toBe(400)
      const foreignLogin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: TEST_PASSWORD }, cookies: { duban_session: cookie }, headers: { origin: 'https://evil.example' } })
      expect(foreignLogin.statusCode).toBe(403)
      // Reads need no header.
      expect((await t.app.inject({ method: 'GET', url: '/api/me', cookies: { duban_session: cookie } })).statusCode).toBe(200)
    })

    it('sets Secure on the session cookie behind a trusted HTTPS proxy, not over plain HTTP', async () => {
      const https = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } })
      expect(https.cookies.find((c) => c.name === 'duban_session')?.secure).toBe(true)
      const http = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: TEST_PASSWORD } })
      expect(http.cookies.find((c) => c.name === 'duban_session')?.secure).toBeFalsy()
    })

    it('sends security headers on the API, the web app and /docs', async () => {
      for (const url of ['/api/health', '/', '/docs/static/index.html']) {
        const res = await t.app.inject({ method: 'GET', url })
        expect(res.statusCode, url).toBeLessThan(400)
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['x-frame-options']).toBe('DENY')
        expect(String(res.headers['content-security-policy'])).toMatch(/frame-ancestors 'none'/)
        expect(String(res.headers['content-security-policy'])).toMatch(/script-src 'self'/)
      }
      expect((await t.app.inject({ method: 'GET', url: '/api/health' })).json().ok).toBe(true)
    })

    it('serves an uploaded HTML file as a download typed from its content, never text/html', async () => {
      const token = await t.login('liaison-sjj')
      const upload = multipartBody({ name: 'x.html', mime: 'text/html', content: Buffer.from('<html><script>alert(1)</script></html>') })
      const up = await t.app.inject({ method: 'POST', url: '/api/items/att1/attachments', payload: upload.payload, headers: { ...upload.headers, ...bearer(token) } })
      expect(up.statusCode, up.body).toBe(201)
      const res = await t.app.inject({ method: 'GET', url: `/api/items/att1/attachments/${up.json().id}`, headers: bearer(token) })
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(String(res.headers['content-disposition'])).toMatch(/^attachment;/)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      const png = multipartBody({ name: 'evil.html', mime: 'text/html', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]) })
      const up2 = await t.app.inject({ method: 'POST', url: '/api/items/att1/attachments', payload: png.payload, headers: { ...png.headers, ...bearer(token) } })
      const res2 = await t.app.inject({ method: 'GET', url: `/api/items/att1/attachments/${up2.json().id}`, headers: bearer(token) })
      expect(res2.headers['content-type']).toBe('image/png')
    })

    it('refuses webhooks to loopback and private addresses unless an administrator allows the range', async () => {
      const saved = process.env.DUBAN_WEBHOOK_ALLOW_NETS
      delete process.env.DUBAN_WEBHOOK_ALLOW_NETS
      try {
        for (const url of ['http://127.0.0.1:9/hook', 'http://localhost/hook', 'http://10.0.0.5/hook', 'http://192.168.1.1/x', 'http://[::1]/x', 'http://169.254.169.254/latest']) {
          const res = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: bearer(admin), payload: { url, eventTypes: ['notice.issued'] } })
          expect([url, res.statusCode, res.json().error.where]).toEqual([url, 400, 'url'])
        }
        expect((await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: bearer(admin), payload: { url: 'https://hooks.example.com/duban', eventTypes: ['notice.issued'] } })).statusCode).toBe(201)
        process.env.DUBAN_WEBHOOK_ALLOW_NETS = '10.0.0.0/24'
        expect((await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: bearer(admin), payload: { url: 'http://10.0.0.5/hook', eventTypes: ['notice.issued'] } })).statusCode).toBe(201)
        expect((await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: bearer(admin), payload: { url: 'http://10.0.1.5/hook', eventTypes: ['notice.issued'] } })).statusCode).toBe(400)
      } finally {
        process.env.DUBAN_WEBHOOK_ALLOW_NETS = saved
      }
    })
  })
}
