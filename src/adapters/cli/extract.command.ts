/**
 * `duban extract FILE…`: reads plan documents (计划文件) and prints or writes what the plan reader
 * finds in them, as the full ExtractionResult (json), the gold annotation format (gold) or a
 * ledger table (table). A bad file costs one error line; the other files are still extracted.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { DubanError } from '../../domain/errors.ts'
import { extractPlan } from '../../domain/text/extract.ts'
import type { Deadline, ExtractionResult, Target } from '../../domain/text/extraction.types.ts'
import { DEFAULT_MAX_SIZE, formatBytes, parseSize, readInput } from '../input/read-input.ts'

type Format = 'json' | 'gold' | 'table'

const USAGE = `usage: duban extract FILE… [--format json|gold|table] [--out DIR] [--max-size SIZE]

Reads plan documents (工作要点 / 工作方案 / 政府工作报告) and prints what was found in them.
FILE is a path, or - for standard input. Plain text (UTF-8, GBK/GB18030, UTF-16 with BOM),
saved web pages, .docx, .doc and .pdf are read, and task tables (任务分解表) in .xlsx, .xls, .et,
.csv (UTF-8 or GBK), Word and HTML tables; the kind is told from the content.

options:
  -f, --format F     json  (default) the full extraction result
                     gold  the corpus gold annotation format, one <name>.json per input
                     table a readable ledger: line, path, item, units, deadlines, targets
  -o, --out DIR      write one file per input into DIR (<name>.json, or <name>.txt for table)
                     instead of printing; files are written atomically
      --max-size S   refuse inputs larger than S (default 20MB; e.g. 500k, 50MB)
  -h, --help         show this help

exit status: 0 when every file was extracted, 1 when any file failed, 2 on a usage error.`

/** Runs `duban extract`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'json' },
        out: { type: 'string', short: 'o' },
        'max-size': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (e) {
    return usageError((e as Error).message)
  }
  const { values, positionals: files } = parsed
  if (values.help) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  const format = values.format as Format
  if (!['json', 'gold', 'table'].includes(format)) return usageError(`unknown format '${values.format}'`)
  if (files.length === 0) return usageError('no input file given')
  if (files.filter((f) => f === '-').length > 1) return usageError('standard input (-) can be read only once')
  const maxSize = values['max-size'] === undefined ? DEFAULT_MAX_SIZE : parseSize(values['max-size'])
  if (maxSize === null || maxSize <= 0) return usageError(`bad --max-size '${values['max-size']}'`)
  const outDir = values.out
  if (outDir !== undefined) {
    try {
      await mkdir(outDir, { recursive: true })
    } catch (e) {
      process.stderr.write(`duban extract: ${outDir}: cannot create the output folder: ${(e as Error).message}\n`)
      return 1
    }
  }

  const progress = await startProgress(files)
  const report = (line: string): void => {
    if (progress) {
      // MultiBar prints logged lines on its next redraw and drops those still pending at stop():
      // redraw now so the line is never lost.
      progress.bars.log(line + '\n')
      progress.bars.update()
    } else process.stderr.write(line + '\n')
  }
  const names = new OutputNames()
  const printed: string[] = []
  let failed = 0
  for (const source of files) {
    try {
      const input = await readInput(source, { maxSize })
      const result = extractPlan(input.text, { file: input.file, encoding: input.encoding, ...(input.rows ? { rows: input.rows } : {}) })
      const rendered = await render(result, format)
      if (outDir === undefined) {
        printed.push(rendered)
      } else {
        const name = names.claim(stem(input.file), format === 'table' ? '.txt' : '.json')
        await writeAtomic(join(outDir, name), rendered)
      }
    } catch (e) {
      failed++
      report(errorLine(source, e))
    }
    progress?.bar.increment(1, { file: basename(source) })
  }
  progress?.bars.stop()

  if (printed.length > 0) {
    if (format === 'table') process.stdout.write(printed.join('\n'))
    else if (files.length === 1) process.stdout.write(printed[0]! + '\n')
    else process.stdout.write(`[\n${printed.join(',\n')}\n]\n`)
  }
  return failed > 0 ? 1 : 0
}

function usageError(message: string): number {
  process.stderr.write(`duban extract: ${message}\n\n${USAGE}\n`)
  return 2
}

/** The one line reported for a file that could not be extracted. */
function errorLine(source: string, e: unknown): string {
  const name = source === '-' ? 'stdin' : source
  // An unexpected failure (a bug in the reader) is reported like the others, on one line.
  const err = e instanceof DubanError ? e : new DubanError('DUBAN_ERR_INTERNAL', e instanceof Error ? e.message.split('\n')[0] : String(e))
  return `duban extract: ${name}: ${err.userMessage} — ${err.message} [${err.code}]`
}

async function render(result: ExtractionResult, format: Format): Promise<string> {
  switch (format) {
    case 'json':
      return JSON.stringify(result, null, 2)
    case 'gold': {
      // Loaded on demand: only this format needs it.
      const { toGold } = await import('../../domain/text/gold-format.ts')
      return JSON.stringify(toGold(result), null, 2)
    }
    case 'table':
      return renderTable(result, tableWidth())
  }
}

/** `plan.final.txt` → `plan.final`; `stdin` stays `stdin`. */
function stem(file: string): string {
  const ext = extname(file)
  return ext && ext !== file ? file.slice(0, -ext.length) : file
}

/** Gives each input its own output name: a second `plan.txt` (from another folder) becomes `plan-2.json`. */
class OutputNames {
  private readonly used = new Set<string>()
  claim(base: string, ext: string): string {
    let name = base + ext
    for (let n = 2; this.used.has(name); n++) name = `${base}-${n}${ext}`
    this.used.add(name)
    return name
  }
}

/** Writes a file so that it is either absent or complete: a temporary file renamed into place. */
async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = join(path, '..', `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(tmp, content.endsWith('\n') ? content : content + '\n', { flag: 'wx' })
    await rename(tmp, path)
  } catch (e) {
    await unlink(tmp).catch(() => undefined)
    throw new DubanError('DUBAN_ERR_OUTPUT_WRITE', `${path}: ${(e as Error).message}`)
  }
}

/** A progress bar on stderr, only for a person watching several files or a large one. */
async function startProgress(files: string[]): Promise<{ bars: cliProgress.MultiBar; bar: cliProgress.SingleBar } | null> {
  if (!process.stderr.isTTY) return null
  let total = 0
  for (const f of files) total += f === '-' ? 0 : await stat(f).then((s) => s.size, () => 0)
  if (files.length < 2 && total < 1024 * 1024) return null
  // linewrap: true keeps the terminal's wrapping on, so a long error line is wrapped, not cut.
  const bars = new cliProgress.MultiBar(
    { stream: process.stderr, clearOnComplete: true, hideCursor: true, linewrap: true, format: 'extract [{bar}] {value}/{total} {file}' },
    cliProgress.Presets.shades_classic,
  )
  const bar = bars.create(files.length, 0, { file: `(${formatBytes(total)})` })
  return { bars, bar }
}

// ── table format ─────────────────────────────────────────────────────────

/** The terminal's width, or $COLUMNS, or 160 when printing to a file or pipe. */
function tableWidth(): number {
  const cols = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS)
  return Math.max(100, Math.min(cols || 160, 220))
}

/** The ledger (台账) view of one file: a heading and one row per item for each document. */
export function renderTable(result: ExtractionResult, width = 160): string {
  const out: string[] = []
  const docs = result.documents
  const items = docs.reduce((n, d) => n + d.items.length, 0)
  out.push(`${result.file} (${result.encoding}): ${docs.length} document(s), ${items} item(s)`)
  const fixed = { line: 5, path: 14, deadlines: 16 }
  const flexible = Math.max(60, width - fixed.line - fixed.path - fixed.deadlines - 5 * 2)
  const w = { ...fixed, title: Math.floor(flexible * 0.36), units: Math.floor(flexible * 0.4), targets: 0 }
  w.targets = flexible - w.title - w.units
  const row = (cells: string[]): string =>
    [pad(cells[0]!, w.line, 'right'), pad(cells[1]!, w.path), pad(cells[2]!, w.title), pad(cells[3]!, w.units), pad(cells[4]!, w.deadlines), fit(cells[5]!, w.targets)]
      .join('  ')
      .trimEnd()
  for (const doc of docs) {
    const assigned = doc.items.filter((i) => i.assigned).length
    out.push('')
    out.push(`■ ${doc.title || '(untitled)'}  lines ${doc.firstLine}–${doc.lastLine}, ${doc.items.length} item(s), ${assigned} assigned`)
    if (doc.items.length === 0) continue
    out.push(row(['line', 'path', 'item', 'units (牵头 lead / 责任 resp. / 配合 coop)', 'deadlines', 'targets']))
    out.push(row(['─'.repeat(w.line), '─'.repeat(w.path), '─'.repeat(w.title), '─'.repeat(w.units), '─'.repeat(w.deadlines), '─'.repeat(Math.min(w.targets, 20))]))
    for (const item of doc.items) {
      out.push(
        row([
          String(item.line),
          item.path.join(''),
          (item.assigned ? '' : '· ') + (item.title || item.text),
          unitsCell(item.lead, item.responsible, item.cooperating),
          item.deadlines.map(deadlineCell).join(', '),
          item.targets.map(targetCell).join('; '),
        ]),
      )
    }
  }
  return out.join('\n') + '\n'
}

function unitsCell(lead: readonly string[], responsible: readonly string[], cooperating: readonly string[]): string {
  const parts: string[] = []
  if (lead.length) parts.push(`牵头 ${lead.join('、')}`)
  if (responsible.length) parts.push(`责任 ${responsible.join('、')}`)
  if (cooperating.length) parts.push(`配合 ${cooperating.join('、')}`)
  return parts.join('；')
}

/** {year:null, month:8} → `xx-08`; {year:2018, month:12} → `2018-12`. */
function deadlineCell(d: Deadline): string {
  const parts = [d.year === null ? 'xx' : String(d.year)]
  if (d.month !== null) parts.push(String(d.month).padStart(2, '0'))
  if (d.day !== null) parts.push(String(d.day).padStart(2, '0'))
  return parts.length === 1 && d.year === null ? d.text : parts.join('-')
}

const COMPARISON: Record<Target['comparison'], string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=', range: '' }

function targetCell(t: Target): string {
  const value = t.comparison === 'range' ? `${t.value}–${t.valueTo ?? '?'}` : `${COMPARISON[t.comparison]}${t.value}`
  return `${t.metric}${value}${t.unit}`
}

/** Display width in terminal cells: CJK and full-width characters take two, combining marks none. */
export function displayWidth(s: string): number {
  let w = 0
  for (const ch of s) w += charWidth(ch.codePointAt(0)!)
  return w
}

function charWidth(c: number): number {
  if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c <= 0x36f) || c === 0x200b || (c >= 0xfe00 && c <= 0xfe0f)) return 0
  if (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  ) {
    return 2
  }
  return 1
}

/** Cuts `s` to at most `width` cells, ending with … when something was cut; line breaks become spaces. */
function fit(s: string, width: number): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  if (displayWidth(flat) <= width) return flat
  let out = ''
  let w = 0
  for (const ch of flat) {
    const cw = charWidth(ch.codePointAt(0)!)
    if (w + cw > width - 1) break
    out += ch
    w += cw
  }
  return out + '…'
}

function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = fit(s, width)
  const fill = ' '.repeat(Math.max(0, width - displayWidth(cut)))
  return align === 'left' ? cut + fill : fill + cut
}
