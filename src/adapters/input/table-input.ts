/**
 * Task tables from structured files (表格输入): spreadsheets (.xlsx, .xls, .et, .ods through
 * SheetJS), CSV (UTF-8 or GBK), and the rendering every structured table shares: one `|` line
 * per row, a row whose cells all say the same (a section row merged across the table) as a
 * plain line, cells merged down carried to each row they cover. The reader in src/domain/text
 * then reads those lines; each row's sheet, row number and cell references go with it.
 */
import * as XLSX from '@e965/xlsx'
import { DubanError } from '../../domain/errors.ts'
import type { RowSource } from '../../domain/text/items/items.ts'
import { readColumns } from '../../domain/text/items/table.ts'
import { decodeText } from './decode-text.ts'

/** A table as read from the file, spans already expanded. */
export interface SourceTable {
  /** Sheet name, or `表1` … for the tables of a Word document or a web page. */
  readonly name: string
  readonly rows: readonly SourceRow[]
}

export interface SourceRow {
  /** 1-based row number in the sheet or table. */
  readonly row: number
  readonly cells: readonly SourceCell[]
  /** Line of the rendered text this row was written on (set by render). */
  line?: number
}

export interface SourceCell {
  /** `B7` for a sheet, `R3C2` for a Word or HTML table. */
  readonly ref: string
  readonly text: string
}

/** Rows per workbook read before refusing (Excel's own limit is 1,048,576; task tables have hundreds). */
export const MAX_ROWS = 50_000
/** Characters in one cell: Excel's own limit. */
export const MAX_CELL = 32_767

/** Text of a cell for a `|` line: bars escaped, line breaks between short pieces as `、`. */
export function cellText(raw: string): string {
  if (!/[\r\n|\t\u00a0\u3000]| {2}/.test(raw)) return raw.trim()
  const s = raw.replace(/\r\n?/g, '\n').replace(/\|/g, '/').replace(/[ \t\u00a0\u3000]+/g, ' ')
  const parts = s.split('\n').map((x) => x.trim()).filter(Boolean)
  if (parts.length <= 1) return parts[0] ?? ''
  // Units listed one per line (`市发改委\n市财政局`) are a list; wrapped prose is one text.
  const list = parts.every((p) => p.length <= 20 && !/[。;；,，、:：]$/.test(p) && !/^\d/.test(p))
  return parts.join(list ? '、' : ' ')
}

/**
 * Writes text blocks and tables as lines: every table row a `|` line (or a plain line when it
 * holds one value), and returns the row of each line for provenance.
 */
export function renderBlocks(blocks: readonly (string | SourceTable)[]): { text: string; rows: Map<number, RowSource>; tables: SourceTable[] } {
  const lines: string[] = []
  const rows = new Map<number, RowSource>()
  const tables: SourceTable[] = []
  for (const b of blocks) {
    if (typeof b === 'string') {
      lines.push(...b.split('\n'))
      continue
    }
    tables.push(b)
    const width = Math.max(0, ...b.rows.map((r) => r.cells.length))
    const used = Array.from({ length: width }, (_, c) => b.rows.some((r) => (r.cells[c]?.text ?? '') !== ''))
    for (const r of b.rows) {
      const cells = r.cells.filter((_, c) => used[c])
      const values = cells.map((c) => cellText(c.text))
      const distinct = new Set(values.filter(Boolean))
      if (distinct.size === 0) continue
      // A section row merged across the table (or a title row) says one thing: a plain line.
      const only = distinct.size === 1 ? [...distinct][0]! : null
      lines.push(only !== null && !/^\d+$/.test(only) ? only : values.join('|'))
      r.line = lines.length
      rows.set(lines.length, { table: b.name, row: r.row, refs: cells.map((c) => c.ref) })
    }
    lines.push('')
  }
  return { text: lines.join('\n'), rows, tables }
}

/** Spreadsheet column letters: 0 → A, 27 → AB. */
export function colName(c: number): string {
  let s = ''
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

/** Reads every sheet of a workbook (xlsx, xls, et, ods) into tables, merged cells carried. */
export function workbookTables(bytes: Buffer, file: string): SourceTable[] {
  let wb: XLSX.WorkBook
  try {
    wb = XLSX.read(bytes, { type: 'buffer', dense: true, cellFormula: false, cellHTML: false, cellStyles: false, sheetRows: MAX_ROWS + 1 })
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    if (/password|encrypt/i.test(msg)) throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: a password-protected workbook; save it without a password and try again`, { where: file })
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: not a readable workbook (${msg.split('\n')[0]!.slice(0, 120)})`, { where: file })
  }
  const tables: SourceTable[] = []
  for (const name of wb.SheetNames) {
    const ws = wb.Sheets[name]
    if (!ws || !ws['!ref']) continue
    const full = XLSX.utils.decode_range(ws['!fullref'] ?? ws['!ref'])
    if (full.e.r + 1 > MAX_ROWS) {
      throw new DubanError('DUBAN_ERR_INPUT_TOO_LARGE', `${file}: sheet 「${name}」 has ${full.e.r + 1} rows; at most ${MAX_ROWS} are read (row ${MAX_ROWS + 1} is over the limit)`, { where: file })
    }
    const range = XLSX.utils.decode_range(ws['!ref'])
    const data = (ws['!data'] ?? []) as (XLSX.CellObject | undefined)[][]
    const grid: string[][] = []
    for (let r = range.s.r; r <= range.e.r; r++) {
      const row: string[] = []
      const src = data[r] ?? []
      for (let c = range.s.c; c <= range.e.c; c++) {
        const cell = src[c]
        const v = cell === undefined ? '' : cell.w ?? (cell.v === undefined || cell.v === null ? '' : String(cell.v))
        if (v.length > MAX_CELL) {
          throw new DubanError('DUBAN_ERR_INPUT_TOO_LARGE', `${file}: sheet 「${name}」 cell ${colName(c)}${r + 1} holds ${v.length} characters (a cell holds at most ${MAX_CELL})`, { where: file })
        }
        row.push(v)
      }
      grid.push(row)
    }
    for (const m of ws['!merges'] ?? []) {
      const v = grid[m.s.r - range.s.r]?.[m.s.c - range.s.c] ?? ''
      for (let r = m.s.r; r <= Math.min(m.e.r, range.e.r); r++)
        for (let c = m.s.c; c <= Math.min(m.e.c, range.e.c); c++) {
          const row = grid[r - range.s.r]
          if (row && c - range.s.c < row.length) row[c - range.s.c] = v
        }
    }
    tables.push({
      name,
      rows: grid.map((cells, k) => ({ row: range.s.r + k + 1, cells: cells.map((text, c) => ({ ref: `${colName(range.s.c + c)}${range.s.r + k + 1}`, text })) })),
    })
  }
  requireHeader(tables, file)
  return tables
}

/** Reads a CSV file (UTF-8 or GBK/GB18030, comma, semicolon or tab separated) as one table. */
export function csvTable(bytes: Buffer, file: string): { table: SourceTable; encoding: string } {
  const { text, encoding } = decodeText(bytes)
  const rows = parseCsv(text)
  if (rows.length > MAX_ROWS) throw new DubanError('DUBAN_ERR_INPUT_TOO_LARGE', `${file}: ${rows.length} rows; at most ${MAX_ROWS} are read (row ${MAX_ROWS + 1} is over the limit)`, { where: file })
  rows.forEach((r, k) =>
    r.forEach((v, c) => {
      if (v.length > MAX_CELL) throw new DubanError('DUBAN_ERR_INPUT_TOO_LARGE', `${file}: row ${k + 1} column ${c + 1} holds ${v.length} characters (at most ${MAX_CELL})`, { where: file })
    }),
  )
  const table: SourceTable = {
    name: file,
    rows: rows.map((cells, k) => ({ row: k + 1, cells: cells.map((t, c) => ({ ref: `${colName(c)}${k + 1}`, text: t })) })),
  }
  requireHeader([table], file)
  return { table, encoding }
}

/** RFC 4180 CSV, with the separator guessed from the first line (`,`, `;`, tab, `，`). */
export function parseCsv(text: string): string[][] {
  const first = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length)
  const count = (ch: string) => first.split(ch).length - 1
  const sep = [',', '\t', ';', '，'].sort((a, b) => count(b) - count(a))[0]!
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else cell += ch
      continue
    }
    if (ch === '"' && cell === '') quoted = true
    else if (ch === sep) {
      row.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''))
}

/** A spreadsheet whose sheets hold no task-table header is refused with the sheets it looked at. */
function requireHeader(tables: readonly SourceTable[], file: string): void {
  for (const t of tables) for (const r of t.rows.slice(0, 200)) if (readColumns(r.cells.map((c) => cellText(c.text))) !== null) return
  const names = tables.map((t) => `「${t.name}」`).join('、') || '(no sheet)'
  throw new DubanError(
    'DUBAN_ERR_INPUT_FORMAT',
    `${file}: no task-table header in ${names} (looked in the first 200 rows of each for columns such as 序号, 工作任务, 牵头单位, 责任单位, 完成时限)`,
  )
}
