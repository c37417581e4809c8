/**
 * What naming the sealer's statements saves (docs/audit.md): on one in-memory PGlite (or, with DATABASE_URL, a
 * scratch database created on that server and dropped after), rounds of
 * 100 audit rows written then sealed in one batch, alternately with the statements as named (B) and with their
 * names stripped (A, as before the names), timing only sealAudit. Prints the median and quartiles per side.
 *   npx tsx scripts/measure-seal.ts [rounds=60] [rows=100]
 */
import type { Db, Queryable, QueryOptions } from '../src/persistence/db.ts'
import { openPglite } from '../src/persistence/pglite.db.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { appendAudit } from '../src/app/audit/append-audit.ts'
import { sealAudit } from '../src/app/audit/seal-audit.ts'
import { createServerDatabase } from '../test/support/server-database.ts'

const rounds = Number(process.argv[2] ?? 60)
const rows = Number(process.argv[3] ?? 100)

/** The same Db with every statement's name dropped inside transactions (the sealer's statements run unnamed). */
function unnamed(db: Db): Db {
  const wrap = (q: Queryable): Queryable =>
    Object.assign(Object.create(q) as Queryable, {
      query: (sql: string, params?: readonly unknown[], _options?: QueryOptions) => q.query(sql, params),
    })
  return Object.assign(wrap(db) as Db, { transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(wrap(tx))) })
}

const scratch = process.env.DATABASE_URL ? await createServerDatabase({ prefix: 'duban_seal' }) : null
const db = scratch ? await openPg(scratch.url) : await openPglite()
await migrate(db)
const times: Record<'A' | 'B', number[]> = { A: [], B: [] }
for (let i = 0; i < rounds; i++) {
  for (const side of ['A', 'B'] as const) {
    await db.transaction(async (tx) => {
      for (let j = 0; j < rows; j++) {
        await appendAudit(tx, { actorId: 'u1', action: 'item.report', entity: 'item', entityId: `i${j}`, before: { p: j }, after: { p: j + 1 }, at: new Date() })
      }
    })
    const t0 = performance.now()
    const r = await sealAudit(side === 'A' ? unnamed(db) : db, { wait: true, batchSize: rows })
    const ms = performance.now() - t0
    if (r.sealed !== rows) throw new Error(`sealed ${r.sealed}, expected ${rows}`)
    if (i >= 5) times[side].push(ms) // the first rounds warm the JIT and the plans
  }
}
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!.toFixed(2)
for (const side of ['A', 'B'] as const) {
  console.log(`${side} (${side === 'A' ? 'unnamed' : 'named'}): sealing ${rows} rows, ${times[side].length} rounds: p25 ${q(times[side], 0.25)} ms, median ${q(times[side], 0.5)} ms, p75 ${q(times[side], 0.75)} ms`)
}
await db.close()
await scratch?.drop()
