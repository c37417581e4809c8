/**
 * Page numbers (页码) from printed or PDF-converted documents: `— 2 —` inside a line, often in the
 * middle of a word (`招标投— 2 — 标` → `招标投标`), and lines that are only a page number. Lines
 * are only blanked here; rejoin then joins the word around the gap. A short line that stands next to
 * page numbers two or more times is the page's running header or footer and is blanked too.
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
  const lined = removePageLines(t, draft)
  return rewrite(lined, INLINE, (m) => {
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
}

/** Blanks page-number lines and the running header or footer repeated next to them. */
function removePageLines(t: MappedText, draft: CleaningDraft): MappedText {
  const text = t.text
  const lines: { start: number; end: number; trim: string }[] = []
  const pages: number[] = []
  forEachLine(text, (start, end) => {
    const trim = text.slice(start, end).trim()
    if (WHOLE_LINE.test(trim)) pages.push(lines.length)
    lines.push({ start, end, trim })
  })
  if (pages.length === 0) return t
  const drop = new Set<number>(pages)
  // A running header or footer: the same short line standing next to page numbers again and again.
  const near = new Map<string, number[]>()
  for (const k of pages) {
    for (const dir of [-1, 1]) {
      let seen = 0
      for (let j = k + dir; j >= 0 && j < lines.length && Math.abs(j - k) <= 4 && seen < 2; j += dir) {
        const l = lines[j]!.trim
        if (l.length === 0 || drop.has(j)) continue
        seen++
        if (l.length < 2 || l.length > 50) continue
        const at = near.get(l) ?? []
        if (!at.includes(j)) at.push(j)
        near.set(l, at)
      }
    }
  }
  for (const at of near.values()) if (at.length >= 2) for (const j of at) drop.add(j)
  const b = new MappedBuilder(text.length)
  let last = 0
  for (const j of [...drop].sort((x, y) => x - y)) {
    b.pushRange(t, last, lines[j]!.start)
    last = lines[j]!.end
  }
  b.pushRange(t, last, text.length)
  draft.pageNumbersRemoved += pages.length
  draft.furnitureLinesRemoved += drop.size - pages.length
  return b.build()
}
