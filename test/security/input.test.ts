/**
 * Issue 11, findings 2 and 3: hostile input never reaches the database or a parser. NUL and lone surrogates
 * are refused naming the field, nesting is bounded, wrong content types are 415, malformed multipart is a
 * 400/413, and an event payload holds only the fields its kind declares, each bounded. Every refusal leaves
 * the row counts as they were. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSampleFoodAccepted, loginDemo, multipartBody, rowCounts, seedDemoCity } from '../http/plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`hostile input (${dialect})`, () => {
    let t: TestApp
    let supervisor: string
    let sjj: string
    let food: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      ;({ task: food, liaison: sjj } = await confirmSampleFoodAccepted(t, supervisor))
    }, 600_000)
    afterAll(async () => t?.close())

    const expectRefused = (res: { statusCode: number; json: () => any; body: string }, status: number, where?: string) => {
      expect(res.statusCode, res.body).toBe(status)
      if (where !== undefined) expect(res.json().error.where).toBe(where)
    }

    it('refuses NUL and lone surrogates in bodies, query strings and params, naming the field — anonymous login too', async () => {
      const before = await rowCounts(t)
      expectRefused(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ad\u0000min', password: 'x' } }), 400, 'body/username')
      // A lone surrogate can only be sent as a JSON escape.
      const lone = '{"username":"admin","password":"\\ud800x"}'
      expectRefused(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: lone, headers: { 'content-type': 'application/json' } }), 400, 'body/password')
      expectRefused(await call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: 'ok \u0000' }), 400, 'body/text')
      expectRefused(await call(t, sjj, 'POST', `/api/items/${food}/events`, { event: 'report_progress', payload: { text: 'a', measures: { 'k\u0000': 1 } } }), 400, 'body/payload/measures')
      expectRefused(await call(t, supervisor, 'GET', '/api/items?q=%00'), 400, 'query/q')
      expectRefused(await call(t, supervisor, 'GET', '/api/items/x%00y'), 400, 'params/id')
      expect(await rowCounts(t)).toEqual(before)
    })

    it('refuses what the fuzzer found: integers beyond int4 in a query, POST /api/plans without a body', async () => {
      expectRefused(await call(t, supervisor, 'GET', '/api/plans?limit=50&offset=1.5671707993534315e%2B217'), 400, 'querystring/offset')
      expectRefused(await call(t, supervisor, 'GET', '/api/items?offset=99999999999'), 400, 'querystring/offset')
      expectRefused(await t.app.inject({ method: 'POST', url: '/api/plans', headers: { authorization: `Bearer ${supervisor}` } }), 400, 'body')
    })

    // Found by the fuzz hunt of 2026-12-03 (test/security/fuzz.test.ts now sends such requests): each was a 500, or
    // a refusal that named no file. Every case is a 4xx naming the place, and writes nothing.
    const upload = (url: string, who: () => string, file: { name: string; mime?: string; content?: Buffer }, fields: Record<string, string> = {}) => () => {
      const m = multipartBody({ name: file.name, mime: file.mime ?? 'text/plain', content: file.content ?? Buffer.from('一、测试\n') }, fields)
      return t.app.inject({ method: 'POST', url, payload: m.payload, headers: { ...m.headers, authorization: `Bearer ${who()}` } })
    }
    const get = (url: string, who: () => string | null) => () => t.app.inject({ method: 'GET', url, headers: who() ? { authorization: `Bearer ${who()}` } : {} })
    it.each([
      ['an attachment whose file name holds a NUL (was a 500)', () => upload(`/api/items/${food}/attachments`, () => sjj, { name: 'a\u0000b.txt' })(), 400, 'body/file', /file name contains a NUL/],
      ['an attachment whose content type holds a NUL (was a 500)', () => upload(`/api/items/${food}/attachments`, () => sjj, { name: 'a.txt', mime: 'text/plain\u0000' })(), 400, 'body/file', /content type contains a NUL/],
      ['an attachment with a 256-character file name', () => upload(`/api/items/${food}/attachments`, () => sjj, { name: `${'名'.repeat(252)}.txt` })(), 400, 'body/file', /at most 255/],
      ['a plan upload whose file name holds a NUL (was a 500)', () => upload('/api/plans', () => supervisor, { name: 'p\u0000.txt' })(), 400, 'body/file', /file name contains a NUL/],
      ['a plan upload with documents beyond any index', () => upload('/api/plans', () => supervisor, { name: 'p.txt' }, { documents: '99999999999999999999' })(), 400, 'body/documents', /'99999999999999999999'/],
      ['an unreadable PDF (named no file)', () => upload('/api/plans', () => supervisor, { name: '要点.pdf', mime: 'application/pdf', content: Buffer.from('%PDF-1.4 garbage') })(), 400, '要点.pdf', /要点\.pdf: the PDF cannot be read/],
      ['a binary .txt (named no file)', () => upload('/api/plans', () => supervisor, { name: '要点.txt', content: Buffer.from([1, 0, 2, 0, 3, 0, 0, 0, 255, 0]) })(), 400, '要点.txt', /要点\.txt: /],
      ['tickets received from 2026-99-99 (was a 500)', () => get('/api/tickets?from=2026-99-99', () => supervisor)(), 400, 'querystring/from', /2026-99-99/],
      ['tickets received from 2026-01-01garbage (was a 500)', () => get('/api/tickets?from=2026-01-01garbage', () => supervisor)(), 400, 'querystring/from', /garbage/],
      ['tickets received before 0000-01-01 (was a 500)', () => get('/api/tickets?to=0000-01-01', () => supervisor)(), 400, 'querystring/to', /0001–9999/],
      ['plans with limit=1e309 (Ajv let Infinity past maximum: a 500)', () => get('/api/plans?limit=1e309&offset=7', () => supervisor)(), 400, 'querystring/limit', /finite/],
      ['plans with offset=Infinity (a 500)', () => get('/api/plans?offset=Infinity', () => supervisor)(), 400, 'querystring/offset', /finite/],
    ] as const)('refuses %s, naming the place, writing nothing', async (_what, send, status, where, message) => {
      const before = await rowCounts(t)
      const res = await send()
      expectRefused(res, status, where)
      expect(res.json().error.message).toMatch(message)
      expect(await rowCounts(t)).toEqual(before)
    })

    it('answers Open311 requests from 9999-12-31 (the 90-day span reached the year 10000: a 500) with an empty list', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?start_date=9999-12-31T00:00:00Z' })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toEqual([])
      const early = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.xml?end_date=0001-01-01T00:00:00Z' })
      expect(early.statusCode, early.body).toBe(200)
    })

    it('bounds JSON nesting (an events payload 5,000 levels deep is a 400)', async () => {
      const deep = `{"event":"report_progress","payload":{"text":"a","measures":${'['.repeat(5000)}${']'.repeat(5000)}}}`
      const res = await t.app.inject({ method: 'POST', url: `/api/items/${food}/events`, payload: deep, headers: { authorization: `Bearer ${sjj}`, 'content-type': 'application/json' } })
      expectRefused(res, 400)
      expect(res.json().error.message).toMatch(/nested deeper than 32/)
    })

    it('answers 415 for a content type a route does not take (POST /api/plans as text/plain)', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/plans', payload: '{"fileName":"a.txt","contentBase64":""}', headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'text/plain' } })
      expectRefused(res, 415)
      expect(res.json().error.code).toBe('DUBAN_ERR_UNSUPPORTED_MEDIA_TYPE')
      const confirm = await t.app.inject({ method: 'POST', url: `/api/items/${food}/accept`, payload: '{}', headers: { authorization: `Bearer ${sjj}`, 'content-type': 'text/plain' } })
      expectRefused(confirm, 415)
    })

    it('maps malformed and oversized multipart to 400/413 naming the body part', async () => {
      const before = await rowCounts(t)
      const headers = { authorization: `Bearer ${supervisor}` }
      const noBoundary = await t.app.inject({ method: 'POST', url: '/api/plans', payload: 'garbage', headers: { ...headers, 'content-type': 'multipart/form-data' } })
      expect([400, 406]).toContain(noBoundary.statusCode)
      const cut = multipartBody({ name: 'a.txt', mime: 'text/plain', content: Buffer.from('x'.repeat(100)) })
      const truncated = await t.app.inject({ method: 'POST', url: '/api/plans', payload: cut.payload.subarray(0, 120), headers: { ...headers, ...cut.headers } })
      expectRefused(truncated, 400)
      expect(truncated.json().error.where).toMatch(/^body/)
      const badHeader = Buffer.from('------duban-test-boundary\r\nno colon here\r\n\r\nx\r\n------duban-test-boundary--\r\n')
      const malformed = await t.app.inject({ method: 'POST', url: '/api/plans', payload: badHeader, headers: { ...headers, ...cut.headers } })
      expect(malformed.statusCode).toBeGreaterThanOrEqual(400)
      expect(malformed.statusCode).toBeLessThan(500)
      const upload = multipartBody({ name: 'big.txt', mime: 'text/plain', content: Buffer.alloc(6 * 1024 * 1024, 0x61) })
      const big = await t.app.inject({ method: 'POST', url: `/api/items/${food}/attachments`, payload: upload.payload, headers: { authorization: `Bearer ${sjj}`, ...upload.headers } })
      expect(big.statusCode).toBe(413)
      expect(big.json().error.where).toMatch(/^body/)
      expect(await rowCounts(t)).toEqual(before)
    })

    it('stores only the payload fields a kind declares, each bounded; the item stays small', async () => {
      const before = await rowCounts(t)
      const unknown = await call(t, sjj, 'POST', `/api/items/${food}/events`, { event: 'report_progress', payload: { text: 'ok', junk: 'x'.repeat(100_000) } })
      expectRefused(unknown, 400, 'payload.junk')
      const long = await call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: '报'.repeat(20_001) })
      expectRefused(long, 400)
      expect(long.json().error.where).toMatch(/text$/)
      const longViaEvents = await call(t, sjj, 'POST', `/api/items/${food}/events`, { event: 'report_progress', payload: { text: 'a'.repeat(20_001) } })
      expectRefused(longViaEvents, 400, 'payload.text')
      const manyMeasures = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`m${i}`, i]))
      expectRefused(await call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: 'ok', measures: manyMeasures }), 400, 'payload.measures')
      expect(await rowCounts(t)).toEqual(before)
      // The limit itself is accepted.
      expect((await call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: '报'.repeat(20_000) })).statusCode).toBe(200)
      const size = (await call(t, supervisor, 'GET', `/api/items/${food}`)).body.length
      expect(size).toBeLessThan(200_000)
    })
  })
}
