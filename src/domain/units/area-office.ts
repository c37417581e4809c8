/**
 * Which office issues a 通报 (发文机关): the office of the area the 通报 covers. A city's 督查室 issues the city's;
 * a district's 督查室, whose data scope is its district, issues its own, signed and numbered by the district
 * (青龙区人民政府督查室, 青龙督通〔2026〕1号), as real districts do. Pure: no I/O.
 */

import { ancestry } from './ancestry.ts'
import { nameLessLevel } from './division-name.ts'

/** Unit levels that are areas with a government of their own (and so a 督查室). */
export const AREA_LEVELS: readonly string[] = ['province', 'city', 'district']

/** What the rule needs of a unit. */
export interface AreaUnit {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly level: string
}

/**
 * The area below the top of the tree whose office issues a 通报 over `scope` (the reader's units; null = all): the
 * nearest area unit that is, or is above, every unit of the scope. Null when that is the top of the tree (the
 * installation's own office, office_profile), when the scope is all or empty, or when its units share no area
 * below the top (a city 分管 leader's departments).
 */
export function coveringArea(units: readonly AreaUnit[], scope: readonly string[] | null): AreaUnit | null {
  if (!scope || scope.length === 0) return null
  const byId = new Map(units.map((u) => [u.id, u]))
  const known = scope.filter((id) => byId.has(id))
  if (known.length === 0) return null
  let common = ancestry(byId, known[0]!)
  for (const id of known.slice(1)) {
    const above = new Set(ancestry(byId, id).map((u) => u.id))
    common = common.filter((u) => above.has(u.id))
    if (common.length === 0) return null
  }
  const area = common.find((u) => AREA_LEVELS.includes(u.level))
  return area && area.parentId !== null ? area : null
}

/** The 落款 and 通报 prefix an area prints until an admin sets its own: 青龙区人民政府督查室, 青龙督通. */
export function derivedAreaOffice(name: string): { issuingOffice: string; bulletinPrefix: string } {
  return { issuingOffice: `${name}人民政府督查室`, bulletinPrefix: `${nameLessLevel(name)}督通` }
}
