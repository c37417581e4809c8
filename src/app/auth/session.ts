/** Login sessions (登录会话): a random bearer token, stored only as its sha256, valid until it expires. */
import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { findSessionUser, findUserForLogin, insertSession, deleteSession, type UserRow } from '../../adapters/db/users.repo.ts'
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
  input: { username: string; password: string },
  ttlMs: number = DEFAULT_SESSION_TTL_MS,
): Promise<{ token: string; user: UserRow; expiresAt: Date }> {
  const found = await findUserForLogin(deps.db, input.username)
  // An unknown or inactive user is verified against a dummy hash with the same parameters, so the answer
  // takes as long as for a wrong password: the timing does not tell which user names exist.
  const verified = await verify(found?.active ? found.passwordHash : await dummyHash(), input.password).catch(() => false)
  const ok = found !== null && found.active && verified
  if (!found || !ok) throw new DubanError('DUBAN_ERR_LOGIN_FAILED')
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

/** The user and actor behind a token, or null when unknown, expired or deactivated. */
export async function sessionFor(deps: AppDeps, token: string): Promise<{ user: UserRow; actor: Actor } | null> {
  const user = await findSessionUser(deps.db, hashToken(token), deps.clock.now())
  if (!user) return null
  return { user, actor: await actorOf(deps, user) }
}

/** The Actor of a user: liaisons and operators see their unit and every unit below it; others see all. */
export async function actorOf(deps: AppDeps, user: UserRow): Promise<Actor> {
  const scoped = user.role === 'unit_liaison' || user.role === 'operator'
  let scopeUnitIds: string[] | null = null
  if (scoped) {
    scopeUnitIds = []
    if (user.unitId) {
      const r = await deps.db.query<{ id: string }>(
        `WITH RECURSIVE sub(id) AS (SELECT id FROM unit WHERE id = $1 UNION SELECT u.id FROM unit u JOIN sub ON u.parent_id = sub.id)
         SELECT id FROM sub ORDER BY id`,
        [user.unitId],
      )
      scopeUnitIds = r.rows.map((x) => x.id)
    }
  }
  return { userId: user.id, role: user.role, unitId: user.unitId, scopeUnitIds }
}
