/** A unit's open work on the ledger from ledger_unit_open (migration 179): the same pages as from item, kept by triggers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, testDialects } from '../../test/support/test-db.ts'
import type { Db } from './db.ts'
import { listItems, type ItemFilter } from './ledger.repo.ts'
import { listLedgerPage, listStateTerm, rangeIsUnclosed, servedByStateTerm, servedByUnitOpen, stateTypeOfName, termSpan } from './items-list.repo.ts'

const base: ItemFilter = { scope: null, limit: 50, offset: 0, countCap: 10_000 }

for (const dialect of testDialects()) {
  describe(`ledger of a unit's open work (${dialect})`, () => {
    let db: Db
    const statements: string[] = []
    let recording: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      recording = { ...db, query: ((sql: string, params?: unknown[]) => (statements.push(sql), db.query(sql, params))) as Db['query'] }
      await db.query(`INSERT INTO unit (id, name) VALUES ('a', '甲局'), ('b', '乙局'), ('c', '丙局')`)
      // 30 items: every fifth closed, every third (not closed) dispatched, else accepted; due dates 2026-01-01 + g days;
      // tasks even, tickets odd. Unit a leads 1–15, b 16–30; c is responsible on every fourth; a is also
      // responsible on 3, 6 and 9, which it leads (two roles, one ledger row).
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot, due_date)
         SELECT 'it' || g, 'T-' || lpad(g::text, 3, '0'), CASE WHEN g % 2 = 0 THEN 'task' ELSE 'ticket' END, 1,
                CASE WHEN g % 5 = 0 THEN 'closed' WHEN g % 3 = 0 THEN 'dispatched' ELSE 'accepted' END,
                CASE WHEN g % 5 = 0 THEN 'closed' WHEN g % 3 = 0 THEN 'waiting' ELSE 'open' END,
                '事项' || g, '', '{}', date '2026-01-01' + g
           FROM generate_series(1, 30) g`,
      )
      await db.query(
        `INSERT INTO item_unit (item_id, unit_id, role)
         SELECT 'it' || g, CASE WHEN g <= 15 THEN 'a' ELSE 'b' END, 'lead' FROM generate_series(1, 30) g
         UNION ALL SELECT 'it' || g, 'c', 'responsible' FROM generate_series(4, 30, 4) g
         UNION ALL SELECT 'it' || g, 'a', 'responsible' FROM generate_series(3, 9, 3) g`,
      )
    }, 180_000) // PGlite starts slowly when the machine is shared
    afterAll(async () => db?.close())

    const cases: Partial<ItemFilter>[] = [
      { unit: 'a', stateType: 'open' },
      { unit: 'a', stateType: 'waiting' },
      { unit: 'b', state: 'dispatched' },
      { unit: 'b', kind: 'task', state: 'accepted' },
      { unit: 'c', overdueOn: '2026-01-21' },
      { unit: 'a', kind: 'ticket', overdueOn: '2026-01-12' },
      { scope: ['b'], stateType: 'open' },
      // Scopes of several units holding much of the open work are read by number (scope-share.ts): here from the open work at any share.
      { scope: ['a', 'c'], stateType: 'open', scopeShare: Infinity },
      { scope: ['a', 'b', 'c'], state: 'dispatched', scopeShare: Infinity },
      { unit: 'c', scope: ['b'], stateType: 'open' },
      { unit: 'a', scope: [], stateType: 'open' },
      { unit: 'a', stateType: 'waiting', overdueOn: '2026-01-08' },
    ]

    it('gives the same pages, cursors and capped counts as the ledger read from item', async () => {
      for (const c of cases) {
        expect(servedByUnitOpen({ ...base, ...c })).toBe(true)
        for (const paging of [{ limit: 2 }, { limit: 2, afterNumber: 'T-011' }, { limit: 3, offset: 2 }, { limit: 50 }, { limit: 2, countCap: 3 }]) {
          const f = { ...base, ...c, ...paging }
          const fromItem = await listItems(db, f)
          statements.length = 0
          const fromOpen = await listLedgerPage(recording, f)
          expect(statements.some((s) => s.includes('ledger_unit_open'))).toBe(true)
          expect([fromOpen.rows.map((r) => r.number), fromOpen.total, fromOpen.more, fromOpen.hasNext, fromOpen.nextAfter]).toEqual([
            fromItem.rows.map((r) => r.number),
            fromItem.total,
            fromItem.more,
            fromItem.hasNext,
            fromItem.nextAfter,
          ])
          expect(fromOpen.rows.map((r) => r.units.length)).toEqual(fromItem.rows.map((r) => r.units.length))
        }
      }
      // And they are the right rows: unit a's open items (1 2 4 7 8 11 13 14; 3 6 9 are waiting, 5 10 15 closed).
      expect((await listLedgerPage(db, { ...base, unit: 'a', stateType: 'open' })).rows.map((r) => r.id)).toEqual(['it1', 'it2', 'it4', 'it7', 'it8', 'it11', 'it13', 'it14'])
      // Unit a holds 3, 6 and 9 twice (lead and responsible): once each.
      expect((await listLedgerPage(db, { ...base, unit: 'a', stateType: 'waiting' })).rows.map((r) => r.id)).toEqual(['it3', 'it6', 'it9', 'it12'])
    })

    it("reads a scope of several units from their open work only when they hold less than SCOPE_SHARE of the first open items", async () => {
      // c is responsible on 4, 8, 12, 16, 24 and 28 of the 24 open items (20 is closed): a quarter of them.
      const read = async (more: Partial<ItemFilter>): Promise<{ numbers: string[]; total: number; fromOpenWork: boolean }> => {
        statements.length = 0
        const r = await listLedgerPage(recording, { ...base, stateType: 'open', ...more })
        return { numbers: r.rows.map((x) => x.number), total: r.total, fromOpenWork: statements.some((s) => s.includes('ledger_unit_open')) }
      }
      const byNumber = async (more: Partial<ItemFilter>): Promise<string[]> => (await listItems(db, { ...base, stateType: 'open', ...more })).rows.map((x) => x.number)
      const all = await byNumber({ scope: ['a', 'b'] })
      expect(await read({ scope: ['a', 'b'] })).toEqual({ numbers: all, total: all.length, fromOpenWork: false })
      const ofC = await byNumber({ scope: ['c', 'nobody'] })
      expect(ofC).toEqual(['T-004', 'T-008', 'T-016', 'T-028'])
      expect(await read({ scope: ['c', 'nobody'], scopeShare: 0.26 })).toEqual({ numbers: ofC, total: 4, fromOpenWork: true })
      expect(await read({ scope: ['c', 'nobody'], scopeShare: 0.25 })).toEqual({ numbers: ofC, total: 4, fromOpenWork: false })
      // One unit is always read from its open work.
      expect((await read({ scope: ['a'] })).fromOpenWork).toBe(true)
    })

    it('leaves closed states, plans, terms and filters without a unit to the item read', () => {
      expect(servedByUnitOpen({ ...base, unit: 'a', stateType: 'closed' })).toBe(false)
      expect(servedByUnitOpen({ ...base, unit: 'a', state: 'cancelled' })).toBe(false)
      expect(servedByUnitOpen({ ...base, unit: 'a', state: 'no_such_state' })).toBe(false)
      expect(servedByUnitOpen({ ...base, unit: 'a' })).toBe(false)
      expect(servedByUnitOpen({ ...base, unit: 'a', stateType: 'open', plan: 'p1' })).toBe(false)
      expect(servedByUnitOpen({ ...base, unit: 'a', stateType: 'open', q: '事项' })).toBe(false)
      expect(servedByUnitOpen({ ...base, stateType: 'open' })).toBe(false)
      expect([stateTypeOfName('accepted'), stateTypeOfName('extension_requested'), stateTypeOfName('closed')]).toEqual(['open', 'waiting', 'closed'])
    })

    it('pages a term within a state or overdue range as the item read does; its count is exact or a lower bound marked as more', async () => {
      const termCases: Partial<ItemFilter>[] = [
        { stateType: 'open', q: '事项1' }, // 1 11 13 14 16 17 19
        { state: 'dispatched', q: '事项2' }, // 21 24 27
        { overdueOn: '2026-01-25', q: '事项1' }, // 1 11 12 13 14 16 17 18 19
        { kind: 'task', stateType: 'waiting', q: '事项2' }, // 24
        { stateType: 'closed', q: '事项1' }, // 10 15
        { stateType: 'open', q: '事项17' },
      ]
      let lowerBounds = 0
      let sets = 0
      for (const c of termCases) {
        expect(servedByStateTerm({ ...base, ...c })).toBe(true)
        for (const windows of [undefined, { page: 3, count: 4 }, { page: 30, count: 6 }]) {
          for (const paging of [{ limit: 2 }, { limit: 2, afterNumber: 'T-011' }, { limit: 50 }, { limit: 2, countCap: 3 }]) {
            const f = { ...base, ...c, ...paging }
            const fromItem = await listItems(db, f)
            statements.length = 0
            const walked = await listStateTerm(recording, f, windows)
            if (statements.some((sql) => sql.includes('MATERIALIZED'))) sets++
            expect([walked.rows.map((r) => r.number), walked.hasNext, walked.nextAfter]).toEqual([fromItem.rows.map((r) => r.number), fromItem.hasNext, fromItem.nextAfter])
            // Not marked as more: exact, as the item read counts. Marked: at most what the item read counts.
            if (!walked.more) expect([walked.total, walked.more]).toEqual([fromItem.total, fromItem.more])
            else {
              expect(walked.total).toBeLessThanOrEqual(fromItem.total)
              if (walked.total < fromItem.total) lowerBounds++
            }
          }
        }
      }
      // Small windows sent rare pages to the set and cut counts short, marked as lower bounds.
      expect(sets).toBeGreaterThan(0)
      expect(lowerBounds).toBeGreaterThan(0)
      // The default windows hold this whole ledger: every count exact. A two-character term, a unit or an offset is not walked here.
      expect(await listLedgerPage(db, { ...base, stateType: 'open', q: '事项1' })).toMatchObject({ total: 7, more: false })
      expect(servedByStateTerm({ ...base, stateType: 'open', q: '事项' })).toBe(false)
      expect(servedByStateTerm({ ...base, stateType: 'open', q: '事项1', unit: 'a' })).toBe(false)
      expect(servedByStateTerm({ ...base, stateType: 'open', q: '事项1', offset: 5 })).toBe(false)
      expect(servedByStateTerm({ ...base, q: '事项1' })).toBe(false)
    })

    it("asks the trigram index for a rare term's set within a state by one pattern, the span of its selective trigrams", async () => {
      // Bodies make 城关镇粮食安全 common (every item), so in 城关镇粮食安全问题 only 安全问 and 全问题 are selective.
      await db.query(`UPDATE item SET body = '城关镇粮食安全' WHERE id LIKE 'it%'`)
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         VALUES ('s1', 'S-001', 'ticket', 1, 'dispatched', 'waiting', '城关镇粮食安全问题', '', '{}'),
                ('s2', 'S-002', 'ticket', 1, 'dispatched', 'waiting', '城关镇粮食安全问题', '', '{}'),
                ('s3', 'S-003', 'ticket', 1, 'dispatched', 'waiting', '安全问题', '', '{}')`,
      )
      try {
        const sent: { sql: string; params: unknown[] }[] = []
        const spy = { ...db, query: ((sql: string, params?: unknown[]) => (sent.push({ sql, params: params ?? [] }), db.query(sql, params))) as Db['query'] }
        const f = { ...base, state: 'dispatched', q: '城关镇粮食安全问题' }
        // A page window of 3 items holds no match: the page and the count come from the term's set.
        const got = await listStateTerm(spy, f, { page: 3, count: 4 })
        const set = sent.find((s) => s.sql.includes('MATERIALIZED'))
        expect(set?.params).toEqual(expect.arrayContaining(['%安全问题%', '%城关镇粮食安全问题%']))
        expect(set?.params.filter((p) => typeof p === 'string' && p.startsWith('%'))).toHaveLength(2)
        const want = await listItems(db, f)
        expect([got.rows.map((r) => r.number), got.total, got.more]).toEqual([want.rows.map((r) => r.number), 2, false])
        expect(want.rows.map((r) => r.number)).toEqual(['S-001', 'S-002'])
      } finally {
        await db.query(`DELETE FROM item WHERE id IN ('s1', 's2', 's3')`)
        await db.query(`UPDATE item SET body = '' WHERE id LIKE 'it%'`)
      }
      expect(termSpan('城关镇粮食安全问题', ['关镇粮', '镇粮食'])).toBe('关镇粮食')
      expect(termSpan('GEN-0001234567', ['012', '123', '234', '345', '456', '567'])).toBe('01234567')
      expect(termSpan('城关镇 粮食安全', ['粮食安'])).toBe('粮食安')
      expect(termSpan('Foo Bar', ['bar'])).toBe('Bar')
      expect(termSpan('粮食安全', [])).toBe('粮食安全')
    })

    it("lets the unclosed items' trigram index (migration 185) serve a rare term's set within an unclosed state", async () => {
      expect([{ state: 'dispatched' }, { stateType: 'open' }, { stateType: 'waiting' }, { overdueOn: '2026-01-02' }].map((c) => rangeIsUnclosed({ ...base, ...c }))).toEqual([true, true, true, true])
      expect([{ state: 'closed' }, { state: 'cancelled' }, { stateType: 'closed' }, { state: 'no-such-state' }, {}].map((c) => rangeIsUnclosed({ ...base, ...c }))).toEqual([false, false, false, false, false])
      const sent: { sql: string; params: unknown[] }[] = []
      const spy = { ...db, query: ((sql: string, params?: unknown[]) => (sent.push({ sql, params: params ?? [] }), db.query(sql, params))) as Db['query'] }
      // A window of 3 items holds no match: the page and the count come from the term's set.
      const got = await listStateTerm(spy, { ...base, state: 'dispatched', q: '事项27' }, { page: 3, count: 4 })
      expect([got.rows.map((r) => r.number), got.total]).toEqual([['T-027'], 1])
      const set = sent.find((s) => s.sql.includes('MATERIALIZED'))!
      // Only the partial index can be taken by a bitmap: the other indexes of item dropped (rolled back), scans off.
      const plan = await db
        .transaction(async (tx) => {
          const { rows: idx } = await tx.query<{ name: string }>(
            `SELECT c.relname AS name FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
              WHERE x.indrelid = 'item'::regclass AND c.relname <> 'item_text_open_trgm_idx'
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`,
          )
          for (const r of idx) await tx.query(`DROP INDEX ${r.name}`)
          for (const s of ['enable_seqscan', 'enable_indexscan', 'enable_indexonlyscan']) await tx.query(`SET LOCAL ${s} = off`)
          const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${set.sql}`, set.params)
          throw Object.assign(new Error('rollback'), { plan: rows.map((r) => r['QUERY PLAN']).join('\n') })
        })
        .catch((e: { plan?: string }) => e.plan ?? String(e))
      expect(plan).toContain('item_text_open_trgm_idx')
    })

    it('follows the items: closed, reopened, moved in state or due date, a role added or taken away', async () => {
      const open = async (f: Partial<ItemFilter>) => (await listLedgerPage(db, { ...base, ...f })).rows.map((r) => r.id)
      const same = async (f: Partial<ItemFilter>) => {
        const want = (await listItems(db, { ...base, ...f })).rows.map((r) => r.id)
        expect(await open(f)).toEqual(want)
        return want
      }
      await db.query(`UPDATE item SET state = 'closed', state_type = 'closed' WHERE id = 'it1'`)
      expect(await same({ unit: 'a', stateType: 'open' })).not.toContain('it1')
      await db.query(`UPDATE item SET state = 'accepted', state_type = 'open' WHERE id IN ('it1', 'it5')`)
      expect(await same({ unit: 'a', stateType: 'open' })).toEqual(expect.arrayContaining(['it1', 'it5']))
      await db.query(`UPDATE item SET state = 'extension_requested', state_type = 'waiting', due_date = '2025-12-01' WHERE id = 'it2'`)
      expect(await same({ unit: 'a', state: 'extension_requested' })).toEqual(['it2'])
      expect(await same({ unit: 'a', overdueOn: '2026-01-01' })).toEqual(['it2'])
      // A role taken away: a's second role on it3 leaves it with the lead; c's only role on it4 takes it out.
      await db.query(`DELETE FROM item_unit WHERE item_id = 'it3' AND unit_id = 'a' AND role = 'responsible'`)
      expect(await same({ unit: 'a', stateType: 'waiting' })).toContain('it3')
      await db.query(`DELETE FROM item_unit WHERE item_id = 'it4' AND unit_id = 'c'`)
      expect(await same({ unit: 'c', stateType: 'open' })).not.toContain('it4')
      // A role given (one statement, two items), and a role moved to another unit.
      await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ('it7', 'c', 'cooperating'), ('it11', 'c', 'cooperating')`)
      expect(await same({ unit: 'c', stateType: 'open' })).toEqual(expect.arrayContaining(['it7', 'it11']))
      await db.query(`UPDATE item_unit SET unit_id = 'b' WHERE item_id = 'it13' AND unit_id = 'a'`)
      expect(await same({ unit: 'a', stateType: 'open' })).not.toContain('it13')
      expect(await same({ unit: 'b', stateType: 'open' })).toContain('it13')
      // Everything the table holds is an unclosed item's unit role, once, as the item has it now.
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           (SELECT item_id, unit_id, number, state, state_type, kind, due_date FROM ledger_unit_open
            EXCEPT SELECT DISTINCT u.item_id, u.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date FROM item i JOIN item_unit u ON u.item_id = i.id WHERE i.state_type <> 'closed')
           UNION ALL
           (SELECT DISTINCT u.item_id, u.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date FROM item i JOIN item_unit u ON u.item_id = i.id WHERE i.state_type <> 'closed'
            EXCEPT SELECT item_id, unit_id, number, state, state_type, kind, due_date FROM ledger_unit_open)) d`,
      )
      expect(rows[0]?.n).toBe(0)
    })
  })
}
