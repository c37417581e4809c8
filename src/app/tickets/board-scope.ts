/**
 * 数据范围 on the 12345 boards (热线看板, 未诉先办): which units a person's board covers, and how the answer says so.
 * The hotline (话务员) works for the whole city, so an operator's board covers every unit — its default scope
 * (本部门及以下 of the 12345 centre) holds no unit that handles tickets and would leave the board empty — unless an
 * admin set the operator a scope (a 分中心's operator: its district's units), which it then honours as everyone else's.
 */
import { listUnits } from '../../persistence/units.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import type { Actor } from '../deps.ts'

/** The units whose figures, problem tickets and hot spots the boards show a person (null: every unit). */
export function boardScope(actor: Actor): readonly string[] | null {
  return actor.role === 'operator' && !actor.scopeSet ? null : actor.scopeUnitIds
}

/**
 * The scope a board answer applied, for the screen's 数据范围 line: the units covered, and the names of the topmost
 * of them (a unit whose parent is not covered), by id. null when the board covers every unit.
 */
export interface BoardScopeNote {
  readonly unitIds: readonly string[]
  readonly names: readonly string[]
}

export async function boardScopeNote(db: Queryable, scope: readonly string[] | null): Promise<BoardScopeNote | null> {
  if (scope === null) return null
  const covered = new Set(scope)
  const units = await listUnits(db, { includeInactive: true })
  const names = units.filter((u) => covered.has(u.id) && !(u.parentId !== null && covered.has(u.parentId))).map((u) => u.name)
  return { unitIds: [...scope].sort(), names }
}
