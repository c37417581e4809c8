/**
 * Tables flattened with tabs (制表符表格): a row copied out of a word processor or a web table
 * keeps its cells apart with tabs (`1⇥出台考核办法⇥县营商办⇥2025年4月底前`). Punctuation would
 * fold the tabs into nothing between Han characters, so a line with two or more tab gaps becomes
 * a `|` row here (`1|出台考核办法|县营商办|2025年4月底前`), the form the item reader knows.
 */
import type { MappedText } from '../mapped-text.ts'
import { MappedBuilder } from './mapped-builder.ts'

/** A tab gap between two cells: tabs with any spaces around them. */
const GAP = /[ \u3000]*\t[\t \u3000]*/g

/** Rewrites tab-separated rows (≥ 3 cells) as `|` rows; other lines stay as they are. */
export function tabsToCells(t: MappedText): MappedText {
  const text = t.text
  if (text.indexOf('\t') === -1) return t
  const b = new MappedBuilder(text.length)
  let last = 0
  let changed = false
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const tab = text.indexOf('\t', start)
    if (tab !== -1 && tab < end) {
      const line = text.slice(start, end)
      const inner = line.trim()
      const gaps = inner.match(GAP)
      if (gaps !== null && gaps.length >= 2) {
        const lead = line.length - line.trimStart().length
        b.pushRange(t, last, start + lead)
        GAP.lastIndex = 0
        let from = start + lead
        const stop = start + lead + inner.length
        for (let m = GAP.exec(inner); m !== null; m = GAP.exec(inner)) {
          const at = start + lead + m.index
          b.pushRange(t, from, at)
          b.pushText('|', t.lines[at] ?? 1)
          from = at + m[0].length
        }
        b.pushRange(t, from, stop)
        last = stop
        changed = true
      }
    }
    start = end + 1
  }
  if (!changed) return t
  b.pushRange(t, last, text.length)
  return b.build()
}
