/**
 * The small database interface duban depends on (the subset of PGlite and `pg` it uses).
 * Both dialects speak PostgreSQL; SQL is written once with $1, $2 … parameters.
 */

/** How to run one statement. */
export interface QueryOptions {
  /**
   * A name for a hot statement (热点语句): on `pg` it is prepared once per connection and then only bound and
   * executed, saving the server's parse and plan. Use it only with fixed SQL text (one name, one text).
   * PGlite prepares it once per database and then runs it in one protocol call (pglite-prepared.ts).
   */
  readonly name?: string
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<{ rows: T[] }>
  /**
   * The in-process memory of this database (进程内缓存), shared by the pool and its transactions; absent on a
   * wrapper that does not pass it on, and then callers read the database every time.
   */
  readonly memo?: DbMemo
}

/** A connection pool or embedded database. */
export interface Db extends Queryable {
  readonly dialect: 'pglite' | 'pg'
  /** Where a PGlite backend runs: on the event loop (main, also when absent) or in a worker thread (pglite-thread.ts). */
  readonly thread?: 'main' | 'worker'
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * What this process keeps of slow-changing tables (the calendar, sessions and unit scopes), per database.
 * Each cache keeps its values in a slot and stamps them with the version of the topics they were read from
 * (`calendar`, `user`, `unit`); a write to a topic calls `changed(topic)`, which makes every value read
 * before it stale. Inside a transaction the change is announced again after COMMIT or ROLLBACK (see
 * `withinTransaction`), so a value read while the write was still uncommitted is not kept either.
 * Writes by other processes are not seen here: each cache says how it catches up with them.
 */
export class DbMemo {
  private readonly versions: Map<string, number>
  private readonly slots: Map<string, unknown>
  /** In a transaction's view: the topics it changed, announced again when it ends. */
  private readonly touched: Set<string> | null

  constructor(shared?: DbMemo, touched?: Set<string>) {
    this.versions = shared?.versions ?? new Map()
    this.slots = shared?.slots ?? new Map()
    this.touched = touched ?? null
  }

  /** The version of a topic: it moves on every change. */
  version(topic: string): number {
    return this.versions.get(topic) ?? 0
  }

  /** Marks a topic changed: values read from it before now are stale. */
  changed(topic: string): void {
    this.touched?.add(topic)
    this.versions.set(topic, this.version(topic) + 1)
  }

  /** The slot a cache keeps its values in, made on first use. */
  slot<T>(key: string, make: () => T): T {
    if (!this.slots.has(key)) this.slots.set(key, make())
    return this.slots.get(key) as T
  }

  /** A view for one transaction, sharing this memo; `settle` (after COMMIT or ROLLBACK) announces its changes again. */
  withinTransaction(): { memo: DbMemo; settle: () => void } {
    const touched = new Set<string>()
    return {
      memo: new DbMemo(this, touched),
      settle: () => touched.forEach((t) => this.versions.set(t, this.version(t) + 1)),
    }
  }
}
