/**
 * What computing a 12345 ticket's clocks costs in process, with no database: createSnapshot (the clocks that
 * start on receipt) and the dispatch transition (the clocks that start on dispatch), as receive-ticket.ts does for
 * every ticket, over the official calendar and the engine's calendar port (workingCalendarOf), for start instants
 * spread over 2024–2026 and every tier (limits in working hours and working days). Prints µs per ticket (median of
 * --runs timed passes over --n tickets, after a warm-up pass; wall time and the process's CPU time) and the load average.
 *
 *   npx tsx scripts/measure-ticket-clocks.ts [--n 20000] [--runs 7]
 */
import { loadavg } from 'node:os'
import { workingCalendarOf } from '../src/app/calendar/calendar.load.ts'
import { officialCalendar } from '../src/domain/calendar/calendar.model.ts'
import { ticketKind } from '../src/domain/kinds/ticket.kind.ts'
import { limitsFor, TIERS } from '../src/domain/tickets/time-limits.ts'
import { createSnapshot, transition } from '../src/domain/workflow/index.ts'

const arg = (n: string): string | undefined => {
  const i = process.argv.indexOf(`--${n}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const N = Number(arg('n') ?? 20_000)
const RUNS = Number(arg('runs') ?? 7)
const working = workingCalendarOf(officialCalendar)

// Deterministic start instants (a linear congruential sequence) over 2024-01-01 … 2026-12-31, any minute of the day.
let seed = 12345
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
const from = Date.parse('2024-01-01T00:00:00+08:00')
const span = Date.parse('2026-12-31T00:00:00+08:00') - from
const cases = Array.from({ length: N }, (_, i) => {
  const tier = TIERS[i % TIERS.length]!
  const at = new Date(from + Math.floor((rand() * span) / 60_000) * 60_000).toISOString()
  return { at, data: { channel: 'hotline', categoryCode: '01.01.01', requestType: tier === 'consultation' ? 'consultation' : 'complaint', urgency: tier === 'consultation' ? 'normal' : tier, tier, limits: limitsFor(null, tier) } }
})
const actor = { userId: 'op', roles: ['operator'] }

let sink = 0
const cpuTimes: number[] = []
const pass = (): number => {
  const c0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  for (const c of cases) {
    const s = createSnapshot(ticketKind, { data: c.data, actor, now: c.at, calendar: working })
    const r = transition(ticketKind, s, { type: 'dispatch', payload: { lead: 'yz-cgj' } }, { actor, now: c.at, calendar: working })
    if (!r.ok) throw r.error
    sink += Object.keys(r.snapshot.clocks).length
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / N
  const c = process.cpuUsage(c0)
  cpuTimes.push((c.user + c.system) / N)
  return wall
}
pass()
cpuTimes.length = 0
const times = Array.from({ length: RUNS }, pass).sort((a, b) => a - b)
const cpu = cpuTimes.sort((a, b) => a - b)
console.log(`ticket clocks (createSnapshot + dispatch), ${N} tickets × ${RUNS} runs: median ${times[Math.floor(RUNS / 2)]!.toFixed(2)} µs per ticket (min ${times[0]!.toFixed(2)}, max ${times[RUNS - 1]!.toFixed(2)}), CPU ${cpu[Math.floor(RUNS / 2)]!.toFixed(2)} µs (min ${cpu[0]!.toFixed(2)}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${sink > 0 ? 'ok' : '?'})`)
