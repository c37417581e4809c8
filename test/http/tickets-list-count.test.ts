/**
 * The 12345 ticket list's total (GET /api/tickets) over HTTP on every test dialect: counted up to 1,000, past it a
 * lower bound ("1,000+": totalCapped), the last page's exact from its rows, the newest first and paged by offset.
 * The count used to be exact on every page view (`count(*) OVER ()`, every matching ticket read and sorted: over 12 s
 * a page on 1M generated tickets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

interface ListAnswer {
  tickets: { number: string }[]
  total: number
  totalCapped: boolean
}

for (const dialect of testDialects()) {
  describe(`ticket list total (${dialect})`, () => {
    let t: TestApp
    let operator: string
    const list = async (query: string): Promise<ListAnswer> => {
      const res = await t.app.inject({ method: 'GET', url: `/api/tickets?${query}`, headers: { authorization: `Bearer ${operator}` } })
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as ListAnswer
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      // 1,003 tickets written straight to the database (1,003 intakes would take minutes here), a minute apart.
      const { rows } = await t.db.query<{ v: unknown }>(`SELECT max(version) AS v FROM service_category WHERE code = $1`, [CATEGORY.rubbish])
      await t.db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'lc' || g, 'LC-' || lpad(g::text, 4, '0'), 'ticket', 1, CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'dispatched' END,
                CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'waiting' END, '垃圾清运', '', '{}' FROM generate_series(1, 1003) g`,
      )
      await t.db.query(
        `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, content, received_at)
         SELECT 'lc' || g, 'phone', 'complaint', $1, $2, 'normal', '垃圾桶满了', TIMESTAMPTZ '2026-01-01 08:00:00+08' + g * interval '1 minute'
           FROM generate_series(1, 1003) g`,
        [CATEGORY.rubbish, Number(rows[0]!.v)],
      )
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    it('counts up to 1,000 and says more match past it, newest first', async () => {
      const page = await list('limit=20')
      expect([page.total, page.totalCapped]).toEqual([1000, true])
      expect(page.tickets.slice(0, 2).map((x) => x.number)).toEqual(['LC-1003', 'LC-1002'])
    })

    it('counts a filter below the cap exactly, and the last page from its rows', async () => {
      const open = await list('stateType=waiting&limit=20')
      expect([open.total, open.totalCapped, open.tickets[0]!.number]).toEqual([502, false, 'LC-1003'])
      const last = await list('stateType=waiting&limit=20&offset=500')
      expect([last.total, last.totalCapped, last.tickets.map((x) => x.number)]).toEqual([502, false, ['LC-0003', 'LC-0001']])
      const beyond = await list('stateType=waiting&limit=20&offset=600')
      expect([beyond.total, beyond.totalCapped, beyond.tickets.length]).toEqual([502, false, 0])
    })

    it('takes a category with the categories under it, and only those', async () => {
      // Three 占道经营 tickets (older) beside the 1,003 of 垃圾清运: both categories are under 市容环境 (03.02) and 城乡建设 (03).
      const { rows } = await t.db.query<{ v: unknown }>(`SELECT max(version) AS v FROM service_category WHERE code = $1`, [CATEGORY.stalls])
      await t.db.query(`INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
                        SELECT 'ls' || g, 'LS-' || g, 'ticket', 1, 'dispatched', 'waiting', '占道', '', '{}' FROM generate_series(1, 3) g`)
      await t.db.query(
        `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, content, received_at)
         SELECT 'ls' || g, 'phone', 'complaint', $1, $2, 'normal', '占道经营', TIMESTAMPTZ '2025-06-01 08:00:00+08' + g * interval '1 minute'
           FROM generate_series(1, 3) g`,
        [CATEGORY.stalls, Number(rows[0]!.v)],
      )
      const stalls = await list(`categoryCode=${CATEGORY.stalls}&limit=20`)
      expect([stalls.total, stalls.tickets.map((x) => x.number)]).toEqual([3, ['LS-3', 'LS-2', 'LS-1']])
      for (const parent of ['03.02', '03']) {
        const first = await list(`categoryCode=${parent}&limit=20`)
        expect([first.total, first.totalCapped]).toEqual([1000, true])
        const last = await list(`categoryCode=${parent}&limit=20&offset=1000`)
        expect([last.total, last.tickets.map((x) => x.number)]).toEqual([1006, ['LC-0003', 'LC-0002', 'LC-0001', 'LS-3', 'LS-2', 'LS-1']])
      }
      // A code's prefix that is not a parent (03.0), or LIKE's wildcards, match nothing.
      for (const code of ['03.0', '03._2', '03.%']) expect((await list(`categoryCode=${encodeURIComponent(code)}`)).total).toBe(0)
      await t.db.query(`DELETE FROM ticket WHERE item_id LIKE 'ls%'`)
      await t.db.query(`DELETE FROM item WHERE id LIKE 'ls%'`)
    })

    it('gives the last page of the whole list its exact total', async () => {
      const last = await list('limit=20&offset=1000')
      expect(last.tickets.map((x) => x.number)).toEqual(['LC-0003', 'LC-0002', 'LC-0001'])
      expect([last.total, last.totalCapped]).toEqual([1003, false])
    })
  })
}
