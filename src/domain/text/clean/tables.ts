/**
 * Tables flattened with tabs (制表符表格): a row copied out of a word processor or a web table
 * keeps its cells apart with tabs (`1⇥出台考核办法⇥县营商办⇥2025年4月底前`). Punctuation would
 * fold the tabs into nothing between Han characters, so a line with two or more tab gaps becomes
 * a `|` row here (`1|出台考核办法|县营商办|2025年4月底前`), the form the item reader knows.
 */
import type { MappedText } from '../mapped-text.ts'
import { roleOfHeader } from '../items/table.ts'
import { MappedBuilder } from './mapped-builder.ts'

/** A tab between two cells, with any spaces around it; two tabs hold an empty cell. */
const GAP = /[ \u3000]*\t[ \u3000]*/g

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

/** A header cell of a task table, alone on its line (`序号`, `工作任务`, `牵头单位` …). */
const isHeaderCell = (c: string): boolean => roleOfHeader(c) !== null && roleOfHeader(c) !== 'field'
const isRoleCell = (c: string): boolean => ['lead', 'responsible', 'cooperating'].includes(roleOfHeader(c) ?? '')
const SERIAL_LINE = /^[0-9０-９]{1,3}$/
/** A section row between table rows: `一、稳定经济增长`, `(一)…`. */
const SECTION_LINE = /^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])/

const digits = (s: string): number => Number(s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)))

/**
 * A table saved from Word as text puts every cell on a line of its own: a header run
 * (`序号` / `工作任务` / `牵头单位` / `责任单位` / `完成时限`), then per row a serial line and
 * one line per further cell. Each such run becomes one `|` row on the line of its first cell.
 * A row whose task cell wrapped over more lines than the header has cells gets the extra lines
 * joined into its task column; section rows (`一、…`) between rows stay as they are.
 */
export function cellLinesToRows(t: MappedText): MappedText {
  const text = t.text
  if (!text.includes('序号') && !text.includes('编号')) return t
  const lines: { start: number; end: number; cell: string; afterGap: boolean }[] = []
  for (let s = 0; s <= text.length; ) {
    let e = text.indexOf('\n', s)
    if (e === -1) e = text.length
    const cell = text.slice(s, e).replace(/[\s\u3000]+/g, '')
    lines.push({ start: s, end: e, cell, afterGap: lines.length > 0 && lines[lines.length - 1]!.cell === '' })
    s = e + 1
  }
  const full = lines.filter((l) => l.cell !== '')
  const joins: number[][] = [] // groups of indices into `full`, each to become one row
  const wrapped = new Map<number, number>() // task cell index → lines wrapped onto it
  let i = 0
  while (i < full.length) {
    if (!/^(?:序号|编号)$/.test(full[i]!.cell)) {
      i++
      continue
    }
    let n = 1
    while (i + n < full.length && isHeaderCell(full[i + n]!.cell) && n < 12) n++
    const header = full.slice(i, i + n).map((l) => l.cell)
    if (n < 3 || !header.some(isRoleCell)) {
      i++
      continue
    }
    joins.push(Array.from({ length: n }, (_, k) => i + k))
    const task = header.findIndex((c) => roleOfHeader(c) === 'task')
    let k = i + n
    let expect = 1
    for (;;) {
      while (k < full.length && SECTION_LINE.test(full[k]!.cell) && full[k]!.cell.length <= 40) k++
      if (k >= full.length || !SERIAL_LINE.test(full[k]!.cell) || digits(full[k]!.cell) !== expect) break
      // The row runs to the next serial, the next section row, a blank line or the end of the table.
      let j = k + 1
      const rowEnds = (l: { cell: string; afterGap: boolean }) =>
        (SERIAL_LINE.test(l.cell) && digits(l.cell) === expect + 1) || SECTION_LINE.test(l.cell) || (l.afterGap && j - k >= n)
      while (j < full.length && !rowEnds(full[j]!) && j - k < 3 * n) j++
      const count = j - k
      if (count < n) break
      if (count > n) {
        // Either a wrapped task cell or the end of the table: take only n cells unless a serial follows.
        const next = full[j]
        if (task < 0 || !next || !(SERIAL_LINE.test(next.cell) || SECTION_LINE.test(next.cell) || next.afterGap)) {
          joins.push(Array.from({ length: n }, (_, q) => k + q))
          k += n
          break
        }
      }
      joins.push(Array.from({ length: count }, (_, q) => k + q))
      // Mark the extra lines of a wrapped task cell as joined without a bar.
      if (count > n) wrapped.set(k + task, count - n)
      k = j
      expect++
    }
    i = k
  }
  if (joins.length === 0) return t
  const b = new MappedBuilder(text.length)
  let last = 0
  for (const g of joins) {
    const extra = new Set<number>()
    for (const [at, len] of wrapped) if (g.includes(at)) for (let q = 1; q <= len; q++) extra.add(at + q)
    for (let q = 1; q < g.length; q++) {
      const prev = full[g[q - 1]!]!
      const cur = full[g[q]!]!
      b.pushRange(t, last, prev.end)
      if (!extra.has(g[q]!)) b.pushText('|', t.lines[prev.end] ?? t.lines[prev.end - 1] ?? 1)
      last = cur.start
    }
  }
  b.pushRange(t, last, text.length)
  return b.build()
}

/** Lines of a text with their offsets (end excludes the newline). */
function lineSpans(text: string): { start: number; end: number; s: string }[] {
  const out: { start: number; end: number; s: string }[] = []
  for (let a = 0; a <= text.length; ) {
    let e = text.indexOf('\n', a)
    if (e === -1) e = text.length
    out.push({ start: a, end: e, s: text.slice(a, e).trim() })
    a = e + 1
  }
  return out
}

/**
 * A web table flattened with each cell on its own line and a line holding only `|` between
 * cells (`序号` / `|` / `工作任务` / `|` / …): each run becomes one `|` row on the line of its
 * first cell. Needs three such bar lines and a header word next to one of them.
 */
export function barLinesToRows(t: MappedText): MappedText {
  const text = t.text
  if (!/\n[ \t\u3000]*\|[ \t\u3000]*\n/.test(text)) return t
  const ls = lineSpans(text).filter((l) => l.s !== '')
  const joins: { from: number; to: number; line: number; bars: number }[] = []
  let header = false
  for (let k = 1; k + 1 < ls.length; k++) {
    if (ls[k]!.s !== '|' || ls[k - 1]!.s === '|') continue
    // A run of m bar lines holds m - 1 empty cells.
    let m = 1
    while (k + m < ls.length && ls[k + m]!.s === '|') m++
    if (k + m >= ls.length) break
    if (isHeaderCell(ls[k - 1]!.s.replace(/\s+/g, ''))) header = true
    joins.push({ from: ls[k - 1]!.end, to: ls[k + m]!.start, line: t.lines[ls[k - 1]!.start] ?? 1, bars: m })
    k += m - 1
  }
  if (joins.length < 3 || !header) return t
  const b = new MappedBuilder(text.length)
  let last = 0
  for (const j of joins) {
    b.pushRange(t, last, j.from)
    b.pushText('|'.repeat(j.bars), j.line)
    last = j.to
  }
  b.pushRange(t, last, text.length)
  return b.build()
}

/**
 * A table flattened with every cell on its own line ending in ` |` (`序号 |`, `工作任务 |` …):
 * the bars are dropped, leaving one cell per line for cellLinesToRows. Only when a header cell
 * (`序号 |`) is among three or more such lines.
 */
export function barEndsToCells(t: MappedText): MappedText {
  const text = t.text
  if (!/[^|\n]\s*\|[ \t\u3000]*(?:\n|$)/.test(text)) return t
  const ls = lineSpans(text)
  const ends = ls.filter((l) => /^[^|]+\|$/.test(l.s))
  if (ends.length < 3 || !ends.some((l) => /^(?:序号|编号)$/.test(l.s.slice(0, -1).trim()))) return t
  const b = new MappedBuilder(text.length)
  let last = 0
  for (const l of ends) {
    const bar = text.lastIndexOf('|', l.end)
    b.pushRange(t, last, bar)
    last = bar + 1
  }
  b.pushRange(t, last, text.length)
  return b.build()
}

/**
 * A header of column names on one line (`序号 工作任务 牵头单位 配合单位 完成时间`) above
 * cells on lines of their own: the header is cut into one name per line, so cellLinesToRows
 * reads it like a header saved one cell per line.
 */
export function splitHeaderLine(t: MappedText): MappedText {
  const text = t.text
  if (!text.includes('序号') && !text.includes('编号')) return t
  const ls = lineSpans(text)
  const hits = ls.filter((l) => {
    const cells = l.s.split(/[ \u3000]+/)
    return cells.length >= 3 && /^(?:序号|编号)$/.test(cells[0]!) && cells.every(isHeaderCell) && cells.slice(1).some(isRoleCell)
  })
  if (hits.length === 0) return t
  const b = new MappedBuilder(text.length)
  let last = 0
  for (const l of hits) {
    const line = text.slice(l.start, l.end)
    const re = /[ \u3000]+/g
    const lead = line.length - line.trimStart().length
    const inner = line.trim()
    for (let m = re.exec(inner); m; m = re.exec(inner)) {
      const at = l.start + lead + m.index
      b.pushRange(t, last, at)
      b.pushText('\n', t.lines[at] ?? 1)
      last = at + m[0].length
    }
  }
  b.pushRange(t, last, text.length)
  return b.build()
}
