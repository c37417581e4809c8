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

/** The top office's 督办通知单 prefix: what every notice has printed (督办〔2026〕12号) since notices were numbered. */
export const TOP_NOTICE_PREFIX = '督办'

/**
 * An area office's 督办通知单 prefix, from its 通报 prefix: 青龙督通 → 青龙督办 (a district's notices are its own
 * series, 青龙督办〔2026〕1号, as its 通报 are); a prefix not ending in 督通 gets 督办 added (青政 → 青政督办).
 */
export function areaNoticePrefix(bulletinPrefix: string): string {
  return bulletinPrefix.endsWith('督通') ? `${bulletinPrefix.slice(0, -2)}督办` : `${bulletinPrefix}督办`
}
