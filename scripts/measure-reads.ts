/**
 * Times the read paths of issue 7.3 against a database filled by scripts/generate-items.ts: a ledger page (first,
 * deep by cursor, text, state, unit), the assessment of a month, and the 台账 .xlsx export streamed to nowhere
 * (rows, bytes, peak RSS). Prints one line each, with the load average.
 *   npx tsx scripts/measure-reads.ts --url postgres://postgres@127.0.0.1:5432/duban_gen [--export task] [--period 2026-05]
 */
import { loadavg } from 'node:os'
import { Writable } from 'node:stream'
import { openDatabase } from '../src/persistence/open.ts'
import { assessUnits } from '../src/app/assessment/assess-units.ts'
import type { Actor, AppDeps } from '../src/app/deps.ts'
import { writeLedgerXlsx } from '../src/app/exports/ledger.xlsx.ts'
import { listLedger, ledgerCursor } from '../src/app/items/item-queries.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const db = await openDatabase({ url: arg('url') ?? process.env.DATABASE_URL, dataDir: arg('data-dir') })
let n = 0
const deps = { db, clock: { now: () => new Date('2026-11-20T10:00:00+08:00') }, newId: () => `m-${++n}` } as unknown as AppDeps
const actor = { userId: 'measure', role: 'supervisor', scopeUnitIds: null } as unknown as Actor
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ')

async function time<T>(label: string, fn: () => Promise<T>, show: (r: T) => string): Promise<T> {
  const best: number[] = []
  let r!: T
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now()
    r = await fn()
    best.push(performance.now() - t0)
  }
  console.log(`${label.padEnd(34)} ${best.map((x) => x.toFixed(1)).join(' / ')} ms  ${show(r)}  (load ${load()})`)
  return r
}

const page = (r: { items: unknown[]; total: number; totalCapped: boolean }): string => `${r.items.length} rows, total ${r.total}${r.totalCapped ? '+' : ''}`
const { rows } = await db.query<{ number: string }>(`SELECT number FROM item ORDER BY number OFFSET (SELECT count(*) / 2 FROM item) LIMIT 1`)
const middle = rows[0]?.number ?? ''
await time('ledger page 1', () => listLedger(deps, actor, { limit: 50 }), page)
await time(`ledger deep page (after ${middle})`, () => listLedger(deps, actor, { limit: 50, after: ledgerCursor(middle) }), page)
await time('ledger text 粮食安全', () => listLedger(deps, actor, { limit: 50, q: '粮食安全' }), page)
await time('ledger text rare (md5 part)', () => listLedger(deps, actor, { limit: 50, q: 'c4ca4238a0b9' }), page)
await time('ledger state dispatched', () => listLedger(deps, actor, { limit: 50, state: 'dispatched' }), page)
await time('ledger unit gen-u07', () => listLedger(deps, actor, { limit: 50, unit: 'gen-u07' }), page)
await time('ledger overdue', () => listLedger(deps, actor, { limit: 50, overdue: true }), page)
const period = arg('period') ?? '2026-05'
await time(`assessment ${period} task`, () => assessUnits(deps, period, 'task'), (a) => `${a.rows.length} units, ${a.summary.items} items`)

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
