/** A PostgreSQL server through `pg`, used when DATABASE_URL is set. */
import pg from 'pg'
import { DbMemo, type Db, type QueryOptions, type Queryable } from './db.ts'

// Return bigint/numeric as numbers where safe and dates as ISO text, as PGlite does for our columns.
pg.types.setTypeParser(20, (v) => Number(v)) // int8
pg.types.setTypeParser(1700, (v) => Number(v)) // numeric

/** Opens a pool on a connection string. */
export async function openPg(connectionString: string): Promise<Db> {
  // JIT and parallel workers off on every connection, set once at its start (startup options, no statement).
  // duban's statements are short, but on 10M items the planner costs the index ranges a bounded page or count might
  // walk far above jit_above_cost and the parallel thresholds: compiling took 1.3 s for a 0.4 s scan, and a unit's
  // ledger page 240 ms in a Gather Merge waiting for two workers against 22 ms alone (BENCHMARKS.md "Reads at 10M");
  // on 1M at load ~40, unit and open 1.8 s with one worker. Setting them per ledger page in a transaction instead
  // cost a round trip and a held connection (peer: ledger 409 → 230 req/s). Reports that scan (the assessment of a
  // past period item by item) run on one core then; on this machine's two cores shared by every request, that is
  // the fair share anyway.
  const pool = new pg.Pool({ connectionString, max: 10, options: '-c jit=off -c max_parallel_workers_per_gather=0' })
  // An idle client can be cut off by the server (restart, admin termination). pg emits that on the
  // pool; without a listener it would crash the process. The pool drops the client and makes a new
  // one on the next query, so there is nothing else to do.
  pool.on('error', (e: Error & { code?: string }) => {
    if (e.code !== '57P01') process.emitWarning(`PostgreSQL idle client error: ${e.message}`)
  })
  // Fail fast with a clear message when the server does not answer.
  const client = await pool.connect()
  client.release()
  const memo = new DbMemo()
  return {
    dialect: 'pg',
    memo,
    async query<T>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      const res = await pool.query(statement(sql, params, options))
      return { rows: res.rows as T[] }
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const c = await pool.connect()
      const within = memo.withinTransaction()
      try {
        await c.query('BEGIN')
        const tx: Queryable = {
          memo: within.memo,
          async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
            const res = await c.query(statement(sql, params, options))
            return { rows: res.rows as R[] }
          },
        }
        const out = await fn(tx)
        await c.query('COMMIT')
        return out
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined)
        throw e
      } finally {
        within.settle()
        c.release()
      }
    },
    close: () => pool.end(),
  }
}

/**
 * The query config `pg` takes: with a name, pg parses the statement once per connection and afterwards only
 * binds and executes it (a prepared statement); without one, an unnamed statement parsed every time.
 */
function statement(sql: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined): pg.QueryConfig {
  const values = params as unknown[] | undefined
  return options?.name ? { name: options.name, text: sql, values: values ?? [] } : { text: sql, values }
}
