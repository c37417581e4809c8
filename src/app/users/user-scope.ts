/**
 * 数据范围 of a person, set by an admin (GET/PUT /api/users/:id/scope, GET /api/user-scopes): 全部, 本部门,
 * 本部门及以下, 自定义 (a list of units) or 分管 (the units a leader is in charge of, each with all below it), or
 * back to the role's default. Takes effect at once: saving bumps the `scope` topic of the DbMemo, which every
 * cached session is stamped with. Audited as `user.scope`.
 */
import { findUser, listUsers } from '../../persistence/users.repo.ts'
import { existingUnitIds, findDataScope, listDataScopes, saveDataScope } from '../../persistence/user-scope.repo.ts'
import { checkDataScope, DATA_SCOPE_LABELS, effectiveDataScope, type DataScope, type DataScopeMode } from '../../domain/users/data-scope.ts'
import { DubanError } from '../../domain/errors.ts'
import { appendAudit } from '../audit/append-audit.ts'
import { scopeUnitsOf } from '../auth/session.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** A person's scope as the API shows it. */
export interface UserScopeView {
  readonly userId: string
  readonly mode: DataScopeMode
  readonly label: string
  /** The units listed (custom, 分管); empty otherwise. */
  readonly unitIds: readonly string[]
  /** True when no scope is set and the role's default applies (an admin: always). */
  readonly isDefault: boolean
}

/** What an admin sends: a mode and, for custom and 分管, the units; `default` clears the setting. */
export interface UserScopeInput {
  readonly mode: DataScopeMode | 'default'
  readonly unitIds?: readonly string[]
}

function viewOf(userId: string, role: string, stored: DataScope | null): UserScopeView {
  const s = effectiveDataScope(role, stored)
  return { userId, mode: s.mode, label: DATA_SCOPE_LABELS[s.mode], unitIds: s.unitIds, isDefault: role === 'admin' || stored === null }
}

/** One person's scope and the units it covers now (null = all). */
export async function getUserScope(deps: AppDeps, id: string): Promise<UserScopeView & { coveredUnitIds: string[] | null }> {
  const user = await findUser(deps.db, id)
  if (!user) throw new DubanError('DUBAN_ERR_NOT_FOUND', `user ${id}`, { where: `user/${id}` })
  return { ...viewOf(id, user.role, await findDataScope(deps.db, id)), coveredUnitIds: await scopeUnitsOf(deps.db, user) }
}

/** Every person's scope, by username. */
export async function listUserScopes(deps: AppDeps): Promise<UserScopeView[]> {
  const stored = await listDataScopes(deps.db)
  return (await listUsers(deps.db)).map((u) => viewOf(u.id, u.role, stored.get(u.id) ?? null))
}

/** Sets (or, with mode `default`, clears) a person's scope; bad input changes nothing. */
export async function setUserScope(deps: AppDeps, actor: Actor, id: string, input: UserScopeInput): Promise<UserScopeView & { coveredUnitIds: string[] | null }> {
  await deps.db.transaction(async (tx) => {
    const user = await findUser(tx, id)
    if (!user) throw new DubanError('DUBAN_ERR_NOT_FOUND', `user ${id}`, { where: `user/${id}` })
    const before = await findDataScope(tx, id)
    let next: DataScope | null = null
    if (input.mode === 'default') {
      if ((input.unitIds ?? []).length > 0) throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', 'the default scope lists no units', { where: 'unitIds' })
    } else {
      next = checkDataScope(user.role, user.unitId, input, await existingUnitIds(tx, input.unitIds ?? []))
    }
    const at = deps.clock.now()
    await saveDataScope(tx, id, next, actor.userId, at)
    await appendAudit(tx, {
      actorId: actor.userId,
      action: 'user.scope',
      entity: 'user',
      entityId: id,
      before: viewOf(id, user.role, before),
      after: viewOf(id, user.role, next),
      at,
    })
  })
  return getUserScope(deps, id)
}
