/**
 * PGlite with its backend in a worker thread (pglite-thread.ts): the rows, errors and transactions the in-thread
 * PGlite (pglite.db.ts) gives, statements serialised on its one session, and writes kept in the data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from './db.ts'
import { openPglite, pgliteStartParams } from './pglite.db.ts'
import { openPgliteThread } from './pglite-thread.ts'

const TABLE = `CREATE TABLE t (id text PRIMARY KEY, n int NOT NULL, big int8, at timestamptz, day date, doc jsonb, tags text[], ok boolean, raw bytea)`
const insert = `INSERT INTO t (id, n, big, at, day, doc, tags, ok, raw) VALUES ($1, $2, $3, $4, $5::date, $6::jsonb, $7::text[], $8, $9) RETURNING *`
const row = (id: string): unknown[] => [id, 7, 9007199254740991, '2026-03-02T01:00:00.000Z', '2026-03-02', JSON.stringify({ a: [1, '二'] }), ['x', 'y z', 'q"uote'], true, new Uint8Array([0, 1, 255])]

describe('PGlite in a worker thread', () => {
  let db: Db
  let inThread: Db
  beforeAll(async () => {
    db = await openPgliteThread(undefined, pgliteStartParams())
    inThread = await openPglite()
    for (const d of [db, inThread]) await d.query(TABLE)
  }, 600_000)
  afterAll(async () => {
    await db.close()
    await inThread.close()
  })

  it('gives the rows the in-thread PGlite gives: unnamed, named and scripts', async () => {
    for (const [name, options] of [['u', undefined], ['n', { name: 't_insert' }]] as const) {
      const a = await db.query(insert, row(name), options)
      const b = await inThread.query(insert, row(name), options)
      expect(a.rows).toEqual(b.rows)
      expect(a.rows).toHaveLength(1)
    }
    const read = `SELECT id, doc, tags, raw, big, at, day FROM t WHERE id = ANY($1::text[]) ORDER BY id`
    expect((await db.query(read, [['u', 'n']], { name: 't_read' })).rows).toEqual((await inThread.query(read, [['u', 'n']])).rows)
    // A script (simple protocol, no parameters): every statement runs, the rows are the last one's.
    const script = `UPDATE t SET n = n + 1; SELECT id, n FROM t ORDER BY id`
    expect((await db.query(script)).rows).toEqual((await inThread.query(script)).rows)
    expect((await db.query(`SELECT count(*)::int AS n FROM t`)).rows).toEqual([{ n: 2 }])
  })

  it('throws the database error with its code and statement; a named statement whose preparation failed can be prepared again', async () => {
    await expect(db.query(`SELECT * FROM nope WHERE a = $1`, [1])).rejects.toMatchObject({ code: '42P01', query: `SELECT * FROM nope WHERE a = $1` })
    await expect(db.query(`SELECT * FROM nope`)).rejects.toMatchObject({ code: '42P01' })
    await expect(db.query(`SELECT nope FROM t WHERE id = $1`, ['u'], { name: 't_bad' })).rejects.toMatchObject({ code: '42703' })
    expect((await db.query(`SELECT id FROM t WHERE id = $1`, ['u'], { name: 't_bad' })).rows).toEqual([{ id: 'u' }])
    await expect(db.query(`SELECT n FROM t WHERE id = $1`, ['u'], { name: 't_bad' })).rejects.toThrow(/another text/)
    // The session is usable after each error.
    expect((await db.query(`SELECT 1 AS one`, [])).rows).toEqual([{ one: 1 }])
  })

  it('commits a transaction, rolls one back on an error, and refuses to commit one the database aborted', async () => {
    await db.transaction(async (tx) => {
      await tx.query(insert, row('c1'), { name: 't_insert' })
      await tx.query(insert, row('c2'))
    })
    await expect(
      db.transaction(async (tx) => {
        await tx.query(insert, row('r1'), { name: 't_insert' })
        expect((await tx.query(`SELECT count(*)::int AS n FROM t WHERE id = $1`, ['r1'])).rows).toEqual([{ n: 1 }])
        await tx.query(insert, row('c1'), { name: 't_insert' }) // duplicate key
      }),
    ).rejects.toMatchObject({ code: '23505' })
    // The error swallowed inside: the database aborted the transaction, so COMMIT rolls back and says so.
    await expect(
      db.transaction(async (tx) => {
        await tx.query(insert, row('r2'))
        await tx.query(insert, row('c1')).catch(() => undefined)
      }),
    ).rejects.toMatchObject({ code: '25P02' })
    const ids = (await db.query<{ id: string }>(`SELECT id FROM t WHERE id LIKE 'c%' OR id LIKE 'r%' ORDER BY id`)).rows.map((r) => r.id)
    expect(ids).toEqual(['c1', 'c2'])
  })

  it('serialises statements sent at once with a transaction on its one session', async () => {
    const counts: Promise<unknown>[] = []
    const tx = db.transaction(async (q) => {
      await q.query(`INSERT INTO t (id, n) VALUES ('s1', 1)`)
      for (let i = 0; i < 5; i++) counts.push(db.query(`SELECT count(*)::int AS n FROM t WHERE id = ANY($1::text[])`, [['s1', 's2']], { name: 't_count' }))
      await new Promise((r) => setTimeout(r, 20))
      await q.query(`INSERT INTO t (id, n) VALUES ('s2', 1)`)
    })
    await tx
    // Each read waited for the transaction: none saw it half done (run inside it, they would have seen s1 only).
    expect(await Promise.all(counts)).toEqual(Array(5).fill({ rows: [{ n: 2 }] }))
  })
})

/** The frontend message types in one run's bytes, in order ('B' Bind, 'D' Describe, 'E' Execute, 'S' Sync, …). */
function messageTypes(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let out = ''
  for (let at = 0; at + 5 <= bytes.length; at += 1 + view.getUint32(at + 1)) out += String.fromCharCode(bytes[at]!)
  return out
}

describe('a named statement in a worker thread', () => {
  it('runs as Bind, Execute, Sync once prepared (no Describe), with the rows and errors the in-thread PGlite gives', async () => {
    const sent: string[] = []
    const db = await openPgliteThread(undefined, pgliteStartParams(), { onSend: (b) => sent.push(messageTypes(b)) })
    const inThread = await openPglite()
    try {
      for (const d of [db, inThread]) await d.query(TABLE)
      const named = { name: 't_insert' }
      expect((await db.query(insert, row('a'), named)).rows).toEqual((await inThread.query(insert, row('a'), named)).rows)
      sent.length = 0
      const a = await db.query(insert, row('b'), named)
      expect(sent).toEqual(['BES'])
      expect(a.rows).toEqual((await inThread.query(insert, row('b'), named)).rows)
      // No rows, NULLs, and a database error with its statement, as before.
      expect((await db.query(`SELECT id, big FROM t WHERE id = $1`, ['none'], { name: 't_one' })).rows).toEqual([])
      await db.query(`UPDATE t SET big = NULL WHERE id = $1`, ['a'])
      expect((await db.query(`SELECT id, big FROM t WHERE id = $1`, ['a'], { name: 't_one' })).rows).toEqual([{ id: 'a', big: null }])
      await expect(db.query(insert, row('a'), named)).rejects.toMatchObject({ code: '23505', query: insert })
      expect((await db.query(`SELECT count(*)::int AS n FROM t`, [], { name: 't_count_all' })).rows).toEqual([{ n: 2 }])
    } finally {
      await db.close()
      await inThread.close()
    }
  }, 600_000)
})

describe('PGlite in a worker thread on a data directory', () => {
  it('keeps what was written across a close and reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duban-pglite-thread-'))
    try {
      const first = await openPgliteThread(join(dir, 'data'), pgliteStartParams())
      await first.query(`CREATE TABLE kept (id int PRIMARY KEY)`)
      await first.query(`INSERT INTO kept VALUES ($1)`, [1])
      await first.transaction(async (tx) => void (await tx.query(`INSERT INTO kept VALUES ($1)`, [2], { name: 'kept_insert' })))
      await first.close()
      const again = await openPgliteThread(join(dir, 'data'), pgliteStartParams())
      expect((await again.query(`SELECT id FROM kept ORDER BY id`)).rows).toEqual([{ id: 1 }, { id: 2 }])
      await again.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 600_000)
})
