/**
 * Traditional → Simplified (繁转简) with OpenCC, only for documents detected as Traditional (also
 * half-converted ones: some sites convert part of a page).
 *
 * Why a character table: OpenCC's phrase matcher costs ~0.5 µs per character, too slow for the
 * extraction budget. Once per process every Han character is converted alone (`from: 'tw'`), and
 * documents are then mapped unit by unit — same length, so the line map is untouched. OpenCC's
 * context-dependent phrase rules (乾隆 stays 乾隆 though 乾燥 is 干燥; 著作 stays 著作 though 著急 is
 * 着急) are applied after it: the few phrases of its Traditional dictionaries whose Simplified
 * form is not their characters' and has their length (phraseRules), found by their
 * first character. A phrase whose Simplified form is longer or shorter is not applied.
 */
import * as OpenCC from 'opencc-js'
import TS_PHRASES from 'opencc-js/dict/TSPhrases'
import TW_VARIANT_PHRASES from 'opencc-js/dict/TWVariantsRevPhrases'
import type { MappedText } from '../mapped-text.ts'
import type { CleaningDraft } from './cleaning-draft.ts'
import { isHan } from './mapped-builder.ts'

/** Share of Han characters that must change for a text to count as Traditional. */
const TRADITIONAL_SHARE = 0.01
const MIN_CHANGED = 3

/**
 * Very common characters that exist only in Traditional. A text without any of them is taken as
 * Simplified without building the OpenCC table (that build is the step's one expensive moment).
 */
const TELLTALES = /[們這個為國會來說時發業與對經過學實後間動還從頭長開關當點應體現種機進]/

let table: Uint16Array | null = null
/** OpenCC's phrases the table gets wrong, by first unit (phraseRules): built with the table. */
let phrases: ReadonlyMap<number, readonly PhraseRule[]> = new Map()
/** Decodes the converted units in one go (lone surrogates pass through unchanged). */
const UTF16 = new TextDecoder('utf-16le')

/**
 * `table[c]` is the Simplified form of BMP unit `c` (itself when unchanged or not one unit); the phrase rules are
 * built beside it with the same converter (Taiwan's Traditional, its variants too, to mainland Simplified), made once
 * and then let go: its dictionaries are most of the cost and would only hold memory afterwards.
 */
function simplifiedTable(): Uint16Array {
  if (table !== null) return table
  const convert = OpenCC.Converter({ from: 'tw', to: 'cn' })
  const t = new Uint16Array(65536)
  for (let c = 0; c < 65536; c++) t[c] = c
  const codes: number[] = []
  for (let c = 0x3400; c <= 0xfaff; c++) if (isHan(c)) codes.push(c)
  const src = codes.map((c) => String.fromCharCode(c)).join('\n')
  const out = convert(src).split('\n')
  if (out.length === codes.length) {
    for (let i = 0; i < codes.length; i++) {
      const s = out[i]!
      if (s.length === 1) t[codes[i]!] = s.charCodeAt(0)
    }
  }
  phrases = phraseRules(t, convert)
  table = t
  return t
}

/** A phrase the character table gets wrong: its Traditional form and OpenCC's Simplified one, of one length. */
interface PhraseRule {
  readonly from: string
  readonly to: Uint16Array
}


/** The phrase rules by their first unit, longest first (OpenCC matches the longest phrase). */
function phraseRules(map: Uint16Array, convert: (s: string) => string): Map<number, PhraseRule[]> {
  const keys = [...new Set(`${TS_PHRASES}|${TW_VARIANT_PHRASES}`.split('|').map((e) => e.split(' ')[0]!).filter((k) => k.length > 1))]
  const out = convert(keys.join('\n')).split('\n')
  const rules = new Map<number, PhraseRule[]>()
  if (out.length === keys.length) {
    keys.forEach((from, i) => {
      const to = out[i]!
      if (to.length !== from.length) return
      let charwise = ''
      for (let j = 0; j < from.length; j++) charwise += String.fromCharCode(map[from.charCodeAt(j)]!)
      if (to === charwise) return
      const list = rules.get(from.charCodeAt(0)) ?? []
      list.push({ from, to: Uint16Array.from(to, (c) => c.charCodeAt(0)) })
      rules.set(from.charCodeAt(0), list)
    })
  }
  for (const list of rules.values()) list.sort((a, b) => b.from.length - a.from.length)
  return rules
}

/** Converts the text to Simplified when enough of it is Traditional. */
export function toSimplifiedIfTraditional(t: MappedText, draft: CleaningDraft): MappedText {
  if (!TELLTALES.test(t.text)) return t
  const map = simplifiedTable()
  const text = t.text
  let han = 0
  let changed = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (!isHan(c)) continue
    han++
    if (map[c] !== c) changed++
  }
  if (changed < MIN_CHANGED || changed < han * TRADITIONAL_SHARE) return t
  draft.traditionalConverted = true
  const units = new Uint16Array(text.length)
  for (let i = 0; i < text.length; i++) units[i] = map[text.charCodeAt(i)]!
  // OpenCC's phrases over the characters' conversion, left to right, a matched phrase skipped past as OpenCC does.
  const rules = phrases
  for (let i = 0; i < text.length; i++) {
    const rule = rules.get(text.charCodeAt(i))?.find((r) => text.startsWith(r.from, i))
    if (!rule) continue
    units.set(rule.to, i)
    i += rule.from.length - 1
  }
  return { text: UTF16.decode(units), lines: t.lines }
}
