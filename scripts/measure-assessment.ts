/**
 * Times the assessment (GET /api/assessment: assessUnits) from the maintained counters of migration 116 against a
 * database filled by scripts/generate-items.ts, and, with --items, the item-by-item computation beside it in the same
 * run. First drains the dirty-item log (after the migration that is every item: the backfill), timed. Prints one line
 * per period with p50/p95 over --runs calls, the statements per call, and the load average; --explain adds
 * EXPLAIN (ANALYZE, BUFFERS) of every read statement of the period's last call; --breakdown the p50 milliseconds of
 * each statement.
 *
 *   npx tsx scripts/measure-assessment.ts --url postgres://postgres@127.0.0.1:5432/duban_gen10m [--runs 20] [--items]
 *       [--periods 2026-11,2026-Q4,2026,2025-03,2026-11-X2,2026-W47] [--now 2026-11-20T10:00:00+08:00] [--explain] [--stale]
 *       [--breakdown] [--warmup 1] [--dump answers.json]
 *
 * --stale: before the drain, times the reads with the backlog as it stands (see drainForRead).
 * --verify N: first checks the counters a fill or drain left (scripts/generate-items.ts fills them set-based): the facts
 * of a sample of about N items equal what the drain's code (shareFactsOf) computes for them, and every counter row
 * equals the sum of the facts' contributions by day, month and year; prints the counts of equal and different rows.
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { openDatabase } from '../src/persistence/open.ts'
import type { Queryable } from '../src/persistence/db.ts'
import { assessUnits, assessUnitsFromItems } from '../src/app/assessment/assess-units.ts'
import { drainAssessmentLog, settingsOf } from '../src/app/assessment/assessment-aggregates.ts'
import { shareFactsOf } from '../src/app/assessment/assessment-contrib.ts'
import { assessedItemsByIds, reportTimesByUnit } from '../src/persistence/assessment.repo.ts'
import { factsOfItems } from '../src/persistence/assessment-agg.repo.ts'
import type { AppDeps } from '../src/app/deps.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`)
const RUNS = Number(arg('runs') ?? 20)
const WARMUP = Number(arg('warmup') ?? 1)
const periods = (arg('periods') ?? '2026-11,2026-Q4,2026,2025-03,2026-11-X2,2026-W47').split(',')
const db = await openDatabase({ url: arg('url') ?? process.env.DATABASE_URL, dataDir: arg('data-dir') })
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ')
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}
let statements = 0
// The statements --explain shows: every statement of a period's last call (reads only: the drain's writes are skipped).
let lastCall: { sql: string; params: readonly unknown[] }[] = []
// --breakdown: milliseconds per statement (by its first words), summed over a period's calls.
const spent = new Map<string, number[]>()
const counting = {
  ...db,
  query: async (sql: string, params?: readonly unknown[], options?: unknown) => {
    statements++
    lastCall.push({ sql, params: params ?? [] })
    const s = performance.now()
    try {
      return await db.query(sql, params, options as never)
    } finally {
      const key = sql.replace(/\s+/g, ' ').trim().slice(0, 70)
      const xs = spent.get(key) ?? []
      xs.push(performance.now() - s)
      spent.set(key, xs)
    }
  },
  transaction: db.transaction.bind(db),
  close: db.close.bind(db),
  memo: db.memo,
}
const answers: Record<string, unknown> = {}
let n = 0
const now = new Date(arg('now') ?? '2026-11-20T10:00:00+08:00')
const deps = { db: counting, clock: { now: () => now }, newId: () => `m-${++n}` } as unknown as AppDeps

// --verify N: the facts of a sample equal the drain's computation; the counters equal the facts' sums (no writes).
if (arg('verify')) {
  const t = performance.now()
  const { rows: sample } = await db.query<{ id: string }>(`SELECT id FROM item TABLESAMPLE SYSTEM (2) REPEATABLE (7) LIMIT $1`, [Number(arg('verify'))])
  const ids = sample.map((r) => r.id)
  const items = await assessedItemsByIds(db, ids)
  const reports = await reportTimesByUnit(db, ids)
  const stored = new Map((await factsOfItems(db, ids)).map((f) => [`${f.itemId}|${f.unitId}`, f]))
  const settings = new Map<string, Awaited<ReturnType<typeof settingsOf>>>()
  const key = (x: Parameters<typeof JSON.stringify>[0] & Record<string, unknown>): string =>
    JSON.stringify([x.itemId, x.unitId, x.kind, x.share, x.number, x.live, x.closed, x.createdAt, x.createdDay, x.dueDate, x.finAt, x.finDay, x.closedAt, x.closeDay,
      (x.contrib as { metric: string; ckey: string; day: string; n: number }[]).map((c) => [c.metric, c.ckey, c.day, c.n])])
  let equal = 0
  let different = 0
  let computed = 0
  for (const it of items) {
    if (!settings.has(it.kind)) settings.set(it.kind, await settingsOf(db, it.kind))
    for (const f of shareFactsOf(it, reports.get(it.id), settings.get(it.kind)!.contrib)) {
      computed++
      const s = stored.get(`${f.itemId}|${f.unitId}`)
      if (s && key({ ...s }) === key({ ...f })) equal++
      else different++
    }
  }
  console.log(`verify: ${items.length} sampled items, ${computed} shares computed by the drain's code, ${stored.size} stored: ${equal} equal, ${different} different (${((performance.now() - t) / 1000).toFixed(1)} s, load ${load()})`)
  const { rows: agg } = await db.transaction(async (tx: Queryable) => {
    await tx.query(`SET LOCAL work_mem = '256MB'`)
    return tx.query<{ missing: string; extra: string; unequal: string; total: string }>(
      `WITH f AS (SELECT f.kind, e->>'metric' AS metric, (e->>'day')::date AS day, f.unit_id, e->>'ckey' AS ckey, sum((e->>'n')::bigint) AS n
                    FROM assessment_fact f CROSS JOIN jsonb_array_elements(f.contrib) e GROUP BY 1, 2, 3, 4, 5),
       g AS (SELECT kind, metric, grain, day, unit_id, ckey, sum(n) AS n FROM (
               SELECT kind, metric, 'd'::char(1) AS grain, day, unit_id, ckey, n FROM f
               UNION ALL SELECT kind, metric, 'm', date_trunc('month', day::timestamp)::date, unit_id, ckey, n FROM f
               UNION ALL SELECT kind, metric, 'y', date_trunc('year', day::timestamp)::date, unit_id, ckey, n FROM f) x
             GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0)
       SELECT count(*) FILTER (WHERE a.n IS NULL)::text AS missing, count(*) FILTER (WHERE g.n IS NULL)::text AS extra,
              count(*) FILTER (WHERE a.n <> g.n)::text AS unequal, count(*)::text AS total
         FROM g FULL JOIN (SELECT * FROM assessment_agg WHERE n <> 0) a USING (kind, metric, grain, day, unit_id, ckey)`,
    )
  })
  const a = agg[0]!
  console.log(`verify: ${a.total} counter rows against the facts' sums: ${a.missing} missing, ${a.extra} extra, ${a.unequal} unequal (${((performance.now() - t) / 1000).toFixed(1)} s, load ${load()})`)
}

// --stale: first the reads as GET /api/assessment makes them before the backlog is drained (they drain a remainder of
// at most READ_DRAIN_ITEMS themselves, else answer from the counters as they stand, saying how much is queued).
for (const period of flag('stale') ? periods : []) {
  const times: number[] = []
  let a: Awaited<ReturnType<typeof assessUnits>> | null = null
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now()
    a = await assessUnits(deps, period, 'task')
    times.push(performance.now() - s)
  }
  console.log(`assessment ${period} before the drain: p50 ${pct(times, 50).toFixed(1)} ms p95 ${pct(times, 95).toFixed(1)} ms, counters ${JSON.stringify(a?.counters)} (load ${load()})`)
}
const t0 = performance.now()
const drained = await drainAssessmentLog(deps, { kinds: ['task'] })
console.log(`drain: ${drained} items recomputed in ${((performance.now() - t0) / 1000).toFixed(1)} s (load ${load()})`)
const { rows: size } = await db.query<{ facts: string; agg: string }>(`SELECT (SELECT count(*) FROM assessment_fact)::text AS facts, (SELECT count(*) FROM assessment_agg)::text AS agg`)
console.log(`assessment_fact ${size[0]?.facts} rows, assessment_agg ${size[0]?.agg} rows`)

for (const period of periods) {
  const times: number[] = []
  let perCall = 0
  let units = 0
  let last: Awaited<ReturnType<typeof assessUnits>> | null = null
  // Untimed calls first (--warmup, 1 by default): the first call of a process opens the pool's connections and plans.
  for (let i = 0; i < WARMUP; i++) await assessUnits(deps, period, 'task')
  spent.clear()
  for (let i = 0; i < RUNS; i++) {
    statements = 0
    lastCall = []
    const s = performance.now()
    const a = await assessUnits(deps, period, 'task')
    times.push(performance.now() - s)
    perCall = statements
    units = a.rows.length
    last = a
  }
  if (arg('dump')) answers[period] = { asOf: last?.asOf, summary: last?.summary, rows: last?.rows }
  console.log(`assessment ${period} counters: p50 ${pct(times, 50).toFixed(1)} ms p95 ${pct(times, 95).toFixed(1)} ms, ${perCall} statements, ${units} units (load ${load()})`)
  if (flag('breakdown')) {
    for (const [key, xs] of [...spent.entries()].sort((a, b) => pct(b[1], 50) - pct(a[1], 50))) {
      console.log(`    ${pct(xs, 50).toFixed(1)} ms p50 ×${(xs.length / RUNS).toFixed(1)}/call  ${key}`)
    }
  }
  for (const l of flag('explain') ? lastCall.filter((c) => /^\s*(SELECT|WITH)/i.test(c.sql) && !/pg_(try_)?advisory/.test(c.sql)) : []) {
    console.log(`  -- ${l.sql.replace(/\s+/g, ' ').trim().slice(0, 110)}`)
    const name = `m_explain_${++n}`
    await db.transaction(async (tx: Queryable) => {
      await tx.query(`PREPARE ${name} AS ${l.sql}`)
      // Arrays as '{…}' literals of unknown type, so that they take the statement's element type (date[], boolean[]).
      const lit = (p: unknown): string => (p === null ? 'NULL' : Array.isArray(p) ? `'{${p.map((x) => `"${String(x)}"`).join(',')}}'` : `'${String(p)}'`)
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE ${name}${l.params.length ? `(${l.params.map(lit).join(',')})` : ''}`)
      for (const r of rows) console.log(`    ${r['QUERY PLAN']}`)
    })
  }
}
// --dump FILE: the answers (summary and rows) of each period's last call, to compare two versions' answers.
if (arg('dump')) writeFileSync(arg('dump')!, JSON.stringify(answers, null, 1))
for (const period of flag('items') ? periods : []) {
  const s = performance.now()
  const b = await assessUnitsFromItems(deps, period, 'task')
  const ms = performance.now() - s
  const a = await assessUnits(deps, period, 'task')
  const same = JSON.stringify({ s: a.summary, r: a.rows }) === JSON.stringify({ s: b.summary, r: b.rows })
  console.log(`assessment ${period} item by item: ${ms.toFixed(0)} ms (one call), equal to the counters: ${same} (load ${load()})`)
}
await db.close()
