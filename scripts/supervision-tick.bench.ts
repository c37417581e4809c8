/**
 * Times the supervision tick (督办巡查) on a generated database (scripts/generate-items.ts), e.g. 1M items:
 *
 *   npx tsx scripts/supervision-tick.bench.ts --url postgres://postgres@127.0.0.1:5432/duban_gen --now 2026-12-01T09:00:00+08:00 [--settle] [--due N]
 *
 * --settle  puts every open item's next-fire time after --now and records the configuration fingerprint, as a
 *           database that has been ticking for a while looks (the generated items' years-old backlog of
 *           overdue actions is skipped, not acted on); without it the tick starts with the full pass (backfill).
 * --due N   then makes N open items due now ('-infinity'), so the tick acts on N items.
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
  await db.query(`UPDATE item SET next_fire_at = $1 WHERE state_type <> 'closed'`, [new Date(now.getTime() + 3_600_000).toISOString()])
  await setTickState(db, 'fingerprint', await fingerprintOf(db, await listSupervisionConfigs(db)), now)
  console.log(`settled in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
const due = Number(arg('due') ?? 0)
if (due > 0) {
  await db.query(`UPDATE item SET next_fire_at = '-infinity' WHERE id IN (SELECT id FROM item WHERE state_type <> 'closed' ORDER BY md5(id) LIMIT $1)`, [due])
}
const counts = await db.query<{ open: string; firing: string }>(
  `SELECT count(*)::text AS open, count(*) FILTER (WHERE next_fire_at <= $1)::text AS firing FROM item WHERE state_type <> 'closed'`,
  [now.toISOString()],
)
console.log(`open items ${counts.rows[0]?.open}, firing at ${now.toISOString()}: ${counts.rows[0]?.firing}`)
const deps: AppDeps = { db, clock: { now: () => now }, newId: randomUUID }
const t0 = performance.now()
const result = await superviseTick(deps, now)
console.log(`tick ${(performance.now() - t0).toFixed(0)} ms`, JSON.stringify(result))
await db.close()
