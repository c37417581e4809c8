/**
 * Issue 8 point 4: the printable 督办通知单 (.docx) is opened back and read field by field — 文号, 主送单位, the
 * task with its due date, reason, reply deadline, the issuing office's 落款 and the date of issue; the 落款 is
 * the admin's setting (derived from the unit tree until set); a unit outside the notice gets 404. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docxText } from '../support/docx-text.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

for (const dialect of testDialects()) {
  describe(`督办通知单 document (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      for (const u of ['admin', 'supervisor', 'liaison-sjj', 'liaison-dh']) tokens[u] = await t.login(u)
      await insertItem(t.db, { id: 'doc1', title: '食品安全抽检', due: '2026-03-20', lead: 'sjj' })
    }, 120_000)
    afterAll(async () => t?.close())

    it('prints the notice with its number, addressees, task, deadlines, 落款 and date; only those it concerns may read it', async () => {
      t.clock.set(new Date('2026-03-02T10:00:00+08:00'))
      const issued = await t.app.inject({ method: 'POST', url: '/api/supervision/notices', headers: auth('supervisor'), payload: { itemId: 'doc1', reason: '抽检进度滞后于计划', replyWorkingDays: 3 } })
      expect(issued.statusCode, issued.body).toBe(201)
      const n = issued.json()

      // Before an admin sets it, the 落款 comes from the top of the unit tree.
      const derived = await t.app.inject({ method: 'GET', url: '/api/office', headers: auth('supervisor') })
      expect(derived.json()).toMatchObject({ configured: false })
      expect(derived.json().issuingOffice).toBe('青川市人民政府督查室') // seedUsers' top unit is 青川市

      expect((await t.app.inject({ method: 'PUT', url: '/api/office', headers: auth('supervisor'), payload: { issuingOffice: 'x', bulletinPrefix: 'y' } })).statusCode).toBe(403)
      const bad = await t.app.inject({ method: 'PUT', url: '/api/office', headers: auth('admin'), payload: { issuingOffice: '  ', bulletinPrefix: '云督通' } })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error).toMatchObject({ where: 'issuingOffice' })
      const set = await t.app.inject({ method: 'PUT', url: '/api/office', headers: auth('admin'), payload: { issuingOffice: '云州市人民政府督查室', bulletinPrefix: '云督通' } })
      expect(set.statusCode, set.body).toBe(200)
      expect(set.json()).toEqual({ issuingOffice: '云州市人民政府督查室', bulletinPrefix: '云督通', noticePrefix: '督办', noticePrefixSet: false, configured: true })

      const res = await t.app.inject({ method: 'GET', url: `/api/supervision/notices/${n.id}/document`, headers: auth('liaison-sjj') })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.headers['content-type']).toContain('wordprocessingml')
      expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain(`${n.number}.docx`)
      const lines = (await docxText(res.rawPayload)).split('\n')
      expect(lines[0]).toBe('督办通知单')
      expect(lines[1]).toBe(n.number)
      expect(n.number).toMatch(/^督办〔2026〕\d+号$/)
      const sjjName = (await t.db.query<{ name: string }>("SELECT name FROM unit WHERE id = 'sjj'")).rows[0]!.name
      expect(lines[2]).toBe(`${sjjName}：`)
      const replyDue = n.replyDue as string
      const cn = (iso: string) => `${iso.slice(0, 4)}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`
      expect(lines[3]).toContain(`于${cn(replyDue)}前`)
      // The table: header row, then the task's number, title, due date and the reply deadline.
      expect(lines).toContain(n.itemNumber)
      expect(lines).toContain('食品安全抽检')
      expect(lines).toContain('2026年3月20日')
      expect(lines).toContain('督办事由：抽检进度滞后于计划')
      // 落款 and the date of issue, last.
      expect(lines.at(-2)).toBe('云州市人民政府督查室')
      expect(lines.at(-1)).toBe('2026年3月2日')
      // Three working days from Monday 2026-03-02.
      expect(replyDue).toBe('2026-03-05')

      // A unit the notice is not addressed to does not see it at all.
      expect((await t.app.inject({ method: 'GET', url: `/api/supervision/notices/${n.id}/document`, headers: auth('liaison-dh') })).statusCode).toBe(404)
      expect((await t.app.inject({ method: 'GET', url: '/api/supervision/notices/nope/document', headers: auth('supervisor') })).statusCode).toBe(404)
      expect((await t.app.inject({ method: 'GET', url: `/api/supervision/notices/${n.id}/document` })).statusCode).toBe(401)

      const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE entity = 'office_profile'")
      expect(audit.rows.map((r) => r.action)).toEqual(['office.profile.save'])
    })
  })
}
