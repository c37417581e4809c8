/**
 * Normalising unit names (单位名称规范化): strip place prefixes, map short forms to one canonical
 * form, so that `区市场局`, `东湖区市场监督管理局` and `市场监管局` can be compared. Pure.
 */
import { UNIT_SYNONYMS } from './unit-abbreviations.ts'

const canonicalOf = new Map<string, string>()
for (const group of UNIT_SYNONYMS) for (const form of group) canonicalOf.set(form, group[0] as string)
// Longest first, so that 生态环境分局 wins over 分局-less forms when replacing a suffix.
const formsLongestFirst = [...canonicalOf.keys()].sort((a, b) => b.length - a.length)

/** Removes spaces, punctuation and brackets that extraction leaves around names. */
export function cleanUnitName(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/^[、，,。；;：:（(【\[《"“]+|[、，,。；;：:）)】\]》"”]+$/g, '')
    .replace(/（[^）]*）|\([^)]*\)/g, '')
}

/** A generic level prefix an extraction may leave: 省/市/区/县/镇/乡 meaning "the … level's". */
export type LevelPrefix = 'province' | 'city' | 'district' | 'township' | null

const levelPrefixes: readonly (readonly [string, Exclude<LevelPrefix, null>])[] = [
  ['省', 'province'],
  ['市', 'city'],
  ['区县', 'district'],
  ['县区', 'district'],
  ['区', 'district'],
  ['县', 'district'],
  ['乡镇', 'township'],
  ['镇', 'township'],
  ['乡', 'township'],
  ['街道', 'township'],
]

/** Maps a name's core to its canonical form: whole-name synonyms first, then a synonym suffix. */
export function canonicalCore(core: string): string {
  const whole = canonicalOf.get(core)
  if (whole) return whole
  for (const form of formsLongestFirst) {
    if (core.length > form.length && core.endsWith(form)) return core.slice(0, -form.length) + (canonicalOf.get(form) as string)
  }
  return core
}

/** What a raw name says once the place is taken off: the place words, a generic level, and the canonical core. */
export interface ParsedUnitName {
  /** Place names (of known units) found at the start, outermost first, e.g. ['青川市', '东湖区']. */
  readonly places: readonly string[]
  /** A generic level prefix (区市场局 → 'district'), or null. */
  readonly levelPrefix: LevelPrefix
  /** The canonical name without place and level, e.g. '市场监督管理局'. */
  readonly core: string
}

/**
 * Splits a cleaned name into known place prefixes, a generic level prefix and the canonical core.
 * placeNames are the names (and aliases) of place-level units, e.g. 青川市, 东湖区, 江滨街道.
 */
export function parseUnitName(raw: string, placeNames: readonly string[]): ParsedUnitName {
  let rest = cleanUnitName(raw)
  const places: string[] = []
  const sorted = [...placeNames].sort((a, b) => b.length - a.length)
  for (let progress = true; progress; ) {
    progress = false
    for (const p of sorted) {
      if (p && rest.startsWith(p) && rest.length > p.length) {
        places.push(p)
        rest = rest.slice(p.length)
        progress = true
        break
      }
    }
  }
  let levelPrefix: LevelPrefix = null
  // A level word is a prefix only when the rest is a known unit form and the whole is not one
  // itself: 区市场局 is 区 + 市场局, but 市场局 is not 市 + 场局 and 街道办事处 is not 街道 + 办事处.
  if (!canonicalOf.has(rest)) {
    for (const [word, level] of levelPrefixes) {
      const after = rest.slice(word.length)
      if (rest.startsWith(word) && after.length >= 2 && canonicalCore(after) !== after) {
        levelPrefix = level
        rest = after
        break
      }
      if (rest.startsWith(word) && canonicalOf.has(after)) {
        levelPrefix = level
        rest = after
        break
      }
    }
  }
  return { places, levelPrefix, core: canonicalCore(rest) }
}
