/** Per-person data scope (数据范围, user_data_scope) and the units a scope covers. */
import type { Queryable } from './db.ts'
import type { DataScope, DataScopeMode } from '../domain/users/data-scope.ts'

/**
 * The DbMemo topic of data scopes: a person's scope set or cleared. Cached sessions (app/auth/session.ts) are
 * stamped with it, and with `unit` (a unit moved changes what a subtree covers), so either takes effect at once.
 */
export const SCOPE_TOPIC = 'scope'

/** The scope an admin set for a person, or null (the role's default). */
export async function findDataScope(q: Queryable, userId: string): Promise<DataScope | null> {
  const r = await q.query<{ mode: DataScopeMode; unitIds: string[] }>(`SELECT mode, unit_ids AS "unitIds" FROM user_data_scope WHERE user_id = $1`, [userId], {
    name: 'duban_user_data_scope',
  })
  const row = r.rows[0]
  return row ? { mode: row.mode, unitIds: row.unitIds } : null
}

/** Every stored scope, by user id (for the user list). */
export async function listDataScopes(q: Queryable): Promise<Map<string, DataScope>> {
  const r = await q.query<{ userId: string; mode: DataScopeMode; unitIds: string[] }>(`SELECT user_id AS "userId", mode, unit_ids AS "unitIds" FROM user_data_scope`)
  return new Map(r.rows.map((x) => [x.userId, { mode: x.mode, unitIds: x.unitIds }]))
}

/** Stores (scope) or clears (null: back to the role's default) a person's scope. */
export async function saveDataScope(q: Queryable, userId: string, scope: DataScope | null, by: string | null, at: Date): Promise<void> {
  q.memo?.changed(SCOPE_TOPIC)
  if (scope === null) {
    await q.query(`DELETE FROM user_data_scope WHERE user_id = $1`, [userId])
    return
  }
  await q.query(
    `INSERT INTO user_data_scope (user_id, mode, unit_ids, updated_by, updated_at) VALUES ($1, $2, $3::text[], $4, $5)
     ON CONFLICT (user_id) DO UPDATE SET mode = EXCLUDED.mode, unit_ids = EXCLUDED.unit_ids, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [userId, scope.mode, [...scope.unitIds], by, at.toISOString()],
  )
}

/** The ids of the units given as they are (`exact`) and with every unit below them (`subtrees`), sorted. */
export async function unitsCovered(q: Queryable, roots: { readonly exact: readonly string[]; readonly subtrees: readonly string[] }): Promise<string[]> {
  if (roots.exact.length === 0 && roots.subtrees.length === 0) return []
  const r = await q.query<{ id: string }>(
    `WITH RECURSIVE sub(id) AS (SELECT id FROM unit WHERE id = ANY($1::text[]) UNION SELECT u.id FROM unit u JOIN sub ON u.parent_id = sub.id)
     SELECT id FROM sub UNION SELECT id FROM unit WHERE id = ANY($2::text[]) ORDER BY id`,
    [[...roots.subtrees], [...roots.exact]],
    { name: 'duban_scope_units' },
  )
  return r.rows.map((x) => x.id)
}

/** Which of the given unit ids exist. */
export async function existingUnitIds(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const r = await q.query<{ id: string }>(`SELECT id FROM unit WHERE id = ANY($1::text[])`, [[...ids]])
  return new Set(r.rows.map((x) => x.id))
}
