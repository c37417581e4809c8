/**
 * The inbox (站内消息, GET /api/notifications) of an operator an admin gave a data scope, over HTTP on every test dialect:
 * like its 热线看板, it holds only what is about its scope. 江滨街道 (东湖区) has a 垃圾清运 hot spot led by 市场监管局 and
 * 市场监管局 asks to return one of its tickets (退回申请, told to the operator role). An operator scoped to 西山县 is told
 * of neither (its unread count says 0 of them, and it cannot mark them read); scoped to 东湖区 (the place) or to
 * 市场监管局 (the lead unit), of both; the centre's operator without a scope, of both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

interface Note {
  id: string
  type: string
  itemId: string | null
}

for (const dialect of testDialects()) {
  describe(`a scoped operator's inbox (${dialect})`, () => {
    let t: TestApp
    let operator: string
    let scoped: string
    let scopedId: string
    let returned: string
    const call = async (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
    /** The hot spot and return notices the token's inbox holds, and its unread count. */
    const inbox = async (token: string): Promise<{ types: string[]; unread: number; notes: Note[] }> => {
      const res = await call(token, 'GET', '/api/notifications')
      expect(res.statusCode, res.body).toBe(200)
      const notes = (res.json() as Note[]).filter((n) => n.type === 'hotspot.detected' || n.itemId === returned)
      const count = await call(token, 'GET', '/api/notifications/unread-count')
      expect(count.statusCode, count.body).toBe(200)
      return { types: notes.map((n) => n.type).sort(), unread: (count.json() as { unread: number }).unread, notes }
    }
    const setScope = async (body: Record<string, unknown>) => {
      const res = await call(await t.login('admin'), 'PUT', `/api/users/${scopedId}/scope`, body)
      expect(res.statusCode, res.body).toBe(200)
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      const ids: string[] = []
      for (const d of ['2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28']) {
        t.clock.set(`${d}T10:00:00+08:00`)
        const res = await call(operator, 'POST', '/api/tickets', {
          requestType: 'complaint', categoryCode: CATEGORY.rubbish, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路', placeUnitId: 'dh-jb',
          content: '小区垃圾堆积发臭', dispatch: { lead: 'sjj' },
        })
        expect(res.statusCode, res.body).toBe(201)
        ids.push((res.json() as { id: string }).id)
      }
      t.clock.set('2026-03-02T09:00:00+08:00')
      await superviseTick(t.deps, t.clock.now())
      returned = ids[0]!
      const ret = await call(await t.login('liaison-sjj'), 'POST', `/api/tickets/${returned}/events`, { event: 'return', payload: { reason: '不属于本单位职责' } })
      expect(ret.statusCode, ret.body).toBe(200)
      scopedId = (await createUser(t.deps, null, { username: 'operator-fzx', displayName: '分中心话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })).id
      scoped = await t.login('operator-fzx')
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    it('holds only the notices about its scope, counts only those as unread and marks only those read', async () => {
      const both = ['hotspot.detected', 'ticket.return']
      const centre = await inbox(operator)
      expect(centre.types.map((x) => (x === 'hotspot.detected' ? x : 'ticket.return'))).toEqual(both)
      // Without a scope an admin set, the operator reads what the centre reads.
      const unscoped = await inbox(scoped)
      expect(unscoped.types).toEqual(centre.types)

      await setScope({ mode: 'custom', unitIds: ['xs'] })
      const xs = await inbox(scoped)
      expect(xs.types).toEqual([])
      expect(xs.unread).toBe(unscoped.unread - unscoped.notes.length)
      // Not its notice: marking it read is refused as if it did not exist.
      const other = unscoped.notes[0]!
      expect((await call(scoped, 'POST', `/api/notifications/${other.id}/read`)).statusCode).toBe(404)

      for (const unitIds of [['dh', 'dh-jb'], ['sjj']]) {
        await setScope({ mode: 'custom', unitIds })
        expect((await inbox(scoped)).types, unitIds.join()).toEqual(centre.types)
      }
      await setScope({ mode: 'default' })
      expect((await inbox(scoped)).types).toEqual(centre.types)
    }, 120_000)
  })
}
