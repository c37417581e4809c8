/**
 * EXPLAIN (ANALYZE, BUFFERS) of a 签收's two statements (the item read, writeEventRows), each replayed in a rolled-back
 * transaction on a second connection just before the real one, in a scratch database (MEASURE_DB_PREFIX_*, default explain_accept; dropped after;
 * KEEP=1 keeps it): the demo units and users, a generated plan of N (120) tasks confirmed, each accepted once by its
 * lead's liaison through app.inject. Prints the median plan per statement, the mean execution and planning time, the
 * item UPDATE node's time (its index entries) and each trigger's mean. EXPLAIN=0 skips the EXPLAINs; PREPARED=1 prints
 * pg_prepared_statements' generic/custom plan counts; DROP_INDEXES=a,b drops item indexes first (scratch only).
 *
 *   N=160 npx tsx scripts/explain-accept.ts
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Db, Queryable, QueryOptions } from '../src/persistence/db.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { acceptHarness } from './accept-harness.ts'
const N = Number(process.env.N ?? 120)
const EXPLAIN = process.env.EXPLAIN !== '0'
const dbName = `${process.env.MEASURE_DB_PREFIX ?? 'explain_accept'}_${randomBytes(3).toString('hex')}`
const adm = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' }); await adm.connect()
await adm.query(`CREATE DATABASE ${dbName}`)
const u = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'); u.pathname = `/${dbName}`; const url = u.toString()
const ex = new pg.Client({ connectionString: url })
const plans: Record<string, string[]> = {}
let explaining = false
try {
  const raw = await openPg(url); await migrate(raw); await ex.connect()
  const wrap = (q: Queryable): Queryable => Object.assign(Object.create(q) as Queryable, { query: async (s: string, p?: readonly unknown[], o?: QueryOptions) => {
    if (explaining && EXPLAIN && (/^WITH u AS \(\s*UPDATE item/.test(s) || o?.name?.startsWith('duban_item_for_event'))) {
      const key = o?.name ?? s.slice(0, 30)
      await ex.query('BEGIN')
      const r = await ex.query(`EXPLAIN (ANALYZE, BUFFERS, SUMMARY) ${s}`, p as unknown[])
      await ex.query('ROLLBACK')
      ;(plans[key] ??= []).push(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'))
    }
    return q.query(s, p, o) } })
  const db: Db = Object.assign(wrap(raw) as Db, { transaction: <T>(fn: (tx: Queryable) => Promise<T>) => raw.transaction((tx) => fn(wrap(tx))) })
  const { app, call, tok, tasks } = await acceptHarness(raw, db, N)
  // DROP_INDEXES=a,b: the 签收 without these item indexes (scratch database only), to see what each costs.
  for (const ix of (process.env.DROP_INDEXES ?? '').split(',').filter(Boolean)) await raw.query(`DROP INDEX ${ix}`)
  await raw.query('VACUUM ANALYZE')
  for (const t of tasks.slice(0, 10)) await call(tok[t.unit_id]!, 'POST', `/api/items/${t.id}/events`, { event: 'accept' })
  explaining = true
  for (const t of tasks.slice(10)) await call(tok[t.unit_id]!, 'POST', `/api/items/${t.id}/events`, { event: 'accept' })
  explaining = false
  if (process.env.PREPARED) {
    const seen = new Map<string, string>()
    for (let k = 0; k < 12; k++) for (const r of (await raw.query<any>(`SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'duban_item_for_event%' OR name LIKE 'duban_event_rows%'`)).rows) seen.set(`${r.name}`, `generic ${r.generic_plans}, custom ${r.custom_plans}`)
    for (const [k, v] of seen) console.log(`prepared ${k}: ${v}`)
  }
  for (const [k, v] of Object.entries(plans)) {
    console.log(`==== ${k}: ${v.length} plans; the median one by execution time`)
    const t = (s: string) => Number(/Execution Time: ([\d.]+)/.exec(s)?.[1] ?? 0)
    const sorted = [...v].sort((a, b) => t(a) - t(b))
    console.log(sorted[Math.floor(sorted.length / 2)])
    // trigger totals
    const trig = new Map<string, number>()
    for (const p of v) for (const m of p.matchAll(/Trigger ([\w ]+?)(?: on \w+)?: time=([\d.]+)/g)) trig.set(m[1]!, (trig.get(m[1]!) ?? 0) + Number(m[2]))
    const ex = v.reduce((a, p) => a + t(p), 0) / v.length
    const plan = v.reduce((a, p) => a + Number(/Planning Time: ([\d.]+)/.exec(p)?.[1] ?? 0), 0) / v.length
    const upd = v.reduce((a, p) => a + Number(/Update on item .*?actual time=[\d.]+\.\.([\d.]+)/.exec(p)?.[1] ?? 0), 0) / v.length
    if (upd) console.log(`mean time of the item UPDATE node (its index entries and BEFORE triggers) ${upd.toFixed(3)} ms`)
    console.log(`mean execution ${ex.toFixed(3)} ms, planning ${plan.toFixed(3)} ms; triggers mean ms: ${[...trig].map(([n, s]) => `${n} ${(s / v.length).toFixed(3)}`).join(', ')}`)
  }
  await app.close(); await raw.close()
} finally {
  await ex.end().catch(() => {})
  if (!process.env.KEEP) await adm.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  await adm.end()
}
