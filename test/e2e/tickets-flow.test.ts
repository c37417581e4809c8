/**
 * 12345 tickets end to end over HTTP (工单全流程), on every test dialect: intake at the desk and from the public
 * page, every path of the ticket kind (直接办结; 派单 → 签收 → 联系 → 答复 → 回访 → 办结; 退单 → 改派 and 驳回;
 * 延期 approved and refused; 协办; 督办 on a late ticket; 不满意 → 重办; 撤回; 补充材料 pausing the clock),
 * the notifications each unit receives at once, the public lookup / rating / withdrawal, the audited reveal,
 * and 100 concurrent intakes getting 100 distinct numbers.
 *
 * Dates (2026, Beijing time; March has no holiday): handling limit 一般 = 7 working days, so a ticket
 * dispatched Monday 03-02 is due Wednesday 03-11 23:59:59.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { receiveTicket, type TicketIntake } from '../../src/app/tickets/receive-ticket.ts'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const LIMITS = {
  urgent: { unit: 'working_hours', amount: 2 },
  pressing: { unit: 'working_hours', amount: 24 },
  normal: { unit: 'working_days', amount: 7 },
  consultation: { unit: 'working_days', amount: 1 },
}

/** A small catalogue: 城乡建设 › 市容环境 › 占道经营 (a township duty), 市场监管 › 食品安全 › 餐饮卫生, 政策咨询 › 社保 › 社保咨询. */
async function seedCatalogue(t: TestApp): Promise<void> {
  const rows: [string, string | null, number, string, unknown, string | null, boolean][] = [
    ['03', null, 1, '城乡建设', LIMITS, null, false],
    ['03.02', '03', 2, '市容环境', null, null, false],
    ['03.02.05', '03.02', 3, '占道经营', null, '城市管理', true],
    ['05', null, 1, '市场监管', LIMITS, null, false],
    ['05.01', '05', 2, '食品安全', null, null, false],
    ['05.01.02', '05.01', 3, '餐饮卫生', null, '市场监管', false],
    ['09', null, 1, '政策咨询', LIMITS, null, false],
    ['09.01', '09', 2, '社会保障', null, null, false],
    ['09.01.01', '09.01', 3, '社保咨询', null, null, false],
  ]
  for (const [code, parent, level, name, limits, fn, duty] of rows) {
    await t.db.query(
      `INSERT INTO service_category (code, version, parent_code, level, name, time_limits, function, township_duty) VALUES ($1, 1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [code, parent, level, name, limits === null ? null : JSON.stringify(limits), fn, duty],
    )
  }
}

for (const dialect of testDialects()) {
  describe(`12345 tickets over HTTP (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })
    type View = Record<string, any>

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await saveUnit(t.deps, null, { id: 'rx', name: '青川市12345热线中心', parentId: 'city', level: 'department', function: null, aliases: [] })
      await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'rx' })
      await createUser(t.deps, null, { username: 'liaison-wjw', displayName: '卫健委联络员', password: TEST_PASSWORD, role: 'unit_liaison', unitId: 'wjw' })
      await seedCatalogue(t)
      await signIn()
    }, 120_000)
    afterAll(async () => {
      await t?.close()
    })

    const USERS = ['operator', 'supervisor', 'admin', 'leader', 'liaison-sjj', 'liaison-jb', 'liaison-dh', 'liaison-wjw']
    let signedInAt = -Infinity
    const signIn = async (): Promise<void> => {
      for (const u of USERS) tokens[u] = await t.login(u)
      signedInAt = t.clock.now().getTime()
    }
    /** Moves the test clock, signing everyone in again when sessions (12 hours) would have run out. */
    const setClock = async (at: string): Promise<void> => {
      t.clock.set(at)
      if (t.clock.now().getTime() > signedInAt + 11 * 3_600_000) await signIn()
    }

    const intake = async (body: Record<string, unknown>, who = 'operator'): Promise<View> => {
      const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: auth(who), payload: body })
      expect(res.statusCode, res.body).toBe(201)
      return res.json()
    }
    const complaint = (extra: Record<string, unknown> = {}) => ({
      requestType: 'complaint',
      categoryCode: '05.01.02',
      urgency: 'normal',
      requesterName: '张三丰',
      requesterPhone: '138-1234-5678',
      address: '青川市人民路12号',
      content: '楼下饭店后厨油烟直排，卫生状况差',
      ...extra,
    })
    const event = async (id: string, who: string, name: string, payload: Record<string, unknown> = {}, status = 200): Promise<View> => {
      const res = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/events`, headers: auth(who), payload: { event: name, payload } })
      expect(res.statusCode, `${name} by ${who}: ${res.body}`).toBe(status)
      return res.json()
    }
    const get = async (id: string, who = 'operator'): Promise<View> => {
      const res = await t.app.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: auth(who) })
      expect(res.statusCode, res.body).toBe(200)
      return res.json()
    }
    /** Notification types the user sees for a ticket, sorted (several may carry the same instant). */
    const notes = async (who: string, itemId: string): Promise<string[]> => {
      const res = await t.app.inject({ method: 'GET', url: '/api/notifications?limit=500', headers: auth(who) })
      expect(res.statusCode, res.body).toBe(200)
      return (res.json() as { itemId: string; type: string }[]).filter((n) => n.itemId === itemId).map((n) => n.type).sort()
    }
    const dispatchedTo = async (lead: string, extra: Record<string, unknown> = {}): Promise<View> => intake(complaint({ dispatch: { lead }, ...extra }))
    const acceptedBy = async (lead: string, liaison: string): Promise<View> => {
      const v = await dispatchedTo(lead)
      await event(v.id, liaison, 'accept')
      return v
    }

    it('answers a consultation on the call (直接办结)', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await intake({ requestType: 'consultation', categoryCode: '09.01.01', urgency: 'normal', anonymous: true, content: '社保卡补办需要带什么材料？' })
      expect(v).toMatchObject({ kind: 'ticket', state: 'received', stateType: 'open', channel: 'phone', categoryPath: ['政策咨询', '社会保障', '社保咨询'], anonymous: true, requesterName: null })
      expect(v.number).toMatch(/^GD-2026-\d{6}$/)
      expect(v.limits.handle).toEqual({ unit: 'working_days', amount: 1 })
      const refused = await event(v.id, 'operator', 'answer_directly', {}, 400)
      expect(refused.error).toMatchObject({ code: 'DUBAN_ERR_FIELD_REQUIRED', where: 'text' })
      const done = await event(v.id, 'operator', 'answer_directly', { text: '带身份证到任一社保网点即可办理', knowledgeEntry: 'KB-SB-003' })
      expect(done).toMatchObject({ state: 'closed', stateType: 'closed', reply: { text: '带身份证到任一社保网点即可办理' } })
      expect(done.event).toMatchObject({ event: 'answer_directly', fromState: 'received', toState: 'closed' })
    })

    it('runs dispatch → accept → contact → reply → follow-up satisfied → close, the unit told at each step', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await dispatchedTo('sjj')
      expect(v).toMatchObject({ state: 'dispatched', lead: { id: 'sjj' }, requesterName: '张**', requesterPhone: '138****5678', dueAt: '2026-03-11T23:59:59+08:00' })
      expect(v.limits).toEqual({ handle: { unit: 'working_days', amount: 7 }, accept: { unit: 'working_hours', amount: 2 }, respond: { unit: 'working_hours', amount: 24 } })
      expect(JSON.stringify(await get(v.id))).not.toContain('13812345678')
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch'])
      // Another unit's liaison does not see it.
      expect((await t.app.inject({ method: 'GET', url: `/api/tickets/${v.id}`, headers: auth('liaison-dh') })).statusCode).toBe(404)
      expect((await event(v.id, 'liaison-dh', 'accept', {}, 404)).error.code).toBe('DUBAN_ERR_NOT_FOUND')
      const list = await t.app.inject({ method: 'GET', url: '/api/tickets?unitId=sjj&stateType=waiting', headers: auth('liaison-sjj') })
      expect(list.json().tickets.map((x: View) => x.id)).toContain(v.id)

      await event(v.id, 'liaison-sjj', 'accept')
      await event(v.id, 'liaison-sjj', 'contact', { text: '已电话联系诉求人' })
      const replied = await event(v.id, 'liaison-sjj', 'reply', { text: '已责令饭店安装油烟净化设备' })
      expect(replied).toMatchObject({ state: 'replied', reply: { text: '已责令饭店安装油烟净化设备' } })
      expect(await notes('operator', v.id)).toEqual(['item.reply'])
      await event(v.id, 'operator', 'follow_up', { rating: 'satisfied', resolved: true })
      const closed = await event(v.id, 'operator', 'close')
      expect(closed).toMatchObject({ state: 'closed', followUp: { rating: 'satisfied', resolved: true }, overdue: false })
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch', 'item.follow_up'])
      const full = await get(v.id)
      expect(full.history.map((h: View) => h.event)).toEqual(['receive', 'dispatch', 'accept', 'contact', 'reply', 'follow_up', 'close'])
    })

    it('refuses a dispatch of a department’s work to a township, naming the field', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: auth('operator'), payload: complaint({ dispatch: { lead: 'dh-jb' } }) })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_DISPATCH_REFUSED', where: 'dispatch.lead' })
    })

    it('refuses the same push-down when the centre dispatches or reassigns later through an event, and changes nothing', async () => {
      const v = await intake(complaint())
      const before = await get(v.id)
      const res = await t.app.inject({ method: 'POST', url: `/api/tickets/${v.id}/events`, headers: auth('operator'), payload: { event: 'dispatch', payload: { lead: 'dh-jb' } } })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_DISPATCH_REFUSED', where: 'payload.lead' })
      const after = await get(v.id)
      expect({ state: after.state, version: after.version }).toEqual({ state: before.state, version: before.version })
    })

    it('returns (退单) and reassigns (改派): the centre, the new unit and the returning unit are told', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await intake(complaint({ categoryCode: '03.02.05', content: '江滨路夜市占道经营', dispatch: { lead: 'dh-jb' } }))
      await event(v.id, 'liaison-jb', 'accept')
      const back = await event(v.id, 'liaison-jb', 'return', { reason: '该路段属东湖区城管直管' })
      expect(back.state).toBe('return_requested')
      expect(await notes('operator', v.id)).toEqual(['item.return'])
      await setClock('2026-03-03T09:00:00+08:00')
      const moved = await event(v.id, 'operator', 'reassign', { lead: 'dh' })
      expect(moved).toMatchObject({ state: 'dispatched', lead: { id: 'dh' }, counters: { returns: 1, reassignments: 1 }, dueAt: '2026-03-12T23:59:59+08:00' })
      expect(await notes('liaison-dh', v.id)).toEqual(['item.reassign'])
      expect(await notes('liaison-jb', v.id)).toEqual(['item.dispatch', 'item.reassign'])
      // The returning unit no longer sees the ticket; the new one accepts it.
      expect((await t.app.inject({ method: 'GET', url: `/api/tickets/${v.id}`, headers: auth('liaison-jb') })).statusCode).toBe(404)
      expect((await event(v.id, 'liaison-dh', 'accept')).state).toBe('accepted')
    })

    it('refuses a return (驳回退单): the unit is told and must accept again', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await dispatchedTo('sjj')
      await event(v.id, 'liaison-sjj', 'return', { reason: '不属本单位' })
      const refused = await event(v.id, 'operator', 'refuse_return', { reason: '餐饮油烟属市场监管职责' })
      expect(refused).toMatchObject({ state: 'dispatched', lead: { id: 'sjj' } })
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch', 'item.refuse_return'])
      expect((await get(v.id, 'liaison-sjj')).availableEvents.map((e: View) => e.event)).toContain('accept')
    })

    it('approves an extension (the approved date is the due) and refuses one (the due moves by the wait)', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const a = await acceptedBy('sjj', 'liaison-sjj')
      const asked = await event(a.id, 'liaison-sjj', 'request_extension', { reason: '需联合环保部门检测', newDue: '2026-03-20' })
      expect(asked.state).toBe('extension_requested')
      expect(await notes('operator', a.id)).toEqual(['item.request_extension'])
      await setClock('2026-03-04T09:00:00+08:00')
      const approved = await event(a.id, 'operator', 'approve_extension')
      expect(approved).toMatchObject({ state: 'accepted', dueAt: '2026-03-20T23:59:59+08:00' })
      expect(await notes('liaison-sjj', a.id)).toEqual(['item.approve_extension', 'item.dispatch'])

      await setClock('2026-03-02T09:00:00+08:00')
      const r = await acceptedBy('sjj', 'liaison-sjj')
      await event(r.id, 'liaison-sjj', 'request_extension', { reason: '需联合环保部门检测', newDue: '2026-03-20' })
      await setClock('2026-03-03T15:00:00+08:00')
      const refused = await event(r.id, 'operator', 'refuse_extension', { reason: '时限充足' })
      // One working day (03-03) waited for the decision: due 03-11 → 03-12.
      expect(refused).toMatchObject({ state: 'accepted', dueAt: '2026-03-12T23:59:59+08:00' })
      expect(await notes('liaison-sjj', r.id)).toEqual(['item.dispatch', 'item.refuse_extension'])
    })

    it('brings in a cooperating unit (协办), which is told and then sees the ticket', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await acceptedBy('sjj', 'liaison-sjj')
      expect((await t.app.inject({ method: 'GET', url: `/api/tickets/${v.id}`, headers: auth('liaison-wjw') })).statusCode).toBe(404)
      const co = await event(v.id, 'liaison-sjj', 'cooperate', { cooperating: ['wjw'] })
      expect(co).toMatchObject({ state: 'accepted', cooperating: [{ id: 'wjw', name: '青川市卫生健康委员会' }] })
      expect(await notes('liaison-wjw', v.id)).toEqual(['item.cooperate'])
      expect((await get(v.id, 'liaison-wjw')).lead).toMatchObject({ id: 'sjj' })
      expect((await event(v.id, 'liaison-sjj', 'cooperate', { cooperating: ['nowhere'] }, 400)).error.where).toBe('payload.cooperating')
    })

    it('supervises (督办) a late ticket: a 督办单 to the lead unit, which is told at once', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await acceptedBy('sjj', 'liaison-sjj')
      await setClock('2026-03-12T10:00:00+08:00')
      const late = await get(v.id, 'supervisor')
      expect(late).toMatchObject({ overdue: true, dueAt: '2026-03-11T23:59:59+08:00' })
      expect((await event(v.id, 'liaison-sjj', 'supervise', {}, 403)).error.code).toBe('DUBAN_ERR_ROLE_NOT_ALLOWED')
      const s = await event(v.id, 'supervisor', 'supervise', { text: '该件已超期，请于两个工作日内办结' })
      expect(s.counters.supervisions).toBe(1)
      const full = await get(v.id, 'liaison-sjj')
      expect(full.notices).toHaveLength(1)
      expect(full.notices[0]).toMatchObject({ unitIds: ['sjj'], reason: '该件已超期，请于两个工作日内办结', origin: 'manual', status: 'issued' })
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch', 'notice.issued'])
      // The ticket screen's 督办单 tab shows whether its reply is late; links to the ticket (from the 督办 list and from a
      // notification) know it is a ticket, so they open the ticket's screen and not the plan item's.
      expect(full.notices[0]).toMatchObject({ overdue: false, replyDue: expect.any(String) })
      const listed = await t.app.inject({ method: 'GET', url: `/api/supervision/notices?itemId=${v.id}`, headers: auth('liaison-sjj') })
      expect(listed.json()).toMatchObject([{ itemId: v.id, itemKind: 'ticket' }])
      const inbox = await t.app.inject({ method: 'GET', url: '/api/notifications?limit=500', headers: auth('liaison-sjj') })
      const about = (inbox.json() as { itemId: string; itemKind: string | null }[]).filter((n) => n.itemId === v.id)
      expect(about.map((n) => n.itemKind)).toEqual(['ticket', 'ticket'])
      // The unit replies from the ticket; the tab then shows it replied.
      const r = await t.app.inject({ method: 'POST', url: `/api/supervision/notices/${full.notices[0].id}/reply`, headers: auth('liaison-sjj'), payload: { text: '已于当日办结' } })
      expect(r.statusCode, r.body).toBe(200)
      expect((await get(v.id, 'liaison-sjj')).notices[0]).toMatchObject({ status: 'replied', replyText: '已于当日办结', overdue: false })
    })

    it('reminds on the day a ticket\'s handling limit passes, and supervises it (督办单) 1 working day later', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await acceptedBy('wjw', 'liaison-wjw')
      await event(v.id, 'liaison-wjw', 'contact')
      const hook = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: auth('admin'), payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['clock.expired'], secret: 'a-shared-secret-of-some-length' } })
      expect(hook.statusCode, hook.body).toBe(201)
      // Due 2026-03-11 (end of day). The next morning: a reminder (提醒) only, no 督办, no 督办单.
      await superviseTick(t.deps, new Date('2026-03-12T09:00:00+08:00'))
      const reminded = await get(v.id, 'liaison-wjw')
      expect(reminded.counters.supervisions ?? 0).toBe(0)
      expect(reminded.notices).toEqual([])
      expect(reminded.history.map((h: View) => h.event)).not.toContain('supervise')
      // One reminder for the one due day: the ladder's 提醒 (escalation.raised), not also the expired clock's 催办
      // (clock.expired), which still reaches a webhook that subscribed to it.
      expect(await notes('liaison-wjw', v.id)).toEqual(['escalation.raised', 'item.dispatch'])
      const hooked = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_delivery WHERE event_id = $1`, [`clock.expired:${v.id}:handle:2026-03-11T23:59:59+08:00`])
      expect(hooked.rows[0]!.n).toBe(1)
      expect(await notes('liaison-wjw', v.id)).not.toContain('notice.issued')
      // After the end of the 1st working day past due: the scheduler takes 督办 as the system, one 督办单.
      await superviseTick(t.deps, new Date('2026-03-13T09:00:00+08:00'))
      const full = await get(v.id, 'liaison-wjw')
      expect(full.counters.supervisions).toBe(1)
      expect(full.notices.map((n: View) => [n.origin, n.unitIds])).toEqual([['ladder', ['wjw']]])
      expect(full.history.filter((h: View) => h.event === 'supervise').map((h: View) => h.actor?.role ?? h.actorRole)).toEqual(['system'])
      expect(await notes('liaison-wjw', v.id)).toContain('notice.issued')
    }, 120_000)

    it('reopens after an unsatisfied follow-up (重办), then closes after a second follow-up', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await acceptedBy('sjj', 'liaison-sjj')
      await event(v.id, 'liaison-sjj', 'reply', { text: '已约谈饭店负责人' })
      await event(v.id, 'operator', 'follow_up', { rating: 'unsatisfied', resolved: false, comment: '油烟仍在直排' })
      await setClock('2026-03-04T09:00:00+08:00')
      const again = await event(v.id, 'operator', 'reopen')
      expect(again).toMatchObject({ state: 'accepted', counters: { reopens: 1 }, dueAt: '2026-03-13T23:59:59+08:00' })
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch', 'item.follow_up', 'item.reopen'])
      await event(v.id, 'liaison-sjj', 'reply', { text: '饭店已安装油烟净化器并通过检测' })
      await event(v.id, 'operator', 'follow_up', { rating: 'basically_satisfied', resolved: true })
      const closed = await event(v.id, 'operator', 'close')
      expect(closed).toMatchObject({ state: 'closed', followUp: { rating: 'basically_satisfied', resolved: true }, reply: { text: '饭店已安装油烟净化器并通过检测' } })
      // The unit reads how the requester rated it in words (满意度), not the API's codes.
      const res = await t.app.inject({ method: 'GET', url: '/api/notifications?limit=500', headers: auth('liaison-sjj') })
      const bodies = (res.json() as { itemId: string; type: string; body: string }[]).filter((n) => n.itemId === v.id && n.type === 'item.follow_up').map((n) => n.body).sort()
      expect(bodies).toEqual(['回访：不满意，未解决', '回访：基本满意，已解决'])
    })

    it('rewrites the rating codes of notifications stored before (migration 192)', async () => {
      const sql = readFileSync(new URL('../../src/persistence/migrations/192_notification_rating_words.sql', import.meta.url), 'utf8')
      const bodies = ['回访：satisfied，已解决', '回访：basically_satisfied', '理由：x；回访：unsatisfied，未解决', '满意度 satisfied 无前缀不动']
      for (const [i, body] of bodies.entries()) {
        await t.db.query(`INSERT INTO notification (id, dedupe_key, role, type, title, body, created_at) VALUES ($1, $1, 'operator', 'item.follow_up', '回访', $2, now())`, [`rating-words-${i}`, body])
      }
      await t.db.query(sql.replace(/^--.*$/gm, ''))
      const { rows } = await t.db.query<{ body: string }>(`SELECT body FROM notification WHERE id LIKE 'rating-words-%' ORDER BY id`)
      expect(rows.map((r) => r.body)).toEqual(['回访：满意，已解决', '回访：基本满意', '理由：x；回访：不满意，未解决', '满意度 satisfied 无前缀不动'])
    })

    it('pauses the handling clock while material is awaited (补充材料): the due moves by the paused working days', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await acceptedBy('sjj', 'liaison-sjj')
      await setClock('2026-03-03T10:00:00+08:00')
      const waiting = await event(v.id, 'liaison-sjj', 'request_material', { text: '请诉求人提供饭店名称和照片' })
      expect(waiting).toMatchObject({ state: 'material_requested', stateType: 'waiting' })
      expect(await notes('operator', v.id)).toEqual(['item.request_material'])
      // Far past the old due while paused: not overdue.
      await setClock('2026-03-13T10:00:00+08:00')
      expect((await get(v.id)).overdue).toBe(false)
      await setClock('2026-03-05T10:00:00+08:00')
      const back = await event(v.id, 'operator', 'material_received', { text: '诉求人已补充照片' })
      // Paused 03-03 → 03-05: two working days (03-04, 03-05): due 03-11 → 03-13.
      expect(back).toMatchObject({ state: 'accepted', dueAt: '2026-03-13T23:59:59+08:00' })
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch', 'item.material_received'])
    })

    it('takes a public request, shows the requester only what the contract lists, lets them rate once', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const sub = await t.app.inject({
        method: 'POST',
        url: '/api/public/tickets',
        payload: { requestType: 'complaint', categoryCode: '05.01.02', content: '小区门口早餐店卫生差', requesterPhone: '+86 139 0000 1111', requesterName: '李四' },
      })
      expect(sub.statusCode, sub.body).toBe(201)
      const { number } = sub.json() as { number: string }
      expect(Object.keys(sub.json())).toEqual(['number'])
      const lookup = async (phone = '13900001111') => t.app.inject({ method: 'GET', url: `/api/public/tickets/lookup?number=${number}&phone=${encodeURIComponent(phone)}` })
      const first = await lookup()
      expect(first.statusCode, first.body).toBe(200)
      expect(Object.keys(first.json()).sort()).toEqual(['canRate', 'canReopen', 'canWithdraw', 'categoryName', 'merged', 'number', 'rating', 'ratings', 'receivedAt', 'reopenUntil', 'reply', 'stateLabel', 'status'])
      expect(first.json()).toMatchObject({ number, status: 'open', categoryName: '餐饮卫生', reply: null, canRate: false, canWithdraw: true })
      expect((await lookup('13900002222')).statusCode).toBe(404)

      const list = await t.app.inject({ method: 'GET', url: `/api/tickets?q=${number}`, headers: auth('operator') })
      const ticket = list.json().tickets[0] as View
      expect(ticket).toMatchObject({ number, channel: 'web', urgency: 'normal', requesterPhone: '139****1111' })
      await event(ticket.id, 'operator', 'dispatch', { lead: 'sjj' })
      expect(await notes('liaison-sjj', ticket.id)).toEqual(['item.dispatch'])
      await event(ticket.id, 'liaison-sjj', 'accept')
      expect((await t.app.inject({ method: 'POST', url: '/api/public/tickets/rating', payload: { number, phone: '13900001111', rating: 'satisfied' } })).statusCode).toBe(409)
      await event(ticket.id, 'liaison-sjj', 'reply', { text: '已责令整改' })
      const replied = (await lookup()).json()
      expect(replied).toMatchObject({ reply: { text: '已责令整改' }, canRate: true, canWithdraw: false })
      const rated = await t.app.inject({ method: 'POST', url: '/api/public/tickets/rating', payload: { number, phone: '13900001111', rating: 'basically_satisfied', comment: '处理较快' } })
      expect(rated.statusCode, rated.body).toBe(200)
      expect(rated.json()).toMatchObject({ rating: { rating: 'basically_satisfied', comment: '处理较快' }, canRate: false })
      const twice = await t.app.inject({ method: 'POST', url: '/api/public/tickets/rating', payload: { number, phone: '13900001111', rating: 'unsatisfied' } })
      expect(twice.statusCode).toBe(409)
      expect(twice.json().error.code).toBe('DUBAN_ERR_CONFLICT')
      expect((await get(ticket.id)).citizenRating).toMatchObject({ rating: 'basically_satisfied', comment: '处理较快' })
      // A rating given before migration 197 (no reply named, no round kept): the migration names the reply before it.
      await t.db.query(`DELETE FROM ticket_citizen_rating`)
      await t.db.query(`UPDATE ticket SET rated_reply_at = NULL`)
      const sql = readFileSync(new URL('../../src/persistence/migrations/197_ticket_rating_rounds.sql', import.meta.url), 'utf8')
      const from = sql.indexOf('UPDATE ticket t SET rated_reply_at')
      await t.db.query(sql.slice(from, sql.indexOf('ALTER TABLE hotline_event', from)))
      const legacy = (await lookup()).json()
      expect(legacy).toMatchObject({ canRate: false, ratings: [{ rating: 'basically_satisfied', comment: '处理较快', replyAt: replied.reply.at }] })
      const bad = await t.app.inject({ method: 'POST', url: '/api/public/tickets', payload: { requestType: 'complaint', categoryCode: '05.01.02', content: 'x'.repeat(5001), requesterPhone: '13900001111' } })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error.where).toBe('body/content')
    })

    it('lets the requester withdraw (撤回) before acceptance, not after', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await dispatchedTo('sjj', { requesterPhone: '13700001234' })
      const w = await t.app.inject({ method: 'POST', url: '/api/public/tickets/withdraw', payload: { number: v.number, phone: '137 0000 1234', reason: '问题已自行解决' } })
      expect(w.statusCode, w.body).toBe(200)
      expect(w.json()).toMatchObject({ status: 'closed', stateLabel: '已撤回', canWithdraw: false })
      expect((await get(v.id)).state).toBe('withdrawn')
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch', 'item.withdraw'])

      const a = await dispatchedTo('sjj', { requesterPhone: '13700001234' })
      await event(a.id, 'liaison-sjj', 'accept')
      const late = await t.app.inject({ method: 'POST', url: '/api/public/tickets/withdraw', payload: { number: a.number, phone: '13700001234' } })
      expect(late.statusCode).toBe(409)
      const wrong = await t.app.inject({ method: 'POST', url: '/api/public/tickets/withdraw', payload: { number: a.number, phone: '13700009999' } })
      expect(wrong.statusCode).toBe(404)
    })

    it('lets the requester ask for 重办 with a reason within the 回访 window, not after it nor after a 满意 rating', async () => {
      // Replied Monday 03-02 10:00: the 回访时限 is 2 working days, so the window ends Wednesday 03-04 10:00.
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await acceptedBy('sjj', 'liaison-sjj')
      const own = (await get(v.id)).number as string
      const ask = (number: string, ph: string, reason: unknown) => t.app.inject({ method: 'POST', url: '/api/public/tickets/reopen', payload: { number, phone: ph, reason } })
      const look = async (number: string, ph: string) => (await t.app.inject({ method: 'GET', url: `/api/public/tickets/lookup?number=${number}&phone=${ph}` })).json()
      const requester = '13812345678'
      expect(await look(own, requester)).toMatchObject({ canReopen: false, reopenUntil: null })
      expect((await ask(own, requester, '还没答复')).statusCode).toBe(409)
      await setClock('2026-03-02T10:00:00+08:00')
      await event(v.id, 'liaison-sjj', 'reply', { text: '已约谈饭店负责人' })
      await setClock('2026-03-03T15:00:00+08:00')
      expect(await look(own, requester)).toMatchObject({ stateLabel: '已答复', canReopen: true })
      expect((await look(own, requester)).reopenUntil).toMatch(/^2026-03-0[34]T/)
      expect((await ask(own, requester, '')).statusCode).toBe(400)
      expect((await ask(own, '13700009999', '油烟仍在直排')).statusCode).toBe(404)
      const r = await ask(own, requester, '油烟仍在直排，晚上更严重')
      expect(r.statusCode, r.body).toBe(200)
      // Handled again: the old reply is not rated now (the next one is).
      expect(r.json()).toMatchObject({ stateLabel: '办理中', canReopen: false, reopenUntil: null, canRate: false })
      const after = await get(v.id)
      expect(after).toMatchObject({ state: 'accepted', counters: { reopens: 1 } })
      expect(after.history.at(-1)).toMatchObject({ event: 'reopen', actorRole: 'citizen', payload: { reason: '油烟仍在直排，晚上更严重' } })
      expect(await notes('liaison-sjj', v.id)).toEqual(['item.dispatch', 'item.reopen'])
      expect(await notes('operator', v.id)).toContain('item.reopen')
      // The second reply: past its 回访 window the requester can no longer ask; the 回访 decides.
      await event(v.id, 'liaison-sjj', 'reply', { text: '饭店已安装油烟净化器' })
      await setClock('2026-03-10T09:00:00+08:00')
      expect(await look(own, requester)).toMatchObject({ canReopen: false })
      const late = await ask(own, requester, '还是有油烟')
      expect(late.statusCode).toBe(409)
      expect((await get(v.id)).state).toBe('replied')
      // A reply the requester rated 满意 is not reopened by them.
      const s = await acceptedBy('sjj', 'liaison-sjj')
      await event(s.id, 'liaison-sjj', 'reply', { text: '已处理' })
      const rated = await t.app.inject({ method: 'POST', url: '/api/public/tickets/rating', payload: { number: s.number, phone: requester, rating: 'satisfied' } })
      expect(rated.json()).toMatchObject({ canReopen: false })
      expect((await ask(s.number, requester, '又反悔了')).statusCode).toBe(409)
    })

    it('lets the requester rate each reply again after 重办, keeping every round (one rating per reply)', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await acceptedBy('sjj', 'liaison-sjj')
      const own = (await get(v.id)).number as string
      const requester = '13812345678'
      const rate = (rating: string, comment?: string) =>
        t.app.inject({ method: 'POST', url: '/api/public/tickets/rating', payload: { number: own, phone: requester, rating, ...(comment ? { comment } : {}) } })
      const look = async () => (await t.app.inject({ method: 'GET', url: `/api/public/tickets/lookup?number=${own}&phone=${requester}` })).json()
      await setClock('2026-03-02T10:00:00+08:00')
      await event(v.id, 'liaison-sjj', 'reply', { text: '已约谈饭店负责人' })
      await setClock('2026-03-02T15:00:00+08:00')
      const first = await rate('unsatisfied', '油烟仍在直排')
      expect(first.statusCode, first.body).toBe(200)
      // Rated 不满意: 重办 is still open to them, a second rating of the same reply is not.
      expect(first.json()).toMatchObject({ canRate: false, canReopen: true, ratings: [{ rating: 'unsatisfied', comment: '油烟仍在直排' }] })
      expect((await rate('satisfied')).statusCode).toBe(409)
      await setClock('2026-03-02T16:00:00+08:00')
      const asked = await t.app.inject({ method: 'POST', url: '/api/public/tickets/reopen', payload: { number: own, phone: requester, reason: '油烟仍在直排' } })
      expect(asked.statusCode, asked.body).toBe(200)
      expect(asked.json()).toMatchObject({ canRate: false })
      expect((await rate('satisfied')).statusCode).toBe(409)
      // The second reply: 评价 is offered again; their earlier rating stays in the history.
      await setClock('2026-03-05T10:00:00+08:00')
      await event(v.id, 'liaison-sjj', 'reply', { text: '饭店已安装油烟净化器' })
      expect(await look()).toMatchObject({ reply: { text: '饭店已安装油烟净化器' }, canRate: true, canReopen: true, rating: { rating: 'unsatisfied' }, ratings: [{ rating: 'unsatisfied' }] })
      await setClock('2026-03-05T11:00:00+08:00')
      const second = await rate('satisfied', '已解决')
      expect(second.statusCode, second.body).toBe(200)
      expect(second.json()).toMatchObject({ canRate: false, canReopen: false, rating: { rating: 'satisfied', comment: '已解决' } })
      expect(second.json().ratings.map((r: { rating: string }) => r.rating)).toEqual(['unsatisfied', 'satisfied'])
      expect(second.json().ratings[1].replyAt).toBe(new Date('2026-03-05T10:00:00+08:00').toISOString())
      expect((await rate('unsatisfied')).statusCode).toBe(409)
      // The operator's 回访 of the second round, and the ticket view: the latest rating and every round's.
      await event(v.id, 'operator', 'follow_up', { rating: 'satisfied', resolved: true })
      const seen = await get(v.id)
      expect(seen).toMatchObject({ state: 'followed_up', citizenRating: { rating: 'satisfied', comment: '已解决' }, followUp: { rating: 'satisfied' } })
      expect(seen.citizenRatings.map((r: { rating: string; comment: string | null }) => [r.rating, r.comment])).toEqual([['unsatisfied', '油烟仍在直排'], ['satisfied', '已解决']])
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'ticket.rate' AND entity_id = $1`, [v.id])
      expect(rows[0]?.n).toBe(2)
    })

    it('reveals the requester to the hotline and the lead unit only, audited', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      const v = await dispatchedTo('sjj')
      const ok = await t.app.inject({ method: 'POST', url: `/api/tickets/${v.id}/reveal`, headers: auth('operator'), payload: { reason: '回访需要' } })
      expect(ok.statusCode, ok.body).toBe(200)
      expect(ok.json()).toEqual({ requesterName: '张三丰', requesterPhone: '13812345678' })
      expect((await t.app.inject({ method: 'POST', url: `/api/tickets/${v.id}/reveal`, headers: auth('liaison-sjj'), payload: { reason: '联系诉求人' } })).statusCode).toBe(200)
      expect((await t.app.inject({ method: 'POST', url: `/api/tickets/${v.id}/reveal`, headers: auth('supervisor'), payload: { reason: '看看' } })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'POST', url: `/api/tickets/${v.id}/reveal`, headers: auth('liaison-dh'), payload: { reason: '看看' } })).statusCode).toBe(404)
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'ticket.reveal' AND entity_id = $1`, [v.id])
      expect(rows[0]?.n).toBe(2)
    })

    it('gives 100 concurrent intakes 100 distinct numbers', async () => {
      await setClock('2026-03-02T09:00:00+08:00')
      // Over HTTP: 100 at once; the server's overload guard may answer 503 (Retry-After) to some, which are sent again.
      const send = async (i: number) => {
        for (let attempt = 0; ; attempt++) {
          const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: auth('operator'), payload: complaint({ content: `并发受理 ${i}` }) })
          if (res.statusCode !== 503 || attempt >= 60) return res
          await new Promise((r) => setTimeout(r, 200 + Math.random() * 400))
        }
      }
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => send(i)))
      expect(answers.filter((a) => a.statusCode !== 201).map((a) => `${a.statusCode} ${a.body.slice(0, 300)}`)).toEqual([])
      const overHttp = answers.map((a) => (a.json() as { number: string }).number)
      // And 100 intakes through the use-case at once (on PostgreSQL, 100 transactions racing for the counter row).
      const operator = { userId: 'op-direct', role: 'operator' as const, unitId: 'rx', scopeUnitIds: null }
      const direct = await Promise.all(Array.from({ length: 100 }, (_, i) => receiveTicket(t.deps, operator, complaint({ content: `并发受理（直接）${i}` }) as TicketIntake, 'phone')))
      const numbers = [...overHttp, ...direct.map((d) => d.number)]
      expect(new Set(numbers).size).toBe(200)
      for (const n of numbers) expect(n).toMatch(/^GD-2026-\d{6}$/)
    }, 120_000)
  })
}
