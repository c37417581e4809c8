/**
 * CPU per write in one process (写入路径 CPU), for issue 7's PGlite goal (≥ 1,000 reports/s means ≤ 1 ms of
 * Node CPU per report, since PGlite runs on the event loop). On a machine shared by others wall-clock rates
 * move with the load; CPU time of this process per request moves much less, and an A/B within one process,
 * in alternating blocks, sees the same machine on both sides.
 *
 * The server (buildServer) runs in this process on an in-memory PGlite (or a fresh PostgreSQL database when
 * BENCH_CPU_DATABASE=pg, then only Node's CPU is counted), with the demo city's units and users and a
 * 40-task plan confirmed and accepted; requests go through `app.inject` (its own cost is in both sides).
 * Variants, in alternating blocks of BENCH_CPU_BLOCK requests (default 200), BENCH_CPU_ROUNDS rounds (5):
 *   named   — the database as the server opens it (hot statements named: prepared once, pglite-prepared.ts)
 *   unnamed — the same database with every statement's name dropped (how PGlite ran before named statements)
 * for POST /api/items/:id/reports and 催办 (remind). Prints CPU ms per request (user+system, process.cpuUsage),
 * statements per request, and the share of wall time spent inside database calls, with the load average.
 *
 * Run: `npm run bench -- peer-cpu` (BENCH_CPU_DATABASE=pg DATABASE_URL=… for PostgreSQL).
 */
import type { Db, Queryable } from '../src/persistence/db.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { openPglite } from '../src/persistence/pglite.db.ts'
import { createServerDatabase, type ServerDatabase } from '../test/support/server-database.ts'
import type { Benchmark } from './bench.types.ts'
import { alternateBlocks, loadNow } from './cpu-blocks.ts'
import { planServer } from './plan-server.ts'

const BLOCK = Number(process.env.BENCH_CPU_BLOCK ?? 200)
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 5)
const DATABASE = process.env.BENCH_CPU_DATABASE === 'pg' ? 'pg' : 'pglite'

/** The database as the server sees it, switchable between named and unnamed statements, counting statements and time inside them. */
function instrumented(db: Db): { db: Db; stats: { statements: number; dbMs: number }; setNamed: (on: boolean) => void } {
  const stats = { statements: 0, dbMs: 0 }
  let named = true
  const wrap = (q: Queryable): Queryable => ({
    ...(q.memo ? { memo: q.memo } : {}),
    async query(sql, params, options) {
      stats.statements++
      const t0 = performance.now()
      try {
        return await q.query(sql, params, named ? options : undefined)
      } finally {
        stats.dbMs += performance.now() - t0
      }
    },
  })
  const out: Db = {
    ...wrap(db),
    dialect: db.dialect,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  }
  return { db: out, stats, setNamed: (on) => void (named = on) }
}

export const benchmark: Benchmark = {
  name: 'peer-cpu',
  description: `CPU per report and 催办 in one process on ${DATABASE}, named vs unnamed statements in alternating blocks of ${BLOCK} (${ROUNDS} rounds)`,
  async run({ log }) {
    const load0 = loadNow()
    let scratch: ServerDatabase | null = null
    let raw: Db
    if (DATABASE === 'pg') {
      scratch = await createServerDatabase({ admin: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', prefix: 'duban_bench_cpu' })
      raw = await openPg(scratch.url)
    } else raw = await openPglite()
    const inst = instrumented(raw)
    try {
      await migrate(inst.db)
      const server = await planServer(inst.db, '基准任务（CPU）')
      const routes = { reports: server.report, remind: server.remind }
      const totals: Record<string, { cpuMs: number; wallMs: number; dbMs: number; statements: number; requests: number }> = {}
      for (const [route, run] of Object.entries(routes)) {
        for (const v of ['named', 'unnamed']) {
          inst.setNamed(v === 'named')
          for (let i = 0; i < 50; i++) await run(i) // warm-up: sessions, calendar, prepared statements, JIT
        }
        const inDb = { named: { dbMs: 0, statements: 0 }, unnamed: { dbMs: 0, statements: 0 } }
        const cost = await alternateBlocks(['named', 'unnamed'] as const, ROUNDS, async (v) => {
          inst.setNamed(v === 'named')
          const s0 = { ...inst.stats }
          for (let i = 0; i < BLOCK; i++) await run(i)
          inDb[v].dbMs += inst.stats.dbMs - s0.dbMs
          inDb[v].statements += inst.stats.statements - s0.statements
        })
        for (const v of ['named', 'unnamed'] as const) {
          totals[`${route} ${v}`] = { cpuMs: cost[v].cpuMs, wallMs: cost[v].wallMs, ...inDb[v], requests: cost[v].blocks * BLOCK }
        }
      }
      await server.close()
      const load1 = loadNow()
      const figures: Record<string, unknown> = {}
      log(`peer-cpu (${DATABASE}, in process, app.inject): load average ${load0.join(' ')} before, ${load1.join(' ')} after; ${ROUNDS} rounds × ${BLOCK} requests per variant`)
      for (const [key, t] of Object.entries(totals)) {
        const f = { cpuMsPerRequest: +(t.cpuMs / t.requests).toFixed(3), wallMsPerRequest: +(t.wallMs / t.requests).toFixed(3), statementsPerRequest: +(t.statements / t.requests).toFixed(2), dbShareOfWall: +(t.dbMs / t.wallMs).toFixed(3), requests: t.requests }
        figures[key] = f
        log(`peer-cpu   ${key.padEnd(16)} CPU ${f.cpuMsPerRequest.toFixed(3)} ms/request (wall ${f.wallMsPerRequest.toFixed(3)} ms), ${f.statementsPerRequest} statements/request (+ BEGIN/COMMIT), ${(f.dbShareOfWall * 100).toFixed(0)}% of wall inside database calls`)
      }
      const ratio = (route: string): number => (figures[`${route} named`] as { cpuMsPerRequest: number }).cpuMsPerRequest / (figures[`${route} unnamed`] as { cpuMsPerRequest: number }).cpuMsPerRequest
      return {
        summary: `${DATABASE}: reports ${(figures['reports named'] as { cpuMsPerRequest: number }).cpuMsPerRequest} ms CPU/request named vs ${(figures['reports unnamed'] as { cpuMsPerRequest: number }).cpuMsPerRequest} unnamed (${ratio('reports').toFixed(2)}×); remind ${ratio('remind').toFixed(2)}×; load ${load0.join(' ')} → ${load1.join(' ')}`,
        data: { database: DATABASE, block: BLOCK, rounds: ROUNDS, loadavg: { before: load0, after: load1 }, figures },
      }
    } finally {
      await raw.close()
      await scratch?.drop()
    }
  },
}
