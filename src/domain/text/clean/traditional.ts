/**
 * Traditional → Simplified (繁转简) with OpenCC, only for documents detected as Traditional (also
 * half-converted ones: some sites convert part of a page).
 *
 * Why a character table: OpenCC's phrase matcher costs ~0.5 µs per character, too slow for the
 * extraction budget. Once per process every Han character is converted alone (`from: 'tw'`), and
 * documents are then mapped unit by unit — same length, so the line map is untouched. What is
 * lost is OpenCC's handful of context-dependent phrase rules (`乾隆` vs `乾燥`), which are rare in
 * government plans.
 */
import * as OpenCC from 'opencc-js'
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
/** Decodes the converted units in one go (lone surrogates pass through unchanged). */
const UTF16 = new TextDecoder('utf-16le')

/** `table[c]` is the Simplified form of BMP unit `c` (itself when unchanged or not one unit). */
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
  table = t
  return t
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
  return { text: UTF16.decode(units), lines: t.lines }
}
