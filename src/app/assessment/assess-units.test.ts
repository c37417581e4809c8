/**
 * Assessment bounded by the period gives what the whole-history computation gave: the old assessUnits (every item
 * of the kind into Node, the period applied there) is kept here as the oracle and compared on varied items —
 * open, waiting, closed long ago, closed in the period, cancelled, without a lead, with two leads, with targets and
 * reports — over months, quarters and years, as of their end and as of a time inside or before them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAssessedItems, reportTimesByUnit } from '../../persistence/assessment.repo.ts'
import { listSupervisionConfigs } from '../../persistence/supervision.repo.ts'
import { compositeScore, onTimeRate, overdueCount, rankUnits, unitKpis, type ItemFact } from '../../domain/kpi/index.ts'
import { instantMs } from '../../domain/workflow/time.ts'
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { testDialects } from '../../../test/support/test-db.ts'
import { loadCalendar } from '../calendar/calendar.load.ts'
import { defaultSupervisionConfig } from '../../domain/supervision/supervision-config.ts'
import { parseAssessmentPeriod } from './assessment-period.ts'
import { assessUnits, itemFact, weightsFor } from './assess-units.ts'
import { drainAssessmentLog } from './assessment-aggregates.ts'
import { isResponsibleShare, isShareFact, ownedFacts } from './owned-work.ts'
import type { AppDeps } from '../deps.ts'

/** The whole-history computation as it was before issue 7 (the oracle), with issue 8's rule of who owns what (owned-work.ts). */
async function assessAllInNode(deps: AppDeps, periodKey: string, kind: string) {
  const period = parseAssessmentPeriod(periodKey)
  const now = deps.clock.now().toISOString()
  const asOf = instantMs(now) < instantMs(period.to) ? now : new Date(instantMs(period.to)).toISOString()
  const weights = await weightsFor(deps, kind)
  const cfg = (await listSupervisionConfigs(deps.db)).get(kind) ?? defaultSupervisionConfig(kind)
  const reporting = { graceWorkingDays: cfg.reportGraceWorkingDays, calendar: await loadCalendar(deps.db) }
  const items = (await listAssessedItems(deps.db, kind)).filter((it) => instantMs(it.createdAt) < instantMs(period.to))
  const facts: ItemFact[] = []
  const reports = await reportTimesByUnit(deps.db, items.map((i) => i.id))
  for (const it of items) facts.push(...ownedFacts(it, reports.get(it.id), (row, unitId) => itemFact(row, unitId, period, asOf, cfg.reporting, reporting)))
  const itemFacts = facts.filter((f) => !isShareFact(f))
  const kpis = unitKpis(facts, period, asOf)
  const ranked = rankUnits(kpis.map((k) => ({ unitId: k.unitId, score: compositeScore(k, weights) })))
  const byUnit = new Map(kpis.map((k) => [k.unitId, k]))
  const live = itemFacts.filter((f) => !f.cancelled)
  const inPeriod = (i: string | null): boolean => !!i && instantMs(i) >= instantMs(period.from) && instantMs(i) < instantMs(period.to)
  return {
    summary: {
      items: live.length,
      dueInPeriod: live.filter((f) => inPeriod(f.dueAt)).length,
      finishedInPeriod: live.filter((f) => inPeriod(f.finishedAt)).length,
      onTime: onTimeRate(itemFacts, period, asOf),
      overdue: overdueCount(itemFacts, asOf),
    },
    rows: ranked.map((r) => {
      const k = byUnit.get(r.unitId)!
      return {
        rank: r.rank,
        unitId: r.unitId,
        items: facts.filter((f) => f.unitId === r.unitId && !f.cancelled && !isResponsibleShare(f)).length,
        onTime: k.rates.onTime,
        overdue: k.overdue,
        targetsMet: k.rates.targetsMet,
        reporting: k.rates.reporting,
        score: r.score === null ? null : Math.round(r.score * 100) / 100,
      }
    }),
  }
}

for (const dialect of testDialects()) {
  describe(`assessment bounded by the period (${dialect})`, () => {
    let t: TestApp
    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      const db = t.db
      // 400 tasks over 2025-01 … 2026-10: state by g, created every ~1.6 days, due 10–59 days later, closed (or the
      // clock stopped) some days around the due date; every 7th without a lead, every 11th with a second lead.
      await db.query(
        `WITH f AS (
           SELECT g, timestamptz '2025-01-01 09:00+08' + g * interval '38 hours' AS created, 10 + (g * 7) % 50 AS days,
                  CASE WHEN g % 13 = 0 THEN 'cancelled' WHEN g % 5 IN (0, 1, 2) THEN 'closed' WHEN g % 5 = 3 THEN 'accepted' ELSE 'completion_submitted' END AS state
             FROM generate_series(1, 400) g)
         INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, data, due_date, created_at, closed_at)
         SELECT 'q' || g, 'Q-' || lpad(g::text, 4, '0'), 'task', 1, state,
                CASE WHEN state IN ('closed', 'cancelled') THEN 'closed' WHEN state = 'accepted' THEN 'open' ELSE 'waiting' END,
                '任务' || g,
                jsonb_build_object('clocks', jsonb_build_object('due', jsonb_build_object(
                  'startedAt', to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'dueAt', NULL,
                  'stoppedAt', CASE WHEN state IN ('closed', 'completion_submitted') AND g % 4 <> 0
                                    THEN to_char((created + (days + 5 - g % 11) * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END))),
                CASE WHEN g % 3 = 0 THEN jsonb_build_object('targets', jsonb_build_array(jsonb_build_object('metric', 'm', 'comparison', '>=', 'value', 10)),
                                                            'measures', jsonb_build_object('m', g % 20)) ELSE '{}'::jsonb END,
                (created AT TIME ZONE 'Asia/Shanghai')::date + days, created,
                CASE WHEN state IN ('closed', 'cancelled') THEN created + (days + 6 - g % 11) * interval '1 day' END
           FROM f`,
      )
      const units = ['sjj', 'wjw', 'dh', 'xs', 'dh-jb']
      await db.query(
        `INSERT INTO item_unit (item_id, unit_id, role)
         SELECT 'q' || g, ($1::text[])[1 + g % 5], 'lead' FROM generate_series(1, 400) g WHERE g % 7 <> 0
         UNION ALL SELECT 'q' || g, 'city', 'lead' FROM generate_series(1, 400) g WHERE g % 11 = 0 AND g % 7 <> 0
         UNION ALL SELECT 'q' || g, ($1::text[])[1 + (g + 1) % 5], 'responsible' FROM generate_series(1, 400) g`,
        [units],
      )
      await db.query(
        `INSERT INTO progress_report (id, item_id, unit_id, body, reported_at)
         SELECT 'r' || g || '-' || k, 'q' || g, 'sjj', '进展', i.created_at + k * interval '27 days'
           FROM generate_series(1, 400) g CROSS JOIN generate_series(1, 3) k JOIN item i ON i.id = 'q' || g WHERE g % 2 = 0`,
      )
      // What the scheduler's drain does in a running server: a read drains at most a small remainder itself.
      await drainAssessmentLog(t.deps)
    }, 600_000) // PGlite start, migrations and seeding take minutes when the machine is shared
    afterAll(async () => t?.close())

    const cases: [string, string][] = [
      ['2026-05', '2026-06-03T09:00:00+08:00'],
      ['2026-05', '2026-05-17T09:00:00+08:00'],
      ['2026-Q2', '2026-11-20T09:00:00+08:00'],
      ['2025', '2026-11-20T09:00:00+08:00'],
      ['2025-03', '2026-11-20T09:00:00+08:00'],
      ['2026-12', '2026-11-20T09:00:00+08:00'],
    ]
    it.each(cases)('gives the same %s assessment as of %s as the whole-history computation', async (period, now) => {
      t.clock.set(now)
      const a = await assessUnits(t.deps, period, 'task')
      const oracle = await assessAllInNode(t.deps, period, 'task')
      expect(a.summary).toEqual(oracle.summary)
      expect(a.rows.map(({ unitName: _, ...r }) => r)).toEqual(oracle.rows)
      expect(a.rows.length).toBeGreaterThan(3)
    })
  })
}
