/** Users (用户) managed by an administrator: create, change, deactivate; every change is audited. */
import { hash } from '@node-rs/argon2'
import type { Queryable } from '../../persistence/db.ts'
import { deleteSessionsOf, findUser, insertUser, listUsers, updateUser, type UserRow } from '../../persistence/users.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** Roles a user account can hold. */
export const USER_ROLES = ['admin', 'supervisor', 'unit_liaison', 'leader', 'operator'] as const
export type UserRole = (typeof USER_ROLES)[number]

/** Fields of a new user. */
export interface NewUser {
  readonly username: string
  readonly displayName: string
  readonly password: string
  readonly role: UserRole
  readonly unitId?: string | null
}

/** argon2id with the library defaults (19 MiB, 2 passes), as OWASP recommends. */
export function hashPassword(password: string): Promise<string> {
  // Algorithm.Argon2id is a const enum (2), which isolated-module compilers cannot inline.
  return hash(password, { algorithm: 2 })
}

async function checkUnit(q: Queryable, role: UserRole, unitId: string | null | undefined): Promise<void> {
  // An empty id names no unit: refused here, not left to the foreign key (a 500).
  if (unitId === '') throw new DubanError('DUBAN_ERR_VALIDATION', 'unitId is empty: give a unit id, or null for no unit', { where: 'body/unitId' })
  if ((role === 'unit_liaison' || role === 'operator') && !unitId) {
    throw new DubanError('DUBAN_ERR_VALIDATION', `a ${role} needs a unit`, { where: 'body/unitId' })
  }
  if (unitId) {
    const r = await q.query('SELECT 1 FROM unit WHERE id = $1', [unitId])
    if (r.rows.length === 0) throw new DubanError('DUBAN_ERR_VALIDATION', `unknown unit ${unitId}`, { where: 'body/unitId' })
  }
}

/** Creates a user; the username must be new. */
export async function createUser(deps: AppDeps, actor: Actor | null, input: NewUser): Promise<UserRow> {
  if (input.password.length < 8) throw new DubanError('DUBAN_ERR_VALIDATION', 'password shorter than 8 characters', { where: 'body/password' })
  const passwordHash = await hashPassword(input.password)
  return deps.db.transaction(async (tx) => {
    await checkUnit(tx, input.role, input.unitId)
    const taken = await tx.query('SELECT 1 FROM app_user WHERE username = $1', [input.username])
    if (taken.rows.length > 0) throw new DubanError('DUBAN_ERR_CONFLICT', `username ${input.username} is taken`, { where: 'body/username' })
    const user: UserRow = {
      id: deps.newId(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      unitId: input.unitId ?? null,
      active: true,
    }
    const at = deps.clock.now()
    await insertUser(tx, { ...user, passwordHash, at })
    await appendAudit(tx, { actorId: actor?.userId ?? null, action: 'user.create', entity: 'user', entityId: user.id, after: user, at })
    return user
  })
}

/** Changes a user; a new password or deactivation also ends the user's sessions. */
export async function changeUser(
  deps: AppDeps,
  actor: Actor,
  id: string,
  patch: { displayName?: string; password?: string; role?: UserRole; unitId?: string | null; active?: boolean },
): Promise<UserRow> {
  if (patch.password !== undefined && patch.password.length < 8) {
    throw new DubanError('DUBAN_ERR_VALIDATION', 'password shorter than 8 characters', { where: 'body/password' })
  }
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password)
  return deps.db.transaction(async (tx) => {
    const before = await findUser(tx, id)
    if (!before) throw new DubanError('DUBAN_ERR_NOT_FOUND', `user ${id}`, { where: `user/${id}` })
    const role = patch.role ?? before.role
    const unitId = patch.unitId === undefined ? before.unitId : patch.unitId
    await checkUnit(tx, role, unitId)
    const { password: _pw, ...fields } = patch
    await updateUser(tx, id, { ...fields, ...(passwordHash ? { passwordHash } : {}) })
    const at = deps.clock.now()
    if (passwordHash || patch.active === false) await deleteSessionsOf(tx, id, at)
    const after = (await findUser(tx, id)) as UserRow
    const changed = passwordHash ? { ...after, passwordChanged: true } : after
    await appendAudit(tx, { actorId: actor.userId, action: 'user.update', entity: 'user', entityId: id, before, after: changed, at })
    return after
  })
}

/** Every user. */
export function allUsers(deps: AppDeps): Promise<UserRow[]> {
  return listUsers(deps.db)
}

/** One user or DUBAN_ERR_NOT_FOUND. */
export async function getUser(deps: AppDeps, id: string): Promise<UserRow> {
  const u = await findUser(deps.db, id)
  if (!u) throw new DubanError('DUBAN_ERR_NOT_FOUND', `user ${id}`, { where: `user/${id}` })
  return u
}
