/**
 * Word tables from the document's structure (Word 表格): word/document.xml walked in reading
 * order, paragraphs as lines and each `<w:tbl>` as a table — `w:gridSpan` spreads a cell over
 * columns, `w:vMerge` carries the cell above down, `w:gridBefore` skips leading grid columns, and
 * a table nested in a cell is read as a table of its own (a layout table around the task table
 * is the usual case). mammoth flattens tables into paragraphs and loses the spans, hence this.
 */
import type { SourceTable } from './table-input.ts'

interface Cell {
  text: string
  span: number
  vMerge: 'restart' | 'continue' | null
}

interface TableState {
  rows: { cells: Cell[]; before: number }[]
  row: { cells: Cell[]; before: number } | null
  cell: Cell | null
}

const TOKEN = /<(\/?)(w:(?:tbl|tr|tc|p|t|tab|br|cr|gridSpan|vMerge|gridBefore|tcPr|trPr|delText|instrText|txbxContent))\b([^>]*?)(\/?)>|([^<]+)/g

const decode = (s: string): string =>
  s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  )

const attr = (attrs: string, name: string): string | null => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1] ?? null

/** True when the document body has a table. */
export function hasTables(xml: string): boolean {
  return xml.includes('<w:tbl>') || xml.includes('<w:tbl ')
}

/** Paragraphs (as text blocks) and tables of a document.xml, in reading order. */
export function docxBlocks(xml: string): (string | SourceTable)[] {
  const blocks: (string | SourceTable)[] = []
  const stack: TableState[] = []
  let para = ''
  let inText = false
  let skip = 0 // inside w:delText / w:instrText
  let count = 0
  const paraEnd = () => {
    const top = stack[stack.length - 1]
    if (top?.cell) top.cell.text += (top.cell.text ? '\n' : '') + para
    else blocks.push(para)
    para = ''
  }
  TOKEN.lastIndex = 0
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    if (m[5] !== undefined) {
      if (inText && skip === 0) para += decode(m[5])
      continue
    }
    const close = m[1] === '/'
    const tag = m[2]!
    const attrs = m[3] ?? ''
    const selfClosing = m[4] === '/'
    const top = stack[stack.length - 1]
    switch (tag) {
      case 'w:t':
        inText = !close && !selfClosing
        break
      case 'w:delText':
      case 'w:instrText':
        if (!selfClosing) skip += close ? -1 : 1
        break
      case 'w:tab':
        if (!close) para += '\t'
        break
      case 'w:br':
      case 'w:cr':
        if (!close) para += '\n'
        break
      case 'w:p':
        if (close) paraEnd()
        else if (selfClosing) {
          para = ''
          paraEnd()
        }
        break
      case 'w:tbl':
        if (!close) stack.push({ rows: [], row: null, cell: null })
        else {
          const t = stack.pop()
          if (t) blocks.push(toTable(t, `表${++count}`))
        }
        break
      case 'w:tr':
        if (!top) break
        if (!close) top.row = { cells: [], before: 0 }
        else if (top.row) {
          top.rows.push(top.row)
          top.row = null
        }
        break
      case 'w:tc':
        if (!top?.row) break
        if (!close) top.cell = { text: '', span: 1, vMerge: null }
        else if (top.cell) {
          top.row.cells.push(top.cell)
          top.cell = null
        }
        break
      case 'w:gridSpan':
        if (top?.cell && !close) top.cell.span = Math.max(1, Math.min(64, Number(attr(attrs, 'w:val')) || 1))
        break
      case 'w:vMerge':
        if (top?.cell && !close) top.cell.vMerge = attr(attrs, 'w:val') === 'restart' ? 'restart' : 'continue'
        break
      case 'w:gridBefore':
        if (top?.row && !close) top.row.before = Math.max(0, Math.min(64, Number(attr(attrs, 'w:val')) || 0))
        break
    }
  }
  return blocks
}

function toTable(t: TableState, name: string): SourceTable {
  const grid: string[][] = []
  t.rows.forEach((r, ri) => {
    const out: string[] = []
    for (let k = 0; k < r.before; k++) out.push('')
    for (const c of r.cells) {
      const col = out.length
      const text = c.vMerge === 'continue' ? (grid[ri - 1]?.[col] ?? '') : c.text
      for (let k = 0; k < c.span; k++) out.push(text)
    }
    grid.push(out)
  })
  return {
    name,
    rows: grid.map((cells, ri) => ({ row: ri + 1, cells: cells.map((text, ci) => ({ ref: `${name} R${ri + 1}C${ci + 1}`, text })) })),
  }
}
