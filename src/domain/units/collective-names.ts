/**
 * Collective names (集合名称): words in a plan that stand for several units at once — 各县（区）人民政府, 各街道,
 * 各乡镇, 市直各部门, 各区直单位, 各功能区 … — and the units of the tree each one means, seen from the place the
 * document speaks for. The one table of collective forms and the one matcher: plan import's jurisdiction matcher
 * (unit-match.ts) and the clerk's 分解落实 (src/app/plans/expand-collective.ts) both read names through it.
 * Pure: the caller passes the units and the document's place.
 */
import { PLACE_LEVELS, type DirectoryUnit } from './unit-name.match.ts'
import { cleanUnitName, parseUnitName } from './unit-name.normalise.ts'

/** Which units a collective name takes. */
export type CollectiveKind = 'district' | 'township' | 'street' | 'community' | 'zone' | 'department'

/** What a collective name means. */
export interface CollectiveForm {
  readonly kind: CollectiveKind
  /** The place it is counted from: the document's own, or the nearest city / district above it (市直, 区直). */
  readonly from: 'document' | 'city' | 'district'
  /**
   * true: every such unit (各街道). false: a qualifier (有关, 相关, 窗口) says only some of them, so the set is a
   * suggestion for a person, never taken or expanded on its own.
   */
  readonly whole: boolean
}

/** The forms, tried in order on the cleaned name (brackets removed: 各县（区）人民政府 → 各县人民政府). */
const FORMS: readonly (readonly [RegExp, CollectiveForm])[] = [
  // 市直各部门, 市政府各部门, 市直各单位, 市直属各单位, 市直属单位, 各市直部门 (not 市直有关部门: see the qualified forms)
  [/^市(直属?|政府)?各(部门|单位|委办局)$|^市直属?单位$|^各市直属?(部门|单位|各部门)$/u, { kind: 'department', from: 'city', whole: true }],
  // 各区直单位, 各县直各部门, 区直各部门, 区政府各部门, 县直各部门, 管委会各部门
  [/^各(区|县|县区|区县)直属?(单位|部门|各部门)$|^(区|县|县区)(直属?|政府)各(部门|单位|委办局)$|^管委会各部门$/u, { kind: 'department', from: 'district', whole: true }],
  // 各部门, 各单位, 政府各部门, 各委办局: the document's own
  [/^(政府)?各(部门|单位|委办局)$/u, { kind: 'department', from: 'document', whole: true }],
  // 各街道, 各街道办事处
  [/^各街道(办事处)?$/u, { kind: 'street', from: 'document', whole: true }],
  // 各乡镇, 各镇, 各乡镇街道 (各乡镇（街道）), 各镇街, 各镇（街道）
  [/^各(乡镇|镇|乡|镇街|乡镇街道|镇街道|街镇)(人民政府)?$/u, { kind: 'township', from: 'document', whole: true }],
  // 各县（区）人民政府, 各县（市、区）, 各区县政府, 各县区, 各区
  [/^各(县|区|县区|区县|县市区|县市|区市)(人民政府|政府)?$/u, { kind: 'district', from: 'document', whole: true }],
  // 各社区, 各村（社区）
  [/^各(社区|村|村社区)(居委会|村委会)?$/u, { kind: 'community', from: 'document', whole: true }],
  // 各功能区, 各园区, 各开发区管委会
  [/^各(功能区|园区|开发区|功能园区)(管委会)?$/u, { kind: 'zone', from: 'document', whole: true }],
  // 各有关部门, 有关单位, 管委会各相关部门, 各区直窗口单位: only some of them
  [/^(各|管委会各|区直各|市直各)?(有关|相关)(部门|单位)$|^各(区直|市直|县直)?(窗口|有关|相关)(部门|单位)$|^各(区直|市直|县直)窗口单位$/u, { kind: 'department', from: 'document', whole: false }],
]

/** A zone's own body: its name ends with the zone word (or its 管委会), not a bureau named after a zone. */
const ZONE_WORDS = /(功能区|开发区|园区|度假区|保税区|加工区|港区|高新区|新城)(管委会|管理委员会)?$/u
const STREET_ENDS = ['街道', '街道办事处']
const isZone = (u: DirectoryUnit): boolean => u.function === '功能区' || (!PLACE_LEVELS.has(u.level) && ZONE_WORDS.test(u.name))

/** Which units of the tree a kind takes, and whether only the place's direct children (districts, departments). */
const KINDS: Readonly<Record<CollectiveKind, { readonly fits: (u: DirectoryUnit) => boolean; readonly children: boolean }>> = {
  district: { fits: (u) => u.level === 'district', children: true },
  township: { fits: (u) => u.level === 'township', children: false },
  street: { fits: (u) => u.level === 'township' && STREET_ENDS.some((e) => u.name.endsWith(e)), children: false },
  community: { fits: (u) => u.level === 'community', children: false },
  zone: { fits: isZone, children: false },
  // A zone's 管委会 is a body of its own, not one of the place's departments.
  department: { fits: (u) => (u.level === 'department' || u.level === 'office') && u.function !== '功能区', children: true },
}

/**
 * The form of a collective name, or null when the words name one unit. `placeNames` (the directory's) lets a
 * name led by its place read as the collective it is: 新区管委会各部门 → 管委会各部门.
 */
export function collectiveForm(raw: string, placeNames: readonly string[] = []): CollectiveForm | null {
  // Brackets go first (cleanUnitName trims a trailing one before it drops bracketed words: 各乡镇（街道）).
  let clean = cleanUnitName(raw.normalize('NFKC').replace(/\([^)]*\)/g, ''))
  for (const p of parseUnitName(clean, placeNames).places) if (clean.startsWith(p)) clean = clean.slice(p.length)
  return FORMS.find(([test]) => test.test(clean))?.[1] ?? null
}

/** Whether the words are a collective name that means every such unit (各街道, not 各有关部门). */
export function isCollectiveName(raw: string): boolean {
  return collectiveForm(raw)?.whole === true
}

/** The units a form means: the place counted from, and its members in the order `units` lists them. */
export interface CollectiveMembers {
  readonly place: DirectoryUnit | undefined
  readonly members: readonly DirectoryUnit[]
}

/**
 * The units a collective form means under the document's place (`placeId`; null: the root of the tree). 市直 climbs
 * to the nearest city at or above the place, 区直 to the nearest district. Inactive units are the caller's to leave out.
 */
export function collectiveMembers(units: readonly DirectoryUnit[], form: CollectiveForm, placeId: string | null): CollectiveMembers {
  const kind = KINDS[form.kind]
  const byId = new Map(units.map((u) => [u.id, u]))
  const roots = units.filter((u) => u.parentId === null || !byId.has(u.parentId))
  let place = placeId ? byId.get(placeId) : roots.length === 1 ? roots[0] : undefined
  if (form.from !== 'document' && place) {
    let cur: DirectoryUnit | undefined = place
    while (cur && cur.level !== form.from) cur = cur.parentId ? byId.get(cur.parentId) : undefined
    if (cur) place = cur
  }
  const children = new Map<string | null, DirectoryUnit[]>()
  for (const u of units) {
    const key = u.parentId !== null && byId.has(u.parentId) ? u.parentId : null
    children.set(key, [...(children.get(key) ?? []), u])
  }
  const taken = new Set<string>()
  const walk = (parent: string | null, depth: number): void => {
    for (const u of children.get(parent) ?? []) {
      if (kind.fits(u)) taken.add(u.id)
      if (!kind.children || (depth === 0 && !place)) walk(u.id, depth + 1)
    }
  }
  walk(place?.id ?? null, 0)
  return { place, members: units.filter((u) => taken.has(u.id)) }
}

/** What a collective name expands into: the place counted from and its units, in the tree's order (by name). */
export interface CollectiveExpansion {
  readonly under: { readonly unitId: string; readonly name: string } | null
  readonly units: readonly { readonly unitId: string; readonly name: string }[]
}

/** The expansion of a collective name that means every such unit (分解落实), or null for any other name. */
export function expandCollective(units: readonly DirectoryUnit[], raw: string, placeId: string | null): CollectiveExpansion | null {
  const form = collectiveForm(raw)
  if (!form?.whole) return null
  const { place, members } = collectiveMembers(units, form, placeId)
  const sorted = [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { under: place ? { unitId: place.id, name: place.name } : null, units: sorted.map((u) => ({ unitId: u.id, name: u.name })) }
}
