/**
 * Paragraphs (段落): the cleaned text cut at line breaks, blank lines dropped, each remembering
 * the source line where its text starts. A line that carries on a sentence broken by the web page
 * (a hard wrap, a page number, a blank line inside a word) is joined to the paragraph before it.
 */
import type { MappedText } from '../mapped-text.ts'
import { readMarker, type Marker } from './markers.ts'
import { normText } from './normalize.ts'
import { addresseeUnderTitle } from '../addressee.ts'

/** One paragraph of normalised text. */
export interface Paragraph {
  /** Normalised (ASCII punctuation), trimmed text. */
  readonly text: string
  /** 1-based source line of its first character. */
  readonly line: number
  /** Source line of its last character. */
  readonly lastLine: number
  /** Outline marker at its start, if any. */
  readonly marker: Marker | null
}

const TERMINAL = /[。.!?;:)\]"'》」』…]$/
const PAGE_FURNITURE = /^[-\s]*\d{1,3}[-\s]*$/

/** True when `next` most likely continues the sentence that `prev` left open. */
function continues(prev: string, prevMarker: Marker | null, next: string, nextMarker: Marker | null): boolean {
  if (nextMarker) return false
  if (TERMINAL.test(prev)) return false
  // Rows of a table flattened into `|` lines stand on their own.
  if (prev.includes('|') || next.includes('|')) return false
  if (/^[(\[]?(牵头|责任|配合|协同|协办|参与|负责|完成时间|主办|承办)/.test(next)) return false
  if (addresseeUnderTitle(prev, next)) return false
  // Headings are short and end without punctuation; sentences broken by the page are long.
  const limit = prevMarker ? 60 : 34
  return prev.length >= limit
}

/** Cuts cleaned text into paragraphs, joining broken lines. */
export function toParagraphs(t: MappedText): Paragraph[] {
  const out: { text: string; line: number; lastLine: number; marker: Marker | null }[] = []
  const text = t.text
  let start = 0
  const n = text.length
  while (start <= n) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = n
    let a = start
    let b = end
    while (a < b && /\s/.test(text[a]!)) a++
    while (b > a && /\s/.test(text[b - 1]!)) b--
    if (b > a) {
      const raw = normText(text.slice(a, b))
      if (!PAGE_FURNITURE.test(raw)) {
        const marker = readMarker(raw)
        const line = t.lines[a] ?? 1
        const lastLine = t.lines[b - 1] ?? line
        const prev = out[out.length - 1]
        if (prev && continues(prev.text, prev.marker, raw, marker)) {
          prev.text += raw
          prev.lastLine = lastLine
        } else out.push({ text: raw, line, lastLine, marker })
      }
    }
    start = end + 1
  }
  return out
}
