/**
 * An in-process server with a plan to write to, for the benchmarks that time writes through `app.inject` in one
 * process (peer-cpu, pglite-thread): buildServer on a migrated database, the demo city's units and users, and a
 * plan of 40 tasks led in turn by five departments, confirmed, every task accepted by its lead's liaison.
 */
import { randomUUID } from 'node:crypto'
import { buildServer } from '../src/adapters/http/server.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../src/app/demo/seed-demo.ts'
import type { Db } from '../src/persistence/db.ts'
import { makePlanText, PLAN_LEADS } from './peer.plan.ts'

/** The server and what the benchmarks send it. */
export interface PlanServer {
  /** POST /api/items/:id/reports (进展报送) by the task's lead liaison, for the i-th task in turn. */
  report(i: number): Promise<unknown>
  /** 催办 (remind) of the i-th task in turn, by the supervisor. */
  remind(i: number): Promise<unknown>
  /** Closes the server (not the database). */
  close(): Promise<void>
}

/** Starts the server on `db` (migrated) and sets the plan up; `title` names the plan. */
export async function planServer(db: Db, title: string): Promise<PlanServer> {
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
  await seedDemoUnits(deps)
  await seedDemoUsers(deps)
  const app = await buildServer(deps)
  await app.ready()
  const send = async (token: string, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<any> => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
    return res.json()
  }
  const login = async (username: string): Promise<string> => (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } })).json().token as string
  const supervisor = await login('supervisor')
  const tokens: Record<string, string> = {}
  for (const [unit, l] of Object.entries(PLAN_LEADS)) tokens[unit] = await login(l.user)
  const text = makePlanText({ title, count: 40, leads: Object.values(PLAN_LEADS).map((l) => l.name), due: '2027年6月底前' })
  const plan = await send(supervisor, 'POST', '/api/plans', { fileName: 'bench.txt', contentBase64: Buffer.from(text).toString('base64') })
  await send(supervisor, 'POST', `/api/plans/${plan.id}/confirm`, {})
  const items = (await send(supervisor, 'GET', `/api/items?plan=${encodeURIComponent(plan.id)}&limit=100`)).items as { id: string; units: { unitId: string; role: string }[] }[]
  const led = items.map((it) => ({ id: it.id, token: tokens[it.units.find((u) => u.role === 'lead')?.unitId ?? ''] as string }))
  for (const t of led) await send(t.token, 'POST', `/api/items/${t.id}/accept`, {})
  let n = 0
  return {
    report: (i) => {
      const t = led[i % led.length]!
      return send(t.token, 'POST', `/api/items/${t.id}/reports`, { text: `第${++n}次报送：本月推进情况正常，已完成阶段目标。`, measures: { 完成率: 50 } })
    },
    remind: (i) => send(supervisor, 'POST', `/api/items/${led[i % led.length]!.id}/events`, { event: 'remind', payload: { text: `请加快进度（第${++n}次）` } }),
    close: () => app.close(),
  }
}
