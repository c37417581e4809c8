/**
 * Shared work meets undo and rework, over HTTP on every test dialect (issue 8.2 with 8.5):
 *  - 撤销下发 of a task split into copies (分解落实) takes its copies with it; when a copy's unit acted (签收), the
 *    office is refused, naming the copy, and nothing changes;
 *  - 退回重办 of a task with two 牵头单位 reopens both leads' shares: each must report finished again, and the task
 *    waits for the second; both leads are told;
 *  - 改派 of a task with two leads ends the sharing: the new unit is the only lead, owns the task alone, and the
 *    former leads can no longer act on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const planText = (title: string, task: string, units: string) => `青川市2026年${title}
一、重点任务
（一）${task}。（${units}。完成时间：2026年6月30日前）
`
const TWO_LEADS = '牵头单位：青川市市场监督管理局、青川市卫生健康委员会'
const PASSWORD = 'Shared-undo-2026!'

for (const dialect of testDialects()) {
  describe(`shared work: 撤销下发 with copies, 退回重办 and 改派 with several leads (${dialect})`, () => {
    let t: TestApp
    const token: Record<string, string> = {}

    const send = (who: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${token[who]}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
    const call = async (who: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) => {
      const res = await send(who, method, url, payload)
      expect(res.statusCode, `${who} ${method} ${url}: ${res.body}`).toBeLessThan(300)
      return res.json()
    }
    const take = (who: string, itemId: string, event: string, payload: Record<string, unknown> = {}) => call(who, 'POST', `/api/items/${itemId}/events`, { event, payload })
    const titles = async (who: string) => ((await call(who, 'GET', '/api/notifications')) as { title: string }[]).map((n) => n.title)
    const stateOf = async (id: string) => (await call('supervisor', 'GET', `/api/items/${id}`)).state as string

    /** Imports and confirms a plan; expands 各街道 into 江滨街道 and 湖西街道 when the plan names it. */
    const confirmPlan = async (text: string, expand: boolean) => {
      const plan = await call('supervisor', 'POST', '/api/plans', { fileName: 'plan.txt', contentBase64: Buffer.from(text).toString('base64') })
      if (expand) await call('supervisor', 'PUT', `/api/plans/${plan.id}/collectives`, { raw: '各街道', expand: true, unitIds: ['dh-jb', 'dh-hx'] })
      const confirmed = await call('supervisor', 'POST', `/api/plans/${plan.id}/confirm`)
      expect(confirmed.tasks).toHaveLength(1)
      const task = confirmed.tasks[0] as { id: string; number: string; children?: { id: string; number: string; unitId: string }[] }
      const copies = Object.fromEntries((task.children ?? []).map((c) => [c.unitId, { id: c.id, number: c.number }]))
      return { planId: plan.id as string, id: task.id, number: task.number, copies }
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      for (const who of ['admin', 'supervisor', 'liaison-sjj', 'liaison-jb', 'liaison-dh']) token[who] = await t.login(who)
      await call('admin', 'POST', '/api/units', { id: 'dh-hx', name: '湖西街道', parentId: 'dh', level: 'township', function: null, aliases: [] })
      for (const [username, unitId] of [['liaison-wjw', 'wjw'], ['liaison-hx', 'dh-hx']] as const) {
        const users = (await call('admin', 'GET', '/api/users')) as { username: string }[]
        if (!users.some((u) => u.username === username)) await call('admin', 'POST', '/api/users', { username, displayName: username, password: PASSWORD, role: 'unit_liaison', unitId })
        token[username] = await t.login(username, PASSWORD)
      }
    }, 300_000)
    afterAll(async () => t?.close())

    it('refuses 撤销下发 of a task when a unit acted on one of its copies, naming the copy, and changes nothing', async () => {
      const p = await confirmPlan(planText('食品安全工作要点', '开展食品安全示范街道创建', `${TWO_LEADS}；责任单位：各街道`), true)
      expect(Object.keys(p.copies).sort()).toEqual(['dh-hx', 'dh-jb'])
      await take('liaison-jb', p.copies['dh-jb']!.id, 'accept')

      for (const body of [{ reason: '计划重发', itemIds: [p.id] }, { reason: '计划重发' }]) {
        const res = await send('supervisor', 'POST', `/api/plans/${p.planId}/cancel`, body)
        expect(res.statusCode, res.body).toBe(409)
        expect(res.json().error.code).toBe('DUBAN_ERR_DISPATCH_CANCEL_CONFLICT')
        expect(res.json().error.message).toContain(p.copies['dh-jb']!.number)
        expect(res.json().error.details.acted.map((a: { number: string; did: string[] }) => [a.number, a.did])).toEqual([[p.copies['dh-jb']!.number, ['accept']]])
      }
      // The same event on the task alone is refused the same way.
      const direct = await send('supervisor', 'POST', `/api/items/${p.id}/events`, { event: 'withdraw_dispatch', payload: { reason: '撤销' } })
      expect(direct.statusCode, direct.body).toBe(409)
      expect(direct.json().error.message).toContain(p.copies['dh-jb']!.number)

      expect([await stateOf(p.id), await stateOf(p.copies['dh-jb']!.id), await stateOf(p.copies['dh-hx']!.id)]).toEqual(['dispatched', 'accepted', 'dispatched'])
      expect((await call('supervisor', 'GET', `/api/plans/${p.planId}`)).status).toBe('confirmed')
      expect((await titles('liaison-hx')).filter((x) => x.startsWith('撤销下发'))).toEqual([])
    })

    it('撤销下发 of a task takes its copies with it: all cancelled, every copy’s unit told, the plan cancelled', async () => {
      const p = await confirmPlan(planText('街道环境整治要点', '开展背街小巷环境整治', `${TWO_LEADS}；责任单位：各街道`), true)
      const res = await call('supervisor', 'POST', `/api/plans/${p.planId}/cancel`, { reason: '任务调整，撤销下发', itemIds: [p.id] })
      expect(res).toEqual({
        planId: p.planId,
        planStatus: 'cancelled',
        // The task, then the copies that went with it, in number order.
        cancelled: [{ id: p.id, number: p.number }, ...Object.values(p.copies).sort((a, b) => (a.number < b.number ? -1 : 1))],
      })
      for (const id of [p.id, p.copies['dh-jb']!.id, p.copies['dh-hx']!.id]) expect(await stateOf(id)).toBe('cancelled')
      const copy = await call('supervisor', 'GET', `/api/items/${p.copies['dh-hx']!.id}`)
      expect(copy.events.at(-1)).toMatchObject({ event: 'withdraw_dispatch', payload: { reason: '任务调整，撤销下发' } })
      expect(await titles('liaison-hx')).toContain(`撤销下发：${p.copies['dh-hx']!.number} 开展背街小巷环境整治`)
      expect(await titles('liaison-jb')).toContain(`撤销下发：${p.copies['dh-jb']!.number} 开展背街小巷环境整治`)
      for (const who of ['liaison-sjj', 'liaison-wjw']) expect(await titles(who)).toContain(`撤销下发：${p.number} 开展背街小巷环境整治`)
      // The parent still lists its copies, all cancelled (cancelled copies count as nothing to do).
      const children = (await call('supervisor', 'GET', `/api/items/${p.id}`)).children
      expect(children.items.map((c: { number: string; state: string }) => [c.number, c.state])).toEqual(Object.values(p.copies).map((c) => [c.number, 'cancelled']).sort())
    })

    it('退回重办 reopens every lead’s share: each must report finished again, both are told', async () => {
      const p = await confirmPlan(planText('食品安全宣传要点', '开展食品安全宣传周活动', TWO_LEADS), false)
      await take('liaison-sjj', p.id, 'accept')
      await take('liaison-wjw', p.id, 'accept')
      expect((await take('liaison-sjj', p.id, 'submit_completion', { text: '市场监管局部分完成' })).state).toBe('accepted')
      expect((await take('liaison-wjw', p.id, 'submit_completion', { text: '卫健委部分完成' })).state).toBe('completion_submitted')

      const back = await take('supervisor', p.id, 'return_completion', { reason: '宣传材料不全' })
      expect(back.state).toBe('accepted')
      const leadShares = async () =>
        ((await call('supervisor', 'GET', `/api/items/${p.id}`)).shares as { unitId: string; role: string; finishedAt: string | null; acceptedAt: string | null }[])
          .filter((s) => s.role === 'lead')
          .map((s) => [s.unitId, s.acceptedAt !== null, s.finishedAt !== null])
          .sort()
      expect(await leadShares()).toEqual([['sjj', true, false], ['wjw', true, false]])
      for (const who of ['liaison-sjj', 'liaison-wjw']) expect(await titles(who)).toContain(`退回重办：${p.number} 开展食品安全宣传周活动`)
      for (const who of ['liaison-sjj', 'liaison-wjw']) {
        expect((await call(who, 'GET', `/api/items/${p.id}`)).availableEvents.map((e: { event: string }) => e.event), who).toContain('submit_completion')
      }

      // One lead reporting finished again is not enough: the task waits for the other.
      const first = await take('liaison-wjw', p.id, 'submit_completion', { text: '卫健委补齐材料' })
      expect(first.state).toBe('accepted')
      expect(first.event.payload.share).toEqual({ unitId: 'wjw', waitingFor: ['sjj'] })
      expect(await leadShares()).toEqual([['sjj', true, false], ['wjw', true, true]])
      const again = await send('liaison-wjw', 'POST', `/api/items/${p.id}/events`, { event: 'submit_completion', payload: { text: '再报' } })
      expect(again.statusCode).toBe(409)
      expect(again.json().error.code).toBe('DUBAN_ERR_SHARE_CONFLICT')
      expect((await take('liaison-sjj', p.id, 'submit_completion', { text: '市场监管局补齐材料' })).state).toBe('completion_submitted')
      expect(await leadShares()).toEqual([['sjj', true, true], ['wjw', true, true]])
      expect((await take('supervisor', p.id, 'approve_completion')).state).toBe('closed')
    })

    it('改派 of a task with two leads ends the sharing: the new unit owns it alone, the former leads cannot act', async () => {
      const p = await confirmPlan(planText('市场秩序整治要点', '开展农贸市场秩序整治', TWO_LEADS), false)
      await take('liaison-sjj', p.id, 'accept') // one lead has accepted, the other not yet
      const moved = await take('supervisor', p.id, 'reassign', { lead: 'dh' })
      expect(moved.state).toBe('dispatched')

      const item = await call('supervisor', 'GET', `/api/items/${p.id}`)
      expect(item.units.map((u: { unitId: string; role: string }) => `${u.role}:${u.unitId}`)).toEqual(['lead:dh'])
      expect(item.data.leads).toBeUndefined()
      expect(item.shares.map((s: { unitId: string; acceptedAt: string | null }) => [s.unitId, s.acceptedAt])).toEqual([['dh', null]])
      expect(await titles('liaison-dh')).toContain(`改派：${p.number} 开展农贸市场秩序整治`)

      // The former leads are no longer owners: they can neither accept nor report finished.
      for (const who of ['liaison-sjj', 'liaison-wjw']) {
        const res = await send(who, 'POST', `/api/items/${p.id}/events`, { event: 'accept', payload: {} })
        expect(res.statusCode, `${who}: ${res.body}`).toBeGreaterThanOrEqual(400)
        expect(res.statusCode).toBeLessThan(500)
      }
      // The new lead alone moves the task on: one 签收 and one 报办结, no waiting for a share.
      const accepted = await take('liaison-dh', p.id, 'accept')
      expect(accepted.state).toBe('accepted')
      expect(accepted.event.payload.share).toBeUndefined()
      expect((await take('liaison-dh', p.id, 'submit_completion', { text: '东湖区完成' })).state).toBe('completion_submitted')
    })

    it('改派 to one of the two leads leaves it the only owner: it accepts again alone, the other lead is out', async () => {
      const p = await confirmPlan(planText('餐饮安全整治要点', '开展校园周边餐饮安全整治', TWO_LEADS), false)
      await take('liaison-sjj', p.id, 'accept')
      await take('liaison-wjw', p.id, 'accept')
      expect((await take('supervisor', p.id, 'reassign', { lead: 'wjw' })).state).toBe('dispatched')
      const item = await call('supervisor', 'GET', `/api/items/${p.id}`)
      expect(item.units.map((u: { unitId: string; role: string }) => `${u.role}:${u.unitId}`)).toEqual(['lead:wjw'])
      expect(item.data.leads).toBeUndefined()
      const out = await send('liaison-sjj', 'POST', `/api/items/${p.id}/events`, { event: 'submit_completion', payload: { text: '市场监管局完成' } })
      expect(out.statusCode, out.body).toBeGreaterThanOrEqual(400)
      expect(out.statusCode).toBeLessThan(500)
      const accepted = await take('liaison-wjw', p.id, 'accept')
      expect(accepted.state).toBe('accepted')
      expect(accepted.event.payload.share).toBeUndefined()
      expect((await take('liaison-wjw', p.id, 'submit_completion', { text: '卫健委完成' })).state).toBe('completion_submitted')
    })
  })
}
