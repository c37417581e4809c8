/**
 * The assessment counters' drain reads a unit's reports as days (assessment.repo.ts reportDaysByUnit): each unit's first
 * report of each China day, not every report. Its reporting contributions look at the days alone
 * (assessment-contrib.ts reportDays), so the facts are the same, and a task that reports stream to (a thousand in a
 * day) is a few rows to read instead of thousands. Before, the drain read every report and grouped them by copying
 * each unit's list once per row; after a plan's confirm in the peer benchmark, 40 such tasks held the event loop
 * ~170 ms a batch and the reports' p99 after the confirm was 3.5–4.9× its value before it (BENCHMARKS.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drainAssessmentLog, settingsOf } from '../../src/app/assessment/assessment-aggregates.ts'
import { shareFactsOf } from '../../src/app/assessment/assessment-contrib.ts'
import { assessedItemsByIds, reportDaysByUnit, reportTimesByUnit } from '../../src/persistence/assessment.repo.ts'
import { chinaDay } from '../../src/persistence/hotline-kpi-agg.repo.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSampleFoodAccepted, loginDemo, seedDemoCity } from '../http/plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`assessment drain: report days (${dialect})`, () => {
    let t: TestApp
    let task: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      const supervisor = await loginDemo(t, 'supervisor')
      const food = await confirmSampleFoodAccepted(t, supervisor)
      task = food.task
      for (let i = 0; i < 8; i++) {
        const r = await call(t, food.liaison, 'POST', `/api/items/${task}/reports`, { text: `第${i + 1}次进展` })
        expect(r.statusCode, r.body).toBe(200)
      }
      // Five of them moved across a China midnight: 2026-03-01 18:00 and 23:59:59 (UTC+8) are the 1st, 00:00 and later
      // the 2nd; the other three stay at the test clock's now, 2026-03-02 09:00 in China.
      const ids = (await t.db.query<{ id: string }>(`SELECT id FROM progress_report WHERE item_id = $1 ORDER BY reported_at, id`, [task])).rows.map((r) => r.id)
      const moved = ['2026-03-01T10:00:00Z', '2026-03-01T15:59:59Z', '2026-03-01T16:00:00Z', '2026-03-02T03:00:00Z', '2026-03-02T05:00:00Z']
      for (const [i, at] of moved.entries()) await t.db.query(`UPDATE progress_report SET reported_at = $2 WHERE id = $1`, [ids[i], at])
    }, 400_000)
    afterAll(async () => t?.close())

    it("reads each unit's first report of each China day, and the same days as every report gives", async () => {
      const all = (await reportTimesByUnit(t.db, [task])).get(task)!
      const days = (await reportDaysByUnit(t.db, [task])).get(task)!
      expect([...days.keys()].sort()).toEqual([...all.keys()].sort())
      for (const [unit, times] of all) {
        const firstOfDay = new Map<string, string>()
        for (const at of times) if (!firstOfDay.has(chinaDay(at))) firstOfDay.set(chinaDay(at), at)
        expect(days.get(unit)).toEqual([...firstOfDay.values()])
      }
      // The reporting unit's 8 reports are 2 days.
      const [leadUnit] = [...all.entries()].find(([, times]) => times.length >= 8)!
      expect(days.get(leadUnit)).toEqual(['2026-03-01T10:00:00.000Z', '2026-03-01T16:00:00.000Z'])
    })

    it('the drain gives the task the facts of every report', async () => {
      // Queue the task, drain it (days), and compare with the facts the item-by-item reading of every report gives.
      await t.db.query(`INSERT INTO assessment_dirty (item_id) VALUES ($1)`, [task])
      expect(await drainAssessmentLog(t.deps)).toBeGreaterThanOrEqual(1)
      const stored = await t.db.query<{ unit_id: string; share: string; contrib: unknown }>(`SELECT unit_id, share, contrib FROM assessment_fact WHERE item_id = $1 ORDER BY unit_id, share`, [task])
      const drained = stored.rows.map((r) => ({ ...r, contrib: typeof r.contrib === 'string' ? JSON.parse(r.contrib) : r.contrib }))
      expect(drained.some((f) => (f.contrib as { metric: string }[]).some((c) => c.metric.startsWith('rep.')))).toBe(true)
      // What the drain wrote before this change: the task's facts from every report (reportTimesByUnit).
      const [item] = await assessedItemsByIds(t.db, [task])
      const settings = await settingsOf(t.db, item!.kind)
      const fromEvery = shareFactsOf(item!, (await reportTimesByUnit(t.db, [task])).get(task), settings.contrib)
        .map((f) => ({ unit_id: f.unitId, share: f.share, contrib: f.contrib }))
        .sort((a, b) => (a.unit_id + a.share < b.unit_id + b.share ? -1 : 1))
      expect(drained).toEqual(fromEvery)
    })
  })
}
