/**
 * What one progress report, 催办 and 签收 cost PostgreSQL, in process (app.inject, no HTTP, no load generator): a fresh
 * database on the local server, migrated, the demo city seeded and its sample plan confirmed (40 tasks, taken up by
 * their liaisons where the step needs it), then N requests per route, one at a time. Per request it prints the
 * backends' CPU (/proc of the pool's backends), Node's CPU, the trigger functions called and their self time
 * (track_functions = all on the database, pg_stat_user_functions), and the rows written per table with how many
 * item/audit updates were in place (pg_stat_user_tables: `hot` per request, and its share of the updates). Figures move with the machine's load: alternate trees.
 *
 * The `intake` route is POST /api/tickets as the peer benchmark sends it (the 12345 operator, dispatch to a unit);
 * with --parallel P the requests go P at a time (intake's group commit forms groups only when several wait).
 *
 *   npx tsx scripts/measure-write-path.ts [--n 500] [--routes report,remind,accept,intake] [--parallel 1] [--prefix write_wp] [--keep]
 *   (DATABASE_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres; the database is
 *   <prefix>_<random>, dropped at the end unless --keep)
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import pg from 'pg'
import { buildServer } from '../src/adapters/http/server.ts'
import { DEMO_DIR, DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../src/app/demo/seed-demo.ts'
import { seedHotline } from '../src/app/demo/seed-hotline.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const N = Number(arg('n') ?? 500)
const ROUTES = (arg('routes') ?? 'report,remind,accept').split(',')
const PARALLEL = Math.max(1, Number(arg('parallel') ?? 1))
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = `${arg('prefix') ?? 'write_wp'}_${randomBytes(4).toString('hex')}`
const url = new URL(admin)
url.pathname = `/${dbName}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const adm = new pg.Client({ connectionString: admin })
await adm.connect()
await adm.query(`CREATE DATABASE ${dbName}`)
await adm.query(`ALTER DATABASE ${dbName} SET track_functions = 'all'`)
const stat = new pg.Client({ connectionString: url.toString() })
try {
  const db = await openPg(url.toString())
  await migrate(db)
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: () => randomUUID() }
  await seedDemoUnits(deps)
  await seedDemoUsers(deps)
  if (ROUTES.includes('intake')) await seedHotline(deps, DEMO_DIR, DEMO_PASSWORD)
  const app = await buildServer(deps)
  await app.ready()
  const login = async (username: string) => (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } })).json().token as string
  const call = async (token: string, method: 'GET' | 'POST', path: string, payload?: object) => {
    const res = await app.inject({ method, url: path, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const supervisor = await login('supervisor')
  const operator = await login('hotline')
  const planText = await readFile(new URL('../demo/plans/sample-plan.txt', import.meta.url))
  const plan = await call(supervisor, 'POST', '/api/plans', { fileName: 'sample-plan.txt', contentBase64: planText.toString('base64') })
  await call(supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
  // Tasks with their lead unit's liaison (the demo users are named by unit id).
  const { rows: tasks } = await db.query<{ id: string; unit_id: string }>(
    `SELECT i.id, u.unit_id FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead' WHERE i.kind = 'task' ORDER BY i.number`,
  )
  const { rows: liaisons } = await db.query<{ username: string; unit_id: string }>(`SELECT username, unit_id FROM app_user WHERE role = 'unit_liaison'`)
  const liaisonOf = new Map<string, string>()
  for (const l of liaisons) if (!liaisonOf.has(l.unit_id)) liaisonOf.set(l.unit_id, l.username)
  const tokens = new Map<string, string>()
  const tokenOf = async (unit: string) => {
    const u = liaisonOf.get(unit)
    if (!u) return null
    if (!tokens.has(u)) tokens.set(u, await login(u))
    return tokens.get(u)!
  }
  const usable: { id: string; token: string }[] = []
  for (const t of tasks) {
    const token = await tokenOf(t.unit_id)
    if (token) usable.push({ id: t.id, token })
  }
  // Half the tasks taken up (签收) for the reports and reminders; the others are what the 签收 route takes.
  const reportTasks = usable.slice(0, Math.ceil(usable.length / 2))
  const acceptTasks = usable.slice(reportTasks.length)
  for (const t of reportTasks) await call(t.token, 'POST', `/api/items/${t.id}/accept`, {})
  await stat.connect()

  const backendCpu = async (): Promise<number> => {
    const { rows } = await stat.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName])
    let ticks = 0
    for (const { pid } of rows) {
      try {
        const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')
        ticks += Number(f[11]) + Number(f[12])
      } catch {
        /* gone */
      }
    }
    return ticks * 10 // ms (CLK_TCK 100)
  }
  const snapshot = async () => {
    // A backend sends its counts to pg_stat at a transaction's end at most once a second, and an idle one within
    // 10 s (PostgreSQL 15, PGSTAT_IDLE_INTERVAL): read sooner and a pool's idle backends are missing (1.5 s gave
    // 0.634 item updates per 催办, 2026-12-03).
    await sleep(11_000)
    const fn = (await stat.query<{ funcname: string; calls: string; self_time: number }>(`SELECT funcname, calls, self_time FROM pg_stat_user_functions`)).rows
    const tb = (await stat.query<{ relname: string; ins: string; upd: string; hot: string; del: string }>(
      `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del FROM pg_stat_user_tables`,
    )).rows
    return { fn: new Map(fn.map((r) => [r.funcname, { calls: Number(r.calls), self: r.self_time }])), tb: new Map(tb.map((r) => [r.relname, r])) }
  }
  const routes: Record<string, (k: number) => Promise<unknown>> = {
    report: (k) => { const t = reportTasks[k % reportTasks.length]!; return call(t.token, 'POST', `/api/items/${t.id}/reports`, { text: `第${k}次进展：已完成阶段工作` }) },
    remind: (k) => call(supervisor, 'POST', `/api/items/${reportTasks[k % reportTasks.length]!.id}/events`, { event: 'remind', payload: { text: '请加快进度' } }),
    // 签收 takes a task once; then it is returned (退回) to take it again.
    accept: async (k) => {
      const t = acceptTasks[k % acceptTasks.length]!
      return call(t.token, 'POST', `/api/items/${t.id}/accept`, {})
    },
    intake: (k) =>
      call(operator, 'POST', '/api/tickets', {
        requestType: 'complaint', urgency: 'normal', categoryCode: '01.01.01', requesterName: '张三', requesterPhone: '13812345678',
        address: '河滨路1号', placeUnitId: 'ql-hb', content: `路口傍晚有流动摊贩占道经营，影响通行（基准第${k}件）`, dispatch: { lead: 'yz-cgj' },
      }),
  }
  console.log(`measure-write-path: ${dbName}, ${usable.length} tasks (${reportTasks.length} taken up), ${N} requests per route; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
  for (const r of ROUTES) {
    const n = r === 'accept' ? Math.min(N, acceptTasks.length) : N
    for (let k = 0; k < 20 && r !== 'accept'; k++) await routes[r]!(k) // warm-up
    const s0 = await snapshot()
    const c0 = await backendCpu()
    const u0 = process.cpuUsage()
    for (let k = 0; k < n; k += PARALLEL) await Promise.all(Array.from({ length: Math.min(PARALLEL, n - k) }, (_, j) => routes[r]!(k + j)))
    const u1 = process.cpuUsage(u0)
    const c1 = await backendCpu()
    const s1 = await snapshot()
    const per = (x: number) => (x / n).toFixed(3)
    console.log(`${r}: ${n} requests; backend CPU ${per(c1 - c0)} ms, Node CPU ${per((u1.user + u1.system) / 1000)} ms per request; load ${loadavg()[0]!.toFixed(2)}`)
    for (const [name, v] of s1.fn) {
      const b = s0.fn.get(name) ?? { calls: 0, self: 0 }
      if (v.calls > b.calls) console.log(`  fn ${name}: ${(v.calls - b.calls) / n} calls, ${(((v.self - b.self) * 1000) / n).toFixed(1)} µs self per request`)
    }
    for (const [name, v] of s1.tb) {
      const b = s0.tb.get(name) ?? { ins: '0', upd: '0', hot: '0', del: '0' }
      const d = (k: 'ins' | 'upd' | 'hot' | 'del') => (Number(v[k]) - Number(b[k])) / n
      const share = d('upd') ? `, ${((100 * d('hot')) / d('upd')).toFixed(1)} % in place` : ''
      if (d('ins') || d('upd') || d('del')) console.log(`  table ${name}: ins ${d('ins')}, upd ${d('upd')} (hot ${d('hot')}${share}), del ${d('del')} per request`)
    }
  }
  await app.close()
  await db.close()
} finally {
  await stat.end().catch(() => {})
  if (!process.argv.includes('--keep')) await adm.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  await adm.end()
}
