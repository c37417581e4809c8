/**
 * The 12345 KPI counters' delta rows of a received and dispatched ticket (migration 194): one row per distinct unit,
 * key, step and since instant of its contributions, so the 受理 row's event count, the 派单 row's counts and its volume
 * for the lead unit are one row. 5 rows for a desk ticket with dispatch (7 before the migration), with the same sums.
 * The received counts (migration 195) of one intake group: one row per instant, dimension and code.
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
  content: '江滨路8号的垃圾桶满了没人清运，气味很大。',
  dispatch: { lead: 'sjj' },
}

const SUMS = `SELECT count(*)::int AS rows, sum(events)::int AS events, sum(dispatches)::int AS dispatches, sum(accept_d)::int AS accept_d,
                     sum(respond_d)::int AS respond_d, sum(late_open)::int AS late_open, sum(volume)::int AS volume,
                     (sum(volume) FILTER (WHERE unit_id = ''))::int AS centre_volume
                FROM hotline_kpi_delta`

for (const dialect of testDialects()) {
  describe(`12345 KPI delta rows of a ticket (${dialect})`, () => {
    let t: TestApp
    let operator: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
    }, 300_000)
    afterAll(async () => t?.close())

    it('writes one delta row per distinct key of a dispatched ticket, counting the same', async () => {
      await t.db.query('DELETE FROM hotline_kpi_delta')
      const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` }, payload: body })
      expect(res.statusCode, res.body).toBe(201)
      const { rows } = await t.db.query<Record<string, number>>(SUMS)
      // 受理 + 派单 events, one dispatch, the 签收 and 响应 runs (due, not settled), the open handling run, the volume
      // for the lead unit and for the centre.
      expect(rows[0]).toEqual({ rows: 5, events: 2, dispatches: 1, accept_d: 1, respond_d: 1, late_open: 1, volume: 2, centre_volume: 1 })
    })

    it('writes the deltas of an intake group once per distinct key (the test clock gives every ticket one instant)', async () => {
      await t.db.query('DELETE FROM hotline_kpi_delta')
      await t.db.query('DELETE FROM hotline_recv_delta')
      const actor = (await sessionFor(t.deps, operator))!.actor
      const n = 8
      const got = await Promise.all(
        Array.from({ length: n }, (_, i) => receiveTicket(t.deps, actor, { ...body, placeUnitId: 'dh-jb', requesterPhone: `1370000${String(3000 + i)}`, content: `${body.content}（${i}）` }, 'phone')),
      )
      const { rows: g } = await t.db.query<{ groups: number }>(`SELECT count(DISTINCT xmin::text)::int AS groups FROM item WHERE id = ANY($1::text[])`, [got.map((x) => x.id)])
      const groups = g[0]!.groups
      const { rows } = await t.db.query<Record<string, number>>(SUMS)
      expect({ ...rows[0], rows: 0 }).toEqual({ rows: 0, events: 2 * n, dispatches: n, accept_d: n, respond_d: n, late_open: n, volume: 2 * n, centre_volume: n })
      expect(rows[0]!.rows).toBeLessThanOrEqual(5 * groups)
      const { rows: recv } = await t.db.query<{ rows: number; c: number; p: number }>(
        `SELECT count(*)::int AS rows, (sum(n) FILTER (WHERE dim = 'c'))::int AS c, (sum(n) FILTER (WHERE dim = 'p'))::int AS p FROM hotline_recv_delta`,
      )
      expect(recv[0]).toMatchObject({ c: n, p: n })
      expect(recv[0]!.rows).toBeLessThanOrEqual(2 * groups)
      expect(groups).toBeLessThan(n)
    })
  })
}
