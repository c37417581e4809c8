/**
 * The setup scripts/measure-accept.ts and scripts/explain-accept.ts share: duban's app over `db` (the caller's Db,
 * often wrapped to watch its statements), the demo units and users, a generated plan of `count` tasks
 * (bench/peer.plan.ts) confirmed by the supervisor, a token per lead unit's liaison, and the plan's tasks with their
 * lead unit in number order. `call` goes through app.inject and throws on any answer of 300 or more.
 */
import { buildServer } from '../src/adapters/http/server.ts'
import { DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../src/app/demo/seed-demo.ts'
import type { AppDeps } from '../src/app/deps.ts'
import type { Db } from '../src/persistence/db.ts'
import { makePlanText, PLAN_LEADS } from '../bench/peer.plan.ts'
import { randomUUID } from 'node:crypto'

export async function acceptHarness(raw: Db, db: Db, count: number) {
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: () => randomUUID() }
  await seedDemoUnits(deps); await seedDemoUsers(deps)
  const app = await buildServer(deps); await app.ready()
  const login = async (u: string) => (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u, password: DEMO_PASSWORD } })).json().token as string
  const call = async (token: string, method: 'GET' | 'POST', path: string, payload?: object) => {
    const res = await app.inject({ method, url: path, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const supervisor = await login('supervisor')
  const text = makePlanText({ title: '基准任务', count, leads: Object.values(PLAN_LEADS).map((l) => l.name), due: '2027年6月底前' })
  const plan = await call(supervisor, 'POST', '/api/plans', { fileName: 'p.txt', contentBase64: Buffer.from(text).toString('base64') })
  await call(supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
  const tok: Record<string, string> = {}
  for (const [u, l] of Object.entries(PLAN_LEADS)) tok[u] = await login(l.user)
  const { rows: tasks } = await raw.query<{ id: string; unit_id: string }>(`SELECT i.id, u.unit_id FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead' WHERE i.kind = 'task' ORDER BY i.number`)
  return { app, call, tok, tasks }
}
