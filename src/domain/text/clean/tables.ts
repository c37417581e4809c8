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

/** A header cell of a task table, alone on its line (`序号`, `工作任务`, `牵头单位` …). */
const HEADER_CELL =
  /^(?:序号|编号|(?:重点|主要|工作|具体|整治|改革)?(?:任务|事项|内容|措施)(?:内容|名称|事项)?|(?:牵头|责任|配合|协同|协办|参与|负责|主责)(?:单位|部门|处室|科室)?|完成(?:时限|时间|期限)|时间(?:节点|安排|要求)?|时限|备注|进度安排|工作目标|目标要求)$/
const ROLE_CELL = /^(?:牵头|责任|配合|协同|协办|参与|负责|主责)(?:单位|部门|处室|科室)?$/
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
    while (i + n < full.length && HEADER_CELL.test(full[i + n]!.cell) && n < 10) n++
    const header = full.slice(i, i + n).map((l) => l.cell)
    if (n < 3 || !header.some((c) => ROLE_CELL.test(c))) {
      i++
      continue
    }
    joins.push(Array.from({ length: n }, (_, k) => i + k))
    const task = header.findIndex((c, k) => k > 0 && !ROLE_CELL.test(c) && !/时|备注/.test(c))
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
