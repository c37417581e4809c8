/**
 * Collective names (集合名称): words in a plan that stand for several units at once — 各县（区）人民政府, 各街道,
 * 各乡镇, 市直各部门, 各区直单位 … — and the units of the tree each one means, seen from the place the document
 * speaks for. Pure: the caller passes the unit directory and the document's place.
 */
import type { DirectoryUnit } from './unit-name.match.ts'
import { cleanUnitName } from './unit-name.normalise.ts'

/** What a collective name takes from the tree: which levels, how deep, from which place. */
export interface CollectiveRule {
  /** Unit levels taken (district, township, department …). */
  readonly levels: readonly string[]
  /** Only units whose name ends with one of these (街道 among townships); empty: any. */
  readonly nameEnds: readonly string[]
  /** `children`: direct children of the place; `descendants`: anywhere under it. */
  readonly depth: 'children' | 'descendants'
  /** The place the name is counted from: the document's own, or the nearest city / district above it (市直, 区直). */
  readonly from: 'document' | 'city' | 'district'
}

const DEPARTMENTS = ['department', 'office']

/** The patterns, tried in order on the cleaned name (brackets removed: 各县（区）人民政府 → 各县人民政府). */
const RULES: readonly { readonly test: RegExp; readonly rule: CollectiveRule }[] = [
  // 市直各部门, 市政府各部门, 市直各单位, 市直属各单位 (not 市直有关部门: "the relevant ones" is a person's choice)
  { test: /^市(直属?|政府)?各(部门|单位|委办局)$|^市直属?单位$/, rule: { levels: DEPARTMENTS, nameEnds: [], depth: 'children', from: 'city' } },
  // 各区直单位, 区直各部门, 区政府各部门, 县直各部门, 管委会各部门
  {
    test: /^各(区|县|县区|区县)直属?(单位|部门)$|^(区|县|县区)(直属?|政府)各(部门|单位)$|^管委会各部门$/,
    rule: { levels: DEPARTMENTS, nameEnds: [], depth: 'children', from: 'district' },
  },
  // 各街道, 各街道办事处
  { test: /^各街道(办事处)?$/, rule: { levels: ['township'], nameEnds: ['街道', '街道办事处'], depth: 'descendants', from: 'document' } },
  // 各乡镇, 各镇, 各乡镇街道 (各乡镇（街道）), 各镇街, 各镇（街道）
  { test: /^各(乡镇|镇|乡|镇街|乡镇街道|镇街道|街镇)(人民政府)?$/, rule: { levels: ['township'], nameEnds: [], depth: 'descendants', from: 'document' } },
  // 各县（区）人民政府, 各县（市、区）, 各区县政府, 各县区, 各区
  { test: /^各(县|区|县区|区县|县市区|县市|区市)(人民政府|政府)?$/, rule: { levels: ['district'], nameEnds: [], depth: 'children', from: 'document' } },
  // 各社区, 各村（社区）
  { test: /^各(社区|村|村社区)(居委会|村委会)?$/, rule: { levels: ['community'], nameEnds: [], depth: 'descendants', from: 'document' } },
]

/** The rule of a collective name, or null when the words name one unit. */
export function collectiveRule(raw: string): CollectiveRule | null {
  // Brackets go first (cleanUnitName trims a trailing one before it drops bracketed words: 各乡镇（街道）).
  const clean = cleanUnitName(raw.normalize('NFKC').replace(/\([^)]*\)/g, ''))
  return RULES.find((r) => r.test.test(clean))?.rule ?? null
}

/** Whether the words are a collective name (集合名称). */
export function isCollectiveName(raw: string): boolean {
  return collectiveRule(raw) !== null
}

/** What a collective name expands into: the place counted from and its units, in the tree's order (by name). */
export interface CollectiveExpansion {
  readonly under: { readonly unitId: string; readonly name: string } | null
  readonly units: readonly { readonly unitId: string; readonly name: string }[]
}

/**
 * The units a collective name means under the document's place (`placeId`; null: the root of the tree). 市直 climbs to
 * the nearest city at or above the place, 区直 to the nearest district. Inactive units are the caller's to leave out.
 */
export function expandCollective(units: readonly DirectoryUnit[], raw: string, placeId: string | null): CollectiveExpansion | null {
  const rule = collectiveRule(raw)
  if (!rule) return null
  const byId = new Map(units.map((u) => [u.id, u]))
  const roots = units.filter((u) => u.parentId === null || !byId.has(u.parentId))
  let place = placeId ? byId.get(placeId) : roots.length === 1 ? roots[0] : undefined
  if (rule.from !== 'document' && place) {
    let cur: DirectoryUnit | undefined = place
    while (cur && cur.level !== rule.from) cur = cur.parentId ? byId.get(cur.parentId) : undefined
    if (cur) place = cur
  }
  const children = new Map<string | null, DirectoryUnit[]>()
  for (const u of units) {
    const key = u.parentId !== null && byId.has(u.parentId) ? u.parentId : null
    children.set(key, [...(children.get(key) ?? []), u])
  }
  const taken: DirectoryUnit[] = []
  const walk = (parent: string | null, depth: number): void => {
    for (const u of children.get(parent) ?? []) {
      const fits = rule.levels.includes(u.level) && (rule.nameEnds.length === 0 || rule.nameEnds.some((e) => u.name.endsWith(e)))
      if (fits) taken.push(u)
      if (rule.depth === 'descendants' || (depth === 0 && !place)) walk(u.id, depth + 1)
    }
  }
  walk(place?.id ?? null, 0)
  const sorted = taken.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { under: place ? { unitId: place.id, name: place.name } : null, units: sorted.map((u) => ({ unitId: u.id, name: u.name })) }
}
