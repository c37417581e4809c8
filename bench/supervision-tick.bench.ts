/**
 * The supervision tick (督办巡查) inside `duban serve` on a generated database, and what it does to the API's p99.
 *
 *   npm run bench -- supervision-tick
 *
 * Needs a database made by scripts/generate-items.ts (default postgres://postgres@127.0.0.1:5432/duban_bulk,
 * else DUBAN_BENCH_TICK_URL; e.g. `npx tsx scripts/generate-items.ts --url …/duban_bulk --count 1000000`). It is
 * written to: the open items' snapshots get the `kind` the generator leaves out (take-event refuses them without)
 * and the 20 report targets their lead,
 * two users are added (bench-sup, bench-liaison of gen-u01) and the tick's actions accumulate (each run makes
 * DUBAN_BENCH_TICK_DUE (1,000) other open items due, chosen by the run's seed).
 *
 * Steps: every open item due within 20 minutes gets its next-fire time an hour ahead (a database that has been
 * ticking: nothing due),
 * then `duban serve` starts with this process holding the scheduler's leader lock, so its scheduler stays idle.
 * Load (bench/http-load.mjs, autocannon in its own process, 8 connections): GET /api/items?limit=50 (台账) as the
 * supervisor and POST /api/items/:id/reports (报送进展) by the liaison on 20 of gen-u01's open tasks. First 10 s
 * idle; then N items are made due now, the lock is released, and the server's scheduler takes it at its next
 * round and runs the tick (DUBAN_TICK_LOG=1 prints its start and end); the load runs until the tick has ended.
 * Reported: the tick's wall time and result (what it did), and the p99 of requests that started during the tick
 * against the idle p99, per route, with the load average; and the server's line on the tick's pace (share, page
 * size, time rested) and its event loop's delay before and during the tick. DUBAN_TICK_SHARE=1 runs the tick flat
 * out (unpaced, pages of 200) to compare with the default pace (tick-pace.ts) in alternating runs.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openPg } from '../src/persistence/pg.db.ts'
import { SCHEDULER_LOCK_KEY } from '../src/persistence/supervision-leader.repo.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { createUser } from '../src/app/users/manage-users.ts'
import { listSupervisionConfigs, setTickState } from '../src/persistence/supervision.repo.ts'
import { fingerprintOf } from '../src/app/supervision/supervise-tick.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { percentile, type Benchmark } from './bench.types.ts'

const URL_ = process.env.DUBAN_BENCH_TICK_URL ?? 'postgres://postgres@127.0.0.1:5432/duban_bulk'
const DUE = Number(process.env.DUBAN_BENCH_TICK_DUE ?? 1000)
const IDLE_S = 10
const CONNECTIONS = 8
const PASSWORD = 'bench-tick-pass'
const LOAD_GEN = fileURLToPath(new URL('./http-load.mjs', import.meta.url))
const DUBAN = fileURLToPath(new URL('../bin/duban.js', import.meta.url))
const round2 = (x: number): number => Math.round(x * 100) / 100

type Sample = [startedAt: number, ms: number, status: number]
interface LoadRun {
  child: ChildProcess
  result: Promise<{ samples: Sample[] }>
  /** When the generator's first request went out (its `started` line). */
  started: Promise<number>
  stop(): void
}

function startLoad(job: unknown): LoadRun {
  const child = spawn(process.execPath, [LOAD_GEN], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  let onStart: (t: number) => void = () => undefined
  const started = new Promise<number>((r) => (onStart = r))
  const result = new Promise<{ samples: Sample[] }>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      // Only whole lines: the result line (every sample) arrives in several chunks.
      const lines = out.split('\n').slice(0, -1)
      const start = lines.find((l) => l.startsWith('started '))
      if (start) onStart(Number(start.slice('started '.length)))
      const line = lines.find((l) => l.startsWith('result '))
      if (line) resolve(JSON.parse(line.slice('result '.length)) as { samples: Sample[] })
    })
    child.on('exit', (code) => (code ? reject(new Error(`load generator exited with ${code}`)) : undefined))
  })
  child.stdin!.write(JSON.stringify(job) + '\n')
  return { child, result, started, stop: () => child.stdin!.write('stop\n') }
}

async function call(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : null }
}

async function startServer(): Promise<{ child: ChildProcess; base: string; ticks: { from: number; to: number; result: unknown }[]; paces: string[]; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [DUBAN, 'serve', '--port', '0'], { env: { ...process.env, DATABASE_URL: URL_, DUBAN_TICK_LOG: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  const ticks: { from: number; to: number; result: unknown }[] = []
  const paces: string[] = []
  let err = ''
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20000)
    for (const m of d.toString().matchAll(/duban: tick (\d+) (\d+) (.*)/g)) ticks.push({ from: Number(m[1]), to: Number(m[2]), result: JSON.parse(m[3]!) })
    // The pacing and event-loop delay line that follows each tick (scheduler.ts; absent on a tree before pacing).
    for (const m of d.toString().matchAll(/duban: tick pace (.*)/g)) paces.push(m[1]!)
  })
  const base = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`duban serve did not start in 300 s: ${err.slice(-500)}`)), 300_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /serving on (http:\/\/[^\s]+) /.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.on('exit', (code) => reject(new Error(`duban serve exited with ${code}: ${err.slice(-500)}`)))
  })
  return {
    child, base, ticks, paces,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(t)
    },
  }
}

/** Latency of the requests that started in [from, to): 200 answers, and how many were not 200 (shed, failed, unanswered). */
function windowOf(samples: readonly Sample[], from: number, to: number): { count: number; p50: number; p99: number; notOk: number } {
  const inWindow = samples.filter((s) => s[0] >= from && s[0] < to)
  const ok = inWindow.filter((s) => s[2] === 200).map((s) => s[1]).sort((a, b) => a - b)
  return { count: ok.length, p50: percentile(ok, 50), p99: percentile(ok, 99), notOk: inWindow.length - ok.length }
}

export const benchmark: Benchmark = {
  name: 'supervision-tick',
  description: `the supervision tick inside duban serve on a generated PostgreSQL database (${DUE} items due), and the API's p99 (台账 page, 报送进展) during it against idle`,
  async run({ log }) {
    const db = await openPg(URL_)
    const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
    const leader = new pg.Client({ connectionString: URL_ })
    let server: Awaited<ReturnType<typeof startServer>> | null = null
    try {
      await migrate(db)
      const gen = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM item WHERE state_type <> 'closed' AND number LIKE 'GEN-%'`)
      const open = Number(gen.rows[0]?.n ?? 0)
      if (open < DUE + 100) throw new Error(`${URL_} holds ${open} open generated items: run scripts/generate-items.ts on it first`)
      // (Older generators only; today's writes them.) In keyset batches: one UPDATE of every open item of 10M would
      // run the assessment's statement trigger over all of them at once.
      const kindless = `state_type <> 'closed' AND NOT snapshot ? 'kind'`
      if ((await db.query(`SELECT 1 FROM item WHERE ${kindless} LIMIT 1`)).rows.length > 0) {
        for (let after = ''; ;) {
          const { rows: b } = await db.query<{ last: string | null }>(
            `WITH page AS (SELECT id FROM item WHERE state_type <> 'closed' AND id > $1 ORDER BY id LIMIT 2000),
                  upd AS (UPDATE item SET snapshot = snapshot || jsonb_build_object('kind', kind, 'kindVersion', kind_version::text)
                            FROM page WHERE item.id = page.id AND NOT item.snapshot ? 'kind' RETURNING 1)
             SELECT (SELECT max(id) FROM page) AS last, (SELECT count(*) FROM upd) AS n`,
            [after],
          )
          if (!b[0]?.last) break
          after = b[0].last
        }
      }
      for (const u of [{ username: 'bench-sup', role: 'supervisor' as const }, { username: 'bench-liaison', role: 'unit_liaison' as const, unitId: 'gen-u01' }]) {
        const had = await db.query('SELECT 1 FROM app_user WHERE username = $1', [u.username])
        if (had.rows.length === 0) await createUser(deps, null, { ...u, displayName: u.username, password: PASSWORD })
      }
      const targets = (await db.query<{ id: string }>(
        `SELECT i.id FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead' AND u.unit_id = 'gen-u01'
          WHERE i.kind = 'task' AND i.state = 'accepted' ORDER BY i.id LIMIT 20`,
      )).rows.map((r) => r.id)
      // The generator leaves the snapshot's lead out; the engine checks the reporter against it.
      await db.query(`UPDATE item SET snapshot = jsonb_set(snapshot, '{data,lead}', '"gen-u01"') WHERE id = ANY($1::text[])`, [targets])
      // Nothing due: every open item's next-fire time an hour ahead, and the fingerprint stored (no full pass).
      // Only the items that would fire within the run are moved (an earlier run's settle still holds for the rest).
      const settleAt = new Date(Date.now() + 3_600_000).toISOString()
      // Next-fire times live in item_clock (migration 169), a narrow table: one statement, which also gives the
      // generated items (loaded with triggers off, so without a clock row) theirs.
      const { rows: moved } = await db.query<{ item_id: string }>(
        `INSERT INTO item_clock AS c (item_id, version, next_fire_at)
         SELECT i.id, i.version, $1 FROM item i LEFT JOIN item_clock k ON k.item_id = i.id
          WHERE i.state_type <> 'closed' AND (k.item_id IS NULL OR k.next_fire_at <= $2)
         ON CONFLICT (item_id) DO UPDATE SET next_fire_at = EXCLUDED.next_fire_at RETURNING item_id`,
        [settleAt, new Date(Date.now() + 1_200_000).toISOString()],
      )
      const settled = moved.length
      log(`supervision-tick: ${settled} open items' next-fire time put an hour ahead`)
      await setTickState(db, 'fingerprint', await fingerprintOf(db, await listSupervisionConfigs(db)), new Date())
      await leader.connect()
      const { rows } = await leader.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SCHEDULER_LOCK_KEY])
      if (!rows[0]?.ok) throw new Error('another process leads the scheduler on this database; stop it first')

      server = await startServer()
      const base = server.base
      const sup = (await call(base, 'POST', '/api/auth/login', null, { username: 'bench-sup', password: PASSWORD })).json.token as string
      const liaison = (await call(base, 'POST', '/api/auth/login', null, { username: 'bench-liaison', password: PASSWORD })).json.token as string
      const probe = await call(base, 'POST', `/api/items/${targets[0]}/reports`, liaison, { text: '基准报送', measures: { 完成率: 50 } })
      if (probe.status !== 200) throw new Error(`a report on ${targets[0]} answered ${probe.status} ${JSON.stringify(probe.json).slice(0, 300)}`)
      // One load generator per route, CONNECTIONS / 2 connections each.
      const loads = {
        ledger: startLoad({ base, connections: CONNECTIONS / 2, durationS: 900, requests: [{ method: 'GET', path: '/api/items?limit=50', token: sup }] }),
        reports: startLoad({
          base, connections: CONNECTIONS / 2, durationS: 900,
          requests: targets.map((id) => ({ method: 'POST', path: `/api/items/${id}/reports`, token: liaison, body: { text: '第{n}次报送：本月推进情况正常。', measures: { 完成率: 50 } } })),
        }),
      }
      // Warm-up: 2 s after both generators sent their first request (on a loaded machine they take seconds to start).
      await Promise.all(Object.values(loads).map((l) => l.started))
      await new Promise((r) => setTimeout(r, 2000))
      const idleFrom = Date.now()
      await new Promise((r) => setTimeout(r, IDLE_S * 1000))
      const idleTo = Date.now()
      const la1 = loadavg()
      const due = await db.query<{ id: string }>(
        `UPDATE item_clock SET next_fire_at = '-infinity' WHERE item_id IN (SELECT id FROM item WHERE state_type <> 'closed' AND number LIKE 'GEN-%' AND id <> ALL($2::text[]) ORDER BY md5(id || $1) LIMIT $3) RETURNING item_id AS id`,
        [randomUUID(), targets, DUE],
      )
      log(`supervision-tick: ${open} open generated items; ${due.rows.length} made due; idle load ${IDLE_S} s done (load average ${la1.map((x) => x.toFixed(2)).join(' ')}); releasing the scheduler lock`)
      await leader.query('SELECT pg_advisory_unlock($1)', [SCHEDULER_LOCK_KEY])
      const t0 = Date.now()
      while (server.ticks.length === 0 && Date.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 250))
      const la2 = loadavg()
      for (const l of Object.values(loads)) l.stop()
      const tick = server.ticks[0]
      if (!tick) throw new Error('the server ran no tick within 10 minutes')
      const routes: Record<string, unknown> = {}
      const parts: string[] = []
      for (const key of ['ledger', 'reports'] as const) {
        const { samples } = await loads[key].result
        const idle = windowOf(samples, idleFrom, idleTo)
        const during = windowOf(samples, tick.from, tick.to)
        const ratio = round2(during.p99 / idle.p99)
        routes[key] = { idle, during, p99Ratio: ratio }
        parts.push(`${key} p99 ${idle.p99} → ${during.p99} ms (${ratio}×, ${during.count} during)`)
      }
      const tickMs = tick.to - tick.from
      // The pace line arrives right after the tick's line.
      for (let i = 0; i < 20 && server.paces.length === 0; i++) await new Promise((r) => setTimeout(r, 100))
      const pace = `${process.env.DUBAN_TICK_SHARE ? `DUBAN_TICK_SHARE=${process.env.DUBAN_TICK_SHARE}` : 'default pace'}${server.paces[0] ? `: ${server.paces[0]}` : ''}`
      const summary = `tick ${(tickMs / 1000).toFixed(1)} s (${pace}) for ${DUE} due items ${JSON.stringify(tick.result)}; ${parts.join('; ')}; load average ${la2[0]!.toFixed(2)}`
      log(`supervision-tick: ${summary}`)
      return { summary, data: { url: URL_.replace(/\/\/[^@]*@/, '//'), openItems: open, due: DUE, tickMs, tick: tick.result, pace, routes, loadAverageBefore: la1, loadAverageAfter: la2 } }
    } finally {
      await server?.stop()
      await leader.end().catch(() => undefined)
      await db.close()
    }
  },
}
