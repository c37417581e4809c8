/**
 * The bounded word search (工单检索, tickets.repo.ts searchTicketRows) on every test dialect, with small bounds so
 * that each way of finding the candidates is taken: whatever the path (the matches of the newest days, of a wider
 * window at the rate they showed, or of all days), the candidates are the newest matches, ranked, the total capped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, testDialects } from '../../test/support/test-db.ts'
import type { Db } from './db.ts'
import { ticketNumberSql, windowStart } from './ticket-search.repo.ts'
import { listTicketRows, type TicketFilter } from './tickets.repo.ts'

// 5 candidates; the newest 2 days first, then at most 6 days, then all.
const bounds = { candidates: 5, firstDays: 2, maxWindowDays: 6, windowPerMatch: 20 }
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
      // 200 tickets, ticket g received 2g hours after 2026-11-01 00:00 UTC: 12 a day, ticket 200 on 11-17 at 16:00,
      // so the newest 2 days hold tickets 180…200, 3 days 168…200, 5 days 144…200. Every one says 全部; every fifth
      // 五分之一 (185 and 175 twice); every tenth 十分之一; every fiftieth 五十分之一; tickets 3 and 57 稀有.
      // Tickets 1…100 are held by unit a.
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'tk' || g, 'N-' || lpad(g::text, 3, '0'), 'ticket', 1, 'received', 'open', '工单' || g, '', '{}'
           FROM generate_series(1, 200) g`,
      )
      await db.query(
        `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, content, received_at, search_vector)
         SELECT 'tk' || g, 'phone', 'complaint', '01', 1, 'normal', '内容' || g, TIMESTAMPTZ '2026-11-01 00:00:00+00' + g * interval '2 hours',
                to_tsvector('simple', concat_ws(' ', '全部',
                  CASE WHEN g % 5 = 0 THEN '五分之一' END, CASE WHEN g IN (175, 185) THEN '五分之一' END,
                  CASE WHEN g % 10 = 0 THEN '十分之一' END, CASE WHEN g % 50 = 0 THEN '五十分之一' END, CASE WHEN g IN (3, 57) THEN '稀有' END))
           FROM generate_series(1, 200) g`,
      )
      await db.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT 'tk' || g, 'a', 'lead' FROM generate_series(1, 100) g`)
      // Unit b cooperates on every second ticket from 180 (received 11-16 00:00 UTC, the first instant of the newest
      // 2 days) to 200.
      await db.query(`INSERT INTO unit (id, name) VALUES ('b', '乙局')`)
      await db.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT 'tk' || g, 'b', 'cooperating' FROM generate_series(180, 200, 2) g`)
    }, 300_000)
    afterAll(async () => db?.close())

    it('a word every ticket holds: the newest 5 of the newest 2 days, the total capped', async () => {
      const r = await search(db, '全部')
      expect(numbers(r)).toEqual([200, 199, 198, 197, 196])
      expect([r.total, r.totalCapped]).toEqual([5, true])
    })

    it('a word in one ticket of five: 5 in 2 days, so 3 days at that rate, the newest 5 ranked (185 holds it twice)', async () => {
      const r = await search(db, '五分之一')
      expect(numbers(r)).toEqual([185, 200, 195, 190, 180])
      expect([r.total, r.totalCapped]).toEqual([5, true])
    })

    it('a word in one ticket of ten: 3 in 2 days, so 5 days at that rate, the newest 5', async () => {
      const r = await search(db, '十分之一')
      expect(numbers(r)).toEqual([200, 190, 180, 170, 160])
      expect([r.total, r.totalCapped]).toEqual([5, true])
    })

    it('a widened window asked as the 32-day span holding it (11-11 … 12-12: tickets 120…200) finds the same', async () => {
      const r = await search(db, '五分之一', { searchBounds: { ...bounds, windowPerMatch: 0 } })
      expect(numbers(r)).toEqual([185, 200, 195, 190, 180])
      const tenth = await search(db, '十分之一', { searchBounds: { ...bounds, windowPerMatch: 0 } })
      expect(numbers(tenth)).toEqual([200, 190, 180, 170, 160])
    })

    it('a word in one ticket of fifty: 1 in 2 days, past the widest window, so all days: every match', async () => {
      const r = await search(db, '五十分之一')
      expect(numbers(r)).toEqual([200, 150, 100, 50])
      expect([r.total, r.totalCapped]).toEqual([4, false])
    })

    it('all words, a word inside another left out of the AND: 五分之一 with 分之 finds the same tickets', async () => {
      const r = await listTicketRows(db, { q: '五分之一', words: ['分之', '五分之一'], scope: null, limit: 50, offset: 0, searchBounds: bounds })
      expect(numbers(r)).toEqual(numbers(await search(db, '五分之一')))
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

    it("a scope's matches within the newest days: its item_unit rows since the window's first instant, the newest 5", async () => {
      const r = await search(db, '全部', { scope: ['b'] })
      expect(numbers(r)).toEqual([200, 198, 196, 194, 192])
      expect([r.total, r.totalCapped]).toEqual([5, true])
      const unit = await search(db, '十分之一', { unitId: 'b' })
      expect(numbers(unit)).toEqual([200, 190, 180])
    })

    it("a window's first instant: its first day's midnight (UTC), a span's from day span × 32", () => {
      const day = Date.UTC(2026, 10, 16) / 86_400_000
      expect(windowStart({ days: [day + 1, day], spans: [] })).toBe('2026-11-16T00:00:00.000Z')
      expect(windowStart({ days: [], spans: [Math.floor(day / 32)] })).toBe(new Date(Math.floor(day / 32) * 32 * 86_400_000).toISOString())
      expect(windowStart({ days: [], spans: [] })).toBeUndefined()
    })

    it('a whole number: that ticket alone, through the number index; with a word, the word\'s matches after it', async () => {
      const r = await listTicketRows(db, { q: 'N-057', words: [], numbers: ['N-057'], scope: null, limit: 50, offset: 0, searchBounds: bounds })
      expect(numbers(r)).toEqual([57])
      expect([r.total, r.totalCapped]).toEqual([1, false])
      const both = await listTicketRows(db, { q: 'N-057 稀有', words: ['稀有'], numbers: ['N-057'], scope: null, limit: 50, offset: 0, searchBounds: bounds })
      expect(numbers(both)).toEqual([57, 3])
      expect(both.total).toBe(2)
    })

    it('the start of a number: the highest numbers first, capped; those holding the words ranked before the others', async () => {
      const start = await listTicketRows(db, { q: 'N-19', words: [], numbers: ['N-19'], scope: null, limit: 50, offset: 0, searchBounds: bounds })
      expect(numbers(start)).toEqual([199, 198, 197, 196, 195])
      expect([start.total, start.totalCapped]).toEqual([5, true])
      const ranked = await listTicketRows(db, { q: 'N-19 五分之一', words: ['五分之一'], numbers: ['N-19'], scope: null, limit: 50, offset: 0, searchBounds: bounds })
      expect(numbers(ranked).slice(0, 2)).toEqual([195, 199])
    })

    it('the end of a number finds it; a part that neither starts nor ends one finds nothing by number', async () => {
      const end = await listTicketRows(db, { q: '057', words: [], numbers: ['057'], scope: null, limit: 50, offset: 0, searchBounds: bounds })
      expect(numbers(end)).toEqual([57])
      const middle = await listTicketRows(db, { q: '-05', words: [], numbers: ['-05'], scope: null, limit: 50, offset: 0, searchBounds: bounds })
      expect(middle.total).toBe(0)
    })

    it('the other filters hold for number matches: N-1 in the scope of unit a (tickets 1…100) is N-100 alone', async () => {
      const r = await listTicketRows(db, { q: 'N-1', words: [], numbers: ['N-1'], scope: ['a'], limit: 50, offset: 0, searchBounds: bounds })
      expect(numbers(r)).toEqual([100])
    })

    it('a number lookup reads the number indexes, not every ticket', async () => {
      // The planner's choice on 200 rows after ANALYZE; on 1M tickets the bench prints the same plan's buffers.
      await db.query('ANALYZE item')
      await db.query('SET enable_seqscan = off')
      try {
        const params: unknown[] = []
        const sql = ticketNumberSql(['N-19'], (v) => `$${params.push(v)}`, [`i.kind = 'ticket'`], 6)
        const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)
        const plan = rows.map((x) => x['QUERY PLAN']).join('\n')
        expect(plan).toContain('item_ticket_number_c_idx')
        expect(plan).toContain('item_ticket_number_reverse_idx')
      } finally {
        await db.query('RESET enable_seqscan')
      }
    })
  })
}
