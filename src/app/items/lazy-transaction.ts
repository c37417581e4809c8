/**
 * A transaction begun only when an event first writes (事务按需开启). An event reads its item without a lock and
 * writes it only at the version it read (writeEventRows), so the version check, not a row lock held from the
 * start, keeps concurrent events on one item apart. Until the first write there is nothing to commit: plain
 * reads run on the database outside any transaction (under READ COMMITTED they see what they would have seen
 * inside one; a change made meanwhile moves the item's version and the write refuses). At the first write the
 * transaction begins, and `lockFirst` (the item's row lock at the version read) runs before it, so the item is
 * locked before any other row as before. An event whose only write is writeEventRows sends it with no
 * transaction at all: one statement is atomic, and PostgreSQL commits it before answering.
 */
import type { Db, QueryOptions, Queryable } from '../../persistence/db.ts'

/** A statement that only reads and takes no lock: it may run before the transaction begins. */
const PLAIN_READ = /^\s*SELECT\b/i
const LOCKS_OR_WRITES = /\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|\bnextval\s*\(|\bsetval\s*\(|\bpg_advisory/i

/** Whether a statement may run outside the transaction (a plain SELECT, no lock, no sequence or advisory lock). */
export function isPlainRead(sql: string): boolean {
  return PLAIN_READ.test(sql) && !LOCKS_OR_WRITES.test(sql)
}

/** Thrown into the transaction's callback to roll it back; never seen by callers. */
class RolledBack extends Error {}

export class LazyTransaction implements Queryable {
  private tx: Promise<Queryable> | null = null
  private resolved: Queryable | null = null
  private finish: { resolve: () => void; reject: (e: unknown) => void } | null = null
  private done: Promise<void> | null = null

  /** `lockFirst` runs first in the transaction when it begins with any statement but the one given to `begin(false)`. */
  constructor(
    private readonly db: Db,
    private readonly lockFirst: (tx: Queryable) => Promise<void>,
  ) {}

  /** Whether the transaction has begun. */
  get opened(): boolean {
    return this.tx !== null
  }

  /** The database's memo; once the transaction began, the transaction's (its changes are announced again after it). */
  get memo(): Queryable['memo'] {
    return this.resolved ? this.resolved.memo : this.db.memo
  }

  /** Begins the transaction (once) and gives it; with `lock` false the caller's next statement locks the item itself. */
  begin(lock = true): Promise<Queryable> {
    if (this.tx) return this.tx
    this.tx = new Promise<Queryable>((resolveTx, rejectTx) => {
      const finished = new Promise<void>((resolve, reject) => void (this.finish = { resolve, reject }))
      // When the callback ends before it waits on `finished` (lockFirst found the item moved: VersionMoved), the
      // rollback that follows rejects a promise nobody awaits; that is not an error of its own.
      finished.catch(() => undefined)
      this.done = this.db.transaction(async (tx) => {
        if (lock) await this.lockFirst(tx)
        this.resolved = tx
        resolveTx(tx)
        await finished
      })
      this.done.catch(rejectTx)
    })
    return this.tx
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<{ rows: T[] }> {
    if (!this.tx && isPlainRead(sql)) return this.db.query<T>(sql, params, options)
    return (await this.begin()).query<T>(sql, params, options)
  }

  /** Commits what was written (nothing when the transaction never began). */
  async commit(): Promise<void> {
    if (!this.tx) return
    await this.tx
    this.finish?.resolve()
    await this.done
  }

  /** Rolls back what was written; never throws. */
  async rollback(): Promise<void> {
    if (!this.tx) return
    this.finish?.reject(new RolledBack('rolled back'))
    await this.done?.catch(() => undefined)
  }
}
