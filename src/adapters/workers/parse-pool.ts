/**
 * Documents are parsed off the event loop (文档解析线程池): a small piscina pool of worker threads, each
 * with a heap limit (resourceLimits) and every task with a timeout. A zip bomb, a pathological sheet or a
 * parser bug costs its uploader an error (413 DUBAN_ERR_INPUT_BOMB or the reader's own 4xx), never anyone
 * else a delay: the thread that serves requests only waits on a promise. Archives are also checked by
 * zip-guard.ts (expanded size and ratio per entry) inside the worker before any library inflates them.
 */
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { DubanError, type ErrorCode } from '../../domain/errors.ts'
import type { InputText } from '../input/read-input.ts'
import type { ParseAnswer, ParseTask } from './parse-task.ts'

/** Limits of the pool; every field has a default. */
export interface ParsePoolOptions {
  /** Worker threads at most (2). */
  readonly threads?: number
  /** Tasks waiting for a thread at most; beyond it the upload is refused as overload (8). */
  readonly queue?: number
  /** Heap of one worker in MB (384). */
  readonly heapMb?: number
  /** Longest parse in ms, a worker's start-up included (60 s). */
  readonly timeoutMs?: number
}

let pool: Piscina | null = null
let settings: Required<ParsePoolOptions> = { threads: 2, queue: 8, heapMb: 384, timeoutMs: 60_000 }

/** Sets the pool's limits (before the first task, or after closeParsePool). */
export function configureParsePool(opts: ParsePoolOptions): void {
  settings = { ...settings, ...opts }
}

function thePool(): Piscina {
  pool ??= new Piscina({
    filename: fileURLToPath(new URL('./parse.worker.mjs', import.meta.url)),
    minThreads: 0,
    maxThreads: settings.threads,
    maxQueue: settings.queue,
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: settings.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
  })
  return pool
}

/** Stops the workers (tests, shutdown). */
export async function closeParsePool(): Promise<void> {
  const p = pool
  pool = null
  await p?.destroy()
}

async function run(task: ParseTask): Promise<ParseAnswer> {
  const p = thePool()
  try {
    return (await p.run(task, { signal: AbortSignal.timeout(settings.timeoutMs) })) as ParseAnswer
  } catch (e) {
    const err = e as Error & { code?: string; name?: string }
    if (err.name === 'AbortError' || err.name === 'TimeoutError') {
      throw new DubanError('DUBAN_ERR_INPUT_BOMB', `${task.name}: reading took longer than ${settings.timeoutMs / 1000} s`, { where: 'body/file' })
    }
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(err.message)) {
      throw new DubanError('DUBAN_ERR_INPUT_BOMB', `${task.name}: reading needed more than ${settings.heapMb} MB`, { where: 'body/file' })
    }
    if (/queue is full/i.test(err.message)) {
      throw new DubanError('DUBAN_ERR_OVERLOADED', 'too many documents are being read; try again shortly', { where: 'body/file', details: { retryAfterSeconds: 5 } })
    }
    throw e
  }
}

function check(a: ParseAnswer): Extract<ParseAnswer, { ok: true }> {
  if (a.ok) return a
  const { code, message, where, details } = a.error
  const e = new DubanError(code as ErrorCode, undefined, { ...(where ? { where } : {}), ...(details ? { details } : {}) })
  // Keep the worker's full message (the catalogue text plus its specifics).
  Object.defineProperty(e, 'message', { value: message })
  throw e
}

/** True for containers whose reading inflates or walks structures (zip: docx/xlsx/ods; OLE: doc/xls/et; PDF). */
export function needsWorker(bytes: Uint8Array): boolean {
  const at = (i: number): number => bytes[i] ?? -1
  const zip = at(0) === 0x50 && at(1) === 0x4b && (at(2) === 0x03 || at(2) === 0x05)
  const ole = at(0) === 0xd0 && at(1) === 0xcf && at(2) === 0x11 && at(3) === 0xe0
  const pdf = at(0) === 0x25 && at(1) === 0x50 && at(2) === 0x44 && at(3) === 0x46
  return zip || ole || pdf
}

/**
 * Reads an uploaded plan document (fromBytes of read-input.ts): containers in a worker; plain text, CSV and
 * HTML, whose decoding is linear in their (size-limited) bytes, on the calling thread without a worker's start-up.
 */
export async function parseDocument(bytes: Buffer, name: string): Promise<InputText> {
  if (!needsWorker(bytes)) return (await import('../input/read-input.ts')).fromBytes(bytes, name)
  return check(await run({ op: 'document', bytes, name })).document as InputText
}

/** Reads the first sheet of a unit workbook in a worker, after the zip guard. */
export async function parseUnitWorkbook(bytes: Uint8Array, name = 'units.xlsx'): Promise<string[][]> {
  return check(await run({ op: 'unit-xlsx', bytes, name })).rows as string[][]
}
