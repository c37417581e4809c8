/** Users (用户) and their login sessions in app_user / user_session. */
import type { Queryable } from './db.ts'

/** A user as stored, without the password hash. */
export interface UserRow {
  readonly id: string
  readonly username: string
  readonly displayName: string
  readonly role: 'admin' | 'supervisor' | 'unit_liaison' | 'leader' | 'operator'
  readonly unitId: string | null
  readonly active: boolean
}

const cols = `id, username, display_name AS "displayName", role, unit_id AS "unitId", active`

/** All users, by username. */
export async function listUsers(q: Queryable): Promise<UserRow[]> {
  return (await q.query<UserRow>(`SELECT ${cols} FROM app_user ORDER BY username`)).rows
}

/** One user by id, or null. */
export async function findUser(q: Queryable, id: string): Promise<UserRow | null> {
  return (await q.query<UserRow>(`SELECT ${cols} FROM app_user WHERE id = $1`, [id])).rows[0] ?? null
}

/** One user by username with its password hash, for login. */
export async function findUserForLogin(q: Queryable, username: string): Promise<(UserRow & { passwordHash: string }) | null> {
  const r = await q.query<UserRow & { passwordHash: string }>(
    `SELECT ${cols}, password_hash AS "passwordHash" FROM app_user WHERE username = $1`,
    [username],
  )
  return r.rows[0] ?? null
}

/** Inserts a user. */
export async function insertUser(q: Queryable, u: UserRow & { passwordHash: string; at: Date }): Promise<void> {
  await q.query(
    `INSERT INTO app_user (id, username, display_name, password_hash, role, unit_id, active, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [u.id, u.username, u.displayName, u.passwordHash, u.role, u.unitId, u.active, u.at.toISOString()],
  )
}

/** Updates the given fields of a user. */
export async function updateUser(
  q: Queryable,
  id: string,
  patch: Partial<Omit<UserRow, 'id' | 'username'>> & { passwordHash?: string },
): Promise<void> {
  const map: Record<string, string> = { displayName: 'display_name', role: 'role', unitId: 'unit_id', active: 'active', passwordHash: 'password_hash' }
  const sets: string[] = []
  const params: unknown[] = [id]
  for (const [k, col] of Object.entries(map)) {
    const v = (patch as Record<string, unknown>)[k]
    if (v === undefined) continue
    params.push(v)
    sets.push(`${col} = $${params.length}`)
  }
  if (sets.length === 0) return
  // A role, unit, activity or password change alters what a cached session may do: drop them all.
  q.memo?.changed('user')
  await q.query(`UPDATE app_user SET ${sets.join(', ')} WHERE id = $1`, params)
}

/** Stores a session under the hash of its token. */
export async function insertSession(q: Queryable, s: { tokenHash: string; userId: string; at: Date; expiresAt: Date }): Promise<void> {
  await q.query(`INSERT INTO user_session (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`, [
    s.tokenHash,
    s.userId,
    s.at.toISOString(),
    s.expiresAt.toISOString(),
  ])
}

/** The active user of an unexpired session, or null. */
export async function findSessionUser(q: Queryable, tokenHash: string, now: Date): Promise<UserRow | null> {
  const r = await q.query<UserRow>(
    `SELECT u.id, u.username, u.display_name AS "displayName", u.role, u.unit_id AS "unitId", u.active
       FROM user_session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active`,
    [tokenHash, now.toISOString()],
  )
  return r.rows[0] ?? null
}

/**
 * The active user of an unexpired session and when the session ends, or null. A named statement: every
 * request whose session is not cached in this process runs it.
 */
export async function findSession(q: Queryable, tokenHash: string, now: Date): Promise<{ user: UserRow; expiresAt: Date } | null> {
  const r = await q.query<UserRow & { expiresAt: Date | string }>(
    `SELECT u.id, u.username, u.display_name AS "displayName", u.role, u.unit_id AS "unitId", u.active, s.expires_at AS "expiresAt"
       FROM user_session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active`,
    [tokenHash, now.toISOString()],
    { name: 'duban_session_user' },
  )
  const row = r.rows[0]
  if (!row) return null
  const { expiresAt, ...user } = row
  return { user, expiresAt: new Date(expiresAt) }
}

/** Removes one session (logout). */
export async function deleteSession(q: Queryable, tokenHash: string): Promise<void> {
  q.memo?.changed('session')
  await q.query(`DELETE FROM user_session WHERE token_hash = $1`, [tokenHash])
}

/** Removes every session of a user (deactivation, password change) and the expired ones of everybody. */
export async function deleteSessionsOf(q: Queryable, userId: string, now: Date): Promise<void> {
  q.memo?.changed('session')
  await q.query(`DELETE FROM user_session WHERE user_id = $1 OR expires_at <= $2`, [userId, now.toISOString()])
}
