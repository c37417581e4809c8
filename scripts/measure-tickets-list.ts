/**
 * The 12345 ticket list (工单, GET /api/tickets) through the HTTP layer on a database scripts/generate-items.ts filled:
 * every filter the list takes (state, state type, category, place, unit, request type, 多次重复诉求, received range, a
 * substring), page 1 and by offset, for the hotline (an admin: every ticket) and for a liaison of one generated unit
 * (its data scope; 只看待办 is a liaison's list), for a supervisor whose data scope is three generated units, and for one
 * whose scope is 55 of the 60 (more than TICKET_WALK_UNITS: a district's 数据范围 of all its departments), and for one
 * whose 51 units hold few of the tickets (one generated unit and `--few` 50 that hold none, `h-measure-few-NNN`, made
 * once: a scope of many small offices). p50 / p95 / max
 * over `--runs` calls after one warm-up, the answer's
 * total, and the load average; a case over 50 ms p95 is marked SLOW (issue 7's goal for the ledger, which the
 * operator's and the liaison's list should meet too).
 *
 *   npx tsx scripts/measure-tickets-list.ts --url postgres://postgres@127.0.0.1:5432/duban_gen10m [--runs 20] [--match TEXT] [--few 50]
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
    match: { type: 'string' },
    few: { type: 'string', default: '50' },
  },
})
if (!args.url) throw new Error('--url is required')
const GOAL_MS = 50
const UNIT = 'gen-u07'

const HOTLINE = [
  ['all, page 1', ''],
  ['all, offset 1,000', 'offset=1000'],
  ['stateType=open', 'stateType=open'],
  ['stateType=closed', 'stateType=closed'],
  ['state=dispatched', 'state=dispatched'],
  ['categoryCode=GEN-05', 'categoryCode=GEN-05'],
  ['placeUnitId (a generated unit)', `placeUnitId=${UNIT}`],
  ['unitId (a generated unit)', `unitId=${UNIT}`],
  ['unitId & stateType=open', `unitId=${UNIT}&stateType=open`],
  ['requestType=complaint', 'requestType=complaint'],
  ['repeated', 'repeated=true'],
  ['received in November 2026', 'from=2026-11-01&to=2026-12-01'],
  ['category & received in 2025', 'categoryCode=GEN-05&from=2025-01-01&to=2026-01-01'],
  ['q=噪音扰民 (substring, ranked words)', `q=${encodeURIComponent('噪音扰民')}`],
] as const
const LIAISON = [
  ['liaison: all in scope, page 1', ''],
  ['liaison: stateType=open', 'stateType=open'],
  ['liaison: 只看待办 (todo)', 'todo=true'],
  ['liaison: 只看待办 & q=噪音', `todo=true&q=${encodeURIComponent('噪音')}`],
  ['liaison: categoryCode=GEN-05', 'categoryCode=GEN-05'],
] as const
/** A supervisor whose data scope (数据范围, custom) is three generated units: a scope of several units. */
const SCOPE = ['gen-u01', 'gen-u02', 'gen-u03']
const SCOPED = [
  ['scope of 3 units: all, page 1', ''],
  ['scope of 3 units: offset 1,000', 'offset=1000'],
  ['scope of 3 units: stateType=open', 'stateType=open'],
  ['scope of 3 units: categoryCode=GEN-05', 'categoryCode=GEN-05'],
  ['scope of 3 units: 只看待办 (todo)', 'todo=true'],
] as const
/** A supervisor whose data scope is 55 of the 60 generated units: more than the walk merges (TICKET_WALK_UNITS). */
const WIDE_SCOPE = Array.from({ length: 55 }, (_, i) => `gen-u${String(i + 1).padStart(2, '0')}`)
/** The cases of a wide scope (more units than the walk merges), named after it. */
const wideCases = (name: string) => [
  [`${name}: all, page 1`, ''],
  [`${name}: offset 1,000`, 'offset=1000'],
  [`${name}: stateType=open`, 'stateType=open'],
  [`${name}: stateType=closed`, 'stateType=closed'],
  [`${name}: categoryCode=GEN-05`, 'categoryCode=GEN-05'],
  [`${name}: received in November 2026`, 'from=2026-11-01&to=2026-12-01'],
  [`${name}: 只看待办 (todo)`, 'todo=true'],
  [`${name}: q=噪音扰民`, `q=${encodeURIComponent('噪音扰民')}`],
] as const
const WIDE = wideCases('scope of 55 units')
/** A supervisor whose units hold few tickets: one generated unit and `--few` offices that hold none (made once). */
const FEW_UNITS = Array.from({ length: Number(args.few) }, (_, i) => `h-measure-few-${String(i + 1).padStart(3, '0')}`)
const FEW_SCOPE = [UNIT, ...FEW_UNITS]
const FEW = wideCases(`scope of ${FEW_SCOPE.length} small units`)
/** Each list's user: the role, and the data scope a supervisor gets (user_data_scope, custom). */
const LISTS = [
  { role: 'admin', scope: null, list: HOTLINE },
  { role: 'unit_liaison', scope: null, list: LIAISON },
  { role: 'supervisor', scope: SCOPE, list: SCOPED },
  { role: 'supervisor', scope: WIDE_SCOPE, list: WIDE },
  { role: 'supervisor', scope: FEW_SCOPE, list: FEW },
] as const

const db = await openPg(args.url)
const now = new Date(args.now!)
const deps: AppDeps = { db, clock: { now: () => now }, newId: randomUUID }
const password = 'measure-tickets-1'
/** A user of the role (the liaison of UNIT; a supervisor with the scope), made once. */
async function userOf(role: 'admin' | 'unit_liaison' | 'supervisor', scope: readonly string[] | null): Promise<string> {
  const username = `h-measure-tickets-${role}${scope && scope.length !== SCOPE.length ? `-${scope.length}` : ''}`
  if ((await db.query(`SELECT 1 FROM app_user WHERE username = $1`, [username])).rows.length === 0) {
    if (scope === FEW_SCOPE) {
      await db.query(`INSERT INTO unit (id, name, parent_id, level) SELECT id, '测量用科室' || right(id, 3), 'gen-root', 'office' FROM unnest($1::text[]) id ON CONFLICT (id) DO NOTHING`, [FEW_UNITS])
    }
    const u = await createUser(deps, null, { username, displayName: username, password, role, unitId: role === 'unit_liaison' ? UNIT : scope ? scope[0]! : null })
    // 数据范围 as an admin sets it (user_data_scope).
    if (scope) await db.query(`INSERT INTO user_data_scope (user_id, mode, unit_ids, updated_at) VALUES ($1, 'custom', $2::text[], now())`, [u.id, scope])
  }
  return username
}
let slow = 0
let cases = 0
try {
  const app = await buildServer(deps)
  await app.ready()
  for (const { role, scope, list } of LISTS) {
    if (args.match && !list.some(([name]) => name.includes(args.match!))) continue
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: await userOf(role, scope), password } })
    const token = login.json().token as string
    if (!token) throw new Error(`login: ${login.statusCode} ${login.body.slice(0, 200)}`)
    const get = async (query: string): Promise<{ total: number; totalCapped: boolean; tickets: unknown[] }> => {
      const res = await app.inject({ method: 'GET', url: `/api/tickets?limit=20${query ? `&${query}` : ''}`, headers: { authorization: `Bearer ${token}` } })
      if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      return res.json()
    }
    for (const [name, query] of list) {
      if (args.match && !name.includes(args.match)) continue
      cases++
      const answer = await get(query)
      const times: number[] = []
      for (let i = 0; i < Number(args.runs); i++) {
        const t0 = performance.now()
        await get(query)
        times.push(performance.now() - t0)
      }
      const p95 = pct(times, 95)
      if (p95 > GOAL_MS) slow++
      console.log(
        `${p95 > GOAL_MS ? 'SLOW ' : 'ok   '}${name.padEnd(40)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  max ${Math.max(...times).toFixed(1).padStart(7)} ms | ` +
          `${answer.tickets.length} rows, total ${answer.total}${answer.totalCapped ? '+' : ''}  (load ${load()})`,
      )
    }
  }
  console.log(`tickets list: ${cases - slow} of ${cases} cases with p95 ≤ ${GOAL_MS} ms; ${slow} SLOW (load ${load()})`)
  await app.close()
} finally {
  await db.close()
}
