/** Opens the configured database and brings its schema up to date. */
import type { Db } from './db.ts'
import { migrate } from './migrate.ts'
import { openPg } from './pg.db.ts'
import { openPglite, pgliteStartParams } from './pglite.db.ts'
import { openPgliteThread } from './pglite-thread.ts'

/**
 * DATABASE_URL → PostgreSQL server; else PGlite in dataDir (or memory when dataDir is ':memory:').
 * `pgliteThread`: where PGlite's backend runs — `main` (pglite.db.ts, on the event loop; the default of short-lived
 * commands and of tests) or `worker` (pglite-thread.ts: a worker thread; what `duban serve` asks for since 2026-12-04:
 * with two writes admitted the HTTP work of one runs beside the other's statements, on the second core — BENCHMARKS.md
 * "PGlite: the backend in a worker, two writes in flight"). DUBAN_PGLITE_THREAD=main|worker overrides it.
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
