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
    await this.pg.execProtocolRawStream(concat(protocol.serialize.bind({ statement: name, values }), EXECUTE_SYNC), {
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
