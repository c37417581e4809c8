/**
 * The planner's statistics of duban's tables where nothing else keeps them: PGlite runs no autovacuum (nor keeps the
 * per-table change counters it would read), and a PostgreSQL may run with `autovacuum = off`. Without statistics the
 * planner guesses every row count: on a database whose tables were never analyzed (the `peer` benchmark's, on this
 * machine's PostgreSQL with autovacuum off) the 签收 read's prepared statement was planned again on every call (its
 * generic plan costed above the custom ones: 7,609 plans in 7,880 calls, 0.23 ms each), and a table that grew since
 * its last ANALYZE is planned for its old size.
 */
import type { Db, Queryable } from './db.ts'

/** A table whose statistics are missing or stale: its size now and at its last ANALYZE (or VACUUM), in pages. */
export interface StaleTable {
  readonly table: string
  readonly pages: number
  /** -1: never analyzed. */
  readonly analyzedPages: number
}

/**
 * The share of its size at the last ANALYZE a table must have grown or shrunk by (and at least STALE_MIN_PAGES) to be
 * analyzed again: autovacuum's default analyze scale factor (0.1) is on changed rows, which PGlite does not count;
 * size is what it can see, so a table that grows by a fifth is analyzed, about five times per tenfold growth.
 */
export const STALE_SHARE = 0.2
export const STALE_MIN_PAGES = 8
/** The least change of live rows (where they are counted) that makes a table stale: autovacuum's analyze threshold. */
export const STALE_MIN_ROWS = 50

/**
 * The tables of the public schema (the migrations' own bookkeeping aside) never analyzed and holding rows, or whose
 * size moved by more than STALE_SHARE since, the largest change first. With `liveCounts` (a PostgreSQL server, which
 * counts committed rows; PGlite does not), also those whose live rows moved by more than STALE_SHARE from what the last
 * ANALYZE counted: an ANALYZE that ran while a bulk insert was still open counted the old rows in the new pages, and the
 * size alone would never show it stale again. (A backend reports its rows up to a second after its commit; reported
 * after an ANALYZE that already saw them, they are counted twice and the table is analyzed once more, as autovacuum's
 * own counters would have it.)
 */
export async function staleTables(q: Queryable, opts: { liveCounts?: boolean } = {}): Promise<StaleTable[]> {
  const { rows } = await q.query<{ table: string; pages: string; analyzed_pages: string }>(
    `SELECT c.relname AS table, s.pages, CASE WHEN c.reltuples < 0 THEN -1 ELSE c.relpages END AS analyzed_pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL (SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS pages) s
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
        AND (CASE WHEN c.reltuples < 0 THEN s.pages > 0
                  ELSE abs(s.pages - c.relpages) >= greatest($1::int, ceil($2::float8 * c.relpages))
                       OR ($3::boolean AND abs(pg_stat_get_live_tuples(c.oid) - c.reltuples) >= greatest($4::int, $2::float8 * c.reltuples)) END)
      ORDER BY CASE WHEN c.reltuples < 0 THEN s.pages ELSE abs(s.pages - c.relpages) END DESC, c.relname`,
    [STALE_MIN_PAGES, STALE_SHARE, opts.liveCounts === true, STALE_MIN_ROWS],
  )
  return rows.map((r) => ({ table: r.table, pages: Number(r.pages), analyzedPages: Number(r.analyzed_pages) }))
}

/** ANALYZE of one table (its name as staleTables gave it, quoted as an identifier). */
export async function analyzeTable(q: Queryable, table: string): Promise<void> {
  await q.query(`ANALYZE "${table.replace(/"/g, '""')}"`)
}

/** Whether autovacuum keeps the statistics: a PostgreSQL server with autovacuum and the change counters on; never PGlite. */
export async function autovacuumKeepsStatistics(db: Db): Promise<boolean> {
  if (db.dialect === 'pglite') return false
  const { rows } = await db.query<{ on: boolean }>(`SELECT current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on' AS on`)
  return rows[0]?.on === true
}
