/** Ledger paging over HTTP (台账分页): cursors, the bounded total, old offset clients, on every test dialect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSample, loginDemo, seedDemoCity } from './plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`ledger pages over HTTP (${dialect})`, () => {
    let t: TestApp
    let supervisor: string
    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      await confirmSample(t, supervisor) // 15 tasks
    }, 180_000)
    afterAll(async () => t?.close())

    const get = async (query: string) => (await call(t, supervisor, 'GET', `/api/items?${query}`)).json()

    it('follows next cursors through the whole ledger, the same rows as one long page', async () => {
      const all = await get('limit=100')
      expect([all.total, all.totalCapped, all.next]).toEqual([15, false, null])
      const numbers: string[] = []
      let page = await get('limit=4')
      numbers.push(...page.items.map((i: any) => i.number))
      while (page.next) {
        page = await get(`limit=4&after=${encodeURIComponent(page.next)}`)
        expect(page.total).toBe(15)
        numbers.push(...page.items.map((i: any) => i.number))
      }
      expect(numbers).toEqual(all.items.map((i: any) => i.number))
    })

    it('keeps the filters on the pages after a cursor', async () => {
      const first = await get('state=dispatched&kind=task&limit=10')
      const second = await get(`state=dispatched&kind=task&limit=10&after=${encodeURIComponent(first.next)}`)
      expect(second.items.map((i: any) => i.state)).toEqual(Array(5).fill('dispatched'))
      expect(second.next).toBeNull()
      expect((await get('state=waiting')).total).toBe(15) // dispatched is a waiting state
    })

    it('still pages by offset for old clients', async () => {
      const all = (await get('limit=100')).items.map((i: any) => i.number)
      expect((await get('limit=5&offset=5')).items.map((i: any) => i.number)).toEqual(all.slice(5, 10))
    })

    it('carries a lower-bound total to the pages after the first, for the same filter only', async () => {
      // 1,005 matches of one term, written straight to the database: the count stops at 1,001 ("1,000+").
      await t.db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'cnt' || g, 'CNT-' || lpad(g::text, 4, '0'), 'task', 1, 'closed', 'closed', '缓存总数核对', '', '{}' FROM generate_series(1, 1005) g`,
      )
      const first = await get('q=缓存总数&limit=50')
      expect([first.total, first.totalCapped, first.items.length]).toEqual([1000, true, 50])
      // Ten matches leave: a count read again would now be exact (995); the cursor's lower bound is shown instead.
      await t.db.query(`UPDATE item SET title = '其他' WHERE id IN (SELECT 'cnt' || g FROM generate_series(996, 1005) g)`)
      const second = await get(`q=缓存总数&limit=50&after=${encodeURIComponent(first.next)}`)
      expect([second.total, second.totalCapped, second.items[0].number]).toEqual([1000, true, 'CNT-0051'])
      const third = await get(`q=缓存总数&limit=50&after=${encodeURIComponent(second.next)}`)
      expect([third.total, third.totalCapped]).toEqual([1000, true])
      // The same cursor with another filter, or with its total forged for another filter, counts again.
      const other = await get(`q=缓存总&limit=50&after=${encodeURIComponent(first.next)}`)
      expect([other.total, other.totalCapped]).toEqual([995, false])
      const forged = Buffer.from(JSON.stringify({ n: 'CNT-0050', t: 7, f: 'not-the-filter' })).toString('base64url')
      expect(await get(`q=缓存总数&limit=50&after=${forged}`)).toMatchObject({ total: 995, totalCapped: false })
      // Page 1 always counts: the data as it is now.
      expect(await get('q=缓存总数&limit=50')).toMatchObject({ total: 995, totalCapped: false })
    })

    it("carries a unit's open-work lower bound too (ledger_unit_open)", async () => {
      await t.db.query(`INSERT INTO unit (id, name) VALUES ('cnt-unit', '计数局')`)
      await t.db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'cno' || g, 'CNO-' || lpad(g::text, 4, '0'), 'task', 1, 'accepted', 'open', '办理中', '', '{}' FROM generate_series(1, 1003) g`,
      )
      await t.db.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT 'cno' || g, 'cnt-unit', 'lead' FROM generate_series(1, 1003) g`)
      const first = await get('unit=cnt-unit&state=open&limit=20')
      expect([first.total, first.totalCapped]).toEqual([1000, true])
      await t.db.query(`DELETE FROM item_unit WHERE unit_id = 'cnt-unit' AND item_id IN (SELECT 'cno' || g FROM generate_series(990, 1003) g)`)
      const second = await get(`unit=cnt-unit&state=open&limit=20&after=${encodeURIComponent(first.next)}`)
      expect([second.total, second.totalCapped, second.items[0].number]).toEqual([1000, true, 'CNO-0021'])
      expect(await get('unit=cnt-unit&state=open&limit=20')).toMatchObject({ total: 989, totalCapped: false })
    })

    it('refuses a cursor it did not make, naming after', async () => {
      const r = await call(t, supervisor, 'GET', '/api/items?after=not-a-cursor')
      expect(r.statusCode).toBe(400)
      expect(r.json().error.where).toBe('after')
    })
  })
}
