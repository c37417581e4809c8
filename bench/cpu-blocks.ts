/**
 * CPU per block of requests for the in-process A/B benchmarks (peer-cpu, pglite-thread). Two variants run in
 * alternating blocks (A B, then B A, …) so that both sides see the same machine, and each block's cost is read
 * as wall time, this process's CPU (user + system, process.cpuUsage) and CPU per thread from
 * /proc/self/task/<tid>/stat: the main thread's and the other threads' (a worker's PGlite backend, GC helpers).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseProcStat } from './peer.stats.ts'

/** What the blocks of one variant cost, summed. */
export interface BlocksCost {
  wallMs: number
  /** This process's CPU, user + system (process.cpuUsage, microsecond resolution). */
  cpuMs: number
  /** The main thread's CPU (/proc ticks, 10 ms resolution). */
  mainThreadMs: number
  /** Every other thread's CPU (/proc ticks). */
  otherThreadsMs: number
  blocks: number
}

/** The load average as these benchmarks print it: three figures to two places. */
export function loadNow(): string[] {
  return loadavg().map((x) => x.toFixed(2))
}

/** Clock ticks per second in /proc's utime and stime (USER_HZ, 100 on Linux). */
const HZ = 100

/** CPU ticks (utime + stime) per thread of this process. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const { utime, stime } = parseProcStat(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'))
      out.set(tid, utime + stime)
    } catch {
      // the thread ended meanwhile
    }
  }
  return out
}

/**
 * Runs `block(v)` `rounds` times for each of the two variants, alternating which goes first, and returns each
 * variant's summed cost. The /proc reads stand outside the process CPU window.
 */
export async function alternateBlocks<V extends string>(variants: readonly [V, V], rounds: number, block: (v: V) => Promise<void>): Promise<Record<V, BlocksCost>> {
  const out = {} as Record<V, BlocksCost>
  for (const v of variants) out[v] = { wallMs: 0, cpuMs: 0, mainThreadMs: 0, otherThreadsMs: 0, blocks: 0 }
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 === 0 ? variants : [variants[1], variants[0]]) {
      const t0 = threadTicks()
      const c0 = process.cpuUsage()
      const w0 = performance.now()
      await block(v)
      const wallMs = performance.now() - w0
      const c = process.cpuUsage(c0)
      const t1 = threadTicks()
      const cost = out[v]
      cost.wallMs += wallMs
      cost.cpuMs += (c.user + c.system) / 1000
      for (const [tid, ticks] of t1) {
        const ms = ((ticks - (t0.get(tid) ?? 0)) * 1000) / HZ
        if (tid === String(process.pid)) cost.mainThreadMs += ms
        else cost.otherThreadsMs += ms
      }
      cost.blocks++
    }
  }
  return out
}
