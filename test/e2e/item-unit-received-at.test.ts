/**
 * item_unit.received_at (migration 196) is the ticket's received_at on every unit row of a ticket, however the row
 * was written: a lead dispatched at intake (written by the intake's one statement together with the ticket), a
 * dispatch after intake, a reassignment (改派) after a return (退单), a cooperating unit (协办). The scoped 热线看板
 * finds a unit's tickets of a period by it (hotline-kpis.ts, scopedReceivedOf).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from '../http/tickets.fixture.ts'

for (const dialect of testDialects()) {
  describe(`a ticket's unit rows carry its received instant (${dialect})`, () => {
    let t: TestApp
    let operator: string
    const auth = (token: string) => ({ authorization: `Bearer ${token}` })
    const receive = async (at: string, placeUnitId: string, categoryCode: string, dispatch?: { lead: string }): Promise<string> => {
      t.clock.set(at)
      const res = await t.app.inject({
        method: 'POST', url: '/api/tickets', headers: auth(operator),
        payload: { requestType: 'complaint', categoryCode, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路', placeUnitId, content: '诉求内容', ...(dispatch ? { dispatch } : {}) },
      })
      expect(res.statusCode, res.body).toBe(201)
      return (res.json() as { id: string }).id
    }
    const event = async (id: string, user: string, name: string, payload: unknown = {}): Promise<void> => {
      const token = user === 'operator' ? operator : await t.login(user)
      const res = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/events`, headers: auth(token), payload: { event: name, payload } })
      expect(res.statusCode, res.body).toBe(200)
    }
    const rows = async (id: string) =>
      (await t.db.query<{ unit_id: string; role: string; same: boolean }>(
        `SELECT u.unit_id, u.role, u.received_at IS NOT NULL AND u.received_at = t.received_at AS same
           FROM item_unit u JOIN ticket t ON t.item_id = u.item_id WHERE u.item_id = $1 ORDER BY u.unit_id, u.role`,
        [id],
      )).rows

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    it('a lead dispatched at intake (the same statement as the ticket)', async () => {
      const id = await receive('2026-02-05T10:00:00+08:00', 'dh-jb', CATEGORY.rubbish, { lead: 'dh' })
      expect(await rows(id)).toEqual([{ unit_id: 'dh', role: 'lead', same: true }])
    })

    it('a lead dispatched later, and a cooperating unit (协办)', async () => {
      const id = await receive('2026-02-06T10:00:00+08:00', 'xs', CATEGORY.stalls)
      expect(await rows(id)).toEqual([])
      t.clock.set('2026-02-06T11:00:00+08:00')
      await event(id, 'operator', 'dispatch', { lead: 'sjj' })
      await event(id, 'liaison-sjj', 'accept')
      await event(id, 'liaison-sjj', 'cooperate', { cooperating: ['wjw'] })
      const got = await rows(id)
      expect(got.map((r) => `${r.unit_id}:${r.role}`)).toEqual(['sjj:lead', 'wjw:cooperating'])
      expect(got.every((r) => r.same)).toBe(true)
    })

    it('a reassignment (改派) after a return (退单)', async () => {
      const id = await receive('2026-02-07T10:00:00+08:00', 'xs', CATEGORY.stalls, { lead: 'sjj' })
      t.clock.set('2026-02-08T10:00:00+08:00')
      await event(id, 'liaison-sjj', 'accept')
      await event(id, 'liaison-sjj', 'return', { reason: '不属本单位' })
      await event(id, 'operator', 'reassign', { lead: 'dh' })
      const got = await rows(id)
      expect(got.some((r) => r.unit_id === 'dh' && r.role === 'lead')).toBe(true)
      expect(got.every((r) => r.same)).toBe(true)
    })

    it('no unit row of a ticket lacks it, and no task’s row has one', async () => {
      const { rows: bad } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM item_unit u LEFT JOIN ticket t ON t.item_id = u.item_id
          WHERE u.received_at IS DISTINCT FROM t.received_at`,
      )
      expect(bad[0]!.n).toBe(0)
      const { rows: all } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM item_unit WHERE received_at IS NOT NULL`)
      expect(all[0]!.n).toBeGreaterThanOrEqual(4)
    })
  })
}
