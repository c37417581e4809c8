/**
 * 知识库 expiry reminders over HTTP on every test dialect: the supervision tick tells an entry's owner unit once when
 * its validity ends within 7 days (not an entry ending later, nor a draft, nor one without an owner); renewing it to
 * a later end date stops the reminders until that date nears, and then reminds again; the expired entry is no longer
 * offered on the desk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { seedCatalogue } from './tickets.fixture.ts'

for (const dialect of testDialects()) {
  describe(`知识库 expiry reminders (${dialect})`, () => {
    let t: TestApp
    let admin: string
    let admin2: string
    const call = async (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, status = 200) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
      expect(res.statusCode, res.body).toBe(status)
      return res.json() as { id: string; title: string }
    }
    const publish = async (input: Record<string, unknown>) => {
      const e = await call(admin, 'POST', '/api/knowledge', input, 201)
      await call(admin, 'POST', `/api/knowledge/${e.id}/submit`)
      await call(admin2, 'POST', `/api/knowledge/${e.id}/approve`, {})
      return e
    }
    /** The unit's reminders (signing in afresh: the clock moves past a session's life). */
    const reminders = async () =>
      ((await t.app.inject({ method: 'GET', url: '/api/notifications', headers: { authorization: `Bearer ${await t.login('liaison-wjw')}` } })).json() as { type: string; title: string; body: string }[]).filter(
        (n) => n.type === 'knowledge.expiring',
      )

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      await createUser(t.deps, null, { username: 'admin2', displayName: '审核员', password: TEST_PASSWORD, role: 'admin', unitId: null })
      await createUser(t.deps, null, { username: 'liaison-wjw', displayName: '卫健联络员', password: TEST_PASSWORD, role: 'unit_liaison', unitId: 'wjw' })
      admin = await t.login('admin')
      admin2 = await t.login('admin2')
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    it('reminds the owner unit once of an entry ending within 7 days, renewed entries again when the new end nears', async () => {
      // The test clock stands on 2026-03-02 (China).
      const ending = await publish({ title: '流感疫苗接种点', body: '今冬流感疫苗在社区卫生服务中心接种。', ownerUnitId: 'wjw', validFrom: '2026-01-01', validTo: '2026-03-08' })
      await publish({ title: '新冠疫苗加强针', body: '加强针在定点医院接种。', ownerUnitId: 'wjw', validFrom: '2026-01-01', validTo: '2026-03-20' })
      await publish({ title: '无主条目', body: '没有责任单位。', validFrom: '2026-01-01', validTo: '2026-03-05' })
      await call(admin, 'POST', '/api/knowledge', { title: '草稿条目', body: '尚未发布。', ownerUnitId: 'wjw', validFrom: '2026-01-01', validTo: '2026-03-04' }, 201)

      await superviseTick(t.deps, t.clock.now())
      const first = await reminders()
      expect(first.map((n) => n.title)).toEqual(['知识库条目即将到期：流感疫苗接种点'])
      expect(first[0]!.body).toContain('有效期至2026-03-08')
      // Another tick, another day: not repeated.
      t.clock.set('2026-03-03T09:00:00+08:00')
      await superviseTick(t.deps, t.clock.now())
      expect(await reminders()).toHaveLength(1)

      // Renewed to the end of June (a new version, approved again): nothing until late June, then a reminder for the new date.
      admin = await t.login('admin')
      admin2 = await t.login('admin2')
      await call(admin, 'PUT', `/api/knowledge/${ending.id}`, { title: '流感疫苗接种点', body: '今冬流感疫苗在社区卫生服务中心接种。', ownerUnitId: 'wjw', validFrom: '2026-01-01', validTo: '2026-06-30' })
      await call(admin, 'POST', `/api/knowledge/${ending.id}/submit`)
      await call(admin2, 'POST', `/api/knowledge/${ending.id}/approve`, {})
      t.clock.set('2026-03-06T09:00:00+08:00')
      await superviseTick(t.deps, t.clock.now())
      expect((await reminders()).map((n) => n.title)).toEqual(['知识库条目即将到期：流感疫苗接种点'])
      t.clock.set('2026-06-25T09:00:00+08:00')
      await superviseTick(t.deps, t.clock.now())
      const later = await reminders()
      expect(later).toHaveLength(2)
      expect(later[0]!.body).toContain('有效期至2026-06-30')
    })

    it('does not offer the entry once its validity has ended', async () => {
      await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      t.clock.set('2026-06-30T09:00:00+08:00')
      let operator = await t.login('operator')
      const q = encodeURIComponent('流感疫苗在哪接种')
      expect(((await t.app.inject({ method: 'GET', url: `/api/knowledge/offer?q=${q}`, headers: { authorization: `Bearer ${operator}` } })).json() as { entries: { title: string }[] }).entries.map((e) => e.title)).toContain('流感疫苗接种点')
      t.clock.set('2026-07-01T09:00:00+08:00')
      operator = await t.login('operator')
      expect(((await t.app.inject({ method: 'GET', url: `/api/knowledge/offer?q=${q}`, headers: { authorization: `Bearer ${operator}` } })).json() as { entries: { title: string }[] }).entries.map((e) => e.title)).not.toContain('流感疫苗接种点')
    })
  })
}
