/**
 * The 热线看板 of an operator an admin gave a data scope (数据范围), over HTTP on every test dialect: every figure is the
 * scope's, not only the unit rows. 东湖区 (dh, dh-jb) as the scope: 3 requests of 江滨街道 (2 led by 东湖区, 1 by
 * 市场监管局) and 4 of 西山县 (led by 市场监管局). The scoped board counts 3 requests (诉求量, 办理量, the trend's received),
 * shows only 垃圾清运 among the categories, only 东湖区 / 江滨街道 among the places and hot topics, the trend's
 * dispatches of 东湖区 only, and the sum of its units' volumes; the centre's operator still sees all 7. The same
 * answer from the rows (a period off China midnights), from the counters' deltas and from their folded day and month
 * rows.
 *
 * A 分管 leader whose scope is one department only (市场监管局, sjj: no place) sees the requests that department
 * handles — 1 of 江滨街道 and 4 of 西山县, by their lead unit — not zero as when requests were scoped by place alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../src/app/users/manage-users.ts'
import { maintainHotlineKpiCounters } from '../../src/app/tickets/hotline-kpis.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

interface Board {
  totals: { received: number; merged: number; handlings: number; volume: number; dispatches: number }
  units: { unitId: string }[]
  trend: { bucket: string; received: number; dispatched: number }[]
  categories: { code: string; count: number }[]
  places: { unitId: string; count: number }[]
  hotTopics: { categories: { key: string; count: number }[]; places: { key: string; count: number }[] }
  scope: { unitIds: string[]; names: string[] } | null
}

for (const dialect of testDialects()) {
  describe(`a scoped 热线看板's figures are the scope's (${dialect})`, () => {
    let t: TestApp
    let operator: string
    let scoped: string
    let deptLeader: string
    const board = async (token: string, query: string): Promise<Board> => {
      const res = await t.app.inject({ method: 'GET', url: `/api/hotline/kpis?${query}`, headers: { authorization: `Bearer ${token}` } })
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as Board
    }
    const receive = async (at: string, placeUnitId: string, categoryCode: string, lead: string): Promise<void> => {
      t.clock.set(at)
      const res = await t.app.inject({
        method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` },
        payload: { requestType: 'complaint', categoryCode, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路', placeUnitId, content: '诉求内容', dispatch: { lead } },
      })
      expect(res.statusCode, res.body).toBe(201)
    }
    /** What the test compares: the figures, less the rates' details. */
    const figures = (b: Board) => ({
      received: b.totals.received, handlings: b.totals.handlings, volume: b.totals.volume, dispatches: b.totals.dispatches,
      units: b.units.map((u) => u.unitId).sort(),
      trendReceived: b.trend.reduce((n, x) => n + x.received, 0), trendDispatched: b.trend.reduce((n, x) => n + x.dispatched, 0),
      categories: b.categories.map((c) => `${c.code}:${c.count}`).sort(),
      places: b.places.map((p) => `${p.unitId}:${p.count}`).sort(),
      hotPlaces: b.hotTopics.places.map((p) => `${p.key}:${p.count}`).sort(),
      hotCategories: b.hotTopics.categories.map((p) => `${p.key}:${p.count}`).sort(),
    })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      for (const d of ['05', '06']) await receive(`2026-02-${d}T10:00:00+08:00`, 'dh-jb', CATEGORY.rubbish, 'dh')
      await receive('2026-02-07T10:00:00+08:00', 'dh-jb', CATEGORY.rubbish, 'sjj')
      for (const d of ['10', '11', '12', '13']) await receive(`2026-02-${d}T11:00:00+08:00`, 'xs', CATEGORY.stalls, 'sjj')
      t.clock.set('2026-03-02T09:00:00+08:00')
      const fzx = await createUser(t.deps, null, { username: 'operator-dh', displayName: '东湖分中心话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      const admin = await t.login('admin')
      const res = await t.app.inject({ method: 'PUT', url: `/api/users/${fzx.id}/scope`, headers: { authorization: `Bearer ${admin}` }, payload: { mode: 'custom', unitIds: ['dh', 'dh-jb'] } })
      expect(res.statusCode, res.body).toBe(200)
      scoped = await t.login('operator-dh')
      const fg = await createUser(t.deps, null, { username: 'leader-sjj', displayName: '分管市场监管的领导', password: TEST_PASSWORD, role: 'leader', unitId: 'city' })
      const set = await t.app.inject({ method: 'PUT', url: `/api/users/${fg.id}/scope`, headers: { authorization: `Bearer ${admin}` }, payload: { mode: 'custom', unitIds: ['sjj'] } })
      expect(set.statusCode, set.body).toBe(200)
      deptLeader = await t.login('leader-sjj')
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    const SCOPED = {
      received: 3, handlings: 3, volume: 2, dispatches: 2, units: ['dh'], trendReceived: 3, trendDispatched: 2,
      categories: ['03:3', '03.02:3'].sort(), places: ['dh:3', 'dh-jb:3'].sort(), hotPlaces: ['dh-jb:3'], hotCategories: [`${CATEGORY.rubbish}:3`],
    }

    it('counts only the requests of its places and the events of its units, from the rows, the deltas and the folded rows alike', async () => {
      const month = 'from=2026-02-01&to=2026-03-01&groupBy=week'
      // Off China midnights: read from hotline_event and ticket rows.
      const rows = 'from=2026-02-01T00:00:01%2B08:00&to=2026-03-01&groupBy=week'
      const whole = figures(await board(operator, month))
      expect(whole.received).toBe(7)
      expect(whole.categories).toContain('03.02:7')
      expect(figures(await board(scoped, rows))).toEqual(SCOPED)
      // The counters, their deltas not folded yet.
      expect(figures(await board(scoped, month))).toEqual(SCOPED)
      // Folded into day and month rows.
      const r = await maintainHotlineKpiCounters(t.deps)
      expect(r.folded).toBeGreaterThan(0)
      expect(figures(await board(scoped, month))).toEqual(SCOPED)
      expect(figures(await board(scoped, 'from=2026-02-01&to=2026-03-01&groupBy=day'))).toEqual(SCOPED)
      expect(figures(await board(operator, month))).toEqual(whole)
      expect((await board(scoped, month)).scope).toEqual({ unitIds: ['dh', 'dh-jb'], names: ['东湖区'] })
    }, 120_000)

    const DEPARTMENT = {
      received: 5, handlings: 5, volume: 5, dispatches: 5, units: ['sjj'], trendReceived: 5, trendDispatched: 5,
      categories: ['03:5', '03.02:5'].sort(), places: ['dh:1', 'dh-jb:1', 'xs:4'].sort(), hotPlaces: ['dh-jb:1', 'xs:4'].sort(),
      hotCategories: [`${CATEGORY.rubbish}:1`, `${CATEGORY.stalls}:4`].sort(),
    }

    it('gives a scope of departments only the requests those departments handle (by lead unit), not none', async () => {
      const month = 'from=2026-02-01&to=2026-03-01&groupBy=week'
      const rows = 'from=2026-02-01T00:00:01%2B08:00&to=2026-03-01&groupBy=week'
      expect(figures(await board(deptLeader, rows))).toEqual(DEPARTMENT)
      expect(figures(await board(deptLeader, month))).toEqual(DEPARTMENT)
      await maintainHotlineKpiCounters(t.deps)
      expect(figures(await board(deptLeader, month))).toEqual(DEPARTMENT)
      expect(figures(await board(deptLeader, 'from=2026-02-01&to=2026-03-01&groupBy=day'))).toEqual(DEPARTMENT)
      expect((await board(deptLeader, month)).scope).toEqual({ unitIds: ['sjj'], names: ['青川市市场监督管理局'] })
    }, 120_000)
  })
}
