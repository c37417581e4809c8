/**
 * CPU per progress report or 催办 through two servers in one process, each on its own in-memory PGlite: one opened
 * by another tree's src/persistence/pglite.db.ts (A, e.g. a worktree of the commit before a change), one by this
 * tree's (B); everything else (server, plan, requests: bench/plan-server.ts) is this tree's. Blocks of 300 requests
 * alternate A B, B A, … (bench/cpu-blocks.ts), so both sides see the same machine.
 * Run: `npx tsx scripts/measure-pglite-layer-ab.ts /path/to/other/tree report|remind [rounds]`.
 */
import { alternateBlocks, loadNow } from '../bench/cpu-blocks.ts'
import { planServer } from '../bench/plan-server.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
const [baseTree, routeArg, roundsArg] = process.argv.slice(2)
if (!baseTree || (routeArg !== 'report' && routeArg !== 'remind')) throw new Error('usage: measure-pglite-layer-ab.ts OTHER_TREE report|remind [rounds]')
const A = await import(pathToFileURL(resolve(baseTree, 'src/persistence/pglite.db.ts')).href)
const B = await import('../src/persistence/pglite.db.ts')
const route = routeArg
const open = async (m: typeof B) => { const db = await m.openPglite(); await migrate(db); return { db, s: await planServer(db, 'ab') } }
const srv = { A: await open(A as typeof B), B: await open(B) }
let n = 0
for (const v of ['A', 'B'] as const) for (let i = 0; i < 200; i++) await srv[v].s[route](n++)
const BLOCK = 300, ROUNDS = Number(roundsArg ?? 8)
const l0 = loadNow()
const cost = await alternateBlocks(['A', 'B'] as const, ROUNDS, async (v) => { for (let i = 0; i < BLOCK; i++) await srv[v].s[route](n++) })
console.log(`${route}: load ${l0.join(' ')} -> ${loadNow().join(' ')}; ${ROUNDS} rounds x ${BLOCK}: A (base) ${(cost.A.cpuMs / (ROUNDS * BLOCK)).toFixed(3)} ms CPU/request, B (branch) ${(cost.B.cpuMs / (ROUNDS * BLOCK)).toFixed(3)} ms; B/A ${(cost.B.cpuMs / cost.A.cpuMs).toFixed(3)}`)
for (const v of ['A', 'B'] as const) { await srv[v].s.close(); await srv[v].db.close() }
