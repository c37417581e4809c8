/**
 * An event that changes only an item's snapshot, data, updated_at and version (a progress report, a 催办) can update
 * the row in place (HOT, migration 160): no index of item uses those columns, in a key, an expression or a partial
 * predicate; and a ticket's rework flag, which the problem-ticket index uses instead, follows its snapshot's counters.
 * And it does (migration 202): the first report on freshly inserted tasks of 1.1–1.95 kB is written in place, each
 * in its own transaction, counted by the backend's own statistics across that transaction (pg_stat_get_xact_tuples_hot_updated), which
 * PGlite keeps as a server does, so both databases check the same thing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`item updates in place (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
    }, 400_000)
    afterAll(async () => db?.close())

    it('has no index of item that reads what a report changes: the snapshot, the data, updated_at, version', async () => {
      const { rows } = await db.query<{ name: string; def: string }>(
        `SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS def
           FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'item'::regclass`,
      )
      expect(rows.length).toBeGreaterThan(5)
      expect(rows.filter((r) => /\b(snapshot|data|updated_at|version)\b/.test(r.def)).map((r) => r.name)).toEqual([])
      expect(rows.find((r) => r.name === 'item_problem_candidates_idx')?.def).toMatch(/rework/)
    })

    it('writes a page’s first report in place however large the row (inserts leave a page one version’s room)', async () => {
      // Pages packed as an insert packs them, on an empty table (this runs before any other test writes an item): four
      // rows of 1.1 kB then one of 1.88 kB (its next version under the 2,032 bytes where PostgreSQL would compress it),
      // five times. With fillfactor 80 a page took all five and kept ~1.84 kB free, too little for the large row's next
      // version, and nothing dead yet to prune: that report went out of place (5 of 5 pages). With 75 the large row
      // starts the next page.
      const sizes = Array.from({ length: 25 }, (_, i) => (i % 5 === 4 ? 1880 : 1100))
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot)
         SELECT 'h' || lpad(x.i::text, 2, '0'), 'H-' || x.i, 'task', 1, 'accepted', 'open', 't',
                jsonb_build_object('pad', left((SELECT string_agg(md5(x.i::text || '.' || g::text), '') FROM generate_series(1, 70) g), x.size - 135))
           FROM unnest($1::int[]) WITH ORDINALITY AS x(size, i) ORDER BY x.i`,
        [sizes],
      )
      const rows = (await db.query<{ id: string; page: string; bytes: number }>(
        `SELECT id, (ctid::text::point)[0]::text AS page, pg_column_size(i.*) AS bytes FROM item i WHERE id LIKE 'h%' ORDER BY bytes DESC, id`,
      )).rows
      expect(Math.min(...rows.map((r) => Number(r.bytes)))).toBeGreaterThan(1000)
      expect(Math.max(...rows.map((r) => Number(r.bytes)))).toBeLessThan(2032)
      // The largest row of each page, the page's first update: it has nothing dead to prune yet, as when a plan's tasks
      // get their first reports. (A second row's update on the same page needs the first's old version pruned, which
      // waits for every older snapshot, and under load it was sometimes not done: not the fillfactor's to promise.)
      const largest = new Map<string, { id: string; bytes: number }>()
      for (const r of rows) if (!largest.has(r.page)) largest.set(r.page, r)
      expect(largest.size).toBeGreaterThanOrEqual(4)
      const outOfPlace: string[] = []
      for (const { id } of largest.values()) {
        const counts = await db.transaction(async (tx) => {
          // The backend's counts not yet sent to the statistics (a server sends them at most once a second, PGlite
          // when it likes): this transaction's update is the difference across it.
          const read = async () =>
            (await tx.query<{ upd: number; hot: number }>(
              `SELECT pg_stat_get_xact_tuples_updated('item'::regclass)::int AS upd, pg_stat_get_xact_tuples_hot_updated('item'::regclass)::int AS hot`,
            )).rows[0]!
          const before = await read()
          // The report's UPDATE (writeEventRows, items.repo.ts): the same columns set, a snapshot a little larger.
          await tx.query(
            `UPDATE item SET state = $3, state_type = $4, snapshot = item.snapshot || jsonb_build_object('lastReport', $6::text), due_date = $5::date, updated_at = now(),
                    closed_at = CASE WHEN false THEN closed_at ELSE NULL END, version = version + 1
              WHERE id = $1 AND version = $2`,
            [id, 1, 'accepted', 'open', null, '2026-12-03T19:00:00.000Z 第1次报送：本月推进情况正常，已完成阶段目标。'],
          )
          const after = await read()
          return { upd: Number(after.upd) - Number(before.upd), hot: Number(after.hot) - Number(before.hot) }
        })
        expect(Number(counts.upd)).toBe(1)
        if (Number(counts.hot) !== 1) outOfPlace.push(id)
      }
      expect(outOfPlace).toEqual([])
    })
    it('keeps a ticket’s rework flag from its snapshot’s reopen and reassignment counters; a task’s stays false', async () => {
      const snap = (counters: Record<string, number>) => JSON.stringify({ counters })
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot)
         VALUES ('t1', 'T-1', 'ticket', 1, 'dispatched', 'open', 't', $1::jsonb), ('k1', 'K-1', 'task', 1, 'accepted', 'open', 'k', $2::jsonb)`,
        [snap({ reopens: 0 }), snap({ reassignments: 3 })],
      )
      const flags = async () => Object.fromEntries((await db.query<{ id: string; rework: boolean }>(`SELECT id, rework FROM item WHERE id IN ('t1', 'k1') ORDER BY id`)).rows.map((r) => [r.id, r.rework]))
      expect(await flags()).toEqual({ k1: false, t1: false })
      await db.query(`UPDATE item SET snapshot = $1::jsonb WHERE id = 't1'`, [snap({ reassignments: 1 })])
      expect(await flags()).toEqual({ k1: false, t1: true })
      await db.query(`UPDATE item SET snapshot = $1::jsonb WHERE id = 't1'`, [snap({ reassignments: 1, reopens: 1, returns: 2 })])
      expect(await flags()).toEqual({ k1: false, t1: true })
    })

  })
}
