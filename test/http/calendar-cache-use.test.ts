/**
 * The 督办单, the supervision tick and the assessment compute with this process's cached calendar (cachedCalendar):
 * a calendar change is still what they use — at once when it is written in this process, and, for a write by
 * another process (a second `duban serve`, `duban calendar import`), the tick and the assessment's basis never
 * compute with a calendar older than the years they fingerprint (else the new days would never be planned with).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveCalendarYear } from '../../src/app/calendar/calendar-year.save.ts'
import { cachedCalendar } from '../../src/app/calendar/calendar.load.ts'
import { settingsOf } from '../../src/app/assessment/assessment-aggregates.ts'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { calendarYearsStamp } from '../../src/persistence/calendar.repo.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

const at = (local: string): Date => new Date(`${local}+08:00`)
const admin = { userId: null, role: 'admin' as const, unitId: null, scopeUnitIds: null }
/** 2026 as stored by an admin: only these holidays. */
const year2026 = (dates: string[]) => ({ year: 2026, source: '测试', holidays: [{ name: '测试', dates }], adjustedWorkdays: [] })

for (const dialect of testDialects()) {
  describe(`the cached calendar's users see a calendar change (${dialect})`, () => {
    let t: TestApp
    /** Another process writes 2026 straight into the table: this one's memo is not told. */
    const writeElsewhere = (dates: string[]) =>
      t.db.query(`UPDATE calendar_year SET data = $1::jsonb, updated_at = now() WHERE year = 2026`, [JSON.stringify(year2026(dates))])
    const tick = (when: string) => superviseTick({ ...t.deps, clock: { now: () => at(when) } }, at(when), { onItemError: (id, e) => { throw new Error(`${id}: ${String(e)}`) } })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await insertItem(t.db, { id: 'cc1', title: '背街小巷整治', due: '2026-12-31', lead: 'sjj', createdAt: '2026-03-02T09:00:00+08:00' })
      await insertItem(t.db, { id: 'cc2', title: '老旧小区加装电梯', due: '2026-05-22', lead: 'sjj', createdAt: '2026-04-01T09:00:00+08:00' })
    }, 400_000)
    afterAll(async () => t?.close())

    it('a 督办单 issued after a calendar year is saved here counts its reply deadline with the new holiday', async () => {
      const issue = async (): Promise<string> => {
        t.clock.set(at('2026-03-02T10:00:00'))
        const res = await t.app.inject({
          method: 'POST', url: '/api/supervision/notices', headers: { authorization: `Bearer ${await t.login('supervisor')}` },
          payload: { itemId: 'cc1', reason: '进度滞后，请说明', replyWorkingDays: 1 },
        })
        expect(res.statusCode, res.body).toBe(201)
        return (res.json() as { replyDue: string }).replyDue
      }
      expect(await issue()).toBe('2026-03-03') // and the calendar is cached now
      await saveCalendarYear(t.deps, admin, year2026(['2026-03-03']))
      expect(await issue()).toBe('2026-03-04')
    })

    it('the tick plans with another process’s calendar as soon as its fingerprint names it', async () => {
      // Due Friday 05-22: warned 3 working days before, so not yet on Friday 05-15 with the week of 05-18 working.
      expect(await tick('2026-05-06T09:00:00')).toMatchObject({ warned: 0 })
      await cachedCalendar(t.db) // cached a moment before the other process's write
      await writeElsewhere(['2026-03-03', '2026-05-18', '2026-05-19', '2026-05-20', '2026-05-21'])
      // Monday to Thursday off: Friday 05-15 is within 3 working days of the due date.
      expect(await tick('2026-05-15T09:00:00')).toMatchObject({ warned: 1 })
      const warned = await t.db.query<{ body: string }>(`SELECT body FROM notification WHERE type = 'item.due_soon' AND item_id = 'cc2'`)
      expect(warned.rows.length).toBeGreaterThan(0)
      expect(warned.rows[0]!.body).toContain('将于2026-05-22到期')
    })

    it('the assessment’s settings name the calendar they compute with, and a change here is used at once', async () => {
      await settingsOf(t.db, 'task') // cached
      await writeElsewhere(['2026-03-03', '2026-06-02'])
      const s = await settingsOf(t.db, 'task')
      const basisIsCurrent = (JSON.parse(s.basis) as { cal: string }).cal === (await calendarYearsStamp(t.db))
      const usesNewDay = s.contrib.calendar.addWorkingDays('2026-06-01', 1) === '2026-06-03'
      // Either both still the cached calendar (the kind is marked again when it is rechecked) or both the new one.
      expect(usesNewDay).toBe(basisIsCurrent)

      const before = s.basis
      await saveCalendarYear(t.deps, admin, year2026(['2026-06-04']))
      const after = await settingsOf(t.db, 'task')
      expect(after.basis).not.toBe(before)
      expect(after.contrib.calendar.addWorkingDays('2026-06-03', 1)).toBe('2026-06-05')
      expect((JSON.parse(after.basis) as { cal: string }).cal).toBe(await calendarYearsStamp(t.db))
    })
  })
}
