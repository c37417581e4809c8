/**
 * Ticket intake over HTTP (工单受理吞吐量): `POST /api/tickets` with dispatch to a unit, from operators, to a real
 * server listening on 127.0.0.1, in tickets/s with p50/p99 latency, on PGlite (a fresh on-disk database in a
 * temporary directory) and on PostgreSQL (a fresh database created and dropped for the run, when DATABASE_URL
 * is set or a server answers at postgres://postgres@127.0.0.1:5432/postgres).
 *
 * The load comes from a separate process (bench/load-gen.mjs, plain Node `fetch` with keep-alive), so the
 * client's work does not share the server's event loop. Set-up per database: migrate, a small unit tree
 * (city, a district with a township, 4 departments), a three-level category with its function, an operator.
 * Each request is a complaint, normal urgency, with a phone number, an address, a place and `dispatch: {lead}`
 * to one of the departments: one transaction that checks intake, numbers the ticket (row lock on the yearly
 * counter), writes item, ticket, two item_event rows (and, by trigger, two hotline_event rows), audit and the
 * dispatch's notifications. 8 requests in flight; a warm-up of 100, then `runs` rounds together 1,500 tickets
 * (DUBAN_BENCH_INTAKE=N for another total); a round stops sending new requests after 25 s. Also printed: Node CPU
 * per ticket (the server is in this process; its intake jobs, i.e. duplicate detection, included) and how long
 * after the load the last intake job was done. Run: `npm run bench -- tickets-intake`.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { migrate } from '../src/persistence/migrate.ts'
import { buildServer } from '../src/adapters/http/server.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { saveUnit, type UnitInput } from '../src/app/units/manage-units.ts'
import { createUser } from '../src/app/users/manage-users.ts'
import { median, percentile, type Benchmark } from './bench.types.ts'
import { pgliteTarget, pgServer, postgresTarget, type Target } from './bench-targets.ts'

const WORKERS = 8
const TOTAL = Number(process.env.DUBAN_BENCH_INTAKE ?? 1500)
const WARMUP = Math.min(100, TOTAL)
/** A round (and the warm-up) stops sending after this long, so a slow machine keeps the run near 5 minutes. */
const ROUND_CAP_MS = 25_000
const PASSWORD = 'duban-bench-2026'
const LOAD_GEN = fileURLToPath(new URL('./load-gen.mjs', import.meta.url))
const DEPARTMENTS = ['b-cg', 'b-sj', 'b-wj', 'b-zj']

const round2 = (x: number): number => Math.round(x * 100) / 100

/** Runs the load generator process once; resolves with its samples. */
function loadGen(job: Record<string, unknown>): Promise<{ wallMs: number; samples: [number, number][] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD_GEN], { stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load-gen exited with ${code}`))
      try {
        resolve(JSON.parse(out) as { wallMs: number; samples: [number, number][] })
      } catch (e) {
        reject(e as Error)
      }
    })
    child.stdin.end(JSON.stringify(job))
  })
}

async function measure(target: Target, runs: number, log: (line: string) => void): Promise<Record<string, unknown>> {
  const { db, dispose, where } = await target.open()
  let server: FastifyInstance | null = null
  try {
    await migrate(db)
    const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
    const units: UnitInput[] = [
      { id: 'b-city', name: '基准市', parentId: null, level: 'city', function: null },
      { id: 'b-dh', name: '东湖区', parentId: 'b-city', level: 'district', function: null },
      { id: 'b-dh-jb', name: '江滨街道', parentId: 'b-dh', level: 'township', function: null },
      ...DEPARTMENTS.map((id, i) => ({ id, name: `基准部门${i}`, parentId: 'b-city', level: 'department' as const, function: i === 0 ? '城市管理' : `职能${i}` })),
    ]
    for (const u of units) await saveUnit(deps, null, u)
    await db.query(
      `INSERT INTO service_category (code, version, parent_code, level, name, time_limits, function) VALUES
        ('01', 1, NULL, 1, '城乡建设', '{"normal": {"unit": "working_days", "amount": 5}}', NULL),
        ('01.01', 1, '01', 2, '市容环境', NULL, NULL),
        ('01.01.01', 1, '01.01', 3, '占道经营', NULL, '城市管理')`,
    )
    await createUser(deps, null, { username: 'bench-operator', displayName: '话务员', password: PASSWORD, role: 'operator', unitId: 'b-city' })
    server = await buildServer(deps, { logger: false })
    await server.listen({ host: '127.0.0.1', port: 0 })
    const address = server.server.address()
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address')
    const base = `http://127.0.0.1:${address.port}`
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-operator', password: PASSWORD }) })
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`)
    const token = ((await login.json()) as { token: string }).token
    const body = {
      requestType: 'complaint', urgency: 'normal', categoryCode: '01.01.01', requesterName: '张三', requesterPhone: '13812345678',
      address: '江滨路1号', placeUnitId: 'b-dh-jb', dispatch: { lead: DEPARTMENTS[0] },
    }
    const job = (count: number, round: string) => ({ base, path: '/api/tickets', token, count, workers: WORKERS, maxMs: ROUND_CAP_MS, contentPrefix: `门口占道经营，影响通行（${round}）第`, body })

    const warm = await loadGen(job(WARMUP, 'warm-up'))
    const warmBad = warm.samples.filter(([, s]) => s !== 201).length
    if (warmBad) throw new Error(`${warmBad} of ${warm.samples.length} warm-up requests failed`)
    log(`tickets-intake[${target.name}]: ${where}; warm-up ${warm.samples.length} tickets in ${warm.wallMs.toFixed(0)} ms`)

    // The server runs in this process (the load generator in its own): Node CPU per ticket, its intake jobs included.
    const cpu0 = process.cpuUsage()
    const perRound = Math.ceil(TOTAL / runs)
    const rounds: { tickets: number; wallMs: number; perSecond: number }[] = []
    const all: [number, number][] = []
    for (let r = 0; r < runs; r++) {
      const res = await loadGen(job(perRound, `round ${r + 1}`))
      for (const x of res.samples) all.push(x) // not push(...samples): a long run's samples exceed one call's arguments
      const perSecond = res.samples.length / (res.wallMs / 1000)
      const capped = res.samples.length < perRound
      rounds.push({ tickets: res.samples.length, wallMs: round2(res.wallMs), perSecond: round2(perSecond), ...(capped ? { capped } : {}) })
      log(`tickets-intake[${target.name}]: round ${r + 1}/${runs} ${res.samples.length} tickets in ${res.wallMs.toFixed(0)} ms, ${perSecond.toFixed(1)} tickets/s${capped ? ` (stopped sending at the ${ROUND_CAP_MS / 1000} s cap)` : ''}`)
    }
    // Duplicate detection is an after-commit job (intake-followups.ts): how long until the last one is done.
    const drainStart = performance.now()
    let jobsLeft = Number((await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ticket_intake_job`)).rows[0]?.n)
    const jobsAtEnd = jobsLeft
    while (jobsLeft > 0 && performance.now() - drainStart < 60_000) {
      await new Promise((r) => setTimeout(r, 50))
      jobsLeft = Number((await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ticket_intake_job`)).rows[0]?.n)
    }
    const drainMs = performance.now() - drainStart
    const cpu = process.cpuUsage(cpu0)
    const failed = all.filter(([, s]) => s !== 201).length
    const lat = all.map(([ms]) => ms).sort((x, y) => x - y)
    const totalMs = rounds.reduce((n, r) => n + r.wallMs, 0)
    const stored = Number((await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ticket`)).rows[0]?.n)
    const numbers = Number((await db.query<{ n: unknown }>(`SELECT count(DISTINCT number) AS n FROM item WHERE kind = 'ticket'`)).rows[0]?.n)
    const figures = {
      database: where,
      workers: WORKERS,
      warmupTickets: warm.samples.length,
      tickets: all.length,
      failed,
      rounds,
      medianRoundPerSecond: round2(median(rounds.map((r) => r.perSecond))),
      overallPerSecond: round2(all.length / (totalMs / 1000)),
      latencyMs: { p50: round2(percentile(lat, 50)), p90: round2(percentile(lat, 90)), p99: round2(percentile(lat, 99)), max: round2(lat[lat.length - 1] ?? NaN) },
      stored: { tickets: stored, distinctNumbers: numbers },
      nodeCpuMsPerTicket: round2((cpu.user + cpu.system) / 1000 / Math.max(1, all.length)),
      intakeJobs: { leftWhenLoadEnded: jobsAtEnd, drainedInMs: round2(drainMs), leftAfter: jobsLeft },
      loadAverage: loadavg().map(round2),
    }
    log(
      `tickets-intake[${target.name}]: ${figures.medianRoundPerSecond} tickets/s (median round), ${figures.overallPerSecond} overall; latency p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms; ` +
        `${all.length} tickets, ${failed} failed; ${stored} stored with ${numbers} distinct numbers; Node CPU ${figures.nodeCpuMsPerTicket} ms/ticket; ` +
        `intake jobs left ${jobsAtEnd}, done ${round2(drainMs)} ms later; load average ${figures.loadAverage.join(' ')}`,
    )
    if (failed) {
      const byStatus = new Map<number, number>()
      for (const [, st] of all) if (st !== 201) byStatus.set(st, (byStatus.get(st) ?? 0) + 1)
      throw new Error(`${failed} of ${all.length} requests failed (by status: ${[...byStatus].map(([st, n]) => `${st}×${n}`).join(', ')})`)
    }
    if (numbers !== stored) throw new Error(`${stored} tickets but ${numbers} distinct numbers`)
    return figures
  } finally {
    await server?.close().catch(() => {})
    await dispose()
  }
}

/** The `tickets-intake` benchmark. */
export const benchmark: Benchmark = {
  name: 'tickets-intake',
  description: `ticket intake POST /api/tickets with dispatch (tickets/s, p50/p99), ${WORKERS} in flight from a separate process, PGlite and PostgreSQL`,
  async run({ runs, log }) {
    const results: Record<string, unknown> = {}
    results['pglite'] = await measure(pgliteTarget('intake'), runs, log)
    const server = await pgServer()
    if ('url' in server) results['postgresql'] = await measure(postgresTarget(server.url, 'intake'), runs, log)
    else {
      log(`tickets-intake: PostgreSQL skipped: ${server.skip}`)
      results['postgresql'] = { skipped: server.skip }
    }
    const fig = (k: string): string => {
      const r = results[k] as { medianRoundPerSecond?: number; latencyMs?: { p50: number; p99: number } }
      return r.medianRoundPerSecond === undefined ? `${k} skipped` : `${k} ${r.medianRoundPerSecond} tickets/s (p50 ${r.latencyMs!.p50} ms, p99 ${r.latencyMs!.p99} ms)`
    }
    return {
      summary: `${fig('pglite')}; ${fig('postgresql')} — POST /api/tickets with dispatch, ${WORKERS} in flight, ${TOTAL} tickets after ${WARMUP} warm-up`,
      data: { route: 'POST /api/tickets', workers: WORKERS, totalTickets: TOTAL, warmupTickets: WARMUP, loadGenerator: 'bench/load-gen.mjs (own process)', results },
    }
  },
}
