/** The ledger query (台账): keyset pages, bounded count, state and text filters, on every test dialect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, testDialects } from '../../test/support/test-db.ts'
import type { Db } from './db.ts'
import { listItems, tilingTrigrams, wordTrigrams, type ItemFilter } from './ledger.repo.ts'

const base: ItemFilter = { scope: null, limit: 50, offset: 0, countCap: 10_000 }

for (const dialect of testDialects()) {
  describe(`ledger query (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO unit (id, name) VALUES ('a', '甲局'), ('b', '乙局')`)
      // 23 items: every third waiting (dispatched), every fifth closed; item 7 mentions 粮食安全 in its body only.
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'it' || g, 'T-' || lpad(g::text, 3, '0'), CASE WHEN g % 2 = 0 THEN 'task' ELSE 'ticket' END, 1,
                CASE WHEN g % 5 = 0 THEN 'closed' WHEN g % 3 = 0 THEN 'dispatched' ELSE 'accepted' END,
                CASE WHEN g % 5 = 0 THEN 'closed' WHEN g % 3 = 0 THEN 'waiting' ELSE 'open' END,
                '事项' || g, CASE WHEN g = 7 THEN '群众反映粮食安全问题' ELSE '' END, '{}'
           FROM generate_series(1, 23) g`,
      )
      await db.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT 'it' || g, CASE WHEN g <= 10 THEN 'a' ELSE 'b' END, 'lead' FROM generate_series(1, 23) g`)
    }, 180_000) // PGlite starts slowly when the machine is shared
    afterAll(async () => db?.close())

    it('walks every item once, in number order, page after page by keyset', async () => {
      const seen: string[] = []
      let after: string | undefined
      for (let pages = 0; pages < 10; pages++) {
        const page = await listItems(db, { ...base, limit: 5, afterNumber: after })
        seen.push(...page.rows.map((r) => r.number))
        expect(page.total).toBe(23)
        if (!page.hasNext) break
        after = page.rows.at(-1)!.number
      }
      expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `T-${String(i + 1).padStart(3, '0')}`))
    })

    it('gives the same page by offset as by keyset', async () => {
      const byOffset = await listItems(db, { ...base, limit: 4, offset: 8 })
      const byKeyset = await listItems(db, { ...base, limit: 4, afterNumber: 'T-008' })
      expect(byOffset.rows.map((r) => r.id)).toEqual(byKeyset.rows.map((r) => r.id))
      expect(byOffset.rows.map((r) => r.number)).toEqual(['T-009', 'T-010', 'T-011', 'T-012'])
    })

    it('says there is no next page on the last one, even when it is exactly full', async () => {
      expect((await listItems(db, { ...base, limit: 3, afterNumber: 'T-020' })).hasNext).toBe(false)
      expect((await listItems(db, { ...base, limit: 3, afterNumber: 'T-019' })).hasNext).toBe(true)
    })

    it('counts only up to the cap and then says there are more', async () => {
      const capped = await listItems(db, { ...base, limit: 2, countCap: 10 })
      expect([capped.total, capped.more]).toEqual([10, true])
      const exact = await listItems(db, { ...base, countCap: 23 })
      expect([exact.total, exact.more]).toEqual([23, false])
    })

    it('filters by state name, by state type, by unit and by text in title, number or body', async () => {
      const total = async (f: Partial<ItemFilter>) => (await listItems(db, { ...base, ...f })).total
      expect(await total({ state: 'dispatched' })).toBe(6) // 3 6 9 12 18 21
      expect(await total({ stateType: 'closed' })).toBe(4) // 5 10 15 20
      expect(await total({ stateType: 'waiting', kind: 'task' })).toBe(3) // 6 12 18
      expect(await total({ unit: 'a' })).toBe(10)
      expect((await listItems(db, { ...base, q: '粮食安全' })).rows.map((r) => r.id)).toEqual(['it7'])
      expect((await listItems(db, { ...base, q: '事项1' })).total).toBe(11) // 1, 10–19
      expect((await listItems(db, { ...base, q: 'T-02' })).total).toBe(4) // 20–23
      // Letters with case still match either case (ILIKE); a term without any is matched by LIKE, to the same rows.
      expect((await listItems(db, { ...base, q: 't-02' })).total).toBe(4)
      expect((await listItems(db, { ...base, q: '反映粮食' })).rows.map((r) => r.id)).toEqual(['it7'])
      expect(await total({ q: '100%_' })).toBe(0)
    })

    it('reads a term no trigram serves within a window of items, and goes on after each window to the last', async () => {
      const f = { ...base, q: '粮食', limit: 2, scanWindow: 5 }
      const first = await listItems(db, f)
      // T-001…T-005 hold no match: an empty page that still leads on, a count of the first window marked capped.
      expect([first.rows.length, first.hasNext, first.nextAfter, first.total, first.more]).toEqual([0, true, 'T-005', 0, true])
      const found: string[] = []
      const afters: string[] = []
      let after: string | undefined
      for (let pages = 0; pages < 10; pages++) {
        const page = await listItems(db, { ...f, afterNumber: after })
        found.push(...page.rows.map((r) => r.id))
        if (!page.hasNext) break
        after = page.nextAfter!
        afters.push(after)
      }
      expect(found).toEqual(['it7'])
      expect(afters).toEqual(['T-005', 'T-010', 'T-015', 'T-020'])
      // A window holding the whole ledger counts exactly; a term of three characters is not windowed.
      expect(await listItems(db, { ...base, q: '粮食' })).toMatchObject({ total: 1, more: false, hasNext: false })
      expect(await listItems(db, { ...base, q: '粮食安', scanWindow: 5 })).toMatchObject({ total: 1, more: false, hasNext: false })
    })

    it('gives the same pages and counts whether a walk finds them or the matching set does', async () => {
      // walkWindow 3: every unit, scope or text filter below finds too few in its walk and takes the set instead.
      const cases: Partial<ItemFilter>[] = [
        { unit: 'a' },
        { unit: 'b', stateType: 'open' },
        { unit: 'a', kind: 'task', state: 'accepted' },
        { scope: ['b'], stateType: 'waiting' },
        { q: '事项1' },
        { q: '事项2', unit: 'b' },
        { q: '粮食安全', kind: 'ticket' },
        { unit: 'b', overdueOn: '2100-01-01' },
      ]
      for (const c of cases) {
        for (const paging of [{ limit: 2 }, { limit: 2, afterNumber: 'T-011' }, { limit: 3, offset: 2 }]) {
          const f = { ...base, countCap: 5, ...c, ...paging }
          const walked = await listItems(db, f)
          const set = await listItems(db, { ...f, walkWindow: 3 })
          expect([set.rows.map((r) => r.number), set.total, set.more, set.hasNext]).toEqual([walked.rows.map((r) => r.number), walked.total, walked.more, walked.hasNext])
        }
      }
      // And they are the right rows: unit b's open items (11 13 14 16 17 19 22 23) two at a time after T-011.
      const page = await listItems(db, { ...base, unit: 'b', stateType: 'open', limit: 2, afterNumber: 'T-011', walkWindow: 3 })
      expect([page.rows.map((r) => r.number), page.total, page.hasNext]).toEqual([['T-013', 'T-014'], 8, true])
    })

    it('counts a unit with a term its walk finds as far as the walk went, and says the total is a lower bound', async () => {
      // walkWindow 10: the walk's ten items (T-001…T-010) hold unit a's 事项1 twice, far from the cap; the ledger goes
      // on past them, so the count is those two, marked as more.
      const page = await listItems(db, { ...base, unit: 'a', q: '事项1', countCap: 100, walkWindow: 10 })
      expect([page.total, page.more]).toEqual([2, true])
      // The page itself is whole: unit a's items with 事项1 are 1 and 10.
      expect(page.rows.map((r) => r.number)).toEqual(['T-001', 'T-010'])
      // Without a unit the same term's set is counted exactly (1, 10–19).
      expect(await listItems(db, { ...base, q: '事项1', countCap: 100, walkWindow: 10 })).toMatchObject({ total: 11, more: false })
    })

    it("counts page 1 on from its second walk's last row, and to the same total as any other page", async () => {
      // walkWindow 20: the first walk reads two items (T-001, T-002), the second up to eighteen more.
      for (const c of [{ q: '事项1', unit: 'a' }, { q: '事项1' }, { q: '事项1', scope: ['a', 'b'] }, { q: '事项2', unit: 'b' }, { q: '事项1', unit: 'b' }]) {
        for (const paging of [{ limit: 1 }, { limit: 2 }, { limit: 3, countCap: 100 }, { limit: 2, countCap: 3 }]) {
          for (const walkWindow of [20, 30]) {
            const f = { ...base, countCap: 5, walkWindow, ...c, ...paging }
            const first = await listItems(db, f)
            const later = await listItems(db, { ...f, afterNumber: 'T-001' })
            expect([first.total, first.more]).toEqual([later.total, later.more])
          }
        }
      }
      // Unit a's 事项1 (T-001, T-010): page 1 of one row walks to T-010; the count goes on after it, to the window's end.
      const sent: unknown[][] = []
      const recording = { query: ((sql: string, params?: unknown[]) => (sql.includes('count(*)') && sent.push(params ?? []), db.query(sql, params))) as Db['query'] }
      const page = await listItems(recording, { ...base, q: '事项1', unit: 'a', limit: 1, walkWindow: 20 })
      expect([page.rows.map((r) => r.number), page.total, page.more]).toEqual([['T-001'], 2, true])
      expect(sent.some((params) => params.includes('T-010') && params.includes('T-020'))).toBe(true)
    })

    it('finds a term by its rare trigrams alone and checks the whole term on each row: the same rows and counts', async () => {
      // 事项1 is in eleven of the 23 titles, 项17 in one: the set asks the index for 项17 only (walkWindow 3: the set).
      for (const c of [{ q: '事项17' }, { q: '事项17', kind: 'ticket' }, { q: '事项21', stateType: 'open' }, { q: '事项17', unit: 'b' }, { q: '事项17', unit: 'a' }]) {
        for (const paging of [{ limit: 2 }, { limit: 2, afterNumber: 'T-011' }, { limit: 2, afterNumber: 'T-017' }]) {
          const f = { ...base, countCap: 5, ...c, ...paging }
          const walked = await listItems(db, f)
          const set = await listItems(db, { ...f, walkWindow: 3 })
          expect([set.rows.map((r) => r.number), set.total, set.more, set.hasNext]).toEqual([walked.rows.map((r) => r.number), walked.total, walked.more, walked.hasNext])
        }
      }
      const statements: string[] = []
      const recording = { query: ((sql: string, params?: unknown[]) => (statements.push(sql), db.query(sql, params))) as Db['query'] }
      expect((await listItems(recording, { ...base, q: '事项17', walkWindow: 3 })).rows.map((r) => r.number)).toEqual(['T-017'])
      // The index was given 项17 alone and the whole term checked on the row (where the index cannot serve it).
      expect(statements.filter((sql) => sql.includes(`|| '') LIKE`)).length).toBe(1)
      expect(await listItems(db, { ...base, q: '事项17', unit: 'a', walkWindow: 3 })).toMatchObject({ rows: [], total: 0, more: false, hasNext: false })
      // A term absent although each of its trigrams is somewhere: none; one whose trigrams are all as common, by its tiles.
      expect(await listItems(db, { ...base, q: '事项99', walkWindow: 3 })).toMatchObject({ rows: [], total: 0, hasNext: false })
      expect((await listItems(db, { ...base, q: '群众反映粮食安全', walkWindow: 3 })).rows.map((r) => r.number)).toEqual(['T-007'])
      expect((await listItems(db, { ...base, q: '群众反映粮食安全', state: 'accepted' })).rows.map((r) => r.number)).toEqual(['T-007'])
    })

    it('cuts a term into the trigrams of its runs of letters and digits, lower-cased', () => {
      expect(wordTrigrams('GEN-0001234')).toEqual(['gen', '000', '001', '012', '123', '234'])
      expect(wordTrigrams('城关镇 粮食')).toEqual(['城关镇'])
      expect(wordTrigrams('T-02')).toEqual([])
      // Every character covered, neighbours that overlap left out.
      expect(tilingTrigrams('粮食安全生产')).toEqual(['粮食安', '全生产'])
      expect(tilingTrigrams('粮食安全生')).toEqual(['粮食安', '安全生'])
      expect(tilingTrigrams('GEN-0001234')).toEqual(['gen', '000', '123', '234'])
    })

    it('keeps the data scope on every page', async () => {
      const page = await listItems(db, { ...base, scope: ['b'], limit: 5, afterNumber: 'T-012' })
      expect(page.rows.map((r) => r.number)).toEqual(['T-013', 'T-014', 'T-015', 'T-016', 'T-017'])
      expect(page.total).toBe(13)
      // A scope of one unit is written as an equality, of several as an array: the same items either way.
      expect((await listItems(db, { ...base, scope: ['a', 'b'] })).total).toBe(23)
      expect((await listItems(db, { ...base, scope: ['b', 'no-such-unit'], limit: 5, afterNumber: 'T-012' })).rows.map((r) => r.number)).toEqual(page.rows.map((r) => r.number))
    })
  })
}
