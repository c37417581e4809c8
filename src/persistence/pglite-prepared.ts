/**
 * Named statements on PGlite (热点语句): the hot, fixed-text statements of the write path prepared once per
 * database and afterwards sent as ONE protocol call (Bind, Execute, Sync) whose reply is read here.
 *
 * Why: PGlite's `query(sql, params)` makes six calls into the WASM backend per statement (Parse, Describe
 * statement, Bind, Describe portal, Execute, Sync), and Postgres parses and plans the text every time. On
 * PGlite everything runs on the event loop, so that is CPU every request pays. Here a named statement is parsed
 * once (Parse + Describe + Sync, which gives the parameter types and the result's columns), and each run is one
 * call whose plan Postgres keeps.
 *
 * A run's reply is read by `readReply` below rather than by PGlite's `execProtocol`: that one copies the reply,
 * parses every message into an object (copying each field again) through three locks and generator-based
 * promises, and costs more CPU than the backend itself for a small statement (a named `SELECT $1` took ~260 µs
 * of CPU per call at load 14, 57% of it PGlite's JavaScript; BENCHMARKS.md "PGlite: where a progress report's
 * time goes"). The columns are the ones Describe gave at preparation (a prepared statement's result cannot
 * change: Postgres refuses the run instead), values are parsed by PGlite's own parsers (`pg.parsers`, the same
 * function per type `parseResults` uses), and a reply with an error is handed to PGlite's own protocol parser so
 * the error thrown is the DatabaseError `query` throws.
 *
 * Only fixed SQL text may be named (one name, one text), as on `pg` (db.ts QueryOptions).
 */
import { messages as pgMessages, parse, protocol, types, type PGlite } from '@electric-sql/pglite'

type Messages = Awaited<ReturnType<PGlite['execProtocol']>>['messages']
type Field = { name: string; type: number }

const EXECUTE_SYNC = concat(protocol.serialize.execute({}), protocol.serialize.sync())
const utf8 = new TextDecoder()

/** Prepared statements of one PGlite database: name → its text, parameter types and result columns. */
export class PgliteStatements {
  private readonly prepared = new Map<string, { text: string; types: number[]; fields: Field[] }>()

  constructor(private readonly pg: PGlite) {}

  /**
   * Runs a named statement. `inTransaction`: the caller holds PGlite's transaction (its commit writes the
   * data directory); otherwise this takes the transaction lock itself, as `PGlite.query` does, and writes
   * through before it resolves.
   */
  async run<T>(name: string, sql: string, params: readonly unknown[], inTransaction: boolean): Promise<{ rows: T[] }> {
    const exclusive = (): Promise<{ rows: T[] }> => this.pg._runExclusiveQuery(() => this.runLocked<T>(name, sql, params, !inTransaction))
    return inTransaction ? exclusive() : this.pg._runExclusiveTransaction(exclusive)
  }

  private async runLocked<T>(name: string, sql: string, params: readonly unknown[], syncToFs: boolean): Promise<{ rows: T[] }> {
    let stmt = this.prepared.get(name)
    if (stmt && stmt.text !== sql) throw new Error(`statement ${name} was prepared with another text`)
    if (!stmt) {
      const { messages } = await this.prepare(name, sql)
      const described = messages.find((m): m is pgMessages.RowDescriptionMessage => m instanceof pgMessages.RowDescriptionMessage)
      stmt = { text: sql, types: parse.parseDescribeStatementResults(messages), fields: (described?.fields ?? []).map((f) => ({ name: f.name, type: f.dataTypeID })) }
      this.prepared.set(name, stmt)
    }
    const types = stmt.types
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null
      const serialize = this.pg.serializers[types[i] ?? 0]
      return serialize ? serialize(v) : String(v)
    })
    const chunks: Uint8Array[] = []
    await this.pg.execProtocolRawStream(namedRunMessage(name, values), {
      syncToFs,
      // A view of the wasm heap, valid for this call only.
      onRawData: (data) => chunks.push(data.slice()),
    })
    return { rows: readReply<T>(chunks.length === 1 ? chunks[0]! : concat(...chunks), stmt.fields, this.pg.parsers) }
  }

  /** Parse + Describe + Sync; on an error the half-made statement is closed so a retry can prepare it. */
  private async prepare(name: string, sql: string): Promise<{ messages: Messages }> {
    try {
      return await this.pg.execProtocol(concat(protocol.serialize.parse({ name, text: sql, types: [] }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()), { syncToFs: false })
    } catch (e) {
      await this.pg.execProtocol(concat(protocol.serialize.close({ type: 'S', name }), protocol.serialize.sync()), { syncToFs: false, throwOnError: false })
      throw e
    }
  }
}

/**
 * The rows of one Bind/Execute/Sync reply, as `parseResults` would make them from the same bytes (an object per
 * row, keyed by column name in column order, NULL as null, values through `parsers` by type). A reply holding an
 * ErrorResponse is read again by PGlite's own protocol parser and its first error thrown, as `execProtocol` does.
 * Messages other than DataRow and ErrorResponse (BindComplete, CommandComplete, NoticeResponse, ReadyForQuery)
 * carry nothing a run returns.
 */
export function readReply<T>(reply: Uint8Array, fields: readonly Field[], parsers: PGlite['parsers']): T[] {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength)
  const rows: T[] = []
  let at = 0
  while (at + 5 <= reply.length) {
    const kind = reply[at]!
    const end = at + 1 + view.getUint32(at + 1)
    if (kind === 0x44 /* D: DataRow */) {
      const n = view.getUint16(at + 5)
      let p = at + 7
      const row: Record<string, unknown> = {}
      for (let i = 0; i < n; i++) {
        const len = view.getInt32(p)
        p += 4
        const field = fields[i]
        let value: unknown = null
        if (len >= 0) {
          const text = utf8.decode(reply.subarray(p, p + len))
          p += len
          const type = field?.type ?? 0
          const parser = parsers[type] ?? (types.parsers as PGlite['parsers'])[type]
          value = parser ? parser(text, type) : text
        }
        row[field?.name ?? String(i)] = value
      }
      rows.push(row as T)
    } else if (kind === 0x45 /* E: ErrorResponse */) {
      throw firstError(reply)
    }
    at = end
  }
  return rows
}

/** The first error of a reply, as PGlite's protocol parser makes it (a DatabaseError with code, detail, …). */
function firstError(reply: Uint8Array): Error {
  let error: Error | undefined
  new protocol.Parser().parse(reply, (m) => {
    if (!error && m instanceof Error) error = m
  })
  return error ?? new Error('PGlite answered with an error the protocol parser did not read')
}

/**
 * The one message of a named statement's run: Bind (no portal, the statement, its values in text format, or in
 * binary for bytes, results in text), Execute, Sync — the bytes `protocol.serialize.bind` + execute + sync make
 * (pglite-prepared.test.ts compares them), written directly. PGlite's serializer walks every string twice in
 * JavaScript to count its UTF-8 bytes (once for the length field, once in addString) and grows its buffer in
 * steps; a report's Bind carries the item's snapshot and data and the audit's before and after as JSON (several kB),
 * so that was about 5% of a PGlite server's busy time under `peer`'s reports (BENCHMARKS.md, pglite2). Here each
 * string is encoded once by `TextEncoder.encodeInto` into a buffer kept between runs, its length written after.
 */
export function namedRunMessage(name: string, values: readonly (string | Uint8Array | ArrayBufferView | ArrayBuffer | null)[]): Uint8Array {
  // An upper bound: a UTF-16 code unit is at most 3 bytes of UTF-8; 4 per value for the length, 2 for its format.
  let bound = 1 + 4 + 1 + name.length * 3 + 1 + 2 + values.length * 2 + 2 + 2 + EXECUTE_SYNC.length
  for (const v of values) bound += 4 + (v === null ? 0 : typeof v === 'string' ? v.length * 3 : v.byteLength)
  if (scratch.length < bound) {
    scratch = new Uint8Array(Math.max(bound, scratch.length * 2))
    scratchView = new DataView(scratch.buffer)
  }
  const buf = scratch
  const view = scratchView
  buf[0] = 0x42 // B
  let at = 5
  buf[at++] = 0 // portal ''
  at += encoder.encodeInto(name, buf.subarray(at)).written
  buf[at++] = 0
  view.setUint16(at, values.length)
  at += 2
  for (const v of values) {
    view.setInt16(at, v !== null && typeof v !== 'string' ? 1 : 0)
    at += 2
  }
  view.setUint16(at, values.length)
  at += 2
  for (const v of values) {
    if (v === null) {
      view.setInt32(at, -1)
      at += 4
    } else if (typeof v === 'string') {
      const written = encoder.encodeInto(v, buf.subarray(at + 4)).written
      view.setInt32(at, written)
      at += 4 + written
    } else {
      const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
      view.setInt32(at, bytes.byteLength)
      buf.set(bytes, at + 4)
      at += 4 + bytes.byteLength
    }
  }
  view.setInt16(at, 0) // result formats: none given, all text
  at += 2
  view.setInt32(1, at - 1)
  buf.set(EXECUTE_SYNC, at)
  at += EXECUTE_SYNC.length
  return buf.slice(0, at)
}

const encoder = new TextEncoder()
let scratch = new Uint8Array(16 * 1024)
let scratchView = new DataView(scratch.buffer)

/** The protocol messages given, one after another, in one buffer. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
