/**
 * What queues an item for the assessment (assessment_dirty), migration 171: a progress report once (its
 * progress_report row; the item's snapshot changes only in parts the assessment does not read), a 催办 not at all,
 * and a change of anything the assessment reads of the item — state, due date, the due clock, reported measures,
 * data — as before, one entry per changed row.
 *
 * The assessment reads of the snapshot only `clocks.due` and `data.measures` (assess-units.ts finishedAtOf,
 * targetsOf; assessment-contrib.ts shareFactsOf). If it comes to read more, widen the condition of
 * assessment_mark_item_row (migration 171's WHEN, in the function since migration 206); the last test (a 催办's item recomputed by force gives the same facts) is the check that nothing read
 * was left out for the events taken here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drainAssessmentLog } from '../../src/app/assessment/assessment-aggregates.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSampleFoodAccepted, loginDemo, seedDemoCity } from '../http/plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`assessment marks (${dialect})`, () => {
    let t: TestApp
    let liaison: string
    let supervisor: string
    let task: string
    let others: string[]

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      // 保障食品药品安全: lead 市市场监管局, whose liaison (sjj) takes it up.
      const food = await confirmSampleFoodAccepted(t, supervisor)
      ;({ task, liaison } = food)
      others = food.others.slice(0, 3)
      expect(others).toHaveLength(3)
    }, 400_000)
    afterAll(async () => t?.close())

    /** Entries queued for `ids` by `step`. */
    const marksBy = async (ids: readonly string[], step: () => Promise<unknown>): Promise<number> => {
      const count = async () => Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM assessment_dirty WHERE item_id = ANY($1)`, [[...ids]])).rows[0]?.n)
      const before = await count()
      await step()
      return (await count()) - before
    }
    const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
      const r = await res
      expect(r.statusCode, r.body).toBe(200)
    }

    it('a progress report queues its item once', async () => {
      expect(await marksBy([task], () => ok(call(t, liaison, 'POST', `/api/items/${task}/reports`, { text: '本周进展' })))).toBe(1)
    })

    it('a 催办 queues nothing', async () => {
      expect(await marksBy([task], () => ok(call(t, supervisor, 'POST', `/api/items/${task}/events`, { event: 'remind', payload: { text: '请加快进度' } })))).toBe(0)
    })

    it('a change of what the assessment reads queues the item, one entry per changed row', async () => {
      // On the other tasks: the events above and below stay on a task whose snapshot the engine wrote.
      const one = [others[0]!]
      const upd = (sql: string, ids: readonly string[] = one) => marksBy(ids, () => t.db.query(sql, [[...ids]]))
      expect(await upd(`UPDATE item SET snapshot = jsonb_set(snapshot, '{data}', coalesce(snapshot->'data', '{}') || '{"measures": {"完成率": 90}}') WHERE id = ANY($1)`)).toBe(1)
      expect(await upd(`UPDATE item SET snapshot = jsonb_set(snapshot, '{clocks,due,stoppedAt}', '"2026-03-03T10:00:00+08:00"') WHERE id = ANY($1)`)).toBe(1)
      expect(await upd(`UPDATE item SET due_date = due_date + 1 WHERE id = ANY($1)`, others)).toBe(others.length)
      expect(await upd(`UPDATE item SET data = data || '{"cadence": {"every": "none"}}' WHERE id = ANY($1)`)).toBe(1)
      expect(await upd(`UPDATE item SET state = 'x_' || state WHERE id = ANY($1)`, others)).toBe(others.length)
      expect(await upd(`UPDATE item SET state = substr(state, 3) WHERE id = ANY($1)`, others)).toBe(others.length)
      // Parts of the snapshot and columns it does not read: nothing.
      expect(await upd(`UPDATE item SET snapshot = snapshot || '{"remindCount": 7}', updated_at = now(), version = version + 1 WHERE id = ANY($1)`, others)).toBe(0)
    })

    it('a report row queues its item through a row trigger, without a transition table (migration 172)', async () => {
      const lead = (await t.db.query<{ unit_id: string }>(`SELECT unit_id FROM item_unit WHERE item_id = $1 AND role = 'lead'`, [task])).rows[0]!.unit_id
      const calls = await t.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL track_functions = 'all'`)
        const count = async () =>
          Object.fromEntries(
            (await tx.query<{ funcname: string; calls: string }>(`SELECT funcname, calls FROM pg_stat_xact_user_functions WHERE funcname LIKE 'assessment_mark%'`)).rows.map((r) => [r.funcname, Number(r.calls)]),
          )
        const before = await count()
        await tx.query(`INSERT INTO progress_report (id, item_id, unit_id, body, reported_at) VALUES ('pr-row-trigger', $1, $2, '进展', now())`, [task, lead])
        const after = await count()
        await tx.query(`DELETE FROM progress_report WHERE id = 'pr-row-trigger'`)
        return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0))
      })
      expect(calls).toEqual({ assessment_mark_report_row: 1 })
    })

    it("a 催办's item recomputed by force gives the same assessment facts (nothing it changed is read)", async () => {
      await drainAssessmentLog(t.deps)
      const facts = async () =>
        (await t.db.query(`SELECT unit_id, share, live, closed, created_day::text, due_date::text, fin_at, fin_day::text, closed_at, contrib FROM assessment_fact WHERE item_id = $1 ORDER BY unit_id`, [task])).rows
      const before = await facts()
      expect(before.length).toBeGreaterThan(0)
      expect(await marksBy([task], () => ok(call(t, supervisor, 'POST', `/api/items/${task}/events`, { event: 'remind', payload: { text: '再次催办' } })))).toBe(0)
      await t.db.query(`INSERT INTO assessment_dirty (item_id) VALUES ($1)`, [task])
      await drainAssessmentLog(t.deps)
      expect(await facts()).toEqual(before)
    })
  })
}
