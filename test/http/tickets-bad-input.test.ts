/**
 * Bad input at ticket intake (issue 6), through the HTTP API as a caller sends it: empty and 100 KB text,
 * emoji and control characters, `<script>` in every text field, an invalid phone, an unknown category,
 * GBK bytes, and a foreign unit's ticket. A refusal is a 4xx naming the field and writes nothing: the row
 * counts of item, ticket, item_event and audit_log are the same after it. Both dialects.
 */
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, rowCounts, seedCatalogue } from './tickets.fixture.ts'

const SCRIPT = '<script>alert("x")</script>'

/** A valid desk intake; cases change one field. */
const desk = {
  requestType: 'complaint',
  categoryCode: CATEGORY.stalls,
  urgency: 'normal',
  requesterName: '张三',
  requesterPhone: '13812345678',
  address: '江滨路 1 号',
  content: '江滨路夜市占道经营，影响通行',
}

/** One transparent PNG pixel, in base64: a photo the public page may send. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

/** A valid public submission. */
const pub = { requestType: 'complaint', categoryCode: CATEGORY.stalls, content: '垃圾三天没人清运', requesterPhone: '13912345678' }

interface Refusal {
  readonly name: string
  readonly url: '/api/tickets' | '/api/public/tickets'
  readonly body: unknown
  /** A field name the error's `where` must contain. */
  readonly field: string
}

const refusals: readonly Refusal[] = [
  { name: 'empty content', url: '/api/tickets', body: { ...desk, content: '' }, field: 'content' },
  { name: 'blank content', url: '/api/tickets', body: { ...desk, content: '  \n\t ' }, field: 'content' },
  { name: '100 KB content', url: '/api/tickets', body: { ...desk, content: '投'.repeat(100 * 1024 / 3) }, field: 'content' },
  { name: 'NUL in content', url: '/api/tickets', body: { ...desk, content: '占道\u0000经营' }, field: 'content' },
  { name: 'BEL in the name', url: '/api/tickets', body: { ...desk, requesterName: '张\u0007三' }, field: 'requesterName' },
  { name: 'C1 control in the address', url: '/api/tickets', body: { ...desk, address: '江滨路\u009B1号' }, field: 'address' },
  { name: 'lone surrogate in content', url: '/api/tickets', body: { ...desk, content: '占道\uD800经营' }, field: 'content' },
  { name: 'ESC in the public content', url: '/api/public/tickets', body: { ...pub, content: 'x\u001B[2Jy' }, field: 'content' },
  { name: 'invalid phone', url: '/api/tickets', body: { ...desk, requesterPhone: '1234567' }, field: 'requesterPhone' },
  { name: 'invalid public phone', url: '/api/public/tickets', body: { ...pub, requesterPhone: '23812345678' }, field: 'requesterPhone' },
  { name: 'public without phone', url: '/api/public/tickets', body: { requestType: 'complaint', categoryCode: CATEGORY.stalls, content: 'x' }, field: 'requesterPhone' },
  { name: 'unknown category', url: '/api/tickets', body: { ...desk, categoryCode: '99.99.99' }, field: 'categoryCode' },
  { name: 'level-2 category', url: '/api/tickets', body: { ...desk, categoryCode: '03.02' }, field: 'categoryCode' },
  { name: 'unknown public category', url: '/api/public/tickets', body: { ...pub, categoryCode: '99.99.99' }, field: 'categoryCode' },
  { name: 'unknown request type', url: '/api/tickets', body: { ...desk, requestType: 'rant' }, field: 'requestType' },
  { name: 'unknown urgency', url: '/api/tickets', body: { ...desk, urgency: 'yesterday' }, field: 'urgency' },
  { name: 'lat without lng', url: '/api/tickets', body: { ...desk, lat: 30.5 }, field: 'lng' },
  { name: 'lat out of range', url: '/api/tickets', body: { ...desk, lat: 95, lng: 120 }, field: 'lat' },
  { name: 'a 51-character name', url: '/api/tickets', body: { ...desk, requesterName: '名'.repeat(51) }, field: 'requesterName' },
  { name: 'a 201-character address', url: '/api/tickets', body: { ...desk, address: '路'.repeat(201) }, field: 'address' },
  { name: 'a public "photo" that is a PDF', url: '/api/public/tickets', body: { ...pub, attachments: [{ name: 'a.jpg', contentBase64: Buffer.from('%PDF-1.4\n').toString('base64') }] }, field: 'attachments[0]' },
  { name: 'four public photos', url: '/api/public/tickets', body: { ...pub, attachments: Array.from({ length: 4 }, (_, i) => ({ name: `${i}.png`, contentBase64: PIXEL })) }, field: 'attachments' },
  { name: 'a public photo over 5 MB', url: '/api/public/tickets', body: { ...pub, attachments: [{ name: 'big.jpg', contentBase64: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024)]).toString('base64') }] }, field: 'attachments[0]' },
]

for (const dialect of testDialects()) {
  describe(`ticket intake bad input (${dialect})`, () => {
    let t: TestApp
    let op: string
    const auth = () => ({ authorization: `Bearer ${op}` })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      op = await operatorToken(t)
    })
    afterAll(async () => {
      await t?.close()
    })

    /** Posts; returns the answer. Public routes get no token. */
    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url, headers: { ...(url.startsWith('/api/public') ? {} : auth()), ...headers }, payload: payload as Record<string, unknown> })

    for (const c of refusals) {
      it(`refuses ${c.name} with a 4xx naming ${c.field}, writing nothing`, async () => {
        const before = await rowCounts(t.db)
        const res = await post(c.url, c.body)
        expect(res.statusCode, res.body.slice(0, 300)).toBeGreaterThanOrEqual(400)
        expect(res.statusCode).toBeLessThan(500)
        const where = String(res.json().error?.where ?? '')
        expect(where, res.body.slice(0, 300)).toContain(c.field)
        expect(await rowCounts(t.db)).toEqual(before)
      })
    }

    it('normalises a written phone to digits and lets the desk take a fully anonymous ticket', async () => {
      const res = await post('/api/tickets', { ...desk, requesterPhone: '+86 138-1234-5678' })
      expect(res.statusCode, res.body.slice(0, 300)).toBe(201)
      const anon = await post('/api/tickets', { ...desk, anonymous: true, requesterName: undefined, requesterPhone: undefined })
      expect(anon.statusCode, anon.body.slice(0, 300)).toBe(201)
      const { rows } = await t.db.query<{ item_id: string; requester_phone: string | null; requester_name: string | null; anonymous: boolean }>(
        'SELECT item_id, requester_phone, requester_name, anonymous FROM ticket WHERE item_id = ANY($1::text[]) ORDER BY item_id',
        [[res.json().id, anon.json().id]],
      )
      expect(rows.map((r) => [r.requester_phone, r.requester_name, r.anonymous])).toEqual([
        ['13812345678', '张三', false],
        [null, null, true],
      ])
    })

    it('takes a photo with a public submission, stored as the picture it is', async () => {
      const res = await post('/api/public/tickets', { ...pub, attachments: [{ name: '现场.png', contentBase64: PIXEL }] })
      expect(res.statusCode, res.body.slice(0, 300)).toBe(201)
      const list = await t.app.inject({ method: 'GET', url: `/api/tickets?q=${res.json().number}`, headers: auth() })
      const id = (list.json() as { tickets: { id: string; number: string }[] }).tickets.find((x) => x.number === res.json().number)!.id
      const one = await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: auth() })
      expect(one.json().attachments.map((a: { name: string; mime: string }) => [a.name, a.mime])).toEqual([['现场.png', 'image/png']])
    })

    it('refuses 100 KB of text on the public page too, writing nothing', async () => {
      const before = await rowCounts(t.db)
      const res = await post('/api/public/tickets', { ...pub, content: 'x'.repeat(100 * 1024) })
      expect(res.statusCode).toBeGreaterThanOrEqual(400)
      expect(res.statusCode).toBeLessThan(500)
      expect(String(res.json().error?.where ?? '')).toContain('content')
      expect(await rowCounts(t.db)).toEqual(before)
    })

    it('stores emoji as sent and returns them unchanged', async () => {
      const content = '路灯坏了 😡👍🏽 👨‍👩‍👧 请修'
      const res = await post('/api/tickets', { ...desk, content })
      expect(res.statusCode, res.body.slice(0, 300)).toBe(201)
      const got = await t.app.inject({ method: 'GET', url: `/api/tickets/${res.json().id}`, headers: auth() })
      expect(got.json().content).toBe(content)
      const { rows } = await t.db.query<{ content: string }>('SELECT content FROM ticket WHERE item_id = $1', [res.json().id])
      expect(rows[0]?.content).toBe(content)
    })

    it('stores <script> in every text field as plain text and returns the same inert string', async () => {
      const res = await post('/api/tickets', { ...desk, content: `${SCRIPT} 占道`, address: `${SCRIPT}路`, requesterName: SCRIPT.slice(0, 40) })
      expect(res.statusCode, res.body.slice(0, 300)).toBe(201)
      const id = res.json().id as string
      const got = (await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: auth() })).json()
      expect(got.content).toBe(`${SCRIPT} 占道`)
      expect(got.address).toBe(`${SCRIPT}路`)
      const { rows } = await t.db.query<{ requester_name: string }>('SELECT requester_name FROM ticket WHERE item_id = $1', [id])
      expect(rows[0]?.requester_name).toBe(SCRIPT.slice(0, 40))
      const revealed = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/reveal`, headers: auth(), payload: { reason: '回访核实' } })
      expect(revealed.statusCode, revealed.body.slice(0, 300)).toBe(200)
      expect(revealed.json().requesterName).toBe(SCRIPT.slice(0, 40))
      // JSON answers carry the text, not markup a browser would run: the content type is JSON.
      expect(String((await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: auth() })).headers['content-type'])).toMatch(/^application\/json/)
    })

    it('reads a GBK body that says charset=gbk cleanly, or refuses it naming the body or a field', async () => {
      const content = '小区门口占道经营，严重影响通行'
      const bytes = iconv.encode(JSON.stringify({ ...desk, content }), 'gbk')
      const before = await rowCounts(t.db)
      const res = await post('/api/tickets', bytes, { 'content-type': 'application/json; charset=gbk' })
      if (res.statusCode === 201) {
        const { rows } = await t.db.query<{ content: string }>('SELECT content FROM ticket WHERE item_id = $1', [res.json().id])
        expect(rows[0]?.content).toBe(content)
      } else {
        expect(res.statusCode, res.body.slice(0, 300)).toBeGreaterThanOrEqual(400)
        expect(res.statusCode).toBeLessThan(500)
        expect(String(res.json().error?.where ?? '')).toMatch(/body|content|requesterName|address/)
        expect(await rowCounts(t.db)).toEqual(before)
      }
    })

    it('refuses GBK bytes sent as plain JSON (no charset) instead of storing mojibake', async () => {
      const bytes = iconv.encode(JSON.stringify({ ...desk, content: '小区门口占道经营', requesterName: '张三', address: '江滨路' }), 'gbk')
      const before = await rowCounts(t.db)
      const res = await post('/api/tickets', bytes, { 'content-type': 'application/json' })
      expect(res.statusCode, res.body.slice(0, 300)).toBeGreaterThanOrEqual(400)
      expect(res.statusCode).toBeLessThan(500)
      expect(String(res.json().error?.where ?? '')).toMatch(/body|content|requesterName|address/)
      expect(await rowCounts(t.db)).toEqual(before)
      const pubBytes = iconv.encode(JSON.stringify({ ...pub, content: '垃圾三天没人清运' }), 'gbk')
      const pubRes = await post('/api/public/tickets', pubBytes, { 'content-type': 'application/json' })
      expect(pubRes.statusCode, pubRes.body.slice(0, 300)).toBeGreaterThanOrEqual(400)
      expect(pubRes.statusCode).toBeLessThan(500)
      expect(await rowCounts(t.db)).toEqual(before)
    })

    it('refuses an event name the ticket kind does not declare with a 400 naming it and the kind\'s events, writing nothing', async () => {
      const res = await post('/api/tickets', { ...desk, dispatch: { lead: 'sjj' } })
      expect(res.statusCode, res.body.slice(0, 300)).toBe(201)
      const { id } = res.json() as { id: string }
      const before = await rowCounts(t.db)
      const shown = (await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: auth() })).json()
      // A plan task's event and a made-up one: both unknown to the ticket kind.
      for (const event of ['approve_completion', 'fly_away']) {
        const refused = await post(`/api/tickets/${id}/events`, { event, payload: {} })
        expect(refused.statusCode, refused.body.slice(0, 300)).toBe(400)
        const error = refused.json().error
        expect(error.code).toBe('DUBAN_ERR_EVENT_UNKNOWN')
        expect(error.where).toBe('event')
        expect(error.message).toContain(`'${event}' is not an event of kind 'ticket'`)
        expect(error.details.declared).toEqual(expect.arrayContaining(['dispatch', 'accept', 'reply', 'follow_up']))
      }
      // A declared event in the wrong state is still the 409 it was (a dispatched ticket is not 回访ed).
      const wrongState = await post(`/api/tickets/${id}/events`, { event: 'follow_up', payload: { rating: 'satisfied', resolved: true } })
      expect(wrongState.statusCode, wrongState.body.slice(0, 300)).toBe(409)
      expect(wrongState.json().error.code).toBe('DUBAN_ERR_TRANSITION_NOT_ALLOWED')
      expect(await rowCounts(t.db)).toEqual(before)
      const after = (await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: auth() })).json()
      expect({ version: after.version, state: after.state }).toEqual({ version: shown.version, state: shown.state })
    })

    it("gives a liaison of another unit 404 for a ticket, with nothing of the ticket in the body", async () => {
      const secret = '独特内容-仅牵头单位可见-7f3a'
      const res = await post('/api/tickets', { ...desk, content: secret, dispatch: { lead: 'sjj' } })
      expect(res.statusCode, res.body.slice(0, 300)).toBe(201)
      const { id, number } = res.json() as { id: string; number: string }
      const own = await t.login('liaison-sjj')
      expect((await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: { authorization: `Bearer ${own}` } })).statusCode).toBe(200)
      const other = await t.login('liaison-dh')
      const h = { authorization: `Bearer ${other}` }
      const answers = [
        await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: h }),
        await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/events`, headers: h, payload: { event: 'accept' } }),
        await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/reveal`, headers: h, payload: { reason: '看看' } }),
      ]
      for (const a of answers) {
        expect([403, 404], `${a.statusCode} ${a.body.slice(0, 200)}`).toContain(a.statusCode)
        for (const leak of [secret, number, '张三', '13812345678', '138****5678', '江滨路']) expect(a.body).not.toContain(leak)
      }
      expect(answers[0]?.statusCode).toBe(404)
      const listed = await t.app.inject({ method: 'GET', url: '/api/tickets', headers: h })
      expect(listed.statusCode).toBe(200)
      expect(listed.body).not.toContain(secret)
      expect(listed.body).not.toContain(number)
    })
  })
}
