/**
 * Named statements on PGlite (pglite-prepared.ts): the same rows and errors as an unnamed query, prepared once,
 * inside a transaction (rolled back with it) and outside one.
 */
import { PGlite, protocol } from '@electric-sql/pglite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Db } from './db.ts'
import { openPglite } from './pglite.db.ts'
import { concat, namedRunMessage, PgliteStatements } from './pglite-prepared.ts'

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

  it('reads every column type, NULLs, repeated names, no rows, no columns and a reply larger than one chunk as an unnamed query does', async () => {
    await db.query(`CREATE TABLE wide (id int PRIMARY KEY, txt text, num numeric, f8 float8, i2 int2, b bytea, iv interval, u uuid, ts timestamp, js json, nums int[], flag boolean)`)
    const ins = `INSERT INTO wide VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
    const plainRows: unknown[] = []
    for (let i = 1; i <= 3; i++) {
      const params = i === 3 ? [i, null, null, null, null, null, null, null, null, null, null, null] : [i, `第${i}行 "引号" \\ 反斜杠`, '12345678901234567890.125', 1.5, 7, new Uint8Array([0, 255, i]), '1 day 02:00:00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2026-03-02 01:02:03', JSON.stringify({ k: [i] }), [1, null, 3], i === 1]
      expect((await db.query(ins, params, { name: 'wide_insert' })).rows).toEqual([]) // no RETURNING: no columns
      plainRows.push(params)
    }
    const sel = `SELECT *, id AS id2, txt AS id2 FROM wide WHERE id >= $1 ORDER BY id`
    const named = await db.query(sel, [1], { name: 'wide_read' })
    const plain = await db.query(sel, [1])
    expect(named.rows).toHaveLength(3)
    expect(named.rows).toEqual(plain.rows)
    expect(Object.keys(named.rows[0] as object)).toEqual(Object.keys(plain.rows[0] as object))
    expect((await db.query(sel, [99], { name: 'wide_read' })).rows).toEqual([])
    // Many rows: the backend hands its reply over in more than one piece.
    const many = `SELECT g AS n, repeat('汉字', 300) AS t FROM generate_series(1, $1::int) g`
    const big = await db.query<{ n: number; t: string }>(many, [2000], { name: 'many_rows' })
    expect(big.rows).toEqual((await db.query(many, [2000])).rows)
    expect(big.rows.at(-1)).toEqual({ n: 2000, t: '汉字'.repeat(300) })
  })

  it('sends a prepared run as one call of Bind, Execute and Sync and does not parse its reply through execProtocol', async () => {
    const pg = new PGlite()
    try {
      await pg.waitReady
      const statements = new PgliteStatements(pg)
      await statements.run('one', 'SELECT $1::int AS x', [1], false) // prepares
      const execProtocol = vi.spyOn(pg, 'execProtocol')
      const raw = vi.spyOn(pg, 'execProtocolRawStream')
      expect((await statements.run('one', 'SELECT $1::int AS x', [2], false)).rows).toEqual([{ x: 2 }])
      expect(execProtocol).not.toHaveBeenCalled()
      expect(raw).toHaveBeenCalledTimes(1)
      const sent = raw.mock.calls[0]![0]
      const kinds: string[] = []
      for (let at = 0; at < sent.length; at += 1 + new DataView(sent.buffer, sent.byteOffset + at + 1, 4).getUint32(0)) kinds.push(String.fromCharCode(sent[at]!))
      expect(kinds).toEqual(['B', 'E', 'S'])
      // An error comes out as the database's, and the statement runs again after it.
      await pg.exec('CREATE TABLE k (id int PRIMARY KEY)')
      await statements.run('k_ins', 'INSERT INTO k VALUES ($1)', [1], false)
      await expect(statements.run('k_ins', 'INSERT INTO k VALUES ($1)', [1], false)).rejects.toMatchObject({ code: '23505', constraint: 'k_pkey', table: 'k' })
      await statements.run('k_ins', 'INSERT INTO k VALUES ($1)', [2], false)
      expect((await pg.query('SELECT count(*)::int AS n FROM k')).rows).toEqual([{ n: 2 }])
    } finally {
      await pg.close()
    }
  })

  it("writes a run's Bind, Execute and Sync byte for byte as PGlite's own serializer does", () => {
    const pglites = (name: string, values: (string | Uint8Array | null)[]): Uint8Array =>
      concat(protocol.serialize.bind({ statement: name, values }), protocol.serialize.execute({}), protocol.serialize.sync())
    const value = fc.oneof(
      fc.constant(null),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }), // well-formed: every code point whole, astral ones as surrogate pairs
      fc.constantFrom('', '报送进展 "引号" \\ 反斜杠', '😀𠀀', JSON.stringify({ 事项: '二'.repeat(3000) })),
      fc.uint8Array({ maxLength: 16 }),
    )
    fc.assert(
      fc.property(fc.constantFrom('duban_event_rows_report', 'x', '语句'), fc.array(value, { maxLength: 25 }), (name, values) => {
        expect(namedRunMessage(name, values)).toEqual(pglites(name, values))
      }),
      { numRuns: 500 },
    )
    // Larger than the kept buffer (16 kB), then small again.
    const big = ['汉'.repeat(40_000), null, 'a']
    expect(namedRunMessage('big', big)).toEqual(pglites('big', big))
    expect(namedRunMessage('s', ['1'])).toEqual(pglites('s', ['1']))
  })
})
