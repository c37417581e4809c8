/**
 * The two boards through the HTTP layer: GET /api/hotline/kpis (热线看板) and GET /api/assessment (考核), each call
 * through Fastify's routing, session check, schema and JSON serialisation (`app.inject`: no socket), on a database
 * scripts/generate-items.ts filled. Creates the user `h-measure-admin` (admin; or `--role supervisor --scope u1,u2`
 * for a user whose 数据范围 an admin set) when missing, logs in, then times each case: p50 / p95 / max over `--runs`
 * calls after one warm-up call, with the answer's size and the load average. The server's clock is `--now` (default
 * 2026-12-01 08:00 China time, the hotline-kpi bench's; measure-assessment's is 2026-11-20 10:00).
 *
 *   npx tsx scripts/measure-boards-http.ts --url postgres://postgres@127.0.0.1:5432/duban_gen10m [--runs 20]
 *       [--now 2026-11-20T10:00:00+08:00] [--only kpi|assessment] [--role supervisor --scope gen-u01,gen-u02]
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { buildServer } from '../src/adapters/http/server.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { createUser } from '../src/app/users/manage-users.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { load, pct } from './measure-figures.ts'

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '20' },
    now: { type: 'string', default: '2026-12-01T08:00:00+08:00' },
    only: { type: 'string' },
    role: { type: 'string', default: 'admin' },
    scope: { type: 'string' },
  },
})
if (!args.url) throw new Error('--url is required')

const KPI = [
  ['kpi month', '/api/hotline/kpis?from=2026-11-01&to=2026-12-01&groupBy=day'],
  ['kpi quarter', '/api/hotline/kpis?from=2026-10-01&to=2026-12-02&groupBy=day'],
  ['kpi year', '/api/hotline/kpis?from=2026-01-01&to=2027-01-01&groupBy=month'],
  ['kpi year by day', '/api/hotline/kpis?from=2026-01-01&to=2027-01-01&groupBy=day'],
] as const
const ASSESSMENT = [
  ['assessment 2026-11', '/api/assessment?period=2026-11&kind=task'],
  ['assessment 2026-Q4', '/api/assessment?period=2026-Q4&kind=task'],
  ['assessment 2026', '/api/assessment?period=2026&kind=task'],
  ['assessment 2026 tickets', '/api/assessment?period=2026&kind=ticket'],
] as const


const db = await openPg(args.url)
const now = new Date(args.now!)
const deps: AppDeps = { db, clock: { now: () => now }, newId: randomUUID }
const role = args.role as 'admin' | 'supervisor'
const scope = args.scope ? args.scope.split(',') : null
const username = `h-measure-${role}${scope ? `-${scope.length}` : ''}`
const password = 'measure-boards-1'
try {
  if ((await db.query(`SELECT 1 FROM app_user WHERE username = $1`, [username])).rows.length === 0) {
    const u = await createUser(deps, null, { username, displayName: username, password, role, unitId: scope?.[0] ?? null })
    // 数据范围 as an admin sets it (user_data_scope).
    if (scope) await db.query(`INSERT INTO user_data_scope (user_id, mode, unit_ids, updated_at) VALUES ($1, 'custom', $2::text[], now())`, [u.id, scope])
  }
  const app = await buildServer(deps)
  await app.ready()
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  const token = login.json().token as string
  if (!token) throw new Error(`login: ${login.statusCode} ${login.body.slice(0, 200)}`)
  const get = async (url: string): Promise<number> => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
    return res.rawPayload.length
  }
  const cases = [...(args.only === 'assessment' ? [] : KPI), ...(args.only === 'kpi' ? [] : ASSESSMENT)]
  for (const [name, url] of cases) {
    const bytes = await get(url)
    const times: number[] = []
    for (let i = 0; i < Number(args.runs); i++) {
      const t0 = performance.now()
      await get(url)
      times.push(performance.now() - t0)
    }
    console.log(
      `${name} (${role}${scope ? `, scope ${scope.length} units` : ''}, clock ${args.now}): p50 ${pct(times, 50).toFixed(1)} ms p95 ${pct(times, 95).toFixed(1)} ms ` +
        `max ${Math.max(...times).toFixed(1)} ms (${times.length} calls, ${bytes.toLocaleString('en')} bytes) (load ${load()})`,
    )
  }
  await app.close()
} finally {
  await db.close()
}
