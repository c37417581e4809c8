/**
 * The scratch databases tests and benchmarks make on a PostgreSQL server (server-database.ts): named by the
 * prefix, and gone after the drop, even while a client still holds a connection to them.
 */
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createServerDatabase } from './server-database.ts'

const admin = process.env.DATABASE_URL
if (!admin) console.log('test/support/server-database.test.ts: skipped, DATABASE_URL is not set')

describe.skipIf(!admin)('a scratch database on the PostgreSQL server', () => {
  const exists = async (name: string): Promise<boolean> => {
    const c = new pg.Client({ connectionString: admin })
    await c.connect()
    try {
      return (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rows.length === 1
    } finally {
      await c.end()
    }
  }

  it('is made under the prefix, answers at its URL, and is dropped with a client still connected', async () => {
    const server = await createServerDatabase({ prefix: 'duban_t_scratch' })
    expect(server.name).toMatch(new RegExp(`^duban_t_scratch_${process.pid}_[0-9a-f]{8}$`))
    expect(await exists(server.name)).toBe(true)
    const held = new pg.Client({ connectionString: server.url })
    held.on('error', () => {}) // the forced drop ends this connection
    await held.connect()
    expect((await held.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db).toBe(server.name)
    await server.drop()
    expect(await exists(server.name)).toBe(false)
    await held.end().catch(() => {})
  }, 60_000)
})
