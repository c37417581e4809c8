/**
 * 事项详情's 来源 (GET /api/items/:id `source`), on every dialect: each outline level of the plan an item came from,
 * its marker with the heading's text, read from the plan's draft — not the markers alone (一、 › (一)). An item
 * without a plan (a ticket, whose path is its category's) keeps its path with no headings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jiebaSearchTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { DEMO_PASSWORD, seedDemo } from '../../src/app/demo/seed-demo.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`an item's 来源 (${dialect})`, () => {
    let t: TestApp
    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemo(t.deps, { searchTokenize: jiebaSearchTokenize })
    }, 300_000)
    afterAll(async () => t?.close())

    it('names the demo plan’s headings with their markers; a ticket (no plan) keeps its path as it was', async () => {
      const auth = { authorization: `Bearer ${await t.login('supervisor', DEMO_PASSWORD)}` }
      const list = (await t.app.inject({ method: 'GET', url: '/api/items?q=DB-2026-0003&limit=5', headers: auth })).json() as { items: { id: string; number: string }[] }
      const task = list.items.find((i) => i.number === 'DB-2026-0003')!
      const detail = (await t.app.inject({ method: 'GET', url: `/api/items/${task.id}`, headers: auth })).json()
      // demo/plans/sample-plan.txt: 一、稳定经济增长 / (三)优化营商环境。…
      expect(detail.path).toEqual(['一、', '(三)'])
      expect(detail.source).toEqual([
        { marker: '一、', title: '稳定经济增长' },
        { marker: '(三)', title: '优化营商环境' },
      ])
      const tickets = (await t.app.inject({ method: 'GET', url: '/api/tickets?limit=1', headers: auth })).json() as { tickets: { id: string }[] }
      const ticket = (await t.app.inject({ method: 'GET', url: `/api/items/${tickets.tickets[0]!.id}`, headers: auth })).json()
      expect(ticket.source).toEqual(ticket.path.map((marker: string) => ({ marker, title: null })))
    })
  })
}
