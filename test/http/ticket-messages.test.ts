/**
 * What the requesters were told, on the ticket (GET /api/tickets/:id `requesterMessages`), over HTTP on both
 * databases: after a merge and a direct answer, the primary lists the 并单 notice of the merged ticket and both
 * replies (each under its ticket's number, phone masked), the merged ticket its own two, a fresh ticket none; each
 * message's delivery moves from waiting (the channel worker has not taken it) to unsent (no SMS channel configured)
 * or, with an SMS gateway, delivered; a unit liaison without the ticket in scope is refused it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverChannels } from '../../src/app/notifications/deliver-channels.ts'
import type { ChannelFakes } from '../support/channel-fakes.ts'
import type { TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { startTicketDesk, type TicketDeskWithChannels } from './ticket-desk.fixture.ts'
import { CATEGORY } from './tickets.fixture.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any

const REPLY = '垃圾清运时间为每天早上七点，已通知环卫加派车辆。'
const asked = (phone: string, content: string) => ({ requestType: 'complaint', categoryCode: CATEGORY.rubbish, urgency: 'normal', requesterPhone: phone, address: '东湖区江滨路9号', content })

for (const dialect of testDialects()) {
  describe(`requester messages on the ticket (${dialect})`, () => {
    let desk: TicketDeskWithChannels
    let t: TestApp
    let fakes: ChannelFakes
    const ids: Record<string, View> = {}

    beforeAll(async () => {
      desk = await startTicketDesk(dialect, { channels: true, signIn: ['operator'] })
      t = desk.t
      fakes = desk.fakes
    }, 300_000)
    afterAll(() => desk?.close())

    const ok = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<View> => {
      const r = await desk.call(method, url, 'operator', payload)
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
      return r.body
    }
    const messages = async (id: string): Promise<View[]> => (await ok('GET', `/api/tickets/${id}`)).requesterMessages

    it('lists none on a fresh ticket, in the intake answer and in GET alike', async () => {
      ids.a = await ok('POST', '/api/tickets', asked('13800005555', '江滨路9号垃圾桶满了三天没人清运，很臭。'))
      ids.b = await ok('POST', '/api/tickets', asked('13900006666', '江滨路9号门口垃圾没人清运，臭味很大。'))
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
      ids.c = await ok('POST', '/api/tickets', asked('13700007777', '江滨路9号垃圾桶坏了。'))
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
      await desk.signIn(['liaison-sjj'])
      const r = await desk.call('GET', `/api/tickets/${ids.a.id}`, 'liaison-sjj')
      expect(r.status).toBe(404)
    })
  })
}
