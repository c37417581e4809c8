/**
 * Duplicate requests (重复诉求 / 并单) through the HTTP API, on both databases: proposals found on intake (same
 * requester, same place — the address written with a full-width digit too — similar text) and none for an unrelated
 * request on the same street or a similar one elsewhere; the operator's merge (the later ticket 已并单, linked both
 * ways, its requester's notice recorded) and dismissal; refusals of bad input that change nothing; the merged
 * ticket's requester gets the primary's reply (desk and public lookup); 多次重复诉求 on the third similar ask, in
 * the list filter; and the 12345 KPIs counting the handling once and the requests each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { startTicketDesk, type TicketDesk } from './ticket-desk.fixture.ts'
import { CATEGORY } from './tickets.fixture.ts'
import { DUPLICATE_DEFAULTS, likenessOf } from '../../src/domain/tickets/duplicates.ts'
import { addressKeyText } from '../../src/domain/tickets/address-variants.ts'
import { addressKeyOf } from '../../src/persistence/duplicates.repo.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any

const PHONE = '13800001111'
const asked = (extra: Record<string, unknown>) => ({ requestType: 'complaint', categoryCode: CATEGORY.rubbish, urgency: 'normal', requesterName: '李四', requesterPhone: PHONE, address: '东湖区江滨路1号', ...extra })

for (const dialect of testDialects()) {
  describe(`duplicates over HTTP (${dialect})`, () => {
    let desk: TicketDesk
    let t: TestApp
    const ids: Record<string, View> = {}

    beforeAll(async () => {
      desk = await startTicketDesk(dialect)
      t = desk.t
    }, 300_000)
    afterAll(() => desk?.close())

    /** Moves the test clock and signs everyone in again (sessions last 12 hours). */
    const setClock = async (at: string): Promise<void> => {
      t.clock.set(at)
      await desk.signIn(['operator', 'admin', 'supervisor', 'liaison-sjj'])
    }
    const call = (method: 'GET' | 'POST', url: string, who: string, payload?: unknown): Promise<{ status: number; body: View }> => desk.call(method, url, who, payload)
    /** Detection runs after intake (the intake job, intake-followups.ts): done here at once, as the worker would within a second. */
    const settle = (): Promise<void> => desk.settle()
    /** A ticket taken at the desk, as the desk reads it once its duplicates were looked for. */
    const intake = async (name: string, body: Record<string, unknown>): Promise<View> => {
      const r = await call('POST', '/api/tickets', 'operator', body)
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      await settle()
      const got = await call('GET', `/api/tickets/${r.body.id}`, 'operator')
      ids[name] = got.body
      return got.body
    }
    const proposals = async (id: string): Promise<View[]> => {
      const r = await call('GET', `/api/tickets/${id}/duplicates`, 'operator')
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      return r.body.duplicates
    }
    const bIntoA = async (): Promise<View> => (await proposals(ids.b.id)).find((x: View) => x.ticketId === ids.b.id && x.primaryId === ids.a.id)
    const decisions = async () => (await t.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM ticket_duplicate GROUP BY status ORDER BY status`)).rows

    it('proposes on intake: the same requester and place with similar text, not an unrelated ask on the street nor a similar one elsewhere', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const a = await intake('a', asked({ content: '江滨路1号门口的垃圾桶三天没人清运，臭气熏天，苍蝇很多。' }))
      expect(a.duplicates).toEqual({ mergedInto: null, mergedFrom: [], proposed: 0, repeated: null, requesterNotice: null })
      await setClock('2026-03-03T10:00:00+08:00')
      const b = await intake('b', asked({ content: '江滨路1号附近垃圾堆了好几天没有清理，味道很难闻，招了很多苍蝇。' }))
      expect(b.duplicates.proposed).toBe(1)
      const [p] = await proposals(b.id)
      expect(p).toMatchObject({ ticketId: b.id, primaryId: a.id, status: 'proposed', reasons: ['same_requester', 'same_place'], ticket: { number: b.number }, primary: { number: a.number } })
      expect(p.similarity).toBeGreaterThanOrEqual(DUPLICATE_DEFAULTS.threshold)
      expect(p.similarity).toBeLessThanOrEqual(1)
      // Why they look alike, for the operator: the words both use (苍蝇; the street's and everyday 很多 left out) and the level, not a percent.
      expect(p.shared).toEqual(expect.arrayContaining(['苍蝇']))
      expect(p.shared).not.toContain('很多')
      expect(p.shared.some((w: string) => w.includes('江滨'))).toBe(false)
      expect(p.likeness).toBe(likenessOf(p.similarity))

      // Another requester at the same address, written with a full-width digit and spaces: the same place.
      const c = await intake('c', asked({ requesterPhone: '13900002222', address: '东湖区 江滨路１号', content: '江滨路1号垃圾没人清运好几天了，很臭，苍蝇乱飞。' }))
      const cps = await proposals(c.id)
      expect(cps.map((x: View) => [x.primary.number, x.reasons])).toEqual(expect.arrayContaining([[a.number, ['same_place']], [b.number, ['same_place']]]))
      expect(cps).toHaveLength(2)

      const d = await intake('d', asked({ requesterPhone: '13900003333', content: '江滨路1号楼下饭店的油烟直接排进居民家里，窗户都不敢开。' }))
      expect(await proposals(d.id)).toEqual([])
      const e = await intake('e', asked({ requesterPhone: '13900004444', address: '西山县人民路8号', content: '人民路8号的垃圾桶三天没人清运，臭气熏天，苍蝇很多。' }))
      expect(await proposals(e.id)).toEqual([])
    })

    it('refuses bad input and other roles, changing nothing', async () => {
      const before = await decisions()
      const p = await bIntoA()
      const cases: [string, string, string, unknown, number, string?][] = [
        ['POST', `/api/tickets/${ids.a.id}/duplicates/detect`, 'operator', { windowDays: 0 }, 400],
        ['POST', `/api/tickets/${ids.a.id}/duplicates/detect`, 'operator', { windowDays: '30' }, 400],
        ['POST', `/api/tickets/${ids.a.id}/duplicates/detect`, 'operator', { window: 30 }, 400],
        ['POST', `/api/tickets/nope/duplicates/detect`, 'operator', {}, 404, 'DUBAN_ERR_NOT_FOUND'],
        ['GET', `/api/tickets/nope/duplicates`, 'operator', undefined, 404, 'DUBAN_ERR_NOT_FOUND'],
        ['POST', `/api/duplicates/nope/merge`, 'operator', {}, 404, 'DUBAN_ERR_NOT_FOUND'],
        ['POST', `/api/duplicates/${p.id}/merge`, 'operator', { note: 'x'.repeat(501) }, 400],
        ['POST', `/api/duplicates/${p.id}/merge`, 'liaison-sjj', {}, 403],
        ['POST', `/api/duplicates/${p.id}/dismiss`, 'supervisor', {}, 403],
        ['GET', `/api/tickets/${ids.b.id}/duplicates`, 'liaison-sjj', undefined, 403],
      ]
      for (const [method, url, who, body, status, code] of cases) {
        const r = await call(method as 'GET' | 'POST', url, who, body)
        expect([url, who, r.status]).toEqual([url, who, status])
        if (code) expect(r.body.error.code).toBe(code)
      }
      expect(await decisions()).toEqual(before)
    })

    it('refuses 并单 on the generic event routes (only the duplicates routes record the link and tell the requester), changing nothing', async () => {
      const before = await decisions()
      const b0 = (await call('GET', `/api/tickets/${ids.b.id}`, 'operator')).body
      expect(b0.state).toBe('received')
      expect(b0.availableEvents.map((e: View) => e.event)).not.toContain('merge')
      for (const into of [ids.a.number, 'GD-0000-NOSUCH']) {
        const r = await call('POST', `/api/tickets/${ids.b.id}/events`, 'operator', { event: 'merge', payload: { mergedInto: into } })
        expect([into, r.status, r.body.error?.code, r.body.error?.where]).toEqual([into, 400, 'DUBAN_ERR_VALIDATION', 'event'])
      }
      const b1 = (await call('GET', `/api/tickets/${ids.b.id}`, 'operator')).body
      expect([b1.state, b1.version]).toEqual(['received', b0.version])
      expect(await decisions()).toEqual(before)
    })

    it('merges the later ticket into its primary (已并单, linked both ways, requester told) and refuses a second decision', async () => {
      const p = await bIntoA()
      const m = await call('POST', `/api/duplicates/${p.id}/merge`, 'operator', { note: '同一来电人重复来电' })
      expect(m.status, JSON.stringify(m.body)).toBe(200)
      expect(m.body).toMatchObject({ status: 'merged', decisionNote: '同一来电人重复来电' })
      expect(m.body.requesterNotice).toContain(ids.a.number)
      const b = (await call('GET', `/api/tickets/${ids.b.id}`, 'operator')).body
      expect(b).toMatchObject({ state: 'merged', stateLabel: '已并单', stateType: 'closed', duplicates: { mergedInto: { id: ids.a.id, number: ids.a.number }, proposed: 0 } })
      expect(b.history.at(-1)).toMatchObject({ event: 'merge', payload: { mergedInto: ids.a.number } })
      const a = (await call('GET', `/api/tickets/${ids.a.id}`, 'operator')).body
      expect(a.duplicates.mergedFrom).toEqual([{ id: ids.b.id, number: ids.b.number }])

      const again = await call('POST', `/api/duplicates/${p.id}/merge`, 'operator', {})
      expect([again.status, again.body.error.code]).toEqual([409, 'DUBAN_ERR_DUPLICATE_DECIDED_CONFLICT'])
      // c's proposal into b (now merged) can no longer be carried out: closed with a note naming a.
      const intoB = (await proposals(ids.c.id)).find((x: View) => x.primaryId === ids.b.id)
      expect(intoB).toMatchObject({ status: 'dismissed', decisionNote: `${ids.b.number}已并入${ids.a.number}` })
      const refused = await call('POST', `/api/duplicates/${intoB.id}/merge`, 'operator', {})
      expect([refused.status, refused.body.error.code]).toEqual([409, 'DUBAN_ERR_DUPLICATE_DECIDED_CONFLICT'])
      const d = (await proposals(ids.c.id)).find((x: View) => x.primaryId === ids.a.id)
      // The operator dismisses one by hand; a second decision is refused.
      const e = await call('POST', '/api/tickets', 'operator', asked({ requesterPhone: '13900006666', content: '江滨路1号的垃圾桶没人清运，很臭，苍蝇很多。' }))
      await settle()
      const eIntoC = (await proposals(e.body.id)).find((x: View) => x.primaryId === ids.c.id)
      const dismissed = await call('POST', `/api/duplicates/${eIntoC.id}/dismiss`, 'operator', { note: '不同诉求' })
      expect(dismissed.body).toMatchObject({ status: 'dismissed', decisionNote: '不同诉求' })
      const twice = await call('POST', `/api/duplicates/${eIntoC.id}/dismiss`, 'operator', {})
      expect([twice.status, twice.body.error.code]).toEqual([409, 'DUBAN_ERR_DUPLICATE_DECIDED_CONFLICT'])
      expect(d.status).toBe('proposed')
      // A dismissed pair is not proposed again on demand.
      await call('POST', `/api/tickets/${e.body.id}/duplicates/detect`, 'operator', {})
      expect((await proposals(e.body.id)).find((x: View) => x.primaryId === ids.c.id)?.status).toBe('dismissed')
    })

    it('refuses to merge a ticket already dispatched', async () => {
      const c = ids.c
      const dispatched = await call('POST', `/api/tickets/${c.id}/events`, 'operator', { event: 'dispatch', payload: { lead: 'sjj' } })
      expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200)
      const intoA = (await proposals(c.id)).find((x: View) => x.primaryId === ids.a.id)
      const r = await call('POST', `/api/duplicates/${intoA.id}/merge`, 'operator', {})
      expect([r.status, r.body.error.code]).toEqual([409, 'DUBAN_ERR_DUPLICATE_NOT_MERGEABLE_CONFLICT'])
      expect((await call('GET', `/api/tickets/${c.id}`, 'operator')).body.state).toBe('dispatched')
    })

    it('gives the merged ticket’s requester the primary’s reply, on the desk and on the public lookup', async () => {
      const a = ids.a
      expect((await call('POST', `/api/tickets/${a.id}/events`, 'operator', { event: 'dispatch', payload: { lead: 'sjj' } })).status).toBe(200)
      expect((await call('POST', `/api/tickets/${a.id}/events`, 'liaison-sjj', { event: 'accept' })).status).toBe(200)
      const before = (await call('GET', `/api/tickets/${ids.b.id}`, 'operator')).body
      expect(before.reply).toBeNull()
      const replied = await call('POST', `/api/tickets/${a.id}/events`, 'liaison-sjj', { event: 'reply', payload: { text: '已安排环卫车辆清运并加密清运频次。' } })
      expect(replied.status, JSON.stringify(replied.body)).toBe(200)
      const b = (await call('GET', `/api/tickets/${ids.b.id}`, 'operator')).body
      expect(b.reply).toMatchObject({ text: '已安排环卫车辆清运并加密清运频次。' })
      const pub = await t.app.inject({ method: 'GET', url: `/api/public/tickets/lookup?number=${ids.b.number}&phone=${PHONE}` })
      expect(pub.statusCode, pub.body).toBe(200)
      expect(pub.json()).toMatchObject({ stateLabel: '已并单', reply: { text: '已安排环卫车辆清运并加密清运频次。' }, merged: { intoNumber: ids.a.number } })
      expect(pub.json().merged.notice).toContain(ids.a.number)
    })

    it('flags 多次重复诉求 on the third similar ask of one requester, and the list filters by it', async () => {
      await setClock('2026-03-10T09:00:00+08:00')
      const f = await intake('f', asked({ content: '江滨路1号的垃圾还是没人清运，苍蝇很多，臭气熏天。' }))
      expect(f.duplicates.repeated).toEqual({ asks: 3 })
      const list = await call('GET', '/api/tickets?repeated=true', 'operator')
      expect(list.status).toBe(200)
      expect(list.body.tickets.map((x: View) => x.number)).toEqual([f.number])
      const bad = await call('GET', '/api/tickets?repeated=maybe', 'operator')
      expect(bad.status).toBe(400)
    })

    it('counts the requests each and the handling once in the 12345 KPIs', async () => {
      await setClock('2026-04-10T09:00:00+08:00')
      const r = await call('GET', '/api/hotline/kpis?from=2026-03-01&to=2026-04-01', 'supervisor')
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      // March: a, b, c, d, e, the second 13900006666 and f received (7 requests); b merged into a; a and c dispatched to sjj.
      expect(r.body.totals).toMatchObject({ received: 7, merged: 1, handlings: 6, volume: 2 })
      const sjj = r.body.units.find((u: View) => u.unitId === 'sjj')
      expect(sjj).toMatchObject({ volume: 2, dispatches: 2, replies: 1 })
    })
    it('finds duplicates on demand, later tickets too, within the window asked for', async () => {
      // Outside the window (41 days after a): not proposed on intake.
      await setClock('2026-04-12T10:00:00+08:00')
      const late = await intake('late', asked({ requesterPhone: '13900005555', content: '江滨路1号门口的垃圾桶好多天没人清运，臭气熏天。' }))
      expect(await proposals(late.id)).toEqual([])
      const onA = await call('POST', `/api/tickets/${ids.a.id}/duplicates/detect`, 'operator', {})
      expect(onA.status, JSON.stringify(onA.body)).toBe(200)
      expect(onA.body.duplicates.map((x: View) => x.ticket.number)).toEqual(expect.arrayContaining([ids.b.number, ids.c.number]))
      expect(onA.body.duplicates.map((x: View) => x.ticket.number)).not.toContain(late.number)
      const wide = await call('POST', `/api/tickets/${ids.late.id}/duplicates/detect`, 'operator', { windowDays: 45 })
      expect(wide.status, JSON.stringify(wide.body)).toBe(200)
      expect(wide.body.duplicates.map((x: View) => x.primary.number)).toContain(ids.a.number)
    })

    it('shows the desk the earlier tickets a request being typed may repeat, storing nothing', async () => {
      await setClock('2026-03-12T09:00:00+08:00')
      const before = await decisions()
      const r = await call('POST', '/api/duplicates/check', 'operator', { content: '江滨路1号垃圾桶没人清运，苍蝇很多，很臭。', requesterPhone: '138 0000 1111', address: '东湖区江滨路1号' })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      const byNumber = new Map(r.body.matches.map((m: View) => [m.number, m]))
      expect(byNumber.get(ids.a.number)).toMatchObject({ reasons: ['same_requester', 'same_place'], canBePrimary: true, shared: expect.arrayContaining(['苍蝇']) })
      expect(['high', 'medium']).toContain((byNumber.get(ids.a.number) as View).likeness)
      expect((byNumber.get(ids.a.number) as View).shared).not.toContain('很多')
      expect(byNumber.get(ids.b.number)).toMatchObject({ state: 'merged', canBePrimary: false })
      expect(r.body.matches.length).toBeLessThanOrEqual(5)
      const none = await call('POST', '/api/duplicates/check', 'operator', { content: '社保卡补办需要什么材料？', requesterPhone: '13700000000' })
      expect(none.body.matches).toEqual([])
      for (const [body, where] of [[{ content: '' }, null], [{ content: 'x', requesterPhone: '123' }, 'requesterPhone'], [{ content: 'x', lat: 30 }, 'lng'], [{ content: 'x', extra: 1 }, null]] as const) {
        const bad = await call('POST', '/api/duplicates/check', 'operator', body)
        expect([JSON.stringify(body), bad.status]).toEqual([JSON.stringify(body), 400])
        if (where) expect(bad.body.error.where).toBe(where)
      }
      expect((await call('POST', '/api/duplicates/check', 'liaison-sjj', { content: 'x' })).status).toBe(403)
      expect(await decisions()).toEqual(before)
    })

    it('merges a ticket into another by the operator’s judgement, refusing itself, an unknown ticket and a dispatched one', async () => {
      const g = await intake('g', asked({ requesterPhone: '13900007777', address: '西山县人民路9号', content: '我上周反映的江滨路垃圾问题，补充一下：清运车从来不来。' }))
      expect(g.duplicates.proposed).toBe(0)
      const self = await call('POST', `/api/tickets/${g.id}/merge`, 'operator', { into: g.id })
      expect([self.status, self.body.error.where]).toEqual([400, 'into'])
      const unknown = await call('POST', `/api/tickets/${g.id}/merge`, 'operator', { into: 'nope' })
      expect([unknown.status, unknown.body.error.where]).toEqual([404, 'into'])
      const dispatched = await call('POST', `/api/tickets/${ids.c.id}/merge`, 'operator', { into: ids.a.id })
      expect([dispatched.status, dispatched.body.error.code]).toEqual([409, 'DUBAN_ERR_DUPLICATE_NOT_MERGEABLE_CONFLICT'])
      // `into` takes the primary's number as the operator reads it off the screen.
      const ok = await call('POST', `/api/tickets/${g.id}/merge`, 'operator', { into: ids.a.number, note: '来电人说明为补充' })
      expect(ok.status, JSON.stringify(ok.body)).toBe(200)
      expect(ok.body).toMatchObject({ ticketId: g.id, primaryId: ids.a.id, status: 'merged', reasons: [], proposedBy: expect.any(String) })
      const after = (await call('GET', `/api/tickets/${g.id}`, 'operator')).body
      expect(after).toMatchObject({ state: 'merged', duplicates: { mergedInto: { number: ids.a.number } }, reply: { text: '已安排环卫车辆清运并加密清运频次。' } })
    })

    it('answers intake before detection, which its job (stored with the ticket) does afterwards', async () => {
      await setClock('2026-03-20T09:00:00+08:00')
      const h = await intake('h', asked({ requesterPhone: '13900008888', address: '东湖区湖滨路3号', content: '湖滨路3号的下水道堵了，污水漫到路上。' }))
      const r = await call('POST', '/api/tickets', 'operator', asked({ requesterPhone: '13900008888', address: '东湖区湖滨路3号', content: '湖滨路3号下水道堵塞，污水漫到路面上了。' }))
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      expect(r.body.duplicates.proposed).toBe(0)
      // The job was committed with the ticket (the background worker may already be at it: then it is gone, done).
      const jobs = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket_intake_job WHERE item_id = $1`, [r.body.id])).rows[0]!.n
      const found = (await proposals(r.body.id)).length
      expect(jobs + found).toBe(1)
      await settle()
      expect((await proposals(r.body.id)).map((x: View) => [x.primaryId, x.status, x.proposedBy])).toEqual([[h.id, 'proposed', null]])
    })

    it('cuts division names into the same key as the database’s address_key', async () => {
      const texts = ['东湖区 江滨路１２号', 'A座 3-2室（Ｂ区）', '青川市·东湖区/江滨街道 南湖路7号', 'İstanbul Straße 5', '😀路1号', '\t湖滨路\n3号 ']
      for (const x of texts) expect(addressKeyText(x), x).toBe(await addressKeyOf(t.db, x))
    })

    it('takes one street written with or without its district and street office as one place, not another district’s', async () => {
      await setClock('2026-03-22T09:00:00+08:00')
      const text = (n: number) => [`南湖路7号的井盖丢了，晚上走路很危险。`, `南湖路7号井盖不见了，晚上很危险，请尽快补上。`, `南湖路7号井盖丢失好几天了，晚上路过很危险。`, `南湖路7号路口井盖没了，夜里走路危险。`, `南湖路7号井盖丢了，晚上行人很危险。`, `南湖路7号的井盖丢了，晚上走路的人很危险。`][n]!
      const at = (phone: string, address: string, n: number, place?: string) => asked({ requesterPhone: phone, address, content: text(n), ...(place ? { placeUnitId: place } : {}) })
      const reasonsInto = async (v: View) => Object.fromEntries((await proposals(v.id)).filter((x: View) => x.ticketId === v.id).map((x: View) => [x.primary.number, x.reasons]))
      // 江滨街道 (dh-jb) is in 东湖区 (dh), in 青川市; 西山县 (xs) is another district of the city.
      const p1 = await intake('n1', at('13900010001', '东湖区南湖路7号', 0, 'dh-jb'))
      const p2 = await intake('n2', at('13900010002', '南湖路7号', 1, 'dh-jb'))
      expect(await reasonsInto(p2)).toEqual({ [p1.number]: ['same_place'] })
      // Every division written out, no place chosen: the address itself says where it is.
      const p3 = await intake('n3', at('13900010003', '青川市东湖区江滨街道南湖路7号', 2))
      expect(await reasonsInto(p3)).toEqual({ [p1.number]: ['same_place'], [p2.number]: ['same_place'] })
      // Filed in 西山县: not 东湖区's 南湖路7号, however written — not p2 though the words are the same, nor p1 or p3.
      const p4 = await intake('n4', at('13900010004', '南湖路7号', 3, 'xs'))
      expect(await reasonsInto(p4)).toEqual({})
      // 西山县南湖路7号 in 西山县: p4's street, not p2's (filed in 江滨街道, though written without a district).
      const p5 = await intake('n5', at('13900010005', '西山县南湖路7号', 4, 'xs'))
      expect(await reasonsInto(p5)).toEqual({ [p4.number]: ['same_place'] })
      // The province and the city's short form (青川 for 青川市) before the district, no place chosen: 东湖区's street
      // (p1, p2), not 西山县's (p4: the address says 东湖区, so the two are side by side).
      const p6 = await intake('n6', at('13900010006', '广东省青川东湖区南湖路7号', 5))
      expect(await reasonsInto(p6)).toEqual({ [p1.number]: ['same_place'], [p2.number]: ['same_place'] })
      // The desk, typing the street without its district with 江滨街道 chosen, is shown 东湖区's tickets at it.
      const hint = await call('POST', '/api/duplicates/check', 'operator', { content: '南湖路7号井盖丢了，很危险。', address: '南湖路7号', placeUnitId: 'dh-jb' })
      expect(hint.status, JSON.stringify(hint.body)).toBe(200)
      const shown = Object.fromEntries(hint.body.matches.map((m: View) => [m.number, m.reasons]))
      expect(shown).toMatchObject({ [p1.number]: ['same_place'], [p2.number]: ['same_place'], [p3.number]: ['same_place'] })
      expect(shown[p5.number]).toBeUndefined()
      // A place that is no unit is refused, as intake refuses it.
      const bad = await call('POST', '/api/duplicates/check', 'operator', { content: '南湖路7号井盖丢了，很危险。', address: '南湖路7号', placeUnitId: 'nowhere' })
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatchObject({ code: 'DUBAN_ERR_FIELD_INVALID', where: 'placeUnitId' })
    })

    it('looks for duplicates of a request received over Open311 as for one taken at the desk', async () => {
      await setClock('2026-03-21T09:00:00+08:00')
      const first = await intake('o1', asked({ requesterPhone: '13900009999', address: '东湖区北门街5号', content: '北门街5号路灯坏了，晚上一片漆黑。' }))
      const form = new URLSearchParams({ service_code: CATEGORY.rubbish, address_string: '东湖区北门街5号', description: '北门街5号的路灯坏了好几天，晚上漆黑一片。', phone: '13900009999', 'attribute[request_type]': 'complaint' })
      const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, payload: form.toString() })
      expect(res.statusCode, res.body).toBe(201)
      await settle()
      const number = res.json()[0].service_request_id as string
      const id = (await t.db.query<{ id: string }>(`SELECT id FROM item WHERE number = $1`, [number])).rows[0]!.id
      expect((await proposals(id)).map((x: View) => [x.primaryId, x.reasons])).toEqual([[first.id, ['same_requester', 'same_place']]])
    })
  })
}
