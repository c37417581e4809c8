/**
 * Login throttling (登录限制): failed sign-ins are counted per account and per client address within a
 * window; past the limit the account (or address) is locked until a stated instant, and even the right
 * password is refused until then, with a message that says when to retry. A success clears the account's
 * count. An admin can unlock an account or an address at once. The counts live in the server's memory:
 * a restart forgives everyone, which is acceptable for a throttle (the audit log keeps every attempt).
 */
import { DubanError } from '../../domain/errors.ts'

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

interface Counter {
  failures: number[]
  lockedUntil: number
}

/** Most keys kept; the oldest are dropped beyond it so a flood of names cannot grow memory without bound. */
const MAX_KEYS = 50_000

export class LoginThrottle {
  readonly perAccount: number
  readonly perAddress: number
  readonly windowMs: number
  readonly lockMs: number
  private readonly counters = new Map<string, Counter>()

  constructor(opts: ThrottleOptions = {}) {
    this.perAccount = opts.perAccount ?? 5
    this.perAddress = opts.perAddress ?? 20
    this.windowMs = opts.windowMs ?? 15 * 60_000
    this.lockMs = opts.lockMs ?? 15 * 60_000
  }

  private key(kind: 'account' | 'address', v: string): string {
    return `${kind}:${kind === 'account' ? v.trim().toLowerCase() : v}`
  }

  /** Throws DUBAN_ERR_LOGIN_LOCKED (429, Retry-After) when the account or the address is locked at `now`. */
  check(username: string, address: string, now: number): void {
    for (const [kind, v] of [['account', username], ['address', address]] as const) {
      const c = this.counters.get(this.key(kind, v))
      if (c && c.lockedUntil > now) {
        const seconds = Math.ceil((c.lockedUntil - now) / 1000)
        const until = new Date(c.lockedUntil).toISOString()
        const who = kind === 'account' ? `the account '${v}'` : `the address ${v}`
        throw new DubanError('DUBAN_ERR_LOGIN_LOCKED', `${who} is locked after too many failed sign-ins; try again after ${until} (in ${seconds} s) or ask an administrator to unlock it`, {
          where: kind === 'account' ? 'body/username' : 'request',
          details: { lockedUntil: until, retryAfterSeconds: seconds, scope: kind },
        })
      }
    }
  }

  /** Counts a failed sign-in against the account and the address; locks either past its limit. */
  fail(username: string, address: string, now: number): void {
    for (const [kind, v, limit] of [['account', username, this.perAccount], ['address', address, this.perAddress]] as const) {
      const k = this.key(kind, v)
      const c = this.counters.get(k) ?? { failures: [], lockedUntil: 0 }
      c.failures = c.failures.filter((t) => t > now - this.windowMs)
      c.failures.push(now)
      if (c.failures.length >= limit) {
        c.lockedUntil = now + this.lockMs
        c.failures = []
      }
      this.counters.delete(k)
      this.counters.set(k, c)
    }
    while (this.counters.size > MAX_KEYS) {
      const oldest = this.counters.keys().next().value
      if (oldest === undefined) break
      this.counters.delete(oldest)
    }
  }

  /** A successful sign-in clears the account's failures (the address keeps its count). */
  succeed(username: string): void {
    this.counters.delete(this.key('account', username))
  }

  /** Lifts the lock and count of an account and/or an address; returns what was locked. */
  unlock(target: { username?: string | undefined; address?: string | undefined }, now: number): { account: boolean; address: boolean } {
    const out = { account: false, address: false }
    if (target.username !== undefined) {
      const k = this.key('account', target.username)
      out.account = (this.counters.get(k)?.lockedUntil ?? 0) > now
      this.counters.delete(k)
    }
    if (target.address !== undefined) {
      const k = this.key('address', target.address)
      out.address = (this.counters.get(k)?.lockedUntil ?? 0) > now
      this.counters.delete(k)
    }
    return out
  }
}
