/**
 * Notifications reach the unit at once and over the channels (issue 8.1), end to end over HTTP on every test
 * dialect: a task is dispatched to 市场监管局 and 催办'd; its liaison's unread count goes up and marking read
 * brings it down; the channel round sends the same by SMTP to a local server and to a fake SMS gateway, both on
 * loopback; a failing gateway is retried and the delivery record shows the attempts and the error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverChannels } from '../../src/app/notifications/deliver-channels.ts'
import { startChannelFakes, type ChannelFakes } from '../support/channel-fakes.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const PLAN = `青川市2026年重点工作要点
一、重点任务
（一）开展食品安全抽检。全年抽检1000批次以上。（牵头单位：青川市市场监督管理局。完成时间：2026年6月30日前）
`

for (const dialect of testDialects()) {
  describe(`notifications in the app, by e-mail and by SMS (${dialect})`, () => {
    let t: TestApp
    let users: Awaited<ReturnType<TestApp['seedUsers']>>
    const token: Record<string, string> = {}
    /** The local SMTP server and SMS gateway; what the gateway answers next is fakes.gatewayMode. */
    let fakes: ChannelFakes
    let itemId = ''

    const call = async (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token[who]}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
      expect(res.statusCode, `${who} ${method} ${url}: ${res.body}`).toBeLessThan(300)
      return res.json()
    }
    const unread = async (who: string): Promise<number> => (await call(who, 'GET', '/api/notifications/unread-count')).unread

    beforeAll(async () => {
      fakes = await startChannelFakes('青川督办', { 'x-api-key': 'k-123' })

      t = await startTestApp(dialect)
      users = await t.seedUsers()
      for (const who of ['admin', 'supervisor', 'liaison-sjj', 'liaison-dh']) token[who] = await t.login(who)
    }, 300_000)

    afterAll(async () => {
      await t?.close()
      await fakes?.close()
    })

    it("an admin records the liaison's e-mail and mobile", async () => {
      const saved = await call('admin', 'PUT', `/api/users/${users['liaison-sjj']}/contact`, { email: 'sjj@qingchuan.example', phone: '138 0013 8000' })
      expect(saved).toMatchObject({ userId: users['liaison-sjj'], email: 'sjj@qingchuan.example', phone: '13800138000' })
      const bad = await t.app.inject({ method: 'PUT', url: `/api/users/${users['liaison-dh']}/contact`, headers: { authorization: `Bearer ${token.admin}` }, payload: { email: 'not-an-address', phone: null } })
      expect(bad.statusCode).toBe(400)
      const refused = await t.app.inject({ method: 'PUT', url: `/api/users/${users['liaison-sjj']}/contact`, headers: { authorization: `Bearer ${token.supervisor}` }, payload: { email: null, phone: null } })
      expect(refused.statusCode).toBe(403)
      const contacts = await call('admin', 'GET', '/api/notifications/contacts')
      expect(contacts.find((c: { username: string }) => c.username === 'liaison-sjj')).toMatchObject({ email: 'sjj@qingchuan.example', phone: '13800138000' })
    })

    it('dispatch and 催办 reach the liaison in the app at once; reading brings the count down', async () => {
      expect(await unread('liaison-sjj')).toBe(0)
      const plan = await call('supervisor', 'POST', '/api/plans', { fileName: 'plan.txt', contentBase64: Buffer.from(PLAN).toString('base64') })
      await call('supervisor', 'POST', `/api/plans/${plan.id}/confirm`)
      const ledger = await call('liaison-sjj', 'GET', '/api/items')
      itemId = ledger.items[0].id
      expect(await unread('liaison-sjj')).toBe(1)

      t.clock.advance(3_600_000)
      await call('supervisor', 'POST', `/api/items/${itemId}/events`, { event: 'remind', payload: { text: '请于本周内签收并报送进展' } })
      expect(await unread('liaison-sjj')).toBe(2)
      expect(await unread('liaison-dh')).toBe(0)

      const list = await call('liaison-sjj', 'GET', '/api/notifications?unread=true')
      expect(list.map((n: { title: string }) => n.title.split('：')[0])).toEqual(['催办', '交办'])
      expect(list[0]).toMatchObject({ itemId, readAt: null, body: '请于本周内签收并报送进展' })

      expect(await call('liaison-sjj', 'POST', `/api/notifications/${list[0].id}/read`)).toEqual({ unread: 1 })
      const after = await call('liaison-sjj', 'GET', '/api/notifications')
      expect(after.find((n: { id: string }) => n.id === list[0].id).readAt).not.toBeNull()
      expect((await call('liaison-sjj', 'GET', '/api/notifications?unread=true')).map((n: { id: string }) => n.id)).toEqual([list[1].id])

      // Someone else cannot mark it (it is not theirs to see), and read-all clears the rest.
      const other = await t.app.inject({ method: 'POST', url: `/api/notifications/${list[1].id}/read`, headers: { authorization: `Bearer ${token['liaison-dh']}` } })
      expect(other.statusCode).toBe(404)
      expect(await call('liaison-sjj', 'POST', '/api/notifications/read-all')).toEqual({ marked: 1, unread: 0 })
      expect(await unread('liaison-sjj')).toBe(0)
    })

    it('the channel round sends both by SMTP to the local server and to the SMS gateway', async () => {
      const round = await deliverChannels(t.deps, fakes.senders)
      // Two notifications to unit sjj (交办, 催办) × e-mail and SMS for its one liaison; the supervisor has no contact.
      expect(round).toEqual({ queued: 4, delivered: 4, retried: 0, failed: 0 })

      const { mails, sms } = fakes
      const remind = mails.find((m) => m.subject.startsWith('【督办】催办：'))
      expect(remind, JSON.stringify(mails)).toBeDefined()
      expect(remind!.to).toEqual(['sjj@qingchuan.example'])
      expect(remind!.subject).toMatch(/^【督办】催办：DB-\d{4}-\d+ 开展食品安全抽检/)
      expect(remind!.text).toContain('请于本周内签收并报送进展')
      expect(remind!.text).toContain('请登录督办平台查看和办理')
      expect(mails.map((m) => m.subject.split('：')[0]).sort()).toEqual(['【督办】交办', '【督办】催办'].sort())

      expect(sms).toHaveLength(2)
      expect(sms.every((s) => s.body.mobile === '13800138000' && s.body.sign === '青川督办' && s.auth === 'k-123')).toBe(true)
      expect(sms.map((s) => s.body.content as string).find((c) => c.startsWith('【督办】催办：'))).toContain('请于本周内签收并报送进展')

      // Nothing is sent twice.
      expect(await deliverChannels(t.deps, fakes.senders)).toEqual({ queued: 0, delivered: 0, retried: 0, failed: 0 })
      const deliveries = await call('admin', 'GET', '/api/deliveries')
      expect(deliveries.filter((d: { status: string }) => d.status === 'delivered')).toHaveLength(4)
      expect(new Set(deliveries.map((d: { channel: string }) => d.channel))).toEqual(new Set(['email', 'sms']))
    })

    it('a failing gateway is retried with backoff and the delivery shows its attempts and error', async () => {
      fakes.gatewayMode = 'http500'
      await call('supervisor', 'POST', `/api/items/${itemId}/events`, { event: 'remind', payload: { text: '第二次催办' } })
      const first = await deliverChannels(t.deps, fakes.senders)
      expect(first).toEqual({ queued: 2, delivered: 1, retried: 1, failed: 0 })
      const failing = (await call('admin', 'GET', '/api/deliveries?channel=sms&status=pending'))[0]
      expect(failing).toMatchObject({ channel: 'sms', recipient: '13800138000', status: 'pending', attempts: 1 })
      expect(failing.lastError).toContain('HTTP 500')
      expect(new Date(failing.nextAttemptAt).getTime()).toBe(t.clock.now().getTime() + 60_000)

      // Not due yet: nothing is sent. A minute later the gateway answers 200 but refuses (code 1): still an error.
      expect(await deliverChannels(t.deps, fakes.senders)).toEqual({ queued: 0, delivered: 0, retried: 0, failed: 0 })
      fakes.gatewayMode = 'refuse'
      t.clock.advance(60_000)
      expect(await deliverChannels(t.deps, fakes.senders)).toEqual({ queued: 0, delivered: 0, retried: 1, failed: 0 })
      const again = (await call('admin', 'GET', '/api/deliveries?channel=sms&status=pending'))[0]
      expect(again).toMatchObject({ id: failing.id, attempts: 2 })
      expect(again.lastError).toContain('余额不足')
      expect(new Date(again.nextAttemptAt).getTime()).toBe(t.clock.now().getTime() + 5 * 60_000)

      fakes.gatewayMode = 'ok'
      t.clock.advance(5 * 60_000)
      expect(await deliverChannels(t.deps, fakes.senders)).toEqual({ queued: 0, delivered: 1, retried: 0, failed: 0 })
      const done = (await call('admin', 'GET', '/api/deliveries?channel=sms')).find((d: { id: string }) => d.id === failing.id)
      expect(done).toMatchObject({ status: 'delivered', attempts: 3, nextAttemptAt: null })
      expect(fakes.sms.filter((s) => (s.body.content as string).includes('第二次催办')).map((s) => s.answered)).toEqual(['http500', 'refuse', 'ok'])

      // Only the admin lists deliveries.
      const refused = await t.app.inject({ method: 'GET', url: '/api/deliveries', headers: { authorization: `Bearer ${token.supervisor}` } })
      expect(refused.statusCode).toBe(403)
    })
  })
}
