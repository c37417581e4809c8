/**
 * The peer beside us (对标基准, issue 7 point 6): pgbench and duban's routes in the same run, each route printed
 * as req/s, p50/p99 and a percentage of what PostgreSQL itself does for the same kind of write.
 *
 * 1. pgbench, in a scratch database created for the run: the "report + audit pair" (one progress_report row
 *    and one audit_log row per transaction, tables shaped as duban's) and the one-row insert, 16 clients,
 *    2 threads, -T BENCH_SECONDS; the pair again at the end, to show how far the machine drifted.
 * 2. Per database (PostgreSQL through DATABASE_URL to a fresh database; PGlite in a fresh data directory):
 *    migrated and seeded with the demo city's units, users and 12345 catalogues (the existing demo seed steps),
 *    then `duban serve --port 0` as a child process and everything else through the HTTP API: a 40-task plan
 *    imported, confirmed and accepted by the demo liaisons. Load from bench/http-load.mjs (autocannon) in its
 *    own process, 16 connections: ticket intake POST /api/tickets, POST /api/items/:id/reports, POST /api/items/:id/events 催办 (remind),
 *    GET /api/items (ledger page 1), then the scenario "confirm a 1,000-task plan while reports stream", then
 *    签收 (accept) through POST /api/items/:id/events of dispatched tasks cloned set-based from those 1,000
 *    (peer.accept-seed.ts), enough for half the pair's tps over the warm-up and the window, written before it.
 * 3. CPU per request: the server child's utime+stime from /proc/<pid>/stat (every thread of the process, so
 *    PGlite's work is inside it), and PostgreSQL's as the sum of utime+stime of the backends connected to the
 *    run's database (pg_stat_activity pids, /proc/<pid>/stat polled every 250 ms). pg_stat_statements is not
 *    preloaded on this server, so it is not used.
 *
 * Environment: BENCH_SECONDS (default 5) per timed load, BENCH_WARMUP_SECONDS (1), BENCH_PLAN_TASKS (1000),
 * BENCH_ACCEPT_TASKS (the 签收 load's tasks; default enough for 50% of the pair's tps over warm-up + window),
 * BENCH_DATABASES (postgresql,pglite), BENCH_ROUTES (intake,reports,remind,ledger,confirm,accept: the loads to run;
 * confirm is the plan scenario, which accept needs and runs with), BENCH_CONNECTIONS (16, for pgbench and the HTTP loads), DATABASE_URL (the
 * PostgreSQL server to create databases on; default postgres://postgres@127.0.0.1:5432/postgres).
 * pgbench's p50/p99 come from its per-transaction log (-l).
 *
 * The floor (bench/floor-server.mjs): beside pgbench and duban, a bare Fastify server (duban's version) that runs
 * the pair's own two INSERTs per request (floorStatements(PAIR_SCRIPT)), loaded like duban's routes: `floor`
 * (PostgreSQL, pool of 10, prepared, BEGIN + two INSERTs + COMMIT as pgbench does), `floor-cte` (one statement),
 * `floor-pglite` and `floor-pglite-cte` (PGlite in the server's process, a fresh data directory, duban's named
 * statements), `floor-pglite-worker` (the CTE with PGlite's backend in a worker thread). What this
 * machine allows an HTTP server at all: a floor below a goal means no design of duban can reach it here.
 *
 * BENCH_PEER_ONLY (e.g. `floor,pg-reports,pg-intake`): run only these targets (peer.stats.ts planPeerRun lists
 * the names); the pair at the start always runs, every percentage is of it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { openPglite } from '../src/persistence/pglite.db.ts'
import { DEMO_DIR, DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../src/app/demo/seed-demo.ts'
import { seedHotline } from '../src/app/demo/seed-hotline.ts'
import { importUnits } from '../src/app/units/import-units.ts'
import type { AppDeps } from '../src/app/deps.ts'
import type { Benchmark } from './bench.types.ts'
import { cloneDispatchedTasks } from './peer.accept-seed.ts'
import { analyzeTable, staleTables } from '../src/persistence/table-statistics.repo.ts'
import { makePlanText, PLAN_LEADS } from './peer.plan.ts'
import { ONE_ROW_SCRIPT, PAIR_SCRIPT, PGBENCH_SCHEMA } from './peer.sql.ts'
import {
  acceptanceLines,
  cpuMsPerRequest,
  databaseTag,
  FLOOR_VARIANTS,
  floorLines,
  floorStatements,
  planPeerRun,
  formatPercent,
  formatRatio,
  judgeConfirm,
  parseBashTimes,
  parsePgbench,
  parsePgbenchLog,
  parseProcStat,
  percentOf,
  round2,
  routeLine,
  startedWithin,
  summarizeLatency,
  type ConfirmJudgement,
  type PgbenchFigures,
  type Sample,
} from './peer.stats.ts'

const SECONDS = positive('BENCH_SECONDS', 5)
const WARMUP_SECONDS = positive('BENCH_WARMUP_SECONDS', 1)
const PLAN_TASKS = positive('BENCH_PLAN_TASKS', 1000)
/** The loads to run (intake, reports, remind, ledger, confirm, accept); all unless told. `confirm` is the scenario. */
const ROUTES = new Set((process.env.BENCH_ROUTES ?? 'intake,reports,remind,ledger,confirm,accept').split(',').map((s) => s.trim()).filter(Boolean))
const DATABASES = (process.env.BENCH_DATABASES ?? 'postgresql,pglite').split(',').map((s) => s.trim()).filter(Boolean)
/** Connections of every load (pgbench's clients and autocannon's); the issue's figures are at 16. */
const CONNECTIONS = positive('BENCH_CONNECTIONS', 16)
const PGBENCH_THREADS = 2
const SETUP_TASKS = 40
/** 签收's tasks: enough for this share of the pair's tps over the warm-up and the window (BENCH_ACCEPT_TASKS: a count instead). */
const ACCEPT_SHARE = 0.5
const ACCEPT_TASKS = process.env.BENCH_ACCEPT_TASKS ? positive('BENCH_ACCEPT_TASKS', 1) : null
const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres'
const HZ = 100 // getconf CLK_TCK on Linux x86-64
const LOAD_GEN = fileURLToPath(new URL('./http-load.mjs', import.meta.url))
const FLOOR_SERVER = fileURLToPath(new URL('./floor-server.mjs', import.meta.url))
const DUBAN = fileURLToPath(new URL('../bin/duban.js', import.meta.url))

function positive(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback)
  if (!(v > 0)) throw new Error(`${name} must be a positive number`)
  return v
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Busy and total jiffies of the whole machine (/proc/stat's first line). */
async function machineJiffies(): Promise<{ busy: number; total: number }> {
  const first = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!
  const f = first.trim().split(/\s+/).slice(1).map(Number)
  const total = f.reduce((a, b) => a + b, 0)
  const idle = (f[3] ?? 0) + (f[4] ?? 0)
  return { busy: total - idle, total }
}

/** Waits (at most 60 s) until a whole second passes with the machine under 15% busy: a server's background after a load. */
async function machineSettles(): Promise<{ quiet: boolean; waitedS: number; busyPct: number }> {
  const started = performance.now()
  let busyPct = 100
  while (performance.now() - started < 60_000) {
    const a = await machineJiffies()
    await sleep(1_000)
    const b = await machineJiffies()
    busyPct = Math.round((100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total))
    if (busyPct < 15) return { quiet: true, waitedS: Math.round((performance.now() - started) / 1000), busyPct }
  }
  return { quiet: false, waitedS: 60, busyPct }
}
const load = (): number[] => loadavg().map((x) => round2(x))

// ---------------------------------------------------------------- CPU from /proc

async function ticksOf(pid: number): Promise<number | null> {
  try {
    const { utime, stime } = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'))
    return utime + stime
  } catch {
    return null
  }
}

/**
 * Polls the CPU ticks of one Node process and of the PostgreSQL backends of one database. A backend seen
 * at the start counts from its value then; one that appears later from zero (it started inside the window);
 * one that exits counts up to its last poll (at most 250 ms lost).
 */
class CpuSampler {
  private readonly base = new Map<number, number>()
  private readonly last = new Map<number, number>()
  private nodeBase = 0
  private nodeLast = 0
  private timer: NodeJS.Timeout | null = null
  private polling: Promise<void> = Promise.resolve()

  constructor(
    private readonly admin: pg.Client | null,
    private readonly database: string | null,
    private readonly nodePid: number | null,
  ) {}

  private async poll(initial: boolean): Promise<void> {
    if (this.nodePid) {
      const t = await ticksOf(this.nodePid)
      if (t !== null) {
        if (initial) this.nodeBase = t
        this.nodeLast = t
      }
    }
    if (this.admin && this.database) {
      const { rows } = await this.admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`, [this.database])
      for (const { pid } of rows) {
        const t = await ticksOf(pid)
        if (t === null) continue
        if (!this.base.has(pid)) this.base.set(pid, initial ? t : 0)
        this.last.set(pid, t)
      }
    }
  }

  async start(): Promise<void> {
    await this.poll(true)
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll(false)).catch(() => {})
    }, 250)
  }

  async stop(): Promise<{ nodeTicks: number | null; pgTicks: number | null; pgBackends: number }> {
    if (this.timer) clearInterval(this.timer)
    await this.polling
    await this.poll(false)
    let pgTicks = 0
    for (const [pid, b] of this.base) pgTicks += (this.last.get(pid) ?? b) - b
    return { nodeTicks: this.nodePid ? this.nodeLast - this.nodeBase : null, pgTicks: this.admin ? pgTicks : null, pgBackends: this.base.size }
  }
}

// ---------------------------------------------------------------- PostgreSQL

async function adminClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  await c.connect()
  return c
}

function urlFor(admin: string, database: string): string {
  const u = new URL(admin)
  u.pathname = `/${database}`
  return u.toString()
}

async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name])
    if (Number(rows[0]?.n) === 0) break
    await sleep(100)
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
}

interface PgbenchRun extends PgbenchFigures {
  readonly script: string
  readonly latencyMs: ReturnType<typeof summarizeLatency>
  readonly pgCpuMsPerTransaction: number
  /** pgbench's own CPU (its client side: scripts, protocol), from bash's `times`. */
  readonly clientCpuMsPerTransaction: number
}

async function pgbench(admin: pg.Client, adminUrl: string, database: string, name: string, script: string, dir: string): Promise<PgbenchRun> {
  const file = join(dir, `${name}.sql`)
  await writeFile(file, script)
  const u = new URL(adminUrl)
  // -l: one log line per transaction (files <prefix>.<pid>[.<thread>]), read for p50/p99.
  const prefix = join(dir, `log-${name}-${randomBytes(3).toString('hex')}`)
  const args = ['-n', '-l', `--log-prefix=${prefix}`, '-f', file, '-c', String(CONNECTIONS), '-j', String(PGBENCH_THREADS), '-T', String(Math.max(1, Math.round(SECONDS))), '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), database]
  const sampler = new CpuSampler(admin, database, null)
  // Backends connect when pgbench starts: sample from the start so every one counts from zero.
  await sampler.start()
  const out = await new Promise<string>((resolve, reject) => {
    // Through bash, whose `times` prints pgbench's CPU once it exited (parseBashTimes).
    const child = spawn('bash', ['-c', 'pgbench "$@"; rc=$?; times; exit $rc', 'pgbench', ...args], { env: { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) } })
    let text = ''
    child.stdout.on('data', (d: Buffer) => (text += d.toString()))
    child.stderr.on('data', (d: Buffer) => (text += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited with ${code}: ${text.trim().split('\n').slice(-3).join(' | ')}`))))
  })
  const cpu = await sampler.stop()
  const figures = parsePgbench(out)
  const latencies: number[] = []
  const base = prefix.slice(dir.length + 1)
  // One by one, not push(...rows): a 10 s pgbench log on a fast machine holds ~45,000 transactions a thread, past
  // what one call's arguments may be ("Maximum call stack size exceeded", seen at 8,985 tps).
  for (const f of await readdir(dir)) if (f.startsWith(`${base}.`)) for (const l of parsePgbenchLog(await readFile(join(dir, f), 'utf8'))) latencies.push(l)
  const clientMs = parseBashTimes(out)
  return { ...figures, script: name, latencyMs: summarizeLatency(latencies), pgCpuMsPerTransaction: cpuMsPerRequest(cpu.pgTicks ?? NaN, HZ, figures.transactions), clientCpuMsPerTransaction: Math.round((clientMs * 1000) / figures.transactions) / 1000 }
}

// ---------------------------------------------------------------- duban serve as a child

interface Server {
  readonly child: ChildProcess
  readonly base: string
  readonly pid: number
  stop(): Promise<void>
}

/**
 * The demo city's units, its users and the 12345 catalogues (the existing demo seed steps, not the demo's
 * sample plan, activity and 300 tickets, which take minutes on a busy machine), written before the server
 * starts: PGlite's directory can be open in one process only.
 */
async function seedDatabase(target: Target): Promise<string[]> {
  const db = target.env.DATABASE_URL ? await openPg(target.env.DATABASE_URL) : await openPglite(target.dataDir)
  try {
    await migrate(db)
    const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
    // An existing database (generated items) has units but not the demo city's, which the demo users need.
    if (target.existing && (await db.query(`SELECT 1 FROM unit WHERE id = 'yz-sjj'`)).rows.length === 0) {
      await importUnits(deps, null, { name: 'demo/units.csv', bytes: await readFile(join(DEMO_DIR, 'units.csv')) })
    }
    const lines = [await seedDemoUnits(deps), await seedDemoUsers(deps), await seedHotline(deps, DEMO_DIR, DEMO_PASSWORD)]
    return lines.filter((l): l is string => l !== null)
  } finally {
    await db.close()
  }
}

async function startServer(env: NodeJS.ProcessEnv, dataDir: string): Promise<Server> {
  // BENCH_SERVER_NODE_ARGS: Node flags of the server alone, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile it.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  return spawnServer([...nodeArgs, DUBAN, 'serve', '--port', '0', '--data', dataDir], env, 'duban serve')
}

/** A server child (`node <args>`) that prints `serving on <url> ` once it listens. */
async function spawnServer(args: string[], env: NodeJS.ProcessEnv, what: string): Promise<Server> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)))
  const base = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 300 s: ${err.slice(-500)}`)), 300_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /serving on (http:\/\/[^\s]+) /.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited with ${code}: ${err.slice(-500)}`))
    })
  })
  return {
    child,
    base,
    pid: child.pid!,
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

async function call<T>(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: T; ms: number }> {
  const t0 = performance.now()
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  const ms = performance.now() - t0
  let json: T
  try {
    json = JSON.parse(text) as T
  } catch {
    json = text as unknown as T
  }
  return { status: res.status, json, ms }
}

async function must<T>(what: string, p: Promise<{ status: number; json: T; ms: number }>, ok = [200, 201]): Promise<{ json: T; ms: number }> {
  const r = await p
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`)
  return r
}

async function login(base: string, username: string): Promise<string> {
  const r = await must<{ token: string }>(`login ${username}`, call(base, 'POST', '/api/auth/login', null, { username, password: DEMO_PASSWORD }))
  return r.json.token
}

interface Task {
  readonly id: string
  readonly lead: string
}

/** Imports a generated plan as the supervisor; returns its id and how long the import took. */
async function importPlan(base: string, token: string, title: string, count: number): Promise<{ id: string; ms: number }> {
  const text = makePlanText({ title, count, leads: Object.values(PLAN_LEADS).map((l) => l.name), due: '2027年6月底前' })
  const r = await must<{ id: string }>('import plan', call(base, 'POST', '/api/plans', token, { fileName: `${title}.txt`, contentBase64: Buffer.from(text).toString('base64') }))
  return { id: r.json.id, ms: r.ms }
}

/** The tasks of a confirmed plan with their lead unit, from the ledger (GET /api/items?plan=…). */
async function planTasks(base: string, token: string, planId: string): Promise<Task[]> {
  const tasks: Task[] = []
  for (let offset = 0; ; offset += 500) {
    const r = await must<{ items: { id: string; units: { unitId: string; role: string }[] }[] }>('plan tasks', call(base, 'GET', `/api/items?plan=${encodeURIComponent(planId)}&limit=500&offset=${offset}`, token))
    for (const it of r.json.items) tasks.push({ id: it.id, lead: it.units.find((u) => u.role === 'lead')?.unitId ?? '' })
    if (r.json.items.length < 500) return tasks
  }
}

// ---------------------------------------------------------------- the load generator child

interface LoadJob {
  readonly base: string
  readonly connections: number
  readonly durationS: number
  readonly amount?: number
  readonly requests: readonly { method: string; path: string; token?: string; body?: unknown }[]
}

interface LoadResult {
  readonly startedAt: number
  readonly endedAt: number
  readonly samples: Sample[]
  readonly errors: { status: number; body: string }[]
  readonly autocannon: Record<string, unknown>
  /** The load generator's CPU over the load (user + system ms). */
  readonly cpuMs: number
}

/** Runs one load; `during` (if given) runs once the load has started and stops the load when it settles. */
function runLoad(job: LoadJob, during?: () => Promise<void>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD_GEN], { stdio: ['pipe', 'pipe', 'inherit'] })
    // A 'stop' written after the child ended must not end this process.
    child.stdin.on('error', () => {})
    let out = ''
    let started = false
    // Settles when `during` has (or at once without one): the result waits for it as well as for the child.
    let duringDone: Promise<void> = Promise.resolve()
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (!started && /^started \d+/m.test(out)) {
        started = true
        if (during) {
          duringDone = during().finally(() => {
            if (child.exitCode === null) child.stdin.write('stop\n')
          })
        }
      }
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('result '))
      if (code !== 0 || !line) return reject(new Error(`http-load exited with ${code}`))
      duringDone.then(() => resolve(JSON.parse(line.slice('result '.length)) as LoadResult), reject)
    })
    child.stdin.write(JSON.stringify(job) + '\n')
  })
}

interface RouteFigures {
  readonly route: string
  readonly requests: number
  readonly ok: number
  readonly failed: number
  readonly statuses: Record<string, number>
  readonly seconds: number
  readonly rps: number
  /** Latency of the successful answers, and of every answer (shed ones included). */
  readonly latencyMs: ReturnType<typeof summarizeLatency>
  readonly latencyAllMs: ReturnType<typeof summarizeLatency>
  readonly nodeCpuMsPerRequest: number
  readonly pgCpuMsPerRequest: number
  readonly loadGenCpuMsPerRequest: number
  readonly pgBackends: number
  readonly percentOfPair: number
  readonly errors: { status: number; body: string }[]
  readonly autocannon: Record<string, unknown>
}

function figuresOf(route: string, all: LoadResult, cpu: { nodeTicks: number | null; pgTicks: number | null; pgBackends: number }, pairTps: number, okStatus: number): RouteFigures {
  // The requests still in flight when the time was up (-1) were cut by the stop, not refused: left out.
  const res = { ...all, samples: all.samples.filter(([, , st]) => st !== -1) }
  const statuses: Record<string, number> = {}
  for (const [, , s] of res.samples) statuses[s === 0 ? 'timeout' : s] = (statuses[s === 0 ? 'timeout' : s] ?? 0) + 1
  const ok = statuses[okStatus] ?? 0
  const seconds = (res.endedAt - res.startedAt) / 1000
  const rps = round2(ok / seconds)
  return {
    route,
    requests: res.samples.length,
    ok,
    failed: res.samples.length - ok,
    statuses,
    seconds: round2(seconds),
    rps,
    // Over the answers that did the work: a shed request (503) is answered at once and would flatter both.
    latencyMs: summarizeLatency(res.samples.filter(([, , s]) => s === okStatus).map(([, ms]) => ms)),
    latencyAllMs: summarizeLatency(res.samples.map(([, ms]) => ms)),
    nodeCpuMsPerRequest: cpuMsPerRequest(cpu.nodeTicks ?? NaN, HZ, ok),
    pgCpuMsPerRequest: cpuMsPerRequest(cpu.pgTicks ?? NaN, HZ, ok),
    loadGenCpuMsPerRequest: ok > 0 ? Math.round((all.cpuMs * 1000) / ok) / 1000 : NaN,
    pgBackends: cpu.pgBackends,
    percentOfPair: percentOf(rps, pairTps),
    errors: res.errors,
    autocannon: res.autocannon,
  }
}

// ---------------------------------------------------------------- one database

interface Target {
  readonly name: 'postgresql' | 'pglite'
  readonly database: string | null
  /** An existing database (`postgresql:<name>`), kept after the run. */
  readonly existing?: boolean
  readonly env: NodeJS.ProcessEnv
  readonly dataDir: string
}

async function measure(target: Target, admin: pg.Client | null, pairTps: number, log: (line: string) => void, routesToRun: ReadonlySet<string>): Promise<Record<string, unknown>> {
  const tag = `peer[${target.name}${target.existing ? `:${target.database}` : ''}]`
  const t0 = performance.now()
  const seeded = await seedDatabase(target)
  // On an existing database the bench holds the leader lock, so the server's tick stays out (see the header).
  const leaderLock = target.existing && target.env.DATABASE_URL ? await adminClient(target.env.DATABASE_URL) : null
  if (leaderLock && !(await leaderLock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(4242075) AS ok')).rows[0]?.ok) log(`${tag}: note: another process holds the leader lock`)
  log(`${tag}: migrated and seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${seeded.length} demo steps: units, users, 12345 catalogues)`)
  const t1 = performance.now()
  let server = await startServer(target.env, target.dataDir)
  try {
    log(`${tag}: duban serve pid ${server.pid} at ${server.base}, listening after ${((performance.now() - t1) / 1000).toFixed(1)} s`)
    const base = server.base
    const supervisor = await login(base, 'supervisor')
    const operator = await login(base, 'hotline')
    const liaison: Record<string, string> = {}
    for (const [unit, l] of Object.entries(PLAN_LEADS)) liaison[unit] = await login(base, l.user)

    // The tasks that reports and reminders go to: a small plan, confirmed and accepted.
    const setup = await importPlan(base, supervisor, '基准任务（报送）', SETUP_TASKS)
    await must('confirm setup plan', call(base, 'POST', `/api/plans/${setup.id}/confirm`, supervisor, {}))
    const targets = await planTasks(base, supervisor, setup.id)
    if (targets.length !== SETUP_TASKS) throw new Error(`the setup plan gave ${targets.length} tasks, ${SETUP_TASKS} expected`)
    for (const t of targets) {
      const token = liaison[t.lead]
      if (!token) throw new Error(`task ${t.id} is led by ${t.lead}, which has no demo liaison`)
      await must('accept setup task', call(base, 'POST', `/api/items/${t.id}/accept`, token, {}))
    }
    log(`${tag}: ${targets.length} tasks confirmed and accepted for the report and reminder loads`)

    const reportJob = (durationS: number): LoadJob => ({
      base,
      connections: CONNECTIONS,
      durationS,
      requests: targets.map((t) => ({ method: 'POST', path: `/api/items/${t.id}/reports`, token: liaison[t.lead]!, body: { text: '第{n}次报送：本月推进情况正常，已完成阶段目标。', measures: { 完成率: 50 } } })),
    })
    const jobs: { key: string; label: string; ok: number; job: (durationS: number) => LoadJob }[] = [
      {
        key: 'intake',
        label: 'POST /api/tickets (受理, dispatch)',
        ok: 201,
        job: (durationS) => ({
          base,
          connections: CONNECTIONS,
          durationS,
          requests: [
            {
              method: 'POST',
              path: '/api/tickets',
              token: operator,
              body: {
                requestType: 'complaint', urgency: 'normal', categoryCode: '01.01.01', requesterName: '张三', requesterPhone: '13812345678',
                address: '河滨路1号', placeUnitId: 'ql-hb', content: '路口傍晚有流动摊贩占道经营，影响通行（基准第{n}件）', dispatch: { lead: 'yz-cgj' },
              },
            },
          ],
        }),
      },
      { key: 'reports', label: 'POST /api/items/:id/reports (报送进展)', ok: 200, job: reportJob },
      {
        key: 'remind',
        label: 'POST /api/items/:id/events remind (催办)',
        ok: 200,
        job: (durationS) => ({ base, connections: CONNECTIONS, durationS, requests: targets.map((t) => ({ method: 'POST', path: `/api/items/${t.id}/events`, token: supervisor, body: { event: 'remind', payload: { text: '请加快进度（第{n}次）' } } })) }),
      },
      { key: 'ledger', label: 'GET /api/items?limit=50 (台账 page 1)', ok: 200, job: (durationS) => ({ base, connections: CONNECTIONS, durationS, requests: [{ method: 'GET', path: '/api/items?limit=50', token: supervisor }] }) },
    ]

    const routes: Record<string, RouteFigures> = {}
    const timed = async (key: string, label: string, ok: number, job: LoadJob): Promise<RouteFigures> => {
      const sampler = new CpuSampler(admin, target.database, server.pid)
      await sampler.start()
      const res = await runLoad(job)
      const cpu = await sampler.stop()
      const f = figuresOf(label, res, cpu, pairTps, ok)
      routes[key] = f
      const first = f.errors[0] ? ` first: ${f.errors[0].status} ${(/"code":"(\w+)"/.exec(f.errors[0].body)?.[1] ?? f.errors[0].body.slice(0, 120))}` : ''
      const bad = f.failed ? ` — ${f.failed} of ${f.requests} answers not ${ok} (${Object.entries(f.statuses).map(([k, v]) => `${v}× ${k}`).join(', ')};${first}); latency and CPU are per ${ok} answer` : ''
      log(`${tag} ${routeLine(label, { rps: f.rps, p50: f.latencyMs.p50, p99: f.latencyMs.p99, nodeCpuMs: f.nodeCpuMsPerRequest, pgCpuMs: f.pgCpuMsPerRequest, loadGenCpuMs: f.loadGenCpuMsPerRequest }, pairTps)}${bad}`)
      return f
    }
    for (const j of jobs) {
      if (!routesToRun.has(j.key)) continue
      // The tickets of this load only: on an existing database (postgresql:<name>) the ledger holds millions before it.
      const loadFrom = new Date()
      await runLoad(j.job(WARMUP_SECONDS))
      await timed(j.key, j.label, j.ok, j.job(SECONDS))
      if (j.key === 'intake' && target.env.DATABASE_URL) {
        // Intake's group commit (receive-ticket.ts): rows written by one transaction share its xmin (warm-up included).
        const c = await adminClient(target.env.DATABASE_URL)
        try {
          const { rows } = await c.query<{ tickets: string; xacts: string }>(`SELECT count(*) AS tickets, count(DISTINCT xmin::text) AS xacts FROM item WHERE kind = 'ticket' AND created_at >= $1`, [loadFrom])
          const [n, x] = [Number(rows[0]!.tickets), Number(rows[0]!.xacts)]
          log(`${tag} intake: ${n} tickets in ${x} transactions = ${(n / Math.max(1, x)).toFixed(2)} tickets per transaction (warm-up included)`)
        } finally {
          await c.end()
        }
      }
    }

    if (!routesToRun.has('confirm') && !routesToRun.has('accept')) return { database: target.name === 'postgresql' ? `PostgreSQL, fresh database ${target.database}` : 'PGlite, fresh data directory', serverPid: server.pid, routes, scenario: { p99Ratio: NaN, skipped: true } }
    // Scenario: confirm a PLAN_TASKS-task plan while reports stream in.
    const plan = await importPlan(base, supervisor, `基准任务（${PLAN_TASKS}项）`, PLAN_TASKS)
    log(`${tag}: imported a ${PLAN_TASKS}-task plan in ${plan.ms.toFixed(0)} ms (no other load)`)
    // Reports that did the work, and those that never got an answer (timed out: 0, still waiting at the end:
    // -1) with the time they waited, which is a lower bound of their latency; shed ones (503) are counted apart.
    const okOnly = (samples: readonly Sample[]): Sample[] => samples.filter(([, , st]) => st === 200 || st <= 0)
    const unanswered = (samples: readonly Sample[]): number => samples.filter(([, , st]) => st <= 0).length
    const baseline = await runLoad(reportJob(SECONDS))
    const baselineLat = summarizeLatency(okOnly(baseline.samples).map(([, ms]) => ms))
    let confirmFrom = 0
    let confirmTo = 0
    let confirmStatus = 0
    let confirmTries = 0
    const withConfirm = await runLoad(reportJob(Math.max(SECONDS, 600)), async () => {
      await sleep(1000)
      confirmFrom = Date.now()
      // The server may shed the confirm (503 + Retry-After) like any write: retry as a client would.
      for (confirmTries = 1; confirmTries <= 30; confirmTries++) {
        const r = await call(base, 'POST', `/api/plans/${plan.id}/confirm`, supervisor, {})
        confirmStatus = r.status
        if (r.status !== 503) break
        await sleep(200)
      }
      confirmTo = Date.now()
      await sleep(500)
    })
    // Reports again right after it: the window where the confirm's background work (the supervision round that meets
    // its new tasks, the assessment drain of their marks) lands. With the reports of the confirm's run that started
    // after its answer.
    const after = await runLoad(reportJob(SECONDS))
    const tail = startedWithin(withConfirm.samples, confirmTo + 1, Number.MAX_SAFE_INTEGER)
    const afterAll = [...tail, ...after.samples]
    const afterLat = summarizeLatency(okOnly(afterAll).map(([, ms]) => ms))
    const inWindow = okOnly(startedWithin(withConfirm.samples, confirmFrom, confirmTo))
    const windowLat = summarizeLatency(inWindow.map(([, ms]) => ms))
    const wholeLat = summarizeLatency(okOnly(withConfirm.samples).map(([, ms]) => ms))
    const shedOf = (samples: readonly Sample[]): number => samples.filter(([, , st]) => st === 503).length
    const shed = { before: shedOf(baseline.samples), during: shedOf(startedWithin(withConfirm.samples, confirmFrom, confirmTo)), after: shedOf(afterAll) }
    // During and after, each against before (not against the mean of before and after: a disturbed window after the
    // confirm raised that mean and hid itself); the worse of the two is judged, and a shed report is a failure.
    const judged = judgeConfirm({ before: { p99: baselineLat.p99, shed: shed.before }, during: { p99: windowLat.p99, shed: shed.during }, after: { p99: afterLat.p99, shed: shed.after } })
    const scenario = {
      planTasks: PLAN_TASKS,
      importMs: round2(plan.ms),
      confirmMs: confirmTo - confirmFrom,
      confirmStatus,
      confirmTries,
      reportsBefore: { requests: baseline.samples.length, shed: shed.before, rps: round2(okOnly(baseline.samples).length / ((baseline.endedAt - baseline.startedAt) / 1000)), latencyMs: baselineLat },
      reportsDuringConfirm: { requests: inWindow.length, unanswered: unanswered(inWindow), shed: shed.during, rps: round2(inWindow.filter(([, , st]) => st === 200).length / Math.max(0.001, (confirmTo - confirmFrom) / 1000)), latencyMs: windowLat },
      reportsAfter: { requests: afterAll.length, tailRequests: tail.length, shed: shed.after, rps: round2(okOnly(after.samples).length / ((after.endedAt - after.startedAt) / 1000)), latencyMs: afterLat },
      reportsWholeRunWithConfirm: { requests: withConfirm.samples.length, shed: shedOf(withConfirm.samples), seconds: round2((withConfirm.endedAt - withConfirm.startedAt) / 1000), latencyMs: wholeLat },
      judgement: judged,
      p99Ratio: judged.ratio,
    }
    log(
      `${tag} scenario: confirm of a ${PLAN_TASKS}-task plan took ${scenario.confirmMs} ms (HTTP ${confirmStatus}${confirmTries > 1 ? ` after ${confirmTries - 1} × 503` : ''}) while reports streamed; ` +
        `reports p99 ${baselineLat.p99} ms before it (${baselineLat.count} reports, ${shed.before} shed), ` +
        `${windowLat.p99} ms during it (${inWindow.length} reports of which ${scenario.reportsDuringConfirm.unanswered} unanswered, ${shed.during} shed, ${scenario.reportsDuringConfirm.rps} req/s), ` +
        `${afterLat.p99} ms after it (${afterLat.count} reports, ${shed.after} shed); during/before ${formatRatio(judged.duringRatio)}, after/before ${formatRatio(judged.afterRatio)}, ` +
        `judged on the worse: ${formatRatio(judged.ratio)}, ${judged.shed} shed during and after (acceptance: ≤ 2×, none shed): ${judged.met ? 'met' : 'NOT met'}; p99 over the whole run with the confirm ${wholeLat.p99} ms`,
    )
    if (confirmStatus !== 200) throw new Error(`confirm of the ${PLAN_TASKS}-task plan answered ${confirmStatus}`)

    // 签收: dispatched tasks accepted once each by their lead's liaison, enough of them for the whole window. The
    // confirm's 1,000 tasks ran out in ~2 s (the figure was the load's ramp), so the 签收 load's tasks are those
    // tasks cloned set-based (peer.accept-seed.ts: INSERT … SELECT, their clocks as the templates', the assessment
    // marks drained) before the window and not counted; sized for ACCEPT_SHARE of the pair over the warm-up and the
    // window. On PGlite the server owns the data directory: it is stopped for the seeding and started again.
    const planned = await planTasks(base, supervisor, plan.id)
    const dispatched = planned.filter((t) => liaison[t.lead])
    const wanted = ACCEPT_TASKS ?? Math.ceil(pairTps * ACCEPT_SHARE * (SECONDS + WARMUP_SECONDS))
    const copies = Math.max(1, Math.ceil(wanted / Math.max(1, dispatched.length)))
    const leadOf = new Map(dispatched.map((t) => [t.id, t.lead]))
    const t2 = performance.now()
    if (target.name === 'pglite') await server.stop()
    const seedDb = target.env.DATABASE_URL ? await openPg(target.env.DATABASE_URL) : await openPglite(target.dataDir)
    let clones: { id: string; from: string }[]
    try {
      clones = await cloneDispatchedTasks(seedDb, dispatched.map((t) => t.id), copies)
      // Written behind the app's back, set-based: the tables they grew are analyzed, as the app's scheduler would within
      // its minute (keep-statistics.ts) and as pgbench -i does after its load, not left without statistics.
      for (const t of await staleTables(seedDb)) await analyzeTable(seedDb, t.table)
    } finally {
      await seedDb.close()
    }
    if (target.name === 'pglite') {
      server = await startServer(target.env, target.dataDir)
      for (const [unit, l] of Object.entries(PLAN_LEADS)) liaison[unit] = await login(server.base, l.user)
    }
    log(`${tag}: ${clones.length} dispatched tasks for the 签收 load (${copies} copies of the plan's ${dispatched.length}, for ${Math.round(ACCEPT_SHARE * 100)}% of the pair over ${WARMUP_SECONDS + SECONDS} s) written set-based in ${((performance.now() - t2) / 1000).toFixed(1)} s${target.name === 'pglite' ? ` (server restarted: pid ${server.pid})` : ''}; not timed`)
    if (clones.length < 2) throw new Error(`the 签收 load has ${clones.length} tasks: the ${PLAN_TASKS}-task plan gave ${dispatched.length} dispatched tasks led by a demo liaison`)
    const settled = await machineSettles()
    log(`${tag}: ${settled.quiet ? 'machine settled' : 'machine still busy'} after the confirm and the seeding: waited ${settled.waitedS} s (last second ${settled.busyPct}% busy of ${cpus().length} cores)`)
    const acceptRequests = clones.map((c) => ({ method: 'POST', path: `/api/items/${c.id}/events`, token: liaison[leadOf.get(c.from)!]!, body: { event: 'accept' } }))
    // The warm-up takes the first tasks (each accepted once), the window the rest.
    const warmCount = Math.min(acceptRequests.length - 1, Math.ceil((acceptRequests.length * WARMUP_SECONDS) / (WARMUP_SECONDS + SECONDS)))
    await runLoad({ base: server.base, connections: CONNECTIONS, durationS: WARMUP_SECONDS, amount: warmCount, requests: acceptRequests.slice(0, warmCount) })
    const left = acceptRequests.slice(warmCount)
    const acceptJob: LoadJob = { base: server.base, connections: CONNECTIONS, durationS: SECONDS, amount: left.length, requests: left }
    const accept = await timed('accept', 'POST /api/items/:id/events accept (签收)', 200, acceptJob)
    if (accept.requests >= left.length) log(`${tag}: note: all ${left.length} tasks were accepted before ${SECONDS} s; the accept figure covers ${accept.seconds} s (raise BENCH_ACCEPT_TASKS)`)

    return { database: target.name === 'postgresql' ? `PostgreSQL, fresh database ${target.database}` : 'PGlite, fresh data directory', serverPid: server.pid, routes, scenario }
  } finally {
    await server.stop()
    await leaderLock?.end()
  }
}

// ---------------------------------------------------------------- the floor

/** Requests of the floor's load: `count` report bodies for items drawn at random from 1..10000, as pgbench's `random(1, 10000)`. */
function floorRequests(count: number): LoadJob['requests'] {
  return Array.from({ length: count }, () => ({ method: 'POST', path: '/report', body: { item: 1 + Math.floor(Math.random() * 10000) } }))
}

/**
 * One floor variant (FLOOR_VARIANTS): bench/floor-server.mjs as a child on the pgbench scratch database (its tables
 * are the pair's) or on a fresh PGlite directory holding the same schema, a warm-up, then the timed load with the
 * same CPU sampler as duban's routes (the child's ticks; PostgreSQL's from the scratch database's backends).
 */
async function measureFloor(variant: string, admin: pg.Client, adminUrl: string, scratch: string, work: string, pairTps: number, log: (line: string) => void): Promise<RouteFigures & { variant: string; db: 'pg' | 'pglite'; shape: 'tx' | 'cte' }> {
  const { db, shape, worker } = FLOOR_VARIANTS[variant]!
  const env: NodeJS.ProcessEnv = { ...process.env, FLOOR_DB: db, FLOOR_SHAPE: shape, FLOOR_SQL: JSON.stringify(floorStatements(PAIR_SCRIPT)) }
  delete env.DATABASE_URL
  if (db === 'pg') env.DATABASE_URL = urlFor(adminUrl, scratch)
  else {
    env.FLOOR_PGLITE_DIR = join(work, `floor-${variant}`)
    env.FLOOR_SCHEMA = PGBENCH_SCHEMA
    if (worker) env.FLOOR_PGLITE_THREAD = 'worker'
  }
  const server = await spawnServer([FLOOR_SERVER], env, `floor server (${variant})`)
  try {
    const label = `${variant} (bare Fastify, ${db === 'pg' ? 'PostgreSQL, pool of 10, prepared' : worker ? 'PGlite in a worker thread' : 'PGlite in process'}, ${shape === 'tx' ? 'BEGIN + 2 INSERTs + COMMIT' : 'one CTE statement'})`
    const job = (durationS: number): LoadJob => ({ base: server.base, connections: CONNECTIONS, durationS, requests: floorRequests(1000) })
    await runLoad(job(WARMUP_SECONDS))
    const sampler = new CpuSampler(db === 'pg' ? admin : null, db === 'pg' ? scratch : null, server.pid)
    await sampler.start()
    const res = await runLoad(job(SECONDS))
    const cpu = await sampler.stop()
    const f = figuresOf(label, res, cpu, pairTps, 200)
    const bad = f.failed ? ` — ${f.failed} of ${f.requests} answers not 200 (${Object.entries(f.statuses).map(([k, v]) => `${v}× ${k}`).join(', ')}; first: ${f.errors[0]?.status} ${f.errors[0]?.body.slice(0, 120) ?? ''})` : ''
    log(`peer ${routeLine(label, { rps: f.rps, p50: f.latencyMs.p50, p99: f.latencyMs.p99, nodeCpuMs: f.nodeCpuMsPerRequest, pgCpuMs: f.pgCpuMsPerRequest, loadGenCpuMs: f.loadGenCpuMsPerRequest }, pairTps)}${bad}`)
    return { ...f, variant, db, shape }
  } finally {
    await server.stop()
  }
}

// ---------------------------------------------------------------- the benchmark

export const benchmark: Benchmark = {
  name: 'peer',
  description: `pgbench (report + audit pair, one-row insert; ${CONNECTIONS} clients) and duban serve's routes over HTTP from autocannon in its own process, ${CONNECTIONS} connections, ${SECONDS} s each, PostgreSQL and PGlite`,
  async run({ log }) {
    const plan = planPeerRun(process.env.BENCH_PEER_ONLY, DATABASES, [...ROUTES])
    const loadBefore = load()
    log(`peer: load average ${loadBefore.join(' ')} before the run; ${SECONDS} s per timed load (BENCH_SECONDS), warm-up ${WARMUP_SECONDS} s`)
    if (process.env.BENCH_PEER_ONLY?.trim()) {
      log(`peer: BENCH_PEER_ONLY: the pair, ${[...plan.pgbench, ...plan.floors, ...[...plan.databases].flatMap(([d, r]) => [...r].map((x) => `${databaseTag(d)}-${x}`))].join(', ') || 'nothing else'}`)
    }
    const adminUrl = process.env.DATABASE_URL ?? LOCAL_PG
    const admin = await adminClient(adminUrl)
    const work = await mkdtemp(join(tmpdir(), 'duban-bench-peer-'))
    const scratch = `duban_bench_pgbench_${process.pid}_${randomBytes(3).toString('hex')}`
    const made: string[] = []
    try {
      await admin.query(`CREATE DATABASE ${scratch}`)
      made.push(scratch)
      const s = await adminClient(urlFor(adminUrl, scratch))
      await s.query(PGBENCH_SCHEMA)
      await s.end()
      const pgbenchLine = (r: PgbenchRun, what: string): string =>
        `peer pgbench ${what}: ${r.tps.toFixed(0)} tps, latency average ${r.latencyAvgMs} ms, p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms, ${r.transactions} transactions (${r.failed} failed), ${r.clients} clients, ${r.threads} threads, ${r.durationS} s; PostgreSQL CPU ${r.pgCpuMsPerTransaction.toFixed(3)} ms/transaction, pgbench's own ${r.clientCpuMsPerTransaction.toFixed(3)} ms`
      const pair = await pgbench(admin, adminUrl, scratch, 'pair', PAIR_SCRIPT, work)
      log(pgbenchLine(pair, 'report + audit pair'))
      const oneRow = plan.pgbench.has('one-row') ? await pgbench(admin, adminUrl, scratch, 'one-row', ONE_ROW_SCRIPT, work) : null
      if (oneRow) log(pgbenchLine(oneRow, 'one-row insert'))

      const floors: Awaited<ReturnType<typeof measureFloor>>[] = []
      for (const variant of plan.floors) floors.push(await measureFloor(variant, admin, adminUrl, scratch, work, pair.tps, log))

      const results: Record<string, unknown> = {}
      for (const [name, routesToRun] of plan.databases) {
        // BENCH_DATABASES may also name an existing PostgreSQL database as `postgresql:<name>`, e.g.
        // `postgresql,postgresql:duban_gen10m` with BENCH_ROUTES=reports: the same routes on an empty database and on
        // 10M generated items, same run, same build; the summary prints their ratio ("flat"). It is used as it is and
        // kept: migrated, the demo units, users and catalogues added when missing, the setup plan's 40 tasks added;
        // while its server runs the bench holds the supervision leader lock (docs/scaling.md), so the tick does not
        // act on the generated backlog (scripts/supervision-tick.bench.ts measures the tick).
        const existing = name.startsWith('postgresql:') ? name.slice('postgresql:'.length) : null
        if (name !== 'postgresql' && name !== 'pglite' && !existing) throw new Error(`BENCH_DATABASES: unknown database ${name}`)
        const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' }
        delete env.DUBAN_MAX_LAG_MS
        delete env.DATABASE_URL
        let database: string | null = null
        if (existing) {
          database = existing
          env.DATABASE_URL = urlFor(adminUrl, existing)
        } else if (name === 'postgresql') {
          database = `duban_bench_peer_${process.pid}_${randomBytes(3).toString('hex')}`
          await admin.query(`CREATE DATABASE ${database}`)
          made.push(database)
          env.DATABASE_URL = urlFor(adminUrl, database)
        }
        const dataDir = join(work, `pglite-${name}`)
        results[name] = await measure({ name: existing ? 'postgresql' : (name as 'postgresql' | 'pglite'), database, env, dataDir, existing: existing !== null }, name === 'pglite' ? null : admin, pair.tps, log, routesToRun)
      }

      const pairAfter = plan.pgbench.has('pair-end') ? await pgbench(admin, adminUrl, scratch, 'pair', PAIR_SCRIPT, work) : null
      if (pairAfter) log(pgbenchLine(pairAfter, 'report + audit pair, again at the end'))
      const atEnd = pairAfter ? `${pairAfter.tps.toFixed(0)} tps at the end` : 'not run again at the end'
      const loadAfter = load()
      log(`peer: load average ${loadAfter.join(' ')} after the run (${loadBefore.join(' ')} before)`)

      // The summary: every route of every database against the pair measured at the start.
      log(`peer: summary — percentages of the pgbench pair at the start (${pair.tps.toFixed(0)} tps; ${atEnd})`)
      for (const f of floors) {
        log(`peer:   ${f.variant.padEnd(18)} ${f.rps.toFixed(1).padStart(8)} req/s ${formatPercent(f.percentOfPair).padStart(6)}  p50 ${f.latencyMs.p50.toFixed(2)} ms  p99 ${f.latencyMs.p99.toFixed(2)} ms  CPU/request Node ${f.nodeCpuMsPerRequest.toFixed(3)} ms, PostgreSQL ${Number.isFinite(f.pgCpuMsPerRequest) ? `${f.pgCpuMsPerRequest.toFixed(3)} ms` : 'n/a (in process)'}, load generator ${f.loadGenCpuMsPerRequest.toFixed(3)} ms  ${f.failed} of ${f.requests} not OK`)
      }
      const parts: string[] = []
      for (const name of plan.databases.keys()) {
        const r = results[name] as { routes: Record<string, RouteFigures>; scenario: { judgement?: ConfirmJudgement } }
        for (const [key, f] of Object.entries(r.routes)) {
          log(`peer:   ${name.padEnd(10)} ${key.padEnd(8)} ${f.rps.toFixed(1).padStart(8)} req/s ${formatPercent(f.percentOfPair).padStart(6)}  p50 ${f.latencyMs.p50.toFixed(2)} ms  p99 ${f.latencyMs.p99.toFixed(2)} ms  ${f.failed} of ${f.requests} not OK`)
        }
        // Without the confirm scenario (BENCH_ROUTES) its line would only say n/a.
        const skipped = (r.scenario as { skipped?: boolean }).skipped === true
        for (const line of acceptanceLines({ database: name.startsWith('postgresql') ? 'postgresql' : 'pglite', pairTps: pair.tps, routes: r.routes, ...(r.scenario.judgement ? { confirm: r.scenario.judgement } : {}) })) {
          log(`peer: acceptance: ${line}`)
        }
        // Only what ran (BENCH_ROUTES, BENCH_PEER_ONLY): no 'undefined' or 'n/a' for a load left out.
        const bits = (['reports', 'intake'] as const).filter((k) => r.routes[k]).map((k) => `${k} ${r.routes[k]!.rps} req/s (${formatPercent(r.routes[k]!.percentOfPair)})`)
        const j = r.scenario.judgement
        if (!skipped && j) bits.push(`confirm p99 ${formatRatio(j.ratio)} (during ${formatRatio(j.duringRatio)}, after ${formatRatio(j.afterRatio)}, ${j.shed} shed)`)
        parts.push(`${name} ${bits.join(', ')}`)
      }
      // Flat throughput (issue 7): each route on an existing database against the fresh one of the same run.
      const fresh = results['postgresql'] as { routes: Record<string, RouteFigures> } | undefined
      for (const name of [...plan.databases.keys()].filter((d) => d.startsWith('postgresql:'))) {
        for (const [key, f] of Object.entries((results[name] as { routes: Record<string, RouteFigures> }).routes)) {
          const empty = fresh?.routes[key]
          if (empty) log(`peer: flat: ${key} ${f.rps.toFixed(1)} req/s on ${name.slice('postgresql:'.length)} vs ${empty.rps.toFixed(1)} on a fresh database = ${((100 * f.rps) / empty.rps).toFixed(1)}% (wants 90–110%); p99 ${f.latencyMs.p99.toFixed(2)} vs ${empty.latencyMs.p99.toFixed(2)} ms`)
        }
      }
      // The floor against the goals, and duban against the floor (fresh databases only).
      const dubanRoutes = (['postgresql', 'pglite'] as const).flatMap((name) => {
        const r = results[name] as { routes: Record<string, RouteFigures> } | undefined
        return r ? Object.entries(r.routes).map(([route, f]) => ({ database: name === 'postgresql' ? ('pg' as const) : ('pglite' as const), route, rps: f.rps })) : []
      })
      const floorCpu = (f: (typeof floors)[number]): number => f.nodeCpuMsPerRequest + (f.db === 'pg' ? f.pgCpuMsPerRequest : 0) + f.loadGenCpuMsPerRequest
      // With PGlite in a worker the process's CPU is two threads': no one-core bound then (0).
      const floorInput = floors.map((f) => ({ name: f.variant, db: f.db, rps: f.rps, cpuMs: floorCpu(f), nodeCpuMs: FLOOR_VARIANTS[f.variant]?.worker ? 0 : f.nodeCpuMsPerRequest }))
      for (const line of floorLines({ tps: pair.tps, cpuMs: pair.pgCpuMsPerTransaction + pair.clientCpuMsPerTransaction }, floorInput, dubanRoutes, cpus().length)) log(`peer: floor: ${line}`)
      const floorPart = floors.length ? `; floors ${floors.map((f) => `${f.variant} ${f.rps} req/s (${formatPercent(f.percentOfPair)})`).join(', ')}` : ''
      return {
        summary: `pgbench pair ${pair.tps.toFixed(0)} tps (${pairAfter ? `${pairAfter.tps.toFixed(0)} at the end` : 'not run at the end'})${oneRow ? `, one-row ${oneRow.tps.toFixed(0)} tps` : ''}${floorPart}${parts.length ? `; ${parts.join('; ')}` : ''}`,
        data: {
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
          connections: CONNECTIONS,
          loadGenerator: 'bench/http-load.mjs (autocannon 9.0.0, own process)',
          cpu: 'Node: utime+stime of the duban serve child from /proc/<pid>/stat; PostgreSQL: utime+stime of the client backends of the run database (pg_stat_activity pids, /proc/<pid>/stat every 250 ms); pg_stat_statements not preloaded, not used',
          loadavg: { before: loadBefore, after: loadAfter },
          peerOnly: process.env.BENCH_PEER_ONLY?.trim() || null,
          pgbench: { pair, oneRow, pairAfter, pairScript: PAIR_SCRIPT, oneRowScript: ONE_ROW_SCRIPT },
          floors: { server: 'bench/floor-server.mjs', statements: floorStatements(PAIR_SCRIPT), runs: floors },
          results,
        },
      }
    } finally {
      for (const d of made) await dropDatabase(admin, d).catch(() => {})
      await admin.end().catch(() => {})
      await rm(work, { recursive: true, force: true })
    }
  },
}
