/**
 * The pure parts of the `peer` benchmark harness: reading pgbench's printout, percentiles, /proc stat
 * ticks, CPU per request, the percentage and ratio formatting, and the generated plan. No server, no timing.
 */
import { describe, expect, it } from 'vitest'
import { median, percentile } from '../../bench/bench.types.ts'
import { makePlanText } from '../../bench/peer.plan.ts'
import {
  acceptanceLines,
  cpuMsPerRequest,
  formatPercent,
  formatRatio,
  judgeConfirm,
  parsePgbench,
  parsePgbenchLog,
  parseProcStat,
  percentOf,
  routeLine,
  startedWithin,
  summarizeLatency,
} from '../../bench/peer.stats.ts'

/** What pgbench 15 printed for a 5-second custom-script run (copied from a run on this machine, figures edited). */
const PGBENCH_15 = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: /tmp/duban-bench-peer-x/pair.sql
scaling factor: 1
query mode: simple
number of clients: 16
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 41234
number of failed transactions: 0 (0.000%)
latency average = 1.939 ms
initial connection time = 31.250 ms
tps = 8251.402117 (without initial connection time)
`

describe('parsePgbench', () => {
  it('reads tps, transactions, latency, clients, threads and duration from a pgbench 15 summary', () => {
    expect(parsePgbench(PGBENCH_15)).toEqual({ tps: 8251.402117, transactions: 41234, failed: 0, latencyAvgMs: 1.939, clients: 16, threads: 2, durationS: 5 })
  })

  it('refuses a printout without a tps line rather than reading it as zero', () => {
    const broken = PGBENCH_15.replace(/^tps = .*$/m, 'pgbench: error: client 3 aborted in command 1 of script 0')
    expect(() => parsePgbench(broken)).toThrow(/tps/)
  })

  it('takes a missing failed-transactions line (older pgbench) as none failed', () => {
    expect(parsePgbench(PGBENCH_15.replace(/^number of failed transactions.*\n/m, '')).failed).toBe(0)
  })
})

describe('parsePgbenchLog', () => {
  it('reads each transaction time in microseconds as milliseconds and skips failed or skipped ones', () => {
    const log = ['0 1 8778 0 1796124229 990149', '0 2 243 0 1796124230 847', '1 1 failed 0 1796124230 1000', '1 2 skipped 0 1796124230 2000', ''].join('\n')
    expect(parsePgbenchLog(log)).toEqual([8.778, 0.243])
  })
})

describe('percentile and latency summary', () => {
  it('uses the nearest rank: p50 of 1..10 is 5, p99 of 1..100 is 99, p100 the largest', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i + 1)
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(ten, 50)).toBe(5)
    expect(percentile(hundred, 99)).toBe(99)
    expect(percentile(hundred, 100)).toBe(100)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeNaN()
  })

  it('summarises unsorted request times without changing the input', () => {
    const ms = [30, 10, 20, 40, 1000]
    const s = summarizeLatency(ms)
    expect(s).toEqual({ count: 5, p50: 30, p90: 1000, p99: 1000, max: 1000 })
    expect(ms).toEqual([30, 10, 20, 40, 1000])
    expect(median([3, 1, 2, 10])).toBe(2.5)
  })

  it('keeps only the samples that started inside a window', () => {
    const samples = [[1000, 5, 200], [1500, 50, 200], [2500, 9, 200], [3001, 4, 200]] as const
    expect(startedWithin(samples, 1500, 3000).map(([t]) => t)).toEqual([1500, 2500])
  })
})

describe('percentages, ratios and the printed route line', () => {
  it('gives a route as a percentage of the pgbench pair with one decimal', () => {
    expect(percentOf(441, 8250)).toBe(5.3)
    expect(formatPercent(percentOf(4125, 8250))).toBe('50.0%')
    expect(formatPercent(percentOf(10, 0))).toBe('n/a')
    expect(formatRatio(242 / 27)).toBe('8.96×')
    expect(formatRatio(NaN)).toBe('n/a')
  })

  it('prints req/s, the percentage, p50/p99 and CPU per request, n/a where there is none', () => {
    expect(routeLine('POST /api/tickets', { rps: 412.34, p50: 31.2, p99: 88.456, nodeCpuMs: 1.3, pgCpuMs: NaN }, 8250)).toBe(
      'POST /api/tickets: 412.3 req/s = 5.0% of the pgbench pair; p50 31.20 ms, p99 88.46 ms; CPU/request Node 1.300 ms, PostgreSQL n/a',
    )
  })
})

describe('CPU from /proc/<pid>/stat', () => {
  it('reads utime and stime after a command name holding spaces and parentheses', () => {
    const line = '4242 (postgres: a (b) c) S 1 4242 4242 0 -1 4194560 1234 0 0 0 731 112 0 0 20 0 1 0 5567 1024 55 18446744073709551615'
    expect(parseProcStat(line)).toEqual({ utime: 731, stime: 112 })
  })

  it('turns clock ticks into CPU milliseconds per request', () => {
    expect(cpuMsPerRequest(130, 100, 1000)).toBe(1.3)
    expect(cpuMsPerRequest(5, 100, 0)).toBeNaN()
  })
})

describe('the generated plan', () => {
  it('numbers every task, gives it a lead in turn and a due date, in sections of 50', () => {
    const text = makePlanText({ title: '基准计划', count: 120, leads: ['市发改委', '市住建局'], due: '2027年6月底前' })
    const tasks = text.split('\n').filter((l) => /^\d+\. /.test(l))
    expect(tasks).toHaveLength(120)
    expect(tasks[0]).toContain('牵头单位：市发改委')
    expect(tasks[1]).toContain('牵头单位：市住建局')
    expect(tasks[119]).toMatch(/^120\. .*完成时间：2027年6月底前）$/)
    expect(text.split('\n').filter((l) => /^[一二三四五六七八九十]+、/.test(l))).toEqual(['一、第1组重点工作', '二、第2组重点工作', '三、第3组重点工作'])
  })
})

describe('acceptance lines', () => {
  it('checks intake against 50% and 50 ms, reports and events against 30%, the confirm against 2×', () => {
    const lines = acceptanceLines({
      database: 'postgresql',
      pairTps: 1000,
      routes: { intake: { rps: 600, latencyMs: { p99: 49 } }, reports: { rps: 290, latencyMs: { p99: 10 } }, remind: { rps: 300, latencyMs: { p99: 10 } } },
      confirm: judgeConfirm({ before: { p99: 40, shed: 0 }, during: { p99: 100, shed: 0 }, after: { p99: 60, shed: 0 } }),
    })
    expect(lines).toEqual([
      'postgresql intake 60.0% of the pair (wants ≥ 50%), p99 49.00 ms (wants ≤ 50 ms): met',
      'postgresql reports 29.0% of the pair (wants ≥ 30%): NOT met',
      'postgresql remind 30.0% of the pair (wants ≥ 30%): met',
      "postgresql reports' p99 with the plan confirm 2.50× its value before it (during 2.50×, after 1.50×; 0 shed; wants ≤ 2× and none shed): NOT met",
    ])
  })

  it('holds PGlite to 1,000 reports/s whatever the pair did', () => {
    const lines = acceptanceLines({ database: 'pglite', pairTps: 9000, routes: { reports: { rps: 1000, latencyMs: { p99: 5 } } }, confirm: judgeConfirm({ before: { p99: 10, shed: 0 }, during: { p99: 12, shed: 0 }, after: { p99: 9, shed: 0 } }) })
    expect(lines[0]).toBe('pglite reports 1000.0 req/s (wants ≥ 1,000 on PGlite): met')
    expect(lines[1]).toMatch(/1\.20× .*: met$/)
  })

  it('leaves the confirm out when the scenario did not run', () => {
    expect(acceptanceLines({ database: 'pglite', pairTps: 9000, routes: {} })).toEqual([])
  })
})

describe('the confirm scenario judged (judgeConfirm)', () => {
  // The quiet run at 23:53 UTC (BENCHMARKS.md, session of 2026-12-03): the old formula, p99 during ÷ the mean of before and after,
  // printed 0.40× and 0.15× while the window after the confirm was 5.9× and 23× the one before.
  it('fails the window after the confirm that the mean of before and after hid (PostgreSQL, 23:53)', () => {
    const j = judgeConfirm({ before: { p99: 45.36, shed: 0 }, during: { p99: 62.34, shed: 0 }, after: { p99: 268.99, shed: 0 } })
    expect(j.duringRatio).toBe(1.37)
    expect(j.afterRatio).toBe(5.93)
    expect(j.ratio).toBe(5.93)
    expect(j.met).toBe(false)
  })

  it("fails PGlite's run of 23:53: 2,033 ms after with 29 shed", () => {
    const j = judgeConfirm({ before: { p99: 87.84, shed: 0 }, during: { p99: 154.18, shed: 0 }, after: { p99: 2033, shed: 29 } })
    expect(j).toMatchObject({ duringRatio: 1.76, afterRatio: 23.14, ratio: 23.14, shed: 29, met: false })
  })

  it('judges on the worse of during and after, each against before', () => {
    expect(judgeConfirm({ before: { p99: 50, shed: 0 }, during: { p99: 101, shed: 0 }, after: { p99: 50, shed: 0 } })).toMatchObject({ ratio: 2.02, met: false })
    expect(judgeConfirm({ before: { p99: 50, shed: 0 }, during: { p99: 60, shed: 0 }, after: { p99: 100, shed: 0 } })).toMatchObject({ duringRatio: 1.2, afterRatio: 2, ratio: 2, met: true })
  })

  it('counts a shed report during or after as a failure, whatever the ratios', () => {
    expect(judgeConfirm({ before: { p99: 50, shed: 0 }, during: { p99: 50, shed: 1 }, after: { p99: 50, shed: 0 } })).toMatchObject({ ratio: 1, shed: 1, met: false })
    expect(judgeConfirm({ before: { p99: 50, shed: 0 }, during: { p99: 50, shed: 0 }, after: { p99: 50, shed: 3 } })).toMatchObject({ shed: 3, met: false })
    // Shed before the confirm is the baseline's, not the confirm's: printed, not judged.
    expect(judgeConfirm({ before: { p99: 50, shed: 4 }, during: { p99: 50, shed: 0 }, after: { p99: 50, shed: 0 } }).met).toBe(true)
  })

  it('judges nothing without a baseline', () => {
    expect(judgeConfirm({ before: { p99: NaN, shed: 0 }, during: { p99: 10, shed: 0 }, after: { p99: 10, shed: 0 } })).toMatchObject({ ratio: NaN, met: false })
  })
})
