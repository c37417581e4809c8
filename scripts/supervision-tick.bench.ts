/**
 * Times the supervision tick (督办巡查) on a generated database (scripts/generate-items.ts), e.g. 1M items:
 *
 *   npx tsx scripts/supervision-tick.bench.ts --url postgres://postgres@127.0.0.1:5432/duban_gen --now 2026-12-01T09:00:00+08:00 [--settle] [--due N]
 *
 * --settle  puts every open item's next-fire time after --now and records the configuration fingerprint, as a
 *           database that has been ticking for a while looks (the generated items' years-old backlog of
 *           overdue actions is skipped, not acted on); without it the tick starts with the full pass (backfill).
 * --due N   then makes N open items due now ('-infinity'), so the tick acts on N items.
 * --seed S  chooses those N items by md5(id || S) (default ''), so runs with different seeds act on different items.
 * --stats   counts the tick's statements and the time spent waiting on them, by statement text.
 * --one-by-one  fires the tick's events through take-event one at a time (the way before tick-events.ts), to compare.
 * Prints the tick's wall time, its result, and the database's open/firing counts.
 */
import { randomUUID } from 'node:crypto'
import { openDatabase } from '../src/persistence/open.ts'
import { listSupervisionConfigs, setTickState } from '../src/persistence/supervision.repo.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { fingerprintOf, superviseTick } from '../src/app/supervision/supervise-tick.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const url = arg('url') ?? process.env.DATABASE_URL
const now = new Date(arg('now') ?? '2026-12-01T09:00:00+08:00')
const db = await openDatabase({ url, dataDir: arg('data-dir') ?? ':memory:' })
if (process.argv.includes('--settle')) {
  const t = performance.now()
  // Next-fire times live in item_clock (migration 169): one statement, which also gives generated items (loaded with triggers off) their row.
  const at = new Date(now.getTime() + 3_600_000).toISOString()
  await db.query(
    `INSERT INTO item_clock AS c (item_id, version, next_fire_at) SELECT id, version, $1 FROM item WHERE state_type <> 'closed'
     ON CONFLICT (item_id) DO UPDATE SET next_fire_at = EXCLUDED.next_fire_at WHERE c.next_fire_at IS DISTINCT FROM EXCLUDED.next_fire_at`,
    [at],
  )
  await setTickState(db, 'fingerprint', await fingerprintOf(db, await listSupervisionConfigs(db)), now)
  console.log(`settled in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
const due = Number(arg('due') ?? 0)
if (due > 0) {
  await db.query(`UPDATE item_clock SET next_fire_at = '-infinity' WHERE item_id IN (SELECT id FROM item WHERE state_type <> 'closed' ORDER BY md5(id || $2) LIMIT $1)`, [due, arg('seed') ?? ''])
}
const counts = await db.query<{ open: string; firing: string }>(
  `SELECT count(*)::text AS open, count(*) FILTER (WHERE c.next_fire_at <= $1)::text AS firing FROM item i LEFT JOIN item_clock c ON c.item_id = i.id WHERE i.state_type <> 'closed'`,
  [now.toISOString()],
)
console.log(`open items ${counts.rows[0]?.open}, firing at ${now.toISOString()}: ${counts.rows[0]?.firing}`)
// --stats: count the tick's statements and their time by the start of their text (printed after the tick).
const stats = new Map<string, [number, number]>()
const counted = <Q extends { query: (...a: any[]) => Promise<any> }>(q: Q): Q => ({
  ...q,
  memo: (q as { memo?: unknown }).memo,
  query: async (sql: string, params?: unknown[], options?: unknown) => {
    const t = performance.now()
    try {
      return await q.query(sql, params, options)
    } finally {
      const k = sql.trim().replace(/\s+/g, ' ').slice(0, 60)
      const v = stats.get(k) ?? [0, 0]
      stats.set(k, [v[0] + 1, v[1] + performance.now() - t])
    }
  },
})
const tickDb = process.argv.includes('--stats')
  ? { ...counted(db), dialect: db.dialect, close: () => db.close(), transaction: <T>(fn: (tx: any) => Promise<T>) => db.transaction((tx) => fn(counted(tx))) }
  : db
const deps: AppDeps = { db: tickDb, clock: { now: () => now }, newId: randomUUID }
const t0 = performance.now()
// --one-by-one: the events fired through take-event one at a time, as before the batched events (tick-events.ts).
const result = await superviseTick(deps, now, { oneByOne: process.argv.includes('--one-by-one') })
console.log(`tick ${(performance.now() - t0).toFixed(0)} ms`, JSON.stringify(result))
if (stats.size > 0) {
  const all = [...stats.values()].reduce((a, [n, ms]) => [a[0] + n, a[1] + ms], [0, 0])
  console.log(`${all[0]} statements, ${all[1].toFixed(0)} ms waiting on them; by text:`)
  for (const [k, [n, ms]] of [...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 15)) console.log(`  ${String(n).padStart(6)}× ${ms.toFixed(0).padStart(7)} ms  ${k}`)
}
await db.close()
