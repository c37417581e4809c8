/** Login sessions (登录会话): a random bearer token, stored only as its sha256, valid until it expires. */
import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { findSession, findUserForLogin, insertSession, deleteSession, type UserRow } from '../../persistence/users.repo.ts'
import type { DbMemo, Queryable } from '../../persistence/db.ts'
import { findDataScope, SCOPE_TOPIC, unitsCovered } from '../../persistence/user-scope.repo.ts'
import { dataScopeRoots, effectiveDataScope, type DataScope } from '../../domain/users/data-scope.ts'
import { DubanError } from '../../domain/errors.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** Default lifetime of a session: 12 hours. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000

/** The sha256 (hex) under which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

let dummy: Promise<string> | null = null
/** An argon2 hash of a random password, made once with the parameters real users' hashes have. */
function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(16).toString('hex'), { algorithm: 2 })
  return dummy
}

/** Checks the password and opens a session; the same error, in the same time, for unknown user and wrong password. */
export async function login(
  deps: AppDeps,
  input: { username: string; password: string; address?: string },
  ttlMs: number = DEFAULT_SESSION_TTL_MS,
): Promise<{ token: string; user: UserRow; expiresAt: Date }> {
  const found = await findUserForLogin(deps.db, input.username)
  // An unknown or inactive user is verified against a dummy hash with the same parameters, so the answer
  // takes as long as for a wrong password: the timing does not tell which user names exist.
  const verified = await verify(found?.active ? found.passwordHash : await dummyHash(), input.password).catch(() => false)
  const ok = found !== null && found.active && verified
  if (!found || !ok) {
    // A failed sign-in is evidence (who tried which name from where), recorded whether or not the name exists;
    // the name is cut short so a hostile client cannot grow the log, and the throttle bounds how often this runs.
    const at = deps.clock.now()
    const attempt = { username: [...input.username].slice(0, 64).join(''), ...(input.address ? { address: input.address.slice(0, 64) } : {}) }
    await deps.db.transaction((tx) => appendAudit(tx, { actorId: null, action: 'user.login.failed', entity: 'user', entityId: found?.id ?? null, after: attempt, at }))
    throw new DubanError('DUBAN_ERR_LOGIN_FAILED')
  }
  const { passwordHash: _omit, ...user } = found
  const token = randomBytes(32).toString('base64url')
  const at = deps.clock.now()
  const expiresAt = new Date(at.getTime() + ttlMs)
  await deps.db.transaction(async (tx) => {
    await insertSession(tx, { tokenHash: hashToken(token), userId: user.id, at, expiresAt })
    await appendAudit(tx, { actorId: user.id, action: 'user.login', entity: 'user', entityId: user.id, at })
  })
  return { token, user, expiresAt }
}

/** Ends the session of a token (no error when it is already gone). */
export async function logout(deps: AppDeps, token: string, actorId: string | null): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await deleteSession(tx, hashToken(token))
    await appendAudit(tx, { actorId, action: 'user.logout', entity: 'user', entityId: actorId, at: deps.clock.now() })
  })
}

/**
 * How long this process trusts a session it has looked up (会话缓存) before reading it again. Changes made
 * in this process (logout, password change, deactivation, role, unit or data scope change, any unit's move or import)
 * drop every cached session at once; one made by another process against the same PostgreSQL is seen
 * within this time. A session never outlives its expiry, whatever the cache holds.
 */
export const SESSION_CACHE_MS = 5_000

/** At most this many sessions are cached; past it the oldest are forgotten. */
const SESSION_CACHE_MAX = 10_000

/** Topics a cached session was read from (DbMemo): a change to any makes it stale (a scope set or a unit moved included). */
const SESSION_TOPICS = ['session', 'user', 'unit', SCOPE_TOPIC] as const

interface CachedSession {
  readonly found: { user: UserRow; actor: Actor }
  readonly expiresAtMs: number
  readonly until: number
  readonly stamp: string
}

const stampOf = (memo: DbMemo): string => SESSION_TOPICS.map((t) => memo.version(t)).join('.')

/**
 * The session a token has in this process's cache, if it is still good there (see sessionFor); undefined when it must
 * be read. Synchronous, so the HTTP hook of a request whose session is cached runs without a promise. The cache is
 * keyed by the token itself (the sha256 is needed only to read the database): a cached request hashes nothing.
 */
export function cachedSessionFor(deps: AppDeps, token: string): { user: UserRow; actor: Actor } | undefined {
  const memo = deps.db.memo
  if (!memo) return undefined
  const hit = memo.slot('sessions', () => new Map<string, CachedSession>()).get(token)
  if (hit && hit.stamp === stampOf(memo) && performance.now() < hit.until && deps.clock.now().getTime() < hit.expiresAtMs) return hit.found
  return undefined
}

/** The user and actor behind a token, or null when unknown, expired or deactivated. */
export async function sessionFor(deps: AppDeps, token: string): Promise<{ user: UserRow; actor: Actor } | null> {
  const cached = cachedSessionFor(deps, token)
  if (cached) return cached
  const tokenHash = hashToken(token)
  const now = deps.clock.now()
  const memo = deps.db.memo
  if (!memo) return (await readSession(deps, tokenHash, now))?.found ?? null
  const cache = memo.slot('sessions', () => new Map<string, CachedSession>())
  const stamp = stampOf(memo)
  const read = await readSession(deps, tokenHash, now)
  if (!read) {
    cache.delete(token)
    return null
  }
  // Kept only if nothing it depends on changed while it was read (or in a transaction not yet committed then).
  if (stampOf(memo) === stamp) {
    cache.delete(token)
    if (cache.size >= SESSION_CACHE_MAX) cache.delete(cache.keys().next().value as string)
    cache.set(token, { found: read.found, expiresAtMs: read.expiresAt.getTime(), until: performance.now() + SESSION_CACHE_MS, stamp })
  }
  return read.found
}

async function readSession(deps: AppDeps, tokenHash: string, now: Date): Promise<{ found: { user: UserRow; actor: Actor }; expiresAt: Date } | null> {
  const s = await findSession(deps.db, tokenHash, now)
  if (!s) return null
  const actor = await actorOf(deps, s.user)
  return { found: { user: s.user, actor: Object.freeze({ ...actor, scopeUnitIds: actor.scopeUnitIds && Object.freeze(actor.scopeUnitIds) }) }, expiresAt: s.expiresAt }
}

/**
 * The Actor of a user, with the units its data scope (数据范围) covers: the scope an admin set for the person,
 * else the role's default (liaisons and operators: their unit and every unit below it; others: all). See
 * src/domain/users/data-scope.ts for the modes.
 */
export async function actorOf(deps: AppDeps, user: UserRow): Promise<Actor> {
  const stored = user.role === 'admin' ? null : await findDataScope(deps.db, user.id)
  const roots = dataScopeRoots(effectiveDataScope(user.role, stored), user.unitId)
  return { userId: user.id, role: user.role, unitId: user.unitId, scopeUnitIds: roots ? await unitsCovered(deps.db, roots) : null, scopeSet: stored !== null }
}

/** The effective data scope of a user: its mode and listed units (stored, else the role's default). */
export async function dataScopeOf(q: Queryable, user: Pick<UserRow, 'id' | 'role'>): Promise<DataScope> {
  return effectiveDataScope(user.role, user.role === 'admin' ? null : await findDataScope(q, user.id))
}

/** The ids of the units a user's data scope covers, sorted; null = all units. */
export async function scopeUnitsOf(q: Queryable, user: Pick<UserRow, 'id' | 'role' | 'unitId'>): Promise<string[] | null> {
  const roots = dataScopeRoots(await dataScopeOf(q, user), user.unitId)
  return roots ? unitsCovered(q, roots) : null
}
