/**
 * Issue 8 point 5, undo with a trace, over HTTP on every test dialect:
 *  - 更正进展: the reporting unit (or the office) corrects a progress report with a reason; the original stays
 *    and is shown beside the correction, the item's measures and so assessment's 目标达成 follow the corrected
 *    figures, the ledger's last report is the corrected text; refusals are specific and change nothing.
 *  - 撤销下发: the office cancels a confirmed plan's tasks (chosen ones, or the whole plan) while no unit acted;
 *    refused naming the items a unit acted on; cancelled tasks leave the open lists, units are told, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAssessedItems } from '../../src/persistence/assessment.repo.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSample, loginDemo, rowCounts, seedDemoCity } from './plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`undo with a trace (${dialect})`, () => {
    let t: TestApp
    const tok: Record<string, string> = {}
    let planId = ''
    let tasks: { n: number; id: string; number: string }[] = []
    let food = '' // 保障食品药品安全: lead 市市场监管局 (sjj), cooperating 市卫健委 (wjw)
    let foodNumber = ''
    let reportId = ''
    let metric = ''
    let target = 0

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      for (const u of ['supervisor', 'leader', 'sjj', 'wjw', 'admin']) tok[u] = await loginDemo(t, u)
      ;({ planId, tasks } = await confirmSample(t, tok.supervisor!))
      const found = (await call(t, tok.supervisor!, 'GET', `/api/items?q=${encodeURIComponent('保障食品药品安全')}`)).json().items[0]
      food = found.id
      foodNumber = found.number
    }, 300_000)
    afterAll(async () => t?.close())

    const assessedTargets = async (): Promise<{ met: number; total: number }> => {
      const res = await call(t, tok.leader!, 'GET', `/api/assessment?period=2026-03&kind=task`)
      expect(res.statusCode, res.body).toBe(200)
      const row = res.json().rows.find((r: any) => r.unitId === 'yz-sjj')
      return { met: row.targetsMet.numerator, total: row.targetsMet.denominator }
    }

    it('corrects a progress report: original kept and shown, figures in force feed assessment and the ledger', async () => {
      const detail = (await call(t, tok.sjj!, 'GET', `/api/items/${food}`)).json()
      const targets = detail.data.targets as { metric: string; value: number; comparison?: string }[]
      const numeric = targets.find((x) => typeof x.value === 'number' && (x.comparison ?? '>=').startsWith('>'))!
      expect(numeric, JSON.stringify(targets)).toBeTruthy()
      metric = numeric.metric
      target = numeric.value
      expect((await call(t, tok.sjj!, 'POST', `/api/items/${food}/accept`, {})).statusCode).toBe(200)
      // The completion report (报办结) carries the figures; targets count for items finished in the period.
      const rep = await call(t, tok.sjj!, 'POST', `/api/items/${food}/completion`, { text: '本月抽检完成', measures: { [metric]: target - 1 } })
      expect(rep.statusCode, rep.body).toBe(200)
      reportId = rep.json().report.id
      const before = await assessedTargets()

      // Refusals, each specific, none changing anything.
      const counts = await rowCounts(t)
      const url = `/api/items/${food}/reports/${reportId}/correction`
      const cases: [string, string, unknown, number, string][] = [
        ['wjw', url, { text: '改', reason: '笔误' }, 403, 'DUBAN_ERR_REPORT_CORRECT_FORBIDDEN'], // sees the item, did not make the report
        ['leader', url, { text: '改', reason: '笔误' }, 403, 'DUBAN_ERR_FORBIDDEN'],
        ['sjj', url, { text: '改' }, 400, 'DUBAN_ERR_VALIDATION'], // no reason
        ['sjj', url, { text: '改', reason: '   ' }, 400, 'DUBAN_ERR_FIELD_REQUIRED'],
        ['sjj', url, { reason: '笔误' }, 400, 'DUBAN_ERR_FIELD_REQUIRED'], // nothing to correct
        ['sjj', url, { text: '本月抽检完成', reason: '笔误' }, 400, 'DUBAN_ERR_REPORT_CORRECTION_UNCHANGED'],
        ['sjj', `/api/items/${food}/reports/nope/correction`, { text: '改', reason: '笔误' }, 404, 'DUBAN_ERR_REPORT_NOT_FOUND'],
      ]
      for (const [who, u, body, status, code] of cases) {
        const res = await call(t, tok[who]!, 'POST', u, body)
        expect(res.statusCode, `${who} ${JSON.stringify(body)} ${res.body}`).toBe(status)
        expect(res.json().error.code).toBe(code)
      }
      expect(await rowCounts(t)).toEqual(counts)

      const fixed = await call(t, tok.sjj!, 'POST', url, { text: '本月抽检完成，数据已核对', measures: { [metric]: target + 1 }, reason: '报送时数字录错' })
      expect(fixed.statusCode, fixed.body).toBe(200)
      expect(fixed.json()).toMatchObject({
        id: reportId,
        body: '本月抽检完成',
        targetValues: [{ metric, value: target - 1 }],
        correction: { body: '本月抽检完成，数据已核对', targetValues: [{ metric, value: target + 1 }], reason: '报送时数字录错', count: 1 },
      })
      // The item shows both; its measures are the corrected ones.
      const after = (await call(t, tok.supervisor!, 'GET', `/api/items/${food}`)).json()
      const shown = after.reports.find((r: any) => r.id === reportId)
      expect(shown.body).toBe('本月抽检完成')
      expect(shown.correction.body).toBe('本月抽检完成，数据已核对')
      const snap = (await t.db.query<{ s: any }>(`SELECT snapshot AS s FROM item WHERE id = $1`, [food])).rows[0]!.s
      expect((typeof snap === 'string' ? JSON.parse(snap) : snap).data.measures[metric]).toBe(target + 1)
      // Assessment counts the target met now; the ledger's last report is the corrected text.
      const now = await assessedTargets()
      expect(now.met).toBe(before.met + 1)
      expect(now.total).toBe(before.total)
      const ledgerRow = (await listAssessedItems(t.db, 'task')).find((i) => i.id === food)!
      expect(ledgerRow.lastReport).toBe('本月抽检完成，数据已核对')
      // The office is told, the audit log has before and after.
      const told = await t.db.query<{ title: string; body: string }>(`SELECT title, body FROM notification WHERE type = 'item.report_corrected' AND role = 'supervisor'`)
      expect(told.rows).toEqual([{ title: `进展报告已更正：${foodNumber} 保障食品药品安全`, body: '更正原因：报送时数字录错' }])
      const audit = await t.db.query<{ before: any; after: any }>(`SELECT before, after FROM audit_log WHERE action = 'item.report.correct' AND entity_id = $1`, [food])
      expect(audit.rows).toHaveLength(1)
      const a = audit.rows[0]!
      const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
      expect(parse(a.before)).toMatchObject({ reportId, body: '本月抽检完成', targetValues: [{ metric, value: target - 1 }] })
      expect(parse(a.after)).toMatchObject({ reportId, body: '本月抽检完成，数据已核对', reason: '报送时数字录错' })

      // The office corrects again (the unit is told); the original still stands as first reported.
      const again = await call(t, tok.supervisor!, 'POST', url, { measures: { [metric]: target - 2 }, reason: '复核后更正' })
      expect(again.statusCode, again.body).toBe(200)
      expect(again.json()).toMatchObject({ body: '本月抽检完成', correction: { body: '本月抽检完成，数据已核对', targetValues: [{ metric, value: target - 2 }], count: 2 } })
      expect((await assessedTargets()).met).toBe(before.met)
      expect((await t.db.query(`SELECT 1 FROM notification WHERE type = 'item.report_corrected' AND unit_id = 'yz-sjj'`)).rows).toHaveLength(1)
    })

    it('refuses to cancel a plan’s tasks when a unit acted on one, naming it, and changes nothing', async () => {
      const counts = await rowCounts(t)
      const whole = await call(t, tok.supervisor!, 'POST', `/api/plans/${planId}/cancel`, { reason: '计划重发' })
      expect(whole.statusCode, whole.body).toBe(409)
      expect(whole.json().error.code).toBe('DUBAN_ERR_DISPATCH_CANCEL_CONFLICT')
      expect(whole.json().error.message).toContain(foodNumber)
      expect(whole.json().error.details.acted).toEqual([{ itemId: food, number: foodNumber, title: '保障食品药品安全', did: ['accept', 'report', 'submit_completion'] }])
      // One item at a time through the generic event route is refused alike.
      const one = await call(t, tok.supervisor!, 'POST', `/api/items/${food}/events`, { event: 'withdraw_dispatch', payload: { reason: '误发' } })
      expect(one.statusCode).toBe(409)
      expect(one.json().error.code).toBe('DUBAN_ERR_DISPATCH_CANCEL_CONFLICT')
      expect((await call(t, tok.sjj!, 'POST', `/api/plans/${planId}/cancel`, { reason: 'x' })).statusCode).toBe(403)
      expect((await call(t, tok.leader!, 'POST', `/api/plans/${planId}/cancel`, { reason: 'x' })).statusCode).toBe(403)
      const stranger = await call(t, tok.supervisor!, 'POST', `/api/plans/${planId}/cancel`, { reason: 'x', itemIds: ['not-a-task'] })
      expect(stranger.statusCode).toBe(400)
      expect(stranger.json().error).toMatchObject({ code: 'DUBAN_ERR_FIELD_INVALID', where: 'itemIds[0]' })
      expect((await call(t, tok.supervisor!, 'POST', `/api/plans/${planId}/cancel`, { reason: ' ' })).json().error.code).toBe('DUBAN_ERR_FIELD_REQUIRED')
      expect((await call(t, tok.supervisor!, 'POST', `/api/plans/nope/cancel`, { reason: 'x' })).statusCode).toBe(404)
      expect(await rowCounts(t)).toEqual(counts)
    })

    it('cancels chosen tasks no unit acted on: out of the open lists, units told, audited', async () => {
      const waitingBefore = (await call(t, tok.supervisor!, 'GET', '/api/items?state=waiting')).json().total
      const chosen = tasks.filter((x) => x.id !== food).slice(0, 2)
      const res = await call(t, tok.supervisor!, 'POST', `/api/plans/${planId}/cancel`, { reason: '任务调整，撤销下发', itemIds: chosen.map((c) => c.id) })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toEqual({ planId, planStatus: 'confirmed', cancelled: chosen.map((c) => ({ id: c.id, number: c.number })) })
      expect((await call(t, tok.supervisor!, 'GET', '/api/items?state=waiting')).json().total).toBe(waitingBefore - 2)
      for (const c of chosen) {
        const d = (await call(t, tok.supervisor!, 'GET', `/api/items/${c.id}`)).json()
        expect(d).toMatchObject({ state: 'cancelled', stateLabel: '已撤销', stateType: 'closed' })
        expect(d.events.at(-1)).toMatchObject({ event: 'withdraw_dispatch', payload: { reason: '任务调整，撤销下发' } })
        // Every unit it was sent to is told (the kind's notify:assignees).
        const units = (await t.db.query<{ unit_id: string }>(`SELECT unit_id FROM item_unit WHERE item_id = $1`, [c.id])).rows.map((r) => r.unit_id).sort()
        const told = (await t.db.query<{ unit_id: string }>(`SELECT unit_id FROM notification WHERE item_id = $1 AND type = 'item.withdraw_dispatch'`, [c.id])).rows.map((r) => r.unit_id).sort()
        expect(told).toEqual(units)
      }
      const audit = await t.db.query<{ after: any }>(`SELECT after FROM audit_log WHERE action = 'plan.cancel' AND entity_id = $1`, [planId])
      const after = typeof audit.rows[0]?.after === 'string' ? JSON.parse(audit.rows[0].after) : audit.rows[0]?.after
      expect(after).toEqual({ status: 'confirmed', reason: '任务调整，撤销下发', tasks: chosen.map((c) => c.number) })
      // A cancelled task cannot be cancelled again.
      const twice = await call(t, tok.supervisor!, 'POST', `/api/plans/${planId}/cancel`, { reason: '再撤', itemIds: [chosen[0]!.id] })
      expect(twice.statusCode).toBe(409)
      expect(twice.json().error.code).toBe('DUBAN_ERR_DISPATCH_CANCEL_CONFLICT')
    })

    it('cancels a whole plan no unit acted on, and the plan with it', async () => {
      const second = await confirmSample(t, tok.supervisor!)
      const res = await call(t, tok.supervisor!, 'POST', `/api/plans/${second.planId}/cancel`, { reason: '重复下发' })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().planStatus).toBe('cancelled')
      expect(res.json().cancelled).toHaveLength(second.tasks.length)
      const states = await t.db.query<{ state: string }>(`SELECT DISTINCT state FROM item WHERE plan_id = $1`, [second.planId])
      expect(states.rows).toEqual([{ state: 'cancelled' }])
      expect((await call(t, tok.supervisor!, 'GET', `/api/plans/${second.planId}`)).json().status).toBe('cancelled')
      const again = await call(t, tok.supervisor!, 'POST', `/api/plans/${second.planId}/cancel`, { reason: '再撤' })
      expect(again.statusCode).toBe(409)
      expect(again.json().error.code).toBe('DUBAN_ERR_PLAN_CANCEL_STATUS_CONFLICT')
    })

    it('keeps a closed item’s reports for the office to correct, not the unit', async () => {
      const approved = await call(t, tok.supervisor!, 'POST', `/api/items/${food}/completion/decision`, { approve: true })
      expect(approved.json().state, approved.body).toBe('closed')
      const unit = await call(t, tok.sjj!, 'POST', `/api/items/${food}/reports/${reportId}/correction`, { text: '再改', reason: '补充' })
      expect(unit.statusCode).toBe(409)
      expect(unit.json().error.code).toBe('DUBAN_ERR_REPORT_CORRECTION_CONFLICT')
      expect((await call(t, tok.admin!, 'POST', `/api/items/${food}/reports/${reportId}/correction`, { text: '办结后更正', reason: '补充' })).statusCode).toBe(200)
    })
  })
}
