/**
 * Keeps the planner's statistics where autovacuum does not (PGlite always; a PostgreSQL with autovacuum off): each
 * scheduler round analyzes the tables never analyzed or grown or shrunk by a fifth since (table-statistics.repo.ts),
 * the largest change first: every small one, and up to STATISTICS_LARGE_TABLES_PER_ROUND large ones. On PGlite an
 * ANALYZE holds the one backend while it samples (up to 30,000 rows a table), so few large tables a round; a table is
 * analyzed again only after its size moved again.
 */
import type { AppDeps } from '../deps.ts'
import { analyzeTable, autovacuumKeepsStatistics, staleTables } from '../../persistence/table-statistics.repo.ts'

/** Large tables a round analyzes at most. */
export const STATISTICS_LARGE_TABLES_PER_ROUND = 4

/** A table of fewer pages (8 MB) is small: its ANALYZE reads it in a few milliseconds. */
export const STATISTICS_SMALL_TABLE_PAGES = 1_000

/** Analyzes the stale tables when autovacuum does not keep them (a test may ask regardless); returns the tables analyzed. */
export async function keepStatistics(deps: AppDeps, opts: { maxLargeTables?: number; evenWithAutovacuum?: boolean } = {}): Promise<string[]> {
  if (!opts.evenWithAutovacuum && (await autovacuumKeepsStatistics(deps.db))) return []
  const stale = await staleTables(deps.db, { liveCounts: deps.db.dialect === 'pg' })
  const large = stale.filter((t) => t.pages >= STATISTICS_SMALL_TABLE_PAGES).slice(0, opts.maxLargeTables ?? STATISTICS_LARGE_TABLES_PER_ROUND)
  const chosen = [...large, ...stale.filter((t) => t.pages < STATISTICS_SMALL_TABLE_PAGES)]
  for (const t of chosen) await analyzeTable(deps.db, t.table)
  return chosen.map((t) => t.table)
}
