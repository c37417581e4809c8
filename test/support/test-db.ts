/**
 * Fresh databases for tests: always an in-memory PGlite, plus (when DATABASE_URL is set) a new
 * PostgreSQL database created for this suite and dropped afterwards. Use:
 *   for (const dialect of testDialects()) describe(dialect, () => { let db; beforeAll(async () => { db = await freshDb(dialect) }) … })
 */
import type { Db } from '../../src/persistence/db.ts'
import { migrate } from '../../src/persistence/migrate.ts'
import { openPg } from '../../src/persistence/pg.db.ts'
import { openPglite } from '../../src/persistence/pglite.db.ts'
import { createServerDatabase } from './server-database.ts'

export type Dialect = 'pglite' | 'pg'

/** Dialects this run covers: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function testDialects(): Dialect[] {
  return process.env.DATABASE_URL ? ['pglite', 'pg'] : ['pglite']
}

/** An empty database on the server named by DATABASE_URL, and its drop (server-database.ts, shared with bench). */
export { createServerDatabase } from './server-database.ts'

/** A migrated, empty database of the dialect; close() also drops a server database. */
export async function freshDb(dialect: Dialect): Promise<Db> {
  if (dialect === 'pglite') {
    const db = await openPglite()
    await migrate(db)
    return db
  }
  const { url, drop } = await createServerDatabase()
  const db = await openPg(url)
  await migrate(db)
  return {
    ...db,
    async close() {
      await db.close()
      await drop()
    },
  }
}
