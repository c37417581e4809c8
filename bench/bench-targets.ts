/**
 * Where the throughput benchmarks (api, tickets-intake) run: a fresh database of each dialect, disposed of
 * afterwards — PGlite in a temporary directory, PostgreSQL as a new database on the server.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Db } from '../src/persistence/db.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { openPglite } from '../src/persistence/pglite.db.ts'
import { createServerDatabase } from '../test/support/server-database.ts'

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres'

/** A database to measure on: opened fresh, then disposed of (closed and removed). */
export interface Target {
  readonly name: string
  open(): Promise<{ db: Db; dispose: () => Promise<void>; where: string }>
}

/** A fresh PGlite database in a temporary directory (duban-bench-<tag>-…), removed afterwards. */
export function pgliteTarget(tag: string): Target {
  return {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), `duban-bench-${tag}-`))
      const db = await openPglite(dir)
      return {
        db,
        where: 'PGlite on disk (temporary directory)',
        async dispose() {
          await db.close()
          await rm(dir, { recursive: true, force: true })
        },
      }
    },
  }
}

/** The PostgreSQL server to use (DATABASE_URL, else the local one), or the reason to skip when none answers. */
export async function pgServer(): Promise<{ url: string } | { skip: string }> {
  const url = process.env.DATABASE_URL ?? LOCAL_PG
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await c.connect()
    await c.query('SELECT 1')
    return { url }
  } catch (e) {
    return { skip: `no PostgreSQL server answers at ${process.env.DATABASE_URL ? 'DATABASE_URL' : LOCAL_PG} (${(e as Error).message})` }
  } finally {
    await c.end().catch(() => {})
  }
}

/** The PostgreSQL server to use, for the benchmarks that need one: its URL, or an error when none answers. */
export async function requirePgServer(): Promise<string> {
  const server = await pgServer()
  if ('skip' in server) throw new Error(server.skip)
  return server.url
}

/** A fresh database (duban_bench_<tag>_<pid>_<hex>) on the server at `admin`, dropped afterwards. */
export function postgresTarget(admin: string, tag: string): Target {
  return {
    name: 'postgresql',
    async open() {
      const server = await createServerDatabase({ admin, prefix: `duban_bench_${tag}` })
      const db = await openPg(server.url)
      return {
        db,
        where: `PostgreSQL ${new URL(server.url).host}, fresh database ${server.name}`,
        async dispose() {
          await db.close()
          await server.drop()
        },
      }
    },
  }
}

/**
 * A generated benchmark database kept between runs (hotline-kpi, ticket-search): its `url`, and the row of its
 * bench_meta table when `fits` takes it (reuse the database as it is), else null — the database was just created
 * empty (dropped first when it was there), for the caller to migrate and generate. DUBAN_BENCH_REGENERATE=1
 * always makes it anew.
 */
export async function keptDatabase(admin: string, name: string, fits: (meta: Record<string, unknown>) => boolean): Promise<{ url: string; meta: Record<string, unknown> | null }> {
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  const u = new URL(admin)
  u.pathname = `/${name}`
  const url = u.toString()
  try {
    const exists = (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rows.length > 0
    if (exists && process.env.DUBAN_BENCH_REGENERATE !== '1') {
      const d = new pg.Client({ connectionString: url })
      await d.connect()
      try {
        const meta = await d.query<Record<string, unknown>>(`SELECT * FROM bench_meta`).catch(() => ({ rows: [] as Record<string, unknown>[] }))
        const m = meta.rows[0]
        if (m && fits(m)) return { url, meta: m }
      } finally {
        await d.end()
      }
    }
    if (exists) await c.query(`DROP DATABASE ${name} WITH (FORCE)`)
    await c.query(`CREATE DATABASE ${name}`)
    return { url, meta: null }
  } finally {
    await c.end()
  }
}
