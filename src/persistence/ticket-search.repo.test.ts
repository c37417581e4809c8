/**
 * The bounded word search (工单检索, tickets.repo.ts searchTicketRows) on every test dialect, with small bounds so
 * that each way of finding the candidates is taken: whatever the path (the newest tickets read backwards, a longer
 * read at the rate they showed, or the GIN index), the candidates are the newest matches, ranked, the total capped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, testDialects } from '../../test/support/test-db.ts'
import type { Db } from './db.ts'
import { listTicketRows, type TicketFilter } from './tickets.repo.ts'

// 5 candidates; the newest 20 tickets read first, then at most 60.
const bounds = { candidates: 5, recentScan: 20, maxRecentScan: 60 }
const search = (db: Db, word: string, more: Partial<TicketFilter> = {}) =>
  listTicketRows(db, { q: word, words: [word], scope: null, limit: 50, offset: 0, searchBounds: bounds, ...more })
const numbers = (r: { rows: { number: string }[] }): number[] => r.rows.map((x) => Number(x.number.slice(2)))

for (const dialect of testDialects()) {
  describe(`bounded ticket word search (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO unit (id, name) VALUES ('a', '甲局')`)
      await db.query(`INSERT INTO service_category (code, version, parent_code, level, name) VALUES ('01', 1, NULL, 1, '城乡建设')`)
      // 200 tickets, ticket g received g minutes after the first. Every one says 全部; every fifth 五分之一 (185 and
      // 175 twice); every tenth 十分之一; tickets 3 and 57 稀有. Tickets 1…100 are held by unit a.
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'tk' || g, 'N-' || lpad(g::text, 3, '0'), 'ticket', 1, 'received', 'open', '工单' || g, '', '{}'
           FROM generate_series(1, 200) g`,
      )
      await db.query(
        `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, content, received_at, search_vector)
         SELECT 'tk' || g, 'phone', 'complaint', '01', 1, 'normal', '内容' || g, TIMESTAMPTZ '2026-11-01 08:00:00+08' + g * interval '1 minute',
                to_tsvector('simple', concat_ws(' ', '全部',
                  CASE WHEN g % 5 = 0 THEN '五分之一' END, CASE WHEN g IN (175, 185) THEN '五分之一' END,
                  CASE WHEN g % 10 = 0 THEN '十分之一' END, CASE WHEN g IN (3, 57) THEN '稀有' END))
           FROM generate_series(1, 200) g`,
      )
      await db.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT 'tk' || g, 'a', 'lead' FROM generate_series(1, 100) g`)
    }, 300_000)
    afterAll(async () => db?.close())

    it('a word every ticket holds: the newest 5 among the newest 20, the total capped', async () => {
      const r = await search(db, '全部')
      expect(numbers(r)).toEqual([200, 199, 198, 197, 196])
      expect([r.total, r.totalCapped]).toEqual([5, true])
    })

    it('a word in one ticket of five: read further at that rate, the newest 5 ranked (185 holds it twice)', async () => {
      const r = await search(db, '五分之一')
      expect(numbers(r)).toEqual([185, 200, 195, 190, 180])
      expect([r.total, r.totalCapped]).toEqual([5, true])
    })

    it('a word in one ticket of ten: past the longest read, the index gives the newest 5', async () => {
      const r = await search(db, '十分之一')
      expect(numbers(r)).toEqual([200, 190, 180, 170, 160])
      expect([r.total, r.totalCapped]).toEqual([5, true])
    })

    it('a rare word: every match, counted exactly, not capped', async () => {
      const r = await search(db, '稀有')
      expect(numbers(r)).toEqual([57, 3])
      expect([r.total, r.totalCapped]).toEqual([2, false])
    })

    it('the other filters choose the candidates: the newest 5 the scope holds, paged', async () => {
      const r = await search(db, '五分之一', { scope: ['a'], limit: 2, offset: 1 })
      expect(numbers(r)).toEqual([95, 90])
      expect([r.total, r.totalCapped]).toEqual([5, true])
      const last = await search(db, '五分之一', { scope: ['a'], limit: 2, offset: 4 })
      expect(numbers(last)).toEqual([80])
    })
  })
}
