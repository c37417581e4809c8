/**
 * Cleaning (清洗): turns a raw scraped document into clean Simplified text, keeping the map back
 * to source lines — every surviving character keeps the line it came from, inserted characters
 * take the line of what they replace.
 *
 * Steps, in this order (each in its own file):
 *  1. html-residue  — tags (`<br>`, `?br>`, `?/p>`) and entities (`&nbsp;`).
 *  2. pinyin        — `運(yùn)` → `運`; before T→S, which could otherwise touch the groups' host.
 *  3. mojibake      — GBK byte-slip spans `?…?` repaired or reported; before punctuation, which
 *                     would turn full-width marks into ASCII `?` and blur the markers.
 *  4. traditional   — T→S with OpenCC when the text is (even partly) Traditional.
 *  4b. tables      — the flat shapes of a web or Word table become `|` rows: cells with a `|`
 *                     line between them, cells ending in ` |`, a one-line header over cells
 *                     one per line (blank lines between or not); before furniture and
 *                     page-numbers, which would take their lone serial lines.
 *  5. furniture     — breadcrumbs, author/date/source lines, widgets, spam, footers.
 *  6. page-numbers  — `— 2 —` inside words, page-number-only lines, and the running header or
 *                     footer line repeated next to them; before rejoin.
 *  6b. tables       — tab-separated rows become `|` rows; before punctuation folds the tabs.
 *  7. punctuation   — canonical form: ASCII `()` `:` `;` `,` `.` `?` `!` `[]` and digits/Latin
 *                     (U+FF01–FF5E folded); `、` `。` `“”` `《》` `〔〕` `【】` kept; no spaces between
 *                     Han characters.
 *  8. rejoin        — broken words and sentences joined; one paragraph per line, no blank lines.
 */
import type { CleaningReport } from '../extraction.types.ts'
import type { MappedText } from '../mapped-text.ts'
import { newDraft } from './cleaning-draft.ts'
import { removeFurniture } from './furniture.ts'
import { removeHtmlResidue } from './html-residue.ts'
import { rewrite } from './mapped-builder.ts'
import { repairMojibake } from './mojibake.ts'
import { removePageNumbers } from './page-numbers.ts'
import { removePinyin } from './pinyin.ts'
import { normalisePunctuation } from './punctuation.ts'
import { rejoinLines } from './rejoin.ts'
import { barEndsToCells, barLinesToRows, cellLinesToRows, splitHeaderLine, tabsToCells } from './tables.ts'
import { toSimplifiedIfTraditional } from './traditional.ts'

/** Cleans a document; returns the cleaned mapped text and a report of what was done. */
export function clean(input: MappedText): { text: MappedText; report: CleaningReport } {
  const draft = newDraft()
  let t = rewrite(input, /\r|\u200b|\ufeff/g, () => '')
  t = removeHtmlResidue(t)
  t = removePinyin(t, draft)
  t = repairMojibake(t, draft)
  t = toSimplifiedIfTraditional(t, draft)
  t = barLinesToRows(t)
  t = barEndsToCells(t)
  t = splitHeaderLine(t)
  t = cellLinesToRows(t)
  t = removeFurniture(t, draft)
  t = removePageNumbers(t, draft)
  t = tabsToCells(t)
  t = normalisePunctuation(t)
  t = rejoinLines(t)
  return { text: t, report: { ...draft, unrepaired: draft.unrepaired.slice() } }
}
