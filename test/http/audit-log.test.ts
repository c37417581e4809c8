/**
 * Issue 8 point 6: the audit log is readable by admins over HTTP (the web app's 审计日志 screen), filtered by
 * person, item, action and date, newest first and paged; failed sign-ins are recorded with the name tried and
 * the address; nobody else may read it. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

for (const dialect of testDialects()) {
  describe(`audit log screen (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const get = (who: string, qs: string) => t.app.inject({ method: 'GET', url: `/api/audit${qs}`, headers: { authorization: `Bearer ${tokens[who]}` } })

    beforeAll(async () => {
      t = await startTestApp(dialect, { trustProxy: true })
      await t.seedUsers()
      for (const u of ['admin', 'supervisor', 'liaison-sjj']) tokens[u] = await t.login(u)
      await insertItem(t.db, { id: 'au1', title: '审计测试事项', due: '2026-03-20', lead: 'sjj' })
    }, 120_000)
    afterAll(async () => t?.close())

    it('records a failed sign-in with the name tried and the address, whether or not the user exists', async () => {
      for (const username of ['liaison-sjj', 'nobody-here']) {
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'wrong' }, headers: { 'x-forwarded-for': '10.9.9.9' } })
        expect(res.statusCode).toBe(401)
      }
      const page = await get('admin', '?action=user.login.failed')
      expect(page.statusCode, page.body).toBe(200)
      const rows = page.json().rows
      expect(rows.map((r: any) => r.after)).toEqual([
        { username: 'nobody-here', address: '10.9.9.9' },
        { username: 'liaison-sjj', address: '10.9.9.9' },
      ])
      expect(rows[1].entityId).not.toBeNull() // the existing account is named by id
      expect(rows[0].entityId).toBeNull()
    })

    it('filters by person, item, action prefix and date, newest first, a page at a time', async () => {
      await t.app.inject({ method: 'POST', url: '/api/supervision/notices', headers: { authorization: `Bearer ${tokens.supervisor}` }, payload: { itemId: 'au1', reason: '进度滞后', replyWorkingDays: 2 } })
      const bySupervisor = (await get('admin', '?user=supervisor')).json().rows
      expect(bySupervisor.length).toBeGreaterThanOrEqual(2) // the sign-in and the notice
      expect(bySupervisor.every((r: any) => r.actorName !== null && r.actorId === bySupervisor[0].actorId)).toBe(true)
      expect(bySupervisor.map((r: any) => r.action)).toEqual(expect.arrayContaining(['user.login', 'supervision.notice.issue']))

      const logins = (await get('admin', '?action=user.')).json().rows
      expect(logins.length).toBeGreaterThanOrEqual(5)
      expect(logins.every((r: any) => r.action.startsWith('user.'))).toBe(true)
      const ids = logins.map((r: any) => r.id)
      expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids)

      // Pages of 2 walk the same rows without gaps or repeats.
      const walked: number[] = []
      let before: number | null = null
      do {
        const p: any = (await get('admin', `?action=user.&limit=2${before ? `&before=${before}` : ''}`)).json()
        walked.push(...p.rows.map((r: any) => r.id))
        before = p.nextBefore
      } while (before !== null)
      expect(walked).toEqual(ids)

      // By item, given by id or by its number: the liaison's progress report on it, and nothing about other records.
      const rep = await t.app.inject({ method: 'POST', url: '/api/items/au1/reports', headers: { authorization: `Bearer ${tokens['liaison-sjj']}` }, payload: { text: '已完成第一轮抽检' } })
      expect(rep.statusCode, rep.body).toBe(200)
      const number = (await t.db.query<{ number: string }>("SELECT number FROM item WHERE id = 'au1'")).rows[0]!.number
      for (const item of ['au1', number]) {
        const rows = (await get('admin', `?item=${encodeURIComponent(item)}`)).json().rows
        expect(rows.length).toBeGreaterThan(0)
        expect(rows.every((r: any) => r.entityId === 'au1' && r.entity === 'item')).toBe(true)
      }

      const today = '2026-03-02' // the test clock's date
      expect((await get('admin', `?from=${today}&to=${today}&action=user.login`)).json().rows.length).toBeGreaterThan(0)
      expect((await get('admin', '?from=2026-03-03&action=user.login')).json().rows).toEqual([])
    })

    it('refuses other roles and names a wrong filter', async () => {
      expect((await get('supervisor', '')).statusCode).toBe(403)
      expect((await get('liaison-sjj', '')).statusCode).toBe(403)
      const badDate = await get('admin', '?from=2026-02-30')
      expect(badDate.statusCode).toBe(400)
      expect(badDate.json().error).toMatchObject({ where: 'from' })
      const noUser = await get('admin', '?user=ghost')
      expect(noUser.statusCode).toBe(400)
      expect(noUser.json().error).toMatchObject({ where: 'user' })
      expect((await get('admin', '?to=2026-01-01&from=2026-02-01')).json().error).toMatchObject({ where: 'to' })
    })
  })
}
