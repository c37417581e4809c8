/**
 * API throughput (接口吞吐量): progress reports (POST /api/items/:id/reports) sent by unit liaisons to a real
 * listening server over loopback, in requests/s with p50/p99 latency, on PGlite (a fresh on-disk database in
 * a temporary directory) and on PostgreSQL (a fresh database created and dropped for the run, when
 * DATABASE_URL is set or a server answers at postgres://postgres@127.0.0.1:5432/postgres).
 *
 * Set-up per database: migrate, seed the demo city and its sample plan (15 tasks, a few already taken up by the
 * demo's liaison activity), one liaison per lead unit of 8 tasks, each accepts its task unless already accepted. Load: 8 workers, each a liaison posting to its own task
 * (`fetch`, keep-alive, one request in flight per worker), so rows do not queue on one item lock. A warm-up
 * of 200 requests, then `runs` rounds that together make 2,000 requests; a round stops early after 60 s.
 */
import { jiebaSearchTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import { migrate } from '../src/persistence/migrate.ts'
import { buildServer } from '../src/adapters/http/server.ts'
import { seedDemo } from '../src/app/demo/seed-demo.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { createUser } from '../src/app/users/manage-users.ts'
import { median, percentile, type Benchmark } from './bench.types.ts'
import { pgliteTarget, pgServer, postgresTarget, type Target } from './bench-targets.ts'

const WORKERS = 8
const TOTAL = 2000
const WARMUP = 200
const ROUND_CAP_MS = 60_000
const PASSWORD = 'duban-bench-2026'

interface Sample {
  readonly ms: number
  readonly ok: boolean
  readonly bytes: number
}

const round2 = (x: number): number => Math.round(x * 100) / 100

/** Runs the load against one database; returns its figures. */
async function measure(target: Target, runs: number, log: (line: string) => void): Promise<Record<string, unknown>> {
  const { db, dispose, where } = await target.open()
  let server: FastifyInstance | null = null
  try {
    await migrate(db)
    const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
    await seedDemo(deps, { searchTokenize: jiebaSearchTokenize })
    server = await buildServer(deps, { logger: false })
    await server.listen({ host: '127.0.0.1', port: 0 })
    const address = server.server.address()
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address')
    const base = `http://127.0.0.1:${address.port}`
    const post = async (path: string, body: unknown, token?: string): Promise<Response> =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })

    // One liaison per lead unit, for the first WORKERS tasks with distinct lead units (not the demo's 12345 tickets,
    // which take no progress report; the demo's own liaison activity may already have accepted some: those are taken
    // as they are).
    const { rows } = await db.query<{ id: string; unit_id: string; state: string }>(
      `SELECT DISTINCT ON (u.unit_id) i.id, u.unit_id, i.state FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead'
        WHERE i.kind = 'task' AND i.state IN ('dispatched', 'accepted') ORDER BY u.unit_id, i.state = 'dispatched', i.number`,
    )
    if (rows.length < WORKERS) throw new Error(`the demo plan gave ${rows.length} lead units, ${WORKERS} needed`)
    const workers: { item: string; token: string }[] = []
    for (const [i, r] of rows.slice(0, WORKERS).entries()) {
      const username = `bench-${i}`
      await createUser(deps, null, { username, displayName: username, password: PASSWORD, role: 'unit_liaison', unitId: r.unit_id })
      const login = await post('/api/auth/login', { username, password: PASSWORD })
      if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${await login.text()}`)
      const token = ((await login.json()) as { token: string }).token
      if (r.state === 'dispatched') {
        const accepted = await post(`/api/items/${r.id}/accept`, {}, token)
        if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`)
      }
      workers.push({ item: r.id, token })
    }

    let sent = 0
    /** Why requests failed (status and the start of the answer) → how many: printed when any did. */
    const refusals = new Map<string, number>()
    const why = (): string => [...refusals].map(([k, n]) => `${n} × ${k}`).join('; ')
    /** `count` requests spread over the workers, one in flight per worker. */
    const load = async (count: number): Promise<{ samples: Sample[]; wallMs: number; capped: boolean }> => {
      const samples: Sample[] = []
      let next = 0
      let capped = false
      const t0 = performance.now()
      await Promise.all(
        workers.map(async (w) => {
          while (next < count) {
            if (performance.now() - t0 > ROUND_CAP_MS) {
              capped = true
              return
            }
            next++
            const n = ++sent
            const s = performance.now()
            const res = await post(`/api/items/${w.item}/reports`, { text: `第${n}次报送：本月推进情况正常。`, measures: { 完成率: n % 100 } }, w.token)
            const text = await res.text()
            samples.push({ ms: performance.now() - s, ok: res.status === 200, bytes: Buffer.byteLength(text) })
            if (res.status !== 200) refusals.set(`${res.status} ${text.slice(0, 120)}`, (refusals.get(`${res.status} ${text.slice(0, 120)}`) ?? 0) + 1)
          }
        }),
      )
      return { samples, wallMs: performance.now() - t0, capped }
    }

    const warm = await load(WARMUP)
    const warmBad = warm.samples.filter((s) => !s.ok).length
    if (warmBad) throw new Error(`${warmBad} of ${warm.samples.length} warm-up requests failed: ${why()}`)
    log(`api[${target.name}]: ${where}; warm-up ${warm.samples.length} requests in ${warm.wallMs.toFixed(0)} ms`)

    const perRound = Math.ceil(TOTAL / runs)
    const rounds: { requests: number; wallMs: number; rps: number; capped: boolean }[] = []
    const all: Sample[] = []
    for (let r = 0; r < runs; r++) {
      const res = await load(perRound)
      for (const x of res.samples) all.push(x) // not push(...samples): a long run's samples exceed one call's arguments
      const rps = res.samples.length / (res.wallMs / 1000)
      rounds.push({ requests: res.samples.length, wallMs: round2(res.wallMs), rps: round2(rps), capped: res.capped })
      log(`api[${target.name}]: round ${r + 1}/${runs} ${res.samples.length} requests in ${res.wallMs.toFixed(0)} ms, ${rps.toFixed(1)} req/s${res.capped ? ' (stopped at the 60 s cap)' : ''}`)
    }
    const failed = all.filter((s) => !s.ok).length
    const lat = all.map((s) => s.ms).sort((x, y) => x - y)
    const totalMs = rounds.reduce((n, r) => n + r.wallMs, 0)
    const figures = {
      database: where,
      workers: WORKERS,
      warmupRequests: warm.samples.length,
      requests: all.length,
      failed,
      rounds,
      medianRoundRps: round2(median(rounds.map((r) => r.rps))),
      overallRps: round2(all.length / (totalMs / 1000)),
      latencyMs: { p50: round2(percentile(lat, 50)), p90: round2(percentile(lat, 90)), p99: round2(percentile(lat, 99)), max: round2(lat[lat.length - 1] ?? NaN) },
      // Each answer is the compact item and the report just made: it should not grow during the run.
      responseBytes: { first: all[0]?.bytes ?? 0, last: all[all.length - 1]?.bytes ?? 0 },
    }
    log(
      `api[${target.name}]: ${figures.medianRoundRps} req/s (median round), ${figures.overallRps} req/s overall; latency p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms; ` +
        `${all.length} requests, ${failed} failed; answer ${figures.responseBytes.first} → ${figures.responseBytes.last} bytes`,
    )
    if (failed) throw new Error(`${failed} of ${all.length} requests failed: ${why()}`)
    return figures
  } finally {
    await server?.close().catch(() => {})
    await dispose()
  }
}

/** The `api` benchmark. */
export const benchmark: Benchmark = {
  name: 'api',
  description: `progress reports over HTTP (req/s, p50/p99), ${WORKERS} concurrent liaisons on 127.0.0.1, PGlite and PostgreSQL`,
  async run({ runs, log }) {
    const results: Record<string, unknown> = {}
    results['pglite'] = await measure(pgliteTarget('api'), runs, log)
    const server = await pgServer()
    if ('url' in server) results['postgresql'] = await measure(postgresTarget(server.url, 'api'), runs, log)
    else {
      log(`api: PostgreSQL skipped: ${server.skip}`)
      results['postgresql'] = { skipped: server.skip }
    }
    const fig = (k: string): string => {
      const r = results[k] as { medianRoundRps?: number; latencyMs?: { p50: number; p99: number } }
      return r.medianRoundRps === undefined ? `${k} skipped` : `${k} ${r.medianRoundRps} req/s (p50 ${r.latencyMs!.p50} ms, p99 ${r.latencyMs!.p99} ms)`
    }
    return {
      summary: `${fig('pglite')}; ${fig('postgresql')} — POST /api/items/:id/reports, ${WORKERS} workers, ${TOTAL} requests after ${WARMUP} warm-up`,
      data: { route: 'POST /api/items/:id/reports', workers: WORKERS, totalRequests: TOTAL, warmupRequests: WARMUP, results },
    }
  },
}
