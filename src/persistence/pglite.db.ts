/** PGlite (embedded PostgreSQL in WASM) behind the Db interface; the default, no server needed. */
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { DbMemo, type Db, type Queryable } from './db.ts'
import { PgliteStatements } from './pglite-prepared.ts'

/**
 * PGlite's own start parameters plus a smaller buffer pool. PostgreSQL's default shared_buffers (128MB, which
 * PGlite's initdb writes) is allocated and touched inside the wasm heap at start, so it is resident whether or
 * not anything is cached: with it an idle `duban serve` held 450–530 MB. The data directory's pages stay in the
 * OS page cache, so a smaller pool costs a read() call on a miss, not a disk read. DUBAN_PGLITE_SHARED_BUFFERS
 * (e.g. 64MB) overrides the default.
 */
export const PGLITE_SHARED_BUFFERS = '16MB'

/** PGlite's start parameters: its own, then the buffer pool (the worker thread gets the same, pglite-thread.ts). */
export function pgliteStartParams(): string[] {
  const buffers = process.env.DUBAN_PGLITE_SHARED_BUFFERS?.trim() || PGLITE_SHARED_BUFFERS
  if (!/^\d+(kB|MB|GB)?$/.test(buffers)) throw new Error(`DUBAN_PGLITE_SHARED_BUFFERS must be a size such as 64MB, not '${buffers}'`)
  // The option replaces PGlite's own parameters rather than adding to them, so they come first.
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${buffers}`]
}

/**
 * Opens PGlite on a data directory (created if missing) or in memory when dataDir is undefined.
 * Writes go through to the data directory before a query resolves, so an acknowledged write
 * survives the process being killed.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  // pg_trgm: the trigram index of ledger text search (migration 070), as on a server.
  const extensions = { pg_trgm }
  const options = { extensions, startParams: pgliteStartParams() }
  const pg = dataDir ? new PGlite(dataDir, options) : new PGlite(options)
  await pg.waitReady
  // Named statements are prepared once and then run in one protocol call (pglite-prepared.ts).
  const statements = new PgliteStatements(pg)
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }, inTransaction: boolean): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[], options?: { name?: string }) {
      if (options?.name && params !== undefined) return statements.run<T>(options.name, sql, params, inTransaction)
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
  const self = wrap(pg, false)
  const memo = new DbMemo()
  return {
    dialect: 'pglite',
    memo,
    query: self.query,
    async transaction(fn) {
      const within = memo.withinTransaction()
      try {
        return await pg.transaction((tx) => fn({ ...wrap(tx, true), memo: within.memo }))
      } finally {
        within.settle()
      }
    },
    close: () => pg.close(),
  }
}
