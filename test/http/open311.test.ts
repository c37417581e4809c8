/**
 * Open311 GeoReport v2 under /open311/v2, as a GeoReport client uses it: discovery and services in both
 * formats, a request posted form-encoded and as JSON, read back by id in JSON and XML, lists with the
 * spec's filters, and errors as the spec's list. Both dialects.
 */
import { DOMParser } from '@xmldom/xmldom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { seedCatalogue } from './tickets.fixture.ts'

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
      expect(await count()).toBe(before)
    })
  })
}
