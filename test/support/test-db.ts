/**
 * Fresh databases for tests: always an in-memory PGlite, plus (when DATABASE_URL is set) a new
 * PostgreSQL database created for this suite and dropped afterwards. Use:
 *   for (const dialect of testDialects()) describe(dialect, () => { let db; beforeAll(async () => { db = await freshDb(dialect) }) … })
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Db } from '../../src/persistence/db.ts'
import { migrate } from '../../src/persistence/migrate.ts'
import { openPg } from '../../src/persistence/pg.db.ts'
import { openPglite } from '../../src/persistence/pglite.db.ts'

export type Dialect = 'pglite' | 'pg'

/** Dialects this run covers: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function testDialects(): Dialect[] {
  return process.env.DATABASE_URL ? ['pglite', 'pg'] : ['pglite']
}

/** Creates an empty database URL on the server named by DATABASE_URL; returns it and a dropper. */
export async function createServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.DATABASE_URL
  if (!admin) throw new Error('DATABASE_URL is not set')
  const name = `duban_t_${process.pid}_${randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  await c.query(`CREATE DATABASE ${name}`)
  await c.end()
  const u = new URL(admin)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: admin })
      await d.connect()
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await d.end()
    },
  }
}

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
