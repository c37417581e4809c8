/**
 * The scoped 热线看板's counters (migrations 198, 203) cost intake one sync per ticket: hotline_scope_sync (the keys
 * recomputed, compared with the ticket's record, deltas written) runs once for a received and dispatched ticket, not
 * once per trigger of intake's statement (ticket's insert, item_unit's insert, item_unit's update over zero rows: three
 * calls, two of them with the ticket, before migration 203); an update of a ticket's other columns (the intake worker's
 * search vector) runs none; the received total is not stored (the categories' sum), so a ticket with a place and a
 * lead unit writes 3 subsets × 2 dimensions of delta rows. The sync is observed by a recording line added to the
 * function in this test's database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionFor } from '../../src/app/auth/session.ts'
import { receiveTicket, type TicketIntake } from '../../src/app/tickets/receive-ticket.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from '../http/tickets.fixture.ts'

const body: TicketIntake = {
  requestType: 'complaint',
  categoryCode: CATEGORY.rubbish,
  urgency: 'normal',
  requesterName: '王五',
  requesterPhone: '13700002222',
  address: '东湖区江滨路8号',
  placeUnitId: 'dh-jb',
  content: '江滨路8号的垃圾桶满了没人清运，气味很大。',
  dispatch: { lead: 'sjj' },
}

for (const dialect of testDialects()) {
  describe(`scope counters: one sync per intake ticket (${dialect})`, () => {
    let t: TestApp
    let operator: string
    /** How many recorded syncs named each of `ids`. */
    const syncsOf = async (ids: readonly string[]): Promise<number[]> => {
      const { rows } = await t.db.query<{ id: string; n: number }>(
        `SELECT x.id, (SELECT count(*)::int FROM scope_sync_call c WHERE x.id = ANY(c.ids)) AS n FROM unnest($1::text[]) AS x(id)`,
        [[...ids]],
      )
      const by = new Map(rows.map((r) => [r.id, r.n]))
      return ids.map((id) => by.get(id) ?? 0)
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      // Every call of hotline_scope_sync with tickets is recorded.
      await t.db.query(`CREATE TABLE scope_sync_call (seq serial PRIMARY KEY, ids text[] NOT NULL)`)
      const { rows } = await t.db.query<{ d: string }>(`SELECT pg_get_functiondef('hotline_scope_sync(text[])'::regprocedure) AS d`)
      const def = rows[0]!.d
      const recorded = def.replace(/\nBEGIN\n/, `\nBEGIN\n  IF cardinality(ids) > 0 THEN INSERT INTO scope_sync_call (ids) VALUES (ids); END IF;\n`)
      expect(recorded).not.toBe(def)
      await t.db.query(recorded)
    }, 300_000)
    afterAll(async () => t?.close())

    it('syncs a received and dispatched ticket once, writing no received total', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` }, payload: body })
      expect(res.statusCode, res.body).toBe(201)
      const { id } = res.json() as { id: string }
      expect(await syncsOf([id])).toEqual([1])
      const { rows } = await t.db.query<{ dim: string; rows: number; n: number }>(
        `SELECT dim, count(*)::int AS rows, sum(n)::int AS n FROM hotline_scope_delta GROUP BY dim ORDER BY dim`,
      )
      // Keys {dh-jb, sjj}: {dh-jb} +1, {sjj} +1, {dh-jb, sjj} -1, for the category and for the place.
      expect(rows).toEqual([{ dim: 'c', rows: 3, n: 1 }, { dim: 'p', rows: 3, n: 1 }])
    })

    it('syncs each ticket of an intake group once', async () => {
      const actor = (await sessionFor(t.deps, operator))!.actor
      const got = await Promise.all(
        Array.from({ length: 6 }, (_, i) => receiveTicket(t.deps, actor, { ...body, requesterPhone: `1370000${String(3000 + i)}`, content: `${body.content}（${i}）` }, 'phone')),
      )
      expect(await syncsOf(got.map((g) => g.id))).toEqual(got.map(() => 1))
    })

    it('does not sync for an update of columns the counters do not read; does for a new unit and a new place', async () => {
      const { rows: tk } = await t.db.query<{ item_id: string }>(`SELECT item_id FROM ticket ORDER BY item_id LIMIT 1`)
      const id = tk[0]!.item_id
      await t.db.query(`DELETE FROM scope_sync_call`)
      await t.db.query(`UPDATE ticket SET search_stale = NOT search_stale`)
      expect(await t.db.query(`SELECT 1 FROM scope_sync_call`).then((r) => r.rows.length)).toBe(0)
      // A unit added later (协办) and a place changed: each counted.
      await t.db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, 'wjw', 'cooperating')`, [id])
      expect(await syncsOf([id])).toEqual([1])
      await t.db.query(`UPDATE ticket SET place_unit_id = 'xs' WHERE item_id = $1`, [id])
      expect(await syncsOf([id])).toEqual([2])
      const { rows } = await t.db.query<{ keys: string[] }>(`SELECT keys FROM hotline_scope_ticket WHERE item_id = $1`, [id])
      expect(rows[0]!.keys).toEqual(['sjj', 'wjw', 'xs'])
    })
  })
}
