/**
 * Resolving extracted unit strings to units (单位匹配): exact name or alias, a remembered mapping,
 * then the normalised name within the right place, then the unit's function. Each answer carries
 * a confidence; below RESOLVED_CONFIDENCE a person must choose (and the choice is remembered). Pure.
 */
import { FUNCTION_KEYWORDS } from './unit-abbreviations.ts'
import { cleanUnitName, parseUnitName, type LevelPrefix } from './unit-name.normalise.ts'

/** What the matcher needs to know about a unit. */
export interface DirectoryUnit {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly level: string
  readonly function: string | null
  readonly aliases: readonly string[]
}

/** How a match was found, strongest first. */
export type MatchMethod = 'exact' | 'mapping' | 'normalised' | 'function' | 'none'

/** One possible unit for a raw string. */
export interface UnitCandidate {
  readonly unitId: string
  readonly name: string
  readonly confidence: number
}

/** The answer for one raw string: unitId is set only when confident enough. */
export interface UnitMatch {
  readonly raw: string
  readonly unitId: string | null
  readonly confidence: number
  readonly method: MatchMethod
  readonly candidates: readonly UnitCandidate[]
  /** Why it could not be resolved, for the person who maps it. */
  readonly note?: string
}

/** At or above this confidence a match is taken without asking. */
export const RESOLVED_CONFIDENCE = 0.8

/** Unit levels that are places (地方), not bodies. */
export const PLACE_LEVELS: ReadonlySet<string> = new Set(['province', 'city', 'district', 'township', 'community'])
const GOVERNMENT_CORES = new Set(['', '人民政府', '政府', '党委', '党委政府', '党工委', '管委会'])

/** A prepared directory: built once per request, used for many raw strings. */
export interface UnitDirectory {
  readonly units: ReadonlyMap<string, DirectoryUnit>
  readonly byName: ReadonlyMap<string, readonly string[]>
  readonly placeNames: readonly string[]
  /** unit id → the place it belongs to (itself for a place). */
  readonly placeOf: ReadonlyMap<string, string | null>
  /** unit id → canonical cores of its name and aliases. */
  readonly coresOf: ReadonlyMap<string, ReadonlySet<string>>
  readonly mappings: ReadonlyMap<string, string>
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) {
    if (!list.includes(v)) list.push(v)
  } else m.set(k, [v])
}

/** Prepares units and remembered mappings (raw → unit id) for matching. */
export function buildUnitDirectory(units: readonly DirectoryUnit[], mappings: ReadonlyMap<string, string> = new Map()): UnitDirectory {
  const byId = new Map(units.map((u) => [u.id, u]))
  const byName = new Map<string, string[]>()
  for (const u of units) for (const n of [u.name, ...u.aliases]) push(byName, cleanUnitName(n), u.id)
  const placeNames = [...new Set(units.filter((u) => PLACE_LEVELS.has(u.level)).flatMap((u) => [u.name, ...u.aliases].map(cleanUnitName)))]
  const placeOf = new Map<string, string | null>()
  for (const u of units) {
    let cur: DirectoryUnit | undefined = u
    const seen = new Set<string>()
    while (cur && !PLACE_LEVELS.has(cur.level) && !seen.has(cur.id)) {
      seen.add(cur.id)
      cur = cur.parentId ? byId.get(cur.parentId) : undefined
    }
    placeOf.set(u.id, cur && PLACE_LEVELS.has(cur.level) ? cur.id : null)
  }
  const coresOf = new Map<string, Set<string>>()
  for (const u of units) {
    const cores = new Set<string>()
    for (const n of [u.name, ...u.aliases]) cores.add(parseUnitName(n, placeNames).core)
    coresOf.set(u.id, cores)
  }
  const cleanMappings = new Map([...mappings].map(([raw, id]) => [cleanUnitName(raw), id]))
  return { units: byId, byName, placeNames, placeOf, coresOf, mappings: cleanMappings }
}

function candidate(dir: UnitDirectory, id: string, confidence: number): UnitCandidate {
  return { unitId: id, name: dir.units.get(id)?.name ?? id, confidence }
}

/** The subtree of a unit (itself and every descendant). */
export function subtreeOf(dir: UnitDirectory, rootId: string): Set<string> {
  const children = new Map<string, string[]>()
  for (const u of dir.units.values()) if (u.parentId) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id])
  const out = new Set<string>()
  const stack = [rootId]
  while (stack.length > 0) {
    const id = stack.pop() as string
    if (out.has(id)) continue
    out.add(id)
    stack.push(...(children.get(id) ?? []))
  }
  return out
}

/** The places a parsed name points at: a named place, a level within the context, or the context's own place. */
function targetPlaces(dir: UnitDirectory, places: readonly string[], level: LevelPrefix, contextUnitId: string | undefined): string[] {
  const inner = places.at(-1)
  if (inner) return [...(dir.byName.get(inner) ?? [])].filter((id) => dir.placeOf.get(id) === id)
  const contextPlace = contextUnitId ? (dir.placeOf.get(contextUnitId) ?? null) : null
  if (level) {
    const ofLevel = [...dir.units.values()].filter((u) => u.level === level).map((u) => u.id)
    if (!contextPlace) return ofLevel
    // The context itself or one of its ancestors at that level: a township's plan says 区 for its own district.
    for (let cur = dir.units.get(contextPlace), hops = 0; cur && hops < 50; cur = cur.parentId ? dir.units.get(cur.parentId) : undefined, hops++) {
      if (cur.level === level) return [cur.id]
    }
    const below = subtreeOf(dir, contextPlace)
    const narrowed = ofLevel.filter((id) => below.has(id))
    return narrowed.length > 0 ? narrowed : ofLevel
  }
  if (contextPlace) return [contextPlace]
  return [...dir.units.values()].filter((u) => u.parentId === null || !dir.units.has(u.parentId)).map((u) => dir.placeOf.get(u.id) ?? u.id)
}

/** The function (职能) a name's core speaks of by its keywords (环保 → 生态环境), or null. */
export function functionOf(core: string): string | null {
  for (const [fn, words] of FUNCTION_KEYWORDS) if (words.some((w) => core.includes(w))) return fn
  return null
}

/**
 * Resolves one raw unit string. contextUnitId is the unit whose document it came from (a district's
 * plan makes 区市场局 that district's bureau); without it the jurisdiction is the root of the tree.
 */
export function matchUnitName(dir: UnitDirectory, raw: string, opts: { contextUnitId?: string } = {}): UnitMatch {
  const clean = cleanUnitName(raw)
  const exact = dir.byName.get(clean) ?? []
  if (exact.length === 1) return { raw, unitId: exact[0] as string, confidence: 1, method: 'exact', candidates: [candidate(dir, exact[0] as string, 1)] }
  const mapped = dir.mappings.get(clean)
  if (mapped && dir.units.has(mapped)) return { raw, unitId: mapped, confidence: 1, method: 'mapping', candidates: [candidate(dir, mapped, 1)] }
  if (exact.length > 1) {
    return { raw, unitId: null, confidence: 0.5, method: 'exact', candidates: exact.map((id) => candidate(dir, id, 0.5)), note: 'several units have this name' }
  }

  const parsed = parseUnitName(clean, dir.placeNames)
  const places = targetPlaces(dir, parsed.places, parsed.levelPrefix, opts.contextUnitId)
  const placeSet = new Set(places)

  if (GOVERNMENT_CORES.has(parsed.core) && places.length > 0) {
    const conf = places.length === 1 ? 0.9 : 0.5
    return decide(dir, raw, places, conf, 'normalised', places.length > 1 ? 'several places fit' : undefined)
  }

  const sameCore = [...dir.units.keys()].filter((id) => dir.coresOf.get(id)?.has(parsed.core))
  const inPlace = sameCore.filter((id) => placeSet.has(dir.placeOf.get(id) ?? ''))
  // 区市场局 with several districts in view is a guess even when only one district's bureau is registered.
  const placeUnclear = parsed.levelPrefix !== null && places.length > 1
  if (inPlace.length > 0) {
    const conf = inPlace.length === 1 && !placeUnclear ? 0.9 : 0.5
    return decide(dir, raw, inPlace, conf, 'normalised', conf < RESOLVED_CONFIDENCE ? 'several places fit' : undefined)
  }

  // 市农业技术推广中心 in 枣阳市's plan: the level word stands for the jurisdiction's own name.
  const named = levelWordAsJurisdiction(dir, clean, opts.contextUnitId)
  if (named && named.ids.length > 0) {
    const conf = named.ids.length === 1 && named.places === 1 ? 0.9 : 0.5
    return decide(dir, raw, named.ids, conf, 'normalised', conf < RESOLVED_CONFIDENCE ? 'several places fit' : undefined)
  }

  if (parsed.levelPrefix === 'province' && places.length === 0) {
    return { raw, unitId: null, confidence: 0.3, method: 'none', candidates: sameCore.map((id) => candidate(dir, id, 0.3)), note: 'a unit above this jurisdiction' }
  }

  const fn = functionOf(parsed.core)
  if (fn) {
    const byFunction = [...dir.units.values()].filter((u) => u.function === fn && placeSet.has(dir.placeOf.get(u.id) ?? '')).map((u) => u.id)
    if (byFunction.length > 0) return decide(dir, raw, byFunction, byFunction.length === 1 ? 0.7 : 0.4, 'function', `matched by function ${fn}`)
  }
  if (sameCore.length > 0) return decide(dir, raw, sameCore, 0.4, 'normalised', 'same name in another place')
  return { raw, unitId: null, confidence: 0, method: 'none', candidates: [], note: 'no unit with this name' }
}

/** The level words a plan uses for its own jurisdiction (市 for 枣阳市, 县 for 西山县, 区 for 东湖区); never 省. */
const JURISDICTION_WORDS: ReadonlyMap<string, LevelPrefix> = new Map([
  ['市', 'city'],
  ['县', 'district'],
  ['区', 'district'],
])

/** The jurisdictions a leading level word may stand for, as place unit ids. */
function jurisdictionsOf(dir: UnitDirectory, word: string, level: LevelPrefix, contextUnitId: string | undefined): string[] {
  const isPlace = (id: string): boolean => dir.placeOf.get(id) === id
  const endsWith = (id: string): boolean => (dir.units.get(id)?.name ?? '').endsWith(word)
  const contextPlace = contextUnitId ? (dir.placeOf.get(contextUnitId) ?? null) : null
  if (contextPlace) {
    // The context or its nearest ancestor so named: a township's plan says 区 for its district, 市 for its city.
    for (let cur = dir.units.get(contextPlace), hops = 0; cur && hops < 50; cur = cur.parentId ? dir.units.get(cur.parentId) : undefined, hops++) {
      if (isPlace(cur.id) && endsWith(cur.id)) return [cur.id]
    }
  } else {
    // The root of the tree when it is so named (枣阳市 at the top of 枣阳's directory).
    const roots = [...dir.units.values()].filter((u) => (u.parentId === null || !dir.units.has(u.parentId)) && isPlace(u.id) && endsWith(u.id)).map((u) => u.id)
    if (roots.length > 0) return roots
  }
  // Else every place of that level in view: several districts make 区… a question for a person.
  return targetPlaces(dir, [], level, contextUnitId)
}

/**
 * A name that starts with a bare level word (市/县/区) and is not otherwise known, read as the
 * jurisdiction's name + the rest: 市农业技术推广中心 → 枣阳市农业技术推广中心, when a unit has exactly
 * that name or alias. `places` says how many jurisdictions were in view (more than one is a guess).
 */
function levelWordAsJurisdiction(dir: UnitDirectory, clean: string, contextUnitId: string | undefined): { ids: string[]; places: number } | null {
  const word = clean.charAt(0)
  const level = JURISDICTION_WORDS.get(word)
  const rest = clean.slice(1)
  if (!level || rest.length < 2) return null
  const places = jurisdictionsOf(dir, word, level, contextUnitId)
  const ids = new Set<string>()
  for (const p of places) {
    const u = dir.units.get(p)
    if (!u) continue
    for (const n of [u.name, ...u.aliases].map(cleanUnitName)) {
      // 枣阳市 + 农业技术推广中心; an alias without the level word (枣阳) gets it back (枣阳 + 市 + …).
      const full = n.endsWith(word) ? n + rest : n + clean
      for (const id of dir.byName.get(full) ?? []) if (id !== p) ids.add(id)
    }
  }
  return { ids: [...ids], places: places.length }
}

function decide(dir: UnitDirectory, raw: string, ids: readonly string[], confidence: number, method: MatchMethod, note?: string): UnitMatch {
  const unitId = ids.length === 1 && confidence >= RESOLVED_CONFIDENCE ? (ids[0] as string) : null
  return { raw, unitId, confidence, method, candidates: ids.map((id) => candidate(dir, id, confidence)), ...(note ? { note } : {}) }
}

/**
 * The place a document speaks for (文件所属地方): the place unit named first in its issuer or title,
 * e.g. 枣阳市 for 枣阳市创建省级生态文明建设示范市工作实施方案; undefined when none or several fit.
 */
export function jurisdictionOf(dir: UnitDirectory, texts: readonly (string | null | undefined)[]): string | undefined {
  for (const text of texts) {
    if (!text) continue
    const best = firstPlaceNamed(dir, cleanUnitName(text), (id) => dir.placeOf.get(id) === id)
    if (best) return best.ids.length === 1 ? best.ids[0] : undefined
  }
  return undefined
}

/**
 * The place of the directory named first in a cleaned text (the longest name where several start at one point):
 * where it starts and the units of that name `isPlace` accepts; null when none is named.
 */
export function firstPlaceNamed(dir: UnitDirectory, clean: string, isPlace: (id: string) => boolean): { at: number; ids: string[] } | null {
  const names = [...dir.placeNames].filter((n) => n.length >= 2).sort((a, b) => b.length - a.length)
  let best: { at: number; ids: string[] } | null = null
  for (const n of names) {
    const at = clean.indexOf(n)
    if (at < 0 || (best && at >= best.at)) continue
    const ids = [...new Set((dir.byName.get(n) ?? []).filter(isPlace))]
    if (ids.length > 0) best = { at, ids }
  }
  return best
}
