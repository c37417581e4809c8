/**
 * What one 签收 (accept) costs, in process (app.inject, no HTTP): a fresh database on the local PostgreSQL, migrated,
 * the demo units and users, a generated plan of N tasks (bench/peer.plan.ts, led in turn by five demo departments)
 * confirmed, then every task accepted once by its lead's liaison, one request at a time (the first 10 not measured),
 * as peer's accept load does (each task once, so each 签收 reads its item). Prints per request: the backends' CPU
 * (/proc), Node's CPU, the statements the app sent (by text), index blocks touched and WAL bytes, trigger functions
 * (track_functions) and rows written per table. `--report`: as many progress reports on 40 of the accepted tasks
 * after. `--prof`: a CPU profile of the accept loop to /tmp/accept.cpuprofile. Figures move with the load.
 *
 *   npx tsx scripts/measure-accept.ts [--n 300] [--report] [--prof] [--keep]
 * MEASURE_DB_PREFIX names the scratch database (default accept_wp; a helper uses h_<name>).
 */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { loadavg } from 'node:os'
import pg from 'pg'
import type { Db, Queryable, QueryOptions } from '../src/persistence/db.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { acceptHarness } from './accept-harness.ts'

const arg = (n: string) => { const i = process.argv.indexOf(`--${n}`); return i >= 0 ? process.argv[i + 1] : undefined }
const N = Number(arg('n') ?? 300)
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = `${process.env.MEASURE_DB_PREFIX ?? 'accept_wp'}_${randomBytes(4).toString('hex')}`
const url = new URL(admin); url.pathname = `/${dbName}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const adm = new pg.Client({ connectionString: admin }); await adm.connect()
await adm.query(`CREATE DATABASE ${dbName}`)
await adm.query(`ALTER DATABASE ${dbName} SET track_functions = 'all'`)
const stat = new pg.Client({ connectionString: url.toString() })
try {
  const raw = await openPg(url.toString())
  await migrate(raw)
  const seen: string[] = []
  let counting = false
  const wrap = (q: Queryable): Queryable => Object.assign(Object.create(q) as Queryable, { query: (s: string, p?: readonly unknown[], o?: QueryOptions) => { if (counting) seen.push(s.replace(/\s+/g, ' ').trim().slice(0, 100)); return q.query(s, p, o) } })
  const db: Db = Object.assign(wrap(raw) as Db, { transaction: <T>(fn: (tx: Queryable) => Promise<T>) => raw.transaction((tx) => { if (counting) seen.push('BEGIN'); return fn(wrap(tx)) }) })
  const { app, call, tok, tasks } = await acceptHarness(raw, db, N)
  await stat.connect()
  await stat.query('VACUUM ANALYZE')
  const backendCpu = async () => {
    const { rows } = await stat.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName])
    let t = 0
    for (const { pid } of rows) { try { const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' '); t += Number(f[11]) + Number(f[12]) } catch {} }
    return t * 10
  }
  const snap = async () => {
    await sleep(1500)
    const fn = (await stat.query<any>(`SELECT funcname, calls, self_time FROM pg_stat_user_functions`)).rows
    const tb = (await stat.query<any>(`SELECT relname, n_tup_ins ins, n_tup_upd upd, n_tup_hot_upd hot FROM pg_stat_user_tables`)).rows
    const ix = (await stat.query<any>(`SELECT sum(idx_blks_hit+idx_blks_read)::bigint b FROM pg_statio_user_indexes`)).rows[0].b
    const wal = (await stat.query<any>(`SELECT wal_records, wal_bytes FROM pg_stat_wal`)).rows[0]
    return { fn: new Map(fn.map((r: any) => [r.funcname, r])), tb: new Map(tb.map((r: any) => [r.relname, r])), ix: Number(ix), wal }
  }
  const usable = tasks.filter((t) => tok[t.unit_id])
  console.log(`measure-accept: ${dbName}, ${usable.length} tasks; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
  // warm: 10 first accepts not measured
  for (const t of usable.slice(0, 10)) await call(tok[t.unit_id]!, 'POST', `/api/items/${t.id}/events`, { event: 'accept' })
  const rest = usable.slice(10)
  const s0 = await snap(); const c0 = await backendCpu(); const u0 = process.cpuUsage()
  const prof = process.argv.includes('--prof') ? new Session() : null
  if (prof) { prof.connect(); await prof.post('Profiler.enable'); await prof.post('Profiler.setSamplingInterval', { interval: 200 }); await prof.post('Profiler.start') }
  counting = true
  for (const t of rest) await call(tok[t.unit_id]!, 'POST', `/api/items/${t.id}/events`, { event: 'accept' })
  counting = false
  if (prof) { const { profile } = await prof.post('Profiler.stop'); await writeFile('/tmp/accept.cpuprofile', JSON.stringify(profile)) }
  const u1 = process.cpuUsage(u0); const c1 = await backendCpu(); const s1 = await snap()
  const n = rest.length
  console.log(`accept: ${n}; backend CPU ${((c1 - c0) / n).toFixed(3)} ms, Node CPU ${((u1.user + u1.system) / 1000 / n).toFixed(3)} ms per request; load ${loadavg()[0]!.toFixed(2)}; statements ${(seen.length / n).toFixed(2)}/req; index blocks touched ${((s1.ix - s0.ix) / n).toFixed(1)}/req; WAL ${((Number(s1.wal.wal_bytes) - Number(s0.wal.wal_bytes)) / n).toFixed(0)} B/req`)
  const byStmt = new Map<string, number>(); for (const s of seen) byStmt.set(s, (byStmt.get(s) ?? 0) + 1)
  for (const [s, k] of [...byStmt].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${(k / n).toFixed(2)}× ${s}`)
  for (const [name, v] of s1.fn) { const b: any = s0.fn.get(name) ?? { calls: 0, self_time: 0 }; if (v.calls > b.calls) console.log(`  fn ${name}: ${(v.calls - b.calls) / n} calls, ${(((v.self_time - b.self_time) * 1000) / n).toFixed(1)} µs self`) }
  for (const [name, v] of s1.tb) { const b: any = s0.tb.get(name) ?? { ins: 0, upd: 0, hot: 0 }; const d = (k: string) => (Number(v[k]) - Number(b[k])) / n; if (d('ins') || d('upd')) console.log(`  table ${name}: ins ${d('ins')}, upd ${d('upd')} (hot ${d('hot')})`) }
  if (process.argv.includes('--report')) {
    // reports on the accepted tasks, same N
    counting = true; seen.length = 0
    const r0 = await backendCpu(); const v0 = process.cpuUsage()
    for (let k = 0; k < n; k++) { const t = rest[k % 40]!; await call(tok[t.unit_id]!, 'POST', `/api/items/${t.id}/reports`, { text: `第${k}次` }) }
    counting = false
    const v1 = process.cpuUsage(v0); const r1 = await backendCpu()
    console.log(`report: ${n}; backend CPU ${((r1 - r0) / n).toFixed(3)} ms, Node CPU ${((v1.user + v1.system) / 1000 / n).toFixed(3)} ms; statements ${(seen.length / n).toFixed(2)}/req`)
  }
  await app.close(); await raw.close()
} finally {
  await stat.end().catch(() => {})
  if (!process.argv.includes('--keep')) await adm.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  await adm.end()
}
