/**
 * The drain's cost (the only writer of assessment_agg): moves the due date of --items task items (the first by id
 * with a due date) one day later and drains them, then moves it back and drains again (so the database ends as it
 * began, and each drain has real deltas: re-draining unchanged items nets to nothing and writes no counter). Prints,
 * per drain, the wall time, the counters' row updates and how many were HOT (pg_stat_user_tables, read after the
 * statistics are flushed), the WAL written and the load average. Run it with and without an index on
 * assessment_agg (or from trees with and without the year rows), alternated. PostgreSQL only.
 *
 *   npx tsx scripts/measure-assessment-drain.ts --url postgres://postgres@127.0.0.1:5432/duban_1m_assess [--items 20000] [--rounds 1]
 */
import { loadavg } from 'node:os'
import { openDatabase } from '../src/persistence/open.ts'
import { drainAssessmentLog } from '../src/app/assessment/assessment-aggregates.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const ITEMS = Number(arg('items') ?? 20_000)
const ROUNDS = Number(arg('rounds') ?? 1)
const db = await openDatabase({ url: arg('url') ?? process.env.DATABASE_URL })
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ')

interface Stats { upd: number; hot: number; wal: string }
const stats = async (): Promise<Stats> => {
  // The cumulative statistics are flushed by a backend at its next idle moment; a new snapshot is read here.
  await db.query(`SELECT pg_stat_clear_snapshot()`)
  const { rows } = await db.query<{ upd: string; hot: string; wal: string }>(
    `SELECT n_tup_upd::text AS upd, n_tup_hot_upd::text AS hot, pg_current_wal_lsn()::text AS wal FROM pg_stat_user_tables WHERE relname = 'assessment_agg'`,
  )
  return { upd: Number(rows[0]!.upd), hot: Number(rows[0]!.hot), wal: rows[0]!.wal }
}
const { rows: idx } = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'assessment_agg' ORDER BY 1`)
console.log(`assessment_agg indexes: ${idx.map((r) => r.indexname).join(', ')}`)
for (let round = 0; round < ROUNDS; round++) {
  for (const shift of [1, -1]) {
    await db.query(
      `UPDATE item SET due_date = due_date + $2::int WHERE id IN (SELECT id FROM item WHERE kind = 'task' AND due_date IS NOT NULL ORDER BY id LIMIT $1)`,
      [ITEMS, shift],
    )
    await new Promise((r) => setTimeout(r, 1500))
    const a = await stats()
    const t0 = performance.now()
    const n = await drainAssessmentLog({ db }, { kinds: ['task'], batch: 1_000 })
    const ms = performance.now() - t0
    await new Promise((r) => setTimeout(r, 1500))
    const b = await stats()
    const { rows: w } = await db.query<{ bytes: string }>(`SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint::text AS bytes`, [b.wal, a.wal])
    const upd = b.upd - a.upd
    console.log(
      `due ${shift > 0 ? '+1' : '-1'} day, drain of ${n} items: ${(ms / 1000).toFixed(1)} s, ${(ms / n).toFixed(2)} ms per item; assessment_agg updates ${upd}, HOT ${b.hot - a.hot}` +
        ` (${upd ? (((b.hot - a.hot) / upd) * 100).toFixed(0) : '-'} %); WAL ${(Number(w[0]!.bytes) / 1e6).toFixed(1)} MB (load ${load()})`,
    )
  }
}
await db.close()
