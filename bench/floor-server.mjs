#!/usr/bin/env node
/**
 * The floor (地板) of the `peer` benchmark (bench/peer.bench.ts): the least an HTTP server can do for the
 * pgbench pair's work, to see what this machine allows once an HTTP server, its JSON and a Node client of
 * PostgreSQL stand between the load and the database. Fastify (duban's version, logger off) with one route,
 * `POST /report` with a JSON body `{"item": 1..10000}` (validated by a schema, as duban's bodies are), which runs
 * the pair's two INSERTs — the very text of peer.sql.ts's PAIR_SCRIPT with `:item` bound as $1, handed over
 * in FLOOR_SQL — and answers 200 `{"id": …}`. No auth, no session, no audit chain, no logging: nothing duban
 * does beyond the two rows.
 *
 * Environment:
 *   FLOOR_SQL    JSON {report, audit, cte} from peer.stats.ts floorStatements(PAIR_SCRIPT)
 *   FLOOR_DB     pg (DATABASE_URL, a pool of 10 as duban's, named = prepared statements) or pglite (FLOOR_PGLITE_DIR,
 *                in this process through duban's openPglite, named statements; FLOOR_SCHEMA run first)
 *   FLOOR_SHAPE  tx (BEGIN, the two INSERTs, COMMIT: pgbench's transaction) or cte (one statement, both INSERTs
 *                as data-modifying CTEs: one round trip, one transaction)
 * Prints `floor serving on http://127.0.0.1:<port> …` once listening; SIGTERM closes it.
 */
import Fastify from 'fastify'

const sql = JSON.parse(process.env.FLOOR_SQL ?? 'null')
if (!sql?.report || !sql?.audit || !sql?.cte) throw new Error('floor-server: FLOOR_SQL {report, audit, cte} is required')
const DB = process.env.FLOOR_DB ?? 'pg'
const SHAPE = process.env.FLOOR_SHAPE ?? 'tx'
if (!['pg', 'pglite'].includes(DB) || !['tx', 'cte'].includes(SHAPE)) throw new Error(`floor-server: FLOOR_DB pg|pglite and FLOOR_SHAPE tx|cte, not ${DB}/${SHAPE}`)

/** `pair(item)`: the two rows written, resolves to the progress report's id. */
let pair
let close
if (DB === 'pg') {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  pool.on('error', () => {})
  close = () => pool.end()
  if (SHAPE === 'cte') {
    pair = async (item) => (await pool.query({ name: 'floor_cte', text: sql.cte, values: [item] })).rows[0].id
  } else {
    pair = async (item) => {
      const c = await pool.connect()
      try {
        await c.query('BEGIN')
        const { rows } = await c.query({ name: 'floor_report', text: sql.report, values: [item] })
        await c.query({ name: 'floor_audit', text: sql.audit, values: [item] })
        await c.query('COMMIT')
        return rows[0].id
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {})
        throw e
      } finally {
        c.release()
      }
    }
  }
} else {
  // PGlite through duban's own layer (src/persistence/pglite.db.ts, loaded through tsx as bin/duban.js does): the
  // same start parameters and the same named statements (pglite-prepared.ts: parsed once, then one protocol call
  // per run). PGlite's public query() parses and plans every statement each time: 2-3.6 ms CPU per pair in process
  // at load 20, which would put the floor below what duban's PGlite already does.
  const { register } = await import('tsx/esm/api')
  register()
  const { openPglite, pgliteStartParams } = await import('../src/persistence/pglite.db.ts')
  // FLOOR_PGLITE_THREAD=worker: the backend in a worker thread (pglite-thread.ts, DUBAN_PGLITE_THREAD=worker in
  // duban), so HTTP and the database can use both cores.
  const db =
    process.env.FLOOR_PGLITE_THREAD === 'worker'
      ? await (await import('../src/persistence/pglite-thread.ts')).openPgliteThread(process.env.FLOOR_PGLITE_DIR, pgliteStartParams())
      : await openPglite(process.env.FLOOR_PGLITE_DIR)
  if (process.env.FLOOR_SCHEMA) await db.query(process.env.FLOOR_SCHEMA)
  close = () => db.close()
  if (SHAPE === 'cte') {
    pair = async (item) => (await db.query(sql.cte, [item], { name: 'floor_cte' })).rows[0].id
  } else {
    pair = (item) =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query(sql.report, [item], { name: 'floor_report' })
        await tx.query(sql.audit, [item], { name: 'floor_audit' })
        return rows[0].id
      })
  }
}

const app = Fastify({ logger: false })
app.post(
  '/report',
  { schema: { body: { type: 'object', required: ['item'], additionalProperties: false, properties: { item: { type: 'integer', minimum: 1, maximum: 10000 } } } } },
  async (request) => ({ id: await pair(request.body.item) }),
)
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.stdout.write(`floor serving on ${address} (${DB}${process.env.FLOOR_PGLITE_THREAD === 'worker' ? ' in a worker thread' : ''}, ${SHAPE}, pid ${process.pid})\n`)
process.once('SIGTERM', async () => {
  await app.close()
  await close()
  process.exit(0)
})
