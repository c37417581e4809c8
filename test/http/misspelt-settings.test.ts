/**
 * Declared means carried out: a setting stored under a misspelt kind (督办配置、考核权重 for `taks`) would be read by
 * no item, and a filter on one (or on a misspelt state) would answer an empty list as if there were nothing; both are
 * refused with the field and the kinds or states there are, storing nothing. An empty unit id on a user is refused the same way (it was a 500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const LADDER = { warnBefore: 2, reporting: { every: 'none' }, ladder: [{ name: 'remind', label: '提醒', afterDueWorkingDays: 0, action: 'notify' }] }
const WEIGHTS = { weights: { onTime: 50, targetsMet: 30, reporting: 20 }, overduePenalty: 2 }

for (const dialect of testDialects()) {
  describe(`settings and filters that name nothing (${dialect})`, () => {
    let t: TestApp
    let ids: Record<string, string>
    const tokens: Record<string, string> = {}
    const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })
    const count = async (sql: string): Promise<number> => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n

    beforeAll(async () => {
      t = await startTestApp(dialect)
      ids = await t.seedUsers()
      for (const u of ['admin', 'supervisor']) tokens[u] = await t.login(u)
    })
    afterAll(async () => t?.close())

    it('refuses a supervision configuration for a misspelt kind, read or stored, naming the kinds there are', async () => {
      for (const [method, who] of [['PUT', 'admin'], ['GET', 'supervisor']] as const) {
        const res = await t.app.inject({ method, url: '/api/supervision/ladder?kind=taks', headers: as(who), ...(method === 'PUT' ? { payload: LADDER } : {}) })
        expect([method, res.statusCode, res.json().error?.code, res.json().error?.where]).toEqual([method, 400, 'DUBAN_ERR_KIND_UNKNOWN', 'querystring/kind'])
        expect(res.json().error.message).toContain("unknown kind 'taks'; known: task, ticket")
      }
      expect(await count('supervision_config')).toBe(0)
    })

    it("refuses a configuration whose body names another kind than the query's, storing nothing", async () => {
      const res = await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: as('admin'), payload: { ...LADDER, kind: 'ticket' } })
      expect([res.statusCode, res.json().error?.code, res.json().error?.where]).toEqual([400, 'DUBAN_ERR_SUPERVISION_CONFIG_INVALID', 'kind'])
      expect(await count('supervision_config')).toBe(0)
      const same = await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: as('admin'), payload: { ...LADDER, kind: 'task' } })
      expect(same.statusCode, same.body).toBe(200)
    })

    it('refuses assessment weights for a misspelt kind, storing nothing, and takes them for a kind there is', async () => {
      const before = await count('assessment_weights')
      const bad = await t.app.inject({ method: 'PUT', url: '/api/assessment/weights?kind=taks', headers: as('admin'), payload: WEIGHTS })
      expect([bad.statusCode, bad.json().error?.code, bad.json().error?.where]).toEqual([400, 'DUBAN_ERR_VALIDATION', 'querystring/kind'])
      expect(bad.json().error.message).toContain('allowed values: task, ticket')
      expect(await count('assessment_weights')).toBe(before)
      const ok = await t.app.inject({ method: 'PUT', url: '/api/assessment/weights?kind=task', headers: as('admin'), payload: WEIGHTS })
      expect(ok.statusCode, ok.body).toBe(200)
    })

    it.each([
      ['the ledger', '/api/items?kind=taks'],
      ['the ledger workbook', '/api/exports/ledger.xlsx?kind=taks'],
      ['the bulletin', '/api/exports/bulletin.docx?period=2026-03&kind=taks'],
      ['the assessment', '/api/assessment?period=2026-03&kind=taks'],
    ])('refuses %s of a misspelt kind instead of answering it empty', async (_what, url) => {
      const res = await t.app.inject({ method: 'GET', url, headers: as('supervisor') })
      expect([res.statusCode, res.json().error?.code, res.json().error?.where]).toEqual([400, 'DUBAN_ERR_VALIDATION', 'querystring/kind'])
      expect((await t.app.inject({ method: 'GET', url: url.replace('taks', 'task'), headers: as('supervisor') })).statusCode).toBe(200)
    })

    it.each([
      ['the ledger', '/api/items?state=opne', '/api/items?state=dispatched', 'dispatched'],
      ['the ledger by state type', '/api/items?state=wating', '/api/items?state=waiting', 'waiting'],
      ['the tickets', '/api/tickets?state=opne', '/api/tickets?state=return_requested', 'return_requested'],
    ])('refuses %s filtered by a state no kind declares, naming the states there are', async (_what, bad, good, named) => {
      const res = await t.app.inject({ method: 'GET', url: bad, headers: as('supervisor') })
      expect([res.statusCode, res.json().error?.code, res.json().error?.where]).toEqual([400, 'DUBAN_ERR_VALIDATION', 'querystring/state'])
      expect(res.json().error.message).toContain(named)
      expect((await t.app.inject({ method: 'GET', url: good, headers: as('supervisor') })).statusCode).toBe(200)
    })

    it('refuses an empty unit id on a new or changed user with the field, not a 500, changing nothing', async () => {
      const users = await count('app_user')
      const created = await t.app.inject({ method: 'POST', url: '/api/users', headers: as('admin'), payload: { username: 'nounit', displayName: '无单位', password: 'long-enough-pw', role: 'supervisor', unitId: '' } })
      expect([created.statusCode, created.json().error?.code, created.json().error?.where]).toEqual([400, 'DUBAN_ERR_VALIDATION', 'body/unitId'])
      expect(await count('app_user')).toBe(users)
      const changed = await t.app.inject({ method: 'PATCH', url: `/api/users/${ids['liaison-dh']}`, headers: as('admin'), payload: { unitId: '' } })
      expect([changed.statusCode, changed.json().error?.code, changed.json().error?.where]).toEqual([400, 'DUBAN_ERR_VALIDATION', 'body/unitId'])
      expect((await t.app.inject({ method: 'GET', url: `/api/users/${ids['liaison-dh']}`, headers: as('admin') })).json().unitId).toBe('dh')
      const none = await t.app.inject({ method: 'PATCH', url: `/api/users/${ids.supervisor}`, headers: as('admin'), payload: { unitId: null } })
      expect(none.statusCode, none.body).toBe(200)
    })
  })
}
