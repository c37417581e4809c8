import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertMayTable } from './assessment-fixture.ts'

const r = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator })

for (const dialect of testDialects()) {
  describe(`assessment API (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      // reporting cadence of tasks stays the kind's own: monthly by the 25th
      await insertMayTable(t.db)
      t.clock.set('2026-06-03T09:00:00+08:00')
      for (const u of ['admin', 'leader', 'liaison-sjj']) tokens[u] = await t.login(u)
    }, 120_000)
    afterAll(async () => t.close())

    it('computes each unit’s figures for May from the hand-built table and ranks them', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-05&kind=task', headers: auth('leader') })
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.asOf).toBe('2026-05-31T16:00:00.000Z')
      // on time 2/5: A1 and B1 of the 3 finished, plus A3 (due 05-29) and C2 (due in April, carried over) still open past due.
      expect(body.summary).toEqual({ items: 6, dueInPeriod: 4, finishedInPeriod: 3, onTime: r(2, 5), overdue: 2 })
      expect(body.rows).toEqual([
        { rank: 1, unitId: 'wjw', unitName: '青川市卫生健康委员会', items: 2, onTime: r(1, 1), overdue: 0, targetsMet: r(1, 1), reporting: r(0, 1), score: 80 },
        { rank: 2, unitId: 'sjj', unitName: '青川市市场监督管理局', items: 3, onTime: r(1, 3), overdue: 1, targetsMet: r(2, 3), reporting: r(1, 1), score: 54.67 },
        { rank: 3, unitId: 'dh', unitName: '东湖区', items: 1, onTime: r(0, 1), overdue: 1, targetsMet: r(0, 0), reporting: r(0, 1), score: 0 },
      ])
    })

    it('applies the weights an admin stores, and only an admin', async () => {
      const leaderPut = await t.app.inject({ method: 'PUT', url: '/api/assessment/weights?kind=task', headers: auth('leader'), payload: { weights: { onTime: 1 } } })
      expect(leaderPut.statusCode).toBe(403)
      const bad = await t.app.inject({ method: 'PUT', url: '/api/assessment/weights?kind=task', headers: auth('admin'), payload: { weights: { speed: 1 } } })
      expect(bad.json().error).toMatchObject({ code: 'DUBAN_ERR_VALIDATION', where: 'weights.speed' })
      const put = await t.app.inject({ method: 'PUT', url: '/api/assessment/weights?kind=task', headers: auth('admin'), payload: { weights: { onTime: 1 }, overduePenalty: 0 } })
      expect(put.statusCode).toBe(200)
      const res = await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-05', headers: auth('admin') })
      expect(res.json().rows.map((x: { unitId: string; score: number | null; rank: number | null }) => [x.unitId, x.score, x.rank])).toEqual([
        ['wjw', 100, 1],
        ['sjj', 33.33, 2],
        // C2, due in April and still open, counts against dh in May: on time 0/1 → 0, ranked (no longer '—').
        ['dh', 0, 3],
      ])
      await t.db.query('DELETE FROM assessment_weights')
    })

    it('counts a quarter and a year, and refuses a malformed period', async () => {
      const q = await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-Q2', headers: auth('admin') })
      // Q2 adds C2, due 04-30 and still open, to dh's on-time denominator.
      expect(q.json().rows.find((x: { unitId: string }) => x.unitId === 'dh').onTime).toEqual(r(0, 1))
      const bad = await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-13', headers: auth('admin') })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error.code).toBe('DUBAN_ERR_ASSESSMENT_PERIOD')
    })

    it('counts a 旬 and an ISO week (日检查、旬通报、月评比)', async () => {
      // 2026-05-X1 is 1–10 May: B1 (due 05-10, finished 05-08) is wjw's on-time work; C2 (due in April, still
      // open) carries over against dh; sjj has nothing due in it.
      const x1 = await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-05-X1', headers: auth('admin') })
      expect(x1.statusCode, x1.body).toBe(200)
      expect(x1.json().period).toMatchObject({ key: '2026-05-X1', type: 'xun', label: '2026年5月上旬' })
      const unit = (body: any, id: string) => body.rows.find((x: { unitId: string }) => x.unitId === id)
      expect(unit(x1.json(), 'wjw').onTime).toEqual(r(1, 1))
      expect(unit(x1.json(), 'dh').onTime).toEqual(r(0, 1))
      expect(unit(x1.json(), 'sjj')?.onTime ?? r(0, 0)).toEqual(r(0, 0))
      // 2026-W20 is Monday 11 May to Sunday 17 May: A1 (due 05-15, finished 05-14) on time for sjj.
      const w = await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-W20', headers: auth('admin') })
      expect(w.json().period).toMatchObject({ key: '2026-W20', type: 'week', label: '2026年第20周' })
      expect(unit(w.json(), 'sjj').onTime).toEqual(r(1, 1))
      const bad = await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-05-X4', headers: auth('admin') })
      expect(bad.json().error).toMatchObject({ code: 'DUBAN_ERR_ASSESSMENT_PERIOD', where: 'period' })
    })

    it('is read by leaders and supervisors, not by unit liaisons', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-05', headers: auth('liaison-sjj') })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'GET', url: '/api/assessment?period=2026-05' })).statusCode).toBe(401)
    })
  })
}
