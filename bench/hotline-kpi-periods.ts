/**
 * The 12345 dashboard's periods, timed: `hotlineKpis` (GET /api/hotline/kpis) for the periods the screen offers
 * (本月, 本季度, 近三个月 by week, 本年 by month, and the whole year 2026 by month, by week and by day as the bench
 * asks it), p50 / p95 of `--runs` calls each after one warm-up call, on a database the `hotline-kpi` bench generated
 * (clock 2026-12-01 08:00 China time, as that bench sets it). It reads only: it never folds or vacuums, so the
 * counters are timed as they were left (dead delta rows included). `--explain` prints, per period, each statement
 * of one call with its EXPLAIN (ANALYZE, BUFFERS) execution time, shared buffers and top plan node. `--migrate`
 * applies pending migrations first. `--compare-rows` also computes each period once from hotline_event's rows (the
 * counters marked incomplete for that call: a scratch database only) and says whether the whole answer is equal.
 * Prints the load average with every line. `--scope u1,u2` answers as a supervisor whose 数据范围 an admin set to those
 * units (the board by unit: its units' rows and problem tickets only); default every unit (an admin).
 *
 *   npx tsx bench/hotline-kpi-periods.ts --url postgres://postgres@127.0.0.1:5432/duban_bench_hotline [--runs 15] [--explain] [--migrate] [--only year]
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { AppDeps } from '../src/app/deps.ts'
import { hotlineKpis } from '../src/app/tickets/hotline-kpis.ts'
import type { Db, Queryable } from '../src/persistence/db.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '15' },
    explain: { type: 'boolean', default: false },
    migrate: { type: 'boolean', default: false },
    only: { type: 'string' },
    label: { type: 'string', default: '' },
    'compare-rows': { type: 'boolean', default: false },
    scope: { type: 'string' },
  },
})
if (!args.url) throw new Error('--url is required')

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}

const PERIODS = [
  { name: 'month', from: '2026-11-01', to: '2026-12-01', groupBy: 'day' },
  { name: 'quarter', from: '2026-10-01', to: '2026-12-02', groupBy: 'day' },
  { name: 'last3-week', from: '2026-10-01', to: '2026-12-02', groupBy: 'week' },
  { name: 'this-year', from: '2026-01-01', to: '2026-12-02', groupBy: 'month' },
  { name: 'year', from: '2026-01-01', to: '2027-01-01', groupBy: 'month' },
  { name: 'year-week', from: '2026-01-01', to: '2027-01-01', groupBy: 'week' },
  { name: 'year-day', from: '2026-01-01', to: '2027-01-01', groupBy: 'day' },
  // The scoped board's cases (BENCHMARKS.md, scopedboard / unitrecv / widescope): October by day, 23 months by month.
  { name: 'october', from: '2026-10-01', to: '2026-11-01', groupBy: 'day' },
  { name: 'two-years', from: '2025-01-01', to: '2026-12-01', groupBy: 'month' },
]

/** A Queryable that records the statements it runs. */
function recording(db: Db, seen: { sql: string; params: unknown[] }[]): Db {
  return new Proxy(db, {
    get(target, prop, recv) {
      if (prop === 'query') return (sql: string, params: unknown[] = []) => (seen.push({ sql, params }), target.query(sql, params))
      const v = Reflect.get(target, prop, recv)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

async function main(): Promise<void> {
  const db = await openPg(args.url!)
  try {
    if (args.migrate) console.log(`migrated: ${(await migrate(db)).join(', ') || 'nothing pending'}`)
    const deps: AppDeps = { db, clock: { now: () => new Date('2026-12-01T08:00:00+08:00') }, newId: () => 'x' }
    const scope = args.scope ? args.scope.split(',') : null
    const actor = scope
      ? { userId: null, role: 'supervisor' as const, unitId: scope[0]!, scopeUnitIds: scope, scopeSet: true }
      : { userId: null, role: 'admin' as const, unitId: null, scopeUnitIds: null }
    const runs = Number(args.runs)
    for (const p of PERIODS.filter((x) => !args.only || args.only.split(',').includes(x.name))) {
      const first = await hotlineKpis(deps, actor, p)
      const times: number[] = []
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now()
        await hotlineKpis(deps, actor, p)
        times.push(performance.now() - t0)
      }
      console.log(
        `${args.label}${p.name} [${p.from}, ${p.to}) by ${p.groupBy}: p50 ${pct(times, 50).toFixed(1)} ms p95 ${pct(times, 95).toFixed(1)} ms max ${Math.max(...times).toFixed(1)} ms ` +
          `(${runs} calls; volume ${first.totals.volume}, received ${first.totals.received}, ${first.units.length} units, ${first.trend.length} buckets, ` +
          `${first.categories.length} categories, ${first.places.length} places, ${first.problemTickets.length} problem tickets${scope ? `, scope ${scope.length} units` : ''}) (load ${load()})`,
      )
      if (args['compare-rows']) {
        await db.query(`UPDATE hotline_kpi_state SET complete = false`)
        try {
          const t0 = performance.now()
          const rows = await hotlineKpis(deps, actor, p)
          console.log(`  from the rows: ${(performance.now() - t0).toFixed(0)} ms, whole answer equal to the counters': ${JSON.stringify(rows) === JSON.stringify(first)} (load ${load()})`)
        } finally {
          await db.query(`UPDATE hotline_kpi_state SET complete = true`)
        }
      }
      if (args.explain) {
        const seen: { sql: string; params: unknown[] }[] = []
        await hotlineKpis({ ...deps, db: recording(db, seen) }, actor, p)
        for (const s of seen) {
          if (!/^\s*(WITH|SELECT)/i.test(s.sql)) continue
          const { rows } = await (db as Queryable).query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params)
          const plan = rows.map((r) => r['QUERY PLAN'])
          const exec = plan.find((l) => l.startsWith('Execution Time'))
          const bufs = plan.find((l) => /Buffers:/.test(l))?.trim()
          console.log(`  ${s.sql.replace(/\s+/g, ' ').trim().slice(0, 90)}… | ${plan[0]!.replace(/\s+\(cost=[^)]*\)/, '').trim().slice(0, 70)} | ${bufs ?? ''} | ${exec}`)
        }
      }
    }
  } finally {
    await db.close()
  }
}

await main()
