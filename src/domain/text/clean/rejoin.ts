/**
 * Rejoining (断行合并): scraped and PDF-converted text breaks sentences and even words across
 * lines and blank lines (`**新` ⏎⏎ `区将严格…`). A line is joined onto the previous text line
 * unless it opens a new block (outline marker, responsibility tag, document separator), the
 * previous line ends a sentence, is a short title, or was cut by the scraper, or the line itself
 * is a short unpunctuated title. In hard-wrapped text (most lines cut at one width) a full-width
 * line runs on into the next unindented one whatever its last character. Rows of a `|` table are
 * never joined. Output: one paragraph per line, no blank lines, lines trimmed.
 */
import type { MappedText } from '../mapped-text.ts'
import { CUT } from './cleaning-draft.ts'
import { MappedBuilder, forEachLine } from './mapped-builder.ts'
import { addresseeUnderTitle } from '../addressee.ts'

const NUM = '[一二三四五六七八九十百零〇]+'
/** Outline markers, `一是`, tags and document separators that always start a new line. */
const OPENS_BLOCK = new RegExp(
  [
    `^${NUM}[、.]`,
    `^\\(${NUM}\\)`,
    `^\\d{1,3}(?:[、]|\\.(?:(?!\\d)|(?=(?:19|20)\\d{2}年)))`,
    `^\\(\\d{1,3}\\)`,
    '^[①-⑳⑴-⒇⒈-⒛]',
    `^[一二三四五六七八九十]是`,
    `^第(?:${NUM}|\\d+)[篇章节部分条]`,
    '^篇\\s*\\d+',
    '^[(\\[【]?(?:牵头|责任|配合|协同|协办|参与|负责|主办|承办|主责|完成时限|完成时间|时间节点)[^:\\n]{0,6}:',
    '^(?:附件|附:|附表)',
  ].join('|'),
)
const FINAL = '。!?;:…'
const CLOSERS = '”’」』)]】'
const PUNCT = /[,，。;；:：、!?！？]/
const TITLE_MAX = 30
/** What ends a paragraph even in hard-wrapped text. */
const HARD_END = /[。!?;…]$|[。!?][”’」』)]$/

/**
 * The width a hard-wrapped text was cut at (PDF conversion, e-mail): the most common line length,
 * when at least five lines and three in ten of the long lines have it (±1). 0 for running text.
 */
function wrapWidth(pieces: readonly { lineStart: number; end: number }[]): number {
  const count = new Map<number, number>()
  let long = 0
  for (const p of pieces) {
    const n = p.end - p.lineStart
    if (n < 16) continue
    long++
    count.set(n, (count.get(n) ?? 0) + 1)
  }
  let best = 0
  let bestN = 0
  for (const [n, c] of count) if (c > bestN || (c === bestN && n > best)) [best, bestN] = [n, c]
  const near = bestN + (count.get(best - 1) ?? 0)
  return bestN >= 5 && near >= long * 0.3 ? best : 0
}

function endsSentence(s: string): boolean {
  const last = s[s.length - 1] ?? ''
  if (FINAL.includes(last)) return true
  if (last === ')' || last === ']' || last === '】') return true
  return CLOSERS.includes(last) && FINAL.includes(s[s.length - 2] ?? '')
}

function isShortTitle(s: string): boolean {
  return s.length <= TITLE_MAX && !/[,，。]/.test(s)
}

function isAsciiWord(c: string): boolean {
  return /[A-Za-z0-9]/.test(c)
}

interface Piece {
  /** Start of the line (before indentation) and of its text. */
  readonly lineStart: number
  readonly start: number
  readonly end: number
  readonly text: string
  readonly cut: boolean
  /** A marker moved here from the start of the next line (`19、设。` under `…建`), and a forced join. */
  moved?: string
  glue?: boolean
}

/** A number that slipped past a word break: `19、设。…` after a line ending `…服务区建`. */
const SLIPPED = /^(\d{1,3}、)(?=[\u4e00-\u9fff]{1,2}[。,;])/

/** Moves slipped markers back to the start of the line whose word they cut. */
function unslip(pieces: Piece[]): void {
  for (let k = 1; k < pieces.length; k++) {
    const p = pieces[k]!
    const prev = pieces[k - 1]!
    const m = SLIPPED.exec(p.text)
    if (!m || prev.cut || endsSentence(prev.text) || OPENS_BLOCK.test(prev.text) || !/[\u4e00-\u9fff]$/.test(prev.text)) continue
    prev.moved = m[1]!
    pieces[k] = { ...p, start: p.start + m[1]!.length, lineStart: p.start + m[1]!.length, text: p.text.slice(m[1]!.length), glue: true }
  }
}

/** Joins broken lines into paragraphs, one per output line. */
export function rejoinLines(t: MappedText): MappedText {
  const pieces: Piece[] = []
  forEachLine(t.text, (start, end) => {
    let s = start
    let e = end
    while (s < e && /[\s\u3000\u00a0]/.test(t.text[s]!)) s++
    let cut = false
    while (e > s && (/[\s\u3000\u00a0]/.test(t.text[e - 1]!) || t.text[e - 1] === CUT)) {
      if (t.text[e - 1] === CUT) cut = true
      e--
    }
    if (e > s) pieces.push({ lineStart: start, start: s, end: e, text: t.text.slice(s, e), cut })
  })
  unslip(pieces)
  const width = wrapWidth(pieces)
  const b = new MappedBuilder(t.text.length)
  let prev: Piece | null = null
  for (const p of pieces) {
    if (prev !== null) {
      const table = prev.text.includes('|') || p.text.includes('|')
      const opens = OPENS_BLOCK.test(p.text)
      const wrapped =
        width > 0 && prev.end - prev.lineStart >= width - 1 && p.start === p.lineStart && !HARD_END.test(prev.text)
      const join =
        p.glue === true ||
        (!prev.cut &&
        !table &&
        !opens &&
        !addresseeUnderTitle(prev.text, p.text) &&
        (wrapped ||
          (!endsSentence(prev.text) && !isShortTitle(prev.text) && !(p.text.length <= TITLE_MAX && !PUNCT.test(p.text)))))
      const prevLine = t.lines[prev.end - 1] ?? 1
      if (!join) b.pushText('\n', prevLine)
      else if (isAsciiWord(prev.text[prev.text.length - 1]!) && isAsciiWord(p.text[0]!)) b.pushText(' ', prevLine)
    }
    if (p.moved !== undefined) b.pushText(p.moved, t.lines[p.start] ?? 1)
    pushWithoutCuts(b, t, p.start, p.end)
    prev = p
  }
  if (prev !== null) b.pushText('\n', t.lines[prev.end - 1] ?? 1)
  return b.build()
}

/** Copies a range, leaving out replacement characters still inside it. */
function pushWithoutCuts(b: MappedBuilder, t: MappedText, start: number, end: number): void {
  let from = start
  for (let i = t.text.indexOf(CUT, start); i !== -1 && i < end; i = t.text.indexOf(CUT, i + 1)) {
    b.pushRange(t, from, i)
    from = i + 1
  }
  b.pushRange(t, from, end)
}

