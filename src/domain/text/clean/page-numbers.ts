/**
 * Page numbers (页码) from printed or PDF-converted documents: `— 2 —` inside a line, often in the
 * middle of a word (`招标投— 2 — 标` → `招标投标`), and lines that are only a page number. Lines
 * are only blanked here; rejoin then joins the word around the gap.
 */
import type { MappedText } from '../mapped-text.ts'
import type { CleaningDraft } from './cleaning-draft.ts'
import { MappedBuilder, forEachLine, isHan, rewrite } from './mapped-builder.ts'

const DASH = '[—－–-]'
const SP = '[ \\t\\u3000]'
/** `— 2 —` not touching other digits or dashes (so `2—3宗` and `2018-2020` stay). */
const INLINE = new RegExp(`(?<![\\d—－–-])${SP}*${DASH}{1,2}(${SP}*)(\\d{1,3})(${SP}*)${DASH}{1,2}${SP}*(?![\\d—－–-])`, 'g')
const WHOLE_LINE = new RegExp(`^(?:${DASH}{1,2}${SP}*)?\\d{1,3}(?:${SP}*${DASH}{1,2})?$|^第${SP}*\\d{1,4}${SP}*[页頁](?:${SP}*[,，/]?${SP}*共${SP}*\\d{1,4}${SP}*[页頁])?$|^\\d{1,3}${SP}*[/／]${SP}*\\d{1,3}$`)

/** Removes inline dashed page numbers and blanks page-number lines; counts both. */
export function removePageNumbers(t: MappedText, draft: CleaningDraft): MappedText {
  const inline = rewrite(t, INLINE, (m) => {
    const text = m.input
    const before = text.charCodeAt(m.index - 1)
    const after = text.charCodeAt(m.index + m[0].length)
    const spaced = (m[1] ?? '').length > 0 && (m[3] ?? '').length > 0
    const inWord = isHan(before) && isHan(after)
    // Without spaces, `—2—` is only a page number between two Han characters.
    if (!spaced && !inWord) return m[0]
    draft.pageNumbersRemoved++
    return ''
  })
  const b = new MappedBuilder(inline.text.length)
  let last = 0
  let removed = 0
  forEachLine(inline.text, (start, end) => {
    if (!WHOLE_LINE.test(inline.text.slice(start, end).trim())) return
    b.pushRange(inline, last, start)
    last = end
    removed++
  })
  if (removed === 0) return inline
  b.pushRange(inline, last, inline.text.length)
  draft.pageNumbersRemoved += removed
  return b.build()
}
