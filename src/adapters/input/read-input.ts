/**
 * Reading an input document (读取输入): a file path or `-` for stdin to decoded text, whatever
 * the container (plain text, saved web page, Word, PDF). Size is checked before reading, so a
 * file over the limit is refused without loading it.
 */
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Readable } from 'node:stream'
import { catalogue, DubanError } from '../../domain/errors.ts'
import { decodeText } from './decode-text.ts'
import { declaredCharset, htmlToText } from './html-text.ts'
import type { RowSource } from '../../domain/text/items/items.ts'
import { docxBlocks, hasTables } from './docx-tables.ts'
import { docToText, documentXml, docxToText, pdfContent } from './office-text.ts'
import { csvTable, renderBlocks, workbookTables, type SourceTable } from './table-input.ts'
import { checkZip } from './zip-guard.ts'
import { readColumns } from '../../domain/text/items/table.ts'
import { claimedFormat, sniff, type InputFormat } from './sniff-format.ts'

export type { InputFormat } from './sniff-format.ts'
export type { SourceTable } from './table-input.ts'

/** A document read from disk or stdin, ready for extractPlan. */
export interface InputText {
  /** Base name of the file (`stdin` for `-`), as ExtractionResult.file and gold `file` want it. */
  readonly file: string
  readonly text: string
  /** How the bytes were decoded: utf-8, gb18030, utf-16le/be, or the container (docx, pdf…). */
  readonly encoding: string
  readonly format: InputFormat
  /** Size of the input in bytes. */
  readonly bytes: number
  /** For tables read from their structure (spreadsheet, CSV, Word): the row behind each `|` line of `text`. */
  readonly rows?: ReadonlyMap<number, RowSource>
  /** Those tables as read (for plan review: the original rows beside the items). */
  readonly tables?: readonly SourceTable[]
}

import { DEFAULT_MAX_SIZE } from './input-limits.ts'
export { DEFAULT_MAX_SIZE }

/** Reads `source` (a path, or `-` for stdin); throws DubanError for every unreadable input. */
export async function readInput(
  source: string,
  opts: { maxSize?: number; stdin?: Readable } = {},
): Promise<InputText> {
  const maxSize = opts.maxSize ?? DEFAULT_MAX_SIZE
  const isStdin = source === '-'
  const bytes = isStdin ? await readStream(opts.stdin ?? process.stdin, maxSize) : await readFileLimited(source, maxSize)
  const file = isStdin ? 'stdin' : basename(source)
  return fromBytes(bytes, file, isStdin ? null : claimedFormat(source))
}

/**
 * Decodes bytes already in memory (readInput uses it; so can an upload handler). Every refusal names the file: a
 * reader's error that names no place gets the file as its `where` and before its specifics (`p.pdf: the PDF cannot be read`).
 */
export async function fromBytes(bytes: Buffer, file: string, claimed: InputFormat | null = claimedFormat(file)): Promise<InputText> {
  try {
    return await readBytes(bytes, file, claimed)
  } catch (e) {
    throw namingFile(e, file)
  }
}

/** The error with the file named, when it is a DubanError that names no place; any other error as it is. */
function namingFile(e: unknown, file: string): unknown {
  if (!(e instanceof DubanError) || e.where) return e
  const base = catalogue[e.code].en
  const detail = e.message === base ? '' : e.message.startsWith(`${base}: `) ? e.message.slice(base.length + 2) : e.message
  const opts = { where: file, ...(e.label ? { label: e.label } : {}), ...(e.details ? { details: { ...e.details } } : {}) }
  return new DubanError(e.code, detail.startsWith(`${file}: `) ? detail : detail ? `${file}: ${detail}` : file, opts)
}

async function readBytes(bytes: Buffer, file: string, claimed: InputFormat | null): Promise<InputText> {
  if (bytes.length === 0) throw new DubanError('DUBAN_ERR_INPUT_EMPTY')
  const sniffed = sniff(bytes)
  const base = { file, bytes: bytes.length }
  let result: InputText
  switch (sniffed) {
    case 'zip': {
      // Every entry's expanded size is checked before any library opens the archive.
      const names = checkZip(bytes, file)
      if (names.includes('xl/workbook.xml') || names.includes('xl/workbook.bin') || (names.includes('content.xml') && names.includes('mimetype') && claimed !== 'docx')) {
        result = { ...base, ...tablesText(workbookTables(bytes, file)), encoding: 'xlsx', format: 'xlsx' }
      } else if (names.includes('word/document.xml')) {
        const xml = await documentXml(bytes)
        result = hasTables(xml)
          ? { ...base, ...tablesText(docxBlocks(xml)), encoding: 'docx', format: 'docx' }
          : { ...base, text: await docxToText(bytes), encoding: 'docx', format: 'docx' }
      } else {
        const kind = names.includes('ppt/presentation.xml') ? 'a PowerPoint file' : `a zip of ${names.slice(0, 3).join(', ') || 'nothing'}`
        throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: ${kind}, neither a Word document nor a workbook`, { where: file })
      }
      break
    }
    case 'ole': {
      const stream = oleKind(bytes)
      if (stream === 'encrypted') {
        throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: a password-protected (encrypted) Office file; save it without a password and try again`, { where: file })
      }
      if (stream === 'workbook') result = { ...base, ...tablesText(workbookTables(bytes, file)), encoding: 'xls', format: 'xls' }
      else result = { ...base, text: await docToText(bytes), encoding: 'doc', format: 'doc' }
      break
    }
    case 'pdf': {
      const { text, tables } = await pdfContent(bytes)
      const blocks = pdfBlocks(text, tables)
      result = blocks ? { ...base, ...tablesText(blocks), encoding: 'pdf', format: 'pdf' } : { ...base, text, encoding: 'pdf', format: 'pdf' }
      break
    }
    case 'html': {
      const { text, encoding } = decodeText(bytes, declaredCharset(bytes))
      result = { ...base, text: htmlToText(text), encoding, format: 'html' }
      break
    }
    case 'text': {
      if (claimed === 'csv') {
        const { table, encoding } = csvTable(bytes, file)
        result = { ...base, ...tablesText([table]), encoding, format: 'csv' }
        break
      }
      if (claimed === 'docx' || claimed === 'doc' || claimed === 'pdf' || claimed === 'xlsx' || claimed === 'xls') {
        const sig = claimed === 'pdf' ? '%PDF' : claimed === 'docx' || claimed === 'xlsx' ? 'zip (PK)' : 'OLE (D0 CF 11 E0)'
        throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `named .${claimed} but has no ${sig} signature`)
      }
      const { text, encoding } = decodeText(bytes)
      // A page saved with an odd start (a BOM, a comment) but named .html is still a page.
      const html = claimed === 'html' && /<(p|div|br|body)[\s>/]/i.test(text.slice(0, 65536))
      result = { ...base, text: html ? htmlToText(text) : text, encoding, format: html ? 'html' : 'text' }
      break
    }
  }
  if (result.text.trim() === '') {
    throw new DubanError('DUBAN_ERR_INPUT_EMPTY', result.format === 'text' ? 'only white space' : `no text in the ${result.format} document`)
  }
  return result
}

/** Text blocks and tables as `|` lines, with the row of each line. */
function tablesText(blocks: readonly (string | SourceTable)[]): { text: string; rows: ReadonlyMap<number, RowSource>; tables: readonly SourceTable[] } {
  const { text, rows, tables } = renderBlocks(blocks)
  return { text: text.trimEnd(), rows, tables }
}

/**
 * A PDF with task tables: the text before the first table's header, the tables (task tables
 * only: a header the reader knows), then the text lines that are not pieces of a table row.
 * Null when no task table was found (the text is read as it is).
 */
export function pdfBlocks(text: string, tables: readonly string[][][]): (string | SourceTable)[] | null {
  const squeeze = (s: string) => s.replace(/\s+/g, '')
  const task = tables.filter((t) => t.slice(0, 3).some((r) => readColumns(r) !== null))
  if (task.length === 0) return null
  const lines = text.split('\n')
  const head = squeeze(task[0]!.find((r) => readColumns(r) !== null)!.join(''))
  const at = lines.findIndex((l) => squeeze(l) !== '' && head.startsWith(squeeze(l)) && squeeze(l).length >= Math.min(6, head.length))
  if (at < 0) return null
  const rowsText = task.flatMap((t) => t.map((r) => r.join('')))
  const inTable = (l: string) => squeeze(l) === '' || rowsText.some((r) => r.includes(squeeze(l))) || head.includes(squeeze(l))
  const after = lines.slice(at + 1).filter((l) => !inTable(l))
  return [
    lines.slice(0, at).join('\n'),
    ...task.map((t, k) => ({ name: `表${k + 1}`, rows: t.map((cells, r) => ({ row: r + 1, cells: cells.map((c, ci) => ({ ref: `表${k + 1} R${r + 1}C${ci + 1}`, text: c })) })) })),
    after.join('\n'),
  ]
}

/** What an OLE compound file holds, by its stream names (stored as UTF-16LE in the directory). */
function oleKind(bytes: Buffer): 'encrypted' | 'workbook' | 'word' {
  const has = (name: string) => bytes.includes(Buffer.from(name, 'utf16le'))
  if (has('EncryptedPackage')) return 'encrypted'
  if (has('WordDocument')) return 'word'
  if (has('Workbook') || has('Book')) return 'workbook'
  return 'word'
}

async function readFileLimited(path: string, maxSize: number): Promise<Buffer> {
  let size: number
  try {
    const st = await stat(path)
    if (st.isDirectory()) throw new DubanError('DUBAN_ERR_INPUT_NOT_FOUND', 'is a directory')
    size = st.size
  } catch (e) {
    throw asNotFound(e)
  }
  if (size > maxSize) throw tooLarge(size, maxSize)
  // Read through a handle and stop at the limit: the file may grow between stat and read.
  let handle
  try {
    handle = await open(path, 'r')
  } catch (e) {
    throw asNotFound(e)
  }
  try {
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxSize + 1 - total))
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null)
      if (bytesRead === 0) break
      total += bytesRead
      chunks.push(chunk.subarray(0, bytesRead))
      if (total > maxSize) throw tooLarge(total, maxSize)
    }
    return Buffer.concat(chunks, total)
  } finally {
    await handle.close()
  }
}

async function readStream(stream: Readable, maxSize: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    total += buf.length
    if (total > maxSize) {
      stream.destroy()
      throw tooLarge(total, maxSize, true)
    }
    chunks.push(buf)
  }
  return Buffer.concat(chunks, total)
}

function tooLarge(size: number, maxSize: number, atLeast = false): DubanError {
  return new DubanError('DUBAN_ERR_INPUT_TOO_LARGE', `${atLeast ? 'more than ' : ''}${formatBytes(size)} > limit ${formatBytes(maxSize)}`, {
    details: { size, maxSize },
  })
}

function asNotFound(e: unknown): DubanError {
  if (e instanceof DubanError) return e
  const code = (e as NodeJS.ErrnoException).code
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? String(e)
  return new DubanError('DUBAN_ERR_INPUT_NOT_FOUND', why)
}

/** `20971520` → `20.0 MB`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${n} B`
}

/** Parses a size such as `20MB`, `500k`, `1048576`; null when it is not one. */
export function parseSize(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(s)
  if (!m) return null
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g']
  return Math.floor(Number(m[1]) * mult)
}
