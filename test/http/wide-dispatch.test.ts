/**
 * A ticket dispatched with its lead and the 20 协办 units the intake schema allows, over HTTP on every test dialect: it
 * is written at once (before migration 208 the scope counters expanded its 22 keys into 2^22 subsets per dimension and
 * the statement never finished), and every scoped 热线看板 that meets it counts it once — from the counters' deltas, after
 * they are folded, and from the rows — beside a narrow ticket counted by the subsets as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../src/app/users/manage-users.ts'
import { maintainHotlineKpiCounters } from '../../src/app/tickets/hotline-kpis.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

const HELPERS = Array.from({ length: 20 }, (_, k) => `w${String(k + 1).padStart(2, '0')}`)

for (const dialect of testDialects()) {
  describe(`a ticket with 20 协办 units (${dialect})`, () => {
    let t: TestApp
    let operator: string
    let admin: string
    let reader: { id: string; token: string }
    const call = (token: string, method: string, url: string, payload?: unknown) =>
      t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
    /** The board of the reader given `unitIds` as its 自定义 scope, for February 2026. */
    const received = async (unitIds: string[]): Promise<{ received: number; categories: string[] }> => {
      expect((await call(admin, 'PUT', `/api/users/${reader.id}/scope`, { mode: 'custom', unitIds })).statusCode).toBe(200)
      const res = await call(reader.token, 'GET', '/api/hotline/kpis?from=2026-02-01&to=2026-03-01&groupBy=day')
      expect(res.statusCode, res.body).toBe(200)
      const b = res.json() as { totals: { received: number }; categories: { code: string; count: number }[]; trend: { received: number }[] }
      expect(b.trend.reduce((n, x) => n + x.received, 0)).toBe(b.totals.received)
      // The categories by their first level (03 城乡建设 holds both used here).
      return { received: b.totals.received, categories: b.categories.filter((c) => !c.code.includes('.')).map((c) => `${c.code}:${c.count}`) }
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      await t.db.query(`INSERT INTO unit (id, name, parent_id, level) SELECT id, '协办单位' || id, 'city', 'department' FROM unnest($1::text[]) id`, [HELPERS])
      operator = await operatorToken(t)
      admin = await t.login('admin')
      reader = { id: (await createUser(t.deps, null, { username: 'board-reader', displayName: '看板读者', password: TEST_PASSWORD, role: 'supervisor', unitId: 'city' })).id, token: '' }
      reader.token = await t.login('board-reader')
    }, 300_000)
    afterAll(async () => t?.close())

    it('writes the dispatch at once and counts it once in every scope it meets, before and after the fold', async () => {
      t.clock.set('2026-02-10T10:00:00+08:00')
      const wide = await call(operator, 'POST', '/api/tickets', {
        requestType: 'complaint', categoryCode: CATEGORY.rubbish, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路1号', placeUnitId: 'dh-jb',
        content: '多部门联合处置的诉求', dispatch: { lead: 'dh', cooperating: HELPERS },
      })
      expect(wide.statusCode, wide.body).toBe(201)
      const narrow = await call(operator, 'POST', '/api/tickets', {
        requestType: 'complaint', categoryCode: CATEGORY.stalls, urgency: 'normal', requesterPhone: '13812345679', address: '江滨路2号', placeUnitId: 'dh-jb',
        content: '一个部门处置的诉求', dispatch: { lead: 'dh', cooperating: ['w01'] },
      })
      expect(narrow.statusCode, narrow.body).toBe(201)
      t.clock.set('2026-02-20T09:00:00+08:00')
      const expectations = async (): Promise<void> => {
        expect(await received(['w07'])).toEqual({ received: 1, categories: ['03:1'] })
        expect(await received(['dh-jb', 'w01', 'w02', 'w20'])).toEqual({ received: 2, categories: ['03:2'] })
        expect(await received(['w01'])).toEqual({ received: 2, categories: ['03:2'] })
        expect(await received(['xs', 'sjj'])).toEqual({ received: 0, categories: [] })
      }
      await expectations() // from the deltas
      await maintainHotlineKpiCounters(t.deps) // folded into days and months (today 02-20)
      await expectations()
      await t.db.query(`UPDATE hotline_kpi_state SET complete = false`) // from the rows
      await expectations()
      await t.db.query(`UPDATE hotline_kpi_state SET complete = true`)
      // The wide ticket wrote no subset counter, the narrow one its 7 (keys dh, dh-jb, w01) per dimension.
      const written = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM hotline_scope_day WHERE 'w07' IN (k1, k2) OR 'w07' = ANY(rest)`)
      expect(written.rows[0]!.n).toBe(0)
    }, 120_000)
  })
}
