/**
 * The 台账 .xlsx export as a user gets it (issue 7.3: "1M rows with server RSS ≤ 400 MB"): starts `duban serve`
 * on a PostgreSQL database filled by scripts/generate-items.ts, signs in as a supervisor and downloads
 * GET /api/exports/ledger.xlsx?kind=… over HTTP, counting the bytes, while the server's resident memory is sampled
 * from /proc/<pid>/status every 100 ms (VmRSS), and its kernel-kept peak (VmHWM) read at the end. Prints the rows
 * exported (items of the kind), bytes, seconds, peak RSS and the load average.
 *
 *   npx tsx scripts/measure-export.ts --url postgres://postgres@127.0.0.1:5432/duban_gen10m [--kind task] [--seconds N] [--every S]
 *
 * It creates the user `gen-supervisor` when missing (its only write besides the server's sessions and audit), and
 * holds the supervision leader lock (docs/scaling.md) on its own connection while the server runs, so the server's
 * tick does not start acting on the generated backlog (years of open items) during the measurement.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openDatabase } from '../src/persistence/open.ts'
import { createUser } from '../src/app/users/manage-users.ts'
import type { AppDeps } from '../src/app/deps.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const url = arg('url') ?? process.env.DATABASE_URL
if (!url) throw new Error('--url postgres://… (a database filled by scripts/generate-items.ts) is required')
const kind = arg('kind') ?? 'task'
const PASSWORD = 'gen-supervisor-pw'
const LEADER_LOCK = 4242075 // src/persistence/supervision-leader.repo.ts
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ')

const db = await openDatabase({ url })
const { rows: have } = await db.query(`SELECT 1 FROM app_user WHERE username = 'gen-supervisor'`)
if (have.length === 0) {
  const deps = { db, clock: { now: () => new Date() }, newId: randomUUID } as unknown as AppDeps
  await createUser(deps, null, { username: 'gen-supervisor', displayName: '生成数据督查员', password: PASSWORD, role: 'supervisor' })
}
const { rows: counted } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM item WHERE kind = $1', [kind])
await db.close()

const lock = new pg.Client({ connectionString: url })
await lock.connect()
const { rows: got } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK])
if (!got[0]?.ok) console.log('note: another process holds the supervision leader lock')

const DUBAN = fileURLToPath(new URL('../bin/duban.js', import.meta.url))
const child = spawn(process.execPath, [DUBAN, 'serve', '--port', '0'], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] })
const base = await new Promise<string>((resolve, reject) => {
  let out = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    const m = /serving on (http:\/\/[^\s]+) /.exec(out)
    if (m) resolve(m[1]!)
  })
  child.on('exit', (code) => reject(new Error(`duban serve exited with ${code}`)))
})
const status = async (field: string): Promise<number> => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))
  return Number(m?.[1] ?? 0) * 1024
}
try {
  const startRss = await status('VmRSS')
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'gen-supervisor', password: PASSWORD }) })
  const { token } = (await login.json()) as { token: string }
  let peak = 0
  const sampler = setInterval(() => void status('VmRSS').then((r) => (peak = Math.max(peak, r))).catch(() => undefined), 100)
  const t0 = performance.now()
  const res = await fetch(`${base}/api/exports/ledger.xlsx?kind=${encodeURIComponent(kind)}`, { headers: { authorization: `Bearer ${token}` } })
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`)
  let bytes = 0
  const every = Number(arg('every') ?? 60) * 1000
  let nextNote = every
  // --seconds N: stop reading after N seconds (the peak so far is still printed; the export is then cut short).
  const limitMs = Number(arg('seconds') ?? Infinity) * 1000
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length
    if (performance.now() - t0 > limitMs) {
      console.log(`stopped after ${arg('seconds')} s (--seconds)`)
      break
    }
    if (performance.now() - t0 > nextNote) {
      console.log(`  … ${(bytes / 1e6).toFixed(1)} MB after ${((performance.now() - t0) / 1000).toFixed(0)} s, RSS now ${((await status('VmRSS')) / 1e6).toFixed(0)} MB, peak ${(peak / 1e6).toFixed(0)} MB (load ${load()})`)
      nextNote += every
    }
  }
  clearInterval(sampler)
  const s = (performance.now() - t0) / 1000
  const hwm = await status('VmHWM')
  console.log(
    `export ${kind} .xlsx over HTTP: ${counted[0]?.n} rows, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(1)} s; server RSS ${(startRss / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB sampled, VmHWM ${(hwm / 1e6).toFixed(0)} MB  (load ${load()})`,
  )
} finally {
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  await lock.end()
}
