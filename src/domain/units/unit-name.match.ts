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

const PLACE_LEVELS = new Set(['province', 'city', 'district', 'township', 'community'])
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

function descendantsOrSelf(dir: UnitDirectory, rootId: string): Set<string> {
  const out = new Set<string>([rootId])
  for (let grew = true; grew; ) {
    grew = false
    for (const u of dir.units.values()) if (u.parentId && out.has(u.parentId) && !out.has(u.id)) (out.add(u.id), (grew = true))
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
    const below = descendantsOrSelf(dir, contextPlace)
    const narrowed = ofLevel.filter((id) => below.has(id))
    return narrowed.length > 0 ? narrowed : ofLevel
  }
  if (contextPlace) return [contextPlace]
  return [...dir.units.values()].filter((u) => u.parentId === null || !dir.units.has(u.parentId)).map((u) => dir.placeOf.get(u.id) ?? u.id)
}

function functionOf(core: string): string | null {
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

function decide(dir: UnitDirectory, raw: string, ids: readonly string[], confidence: number, method: MatchMethod, note?: string): UnitMatch {
  const unitId = ids.length === 1 && confidence >= RESOLVED_CONFIDENCE ? (ids[0] as string) : null
  return { raw, unitId, confidence, method, candidates: ids.map((id) => candidate(dir, id, confidence)), ...(note ? { note } : {}) }
}
