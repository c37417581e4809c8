/**
 * The assessment log (assessment_dirty) is drained by the scheduler within a budget, not by the read: a read drains
 * only a small remainder (≤ READ_DRAIN_ITEMS) itself; past that it answers from the counters as they stand and says
 * how much is still queued and since when. A budgeted drain stops at its budget and the next one goes on.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { assessUnits } from '../../src/app/assessment/assess-units.ts'
import { drainAssessmentLog, READ_DRAIN_ITEMS } from '../../src/app/assessment/assessment-aggregates.ts'
import { insertItem } from './supervision-fixture.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`the assessment log drained by the scheduler, read with its staleness (${dialect})`, () => {
    let db: Db
    let deps: AppDeps
    const queued = async (): Promise<number> => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM assessment_dirty`)).rows[0]!.n)
    /** Entries for items that do not exist: a backlog the drain takes off and that counts nothing. */
    const backlog = (n: number) => db.query(`INSERT INTO assessment_dirty (item_id) SELECT 'gone-' || g FROM generate_series(1, $1::int) g`, [n])

    beforeAll(async () => {
      db = await freshDb(dialect)
      deps = { db, clock: { now: () => new Date('2026-02-02T10:00:00+08:00') }, newId: randomUUID }
      await db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department'), ('u2', '乙局', 'department')`)
      for (let i = 0; i < 6; i++) await insertItem(db, { id: `a${i}`, title: `任务${i}`, due: '2026-01-20', lead: i % 2 ? 'u1' : 'u2' })
    }, 300_000)
    afterAll(async () => db?.close())

    it('a read drains a small remainder itself and counts what it held', async () => {
      const a = await assessUnits(deps, '2026-01', 'task')
      expect(a.summary.items).toBe(6)
      expect(a.counters).toEqual({ pending: 0, more: false, pendingSince: null })
      expect(await queued()).toBe(0)
    })

    it('a budgeted drain stops at its budget, oldest first, and the next one goes on', async () => {
      await backlog(10)
      expect(await drainAssessmentLog(deps, { batch: 2, maxItems: 4 })).toBe(4)
      expect(await queued()).toBe(6)
      expect(await drainAssessmentLog(deps, { batch: 2, budgetMs: 0 })).toBe(0)
      expect(await queued()).toBe(6)
      expect(await drainAssessmentLog(deps, { batch: 4 })).toBe(6)
      expect(await queued()).toBe(0)
    })

    it('past the remainder a read answers from the counters as they stand, saying how much is queued since when', async () => {
      await insertItem(db, { id: 'late', title: '新建任务', due: '2026-01-28', lead: 'u1', createdAt: '2026-01-10T09:00:00+08:00' })
      await backlog(READ_DRAIN_ITEMS + 1)
      const stale = await assessUnits(deps, '2026-01', 'task')
      expect(stale.summary.items).toBe(6) // the new item is still queued
      expect(stale.counters?.more).toBe(true)
      expect(stale.counters?.pending).toBe(READ_DRAIN_ITEMS)
      expect(stale.counters?.pendingSince).not.toBeNull()
      expect(await queued()).toBeGreaterThan(READ_DRAIN_ITEMS) // the read drained nothing

      // The scheduler's round drains it; the next read is exact again.
      await drainAssessmentLog(deps, { kinds: ['task'], budgetMs: 600_000, batch: 200 })
      const fresh = await assessUnits(deps, '2026-01', 'task')
      expect(fresh.summary.items).toBe(7)
      expect(fresh.counters).toEqual({ pending: 0, more: false, pendingSince: null })
    })
  })
}
