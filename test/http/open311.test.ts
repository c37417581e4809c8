/**
 * Open311 GeoReport v2 under /open311/v2, as a GeoReport client uses it: discovery and services in both
 * formats, a request posted form-encoded and as JSON, read back by id in JSON and XML, lists with the
 * spec's filters, and errors as the spec's list (bad percent-encoding in the query or the path too). Both dialects.
 */
import { DOMParser } from '@xmldom/xmldom'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ticketKind } from '../../src/domain/kinds/ticket.kind.ts'
import { takeEvent } from '../../src/app/items/take-event.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { seedCatalogue } from './tickets.fixture.ts'

/** The ticket kind's label of a state, as status_notes shows it. */
const LABEL = (state: string) => ticketKind.states[state]?.label ?? state

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }

/** The text of each direct child element of the first `tag` element, as an object. */
function xmlRecords(xml: string, tag: string): Record<string, string>[] {
  const doc = new DOMParser().parseFromString(xml, 'text/xml')
  const out: Record<string, string>[] = []
  const nodes = doc.getElementsByTagName(tag)
  for (let i = 0; i < nodes.length; i++) {
    const rec: Record<string, string> = {}
    const kids = nodes[i]!.childNodes
    for (let j = 0; j < kids.length; j++) {
      const k = kids[j]!
      if (k.nodeType === 1) rec[k.nodeName] = k.textContent ?? ''
    }
    out.push(rec)
  }
  return out
}

for (const dialect of testDialects()) {
  describe(`open311 (${dialect})`, () => {
    let t: TestApp

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
    })
    afterAll(async () => {
      await t?.close()
    })

    it('serves discovery in JSON and XML', async () => {
      const j = await t.app.inject({ method: 'GET', url: '/open311/v2/discovery.json', headers: { host: 'duban.example' } })
      expect(j.statusCode).toBe(200)
      expect(j.headers['content-type']).toBe('application/json; charset=utf-8')
      const d = j.json()
      expect(d.changeset).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
      expect(d.endpoints).toEqual([
        { specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://duban.example/open311/v2', changeset: d.changeset, type: 'production', formats: ['text/xml', 'application/json'] },
      ])
      const x = await t.app.inject({ method: 'GET', url: '/open311/v2/discovery.xml' })
      expect(x.statusCode).toBe(200)
      expect(x.headers['content-type']).toBe('text/xml; charset=utf-8')
      expect(x.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<discovery>')).toBe(true)
      expect(x.body).toContain('<format>text/xml</format>')
    })

    it('lists level-3 services and defines one, in JSON and XML', async () => {
      const j = await t.app.inject({ method: 'GET', url: '/open311/v2/services.json' })
      expect(j.statusCode).toBe(200)
      expect(j.json()).toEqual([
        { service_code: '03.02.01', service_name: '垃圾清运', description: '城乡建设 › 市容环境 › 垃圾清运', metadata: false, type: 'realtime', keywords: '城乡建设, 市容环境', group: '城乡建设' },
        { service_code: '03.02.05', service_name: '占道经营', description: '占用道路、广场经营', metadata: false, type: 'realtime', keywords: '城乡建设, 市容环境', group: '城乡建设' },
      ])
      const x = await t.app.inject({ method: 'GET', url: '/open311/v2/services.xml' })
      expect(xmlRecords(x.body, 'service').map((s) => [s.service_code, s.group, s.metadata])).toEqual([
        ['03.02.01', '城乡建设', 'false'],
        ['03.02.05', '城乡建设', 'false'],
      ])
      const def = await t.app.inject({ method: 'GET', url: '/open311/v2/services/03.02.05.json' })
      expect(def.statusCode).toBe(200)
      expect(def.json().service_code).toBe('03.02.05')
      expect(def.json().attributes[0].code).toBe('request_type')
      const defx = await t.app.inject({ method: 'GET', url: '/open311/v2/services/03.02.05.xml' })
      expect(defx.body).toContain('<service_definition>\n  <service_code>03.02.05</service_code>')
      expect(xmlRecords(defx.body, 'value')).toContainEqual({ key: 'help', name: '求助' })
    })

    it('answers unknown things with the spec error list, 404 or 400, in the format asked', async () => {
      const a = await t.app.inject({ method: 'GET', url: '/open311/v2/services/99.99.99.json' })
      expect(a.statusCode).toBe(404)
      expect(a.json()).toEqual([{ code: 404, description: expect.stringContaining('service_code 99.99.99') }])
      const level2 = await t.app.inject({ method: 'GET', url: '/open311/v2/services/03.02.json' })
      expect(level2.statusCode).toBe(404)
      const b = await t.app.inject({ method: 'GET', url: '/open311/v2/requests/GD-2026-999999.xml' })
      expect(b.statusCode).toBe(404)
      expect(b.headers['content-type']).toBe('text/xml; charset=utf-8')
      expect(xmlRecords(b.body, 'error')).toEqual([{ code: '404', description: expect.stringContaining('GD-2026-999999') }])
      const c = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=pending' })
      expect(c.statusCode).toBe(400)
      expect(c.json()[0].description).toMatch(/^status: /)
      const d = await t.app.inject({ method: 'GET', url: '/open311/v2/nothing-here.xml' })
      expect(d.statusCode).toBe(404)
      expect(d.body).toContain('<errors>')
      const e = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z' })
      expect(e.statusCode).toBe(400)
      expect(e.json()[0].description).toMatch(/^end_date: .*90 days/)
    })

    it('answers bad percent-encoding in the query or the path with the spec error list, 400, in the format asked', async () => {
      // A % without two hex digits, a cut UTF-8 sequence, GBK bytes: the part is named; nothing is looked up.
      for (const [url, part] of [
        ['/open311/v2/requests.json?status=%ZZ', 'status=%ZZ'],
        ['/open311/v2/requests.json?service_code=%E0%A4%A', 'service_code=%E0%A4%A'],
        ['/open311/v2/services.json?jurisdiction_id=%C7%E0%B4%A8', 'jurisdiction_id=%C7%E0%B4%A8'],
        ['/open311/v2/requests.json?%ZZ=1&status=open', '%ZZ=1'],
      ] as const) {
        const r = await t.app.inject({ method: 'GET', url })
        expect(r.statusCode, url).toBe(400)
        expect(r.headers['content-type']).toBe('application/json; charset=utf-8')
        expect(r.json(), url).toEqual([{ code: 400, description: `query: '${part}' is not valid percent-encoding (UTF-8)` }])
      }
      const x = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.xml?service_code=%E0%A4%A' })
      expect(x.statusCode).toBe(400)
      expect(x.headers['content-type']).toBe('text/xml; charset=utf-8')
      expect(xmlRecords(x.body, 'error')).toEqual([{ code: '400', description: "query: 'service_code=%E0%A4%A' is not valid percent-encoding (UTF-8)" }])
      // In the path, Fastify refuses it before routing (FST_ERR_BAD_URL): Open311 still answers in its own format.
      const p = await t.app.inject({ method: 'GET', url: '/open311/v2/requests/%ZZ.json' })
      expect(p.statusCode).toBe(400)
      expect(p.json()).toEqual([{ code: 400, description: "url: the path '/open311/v2/requests/%ZZ.json' is not valid percent-encoding (UTF-8)" }])
      const px = await t.app.inject({ method: 'GET', url: '/open311/v2/requests/%E0%A4%A.xml' })
      expect(px.statusCode).toBe(400)
      expect(xmlRecords(px.body, 'error')[0]?.code).toBe('400')
      // A well-encoded query still works (中文 in UTF-8), and /api keeps its own answers.
      expect((await t.app.inject({ method: 'GET', url: '/open311/v2/services.json?jurisdiction_id=%E9%9D%92%E5%B7%9D' })).statusCode).toBe(200)
      expect((await t.app.inject({ method: 'GET', url: '/api/tickets/%ZZ' })).json()).toMatchObject({ code: 'FST_ERR_BAD_URL', statusCode: 400 })
    })

    it('creates a ticket from a form-encoded POST and reads it back by id in JSON and XML', async () => {
      const form = new URLSearchParams({
        jurisdiction_id: 'qingchuan.gov.cn',
        api_key: 'ignored',
        service_code: '03.02.05',
        lat: '30.5',
        long: '120.1',
        address_string: '江滨路 1 号 <b>',
        description: '夜市占道经营 <script>alert(1)</script>\r\n影响通行，电话13812345678',
        first_name: '三',
        last_name: '张',
        phone: '+86 138-1234-5678',
        email: 'zhang@example.com',
        media_url: 'https://img.example/stall.jpg',
        'attribute[request_type]': 'complaint',
      })
      const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: form.toString() })
      expect(res.statusCode, res.body).toBe(201)
      const created = res.json()
      expect(created).toEqual([{ service_request_id: expect.stringMatching(/^GD-2026-\d{6}$/), service_notice: '按规定7个工作日内办理', account_id: null }])
      const id = created[0].service_request_id as string
      const { rows } = await t.db.query<{ channel: string; requester_phone: string; requester_name: string; content: string }>(
        'SELECT t.channel, t.requester_phone, t.requester_name, t.content FROM ticket t JOIN item i ON i.id = t.item_id WHERE i.number = $1',
        [id],
      )
      expect(rows[0]).toEqual({ channel: 'open311', requester_phone: '13812345678', requester_name: '张三', content: '夜市占道经营 <script>alert(1)</script>\n影响通行，电话13812345678' })

      const j = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` })
      expect(j.statusCode).toBe(200)
      expect(j.json()).toEqual([
        {
          service_request_id: id,
          status: 'open',
          status_notes: LABEL('received'),
          service_name: '占道经营',
          service_code: '03.02.05',
          description: '夜市占道经营 <script>alert(1)</script>\n影响通行，电话138****5678',
          agency_responsible: null,
          service_notice: '按规定7个工作日内办理',
          requested_datetime: '2026-03-02T09:00:00+08:00',
          updated_datetime: '2026-03-02T09:00:00+08:00',
          expected_datetime: null,
          address: '江滨路 1 号 <b>',
          address_id: null,
          zipcode: null,
          lat: 30.5,
          long: 120.1,
          media_url: 'https://img.example/stall.jpg',
        },
      ])
      for (const leak of ['张三', '13812345678', 'zhang@example.com', 'first_name', 'phone']) expect(j.body).not.toContain(leak)

      const x = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.xml` })
      expect(x.statusCode).toBe(200)
      expect(x.headers['content-type']).toBe('text/xml; charset=utf-8')
      expect(x.body).toContain('<description>夜市占道经营 &lt;script&gt;alert(1)&lt;/script&gt;\n影响通行，电话138****5678</description>')
      expect(x.body).not.toContain('<script>')
      const [rec] = xmlRecords(x.body, 'request')
      expect(rec).toMatchObject({ service_request_id: id, status: 'open', service_code: '03.02.05', address: '江滨路 1 号 <b>', lat: '30.5', long: '120.1', expected_datetime: '' })
      for (const leak of ['张三', '13812345678', 'zhang@example.com']) expect(x.body).not.toContain(leak)
    })

    it('creates a ticket from a JSON POST (XML answer), with address_id as the place and a request type attribute', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.xml',
        payload: { service_code: '03.02.01', address_id: 'dh-jb', description: '垃圾三天没人清运 😡', attribute: { request_type: 'help' } },
      })
      expect(res.statusCode, res.body).toBe(201)
      const [created] = xmlRecords(res.body, 'request')
      expect(created).toMatchObject({ service_request_id: expect.stringMatching(/^GD-2026-\d{6}$/), account_id: '' })
      const id = created!.service_request_id!
      const { rows } = await t.db.query<{ request_type: string; place_unit_id: string; requester_phone: string | null; content: string }>(
        'SELECT t.request_type, t.place_unit_id, t.requester_phone, t.content FROM ticket t JOIN item i ON i.id = t.item_id WHERE i.number = $1',
        [id],
      )
      expect(rows[0]).toEqual({ request_type: 'help', place_unit_id: 'dh-jb', requester_phone: null, content: '垃圾三天没人清运 😡' })
      const j = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` })).json()
      expect(j[0]).toMatchObject({ service_code: '03.02.01', service_name: '垃圾清运', address_id: 'dh-jb', lat: null, long: null, description: '垃圾三天没人清运 😡' })
    })

    it('reads a form body in a declared GBK charset cleanly and refuses undeclared GBK bytes', async () => {
      const enc = (s: string) => [...iconv.encode(s, 'gbk')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
      const body = `service_code=03.02.05&address_string=${enc('江滨路')}&description=${enc('小区门口占道经营')}`
      const ok = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=gbk' }, payload: body })
      expect(ok.statusCode, ok.body).toBe(201)
      const got = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${ok.json()[0].service_request_id}.json` })).json()
      expect(got[0]).toMatchObject({ description: '小区门口占道经营', address: '江滨路' })
      const before = (await t.db.query<{ n: string }>('SELECT count(*) AS n FROM ticket')).rows[0]?.n
      const bad = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: body })
      expect(bad.statusCode).toBe(400)
      expect(bad.json()[0].description).toMatch(/^body: not valid UTF-8/)
      const badJson = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/json' }, payload: iconv.encode(JSON.stringify({ service_code: '03.02.05', address_string: '江滨路', description: '占道' }), 'gbk') })
      expect(badJson.statusCode).toBe(400)
      expect((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM ticket')).rows[0]?.n).toBe(before)
    })

    it('lists requests with the spec filters: ids, service_code, status, dates, default 90 days', async () => {
      const all = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json' })).json() as { service_request_id: string; service_code: string; status: string }[]
      expect(all.length).toBeGreaterThanOrEqual(3)
      expect(all.every((r) => r.status === 'open')).toBe(true)
      const ids = all.map((r) => r.service_request_id)
      expect([...ids].sort().reverse()).toEqual(ids)
      const two = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${ids[0]},${ids[2]}&status=closed` })).json()
      expect(two.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([ids[0], ids[2]].sort())
      const rubbish = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=03.02.01' })).json()
      expect(rubbish.length).toBe(1)
      expect(rubbish[0].service_code).toBe('03.02.01')
      const both = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=03.02.01,03.02.05' })).json()
      expect(both.length).toBe(all.length)
      expect((await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=closed' })).json()).toEqual([])
      expect((await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=open,closed' })).json().length).toBe(all.length)
      const inRange = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?start_date=2026-03-02T08:59:00%2B08:00&end_date=2026-03-02T09:01:00%2B08:00' })
      expect(inRange.json().length).toBe(all.length)
      expect((await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?start_date=2026-03-03T00:00:00Z' })).json()).toEqual([])
      // 91 days later the default window no longer holds them.
      t.clock.advance(91 * 86_400_000)
      expect((await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json' })).json()).toEqual([])
      t.clock.advance(-91 * 86_400_000)
      const x = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.xml?service_code=03.02.01' })
      expect(xmlRecords(x.body, 'request').map((r) => r.service_code)).toEqual(['03.02.01'])
    })

    it('refuses a POST that lacks what the spec requires, naming the field, writing nothing', async () => {
      const count = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM ticket')).rows[0]?.n)
      const before = await count()
      const cases: [string, string, number][] = [
        ['lat=30.5&long=120.1&description=x', 'service_code', 400],
        ['service_code=03.02.05&description=x', 'lat', 400],
        ['service_code=03.02.05&lat=30.5&description=x', 'long', 400],
        ['service_code=03.02.05&lat=30.5&long=120.1', 'description', 400],
        ['service_code=03.02.05&lat=91&long=120.1&description=x', 'lat', 400],
        ['service_code=03.02.05&lat=30.5&long=120.1&description=x&phone=12345', 'phone', 400],
        ['service_code=03.02.05&lat=30.5&long=120.1&description=a%00b', 'description', 400],
        ['service_code=99.99.99&lat=30.5&long=120.1&description=x', 'service_code', 404],
        [`service_code=03.02.05&lat=30.5&long=120.1&description=${'x'.repeat(4001)}`, 'description', 400],
      ]
      for (const [payload, field, status] of cases) {
        const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload })
        expect(res.statusCode, payload.slice(0, 80)).toBe(status)
        expect(res.json()[0].code).toBe(status)
        expect(res.json()[0].description, payload.slice(0, 80)).toContain(field)
      }
      const bad = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers: { 'content-type': 'application/json' }, payload: '{"service_code": ' })
      expect(bad.statusCode).toBe(400)
      expect(xmlRecords(bad.body, 'error')[0]?.description).toMatch(/malformed JSON/)
      const huge = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: `service_code=03.02.05&description=${'x'.repeat(1100 * 1024)}` })
      expect(huge.statusCode).toBe(413)
      expect(huge.json()).toEqual([{ code: 413, description: expect.any(String) }])
      expect(await count()).toBe(before)
    })

    it('shows the lead unit and the handling due once dispatched, and closed with the reply once answered', async () => {
      const opId = (await createUser(t.deps, null, { username: 'op311', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })).id
      const operator = { userId: opId, role: 'operator' as const, unitId: 'city', scopeUnitIds: null }
      const post = async (description: string) => {
        const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', payload: { service_code: '03.02.05', address_string: '江滨路', description } })
        expect(res.statusCode, res.body).toBe(201)
        const number = res.json()[0].service_request_id as string
        const { rows } = await t.db.query<{ id: string }>('SELECT id FROM item WHERE number = $1', [number])
        return { number, id: rows[0]!.id }
      }
      const a = await post('夜市占道，请派单')
      await takeEvent(t.deps, operator, a.id, { event: 'dispatch', payload: { lead: 'sjj' } })
      const [dispatched] = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${a.number}.json` })).json()
      expect(dispatched).toMatchObject({ status: 'open', status_notes: LABEL('dispatched'), agency_responsible: '青川市市场监督管理局' })
      expect(dispatched.expected_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)

      const b = await post('请问夜市开放时间？')
      await takeEvent(t.deps, operator, b.id, { event: 'answer_directly', payload: { text: '每日18时至22时，咨询电话0571-87654321' } })
      const [closed] = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${b.number}.json` })).json()
      expect(closed).toMatchObject({ status: 'closed', status_notes: `${LABEL('closed')}：每日18时至22时，咨询电话0571-****4321`, expected_datetime: null })
      const closedOnly = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=closed' })).json()
      expect(closedOnly.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([b.number])
      const openOnes = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=open' })).json()
      expect(openOnes.map((r: { service_request_id: string }) => r.service_request_id)).toContain(a.number)
      expect(openOnes.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(b.number)
    })

    it('slows a flood of POSTs from one address with 429 in the spec error format (last: it uses up the window)', async () => {
      let limited: { statusCode: number; body: string; headers: Record<string, unknown> } | undefined
      for (let i = 0; i < 70 && !limited; i++) {
        const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers: FORM, payload: 'description=x' })
        if (res.statusCode === 429) limited = res
        else expect(res.statusCode).toBe(400)
      }
      expect(limited?.statusCode).toBe(429)
      expect(limited?.headers['retry-after']).toMatch(/^\d+$/)
      expect(xmlRecords(limited!.body, 'error')).toEqual([{ code: '429', description: expect.stringContaining('requests a minute') }])
    })
  })
}
