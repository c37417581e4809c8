/**
 * Issue 8 point 5: 撤回 a 督办单 with a reason — kept on record (who, when, why), the unit told, no longer
 * counted as unanswered, audited; a replied notice cannot be withdrawn and a withdrawn one cannot be replied
 * to; only the supervising office may withdraw. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

for (const dialect of testDialects()) {
  describe(`督办单 withdrawal (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      for (const u of ['admin', 'supervisor', 'liaison-sjj']) tokens[u] = await t.login(u)
      await insertItem(t.db, { id: 'wd1', title: '市场秩序整治', due: '2026-02-20', lead: 'sjj' })
    }, 120_000)
    afterAll(async () => t?.close())

    it('withdraws an unanswered notice with a reason, tells the unit, and refuses a reply to it', async () => {
      const n = (await call('supervisor', 'POST', '/api/supervision/notices', { itemId: 'wd1', reason: '进度滞后', replyWorkingDays: 1 })).json()
      expect(n.status).toBe('issued')

      expect((await call('liaison-sjj', 'POST', `/api/supervision/notices/${n.id}/withdraw`, { reason: '误发' })).statusCode).toBe(403)
      const noReason = await call('supervisor', 'POST', `/api/supervision/notices/${n.id}/withdraw`, { reason: '   ' })
      expect(noReason.statusCode).toBe(400)
      expect(noReason.json().error).toMatchObject({ where: 'reason' })

      t.clock.advance(3 * 86_400_000) // past the reply deadline: it would be overdue if it still counted
      for (const u of Object.keys(tokens)) tokens[u] = await t.login(u) // sessions do not last three days
      const done = await call('supervisor', 'POST', `/api/supervision/notices/${n.id}/withdraw`, { reason: '事项已调整，误发' })
      expect(done.statusCode, done.body).toBe(200)
      expect(done.json()).toMatchObject({ status: 'withdrawn', withdrawReason: '事项已调整，误发', overdue: false })
      expect(done.json().withdrawnAt).not.toBeNull()
      expect(done.json().withdrawnBy).not.toBeNull()

      const again = await call('supervisor', 'POST', `/api/supervision/notices/${n.id}/withdraw`, { reason: '再撤' })
      expect(again.statusCode).toBe(409)
      expect(again.json().error.code).toBe('DUBAN_ERR_NOTICE_WITHDRAWN')
      const reply = await call('liaison-sjj', 'POST', `/api/supervision/notices/${n.id}/reply`, { text: '已整改' })
      expect(reply.statusCode).toBe(409)
      expect(reply.json().error.code).toBe('DUBAN_ERR_NOTICE_WITHDRAWN')

      // The unit is told; the list filters by the new status; the audit log has it.
      const told = await t.db.query<{ title: string; body: string }>("SELECT title, body FROM notification WHERE type = 'notice.withdrawn' AND unit_id = 'sjj'")
      expect(told.rows).toEqual([{ title: `${n.number} 已撤回`, body: '撤回原因：事项已调整，误发。该督办单无需回复。' }])
      const listed = (await call('liaison-sjj', 'GET', '/api/supervision/notices?status=withdrawn')).json()
      expect(listed.map((x: any) => x.id)).toEqual([n.id])
      const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id", [n.id])
      expect(audit.rows.map((r) => r.action)).toEqual(['supervision.notice.issue', 'supervision.notice.withdraw'])
    })

    it('keeps a replied notice: the unit’s answer is part of the record', async () => {
      const n = (await call('supervisor', 'POST', '/api/supervision/notices', { itemId: 'wd1', reason: '再次督办', replyWorkingDays: 2 })).json()
      expect((await call('liaison-sjj', 'POST', `/api/supervision/notices/${n.id}/reply`, { text: '已整改完毕' })).statusCode).toBe(200)
      const res = await call('admin', 'POST', `/api/supervision/notices/${n.id}/withdraw`, { reason: '误发' })
      expect(res.statusCode).toBe(409)
      expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_NOTICE_REPLY_CONFLICT', where: 'id' })
      expect((await call('admin', 'POST', '/api/supervision/notices/none/withdraw', { reason: 'x' })).statusCode).toBe(404)
    })
  })
}
