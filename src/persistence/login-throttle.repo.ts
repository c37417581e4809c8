/**
 * Login throttle rows (login_throttle, migration 114): failed sign-ins per key ('account:…' or 'address:…')
 * within a window, and the lock a key earns past its limit. Every change is one statement (an upsert or a
 * delete), so concurrent server processes on one database count into the same row without losing a failure.
 * All instants come from the caller (the app's clock), never from the database's now().
 */
import type { Queryable } from './db.ts'

/** A key that is locked at the instant asked. */
export interface ThrottleLock {
  readonly key: string
  readonly lockedUntil: Date
}

/** The locks among `keys` still in force at `now`. */
export async function findThrottleLocks(q: Queryable, keys: readonly string[], now: Date): Promise<ThrottleLock[]> {
  const r = await q.query<{ key: string; lockedUntil: Date | string }>(
    `SELECT key, locked_until AS "lockedUntil" FROM login_throttle WHERE key = ANY($1::text[]) AND locked_until > $2`,
    [keys, now.toISOString()],
    { name: 'login_throttle_locks' },
  )
  return r.rows.map((x) => ({ key: x.key, lockedUntil: new Date(x.lockedUntil) }))
}

/**
 * Counts one sign-in attempt against `key` at `now`, before its password is verified, and tells whether it may
 * be verified: a key locked at `now` is refused (no row changes, null returned); otherwise the attempt counts
 * (a window older than `windowMs`, or one ended by a lock now over, starts again at 1) and the attempt that
 * reaches `limit` locks the key until now + lockMs, so attempts sent in parallel after it are refused before
 * any of them is verified. One statement: concurrent attempts (and processes) serialize on the row, so at most
 * `limit` attempts per window are ever admitted. Returns the lock this attempt set (null if it set none).
 */
export async function admitThrottleAttempt(
  q: Queryable,
  key: string,
  now: Date,
  o: { limit: number; windowMs: number; lockMs: number },
): Promise<{ admitted: false } | { admitted: true; lockSet: Date | null }> {
  const windowCut = new Date(now.getTime() - o.windowMs).toISOString()
  const lockUntil = new Date(now.getTime() + o.lockMs).toISOString()
  const expires = new Date(now.getTime() + Math.max(o.windowMs, o.lockMs)).toISOString()
  // $1 key, $2 now, $3 window cut, $4 lock end, $5 expiry, $6 limit. A row reaching the update has no lock in
  // force (the WHERE); one whose lock is over starts a new window. `n` is the count with this attempt.
  const fresh = `(t.window_start <= $3 OR t.locked_until IS NOT NULL)`
  const n = `(CASE WHEN ${fresh} THEN 1 ELSE t.failures + 1 END)`
  const r = await q.query<{ lockedUntil: Date | string | null }>(
    `INSERT INTO login_throttle AS t (key, failures, window_start, locked_until, expires_at)
     VALUES ($1, 1, $2, CASE WHEN 1 >= $6::int THEN $4::timestamptz END, $5)
     ON CONFLICT (key) DO UPDATE SET
       failures = ${n},
       window_start = CASE WHEN ${fresh} THEN $2 ELSE t.window_start END,
       locked_until = CASE WHEN ${n} >= $6::int THEN $4::timestamptz END,
       expires_at = GREATEST(t.expires_at, $5::timestamptz)
     WHERE t.locked_until IS NULL OR t.locked_until <= $2
     RETURNING locked_until AS "lockedUntil"`,
    [key, now.toISOString(), windowCut, lockUntil, expires, o.limit],
    { name: 'login_throttle_admit' },
  )
  const row = r.rows[0]
  if (!row) return { admitted: false }
  return { admitted: true, lockSet: row.lockedUntil ? new Date(row.lockedUntil) : null }
}

/**
 * Gives back an admitted attempt that turned out not to be a failure (the right password, or refused by the
 * other key before it was verified): the count drops by one and the lock that attempt set, if any, is lifted. A
 * row left counting nothing is deleted, so successes leave no rows behind. Each statement re-reads the row it
 * changes (READ COMMITTED re-checks the WHERE on the newest version), so a concurrent admission is not lost.
 */
export async function refundThrottleAttempt(q: Queryable, key: string, lockSet: Date | null): Promise<void> {
  const lock = lockSet ? lockSet.toISOString() : null
  const gone = await q.query(
    `DELETE FROM login_throttle WHERE key = $1 AND failures <= 1 AND (locked_until IS NULL OR locked_until = $2::timestamptz) RETURNING 1`,
    [key, lock],
    { name: 'login_throttle_refund_delete' },
  )
  if (gone.rows.length > 0) return
  await q.query(
    `UPDATE login_throttle SET failures = GREATEST(failures - 1, 0),
       locked_until = CASE WHEN locked_until = $2::timestamptz THEN NULL ELSE locked_until END
     WHERE key = $1`,
    [key, lock],
    { name: 'login_throttle_refund' },
  )
}

/** Deletes the rows of `keys`; returns the locks among them that were in force at `now`. */
export async function clearThrottle(q: Queryable, keys: readonly string[], now: Date): Promise<ThrottleLock[]> {
  const r = await q.query<{ key: string; lockedUntil: Date | string | null }>(
    `DELETE FROM login_throttle WHERE key = ANY($1::text[]) RETURNING key, locked_until AS "lockedUntil"`,
    [keys],
  )
  return r.rows.filter((x) => x.lockedUntil && new Date(x.lockedUntil) > now).map((x) => ({ key: x.key, lockedUntil: new Date(x.lockedUntil as Date | string) }))
}

/** Deletes the rows expired at `now`; returns how many. */
export async function purgeThrottle(q: Queryable, now: Date): Promise<number> {
  const r = await q.query<{ n: number | string }>(`WITH d AS (DELETE FROM login_throttle WHERE expires_at <= $1 RETURNING 1) SELECT count(*) AS n FROM d`, [now.toISOString()])
  return Number(r.rows[0]?.n ?? 0)
}

/** How many rows the table holds (for tests and the bound). */
export async function countThrottleRows(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number | string }>(`SELECT count(*) AS n FROM login_throttle`)
  return Number(r.rows[0]?.n ?? 0)
}
