/**
 * 并单: every requester is told and gets the reply (issue 9 point 4), over HTTP on both databases, with the SMS channel
 * pointed at a fake gateway on loopback: two later tickets from other requesters are merged into a first one; each
 * merged requester is sent the 并单 notice naming the primary (the primary's requester is not); when the primary is
 * answered, its requester and each merged requester are sent the reply under their own ticket number; a ticket merged
 * after the reply is sent the notice and the reply. The search finds every ticket of the handling by the reply's words
 * (their words were refreshed in the reply's transaction), and the KPIs count the requests each, the handling once.
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

const PHONES = { a: '13800001111', b: '13900002222', c: '13700003333', late: '13600004444' } as const
const REPLY = '已安排环卫车辆清运并在江滨路加设分类垃圾桶。'
const asked = (phone: string, content: string) => ({ requestType: 'complaint', categoryCode: CATEGORY.rubbish, urgency: 'normal', requesterName: '李四', requesterPhone: phone, address: '东湖区江滨路1号', content })

for (const dialect of testDialects()) {
  describe(`并单 notices and the shared reply by SMS (${dialect})`, () => {
    let desk: TicketDeskWithChannels
    let t: TestApp
    let fakes: ChannelFakes
    const ids: Record<string, View> = {}

    beforeAll(async () => {
      desk = await startTicketDesk(dialect, { channels: true, signIn: ['operator', 'supervisor', 'liaison-sjj'] })
      t = desk.t
      fakes = desk.fakes
    }, 300_000)
    afterAll(() => desk?.close())

    const call = async (method: 'GET' | 'POST', url: string, who: string, payload?: unknown): Promise<View> => {
      const r = await desk.call(method, url, who, payload)
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
      return r.body
    }
    const intake = async (name: keyof typeof PHONES, content: string): Promise<View> => (ids[name] = await call('POST', '/api/tickets', 'operator', asked(PHONES[name], content)))
    const merge = async (name: string, into: string): Promise<View> => call('POST', `/api/tickets/${ids[name].id}/merge`, 'operator', { into: ids[into].number })
    /** One channel round; the SMS the gateway received in it, as [phone, text]. */
    const smsRound = async (): Promise<[string, string][]> => {
      const seen = fakes.sms.length
      await deliverChannels(t.deps, fakes.senders)
      return fakes.sms.slice(seen).map((s) => [String(s.body['mobile']), String(s.body['content'])] as [string, string]).sort()
    }

    it('sends each merged requester the 并单 notice naming the primary, and nothing to the primary’s requester', async () => {
      await intake('a', '江滨路1号门口的垃圾桶三天没人清运，臭气熏天，苍蝇很多。')
      await intake('b', '江滨路1号附近垃圾堆了好几天没有清理，味道很难闻。')
      await intake('c', '江滨路1号垃圾没人清运好几天了，很臭，苍蝇乱飞。')
      expect(await smsRound()).toEqual([])
      await merge('b', 'a')
      await merge('c', 'a')
      const sent = await smsRound()
      expect(sent.map(([to]) => to)).toEqual([PHONES.c, PHONES.b].sort())
      for (const n of ['b', 'c']) {
        const [, text] = sent.find(([to]) => to === PHONES[n as 'b' | 'c'])!
        expect(text).toBe(`【12345】您反映的诉求（工单${ids[n].number}）与工单${ids.a.number}为同一诉求，已并单办理，办理结果将一并答复您。`)
      }
      // Sent once: a second round sends nothing again.
      expect(await smsRound()).toEqual([])
      const b = await call('GET', `/api/tickets/${ids.b.id}`, 'operator')
      expect(b.duplicates.mergedInto).toEqual({ id: ids.a.id, number: ids.a.number })
    })

    it('sends the reply to the primary’s requester and to every merged requester, each under their own number', async () => {
      await call('POST', `/api/tickets/${ids.a.id}/events`, 'operator', { event: 'dispatch', payload: { lead: 'sjj' } })
      await call('POST', `/api/tickets/${ids.a.id}/events`, 'liaison-sjj', { event: 'accept' })
      // The liaison's notifications of dispatch may go out too; only the requesters' SMS are looked at.
      await smsRound()
      // A search now indexes the three tickets; none holds the reply's words yet.
      expect((await call('GET', `/api/tickets?q=${encodeURIComponent('环卫车辆 分类')}`, 'operator')).total).toBe(0)
      await call('POST', `/api/tickets/${ids.a.id}/events`, 'liaison-sjj', { event: 'reply', payload: { text: REPLY } })
      // The reply's transaction marked every ticket of the handling stale.
      const stale = await t.db.query<{ item_id: string }>(`SELECT item_id FROM ticket WHERE search_stale ORDER BY item_id`)
      expect(stale.rows.map((r) => r.item_id)).toEqual([ids.a.id, ids.b.id, ids.c.id].sort())
      const sent = (await smsRound()).filter(([to]) => Object.values(PHONES).includes(to as never))
      expect(sent).toEqual(
        (['a', 'b', 'c'] as const).map((n) => [PHONES[n], `【12345】您反映的诉求（工单${ids[n].number}）已办理，答复如下：${REPLY}`]).sort(),
      )
      const rows = await t.db.query<{ purpose: string; n: number }>(`SELECT purpose, count(*)::int AS n FROM requester_message GROUP BY purpose ORDER BY purpose`)
      expect(rows.rows).toEqual([{ purpose: 'merge_notice', n: 2 }, { purpose: 'reply', n: 3 }])
    })

    it('sends a ticket merged after the reply both the notice and the reply', async () => {
      await intake('late', '江滨路1号的垃圾桶满了没人清运，苍蝇很多。')
      await merge('late', 'a')
      const sent = (await smsRound()).filter(([to]) => to === PHONES.late).map(([, text]) => text)
      expect(sent.sort()).toEqual(
        [
          `【12345】您反映的诉求（工单${ids.late.number}）与工单${ids.a.number}为同一诉求，已并单办理，办理结果将一并答复您。`,
          `【12345】您反映的诉求（工单${ids.late.number}）已办理，答复如下：${REPLY}`,
        ].sort(),
      )
    })

    it('finds every ticket of the handling by the words of its reply, refreshed in the reply’s transaction', async () => {
      // The reply's words are in no ticket's text: only the refreshed index holds them.
      const r = await call('GET', `/api/tickets?q=${encodeURIComponent('环卫车辆 分类')}`, 'operator')
      expect(r.tickets.map((x: View) => x.number).sort()).toEqual([ids.a.number, ids.b.number, ids.c.number, ids.late.number].sort())
      const stale = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket WHERE search_stale`)
      expect(stale.rows[0]!.n).toBe(0)
    })

    it('counts the requests each and the handling once in the 12345 KPIs', async () => {
      t.clock.set('2026-04-10T09:00:00+08:00')
      await desk.signIn(['supervisor'])
      const r = await call('GET', '/api/hotline/kpis?from=2026-03-01&to=2026-04-01', 'supervisor')
      expect(r.totals).toMatchObject({ received: 4, merged: 3, handlings: 1, volume: 1 })
      expect(r.units.find((u: View) => u.unitId === 'sjj')).toMatchObject({ volume: 1, dispatches: 1, replies: 1 })
    })
  })
}
