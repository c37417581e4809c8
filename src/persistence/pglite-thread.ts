/**
 * PGlite with its backend in a worker thread (PGlite 线程): what open.ts opens with DUBAN_PGLITE_THREAD=worker.
 *
 * Why: PGlite runs PostgreSQL compiled to WASM inside the process. In the main thread every statement ran on the
 * event loop, so a progress report's HTTP work and its backend work took turns on one core while the machine's
 * other core idled (profile: the WASM backend 39–42% of the server's CPU, PGlite's JS 16%). Here the backend runs
 * in a `worker_threads` Worker (pglite-worker.ts): while it executes one request's statement, the main thread
 * parses, checks and answers other requests.
 *
 * What crosses the thread boundary is raw protocol bytes (Parse/Bind/Describe/Execute/Sync in, the backend's reply
 * out, transferred, not copied); this side builds them with PGlite's own serializers and parses the replies with
 * its own parser and `parseResults`, as `PGlite.query`, `exec` and `transaction` do, so rows, types and errors
 * (`DatabaseError`, with `query` and `params`) are what the in-thread PGlite gives.
 *
 * - PGlite is one session: statements are serialised by a lock here, as PGlite's own transaction lock does; a
 *   transaction holds it from BEGIN to COMMIT/ROLLBACK, a statement outside one for that statement.
 * - Named statements (热点语句) are prepared once and then run in one message (pglite-prepared.ts explains why);
 *   an unnamed statement with parameters takes two (Parse + Describe for its parameter types, then Bind + Execute).
 * - Durability is unchanged: a statement outside a transaction, and COMMIT, resolve only after the worker has run
 *   them, and the backend writes the data directory while it runs (test/security/crash-loop.test.ts).
 * - The worker keeps the process alive only while a statement is outstanding (unref when idle), as an in-thread
 *   PGlite does not keep it alive either; `close()` ends it.
 */
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Mutex, TransactionAbortedError, messages as pgMessages, parse, protocol, types } from '@electric-sql/pglite'
import { DbMemo, type Db, type Queryable, type QueryOptions } from './db.ts'
import type { WorkerReply, WorkerRequest, WorkerStart } from './pglite-worker.ts'
import { concat, namedRunMessage, readReply } from './pglite-prepared.ts'

type BackendMessage = Parameters<Parameters<InstanceType<typeof protocol.Parser>['parse']>[1]>[0]
// PGlite's own parser and serializer types (its bytea serializer gives bytes, despite the declared string).
type Parsers = Record<number | string, (x: string, typeId?: number) => any>
type Serializers = Record<number | string, (x: any) => string>
type PgliteParsers = Parameters<typeof readReply>[2]

/** The one message of a named statement's run: Bind (its values), Execute, Sync; no Describe (its columns are kept from the preparation); namedRunMessage writes it. */
export function namedRun(name: string, values: (string | null)[]): Uint8Array {
  return namedRunMessage(name, values)
}

/**
 * Loads pglite-worker.ts in a new thread. The sources run as TypeScript through tsx (bin/duban.js registers it in
 * the main thread only, and a worker starts without the main thread's loaders), so the worker registers it first.
 */
function startWorker(start: WorkerStart): Worker {
  const entry = new URL('./pglite-worker.ts', import.meta.url).href
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(boot, { eval: true, workerData: start })
}

/** The worker and its request/reply bookkeeping. */
class Backend {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (data: Uint8Array) => void; reject: (e: Error) => void }>()
  private failure: Error | null = null

  /** `onSend`: sees the protocol bytes of every run before they go to the worker (tests: what a statement costs in messages). */
  constructor(
    private readonly worker: Worker,
    private readonly onSend?: (bytes: Uint8Array) => void,
  ) {
    worker.on('message', (m: WorkerReply) => {
      if (!('id' in m)) return
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (this.pending.size === 0) this.worker.unref()
      if ('error' in m) p.reject(new Error(`PGlite worker: ${m.error}`))
      else p.resolve(m.data)
    })
    const fail = (e: Error): void => {
      this.failure ??= e
      for (const p of this.pending.values()) p.reject(e)
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`PGlite worker exited (code ${code})`)))
  }

  /** Runs raw protocol bytes in the worker; `sync`: PGlite's syncToFs after them. */
  run(bytes: Uint8Array, sync: boolean): Promise<Uint8Array> {
    this.onSend?.(bytes)
    // Copied, not transferred: a serializer may hand out a shared buffer (Sync's), which a transfer would detach.
    return this.send({ id: this.nextId++, op: 'run', bytes, sync })
  }

  close(): Promise<Uint8Array> {
    return this.send({ id: this.nextId++, op: 'close' })
  }

  private send(m: WorkerRequest): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending.set(m.id, { resolve, reject })
      if (this.pending.size === 1) this.worker.ref()
      this.worker.postMessage(m)
    })
  }
}

/**
 * Opens PGlite on a data directory (created if missing) or in memory when dataDir is undefined, its backend in a
 * worker thread. `startParams`: PGlite's start parameters (pglite.db.ts `pgliteStartParams`); `onSend` (tests) sees
 * the bytes of every run sent to the worker.
 */
export async function openPgliteThread(dataDir: string | undefined, startParams: string[], opts: { readonly onSend?: (bytes: Uint8Array) => void } = {}): Promise<Db> {
  const worker = startWorker({ dataDir, startParams })
  const arrayTypes = await new Promise<{ oid: number; typarray: number }[]>((resolve, reject) => {
    const onMessage = (m: WorkerReply): void => {
      if ('id' in m) return
      worker.off('message', onMessage)
      worker.off('error', reject)
      if (m.ready) resolve(m.arrayTypes)
      else reject(new Error(`PGlite worker did not start: ${m.error}`))
    }
    worker.on('message', onMessage)
    worker.once('error', reject)
  })
  worker.unref()
  const backend = new Backend(worker, opts.onSend)

  // The parsers and serializers PGlite builds for itself (its defaults, then one per array type).
  const parsers: Parsers = { ...(types.parsers as Parsers) }
  const serializers: Serializers = { ...(types.serializers as Serializers) }
  for (const t of arrayTypes) {
    serializers[t.typarray] = (x) => types.arraySerializer(x, serializers[t.oid], t.typarray)
    parsers[t.typarray] = (x) => types.arrayParser(x, parsers[t.oid]!, t.typarray)
  }

  const parser = new protocol.Parser()
  /** The backend's reply as messages; the first database error is thrown, with the statement, as PGlite does. */
  const replyOf = (data: Uint8Array, sql: string, params: readonly unknown[] | undefined): BackendMessage[] => {
    const out: BackendMessage[] = []
    parser.parse(data, (m) => out.push(m))
    const error = out.find((m) => m instanceof pgMessages.DatabaseError)
    if (error) throw Object.assign(error, { query: sql, params, queryOptions: undefined })
    return out
  }
  const serialize = (params: readonly unknown[], typeIds: number[]): (string | null)[] =>
    params.map((v, i) => {
      if (v === null || v === undefined) return null
      const s = serializers[typeIds[i] ?? 0]
      return s ? s(v) : String(v)
    })
  const extended = (values: (string | null)[], statement?: string): Uint8Array =>
    concat(protocol.serialize.bind(statement ? { statement, values } : { values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync())

  const prepared = new Map<string, { text: string; types: number[]; fields: { name: string; type: number }[] }>()
  /**
   * A named statement: prepared once (Parse + Describe + Sync, which gives its parameter types and its result's
   * columns), then one message per run: Bind, Execute, Sync, with no Describe (a prepared statement's columns cannot
   * change: Postgres refuses the run instead). Its reply is read by `readReply` (pglite-prepared.ts), as the
   * in-thread PGlite reads a named run, not by the protocol parser and `parseResults`, which make an object per
   * message and cost the main thread more than the rows.
   */
  const runNamed = async <T>(name: string, sql: string, params: readonly unknown[], sync: boolean): Promise<T[]> => {
    let stmt = prepared.get(name)
    if (stmt && stmt.text !== sql) throw new Error(`statement ${name} was prepared with another text`)
    if (!stmt) {
      const reply = await backend.run(concat(protocol.serialize.parse({ name, text: sql, types: [] }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()), false)
      try {
        const messages = replyOf(reply, sql, params)
        const described = messages.find((m): m is pgMessages.RowDescriptionMessage => m instanceof pgMessages.RowDescriptionMessage)
        stmt = { text: sql, types: parse.parseDescribeStatementResults(messages), fields: (described?.fields ?? []).map((f) => ({ name: f.name, type: f.dataTypeID })) }
      } catch (e) {
        // The half-made statement is closed so that a retry can prepare it.
        await backend.run(concat(protocol.serialize.close({ type: 'S', name }), protocol.serialize.sync()), false)
        throw e
      }
      prepared.set(name, stmt)
    }
    const reply = await backend.run(namedRun(name, serialize(params, stmt.types)), sync)
    try {
      return readReply<T>(reply, stmt.fields, parsers as PgliteParsers)
    } catch (e) {
      // The database's error, with the statement, as replyOf gives it.
      throw e instanceof pgMessages.DatabaseError ? Object.assign(e, { query: sql, params, queryOptions: undefined }) : e
    }
  }
  /** An unnamed statement with parameters: Parse + Describe for the parameter types, then Bind, Execute and Sync. */
  const runUnnamed = async (sql: string, params: readonly unknown[], sync: boolean): Promise<BackendMessage[]> => {
    const described = await backend.run(concat(protocol.serialize.parse({ text: sql, types: [] }), protocol.serialize.describe({ type: 'S' })), false)
    let typeIds: number[]
    try {
      typeIds = parse.parseDescribeStatementResults(replyOf(described, sql, params))
    } catch (e) {
      await backend.run(protocol.serialize.sync(), sync)
      throw e
    }
    return replyOf(await backend.run(extended(serialize(params, typeIds)), sync), sql, params)
  }
  /** The simple protocol: a script of one or more statements (migrations); its results, one per statement. */
  const runScript = async (sql: string, sync: boolean): Promise<BackendMessage[]> =>
    replyOf(await backend.run(concat(protocol.serialize.query(sql), protocol.serialize.sync()), sync), sql, undefined)

  const run = (inTransaction: boolean) =>
    async function query<T>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<{ rows: T[] }> {
      const sync = !inTransaction
      if (options?.name && params !== undefined) return { rows: await runNamed<T>(options.name, sql, params, sync) }
      // Without parameters the simple protocol, which (like pg) accepts a script; rows are the last statement's.
      if (params === undefined) return { rows: (parse.parseResults(await runScript(sql, sync), parsers).at(-1)?.rows ?? []) as T[] }
      return { rows: (parse.parseResults(await runUnnamed(sql, params, sync), parsers)[0]?.rows ?? []) as T[] }
    }

  const lock = new Mutex()
  const outside = run(false)
  const inside = run(true)
  const memo = new DbMemo()
  let closed = false
  return {
    dialect: 'pglite',
    thread: 'worker',
    memo,
    query: (sql, params, options) => lock.runExclusive(() => outside(sql, params, options)),
    async transaction(fn) {
      return lock.runExclusive(async () => {
        const within = memo.withinTransaction()
        try {
          await runScript('BEGIN', false)
          let done = false
          const tx: Queryable = {
            memo: within.memo,
            query: (sql, params, options) => {
              if (done) return Promise.reject(new Error('Transaction is closed'))
              return inside(sql, params, options)
            },
          }
          try {
            const out = await fn(tx)
            done = true
            const commit = await runScript('COMMIT', true)
            const tag = commit.find((m): m is InstanceType<typeof pgMessages.CommandCompleteMessage> => m instanceof pgMessages.CommandCompleteMessage)
            if (tag?.text === 'ROLLBACK') throw Object.assign(new TransactionAbortedError(), { query: 'COMMIT', params: undefined, queryOptions: undefined })
            return out
          } catch (e) {
            if (!done) {
              done = true
              await runScript('ROLLBACK', true)
            }
            throw e
          }
        } finally {
          within.settle()
        }
      })
    },
    async close() {
      if (closed) return
      closed = true
      await lock.runExclusive(async () => {
        await backend.close()
        await worker.terminate()
      })
    },
  }
}
