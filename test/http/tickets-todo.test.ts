/**
 * 只看待办 (GET /api/tickets?todo=true): the tickets waiting on a unit as lead (承办) — 待签收 and 办理中 — with the
 * other filters, paged, the soonest due first (签收期限 before 签收, 办理期限 after). A liaison's 待办 is its own unit's:
 * not a sub-unit's it can see, not a ticket it only cooperates on (协办: the kind gives it no step there), not one
 * already replied. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { saveCategory } from '../../src/app/tickets/catalogue.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

const NEIGHBOURS = '03.02.09'

interface Row {
  id: string
  number: string
  state: string
  content: string
  dueAt: string | null
  acceptDueAt: string | null
}
interface Page {
  tickets: Row[]
  total: number
}

for (const dialect of testDialects()) {
  describe(`工单 只看待办 (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    /** Ticket numbers by the name the test gives them. */
    const n: Record<string, string> = {}

    const call = async (who: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) })
      expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(300)
      return res.json()
    }
    const list = (who: string, query: string): Promise<Page> => call(who, 'GET', `/api/tickets?${query}`)
    const numbers = (p: Page) => p.tickets.map((r) => r.number)
    const names = (...keys: string[]) => keys.map((k) => n[k])

    /** Takes a ticket in at the desk (dispatched when `lead` is given); the clock moves on 10 minutes after. */
    async function ticket(name: string, content: string, dispatch?: { lead: string; cooperating?: string[] }, categoryCode: string = CATEGORY.stalls) {
      const body = { requestType: 'complaint', categoryCode, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路 1 号', content, ...(dispatch ? { dispatch } : {}) }
      const v = (await call('operator', 'POST', '/api/tickets', body)) as Row
      n[name] = v.number
      t.clock.advance(10 * 60_000)
      return v
    }
    const event = (who: string, id: string, ev: string, payload: Record<string, unknown> = {}) => call(who, 'POST', `/api/tickets/${id}/events`, { event: ev, payload })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      // A 乡镇(街道)履职事项, which may go to 江滨街道 (a sub-unit of 东湖区).
      await saveCategory(t.deps, null, { code: NEIGHBOURS, name: '邻里纠纷', townshipDuty: true })
      tokens['operator'] = await operatorToken(t)
      for (const who of ['liaison-dh', 'supervisor']) tokens[who] = await t.login(who)
      // 09:00 dispatched to 东湖区, then accepted: its 签收期限 (11:00) is the earliest, but its due now is the 办理期限.
      const accepted = await ticket('accepted', '待办测试：夜市占道，已签收', { lead: 'dh' })
      await event('liaison-dh', accepted.id, 'accept')
      await ticket('first', '待办测试：早市占道', { lead: 'dh' })
      await ticket('coop', '待办测试：东湖区协办', { lead: 'sjj', cooperating: ['dh'] })
      await ticket('sub', '待办测试：江滨街道承办', { lead: 'dh-jb' }, NEIGHBOURS)
      await ticket('rubbish', '待办测试：垃圾三天没人清运', { lead: 'dh' }, CATEGORY.rubbish)
      const replied = await ticket('replied', '待办测试：已答复的', { lead: 'dh' })
      await event('liaison-dh', replied.id, 'accept')
      await event('liaison-dh', replied.id, 'reply', { text: '已清理' })
      await ticket('undispatched', '待办测试：未派单')
      await ticket('second', '待办测试：晚市占道', { lead: 'dh' })
    })
    afterAll(async () => {
      await t?.close()
    })

    it("lists the liaison's own 待签收 and 办理中 tickets, the soonest due first", async () => {
      const all = await list('liaison-dh', 'limit=50')
      // Without 待办 the liaison sees the 协办 and the sub-unit's tickets too: leaving them out is the filter's doing.
      expect(numbers(all)).toEqual(expect.arrayContaining(names('coop', 'sub', 'replied')))
      const todo = await list('liaison-dh', 'todo=true')
      expect(numbers(todo)).toEqual(names('first', 'rubbish', 'second', 'accepted'))
      expect(todo.total).toBe(4)
      expect(todo.tickets.map((r) => r.state)).toEqual(['dispatched', 'dispatched', 'dispatched', 'accepted'])
      const dues = todo.tickets.map((r) => Date.parse((r.state === 'dispatched' ? r.acceptDueAt : r.dueAt) ?? ''))
      expect([...dues].sort((a, b) => a - b)).toEqual(dues)
    })

    it('takes the other filters and pages as the list does', async () => {
      expect(numbers(await list('liaison-dh', `todo=true&categoryCode=${CATEGORY.stalls}`))).toEqual(names('first', 'second', 'accepted'))
      expect(numbers(await list('liaison-dh', 'todo=true&state=accepted'))).toEqual(names('accepted'))
      expect(numbers(await list('liaison-dh', `todo=true&q=${encodeURIComponent('晚市')}`))).toEqual(names('second'))
      const second = await list('liaison-dh', 'todo=true&limit=2&offset=2')
      expect(numbers(second)).toEqual(names('second', 'accepted'))
      expect(second.total).toBe(4)
    })

    it("shows the centre every unit's 待办, 协办 and sub-units' leads included", async () => {
      const todo = await list('supervisor', 'todo=true&limit=50')
      expect(numbers(todo)).toEqual(expect.arrayContaining(names('first', 'coop', 'sub', 'rubbish', 'second', 'accepted')))
      expect(numbers(todo)).not.toContain(n['replied'])
      expect(numbers(todo)).not.toContain(n['undispatched'])
    })

    it('refuses a todo that is not true or false, naming it', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/tickets?todo=soon', headers: { authorization: `Bearer ${tokens['liaison-dh']}` } })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('todo')
    })
  })
}
