/**
 * An event that changes only an item's snapshot, data and version (a progress report, a 催办) can update the row in
 * place (HOT, migration 160): no index of item uses the snapshot, in a key, an expression or a partial predicate;
 * and a ticket's rework flag, which the problem-ticket index uses instead, follows its snapshot's counters.
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

    it('has no index of item that reads the snapshot or the data', async () => {
      const { rows } = await db.query<{ name: string; def: string }>(
        `SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS def
           FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'item'::regclass`,
      )
      expect(rows.length).toBeGreaterThan(5)
      expect(rows.filter((r) => /\b(snapshot|data)\b/.test(r.def)).map((r) => r.name)).toEqual([])
      expect(rows.find((r) => r.name === 'item_problem_candidates_idx')?.def).toMatch(/rework/)
    })

    it('keeps a ticket’s rework flag from its snapshot’s reopen and reassignment counters; a task’s stays false', async () => {
      const snap = (counters: Record<string, number>) => JSON.stringify({ counters })
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot)
         VALUES ('t1', 'T-1', 'ticket', 1, 'dispatched', 'open', 't', $1::jsonb), ('k1', 'K-1', 'task', 1, 'accepted', 'open', 'k', $2::jsonb)`,
        [snap({ reopens: 0 }), snap({ reassignments: 3 })],
      )
      const flags = async () => Object.fromEntries((await db.query<{ id: string; rework: boolean }>(`SELECT id, rework FROM item ORDER BY id`)).rows.map((r) => [r.id, r.rework]))
      expect(await flags()).toEqual({ k1: false, t1: false })
      await db.query(`UPDATE item SET snapshot = $1::jsonb WHERE id = 't1'`, [snap({ reassignments: 1 })])
      expect(await flags()).toEqual({ k1: false, t1: true })
      await db.query(`UPDATE item SET snapshot = $1::jsonb WHERE id = 't1'`, [snap({ reassignments: 1, reopens: 1, returns: 2 })])
      expect(await flags()).toEqual({ k1: false, t1: true })
    })
  })
}
