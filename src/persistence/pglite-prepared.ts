/**
 * Named statements on PGlite (热点语句): the hot, fixed-text statements of the write path prepared once per
 * database and afterwards sent as ONE protocol call (Bind, Describe, Execute, Sync).
 *
 * Why: PGlite's `query(sql, params)` makes six calls into the WASM backend per statement (Parse, Describe
 * statement, Bind, Describe portal, Execute, Sync), and Postgres parses and plans the text every time. On
 * PGlite everything runs on the event loop, so that is CPU every request pays (a progress report runs five
 * such statements). Here a named statement is parsed once (Parse + Describe + Sync, which also gives the
 * parameter types), and each run is one call whose plan Postgres keeps. Parameters are serialised and rows
 * parsed by PGlite's own serializers and `parseResults`, so the values are exactly what `query` gives.
 *
 * Only fixed SQL text may be named (one name, one text), as on `pg` (db.ts QueryOptions).
 */
import { parse, protocol, type PGlite } from '@electric-sql/pglite'

type Messages = Awaited<ReturnType<PGlite['execProtocol']>>['messages']

/** Prepared statements of one PGlite database: name → its text and parameter types. */
export class PgliteStatements {
  private readonly prepared = new Map<string, { text: string; types: number[] }>()

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
      const { messages } = await this.call(concat(protocol.serialize.parse({ name, text: sql, types: [] }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()), false, name, true)
      stmt = { text: sql, types: parse.parseDescribeStatementResults(messages) }
      this.prepared.set(name, stmt)
    }
    const types = stmt.types
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null
      const serialize = this.pg.serializers[types[i] ?? 0]
      return serialize ? serialize(v) : String(v)
    })
    const { messages } = await this.call(
      concat(protocol.serialize.bind({ statement: name, values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync()),
      syncToFs,
      name,
      false,
    )
    return { rows: (parse.parseResults(messages, this.pg.parsers)[0]?.rows ?? []) as T[] }
  }

  /** One protocol call; on an error while preparing, the half-made statement is closed so a retry can prepare it. */
  private async call(message: Uint8Array, syncToFs: boolean, name: string, preparing: boolean): Promise<{ messages: Messages }> {
    try {
      return await this.pg.execProtocol(message, { syncToFs })
    } catch (e) {
      if (preparing) await this.pg.execProtocol(concat(protocol.serialize.close({ type: 'S', name }), protocol.serialize.sync()), { syncToFs: false, throwOnError: false })
      throw e
    }
  }
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
