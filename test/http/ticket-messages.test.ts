/**
 * What the requesters were told, on the ticket (GET /api/tickets/:id `requesterMessages`), over HTTP on both
 * databases: after a merge and a direct answer, the primary lists the 并单 notice of the merged ticket and both
 * replies (each under its ticket's number, phone masked), the merged ticket its own two, a fresh ticket none; each
 * message's delivery moves from waiting (the channel worker has not taken it) to unsent (no SMS channel configured)
 * or, with an SMS gateway, delivered; a unit liaison without the ticket in scope is refused it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverChannels } from '../../src/app/notifications/deliver-channels.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startChannelFakes, type ChannelFakes } from '../support/channel-fakes.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, seedCatalogue } from './tickets.fixture.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any

const REPLY = '垃圾清运时间为每天早上七点，已通知环卫加派车辆。'
const desk = (phone: string, content: string) => ({ requestType: 'complaint', categoryCode: CATEGORY.rubbish, urgency: 'normal', requesterPhone: phone, address: '东湖区江滨路9号', content })

for (const dialect of testDialects()) {
  describe(`requester messages on the ticket (${dialect})`, () => {
    let t: TestApp
    let fakes: ChannelFakes
    let operator: string
    const ids: Record<string, View> = {}

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      fakes = await startChannelFakes()
      t.clock.set('2026-03-02T09:00:00+08:00')
      operator = await t.login('operator')
    }, 300_000)
    afterAll(async () => {
      await fakes?.close()
      await t?.close()
    })

    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown, token = operator): Promise<{ status: number; body: View }> => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) })
      return { status: res.statusCode, body: res.json() }
    }
    const ok = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<View> => {
      const r = await call(method, url, payload)
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
      return r.body
    }
    const messages = async (id: string): Promise<View[]> => (await ok('GET', `/api/tickets/${id}`)).requesterMessages

    it('lists none on a fresh ticket, in the intake answer and in GET alike', async () => {
      ids.a = await ok('POST', '/api/tickets', desk('13800005555', '江滨路9号垃圾桶满了三天没人清运，很臭。'))
      ids.b = await ok('POST', '/api/tickets', desk('13900006666', '江滨路9号门口垃圾没人清运，臭味很大。'))
      expect(ids.a.requesterMessages).toEqual([])
      expect(await messages(ids.a.id)).toEqual([])
    })

    it('lists the notice and both replies on the primary, its own two on the merged ticket, phones masked', async () => {
      await ok('POST', `/api/tickets/${ids.b.id}/merge`, { into: ids.a.number })
      t.clock.set('2026-03-02T09:05:00+08:00')
      await ok('POST', `/api/tickets/${ids.a.id}/events`, { event: 'answer_directly', payload: { text: REPLY } })
      const onA = await messages(ids.a.id)
      expect(onA[0]).toMatchObject({
        ticket: { id: ids.b.id, number: ids.b.number },
        purpose: 'merge_notice',
        phone: '139****6666',
        text: `您反映的诉求（工单${ids.b.number}）与工单${ids.a.number}为同一诉求，已并单办理，办理结果将一并答复您。`,
        delivery: 'waiting',
      })
      expect(onA.slice(1).map((m: View) => [m.ticket.number, m.purpose, m.phone, m.text]).sort()).toEqual(
        [
          [ids.a.number, 'reply', '138****5555', `您反映的诉求（工单${ids.a.number}）已办理，答复如下：${REPLY}`],
          [ids.b.number, 'reply', '139****6666', `您反映的诉求（工单${ids.b.number}）已办理，答复如下：${REPLY}`],
        ].sort(),
      )
      expect(onA[1].at > onA[0].at).toBe(true)
      expect(JSON.stringify(onA)).not.toMatch(/13800005555|13900006666/)
      const onB = await messages(ids.b.id)
      expect(onB.map((m: View) => [m.ticket.id, m.purpose])).toEqual([
        [ids.b.id, 'merge_notice'],
        [ids.b.id, 'reply'],
      ])
    })

    it('says where each SMS is: unsent with no SMS channel, delivered through a gateway', async () => {
      await deliverChannels(t.deps, {})
      expect((await messages(ids.a.id)).map((m: View) => m.delivery)).toEqual(['unsent', 'unsent', 'unsent'])
      ids.c = await ok('POST', '/api/tickets', desk('13700007777', '江滨路9号垃圾桶坏了。'))
      await ok('POST', `/api/tickets/${ids.c.id}/merge`, { into: ids.a.number })
      await deliverChannels(t.deps, fakes.senders)
      const onC = await messages(ids.c.id)
      expect(onC.map((m: View) => [m.purpose, m.delivery]).sort()).toEqual([
        ['merge_notice', 'delivered'],
        ['reply', 'delivered'],
      ])
      expect(fakes.sms.map((s) => String(s.body['mobile']))).toEqual(['13700007777', '13700007777'])
    })

    it('refuses the ticket, messages and all, to a unit liaison who does not hold it', async () => {
      const liaison = await t.login('liaison-sjj')
      const r = await call('GET', `/api/tickets/${ids.a.id}`, undefined, liaison)
      expect(r.status).toBe(404)
    })
  })
}
