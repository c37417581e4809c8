/** Opens the configured database and brings its schema up to date. */
import type { Db } from './db.ts'
import { migrate } from './migrate.ts'
import { openPg } from './pg.db.ts'
import { openPglite, pgliteStartParams } from './pglite.db.ts'
import { openPgliteThread } from './pglite-thread.ts'

/**
 * DATABASE_URL → PostgreSQL server; else PGlite in dataDir (or memory when dataDir is ':memory:').
 * `pgliteThread`: where PGlite's backend runs — `main` (the default: pglite.db.ts, on the event loop) or `worker`
 * (pglite-thread.ts: a worker thread). DUBAN_PGLITE_THREAD=main|worker overrides it, for `duban serve` too. Not the
 * default yet: measured on a busy machine only, the worker takes ~40% of the main thread's CPU per report off it but
 * costs 8–27% more CPU in all, and with PGlite's write gate at 1 (security.plugin.ts) an admitted write's Node and
 * backend work still run one after the other (BENCHMARKS.md "PGlite's backend in a worker thread").
 */
export async function openDatabase(opts: { url?: string | undefined; dataDir?: string | undefined; pgliteThread?: 'worker' | 'main' }): Promise<Db> {
  const dataDir = opts.dataDir === ':memory:' ? undefined : opts.dataDir
  const db = opts.url ? await openPg(opts.url) : pgliteThread(opts.pgliteThread) === 'worker' ? await openPgliteThread(dataDir, pgliteStartParams()) : await openPglite(dataDir)
  await migrate(db)
  return db
}

/** Where PGlite's backend runs: DUBAN_PGLITE_THREAD (worker or main) when set, else `asked`, else main. */
export function pgliteThread(asked?: 'worker' | 'main'): 'worker' | 'main' {
  const v = process.env.DUBAN_PGLITE_THREAD?.trim() || asked || 'main'
  if (v !== 'worker' && v !== 'main') throw new Error(`DUBAN_PGLITE_THREAD must be worker or main, not '${v}'`)
  return v
}
