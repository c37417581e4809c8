/**
 * How the assessment log is drained in batches (drainAssessmentLog, takeDirtyItems): each batch takes a number of
 * distinct items from among the oldest entries, with every entry of theirs there (a task many reports marked is
 * recomputed once); a drain takes only the entries queued when it began, so changes made while it runs (a stream of
 * reports) are the next drain's and never keep it going; with a pacer it rests between batches.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { drainAssessmentLog } from '../../src/app/assessment/assessment-aggregates.ts'
import { dirtyHorizon, takeDirtyItems } from '../../src/persistence/assessment-agg.repo.ts'
import type { Pacer } from '../../src/app/supervision/tick-pace.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`the assessment log drained in batches (${dialect})`, () => {
    let db: Db
    let deps: AppDeps
    /** The entries left, oldest first (item ids). */
    const left = async (): Promise<string[]> => (await db.query<{ item_id: string }>(`SELECT item_id FROM assessment_dirty ORDER BY seq`)).rows.map((r) => r.item_id)
    /** Entries for items that do not exist, in this order: taken off and counting nothing. */
    const queue = async (...ids: string[]): Promise<void> => {
      await db.query(`INSERT INTO assessment_dirty (item_id) SELECT unnest($1::text[])`, [ids])
    }
    /** A pacer that counts its rests and runs `during` at each (what other requests do meanwhile). */
    const pacer = (during: () => Promise<void> = async () => {}): Pacer & { rests: number } => {
      const p = { rests: 0, async rest() { p.rests++; await during() } }
      return p as unknown as Pacer & { rests: number }
    }

    beforeAll(async () => {
      db = await freshDb(dialect)
      deps = { db, clock: { now: () => new Date('2026-02-02T10:00:00+08:00') }, newId: randomUUID }
    }, 300_000)
    afterAll(async () => db?.close())
    beforeEach(async () => {
      await db.query(`DELETE FROM assessment_dirty`)
    })

    it('takes the first distinct items among the oldest entries, every entry of theirs in that window, and nothing past the horizon', async () => {
      await queue('a', 'a', 'b', 'a', 'c', 'b', 'd', 'a')
      const horizon = (await dirtyHorizon(db))!
      await queue('b') // after the horizon
      const ids = await db.transaction((tx) => takeDirtyItems(tx, 2, 6, horizon))
      expect(ids.sort()).toEqual(['a', 'b'])
      // a and b's entries among the oldest 6 went; c, d, the a past the window and the b past the horizon stay.
      expect(await left()).toEqual(['c', 'd', 'a', 'b'])
      expect(await db.transaction((tx) => takeDirtyItems(tx, 10, 100, horizon))).toEqual(expect.arrayContaining(['c', 'd', 'a']))
      expect(await left()).toEqual(['b'])
      expect(await dirtyHorizon(db)).not.toBeNull()
    })

    it('answers no horizon on an empty log, and a drain of it does nothing', async () => {
      expect(await dirtyHorizon(db)).toBeNull()
      expect(await drainAssessmentLog(deps, { batch: 2 })).toBe(0)
    })

    it('recomputes a task marked by many reports once per batch', async () => {
      await queue(...Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? `x${i}` : 'hot')))
      // 10 x's and one 'hot' (30 entries): 11 items, 4 per batch.
      const p = pacer()
      expect(await drainAssessmentLog(deps, { batch: 4, pacer: p })).toBe(11)
      expect(await left()).toEqual([])
    })

    it('takes only the entries queued when it began: those queued while it runs stay for the next drain', async () => {
      await queue('p1', 'p2', 'p3', 'p4', 'p5', 'p6')
      let n = 0
      // At each of the first three rests between batches, reports elsewhere mark two items (one of them marked before).
      const p = pacer(async () => (n < 3 ? queue(`new${++n}`, 'p1') : undefined))
      expect(await drainAssessmentLog(deps, { batch: 2, pacer: p })).toBe(6)
      expect(p.rests).toBe(3) // one rest after each batch
      expect(await left()).toEqual(['new1', 'p1', 'new2', 'p1', 'new3', 'p1'])
      // The next drain takes them.
      expect(await drainAssessmentLog(deps, { batch: 10 })).toBe(4)
      expect(await left()).toEqual([])
    })

    it('rests between batches with a pacer, and stops at its item bound with the rest queued oldest first', async () => {
      await queue('q1', 'q2', 'q3', 'q4', 'q5')
      const p = pacer()
      expect(await drainAssessmentLog(deps, { batch: 2, maxItems: 3, pacer: p })).toBe(3)
      expect(p.rests).toBe(2)
      expect(await left()).toEqual(['q4', 'q5'])
    })
  })
}
