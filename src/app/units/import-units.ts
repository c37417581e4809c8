/**
 * Importing units (单位导入) from .csv or .xlsx: everything or nothing, in one transaction, with a
 * line-and-field message for every problem.
 */
import { listUnits } from '../../persistence/units.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { parseCsv, readUnitRows, type UnitFileProblem } from '../../domain/units/unit-file.parse.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { saveUnit } from './manage-units.ts'

/**
 * Decodes CSV bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030, which Excel in China writes.
 * Judged line by line (a line feed is never part of a GBK character): a line that is neither UTF-8 nor GB18030, or
 * a file whose lines mix the two, is refused naming the file and line, never decoded into mojibake or U+FFFD that
 * would be stored as unit names.
 */
export function decodeCsv(bytes: Uint8Array, file = 'file'): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  const gb = new TextDecoder('gb18030', { fatal: true })
  const valid = (d: TextDecoder, b: Uint8Array): boolean => {
    try {
      d.decode(b)
      return true
    } catch {
      return false
    }
  }
  let firstUtf8 = 0
  let firstGb = 0
  for (let start = 0, line = 1; start < bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start)
    if (end < 0) end = bytes.length
    const b = bytes.subarray(start, end)
    start = end + 1
    if (b.every((x) => x < 0x80)) continue
    if (valid(utf8, b)) firstUtf8 ||= line
    else if (valid(gb, b)) firstGb ||= line
    else throw new DubanError('DUBAN_ERR_INPUT_ENCODING', `${file}: line ${line} is neither UTF-8 nor GBK/GB18030 text`, { where: `${file}:${line}` })
    if (firstUtf8 && firstGb) {
      const at = Math.max(firstUtf8, firstGb)
      throw new DubanError('DUBAN_ERR_INPUT_ENCODING', `${file}: line ${firstGb} is GBK but line ${firstUtf8} UTF-8; save the whole file as UTF-8`, { where: `${file}:${at}` })
    }
  }
  return new TextDecoder(firstGb ? 'gb18030' : 'utf-8').decode(bytes)
}

/** The reader of callers that only ever pass .csv (the demo seeds). */
async function refuseXlsx(): Promise<string[][]> {
  throw new DubanError('DUBAN_ERR_INPUT_FORMAT', 'no .xlsx reader was given to this unit import')
}

/** Which reader a file needs. */
export type UnitFileFormat = 'csv' | 'xlsx'

/** Guesses the format from the name, then from the bytes (an .xlsx is a zip: PK\x03\x04). */
export function unitFileFormat(fileName: string | undefined, bytes: Uint8Array): UnitFileFormat {
  if (fileName?.toLowerCase().endsWith('.xlsx')) return 'xlsx'
  if (fileName?.toLowerCase().endsWith('.csv')) return 'csv'
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04 ? 'xlsx' : 'csv'
}

/** The summary of an import. */
export interface UnitImportResult {
  readonly created: number
  readonly updated: number
}

function describe(problems: readonly UnitFileProblem[]): string {
  const shown = problems.slice(0, 10).map((p) => `line ${p.line}, ${p.field}: ${p.message}`)
  return shown.join('; ') + (problems.length > 10 ? `; … ${problems.length - 10} more` : '')
}

/** Imports a unit file; throws DUBAN_ERR_UNIT_IMPORT (with every problem in details.problems) and writes nothing when it is not clean. */
export async function importUnits(
  deps: AppDeps,
  actor: Actor | null,
  file: { name?: string; bytes: Uint8Array },
  /** How a workbook is read (an input adapter): the HTTP route passes a bounded worker (parse-pool.ts). */
  readXlsx: (bytes: Uint8Array) => Promise<string[][]> = refuseXlsx,
): Promise<UnitImportResult> {
  if (file.bytes.length === 0) throw new DubanError('DUBAN_ERR_INPUT_EMPTY', file.name, { where: file.name || 'file' })
  const format = unitFileFormat(file.name, file.bytes)
  const rows = format === 'xlsx' ? await readXlsx(file.bytes) : parseCsv(decodeCsv(file.bytes, file.name ?? 'file'))
  return deps.db.transaction(async (tx) => {
    const existing = new Set((await listUnits(tx, { includeInactive: true })).map((u) => u.id))
    const { records, problems } = readUnitRows(rows, existing)
    if (problems.length > 0) {
      const first = problems[0] as UnitFileProblem
      throw new DubanError('DUBAN_ERR_UNIT_IMPORT', describe(problems), {
        where: `${file.name ?? 'file'}:${first.line}/${first.field}`,
        details: { problems },
      })
    }
    let created = 0
    for (const r of records) {
      if (!existing.has(r.id)) created++
      await saveUnit(deps, actor, r, tx)
    }
    const result = { created, updated: records.length - created }
    await appendAudit(tx, { actorId: actor?.userId ?? null, action: 'unit.import', entity: 'unit', entityId: null, after: { file: file.name ?? null, ...result }, at: deps.clock.now() })
    return result
  })
}
