/**
 * Matching a document's unit names inside the document's own jurisdiction (辖区内单位匹配). The
 * jurisdiction is the place the document speaks for (金普新区 for 金普新区2018年政务公开工作要点); only
 * units of its subtree are ever taken or suggested, so 环境保护局 in a 金普新区 plan never becomes
 * 云州市生态环境局. A collective name (各街道, 管委会各部门, 各功能区) stands for the set of units the
 * tree has under the jurisdiction. Suggestions come from the abbreviation table, the unit's function
 * and name similarity, each with a confidence. Pure.
 */
import { collectiveForm, collectiveMembers } from './collective-names.ts'
import { firstPlaceNamed, functionOf, matchUnitName, PLACE_LEVELS, RESOLVED_CONFIDENCE, subtreeOf, type UnitDirectory, type MatchMethod } from './unit-name.match.ts'
import { cleanUnitName, parseUnitName } from './unit-name.normalise.ts'

/** Where a document belongs: a place unit of the tree, a place the tree does not hold, or nothing said. */
export type Jurisdiction =
  | { readonly kind: 'unit'; readonly unitId: string; readonly name: string }
  | { readonly kind: 'unknown-place'; readonly name: string }
  | { readonly kind: 'none' }

/** How a name was matched inside the jurisdiction. */
export type ScopedMethod = MatchMethod | 'collective' | 'similar'

/** One suggested unit with its confidence (0–1). */
export interface ScopedCandidate {
  readonly unitId: string
  readonly name: string
  readonly confidence: number
}

/** The answer for one name of a document. */
export interface ScopedMatch {
  readonly raw: string
  /** Set only when confident (≥ RESOLVED_CONFIDENCE) and inside the jurisdiction. */
  readonly unitId: string | null
  readonly confidence: number
  readonly method: ScopedMethod
  readonly candidates: readonly ScopedCandidate[]
  /** For a collective name: the units it stands for (unitId is then the jurisdiction itself). */
  readonly members?: readonly string[]
  readonly note?: string
}

/** A remembered mapping: for one jurisdiction (scopeUnitId) or for every document (null). */
export interface RememberedMapping {
  readonly raw: string
  readonly scopeUnitId: string | null
  readonly unitId: string
  readonly memberIds: readonly string[]
}

/** A place word a title starts with: 金普新区, 枣阳市, 西山县, 江滨街道 … */
const LEADING_PLACE = /^[\u4e00-\u9fa5]{2,4}?(?:自治州|自治县|新区|省|市|县|区|旗)(?=[\u4e00-\u9fa50-9])/u
const NOT_A_PLACE = /^(关于|全|本|我|各|城市|市区|城区|县区|区县|社区|园区|景区|街区|小区|开发区|功能区)/u

export { subtreeOf }

/**
 * The jurisdiction of a document from its issuer and title: the first place of the tree named in them,
 * else a leading place word the tree does not hold (then nothing is matched automatically), else none.
 */
export function documentJurisdiction(dir: UnitDirectory, texts: readonly (string | null | undefined)[]): Jurisdiction {
  for (const text of texts) {
    if (!text) continue
    const clean = cleanUnitName(text)
    const best = firstPlaceNamed(dir, clean, (id) => PLACE_LEVELS.has(dir.units.get(id)?.level ?? ''))
    // A place named at the very start, or before any other place word, decides.
    const leading = LEADING_PLACE.exec(clean)?.[0]
    if (best && (best.at === 0 || !leading)) {
      if (best.ids.length === 1) {
        const id = best.ids[0] as string
        return { kind: 'unit', unitId: id, name: dir.units.get(id)?.name ?? id }
      }
      return { kind: 'unknown-place', name: clean.slice(best.at, best.at + 8) }
    }
    if (leading && !NOT_A_PLACE.test(leading)) return { kind: 'unknown-place', name: leading }
    if (best && best.ids.length === 1) {
      const id = best.ids[0] as string
      return { kind: 'unit', unitId: id, name: dir.units.get(id)?.name ?? id }
    }
  }
  return { kind: 'none' }
}

/**
 * A collective name (各街道 …) as the set of units under the jurisdiction, or null when it is not one. The forms and
 * their members are collective-names.ts's; a qualified one (各有关部门) is only suggested. One counted from a place
 * above the jurisdiction (市直各部门 in a district's document) is outside it, so nothing is taken.
 */
export function matchCollective(dir: UnitDirectory, raw: string, jurisdictionId: string): ScopedMatch | null {
  const form = collectiveForm(raw, dir.placeNames)
  if (!form) return null
  const { place, members } = collectiveMembers([...dir.units.values()], form, jurisdictionId)
  const name = dir.units.get(jurisdictionId)?.name ?? jurisdictionId
  if (place && place.id !== jurisdictionId) {
    return { raw, unitId: null, confidence: 0, method: 'collective', candidates: [], members: [], note: `the units of ${place.name}, outside this document's jurisdiction ${name}` }
  }
  if (members.length === 0) return { raw, unitId: null, confidence: 0, method: 'collective', candidates: [], members: [], note: 'the directory has no such units under this jurisdiction' }
  const confidence = form.whole ? 0.9 : 0.6
  const taken = confidence >= RESOLVED_CONFIDENCE
  return {
    raw,
    unitId: taken ? jurisdictionId : null,
    confidence,
    method: 'collective',
    candidates: [{ unitId: jurisdictionId, name, confidence }],
    members: members.map((u) => u.id),
    note: `${members.length} units under ${name}`,
  }
}

/** Character bigrams of a string (a single character stands for itself). */
function bigrams(s: string): string[] {
  if (s.length < 2) return s ? [s] : []
  const out: string[] = []
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2))
  return out
}

/** Dice similarity of two names' bigrams, 0–1. */
export function nameSimilarity(a: string, b: string): number {
  const x = bigrams(a)
  const y = bigrams(b)
  if (x.length === 0 || y.length === 0) return 0
  const pool = [...y]
  let common = 0
  for (const g of x) {
    const i = pool.indexOf(g)
    if (i >= 0) (common++, pool.splice(i, 1))
  }
  return (2 * common) / (x.length + y.length)
}

/**
 * Suggestions inside the jurisdiction for a name nothing matched: same function (环保 → 生态环境),
 * then name similarity of the canonical cores (区市场局 → 市场监督管理局). Best first, at most `limit`.
 */
export function suggestInside(dir: UnitDirectory, raw: string, inside: ReadonlySet<string>, limit = 3): ScopedCandidate[] {
  const parsed = parseUnitName(cleanUnitName(raw), dir.placeNames)
  const fn = functionOf(parsed.core)
  const scored: ScopedCandidate[] = []
  for (const id of inside) {
    const u = dir.units.get(id)
    if (!u || PLACE_LEVELS.has(u.level)) continue
    const cores = [...(dir.coresOf.get(id) ?? [])]
    const sim = Math.max(0, ...cores.map((c) => nameSimilarity(parsed.core, c)))
    const byFunction = fn !== null && u.function !== null && (u.function === fn || u.function.includes(fn) || fn.includes(u.function)) ? 0.6 : 0
    const confidence = Math.round(Math.min(0.75, Math.max(sim * 0.75, byFunction)) * 100) / 100
    if (confidence >= 0.3) scored.push({ unitId: id, name: u.name, confidence })
  }
  return scored.sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name)).slice(0, limit)
}

/**
 * Matches one name of a document inside its jurisdiction. A remembered mapping for this jurisdiction
 * wins, then a collective name, then the directory matcher (names, aliases, abbreviations, function);
 * whatever it finds outside the jurisdiction is dropped, and suggestions by similarity fill in.
 * Without a jurisdiction of the tree (a place the tree does not hold) nothing is taken automatically.
 */
export function matchInJurisdiction(dir: UnitDirectory, raw: string, jurisdiction: Jurisdiction, remembered: readonly RememberedMapping[] = []): ScopedMatch {
  const clean = cleanUnitName(raw)
  if (jurisdiction.kind === 'unknown-place') {
    return { raw, unitId: null, confidence: 0, method: 'none', candidates: [], note: `the document's place ${jurisdiction.name} is not in the unit directory` }
  }
  const scope = jurisdiction.kind === 'unit' ? jurisdiction.unitId : null
  const inside = scope ? subtreeOf(dir, scope) : new Set(dir.units.keys())
  const mapping = remembered.find((m) => cleanUnitName(m.raw) === clean && m.scopeUnitId === scope) ?? remembered.find((m) => cleanUnitName(m.raw) === clean && m.scopeUnitId === null && inside.has(m.unitId))
  if (mapping && dir.units.has(mapping.unitId) && inside.has(mapping.unitId)) {
    const members = mapping.memberIds.filter((id) => inside.has(id))
    return {
      raw,
      unitId: mapping.unitId,
      confidence: 1,
      method: 'mapping',
      candidates: [{ unitId: mapping.unitId, name: dir.units.get(mapping.unitId)?.name ?? mapping.unitId, confidence: 1 }],
      ...(members.length > 0 ? { members } : {}),
      note: mapping.scopeUnitId ? 'remembered for this jurisdiction' : 'remembered',
    }
  }
  if (scope) {
    const collective = matchCollective(dir, raw, scope)
    if (collective) return collective
  }
  // The directory matcher without its global mappings (they were weighed above, inside the jurisdiction).
  const plain: UnitDirectory = { ...dir, mappings: new Map() }
  const m = matchUnitName(plain, raw, scope ? { contextUnitId: scope } : {})
  const candidates = m.candidates.filter((c) => inside.has(c.unitId))
  const dropped = m.candidates.length - candidates.length
  if (m.unitId && inside.has(m.unitId)) {
    return { raw, unitId: m.unitId, confidence: m.confidence, method: m.method, candidates, ...(m.note ? { note: m.note } : {}) }
  }
  // Several units bear the name, exactly one of them inside the jurisdiction: that one.
  if (m.method === 'exact' && candidates.length === 1) {
    const only = candidates[0] as ScopedCandidate
    return { raw, unitId: only.unitId, confidence: 0.95, method: 'exact', candidates: [{ ...only, confidence: 0.95 }], note: 'the only unit of this name in the jurisdiction' }
  }
  const seen = new Set(candidates.map((c) => c.unitId))
  const similar = suggestInside(dir, raw, inside).filter((c) => !seen.has(c.unitId))
  const all = [...candidates, ...similar].sort((a, b) => b.confidence - a.confidence).slice(0, 5)
  const note = dropped > 0 && candidates.length === 0 ? 'only units outside the jurisdiction have this name' : m.note
  return {
    raw,
    unitId: null,
    confidence: all[0]?.confidence ?? 0,
    method: candidates.length > 0 ? m.method : all.length > 0 ? 'similar' : 'none',
    candidates: all,
    ...(note ? { note } : {}),
  }
}
