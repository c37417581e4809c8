/**
 * How long each transaction holds PGlite (in process, in memory) during a 1,000-task confirm, the scheduler's tick
 * after it, the round's assessment drain and the audit sealer: on PGlite a transaction is one stretch of the event
 * loop that every request in flight waits for. Per phase: statements and their summed time, transactions (longest,
 * median), the slowest statements; with TXLOG=1 the three longest transactions with their statements.
 *
 *   npx tsx scripts/measure-pglite-stretches.ts 100,20,100,20
 *
 * One round per number (the first round also warms PGlite: read from the second): a fresh 1,000-task plan
 * confirmed, a tick, the drain in batches of that many items, then the sealer over the confirm's audit rows in
 * batches of 1,000 rows (drain batch ≠ 20) or 100 (drain batch 20). Scratch-level: a measurement, not a test.
 */
import { randomUUID } from 'node:crypto'
import { buildServer } from '../src/adapters/http/server.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../src/app/demo/seed-demo.ts'
import { confirmPlan } from '../src/app/plans/confirm-plan.ts'
import { superviseTick } from '../src/app/supervision/supervise-tick.ts'
import { Pacer, SERVE_TICK_PACE } from '../src/app/supervision/tick-pace.ts'
import { drainAssessmentLog } from '../src/app/assessment/assessment-aggregates.ts'
import { kindCatalog } from '../src/domain/kinds/index.ts'
import { sealAudit } from '../src/app/audit/seal-audit.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPglite } from '../src/persistence/pglite.db.ts'
import type { Db, Queryable } from '../src/persistence/db.ts'
import { makePlanText, PLAN_LEADS } from '../bench/peer.plan.ts'

const raw = await openPglite()
await migrate(raw)
let rec: { sql: string; ms: number }[] | null = null
const txs: number[] = []
const txLog: { ms: number; st: string[] }[] = []
let cur: string[] | null = null
const wrapQ = (q: Queryable): Queryable => Object.assign(Object.create(q), {
  query: async (sql: string, p?: readonly unknown[], o?: any) => {
    const t = performance.now(); const r = await q.query(sql, p, o); const ms = performance.now() - t; rec?.push({ sql: sql.replace(/\s+/g, ' ').trim().slice(0, 100), ms }); cur?.push(`${ms.toFixed(1)} ${sql.replace(/\s+/g, ' ').trim().slice(0, 50)}`); return r
  },
})
const db: Db = Object.assign(wrapQ(raw) as Db, {
  transaction: async <T>(fn: (tx: Queryable) => Promise<T>) => { const t = performance.now(); const mine: string[] = []; try { return await raw.transaction((tx) => { cur = mine; return fn(wrapQ(tx)) }) } finally { cur = null; if (rec) { txs.push(performance.now() - t); txLog.push({ ms: performance.now() - t, st: mine }) } } },
})
const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
await seedDemoUnits(deps); await seedDemoUsers(deps)
const app = await buildServer(deps, { logger: false }); await app.ready()
const inject = async (token: string | null, method: 'GET' | 'POST', path: string, payload?: unknown) => {
  const r = await app.inject({ method, url: path, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload === undefined ? {} : { payload: payload as object }) })
  return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null }
}
const sup = (await inject(null, 'POST', '/api/auth/login', { username: 'supervisor', password: DEMO_PASSWORD })).json.token
const importPlan = async (n: number) => {
  const text = makePlanText({ title: `p${n}`, count: n, leads: Object.values(PLAN_LEADS).map((l) => l.name), due: '2027年6月底前' })
  const r = await inject(sup, 'POST', '/api/plans', { fileName: `p.txt`, contentBase64: Buffer.from(text).toString('base64') })
  return r.json.id as string
}
const batches = (process.argv[2] ?? '100').split(',').map(Number)
function summary(label: string) {
  const r = rec!; const top = [...r].sort((a, b) => b.ms - a.ms).slice(0, 8)
  const bySql = new Map<string, { n: number; ms: number; max: number }>()
  for (const x of r) { const k = x.sql.slice(0, 60); const v = bySql.get(k) ?? { n: 0, ms: 0, max: 0 }; v.n++; v.ms += x.ms; v.max = Math.max(v.max, x.ms); bySql.set(k, v) }
  const txSorted = [...txs].sort((a, b) => b - a)
  console.log(`== ${label}: ${r.length} statements, ${r.reduce((a, x) => a + x.ms, 0).toFixed(0)} ms; ${txs.length} tx, longest ${txSorted.slice(0, 6).map((x) => x.toFixed(0)).join(', ')} ms, median ${txSorted[Math.floor(txSorted.length / 2)]?.toFixed(1)}`)
  for (const t of top) console.log(`  ${t.ms.toFixed(1)} ms  ${t.sql}`)
  for (const [k, v] of [...bySql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`  Σ ${v.ms.toFixed(0)} ms n=${v.n} max ${v.max.toFixed(1)}  ${k}`)
  if (process.env.TXLOG) for (const x of [...txLog].sort((a, b) => b.ms - a.ms).slice(0, 3)) console.log(`  tx ${x.ms.toFixed(1)}: ${x.st.join(' | ')}`)
  rec = []; txs.length = 0; txLog.length = 0
}
for (const b of batches) {
  const planId = await importPlan(1000)
  const { rows } = await raw.query<{ id: string }>(`SELECT id FROM app_user WHERE username = 'supervisor'`)
  const actor = { userId: rows[0]!.id, role: 'supervisor' as const, unitId: null, scopeUnitIds: null }
  rec = []
  const t0 = performance.now(); await confirmPlan(deps, actor, planId); summary(`confirm ${(performance.now() - t0).toFixed(0)} ms`)
  await superviseTick(deps, deps.clock.now(), { pacer: new Pacer(SERVE_TICK_PACE) }); summary('tick')
  await drainAssessmentLog(deps, { kinds: [...new Set(kindCatalog.all.map((k) => k.id))], budgetMs: 10_000, batch: b }); summary(`drain batch ${b}`)
  const sb = b === 20 ? 100 : 1000
  const u = (await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL`)).rows[0]
  const ts = performance.now(); await sealAudit(db, { batchSize: sb }); summary(`seal ${JSON.stringify(u)} batch ${sb}: ${(performance.now() - ts).toFixed(0)} ms`)
}
await app.close(); await raw.close()
