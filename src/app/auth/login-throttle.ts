/**
 * Login throttling (登录限制): sign-in attempts are counted per account and per client address within a
 * window; past the limit the account (or address) is locked until a stated instant, and even the right
 * password is refused until then, with a message that says when to retry. A success clears the account's
 * count and gives the address back its attempt. An admin can unlock an account or an address at once.
 *
 * Each attempt is counted before its password is verified (admit), in one statement per key, and the attempt
 * that reaches the limit sets the lock: guesses sent in parallel are admitted at most `limit` at a time, the
 * rest refused before any of them is verified (counting after verifying let every guess that passed the check
 * before the first failure was counted have its try).
 *
 * The counts and locks live in the database (login_throttle, src/persistence/login-throttle.repo.ts), so every
 * `duban serve` process on one database sees the same locks (an attacker cannot spread guesses over
 * processes), an admin's unlock through any process holds for all, and a restart forgets nothing. Rows expire
 * (window or lock over) and are purged at most once a minute per process: the table is bounded by the
 * addresses that failed in the last window, each of which locks itself after `perAddress` failures.
 */
import { DubanError } from '../../domain/errors.ts'
import type { Queryable } from '../../persistence/db.ts'
import { admitThrottleAttempt, clearThrottle, findThrottleLocks, purgeThrottle, refundThrottleAttempt } from '../../persistence/login-throttle.repo.ts'

/** Limits of the throttle; every field has a default. */
export interface ThrottleOptions {
  /** Failures of one account within the window that lock it (5). */
  readonly perAccount?: number
  /** Failures from one address within the window that lock it (20). */
  readonly perAddress?: number
  /** The counting window in ms (15 minutes). */
  readonly windowMs?: number
  /** How long a lock lasts in ms (15 minutes). */
  readonly lockMs?: number
}

/** How often one process deletes expired rows (ms). */
const PURGE_EVERY_MS = 60_000
/** Account names are cut to this length in keys (the sign-in schema bounds them already). */
const MAX_NAME = 200

type Scope = 'account' | 'address'

/** An attempt admitted to verification: what to give back if it is not a failure. */
export interface Admission {
  readonly username: string
  readonly address: string
  /** The lock this attempt set on the address (its limit-th attempt), lifted if it succeeds. */
  readonly addressLockSet: Date | null
}

/** How often admit re-reads when a key refused it but its lock is gone by the time it is read (an unlock). */
const ADMIT_TRIES = 3

export class LoginThrottle {
  readonly perAccount: number
  readonly perAddress: number
  readonly windowMs: number
  readonly lockMs: number
  private lastPurge = Number.NEGATIVE_INFINITY

  constructor(
    private readonly db: Queryable,
    opts: ThrottleOptions = {},
  ) {
    this.perAccount = opts.perAccount ?? 5
    this.perAddress = opts.perAddress ?? 20
    this.windowMs = opts.windowMs ?? 15 * 60_000
    this.lockMs = opts.lockMs ?? 15 * 60_000
  }

  /** The row key of an account (case-insensitive) or an address. */
  static key(scope: Scope, v: string): string {
    return scope === 'account' ? `account:${v.trim().toLowerCase().slice(0, MAX_NAME)}` : `address:${v}`
  }

  /**
   * Counts an attempt against the account and the address before its password is verified. Throws
   * DUBAN_ERR_LOGIN_LOCKED (429, Retry-After) when either is locked at `now`; the account's attempt is given
   * back when the address refuses, so a refused attempt counts against nothing.
   */
  async admit(username: string, address: string, now: number): Promise<Admission> {
    const at = new Date(now)
    const accountKey = LoginThrottle.key('account', username)
    const addressKey = LoginThrottle.key('address', address)
    const window = { windowMs: this.windowMs, lockMs: this.lockMs }
    for (let i = 0; i < ADMIT_TRIES; i++) {
      const account = await admitThrottleAttempt(this.db, accountKey, at, { ...window, limit: this.perAccount })
      if (!account.admitted) {
        await this.refuse(username, address, [accountKey, addressKey], now)
        continue
      }
      const addr = await admitThrottleAttempt(this.db, addressKey, at, { ...window, limit: this.perAddress })
      if (addr.admitted) return { username, address, addressLockSet: addr.lockSet }
      await refundThrottleAttempt(this.db, accountKey, account.lockSet)
      await this.refuse(username, address, [addressKey], now)
    }
    // Refused each time yet never found locked: only a lock lifted and set again in between does this.
    throw new DubanError('DUBAN_ERR_LOGIN_LOCKED', 'too many sign-in attempts at once; try again in a moment', { where: 'request', details: { retryAfterSeconds: 1, scope: 'address' } })
  }

  /** Throws DUBAN_ERR_LOGIN_LOCKED naming the lock in force among `keys` (the account's first); returns if none is. */
  private async refuse(username: string, address: string, keys: string[], now: number): Promise<void> {
    const accountKey = LoginThrottle.key('account', username)
    const locks = await findThrottleLocks(this.db, keys, new Date(now))
    const lock = locks.find((l) => l.key === accountKey) ?? locks[0]
    if (!lock) return
    const scope: Scope = lock.key === accountKey ? 'account' : 'address'
    const seconds = Math.max(1, Math.ceil((lock.lockedUntil.getTime() - now) / 1000))
    const until = lock.lockedUntil.toISOString()
    const who = scope === 'account' ? `the account '${username}'` : `the address ${address}`
    throw new DubanError('DUBAN_ERR_LOGIN_LOCKED', `${who} is locked after too many failed sign-ins; try again after ${until} (in ${seconds} s) or ask an administrator to unlock it`, {
      where: scope === 'account' ? 'body/username' : 'request',
      details: { lockedUntil: until, retryAfterSeconds: seconds, scope },
    })
  }

  /** A failed sign-in stays counted (admit counted it); expired rows are purged at most once a minute. */
  async fail(now: number): Promise<void> {
    if (now - this.lastPurge < PURGE_EVERY_MS) return
    this.lastPurge = now
    await purgeThrottle(this.db, new Date(now))
  }

  /** A successful sign-in clears the account's count and gives the address back the attempt admitted. */
  async succeed(username: string, admission?: Admission): Promise<void> {
    await clearThrottle(this.db, [LoginThrottle.key('account', username)], new Date(0))
    if (admission) await refundThrottleAttempt(this.db, LoginThrottle.key('address', admission.address), admission.addressLockSet)
  }

  /** Lifts the lock and count of an account and/or an address, for every process; returns what was locked. */
  async unlock(target: { username?: string | undefined; address?: string | undefined }, now: number): Promise<{ account: boolean; address: boolean }> {
    const keys: string[] = []
    if (target.username !== undefined) keys.push(LoginThrottle.key('account', target.username))
    if (target.address !== undefined) keys.push(LoginThrottle.key('address', target.address))
    const lifted = keys.length > 0 ? await clearThrottle(this.db, keys, new Date(now)) : []
    return { account: lifted.some((l) => l.key.startsWith('account:')), address: lifted.some((l) => l.key.startsWith('address:')) }
  }
}
