/** End to end: `npm start`'s demo seeding gives a ledger that unit liaisons can work, on every dialect. */
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
      const lines = await seedDemo(t.deps)
      expect(lines.some((l) => /confirmed into 15 tasks/.test(l))).toBe(true)
      expect((await seedDemo(t.deps)).some((l) => /sample plan|confirmed into/.test(l))).toBe(false)
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM item WHERE kind = 'task' AND state = 'dispatched'`)
      expect(Number(rows[0]?.n)).toBe(15)

      const token = await t.login('sjj', DEMO_PASSWORD)
      const auth = { authorization: `Bearer ${token}` }
      const ledger = (await t.app.inject({ method: 'GET', url: '/api/items', headers: auth })).json()
      expect(ledger.total).toBe(2)
      const mine = ledger.items.find((i: { units: { unitId: string; role: string }[] }) => i.units.some((u) => u.unitId === 'yz-sjj' && u.role === 'lead'))
      const accepted = await t.app.inject({ method: 'POST', url: `/api/items/${mine.id}/accept`, headers: auth, payload: { expectedVersion: mine.version } })
      expect(accepted.statusCode, accepted.body).toBe(200)
      const report = await t.app.inject({ method: 'POST', url: `/api/items/${mine.id}/reports`, headers: auth, payload: { text: '3月完成抽检300批次。', measures: { 抽检合格率: 98.9 } } })
      expect(report.statusCode, report.body).toBe(200)
      expect(report.json()).toMatchObject({ state: 'accepted', reports: [{ targetValues: [{ metric: '抽检合格率', value: 98.9 }] }] })
    }, 180_000)
  })
}
