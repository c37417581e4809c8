/**
 * PGlite's backend in the main thread or in a worker thread (pglite-thread.ts), issue 7's PGlite goal: CPU per
 * progress report by thread, in one process, alternating. On a machine shared by others wall-clock rates move with
 * the load; what decides the rate on two cores is the busiest thread's CPU per report (the main thread's, when PGlite
 * runs in it), and that is read per thread from /proc/self/task/<tid>/stat.
 *
 * Two servers (buildServer) in this process, each on its own PGlite data directory (as `duban serve` opens it): one
 * with PGlite in the main thread (pglite.db.ts), one with it in a worker (pglite-thread.ts); the demo city's units
 * and users and a 40-task plan confirmed and accepted on each. Then BENCH_THREAD_ROUNDS rounds (default 4) of
 * BENCH_THREAD_BLOCK reports (default 500) per variant, alternating which goes first, BENCH_THREAD_CONCURRENCY (1)
 * in flight through `app.inject`. Prints, per variant, CPU ms per report of the main thread, of the other threads
 * (the worker's backend, GC helpers) and in all, with the load average.
 *
 * Run: `npm run bench -- pglite-thread`. The servers are in this process whatever DUBAN_PGLITE_THREAD says, unless it is set.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/persistence/open.ts'
import type { Benchmark } from './bench.types.ts'
import { alternateBlocks, loadNow } from './cpu-blocks.ts'
import { planServer } from './plan-server.ts'

const BLOCK = Number(process.env.BENCH_THREAD_BLOCK ?? 500)
const ROUNDS = Number(process.env.BENCH_THREAD_ROUNDS ?? 4)
// 1 by default: PGlite's write gate admits one write at a time (security.plugin.ts), so more in flight only queue
// there, and at a high load average they wait past its 2 s and are shed (503).
const CONCURRENCY = Number(process.env.BENCH_THREAD_CONCURRENCY ?? 1)

type Variant = 'main' | 'worker'

async function setUp(thread: Variant, dir: string): Promise<{ report: (i: number) => Promise<void>; close: () => Promise<void> }> {
  const db = await openDatabase({ dataDir: join(dir, thread), pgliteThread: thread })
  const server = await planServer(db, '基准任务（线程）')
  return {
    report: async (i) => {
      await server.report(i)
    },
    close: async () => {
      await server.close()
      await db.close()
    },
  }
}

export const benchmark: Benchmark = {
  name: 'pglite-thread',
  description: `CPU per progress report by thread, PGlite in the main thread vs in a worker thread, alternating blocks of ${BLOCK} (${ROUNDS} rounds, ${CONCURRENCY} in flight)`,
  async run({ log }) {
    const load0 = loadNow()
    const dir = mkdtempSync(join(tmpdir(), 'duban-pglite-thread-'))
    const servers: Partial<Record<Variant, Awaited<ReturnType<typeof setUp>>>> = {}
    try {
      for (const v of ['main', 'worker'] as const) servers[v] = await setUp(v, dir)
      const block = async (v: Variant, count: number): Promise<void> => {
        let i = 0
        const report = servers[v]!.report
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (i < count) await report(i++)
        }))
      }
      for (const v of ['main', 'worker'] as const) await block(v, 200) // warm-up: sessions, calendar, prepared statements, JIT
      const cost = await alternateBlocks(['main', 'worker'] as const, ROUNDS, (v) => block(v, BLOCK))
      const load1 = loadNow()
      log(`pglite-thread (in process, app.inject, data directories): load average ${load0.join(' ')} before, ${load1.join(' ')} after; ${ROUNDS} rounds × ${BLOCK} reports per variant, ${CONCURRENCY} in flight`)
      const figures: Record<string, unknown> = {}
      for (const v of ['main', 'worker'] as const) {
        const t = cost[v]
        const reports = t.blocks * BLOCK
        const f = { mainThreadCpuMs: +(t.mainThreadMs / reports).toFixed(3), otherThreadsCpuMs: +(t.otherThreadsMs / reports).toFixed(3), totalCpuMs: +((t.mainThreadMs + t.otherThreadsMs) / reports).toFixed(3), wallMsPerReport: +(t.wallMs / reports).toFixed(3), reports }
        figures[v] = f
        log(`pglite-thread   PGlite in ${v.padEnd(6)} CPU/report: main thread ${f.mainThreadCpuMs.toFixed(3)} ms, other threads ${f.otherThreadsCpuMs.toFixed(3)} ms, all ${f.totalCpuMs.toFixed(3)} ms (wall ${f.wallMsPerReport.toFixed(3)} ms/report)`)
      }
      const m = figures.main as { mainThreadCpuMs: number; totalCpuMs: number }
      const w = figures.worker as { mainThreadCpuMs: number; totalCpuMs: number }
      return {
        summary: `main thread CPU per report ${m.mainThreadCpuMs} ms (PGlite in it) vs ${w.mainThreadCpuMs} ms (PGlite in a worker); all threads ${m.totalCpuMs} vs ${w.totalCpuMs} ms; load ${load0.join(' ')} → ${load1.join(' ')}`,
        data: { block: BLOCK, rounds: ROUNDS, concurrency: CONCURRENCY, loadavg: { before: load0, after: load1 }, figures },
      }
    } finally {
      for (const s of Object.values(servers)) await s?.close()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
