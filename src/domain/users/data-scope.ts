/**
 * Data scope (数据范围): which units' items, notices, figures and rankings a person sees. Five modes:
 *
 * | mode      | 中文         | units covered                                              |
 * |-----------|--------------|------------------------------------------------------------|
 * | `all`     | 全部         | every unit                                                 |
 * | `unit`    | 本部门       | the person's own unit only                                 |
 * | `subtree` | 本部门及以下 | the person's unit and every unit below it                  |
 * | `custom`  | 自定义       | exactly the units listed                                   |
 * | `charge`  | 分管         | the units a leader is in charge of, each with all below it |
 *
 * A role has a default (a unit liaison or operator: 本部门及以下; everyone else: 全部); an admin may set another
 * mode per person. An admin's own scope is always 全部 (it manages the directory itself). Pure: no I/O.
 */
import { DubanError } from '../errors.ts'

export const DATA_SCOPE_MODES = ['all', 'unit', 'subtree', 'custom', 'charge'] as const
export type DataScopeMode = (typeof DATA_SCOPE_MODES)[number]

/** The zh label of each mode, as screens show it. */
export const DATA_SCOPE_LABELS: Readonly<Record<DataScopeMode, string>> = {
  all: '全部',
  unit: '本部门',
  subtree: '本部门及以下',
  custom: '自定义',
  charge: '分管',
}

/** The most units a custom or 分管 scope may list. */
export const DATA_SCOPE_MAX_UNITS = 200

/** A person's scope as stored or asked for: the mode and, for custom and 分管, the units listed. */
export interface DataScope {
  readonly mode: DataScopeMode
  readonly unitIds: readonly string[]
}

/** The scope a role has when the admin has set none. */
export function defaultDataScope(role: string): DataScope {
  return { mode: role === 'unit_liaison' || role === 'operator' ? 'subtree' : 'all', unitIds: [] }
}

/** The scope in effect: the stored one, else the role's default; an admin always sees all. */
export function effectiveDataScope(role: string, stored: DataScope | null): DataScope {
  if (role === 'admin') return { mode: 'all', unitIds: [] }
  return stored ?? defaultDataScope(role)
}

/**
 * Checks a scope an admin sets for a person of `role` whose own unit is `unitId`; throws
 * DUBAN_ERR_DATA_SCOPE_INVALID naming the field. `knownUnitIds` answers which of the listed ids exist.
 */
export function checkDataScope(role: string, unitId: string | null, input: { mode: string; unitIds?: readonly string[] | undefined }, knownUnitIds: ReadonlySet<string>): DataScope {
  if (!(DATA_SCOPE_MODES as readonly string[]).includes(input.mode)) {
    throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', `mode must be one of ${DATA_SCOPE_MODES.join(', ')}`, { where: 'mode' })
  }
  const mode = input.mode as DataScopeMode
  if (role === 'admin' && mode !== 'all') throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', 'an admin always sees all units (全部)', { where: 'mode' })
  const listed = [...new Set(input.unitIds ?? [])]
  if (mode === 'custom' || mode === 'charge') {
    if (listed.length === 0) throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', `a ${mode} scope lists at least one unit`, { where: 'unitIds' })
    if (listed.length > DATA_SCOPE_MAX_UNITS) throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', `at most ${DATA_SCOPE_MAX_UNITS} units`, { where: 'unitIds' })
    const unknown = listed.findIndex((u) => !knownUnitIds.has(u))
    if (unknown >= 0) throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', `unknown unit ${listed[unknown]}`, { where: `unitIds[${unknown}]` })
    return { mode, unitIds: listed.sort() }
  }
  if (listed.length > 0) throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', `a ${mode} scope lists no units (only custom and charge do)`, { where: 'unitIds' })
  if ((mode === 'unit' || mode === 'subtree') && !unitId) {
    throw new DubanError('DUBAN_ERR_DATA_SCOPE_INVALID', `${DATA_SCOPE_LABELS[mode]} needs the person to belong to a unit`, { where: 'mode' })
  }
  return { mode, unitIds: [] }
}

/**
 * Which units to read to resolve a scope: null = all; else the units taken as they are (`exact`) and the units
 * taken with every unit below them (`subtrees`). A person without a unit under 本部门 / 本部门及以下 covers none.
 */
export function dataScopeRoots(scope: DataScope, unitId: string | null): { readonly exact: readonly string[]; readonly subtrees: readonly string[] } | null {
  switch (scope.mode) {
    case 'all':
      return null
    case 'unit':
      return { exact: unitId ? [unitId] : [], subtrees: [] }
    case 'subtree':
      return { exact: [], subtrees: unitId ? [unitId] : [] }
    case 'custom':
      return { exact: scope.unitIds, subtrees: [] }
    case 'charge':
      return { exact: [], subtrees: scope.unitIds }
  }
}

/** Whether a scope (the actor's scopeUnitIds; null = all) holds any of the given units. */
export function scopeHoldsAny(scope: readonly string[] | null, unitIds: readonly string[]): boolean {
  return scope === null || unitIds.some((u) => scope.includes(u))
}

/** The given units a scope (null = all) holds, in their order. */
export function unitsInScope(scope: readonly string[] | null, unitIds: readonly string[]): string[] {
  return scope === null ? [...unitIds] : unitIds.filter((u) => scope.includes(u))
}
