import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { migrate } from '../../src/persistence/migrate.ts'
import { freshDb, testDialects } from './test-db.ts'

for (const dialect of testDialects()) {
  describe(`database adapter on ${dialect}`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
    }, 180_000) // PGlite's migrations take over a minute on a loaded machine
    afterAll(async () => {
      await db.close()
    })

    it('applies migrations once and records them', async () => {
      expect(await migrate(db)).toEqual([])
      const { rows } = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')
      expect(rows.map((r) => r.id)).toContain('001_platform')
    })

    it('rolls a failed transaction back completely', async () => {
      await db.query(`CREATE TABLE t_roll (v int)`)
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t_roll VALUES ($1)', [1])
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t_roll')
      expect(rows[0]?.n).toBe(0)
    })
  })
}
