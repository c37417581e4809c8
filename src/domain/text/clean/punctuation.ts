/**
 * Punctuation and spacing (标点规范化). Canonical form, relied on by the structure and item
 * regexes downstream: every full-width ASCII form (U+FF01–FF5E) becomes its ASCII twin —
 * `（一）`→`(一)`, `：`→`:`, `；`→`;`, `，`→`,`, `１．`→`1.`, `？`→`?`, `！`→`!`, `［］`→`[]` — and the
 * ideographic space and NBSP become a space. Chinese-only marks stay as they are: `、` `。` `“”`
 * `‘’` `《》` `〔〕` `【】` `—` `…`. Spaces between two Han characters are dropped (`支 持` →
 * `支持`: Chinese has no word spaces, they are layout residue); other runs of spaces become one.
 */
import type { MappedText } from '../mapped-text.ts'
import { HAN, rewrite } from './mapped-builder.ts'

/** ASCII twin of a full-width form or wide space, or -1. */
function narrow(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) return c - 0xfee0
  if (c === 0x3000 || c === 0x00a0 || c === 0x2002 || c === 0x2003 || c === 0x2009) return 32
  return -1
}

/** Maps full-width forms to ASCII; one unit in, one unit out, so the line map is unchanged. */
function foldWidth(s: string): string {
  const parts: string[] = []
  let from = 0
  for (let i = 0; i < s.length; i++) {
    const r = narrow(s.charCodeAt(i))
    if (r === -1) continue
    parts.push(s.slice(from, i), String.fromCharCode(r))
    from = i + 1
  }
  if (from === 0) return s
  parts.push(s.slice(from))
  return parts.join('')
}

const SPACE_IN_HAN = new RegExp(`(?<=[${HAN}])[ \\t]+(?=[${HAN}])`, 'g')
const SPACE_RUN = /[ \t]{2,}/g

/** Normalises punctuation to the canonical form above. */
export function normalisePunctuation(t: MappedText): MappedText {
  const folded: MappedText = { text: foldWidth(t.text), lines: t.lines }
  const joined = rewrite(folded, SPACE_IN_HAN, () => '')
  return rewrite(joined, SPACE_RUN, () => ' ')
}
