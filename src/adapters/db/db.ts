/**
 * The small database interface duban depends on (the subset of PGlite and `pg` it uses).
 * Both dialects speak PostgreSQL; SQL is written once with $1, $2 … parameters.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>
}

/** A connection pool or embedded database. */
export interface Db extends Queryable {
  readonly dialect: 'pglite' | 'pg'
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}
