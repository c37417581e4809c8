/**
 * 12345 KPI query (接诉即办考核查询) on a generated table of 1,000,000 tickets on PostgreSQL: the time of
 * `hotlineKpis` (per unit, trend, categories, places, hot topics, problem tickets) for a month (2026-11) and
 * for a year (2026), median and p95 of `runs` timed calls after one warm-up call each.
 *
 * Data, generated in SQL with `INSERT … SELECT generate_series` (no rows pass through Node): 71 units (a city,
 * 5 districts, 30 townships, 40 departments), 125 categories in three levels, 1M `item` + `ticket` rows received
 * evenly from 2026-01-01 to 2026-12-01 (China time), and their events, written both to `item_event` and to
 * `hotline_event` (the capture trigger is disabled during the load and the rows are generated directly: same
 * content, without 6M trigger calls, stored in time order as a live system appends them; the load runs with session_replication_role = replica, so neither foreign keys
 * nor triggers fire, and the two event tables' indexes are dropped and built again after it, as migrations 010, 051
 * and 053 define them). Per ticket, by r = (g · 7919) mod 100: dispatch to one of 40 departments,
 * accept (late for r < 10), contact (late for 10 ≤ r < 15), reply (late for 15 ≤ r < 22), follow-up a day after the
 * reply (70 % satisfied, 20 % basically, 10 % unsatisfied; resolved for 80 %), close; r < 3 stay open after
 * acceptance; 90 ≤ r < 95 are returned and reassigned first; r ≥ 95 are reopened after an unsatisfied follow-up
 * and replied again. About 6.1 events per ticket, in time order within each ticket.
 *
 * The database `duban_bench_hotline` (on DATABASE_URL's server, else the local one) is kept between runs
 * and reused when it holds the same generation (table bench_meta); DUBAN_BENCH_REGENERATE=1 rebuilds it,
 * DUBAN_BENCH_TICKETS=N generates N tickets instead of 1M. The run also prints EXPLAIN ANALYZE of the per-unit
 * statement for the month.
 *
 * The dashboard reads the maintained counters of migrations 152–153 (docs/tickets.md): before timing, the run
 * queues every row again when it generated the data (the load bypassed the triggers) and calls the tick's job
 * (maintainHotlineKpiCounters) until the backfill is complete and the settled deltas are folded, printing how long
 * that took. It then times the counters' answer, and calls the row-based computation (what the dashboard did
 * before) once per period in the same run and says whether both answers are equal (DUBAN_BENCH_HOTLINE_ROWS=0 skips
 * it: the year takes minutes).
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { UNIT_SQL, hotlineKpis, maintainHotlineKpiCounters, unitKpisFromCounters, unitSqlParams } from '../src/app/tickets/hotline-kpis.ts'
import { aggState, requeue } from '../src/persistence/hotline-kpi-agg.repo.ts'
import { median, type Benchmark } from './bench.types.ts'
import { keptDatabase, requirePgServer } from './bench-targets.ts'

const DB_NAME = 'duban_bench_hotline'
const GENERATION = 'v4'
const round2 = (x: number): number => Math.round(x * 100) / 100

/** The generator, for n tickets. */
function generationSql(n: number): string[] {
  return [
    `INSERT INTO unit (id, name, parent_id, level) VALUES ('bcity', '基准市', NULL, 'city')`,
    `INSERT INTO unit (id, name, parent_id, level) SELECT 'bd' || d, '第' || d || '区', 'bcity', 'district' FROM generate_series(1, 5) d`,
    `INSERT INTO unit (id, name, parent_id, level) SELECT 'bt' || d || '-' || t, '第' || d || '区第' || t || '街道', 'bd' || d, 'township' FROM generate_series(1, 5) d, generate_series(1, 6) t`,
    `INSERT INTO unit (id, name, parent_id, level, function) SELECT 'bu' || u, '部门' || u, 'bcity', 'department', '职能' || u FROM generate_series(0, 39) u`,
    `INSERT INTO service_category (code, version, parent_code, level, name, time_limits)
       SELECT lpad(a::text, 2, '0'), 1, NULL, 1, '大类' || a, '{"normal": {"unit": "working_days", "amount": 7}}'::jsonb FROM generate_series(1, 5) a`,
    `INSERT INTO service_category (code, version, parent_code, level, name)
       SELECT lpad(a::text, 2, '0') || '.' || lpad(b::text, 2, '0'), 1, lpad(a::text, 2, '0'), 2, '中类' || a || '-' || b FROM generate_series(1, 5) a, generate_series(1, 4) b`,
    `INSERT INTO service_category (code, version, parent_code, level, name, function)
       SELECT lpad(a::text, 2, '0') || '.' || lpad(b::text, 2, '0') || '.' || lpad(c::text, 2, '0'), 1, lpad(a::text, 2, '0') || '.' || lpad(b::text, 2, '0'), 3,
              '小类' || a || '-' || b || '-' || c, '职能' || ((a * 20 + b * 5 + c) % 40)
       FROM generate_series(1, 5) a, generate_series(1, 4) b, generate_series(1, 5) c`,
    `SET LOCAL session_replication_role = replica`,
    `CREATE TEMP TABLE bench_g AS
       SELECT g, TIMESTAMPTZ '2026-01-01 00:00:00+08' + (g - 1) * (interval '334 days' / ${n}) AS rec, (g::bigint * 7919) % 100 AS r,
              'bu' || (g % 40) AS u1, 'bu' || ((g + 1) % 40) AS u2
       FROM generate_series(1, ${n}) g`,
    `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, created_at, updated_at, closed_at)
       SELECT 'bt' || g, 'GD-B-' || lpad(g::text, 8, '0'), 'ticket', 1,
              CASE WHEN r < 3 THEN 'accepted' ELSE 'closed' END, CASE WHEN r < 3 THEN 'open' ELSE 'closed' END,
              '工单' || g, '{}'::jsonb, rec, rec, CASE WHEN r < 3 THEN NULL ELSE rec + interval '8 days' END
       FROM bench_g`,
    `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, requester_phone, address, place_unit_id, content, received_at)
       SELECT 'bt' || g, 'phone', 'complaint',
              lpad((1 + g % 5)::text, 2, '0') || '.' || lpad((1 + (g / 5) % 4)::text, 2, '0') || '.' || lpad((1 + (g / 20) % 5)::text, 2, '0'), 1,
              'normal', '138' || lpad((g % 100000000)::text, 8, '0'), '某路' || (g % 500) || '号', 'bt' || (1 + g % 5) || '-' || (1 + (g / 7) % 6), '诉求内容', rec
       FROM bench_g`,
    // Bulk load: no FK checks or triggers (replica role, from the items on), indexes of the two event tables built once afterwards.
    `SET LOCAL maintenance_work_mem = '256MB'`,
    `DROP INDEX hotline_event_at_idx, hotline_event_item_idx, hotline_event_handle_due_idx, hotline_event_rework_idx, item_event_item_idx`,
    `ALTER TABLE hotline_event DROP CONSTRAINT hotline_event_pkey`,
    `ALTER TABLE item_event DROP CONSTRAINT item_event_pkey`,
    // k: order within the ticket; ao: the accept/respond clocks' origin (dispatch or reassign); ho: the handling clock's origin.
    // Each run's end (on its start row) and next_at, as the capture trigger of migration 052 keeps them.
    `INSERT INTO hotline_event (seq, item_id, event, at, unit_id, accept_due, respond_due, handle_due, handle_running, rating, resolved,
                                accept_end_event, accept_end_at, respond_end_event, respond_end_at, next_at)
       SELECT seq, item_id, event, at, unit_id, accept_due, respond_due, handle_due, running, rating, resolved, aee, aea, ree, rea,
              lead(at) OVER (PARTITION BY g ORDER BY k)
       FROM (
         SELECT b.g, v.k, b.g::bigint * 16 + v.k AS seq, 'bt' || b.g AS item_id, v.event, b.rec + v.off AS at, CASE WHEN v.u = 2 THEN b.u2 ELSE b.u1 END AS unit_id,
                b.rec + v.ao + interval '2 hours' AS accept_due, b.rec + v.ao + interval '1 day' AS respond_due, b.rec + v.ho + interval '7 days' AS handle_due,
                v.running, v.rating, v.resolved, v.aee, b.rec + v.aea AS aea, v.ree, b.rec + v.rea AS rea
         FROM bench_g b, LATERAL (
           SELECT b.r BETWEEN 90 AND 94 AS passed, b.r >= 95 AS reopened,
                  CASE WHEN b.r BETWEEN 90 AND 94 THEN interval '2 hours' ELSE interval '10 minutes' END AS lo,
                  CASE WHEN b.r < 10 THEN interval '2 hours 50 minutes' ELSE interval '50 minutes' END AS acc,
                  CASE WHEN b.r BETWEEN 10 AND 14 THEN interval '30 hours' ELSE interval '5 hours' END AS con,
                  CASE WHEN b.r BETWEEN 15 AND 21 THEN interval '9 days' ELSE interval '3 days' END AS rep
         ) c, LATERAL (VALUES
           (1, 'dispatch', interval '10 minutes', 1, interval '10 minutes', interval '10 minutes', true, NULL::text, NULL::boolean, true,
               CASE WHEN c.passed THEN 'return' ELSE 'accept' END, CASE WHEN c.passed THEN interval '40 minutes' ELSE c.lo + c.acc END,
               CASE WHEN c.passed THEN 'reassign' WHEN b.r >= 3 THEN 'contact' END, CASE WHEN c.passed THEN interval '2 hours' WHEN b.r >= 3 THEN c.lo + c.con END),
           (2, 'return', interval '40 minutes', 1, interval '10 minutes', interval '10 minutes', true, NULL, NULL, c.passed, NULL, NULL, NULL, NULL),
           (3, 'reassign', interval '2 hours', 2, interval '2 hours', interval '2 hours', true, NULL, NULL, c.passed, 'accept', c.lo + c.acc, 'contact', c.lo + c.con),
           (4, 'accept', c.lo + c.acc, CASE WHEN c.passed THEN 2 ELSE 1 END, c.lo, c.lo, true, NULL, NULL, true, NULL, NULL, NULL, NULL),
           (5, 'contact', c.lo + c.con, CASE WHEN c.passed THEN 2 ELSE 1 END, c.lo, c.lo, true, NULL, NULL, b.r >= 3, NULL, NULL, NULL, NULL),
           (6, 'reply', c.lo + c.rep, CASE WHEN c.passed THEN 2 ELSE 1 END, c.lo, c.lo, false, NULL, NULL, b.r >= 3, NULL, NULL, NULL, NULL),
           (7, 'follow_up', c.lo + c.rep + interval '1 day', CASE WHEN c.passed THEN 2 ELSE 1 END, c.lo, c.lo, false,
               CASE WHEN c.reopened OR b.g % 10 = 9 THEN 'unsatisfied' WHEN b.g % 10 < 7 THEN 'satisfied' ELSE 'basically_satisfied' END, b.g % 10 < 8 AND NOT c.reopened, b.r >= 3,
               NULL, NULL, NULL, NULL),
           (8, 'reopen', c.lo + c.rep + interval '1 day 1 hour', 1, c.lo, c.lo + c.rep + interval '1 day 1 hour', true, NULL, NULL, c.reopened, NULL, NULL, NULL, NULL),
           (9, 'reply', c.lo + c.rep + interval '3 days', 1, c.lo, c.lo + c.rep + interval '1 day 1 hour', false, NULL, NULL, c.reopened, NULL, NULL, NULL, NULL),
           (10, 'follow_up', c.lo + c.rep + interval '4 days', 1, c.lo, c.lo + c.rep + interval '1 day 1 hour', false, 'satisfied', true, c.reopened, NULL, NULL, NULL, NULL),
           (11, 'close', c.lo + c.rep + interval '5 days', CASE WHEN c.passed THEN 2 ELSE 1 END, c.lo, CASE WHEN c.reopened THEN c.lo + c.rep + interval '1 day 1 hour' ELSE c.lo END, false, NULL, NULL, b.r >= 3,
               NULL, NULL, NULL, NULL)
         ) v(k, event, off, u, ao, ho, running, rating, resolved, ok, aee, aea, ree, rea)
         WHERE v.ok
       ) x
       ORDER BY at`,
    `INSERT INTO item_event (seq, item_id, event, from_state, to_state, actor_role, payload, at)
       SELECT seq, item_id, event, '', event, 'bench',
              CASE WHEN event = 'follow_up' THEN jsonb_build_object('rating', rating, 'resolved', resolved) ELSE '{}'::jsonb END, at
       FROM hotline_event`,
    `ALTER TABLE hotline_event ADD PRIMARY KEY (seq)`,
    `ALTER TABLE item_event ADD PRIMARY KEY (seq)`,
    `CREATE INDEX hotline_event_at_idx ON hotline_event(at)`,
    `CREATE INDEX hotline_event_item_idx ON hotline_event(item_id, seq)`,
    `CREATE INDEX hotline_event_handle_due_idx ON hotline_event(handle_due) WHERE handle_running`,
    `CREATE INDEX hotline_event_rework_idx ON hotline_event(at) WHERE event IN ('reopen', 'reassign')`,
    `CREATE INDEX item_event_item_idx ON item_event(item_id, seq)`,
    `SET LOCAL session_replication_role = DEFAULT`,
    `SELECT setval(pg_get_serial_sequence('item_event', 'seq'), (SELECT max(seq) FROM item_event))`,
    `CREATE TABLE bench_meta (generation text, tickets int, events bigint, generated_at timestamptz DEFAULT now())`,
    `INSERT INTO bench_meta (generation, tickets, events) SELECT '${GENERATION}', ${n}, (SELECT count(*) FROM hotline_event)`,
    `ANALYZE`,
  ]
}

/** The bench database, generated unless it already holds this generation of n tickets. */
async function prepare(admin: string, n: number, log: (line: string) => void): Promise<{ url: string; generatedMs: number | null; events: number }> {
  const { url, meta } = await keptDatabase(admin, DB_NAME, (m) => m.generation === GENERATION && Number(m.tickets) === n)
  if (meta) {
    log(`hotline-kpi: reusing ${DB_NAME} (${n} tickets, ${meta.events} events, generation ${GENERATION}); DUBAN_BENCH_REGENERATE=1 rebuilds it`)
    return { url, generatedMs: null, events: Number(meta.events) }
  }
  const db = await openPg(url)
  try {
    await migrate(db)
    const t0 = performance.now()
    await db.transaction(async (tx) => {
      for (const sql of generationSql(n)) {
        const s = performance.now()
        await tx.query(sql)
        log(`hotline-kpi: generate: ${sql.replace(/\s+/g, ' ').slice(0, 70)}… ${((performance.now() - s) / 1000).toFixed(1)} s`)
      }
    })
    const generatedMs = performance.now() - t0
    const events = Number((await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM hotline_event`)).rows[0]?.n)
    log(`hotline-kpi: generated ${n} tickets and ${events} events in ${(generatedMs / 1000).toFixed(1)} s`)
    return { url, generatedMs, events }
  } finally {
    await db.close()
  }
}

/** The `hotline-kpi` benchmark. */
export const benchmark: Benchmark = {
  name: 'hotline-kpi',
  description: 'GET /api/hotline/kpis computation (hotlineKpis) for a month and a year over 1M generated tickets on PostgreSQL',
  async run({ runs, log }) {
    const n = Number(process.env.DUBAN_BENCH_TICKETS ?? 1_000_000)
    const admin = await requirePgServer()
    const { url, generatedMs, events } = await prepare(admin, n, log)
    const db = await openPg(url)
    try {
      await migrate(db) // indexes added by later migrations
      const deps: AppDeps = { db, clock: { now: () => new Date('2026-12-01T08:00:00+08:00') }, newId: () => 'x' }
      // The counters of migration 152: a fresh generation bypassed the triggers (replica role), so queue every row;
      // a database generated before the migration was queued by it. Then the job's steps until complete and folded.
      if (generatedMs !== null) await requeue(db)
      const b0 = performance.now()
      let steps = 0
      let backfilled = 0
      let folded = 0
      let vacuumed = false
      for (;;) {
        const r = await maintainHotlineKpiCounters(deps, 200_000)
        steps++
        backfilled += r.backfilled
        folded += r.folded
        vacuumed ||= r.vacuumed
        if (r.complete && r.backfilled === 0 && r.folded === 0) break
      }
      const backfillMs = performance.now() - b0
      const counterRows = (await db.query<{ day: unknown; delta: unknown }>(`SELECT (SELECT count(*) FROM hotline_kpi_day) AS day, (SELECT count(*) FROM hotline_kpi_delta) AS delta`)).rows[0]
      log(`hotline-kpi: counters: backfilled ${backfilled} rows, folded ${folded} deltas in ${steps} job calls (vacuumed the delta tables: ${vacuumed}), ${(backfillMs / 1000).toFixed(1)} s; ` +
        `${counterRows?.day} day rows, ${counterRows?.delta} deltas left (settled after the clock's day); complete ${(await aggState(db))?.complete}`)
      // The row-based computation once per period in the same run (what the dashboard did before), and whether it agrees.
      const rowBased: Record<string, { ms: number; equal: boolean }> = {}
      const withRows = process.env.DUBAN_BENCH_HOTLINE_ROWS !== '0'
      const actor = { userId: null, role: 'admin' as const, unitId: null, scopeUnitIds: null }
      const periods = [
        { name: 'month', from: '2026-11-01', to: '2026-12-01', groupBy: 'day' },
        { name: 'year', from: '2026-01-01', to: '2027-01-01', groupBy: 'month' },
      ]
      const results: Record<string, unknown> = {}
      for (const p of periods) {
        const warm = performance.now()
        const first = await hotlineKpis(deps, actor, p)
        log(`hotline-kpi[${p.name}]: warm-up ${(performance.now() - warm).toFixed(0)} ms; ${first.units.length} units, volume ${first.totals.volume}, received ${first.totals.received}, ` +
          `on-time completion ${first.totals.onTimeCompletion.numerator}/${first.totals.onTimeCompletion.denominator}, satisfaction ${first.totals.satisfaction.numerator}/${first.totals.satisfaction.denominator}`)
        const times: number[] = []
        // From the month rows (migration 177) a year takes about what a month does: as many timed calls.
        const timed = runs
        for (let r = 0; r < timed; r++) {
          const s = performance.now()
          await hotlineKpis(deps, actor, p)
          times.push(performance.now() - s)
          log(`hotline-kpi[${p.name}]: run ${r + 1}/${timed} ${times.at(-1)!.toFixed(0)} ms`)
        }
        if (withRows) {
          await db.query(`UPDATE hotline_kpi_state SET complete = false`)
          try {
            const s = performance.now()
            const rows = await hotlineKpis(deps, actor, p)
            const ms = performance.now() - s
            rowBased[p.name] = { ms: round2(ms), equal: JSON.stringify(rows) === JSON.stringify(first) }
            log(`hotline-kpi[${p.name}]: from the rows (before) ${ms.toFixed(0)} ms; same answer as the counters: ${rowBased[p.name]!.equal}`)
          } finally {
            await db.query(`UPDATE hotline_kpi_state SET complete = true`)
          }
        }
        results[p.name] = {
          period: `[${p.from}, ${p.to}) groupBy ${p.groupBy}`,
          medianMs: round2(median(times)),
          p95Ms: round2([...times].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * times.length) - 1)]!),
          minMs: round2(Math.min(...times)),
          maxMs: round2(Math.max(...times)),
          runsMs: times.map(round2),
          timedRuns: timed,
          totals: { volume: first.totals.volume, received: first.totals.received, units: first.units.length, trendBuckets: first.trend.length },
        }
      }
      const month = { from: new Date('2026-11-01T00:00:00+08:00').toISOString(), to: new Date('2026-12-01T00:00:00+08:00').toISOString() }
      const u0 = performance.now()
      const counted = await unitKpisFromCounters(db, month, month.to)
      log(`hotline-kpi: per-unit KPIs of the month from the counters alone ${(performance.now() - u0).toFixed(1)} ms (${counted?.units.length} units)`)
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${UNIT_SQL}`, unitSqlParams(month, month.to))
      const explain = plan.rows.map((r) => r['QUERY PLAN'])
      for (const line of explain) log(`hotline-kpi: explain: ${line}`)
      const m = results['month'] as { medianMs: number; p95Ms: number }
      const y = results['year'] as { medianMs: number; p95Ms: number }
      return {
        summary: `month ${m.medianMs} ms (median of ${runs}, p95 ${m.p95Ms}), year ${y.medianMs} ms (median of ${runs}, p95 ${y.p95Ms}) from the counters` +
          (withRows ? `; from the rows month ${rowBased['month']?.ms} ms, year ${rowBased['year']?.ms} ms (one call each, answers equal: ${rowBased['month']?.equal && rowBased['year']?.equal})` : '') +
          ` — hotlineKpis over ${n} tickets, ${events} events, PostgreSQL`,
        data: {
          tickets: n, events, database: `${new URL(url).host}/${DB_NAME}`, generatedMs: generatedMs === null ? 'reused' : round2(generatedMs),
          counters: { backfillMs: round2(backfillMs), backfilled, folded, jobCalls: steps, dayRows: Number(counterRows?.day), deltasLeft: Number(counterRows?.delta) },
          rowBased, results, explainMonthUnitSql: explain,
        },
      }
    } finally {
      await db.close()
    }
  },
}
