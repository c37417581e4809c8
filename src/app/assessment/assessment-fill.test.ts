/**
 * The generator's set-based fill (scripts/generate-items.ts → assessment-fill.ts, hotline-kpi-agg.repo.ts
 * fillReceived) writes the rows the app's own path writes: the assessment's facts and counters equal those of marking
 * every item dirty and draining the log (drainAssessmentLog), and the received counts equal those of the ticket
 * trigger's function (hotline_recv_emit) folded by the job's step (foldStep), on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, testDialects } from '../../../test/support/test-db.ts'
import { generateItems } from '../../../scripts/generate-items.ts'
import type { Db } from '../../persistence/db.ts'
import { foldStep } from '../../persistence/hotline-kpi-agg.repo.ts'
import { drainAssessmentLog } from './assessment-aggregates.ts'

const ITEMS = 3_000
// The job's today for the fold: mid-2026, so that some tickets are received after it and stay deltas.
const CUTOFF = '2026-06-30T16:00:00.000Z'

async function assessmentRows(db: Db): Promise<{ facts: unknown[]; agg: unknown[]; basis: unknown[] }> {
  const facts = await db.query(
    `SELECT item_id, unit_id, kind, share, number, live, closed, created_at::text, created_day::text, due_date::text, fin_at::text, fin_day::text,
            closed_at::text, close_day::text, contrib::text FROM assessment_fact ORDER BY item_id, unit_id`,
  )
  // A drain leaves a counter at 0 when two batches cancel out; a row of 0 counts nothing.
  const agg = await db.query(`SELECT kind, metric, grain, day::text, unit_id, ckey, n::text FROM assessment_agg WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6`)
  const basis = await db.query(`SELECT kind, basis FROM assessment_basis ORDER BY kind`)
  return { facts: facts.rows, agg: agg.rows, basis: basis.rows }
}

async function receivedRows(db: Db): Promise<Record<string, unknown[]>> {
  const q = async (sql: string): Promise<unknown[]> => (await db.query(sql)).rows
  return {
    day: await q(`SELECT day::text, dim, code, n::text FROM hotline_recv_day ORDER BY 1, 2, 3`),
    month: await q(`SELECT month::text, dim, code, n::text FROM hotline_recv_month ORDER BY 1, 2, 3`),
    trend: await q(`SELECT day::text, received::text, events::text FROM hotline_trend_day ORDER BY 1`),
    delta: await q(`SELECT received_at::text, dim, code, n FROM hotline_recv_delta ORDER BY 1, 2, 3`),
    state: await q(`SELECT folded_through::text FROM hotline_kpi_state`),
  }
}

for (const dialect of testDialects()) {
  describe(`the generator's counters equal the app's own (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await generateItems(db, { count: ITEMS, chunk: 1_000, jobs: 2, fillChunk: 700, log: () => {}, cutoff: CUTOFF })
    }, 600_000)
    afterAll(async () => db?.close())

    it('assessment facts and counters: the fill equals marking every item and draining the log', async () => {
      const filled = await assessmentRows(db)
      // The data has what the counters count: tasks and tickets, leads and responsible units, reports, targets, open and cancelled items.
      expect(filled.facts.length).toBeGreaterThan(ITEMS)
      const metrics = new Set(filled.agg.map((r) => (r as { metric: string }).metric))
      for (const m of ['L.fin_ok', 'L.od', 'L.tgt_met', 'F.due', 'rep.exp', 'rep.ok', 'rep.diff', 'rep.open', 'rep.tail', 'alive.out']) expect(metrics, m).toContain(m)
      await db.query(`DELETE FROM assessment_fact`)
      await db.query(`DELETE FROM assessment_agg`)
      await db.query(`DELETE FROM assessment_basis`)
      await db.query(`INSERT INTO assessment_dirty (item_id) SELECT id FROM item`)
      await drainAssessmentLog({ db }, { batch: 700 })
      const drained = await assessmentRows(db)
      expect(filled.basis).toEqual(drained.basis)
      expect(filled.agg.length).toBe(drained.agg.length)
      expect(filled.agg).toEqual(drained.agg)
      expect(filled.facts.length).toBe(drained.facts.length)
      expect(filled.facts).toEqual(drained.facts)
    })

    it('received counts: the fill equals the ticket trigger and the fold', async () => {
      const filled = await receivedRows(db)
      expect((filled.day as unknown[]).length).toBeGreaterThan(100)
      expect((filled.delta as unknown[]).length).toBeGreaterThan(0)
      for (const t of ['hotline_recv_day', 'hotline_recv_month', 'hotline_trend_day', 'hotline_recv_delta']) await db.query(`DELETE FROM ${t}`)
      await db.query(`UPDATE hotline_kpi_state SET folded_through = NULL`)
      await db.query(`SELECT hotline_recv_emit(ARRAY(SELECT t FROM ticket t), 1)`)
      while ((await foldStep(db, CUTOFF, 1_000)) > 0);
      const own = await receivedRows(db)
      expect(filled).toEqual(own)
    })
  })
}
