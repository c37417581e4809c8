/**
 * What a parse worker runs (解析任务): a plan document through the input reader, or the rows of a unit
 * workbook. Runs inside a worker thread (parse.worker.mjs); DubanErrors travel back as plain data, since
 * a class does not survive the thread boundary.
 */
import { fromBytes, type InputText } from '../input/read-input.ts'
import { readXlsxRows } from '../input/unit-workbook.read.ts'
import { DubanError } from '../../domain/errors.ts'

export type ParseTask = { readonly op: 'document'; readonly bytes: Uint8Array; readonly name: string } | { readonly op: 'unit-xlsx'; readonly bytes: Uint8Array; readonly name: string }

export type ParseAnswer =
  | { readonly ok: true; readonly document?: InputText; readonly rows?: string[][] }
  | { readonly ok: false; readonly error: { code: string; message: string; where: string | null; details: Record<string, unknown> | null } }

export default async function parse(task: ParseTask): Promise<ParseAnswer> {
  try {
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength)
    if (task.op === 'document') return { ok: true, document: await fromBytes(bytes, task.name) }
    return { ok: true, rows: await readXlsxRows(bytes, task.name) }
  } catch (e) {
    if (e instanceof DubanError) return { ok: false, error: { code: e.code, message: e.message, where: e.where ?? null, details: e.details ? { ...e.details } : null } }
    throw e
  }
}
