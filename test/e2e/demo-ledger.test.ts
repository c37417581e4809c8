/** End to end: `npm start`'s demo seeding gives a ledger that unit liaisons can work, on every dialect. */
import { jiebaSearchTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, seedDemo } from '../../src/app/demo/seed-demo.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`demo ledger (${dialect})`, () => {
    let t: TestApp
    beforeAll(async () => {
      t = await startTestApp(dialect)
    })
    afterAll(async () => t?.close())

    it('seeds the sample plan as confirmed tasks once, and a liaison accepts and reports on one', async () => {
      const lines = await seedDemo(t.deps, { searchTokenize: jiebaSearchTokenize })
      expect(lines.some((l) => /confirmed into 15 tasks/.test(l))).toBe(true)
      expect((await seedDemo(t.deps, { searchTokenize: jiebaSearchTokenize })).some((l) => /sample plan|confirmed into/.test(l))).toBe(false)
      expect(lines.some((l) => /liaison actions on the sample plan/.test(l))).toBe(true)
      // The demo's liaisons (fgw, wjw, cgj, zjj) worked the tasks their units lead; the rest wait in 已交办.
      const { rows } = await t.db.query<{ state: string; lead: string; n: number }>(
        `SELECT i.state, u.unit_id AS lead, count(*)::int AS n FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead'
          WHERE i.kind = 'task' GROUP BY i.state, u.unit_id`,
      )
      const states = (lead: string) => rows.filter((r) => r.lead === lead).map((r) => r.state)
      expect(rows.reduce((a, r) => a + Number(r.n), 0)).toBe(15)
      expect(new Set(states('yz-fgw'))).toEqual(new Set(['closed']))
      expect(new Set(states('yz-wjw'))).toEqual(new Set(['accepted']))
      expect(new Set(states('yz-cgj'))).toEqual(new Set(['extension_requested']))
      expect(new Set(states('yz-sjj'))).toEqual(new Set(['dispatched']))

      const token = await t.login('sjj', DEMO_PASSWORD)
      const auth = { authorization: `Bearer ${token}` }
      const ledger = (await t.app.inject({ method: 'GET', url: '/api/items', headers: auth })).json()
      expect(ledger.total).toBe(2)
      const mine = ledger.items.find((i: { units: { unitId: string; role: string }[] }) => i.units.some((u) => u.unitId === 'yz-sjj' && u.role === 'lead'))
      const accepted = await t.app.inject({ method: 'POST', url: `/api/items/${mine.id}/accept`, headers: auth, payload: { expectedVersion: mine.version } })
      expect(accepted.statusCode, accepted.body).toBe(200)
      const report = await t.app.inject({ method: 'POST', url: `/api/items/${mine.id}/reports`, headers: auth, payload: { text: '3月完成抽检300批次。', measures: { 抽检合格率: 98.9 } } })
      expect(report.statusCode, report.body).toBe(200)
      expect(report.json()).toMatchObject({ state: 'accepted', event: { event: 'report_progress' }, report: { targetValues: [{ metric: '抽检合格率', value: 98.9 }] } })
    }, 300_000)

    it('seeds the 12345 hotline: catalogue, dispatch rules and tickets in every state, once', async () => {
      const count = async (sql: string) => (await t.db.query<{ n: number }>(sql)).rows[0]?.n ?? 0
      expect(await count(`SELECT count(*)::int AS n FROM service_category WHERE active AND level = 3`)).toBeGreaterThanOrEqual(40)
      expect(await count(`SELECT count(*)::int AS n FROM dispatch_rule WHERE active`)).toBeGreaterThanOrEqual(30)
      const { rows } = await t.db.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM item WHERE kind = 'ticket' GROUP BY state`)
      const states = Object.fromEntries(rows.map((r) => [r.state, r.n]))
      expect(Object.values(states).reduce((a, n) => a + n, 0)).toBe(300)
      for (const s of ['received', 'dispatched', 'accepted', 'return_requested', 'extension_requested', 'replied', 'followed_up', 'closed', 'withdrawn']) {
        expect(states[s], `tickets in ${s}`).toBeGreaterThan(0)
      }
      const events = await t.db.query<{ event: string }>(`SELECT DISTINCT e.event FROM item_event e JOIN item i ON i.id = e.item_id WHERE i.kind = 'ticket'`)
      expect(events.rows.map((r) => r.event)).toEqual(expect.arrayContaining(['answer_directly', 'reopen', 'reassign', 'refuse_return', 'approve_extension', 'supervise', 'withdraw']))
      // A second start adds nothing.
      const again = await seedDemo(t.deps, { searchTokenize: jiebaSearchTokenize })
      expect(again.some((l) => /12345 tickets/.test(l))).toBe(false)
      expect(await count(`SELECT count(*)::int AS n FROM item WHERE kind = 'ticket'`)).toBe(300)
      // The hotline operator sees them; the catalogue suggests the district's 城管 for 占道经营 in 河滨街道.
      const token = await t.login('hotline', DEMO_PASSWORD)
      const auth = { authorization: `Bearer ${token}` }
      const list = await t.app.inject({ method: 'GET', url: '/api/tickets?limit=5', headers: auth })
      expect(list.statusCode, list.body).toBe(200)
      expect(list.json().total).toBe(300)
      const s = await t.app.inject({ method: 'GET', url: '/api/tickets/suggest-dispatch?categoryCode=01.01.01&placeUnitId=ql-hb', headers: auth })
      expect(s.json()).toMatchObject({ unit: { id: 'ql-cgj' }, rule: { id: 'yz-d-0101' } })
    }, 120_000)
  })
}
