/**
 * The write path's in-process caches (进程内缓存) stay correct: a session, its user's role and unit scope, and
 * the calendar are read once and reused, and every change that matters is seen by the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DbMemo } from '../../src/persistence/db.ts'
import { sessionFor } from '../../src/app/auth/session.ts'
import { saveCalendarYear } from '../../src/app/calendar/calendar-year.save.ts'
import { cachedCalendar } from '../../src/app/calendar/calendar.load.ts'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

describe('DbMemo', () => {
  it('announces a transaction’s change again when it ends, so a value read meanwhile is not kept', () => {
    const memo = new DbMemo()
    const { memo: tx, settle } = memo.withinTransaction()
    tx.changed('user')
    const readWhileOpen = memo.version('user') // a reader starts while the write is not yet committed
    settle() // COMMIT
    expect(memo.version('user')).not.toBe(readWhileOpen)
    expect(memo.version('unit')).toBe(0)
  })
})

for (const dialect of testDialects()) {
  describe(`in-process caches (${dialect})`, () => {
    let t: TestApp
    let ids: Awaited<ReturnType<TestApp['seedUsers']>>
    let admin: string
    const auth = (token: string) => ({ authorization: `Bearer ${token}` })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      ids = await t.seedUsers()
      admin = await t.login('admin')
    }, 400_000)
    afterAll(async () => t?.close())

    it('sees a role change at once, though the session was cached', async () => {
      const token = await t.login('liaison-sjj')
      expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: auth(token) })).statusCode).toBe(403)
      const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${ids['liaison-sjj']}`, headers: auth(admin), payload: { role: 'admin', unitId: null } })
      expect(res.statusCode, res.body).toBe(200)
      expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: auth(token) })).statusCode).toBe(200)
    })

    it('ends a cached session at once on a password change and on logout', async () => {
      const token = await t.login('liaison-jb')
      expect(await sessionFor(t.deps, token)).not.toBeNull()
      const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${ids['liaison-jb']}`, headers: auth(admin), payload: { password: 'another-long-pw' } })
      expect(res.statusCode, res.body).toBe(200)
      expect(await sessionFor(t.deps, token)).toBeNull()
      const again = await t.login('liaison-jb', 'another-long-pw')
      expect(await sessionFor(t.deps, again)).not.toBeNull()
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(again) })).statusCode).toBe(204)
      expect(await sessionFor(t.deps, again)).toBeNull()
    })

    it('widens a cached scope at once when a unit moves under the liaison’s unit', async () => {
      const token = await t.login('liaison-dh', TEST_PASSWORD)
      expect((await sessionFor(t.deps, token))?.actor.scopeUnitIds).toEqual(['dh', 'dh-jb'])
      await saveUnit(t.deps, null, { id: 'wjw', name: '青川市卫生健康委员会', parentId: 'dh', level: 'department', function: '卫生健康', aliases: [] })
      expect((await sessionFor(t.deps, token))?.actor.scopeUnitIds).toEqual(['dh', 'dh-jb', 'wjw'])
    })

    it('never serves a session past its expiry, cached or not', async () => {
      const token = await t.login('leader')
      expect(await sessionFor(t.deps, token)).not.toBeNull()
      const at = t.clock.now()
      t.clock.advance(13 * 3_600_000)
      try {
        expect(await sessionFor(t.deps, token)).toBeNull()
      } finally {
        t.clock.set(at)
      }
    })

    it('uses a saved calendar year at once and sees another process’s write when it rechecks', async () => {
      expect((await cachedCalendar(t.db)).calendar.isWorkingDay('2030-01-02')).toBe(true)
      await saveCalendarYear(t.deps, { userId: ids.admin, role: 'admin', unitId: null, scopeUnitIds: null }, {
        year: 2030,
        source: '测试',
        holidays: [{ name: '元旦', dates: ['2030-01-01', '2030-01-02'] }],
        adjustedWorkdays: [],
      })
      expect((await cachedCalendar(t.db)).calendar.isWorkingDay('2030-01-02')).toBe(false)
      // Another process writes the table directly: this one's memo is not told.
      await t.db.query(`UPDATE calendar_year SET data = jsonb_set(data, '{holidays}', '[]'::jsonb), updated_at = now() WHERE year = 2030`)
      expect((await cachedCalendar(t.db, Number.POSITIVE_INFINITY)).calendar.isWorkingDay('2030-01-02')).toBe(false) // not rechecked yet
      expect((await cachedCalendar(t.db, 0)).calendar.isWorkingDay('2030-01-02')).toBe(true) // rechecked: the stamp moved
    })
  })
}
