/**
 * Named statements on PGlite (pglite-prepared.ts): the same rows and errors as an unnamed query, prepared once,
 * inside a transaction (rolled back with it) and outside one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from './db.ts'
import { openPglite } from './pglite.db.ts'

describe('named statements on PGlite', () => {
  let db: Db
  beforeAll(async () => {
    db = await openPglite()
    await db.query(`CREATE TABLE t (id text PRIMARY KEY, n int NOT NULL, big int8, at timestamptz, day date, doc jsonb, tags text[], ok boolean)`)
  })
  afterAll(async () => db.close())

  const insert = `INSERT INTO t (id, n, big, at, day, doc, tags, ok) VALUES ($1, $2, $3, $4, $5::date, $6::jsonb, $7::text[], $8) RETURNING *`
  const row = (id: string): unknown[] => [id, 7, 9007199254740991, '2026-03-02T01:00:00.000Z', '2026-03-02', JSON.stringify({ a: [1, '二'] }), ['x', 'y z', 'q"uote'], true]

  it('gives the rows an unnamed query gives, for every type the write path uses', async () => {
    const named = await db.query(insert, row('a'), { name: 't_insert' })
    const plain = await db.query(insert, row('b'))
    expect(named.rows).toHaveLength(1)
    expect({ ...named.rows[0], id: 'b' }).toEqual(plain.rows[0])
    // Run again under the same name (prepared now): same shape, a different row.
    const again = await db.query(insert, row('c'), { name: 't_insert' })
    expect({ ...again.rows[0], id: 'b' }).toEqual(plain.rows[0])
    const read = await db.query(`SELECT id, doc, tags FROM t WHERE id = ANY($1::text[]) ORDER BY id`, [['a', 'c']], { name: 't_read' })
    expect(read.rows).toEqual([
      { id: 'a', doc: { a: [1, '二'] }, tags: ['x', 'y z', 'q"uote'] },
      { id: 'c', doc: { a: [1, '二'] }, tags: ['x', 'y z', 'q"uote'] },
    ])
  })

  it('runs inside a transaction and is rolled back with it; an error is the database error, and the name still works after it', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(insert, row('in-tx'), { name: 't_insert' })
        expect((await tx.query(`SELECT count(*)::int AS n FROM t WHERE id = $1`, ['in-tx'], { name: 't_count' })).rows).toEqual([{ n: 1 }])
        await tx.query(insert, row('a'), { name: 't_insert' }) // duplicate key
      }),
    ).rejects.toMatchObject({ code: '23505' })
    expect((await db.query(`SELECT count(*)::int AS n FROM t WHERE id = $1`, ['in-tx'], { name: 't_count' })).rows).toEqual([{ n: 0 }])
    // A statement whose preparation failed (unknown column) can be prepared again once fixed … under a new text it is refused.
    await expect(db.query(`SELECT nope FROM t WHERE id = $1`, ['a'], { name: 't_bad' })).rejects.toMatchObject({ code: '42703' })
    expect((await db.query(`SELECT id FROM t WHERE id = $1`, ['a'], { name: 't_bad' })).rows).toEqual([{ id: 'a' }])
    await expect(db.query(`SELECT n FROM t WHERE id = $1`, ['a'], { name: 't_bad' })).rejects.toThrow(/another text/)
  })
})
