/**
 * The intake jobs' batch reads its subjects (duplicateSubjects) by key, whatever the statistics say. Before, on a
 * database analyzed before its tickets came (a young one, or the bench's server, where autovacuum is off),
 * `WHERE t.item_id = ANY($1)` was planned as a hash join over seq scans of ticket and item: every batch read both
 * tables whole, more with every ticket (docs/tickets.md, "Intake's cost", late session).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../../src/persistence/db.ts'
import { duplicateCandidatesMany, duplicateSubjects } from '../../src/persistence/duplicates.repo.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

const TICKETS = 400
const BATCH = 8

/** ticket and item rows read so far in this transaction: heap rows of sequential scans plus index entries returned. */
async function rowsRead(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    `SELECT (SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_xact_user_tables WHERE relname IN ('item', 'ticket'))
          + (SELECT coalesce(sum(pg_stat_get_xact_tuples_returned(indexrelid)), 0) FROM pg_index WHERE indrelid IN ('item'::regclass, 'ticket'::regclass)) AS n`,
  )
  return Number(rows[0]?.n ?? 0)
}

for (const dialect of testDialects()) {
  describe(`the intake jobs' subjects read (${dialect})`, () => {
    let db: Db

    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO service_category (code, version, level, name) VALUES ('01', 1, 1, '市容')`)
      const add = (from: number, to: number) =>
        db.query(
          `WITH i AS (
             INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, data, created_at, updated_at)
             SELECT 'tk' || g, 'GD-' || g, 'ticket', 1, 'received', 'open', '工单' || g, '{}', '{}', now(), now() FROM generate_series(${from}, ${to}) g
             RETURNING id)
           INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, requester_phone, address, content, received_at)
           SELECT id, 'phone', 'complaint', '01', 1, 'normal', '13812345678', '河滨路1号', '路口占道经营 ' || id, now() FROM i`,
        )
      // Statistics taken while the tables held a few tickets (a young database), then the rest came.
      await add(1, 5)
      await db.query(`ANALYZE item`)
      await db.query(`ANALYZE ticket`)
      await add(6, TICKETS)
    }, 300_000)
    afterAll(async () => db?.close())

    it(`a batch of ${BATCH} reads its tickets by key (a few rows each, not both tables), and finds every one`, async () => {
      const ids = Array.from({ length: BATCH }, (_, k) => `tk${TICKETS - 3 * k}`)
      const { read, found } = await db.transaction(async (tx) => {
        // As the batch runs it (intake-followups.ts): in a transaction with the kept generic plans.
        await tx.query('SET LOCAL plan_cache_mode = force_generic_plan')
        const before = await rowsRead(tx)
        const found = await duplicateSubjects(tx, [...ids, 'no-such-ticket'])
        return { read: (await rowsRead(tx)) - before, found }
      })
      expect([...found.keys()].sort()).toEqual([...ids].sort())
      expect(found.get(ids[0]!)?.content).toBe(`路口占道经营 ${ids[0]}`)
      // By key: a ticket row and an item row per id; the hash join read all 400 of each.
      expect(read).toBeLessThanOrEqual(4 * (BATCH + 1))
    })
  })
}

for (const dialect of testDialects()) {
  describe(`the intake jobs' candidates read on a database never analyzed (${dialect})`, () => {
    let db: Db

    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO service_category (code, version, level, name) VALUES ('01', 1, 1, '市容')`)
      // One caller, one address, 400 tickets (the peer bench's intake load), and no statistics at all.
      await db.query(
        `WITH i AS (
           INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, data, created_at, updated_at)
           SELECT 'tk' || g, 'GD-' || g, 'ticket', 1, 'received', 'open', '工单' || g, '{}', '{}', now(), now() FROM generate_series(1, ${TICKETS}) g
           RETURNING id)
         INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, requester_phone, address, content, received_at)
         SELECT id, 'phone', 'complaint', '01', 1, 'normal', '13812345678', '河滨路1号', '路口占道经营 ' || id, now() FROM i`,
      )
    }, 300_000)
    afterAll(async () => db?.close())

    it(`a batch of ${BATCH} subjects reads a few rows per candidate, not every ticket's item per candidate`, async () => {
      const ids = Array.from({ length: BATCH }, (_, k) => `tk${TICKETS - 3 * k}`)
      const LIMIT = 5
      const { read, found } = await db.transaction(async (tx) => {
        await tx.query('SET LOCAL plan_cache_mode = force_generic_plan')
        const subjects = [...(await duplicateSubjects(tx, ids)).values()].map((s) => ({ s, from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }))
        const before = await rowsRead(tx)
        const found = await duplicateCandidatesMany(tx, subjects, LIMIT)
        return { read: (await rowsRead(tx)) - before, found }
      })
      expect(found.map((c) => c.length)).toEqual(ids.map(() => LIMIT))
      // Per subject and reason (phone, address): about LIMIT + 1 tickets and their items by key. The plain join read
      // the partial index of every ticket's item for each candidate (~400 rows a candidate).
      expect(read).toBeLessThanOrEqual(BATCH * 2 * 4 * (LIMIT + 2))
    })

    it(`reads no more when a subject's address may be written four ways and three of them have no ticket, analyzed or not`, async () => {
      // Last in this block: with statistics that say one address holds every ticket (`peer`'s load), `address_key =
      // key` was taken for a condition every row meets, and each key no ticket has walked the whole window instead.
      await db.query('ANALYZE ticket')
      const ids = Array.from({ length: BATCH }, (_, k) => `tk${TICKETS - 3 * k}`)
      const LIMIT = 5
      // 河滨路1号 as written, and with its divisions (addressKeyVariants): the tickets are all at the first.
      const addressKeys = ['河滨路1号', '青龙区河滨路1号', '云州市河滨路1号', '云州市青龙区河滨路1号']
      const { read, found } = await db.transaction(async (tx) => {
        await tx.query('SET LOCAL plan_cache_mode = force_generic_plan')
        const subjects = [...(await duplicateSubjects(tx, ids)).values()].map((s) => ({ s, from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', addressKeys }))
        const before = await rowsRead(tx)
        const found = await duplicateCandidatesMany(tx, subjects, LIMIT)
        return { read: (await rowsRead(tx)) - before, found }
      })
      expect(found.map((c) => c.length)).toEqual(ids.map(() => LIMIT))
      // As above: a key no ticket has is an empty index range, not a walk through every ticket of the window (~400 rows
      // for each such key and subject when the planner took ticket_received_idx for it).
      expect(read).toBeLessThanOrEqual(BATCH * 2 * 4 * (LIMIT + 2))
    })
  })
}
