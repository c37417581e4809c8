/**
 * Issue 8 point 4: a 督办单 whose reply deadline passes without a reply climbs the ladder — the tick raises the
 * next step after 督办单 not yet raised for the item (约谈, then 通报 …), once per notice, audited and announced;
 * a reply or a 撤回 before the deadline passes stops it. Injected clock; both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

const at = (local: string): Date => new Date(`${local}+08:00`)

for (const dialect of testDialects()) {
  describe(`an unanswered 督办单 climbs the ladder (${dialect})`, () => {
    let t: TestApp
    const call = async (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${await t.login(who)}` }, ...(payload ? { payload } : {}) })
    /** Issues a notice on the item at the clock's now (a 督办单 by hand). */
    const issue = async (when: string, replyWorkingDays: number): Promise<{ id: string; number: string; replyDue: string }> => {
      t.clock.set(at(when))
      const res = await call('supervisor', 'POST', '/api/supervision/notices', { itemId: 'ov1', reason: '进度滞后，请说明', replyWorkingDays })
      expect(res.statusCode, res.body).toBe(201)
      return res.json()
    }
    const tick = (when: string) => superviseTick({ ...t.deps, clock: { now: () => at(when) } }, at(when), { onItemError: (id, e) => { throw new Error(`${id}: ${String(e)}`) } })
    const raised = async (): Promise<string[]> =>
      (await t.db.query<{ title: string }>(`SELECT title FROM notification WHERE type = 'escalation.raised' AND unit_id = 'sjj' AND item_id = 'ov1' ORDER BY created_at, id`)).rows.map((r) => r.title)

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      // Due at the end of the year: the time-based ladder has nothing to do; only unanswered notices move it.
      await insertItem(t.db, { id: 'ov1', title: '农贸市场改造', due: '2026-12-31', lead: 'sjj', createdAt: '2026-03-02T09:00:00+08:00' })
    }, 300_000)
    afterAll(async () => t?.close())

    it('raises 约谈 once when the first notice goes unanswered past its deadline, then 通报 for the next', async () => {
      const first = await issue('2026-03-02T10:00:00', 2)
      expect(first.replyDue).toBe('2026-03-04')
      expect(await tick('2026-03-04T22:00:00')).toMatchObject({ escalated: 0, notices: 0 }) // the deadline day is still open
      expect(await tick('2026-03-05T09:00:00')).toMatchObject({ escalated: 1, notices: 0 })
      expect(await raised()).toEqual(['约谈：农贸市场改造'])
      const body = await t.db.query<{ body: string; role: string | null }>(`SELECT body, role FROM notification WHERE type = 'escalation.raised' AND item_id = 'ov1' ORDER BY id`)
      expect(body.rows.map((r) => r.role).sort()).toEqual(['leader', 'supervisor', null].sort())
      expect(body.rows[0]!.body).toContain(`${first.number} 逾期未回复（回复期限2026-03-04）`)
      const audit = await t.db.query<{ after: any }>(`SELECT after FROM audit_log WHERE action = 'supervision.notice.overdue' AND entity_id = $1`, [first.id])
      expect(audit.rows).toHaveLength(1)
      const after = typeof audit.rows[0]!.after === 'string' ? JSON.parse(audit.rows[0]!.after) : audit.rows[0]!.after
      expect(after).toMatchObject({ notice: first.number, replyDue: '2026-03-04', itemId: 'ov1', step: 'interview', label: '约谈' })
      // Once: later ticks raise nothing more for the same notice.
      expect(await tick('2026-03-06T09:00:00')).toMatchObject({ escalated: 0 })
      expect(await tick('2026-03-09T09:00:00')).toMatchObject({ escalated: 0 })
      // The ladder's own ledger has the step, under the key the time-based ladder would use.
      const keys = await t.db.query<{ key: string; action: string }>(`SELECT key, action FROM supervision_action WHERE item_id = 'ov1' AND action IN ('escalate', 'overdue') ORDER BY key`)
      expect(keys.rows).toEqual([{ key: 'escalate:ov1:2026-12-31:interview', action: 'escalate' }, { key: `notice-overdue:${first.id}`, action: 'overdue' }])

      const second = await issue('2026-03-09T10:00:00', 1)
      expect(second.replyDue).toBe('2026-03-10')
      expect(await tick('2026-03-11T09:00:00')).toMatchObject({ escalated: 1 })
      expect(await raised()).toEqual(['约谈：农贸市场改造', '通报：农贸市场改造'])
    })

    it('stops for a notice replied to or withdrawn before the tick', async () => {
      const replied = await issue('2026-03-12T10:00:00', 1)
      expect((await call('liaison-sjj', 'POST', `/api/supervision/notices/${replied.id}/reply`, { text: '已整改，附说明' })).statusCode).toBe(200)
      const withdrawn = await issue('2026-03-12T11:00:00', 1)
      expect((await call('supervisor', 'POST', `/api/supervision/notices/${withdrawn.id}/withdraw`, { reason: '误发' })).statusCode).toBe(200)
      expect(await tick('2026-03-20T09:00:00')).toMatchObject({ escalated: 0, notices: 0 })
      expect(await raised()).toHaveLength(2)
      // A reply that comes late, but before the tick, stops it too.
      const late = await issue('2026-03-20T10:00:00', 1)
      t.clock.set(at('2026-03-24T09:00:00'))
      expect((await call('liaison-sjj', 'POST', `/api/supervision/notices/${late.id}/reply`, { text: '迟复' })).statusCode).toBe(200)
      expect(await tick('2026-03-24T10:00:00')).toMatchObject({ escalated: 0 })
    })

    it('goes on to 问责 and then has nothing left to raise', async () => {
      await issue('2026-03-25T10:00:00', 1)
      expect(await tick('2026-03-27T09:00:00')).toMatchObject({ escalated: 1 })
      await issue('2026-03-30T10:00:00', 1)
      expect(await tick('2026-04-01T09:00:00')).toMatchObject({ escalated: 0 })
      expect(await raised()).toEqual(['约谈：农贸市场改造', '通报：农贸市场改造', '问责：农贸市场改造'])
    })
  })
}
