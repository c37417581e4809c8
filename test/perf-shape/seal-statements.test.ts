/**
 * The shape of the sealer (审计日志封存): every statement a sealing batch runs is named, so it is prepared once
 * per connection (pg) or per database (PGlite) instead of parsed and planned again every second. A count of
 * unnamed statements, not a timing: it fails when a sealer statement loses its name or a new one comes without.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable, QueryOptions } from '../../src/persistence/db.ts'
import { appendAudit } from '../../src/app/audit/append-audit.ts'
import { sealAudit } from '../../src/app/audit/seal-audit.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

/** The sealer's statements, each with the name it was run under (undefined: unnamed). */
interface Seen {
  readonly sql: string
  readonly name: string | undefined
}

/** Wraps a Db so that every statement run inside its transactions is recorded with its name. */
function recording(db: Db): { db: Db; seen: Seen[] } {
  const seen: Seen[] = []
  const wrap = (q: Queryable): Queryable =>
    Object.assign(Object.create(q) as Queryable, {
      query: (sql: string, params?: readonly unknown[], options?: QueryOptions) => {
        seen.push({ sql: sql.replace(/\s+/g, ' ').trim().slice(0, 80), name: options?.name })
        return q.query(sql, params, options)
      },
    })
  const recorded: Db = Object.assign(wrap(db) as Db, {
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(wrap(tx))),
  })
  return { db: recorded, seen }
}

for (const dialect of testDialects()) {
  describe(`the sealer's statements (${dialect})`, () => {
    let db: Db

    beforeAll(async () => {
      db = await freshDb(dialect)
      for (let i = 0; i < 5; i++) {
        await db.transaction((tx) =>
          appendAudit(tx, { actorId: null, action: 'unit.update', entity: 'unit', entityId: `u${i}`, before: null, after: { i }, at: new Date() }),
        )
      }
    })
    afterAll(() => db.close())

    it('seals in batches whose every statement is named, on both the waiting and the trying path', async () => {
      const r = recording(db)
      const waited = await sealAudit(r.db, { wait: true, batchSize: 2 })
      expect(waited.sealed).toBe(5)
      for (let i = 0; i < 3; i++) {
        await db.transaction((tx) =>
          appendAudit(tx, { actorId: null, action: 'unit.update', entity: 'unit', entityId: `v${i}`, before: null, after: { i }, at: new Date() }),
        )
      }
      const tried = await sealAudit(r.db, { wait: false })
      expect(tried.sealed).toBe(3)
      const names = new Set(r.seen.map((s) => s.name))
      // Lock (both kinds), head, unsealed rows and the seals' write all ran, and nothing ran without a name.
      expect([...names].filter((n) => n?.startsWith('duban_seal_')).sort()).toEqual([
        'duban_seal_head',
        'duban_seal_lock',
        'duban_seal_try_lock',
        'duban_seal_unsealed',
        'duban_seal_write',
      ])
      expect(r.seen.filter((s) => s.name === undefined)).toEqual([])
    })
  })
}
