import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCalendar } from '../../src/app/calendar/calendar.load.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const year2030 = {
  year: 2030,
  source: '测试通知〔2029〕1号',
  holidays: [{ name: '元旦', dates: ['2030-01-01'] }],
  adjustedWorkdays: ['2030-01-05'],
}

for (const dialect of testDialects()) {
  describe(`calendar API (${dialect})`, () => {
    let t: TestApp
    let admin: string
    let liaison: string
    const auth = (token: string) => ({ authorization: `Bearer ${token}` })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      admin = await t.login('admin')
      liaison = await t.login('liaison-sjj')
    })
    afterAll(async () => t.close())

    it('shows an official year when no admin year is stored', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/calendar/2026', headers: auth(admin) })
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.origin).toBe('official')
      expect(body.data.adjustedWorkdays).toContain('2026-02-14')
    })

    it('answers none for a year without data', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/calendar/2031', headers: auth(admin) })
      expect(res.json()).toEqual({ year: 2031, origin: 'none', data: null })
    })

    it('names the wrong field and writes nothing when a year is invalid', async () => {
      const bad = { ...year2030, holidays: [{ name: '元旦', dates: ['2030-01-01', '2030-02-30'] }], adjustedWorkdays: ['2030-01-07'], extra: 1 }
      const res = await t.app.inject({ method: 'PUT', url: '/api/calendar/2030', headers: auth(admin), payload: bad })
      expect(res.statusCode).toBe(400)
      const err = res.json().error
      expect(err.code).toBe('DUBAN_ERR_CALENDAR_INVALID')
      expect(err.where).toBe('extra')
      expect(err.message).toContain("holidays[0].dates[1]: '2030-02-30' is not a real date")
      expect(err.message).toContain('adjustedWorkdays[0]: 2030-01-07 is a weekday')
      const after = await t.app.inject({ method: 'GET', url: '/api/calendar/2030', headers: auth(admin) })
      expect(after.json().origin).toBe('none')
    })

    it('rejects a body whose year differs from the path', async () => {
      const res = await t.app.inject({ method: 'PUT', url: '/api/calendar/2029', headers: auth(admin), payload: year2030 })
      expect(res.statusCode).toBe(400)
      expect(res.json().error.where).toBe('year')
    })

    it('lets only an admin read or replace a year', async () => {
      expect((await t.app.inject({ method: 'PUT', url: '/api/calendar/2030', headers: auth(liaison), payload: year2030 })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'GET', url: '/api/calendar/2030', headers: auth(liaison) })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'GET', url: '/api/calendar/2030' })).statusCode).toBe(401)
    })

    it('stores a year, audits it, and the loaded calendar uses it at once', async () => {
      const res = await t.app.inject({ method: 'PUT', url: '/api/calendar/2030', headers: auth(admin), payload: year2030 })
      expect(res.statusCode).toBe(200)
      expect(res.json().origin).toBe('admin')
      const day = await t.app.inject({ method: 'GET', url: '/api/calendar/days/2030-01-05', headers: auth(liaison) })
      expect(day.json()).toMatchObject({ kind: 'adjusted-workday', working: true, covered: true })
      const cal = await loadCalendar(t.db)
      expect(cal.isWorkingDay('2030-01-01')).toBe(false)
      expect(cal.addWorkingDays('2029-12-31', 1)).toBe('2030-01-02')
      const audit = await t.db.query<{ action: string; entity_id: string }>("SELECT action, entity_id FROM audit_log WHERE entity = 'calendar_year'")
      expect(audit.rows).toEqual([{ action: 'calendar.year.save', entity_id: '2030' }])
    })

    it('lets an admin correct an official year, which then replaces it', async () => {
      const corrected = { year: 2026, source: '更正', holidays: [], adjustedWorkdays: [] }
      const res = await t.app.inject({ method: 'PUT', url: '/api/calendar/2026', headers: auth(admin), payload: corrected })
      expect(res.statusCode).toBe(200)
      const cal = await loadCalendar(t.db)
      expect(cal.isWorkingDay('2026-02-14')).toBe(false)
      expect(cal.isWorkingDay('2026-02-16')).toBe(true)
      await t.db.query('DELETE FROM calendar_year WHERE year = 2026')
    })

    it('tells a 调休 Saturday from a holiday', async () => {
      const sat = await t.app.inject({ method: 'GET', url: '/api/calendar/days/2026-02-14', headers: auth(liaison) })
      expect(sat.json()).toMatchObject({ kind: 'adjusted-workday', working: true, nextWorkingDay: '2026-02-24' })
      const bad = await t.app.inject({ method: 'GET', url: '/api/calendar/days/2026-02-30', headers: auth(liaison) })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error.code).toBe('DUBAN_ERR_CALENDAR_DATE')
    })
  })
}
