/**
 * The PGlite backend in a worker thread (pglite-thread.ts starts it; not imported by anything else). It only runs
 * raw protocol bytes: each message from the main thread is one `execProtocolRawStream` call, answered with the
 * backend's raw reply bytes (transferred, not copied). Everything else — statements and their names, parameter
 * types and values, parsing rows, the transaction lock — stays on the main thread, so the bytes this thread runs
 * are exactly what `pglite.db.ts` would run in the main thread.
 *
 * Messages are taken one at a time, in order. `sync` is PGlite's `syncToFs` (a no-op for a data directory on Node,
 * whose writes reach the file system while the backend runs, before the reply is sent).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'

/** Main thread → worker. */
export type WorkerRequest = { id: number; op: 'run'; bytes: Uint8Array; sync: boolean } | { id: number; op: 'close' }
/** Worker → main thread: the ready message once, then one reply per request. */
export type WorkerReply =
  | { ready: true; arrayTypes: { oid: number; typarray: number }[] }
  | { ready: false; error: string }
  | { id: number; data: Uint8Array }
  | { id: number; error: string }

/** What the main thread passes at start. */
export interface WorkerStart {
  readonly dataDir: string | undefined
  readonly startParams: string[]
}

/** The array types PGlite itself reads at start (`_initArrayTypes`), so the main thread can build the same parsers. */
const ARRAY_TYPES = `SELECT b.oid, b.typarray FROM pg_catalog.pg_type a LEFT JOIN pg_catalog.pg_type b ON b.oid = a.typelem
  WHERE a.typcategory = 'A' GROUP BY b.oid, b.typarray ORDER BY b.oid`

const port = parentPort
if (!port) throw new Error('pglite-worker.ts runs only as a worker thread (pglite-thread.ts)')
const start = workerData as WorkerStart

let pg: PGlite
try {
  // pg_trgm: the trigram index of ledger text search (migration 070), as on a server.
  const options = { extensions: { pg_trgm }, startParams: start.startParams }
  pg = start.dataDir ? new PGlite(start.dataDir, options) : new PGlite(options)
  await pg.waitReady
  const arrayTypes = (await pg.query<{ oid: number; typarray: number }>(ARRAY_TYPES)).rows
  port.postMessage({ ready: true, arrayTypes } satisfies WorkerReply)
} catch (e) {
  port.postMessage({ ready: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply)
  throw e
}

let queue: Promise<void> = Promise.resolve()
port.on('message', (m: WorkerRequest) => {
  queue = queue.then(() => handle(m))
})

async function handle(m: WorkerRequest): Promise<void> {
  try {
    if (m.op === 'close') {
      await pg.close()
      port!.postMessage({ id: m.id, data: new Uint8Array(0) } satisfies WorkerReply)
      port!.close()
      return
    }
    const chunks: Uint8Array[] = []
    let length = 0
    await pg.execProtocolRawStream(m.bytes, {
      syncToFs: m.sync,
      // A view into the wasm heap, valid only during the call: copied.
      onRawData: (bytes) => {
        chunks.push(bytes.slice())
        length += bytes.length
      },
    })
    const data = chunks.length === 1 ? chunks[0]! : new Uint8Array(length)
    if (chunks.length !== 1) {
      let at = 0
      for (const c of chunks) {
        data.set(c, at)
        at += c.length
      }
    }
    port!.postMessage({ id: m.id, data } satisfies WorkerReply, [data.buffer as ArrayBuffer])
  } catch (e) {
    port!.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply)
  }
}
