/**
 * The 12345 KPI capture (hotline_event_capture_rows, migration 187) reads item by key, one row per new history row,
 * whatever item's statistics say. Before, on a database analyzed before its tickets came (a young one: autovacuum had
 * not analyzed item since), `new_rows JOIN item … WHERE kind = 'ticket'` was planned as a hash join over every ticket:
 * each intake group read the whole ticket table, twice (docs/write-path.md "Intake: the capture's plan").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../../src/persistence/db.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

const TICKETS = 400
const GROUP = 8

/** item rows read so far in this transaction: heap rows of sequential scans plus index entries of every index. */
async function itemRowsRead(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    `SELECT (SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_xact_user_tables WHERE relname = 'item')
          + (SELECT coalesce(sum(pg_stat_get_xact_tuples_returned(indexrelid)), 0) FROM pg_index WHERE indrelid = 'item'::regclass) AS n`,
  )
  return Number(rows[0]?.n ?? 0)
}

for (const dialect of testDialects()) {
  describe(`the 12345 capture's item reads (${dialect})`, () => {
    let db: Db

    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department')`)
      const snap = (kind: string) =>
        JSON.stringify({ kind, kindVersion: '1', state: 'dispatched', counters: {}, data: { lead: 'u1' }, clocks: { handle: { dueAt: '2026-12-20T00:00:00.000Z', startedAt: '2026-12-01T00:00:00.000Z' } } })
      // Statistics taken while item held plan tasks only (a young database), then the tickets came.
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, data, created_at, updated_at)
         SELECT 'task' || g, 'DB-' || g, 'task', 1, 'accepted', 'open', '任务', $1, '{}', now(), now() FROM generate_series(1, 50) g`,
        [snap('task')],
      )
      await db.query(`ANALYZE item`)
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, data, created_at, updated_at)
         SELECT 'tk' || g, 'GD-' || g, 'ticket', 1, 'dispatched', 'open', '工单' || g, $1, '{}', now(), now() FROM generate_series(1, ${TICKETS}) g`,
        [snap('ticket')],
      )
    }, 300_000)
    afterAll(async () => db?.close())

    it(`a group of ${GROUP} new tickets' history rows reads item by key (a few rows per history row, not every ticket)`, async () => {
      const read = await db.transaction(async (tx) => {
        const before = await itemRowsRead(tx)
        // As an intake group writes them: each ticket's receive and dispatch, in one statement.
        await tx.query(
          `INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, at)
           SELECT 'tk' || g, e.event, e.f, e.t, 'operator', now() + e.k * interval '1 ms'
             FROM generate_series(1, ${GROUP}) g, (VALUES (1, 'receive', '', 'received'), (2, 'dispatch', 'received', 'dispatched')) e(k, event, f, t)
            ORDER BY g, e.k`,
        )
        const n = (await itemRowsRead(tx)) - before
        const captured = (await tx.query<{ n: string }>(`SELECT count(*) AS n FROM hotline_event`)).rows[0]!.n
        return { n, captured: Number(captured) }
      })
      // Every row captured, as before.
      expect(read.captured).toBe(2 * GROUP)
      // By key: the foreign-key check one item row per history row, the capture's check and its INSERT about one each
      // (49 for these 16 rows on pg); a hash join over the tickets read all 400, twice.
      expect(read.n).toBeLessThanOrEqual(4 * 2 * GROUP)
    })
  })
}
