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
 * Counts one failure against `key` at `now`: a window older than `windowMs` starts again at 1; reaching `limit`
 * locks the key until now + lockMs and clears its count. Returns the lock in force after the failure (null if none).
 */
export async function recordThrottleFailure(q: Queryable, key: string, now: Date, o: { limit: number; windowMs: number; lockMs: number }): Promise<Date | null> {
  const windowCut = new Date(now.getTime() - o.windowMs).toISOString()
  const lockUntil = new Date(now.getTime() + o.lockMs).toISOString()
  const expires = new Date(now.getTime() + Math.max(o.windowMs, o.lockMs)).toISOString()
  // $1 key, $2 now, $3 window cut, $4 lock end, $5 expiry, $6 limit. `n` is the count after this failure.
  const n = `(CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END)`
  const r = await q.query<{ lockedUntil: Date | string | null }>(
    `INSERT INTO login_throttle AS t (key, failures, window_start, locked_until, expires_at)
     VALUES ($1, CASE WHEN 1 >= $6::int THEN 0 ELSE 1 END, $2, CASE WHEN 1 >= $6::int THEN $4::timestamptz END, $5)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN ${n} >= $6::int THEN 0 ELSE ${n} END,
       window_start = CASE WHEN ${n} >= $6::int OR t.window_start <= $3 THEN $2 ELSE t.window_start END,
       locked_until = CASE WHEN ${n} >= $6::int THEN $4::timestamptz ELSE t.locked_until END,
       expires_at = GREATEST(t.expires_at, $5::timestamptz)
     RETURNING locked_until AS "lockedUntil"`,
    [key, now.toISOString(), windowCut, lockUntil, expires, o.limit],
    { name: 'login_throttle_fail' },
  )
  const at = r.rows[0]?.lockedUntil
  return at ? new Date(at) : null
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
