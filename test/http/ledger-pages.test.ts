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

    it('refuses a cursor it did not make, naming after', async () => {
      const r = await call(t, supervisor, 'GET', '/api/items?after=not-a-cursor')
      expect(r.statusCode).toBe(400)
      expect(r.json().error.where).toBe('after')
    })
  })
}
