/**
 * A new, empty database on a PostgreSQL server, and its drop: for tests (test-db.ts) and the benchmarks
 * (bench/bench-targets.ts) alike. No migration here; the caller opens and migrates it.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** A database created on the server: its URL and name, and how to drop it. */
export interface ServerDatabase {
  readonly url: string
  readonly name: string
  /** Drops the database, once the connections closing on it are gone (a few seconds at most), then by force. */
  drop(): Promise<void>
}

/**
 * Creates `<prefix>_<pid>_<hex>` on the server at `admin` (default DATABASE_URL). The drop waits for clients
 * still closing: a FORCE drop at once would kill a pool's connection mid-close, and its 'error' event, unheard,
 * would end the process.
 */
export async function createServerDatabase(opts: { admin?: string; prefix?: string } = {}): Promise<ServerDatabase> {
  const admin = opts.admin ?? process.env.DATABASE_URL
  if (!admin) throw new Error('DATABASE_URL is not set')
  const name = `${opts.prefix ?? 'duban_t'}_${process.pid}_${randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  try {
    await c.query(`CREATE DATABASE ${name}`)
  } finally {
    await c.end()
  }
  const u = new URL(admin)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    name,
    async drop() {
      const d = new pg.Client({ connectionString: admin })
      await d.connect()
      try {
        for (let i = 0; i < 50; i++) {
          const { rows } = await d.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name])
          if (Number(rows[0]?.n) === 0) break
          await new Promise((r) => setTimeout(r, 100))
        }
        await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await d.end()
      }
    },
  }
}
