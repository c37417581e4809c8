/** PGlite (embedded PostgreSQL in WASM) behind the Db interface; the default, no server needed. */
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { DbMemo, type Db, type Queryable } from './db.ts'

/**
 * Opens PGlite on a data directory (created if missing) or in memory when dataDir is undefined.
 * Writes go through to the data directory before a query resolves, so an acknowledged write
 * survives the process being killed.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  // pg_trgm: the trigram index of ledger text search (migration 070), as on a server.
  const extensions = { pg_trgm }
  const pg = dataDir ? new PGlite(dataDir, { extensions }) : new PGlite({ extensions })
  await pg.waitReady
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      // Without parameters use the simple protocol, which (like pg) accepts a script of several
      // statements (migrations); the extended protocol refuses them. Rows are the last statement's.
      if (params === undefined) {
        const results = await q.exec(sql)
        return { rows: (results.at(-1)?.rows ?? []) as T[] }
      }
      const res = await q.query<T>(sql, params as unknown[] | undefined)
      return { rows: res.rows }
    },
  })
  const self = wrap(pg)
  const memo = new DbMemo()
  return {
    dialect: 'pglite',
    memo,
    query: self.query,
    async transaction(fn) {
      const within = memo.withinTransaction()
      try {
        return await pg.transaction((tx) => fn({ ...wrap(tx), memo: within.memo }))
      } finally {
        within.settle()
      }
    },
    close: () => pg.close(),
  }
}
