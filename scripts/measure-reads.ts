/**
 * Times the read paths of issue 7.3 against a database filled by scripts/generate-items.ts: every filter of the
 * ledger (GET /api/items: kind, state name and state type, unit, plan, text q, overdue, a liaison's data scope, a
 * supervisor's of 3, 55 and 51 small units) alone
 * and in combinations, at page 1 and deep by cursor, as p50/p95 over repeated runs of the use-case (`listLedger`:
 * the page, its bounded count and its units); the assessment of a month; and the 台账 .xlsx export streamed to
 * nowhere (rows, bytes, peak RSS). One line per case with the load average; cases whose p95 is over 50 ms are
 * marked SLOW and, with --explain, followed by EXPLAIN (ANALYZE, BUFFERS) of each statement of one run.
 *
 *   npx tsx scripts/measure-reads.ts --url postgres://postgres@127.0.0.1:5432/duban_gen10m [--runs 20] [--explain]
 *       [--only ledger|assessment] [--match TEXT] [--skip TEXT] [--export task] [--period 2026-05] [--no-migrate]
 *       [--explain-all] (the plans of every case, not only of the slow ones)
 *       [--cold-cursors] (deep pages by hand-made cursors, which carry no page 1 total: see asHeld)
 */
import { loadavg } from 'node:os'
import { Writable } from 'node:stream'
import { openDatabase } from '../src/persistence/open.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import type { Queryable } from '../src/persistence/db.ts'
import { assessUnits } from '../src/app/assessment/assess-units.ts'
import type { Actor, AppDeps } from '../src/app/deps.ts'
import { writeLedgerXlsx } from '../src/app/exports/ledger.xlsx.ts'
import { listLedger, type LedgerQuery } from '../src/app/items/item-queries.ts'
import { ledgerCursor } from '../src/app/items/ledger-cursor.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`)
const RUNS = Number(arg('runs') ?? 20)
const GOAL_MS = 50
const url = arg('url') ?? process.env.DATABASE_URL
// --no-migrate: read a database another session is migrating (a long index build) without queueing behind it.
const db = flag('no-migrate') && url ? await openPg(url) : await openDatabase({ url, dataDir: arg('data-dir') })

/** The statements of the last call, to EXPLAIN the slow ones. */
let recorded: { sql: string; params: readonly unknown[] }[] = []
const recordingOf = (q: Queryable): Queryable => ({
  query: (sql, params, options) => {
    recorded.push({ sql, params: params ?? [] })
    return q.query(sql, params, options)
  },
})
const recording = { ...recordingOf(db), dialect: db.dialect, transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(recordingOf(tx))), close: () => db.close() }
let n = 0
const clock = { now: () => new Date('2026-11-20T10:00:00+08:00') }
const deps = { db, clock, newId: () => `m-${++n}` } as unknown as AppDeps
const ledgerDeps = { db: recording, clock, newId: () => `m-${++n}` } as unknown as AppDeps
const supervisor = { userId: 'measure', role: 'supervisor', scopeUnitIds: null } as unknown as Actor
const liaison = (unit: string): Actor => ({ userId: 'measure-liaison', role: 'liaison', unitId: unit, scopeUnitIds: [unit] }) as unknown as Actor
/** A supervisor whose 数据范围 is these units (scripts/measure-tickets-list.ts times the same scopes on the ticket list). */
const scoped = (units: readonly string[]): Actor => ({ userId: 'measure-scoped', role: 'supervisor', unitId: units[0], scopeUnitIds: [...units] }) as unknown as Actor
const genUnits = (n: number): string[] => Array.from({ length: n }, (_, i) => `gen-u${String(i + 1).padStart(2, '0')}`)
/** One generated unit and 50 that hold nothing (made once: the units a scope of many small offices names). */
const FEW_UNITS = Array.from({ length: 50 }, (_, i) => `h-measure-few-${String(i + 1).padStart(3, '0')}`)
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ')
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}

const quote = (x: unknown): string => `'${String(x).replace(/'/g, "''")}'`
const literal = (p: unknown): string => (Array.isArray(p) ? `ARRAY[${p.map(quote).join(',')}]::text[]` : p === null ? 'NULL' : quote(p))

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each statement of the last call: PostgreSQL's execution time and the pages it touched
 * (shared hit + read of each statement's top node), summed — figures a loaded machine inflates less than wall time
 * (pages not at all); with `print` every plan too.
 */
async function explain(print: boolean): Promise<{ execMs: number; pages: number }> {
  let execMs = 0
  let pages = 0
  for (const s of recorded) {
    // Statement parameters inlined as literals by PostgreSQL's own EXPLAIN of a prepared statement.
    const name = `m_explain_${++n}`
    await db.transaction(async (tx) => {
      // As the ledger runs its statements: on a connection of pg.db.ts (JIT off), planner defaults otherwise.
      await tx.query(`PREPARE ${name} AS ${s.sql}`)
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) EXECUTE ${name}${s.params.length ? `(${s.params.map(literal).join(',')})` : ''}`,
      )
      const lines = rows.map((r) => r['QUERY PLAN'])
      execMs += Number(/Execution Time: ([\d.]+)/.exec(lines.find((l) => l.includes('Execution Time')) ?? '')?.[1] ?? 0)
      const top = lines.find((l) => /^\s*Buffers:/.test(l)) ?? ''
      pages += Number(/hit=(\d+)/.exec(top)?.[1] ?? 0) + Number(/read=(\d+)/.exec(top)?.[1] ?? 0)
      if (print) {
        console.log(`    ${s.sql.replace(/\s+/g, ' ').slice(0, 200)}`)
        for (const l of lines) console.log(`      ${l}`)
      }
      await tx.query(`DEALLOCATE ${name}`)
    })
  }
  return { execMs, pages }
}

let slow = 0
let cases = 0
async function ledger(label: string, query: LedgerQuery, actor: Actor = supervisor): Promise<void> {
  const match = arg('match')
  if (match && !label.includes(match)) return
  const skip = arg('skip')
  if (skip && label.includes(skip)) return
  cases++
  const ms: number[] = []
  let last: Awaited<ReturnType<typeof listLedger>> | null = null
  await listLedger(ledgerDeps, actor, query) // warm-up (plan cache, buffers), not counted
  for (let i = 0; i < RUNS; i++) {
    recorded = []
    const t0 = performance.now()
    last = await listLedger(ledgerDeps, actor, query)
    ms.push(performance.now() - t0)
  }
  const p95 = pct(ms, 95)
  const over = p95 > GOAL_MS
  if (over) slow++
  const statements = recorded.length
  const db1 = await explain(false)
  console.log(
    `${over ? 'SLOW ' : 'ok   '}${label.padEnd(52)} p50 ${pct(ms, 50).toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms | PostgreSQL ${db1.execMs.toFixed(1).padStart(7)} ms, ${String(db1.pages).padStart(6)} pages, ${statements} statements | ${last!.items.length} rows, total ${last!.total}${last!.totalCapped ? '+' : ''}${last!.next ? '' : ', last page'}  (load ${load()})`,
  )
  // Plans of the cases whose statements themselves are slow (not just the machine): over 20 ms or 2,000 pages.
  // --explain-all: every case's plans, to compare pages before/after on a database too small to cross those bounds.
  if (flag('explain-all') || (flag('explain') && (db1.execMs > 20 || db1.pages > 2000))) await explain(true)
}

const only = arg('only')
if (!only || only === 'ledger') {
  const { rows } = await db.query<{ lo: string; hi: string; n: string }>(`SELECT min(number) AS lo, max(number) AS hi, count(*)::text AS n FROM item WHERE number LIKE 'GEN-%'`)
  const gen = Number(rows[0]?.n ?? 0)
  const at = (share: number): string => ledgerCursor(`GEN-${String(Math.max(1, Math.floor(gen * share))).padStart(10, '0')}`)
  const { rows: md5 } = await db.query<{ part: string }>(`SELECT substr(md5('${Math.floor(gen * 0.37)}'), 1, 12) AS part`)
  const rare = md5[0]?.part ?? 'c4ca4238a0b9'
  const { rows: plans } = await db.query<{ plan_id: string; n: string }>(`SELECT plan_id, count(*)::text AS n FROM item WHERE plan_id IS NOT NULL GROUP BY plan_id ORDER BY 2 DESC LIMIT 1`)
  const plan = plans[0]?.plan_id ?? 'no-such-plan'
  console.log(`ledger: ${gen.toLocaleString('en')} generated items; ${RUNS} runs per case after one warm-up; goal p95 ≤ ${GOAL_MS} ms (load ${load()})`)
  const deep = { mid: at(0.5), late: at(0.9), end: at(0.99999) }
  // A client deep in the ledger got there by next cursors, which carry page 1's lower-bound total when it had one
  // (ledger-cursor.ts): the deep cursor is page 1's `next` moved to the deep number. --cold-cursors: hand-made
  // cursors without it (a link typed or kept from another filter), which count again.
  const asHeld = async (at: string, q: LedgerQuery, actor?: Actor): Promise<string> => {
    if (flag('cold-cursors')) return at
    const next = (await listLedger(deps, actor ?? supervisor, { limit: 50, ...q })).next
    if (!next) return at
    const decode = (c: string): Record<string, unknown> => JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>
    return Buffer.from(JSON.stringify({ ...decode(next), n: decode(at)['n'] })).toString('base64url')
  }
  const page1AndDeep = async (label: string, q: LedgerQuery, actor?: Actor): Promise<void> => {
    await ledger(`${label}, page 1`, { limit: 50, ...q }, actor)
    await ledger(`${label}, deep (after 50%)`, { limit: 50, ...q, after: await asHeld(deep.mid, q, actor) }, actor)
  }
  await page1AndDeep('all', {})
  await ledger('all, deep (after 90%)', { limit: 50, after: deep.late })
  await ledger('all, last page', { limit: 50, after: deep.end })
  await ledger('all, offset 10,000 (old clients)', { limit: 50, offset: 10_000 })
  await ledger('all, limit 500', { limit: 500 })
  for (const kind of ['task', 'ticket']) await page1AndDeep(`kind=${kind}`, { kind })
  for (const state of ['open', 'waiting', 'closed', 'accepted', 'dispatched', 'extension_requested', 'cancelled']) await page1AndDeep(`state=${state}`, { state })
  await page1AndDeep('unit=gen-u07', { unit: 'gen-u07' })
  await page1AndDeep(`plan=${plan}`, { plan })
  await page1AndDeep('overdue', { overdue: true })
  await page1AndDeep('q=粮食安全 (common, 4 chars)', { q: '粮食安全' })
  await page1AndDeep('q=安全 (common, 2 chars)', { q: '安全' })
  await page1AndDeep('q=城关镇粮食安全问题 (1 in 240)', { q: '城关镇粮食安全问题' })
  await page1AndDeep(`q=${rare} (rare: one item)`, { q: rare })
  await page1AndDeep('q=不存在的词 (absent)', { q: '不存在的词' })
  await page1AndDeep('q=粮食安全生产 (absent, common trigrams)', { q: '粮食安全生产' })
  await page1AndDeep('q=GEN-0001234567 (a number)', { q: 'GEN-0001234567' })
  await page1AndDeep('kind=task&state=open', { kind: 'task', state: 'open' })
  await page1AndDeep('kind=ticket&state=dispatched', { kind: 'ticket', state: 'dispatched' })
  await page1AndDeep('kind=task&overdue', { kind: 'task', overdue: true })
  await page1AndDeep('unit=gen-u07&state=open', { unit: 'gen-u07', state: 'open' })
  await page1AndDeep('unit=gen-u07&kind=task&state=extension_requested', { unit: 'gen-u07', kind: 'task', state: 'extension_requested' })
  await page1AndDeep('unit=gen-u07&overdue', { unit: 'gen-u07', overdue: true })
  await page1AndDeep('unit=gen-u07&q=粮食安全', { unit: 'gen-u07', q: '粮食安全' })
  await page1AndDeep('state=open&q=粮食安全', { state: 'open', q: '粮食安全' })
  await page1AndDeep('state=dispatched&q=城关镇粮食安全问题', { state: 'dispatched', q: '城关镇粮食安全问题' })
  // As rare, but whichever of these two ANALYZE's sampled texts lack, the planner estimates 0.01%.
  await page1AndDeep('state=dispatched&q=城关镇噪音扰民问题', { state: 'dispatched', q: '城关镇噪音扰民问题' })
  await page1AndDeep('overdue&q=安全', { overdue: true, q: '安全' })
  await page1AndDeep('kind=task&q=不存在的词', { kind: 'task', q: '不存在的词' })
  await page1AndDeep('liaison of gen-u07 (data scope)', {}, liaison('gen-u07'))
  await page1AndDeep('liaison of gen-u07, state=open', { state: 'open' }, liaison('gen-u07'))
  await page1AndDeep('liaison of gen-u07, q=粮食安全', { q: '粮食安全' }, liaison('gen-u07'))
  await page1AndDeep('liaison of gen-u07, kind=task&overdue', { kind: 'task', overdue: true }, liaison('gen-u07'))
  // Supervisors' data scopes: 3 units, 55 of the 60 (most items), and 51 that hold few (one unit and 50 empty offices).
  await db.query(`INSERT INTO unit (id, name, parent_id, level) SELECT id, '测量用科室' || right(id, 3), 'gen-root', 'office' FROM unnest($1::text[]) id ON CONFLICT (id) DO NOTHING`, [FEW_UNITS])
  for (const [name, units] of [['scope of 3 units', genUnits(3)], ['scope of 55 units', genUnits(55)], ['scope of 51 small units', ['gen-u07', ...FEW_UNITS]]] as const) {
    await page1AndDeep(name, {}, scoped(units))
    await page1AndDeep(`${name}, state=open`, { state: 'open' }, scoped(units))
    await page1AndDeep(`${name}, state=closed`, { state: 'closed' }, scoped(units))
    await page1AndDeep(`${name}, kind=task&overdue`, { kind: 'task', overdue: true }, scoped(units))
    await page1AndDeep(`${name}, q=粮食安全`, { q: '粮食安全' }, scoped(units))
  }
  console.log(`ledger: ${cases - slow} of ${cases} cases with p95 ≤ ${GOAL_MS} ms${slow ? `; ${slow} SLOW` : ''} (load ${load()})`)
}

if (!only || only === 'assessment') {
  const period = arg('period') ?? '2026-05'
  const ms: number[] = []
  let summary = ''
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now()
    const a = await assessUnits(deps, period, 'task')
    ms.push(performance.now() - t0)
    summary = `${a.rows.length} units, ${a.summary.items} items`
  }
  console.log(`assessment ${period} task: ${ms.map((x) => x.toFixed(1)).join(' / ')} ms  ${summary}  (load ${load()})`)
}

const exportKind = arg('export')
if (exportKind) {
  let bytes = 0
  let peak = 0
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  const sink = new Writable({ write: (chunk: Buffer, _e, cb) => ((bytes += chunk.length), cb()) })
  const t0 = performance.now()
  await writeLedgerXlsx(deps, sink, exportKind)
  clearInterval(sample)
  const { rows: c } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM item WHERE kind = $1', [exportKind])
  console.log(`export ${exportKind} .xlsx: ${c[0]?.n} rows, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${(peak / 1e6).toFixed(0)} MB  (load ${load()})`)
}
await db.close()
