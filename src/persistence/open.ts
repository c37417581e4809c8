/** Opens the configured database and brings its schema up to date. */
import type { Db } from './db.ts'
import { migrate } from './migrate.ts'
import { openPg } from './pg.db.ts'
import { openPglite } from './pglite.db.ts'

/** DATABASE_URL → PostgreSQL server; else PGlite in dataDir (or memory when dataDir is ':memory:'). */
export async function openDatabase(opts: { url?: string | undefined; dataDir?: string | undefined }): Promise<Db> {
  const db = opts.url ? await openPg(opts.url) : await openPglite(opts.dataDir === ':memory:' ? undefined : opts.dataDir)
  await migrate(db)
  return db
}
