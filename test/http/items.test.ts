/** The ledger and the task lifecycle over HTTP, on every test dialect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSample, loginDemo, multipartBody, rowCounts, seedDemoCity } from './plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`items over HTTP (${dialect})`, () => {
    let t: TestApp
    let supervisor: string
    let leader: string
    let sjj: string // 市市场监管局 (yz-sjj)
    let dh: string // 青龙区 (ql)
    let jb: string // 河滨街道 (ql-hb), a township of 青龙区
    let food: string // 保障食品药品安全: lead 市市场监管局
    let housing: string // 推进老旧小区改造: 青龙区 cooperates

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      leader = await loginDemo(t, 'leader')
      sjj = await loginDemo(t, 'sjj')
      dh = await loginDemo(t, 'qinglong')
      jb = await loginDemo(t, 'hebin')
      await confirmSample(t, supervisor)
      const find = async (q: string) => (await call(t, supervisor, 'GET', `/api/items?q=${encodeURIComponent(q)}`)).json().items[0].id as string
      food = await find('保障食品药品安全')
      housing = await find('推进老旧小区改造')
    }, 180_000) // seeding hashes eight demo passwords; slow when the whole suite shares the CPU
    afterAll(async () => t?.close())

    const item = async (token: string, id: string) => (await call(t, token, 'GET', `/api/items/${id}`)).json()

    it('lists the ledger with filters and paging', async () => {
      const all = (await call(t, supervisor, 'GET', '/api/items')).json()
      expect(all.total).toBe(15)
      expect(all.items[0]).toMatchObject({ kind: 'task', state: 'dispatched', stateLabel: '已交办', overdue: false })
      expect(all.items[0].units.length).toBeGreaterThan(0)
      expect((await call(t, supervisor, 'GET', '/api/items?unit=yz-sjj')).json().total).toBe(2)
      expect((await call(t, supervisor, 'GET', '/api/items?q=粮食')).json().total).toBe(1)
      expect((await call(t, supervisor, 'GET', '/api/items?state=dispatched&kind=task')).json().total).toBe(15)
      expect((await call(t, supervisor, 'GET', '/api/items?kind=ticket')).json().total).toBe(0)
      const page = (await call(t, supervisor, 'GET', '/api/items?limit=5&offset=5')).json()
      expect(page.items.map((i: any) => i.number)).toEqual(all.items.slice(5, 10).map((i: any) => i.number))
      expect((await call(t, supervisor, 'GET', '/api/items?limit=0')).statusCode).toBe(400)
      expect((await call(t, supervisor, 'GET', '/api/items?colour=red')).statusCode).toBe(400)
    })

    it('flags overdue open items when the clock passes their due dates', async () => {
      const now = t.clock.now()
      t.clock.set('2026-09-15T09:00:00+08:00')
      try {
        // Sessions expire after hours, so sign in again at the later instant.
        const token = await loginDemo(t, 'supervisor')
        const overdue = (await call(t, token, 'GET', '/api/items?overdue=true')).json()
        expect(overdue.total).toBeGreaterThan(0)
        expect(overdue.items.every((i: any) => i.overdue && i.dueDate < '2026-09-15')).toBe(true)
      } finally {
        t.clock.set(now)
      }
    })

    it('shows a unit liaison only items its unit or a sub-unit holds, and hides the rest as not found', async () => {
      // 青龙区 sees items where it or its township 河滨街道 holds a role; the township sees only its own.
      const mine = (await call(t, dh, 'GET', '/api/items')).json()
      expect(mine.total).toBe(5)
      expect(mine.items.every((i: any) => i.units.some((u: any) => u.unitId === 'ql' || u.unitId === 'ql-hb'))).toBe(true)
      const township = (await call(t, jb, 'GET', '/api/items')).json()
      expect(township.items.map((i: any) => i.title)).toEqual(['推进垃圾分类'])
      expect((await call(t, sjj, 'GET', '/api/items')).json().total).toBe(2)
      const hidden = await call(t, sjj, 'GET', `/api/items/${housing}`)
      expect(hidden.statusCode).toBe(404)
      expect((await call(t, jb, 'GET', `/api/items/${housing}`)).statusCode).toBe(404)
      const before = await rowCounts(t)
      expect((await call(t, sjj, 'POST', `/api/items/${housing}/accept`, {})).statusCode).toBe(404)
      expect(await rowCounts(t)).toEqual(before)
      expect((await call(t, dh, 'GET', `/api/items/${housing}`)).statusCode).toBe(200)
    })

    it('lets a leader read but not act', async () => {
      const detail = await item(leader, food)
      expect(detail.availableEvents).toEqual([])
      const res = await call(t, leader, 'POST', `/api/items/${food}/accept`, {})
      expect(res.statusCode).toBe(403)
    })

    it('runs a task from acceptance through progress, extension and completion to closure', async () => {
      let d = await item(sjj, food)
      expect(d.state).toBe('dispatched')
      expect(d.availableEvents.map((e: any) => e.event)).toContain('accept')
      expect(d.events.map((e: any) => e.event)).toEqual(['confirm', 'dispatch'])
      expect(d.calendarNotice).toBeNull() // due 2026-12-31: the calendar holds 2026

      // A stale version is refused and changes nothing.
      const before = await rowCounts(t)
      const stale = await call(t, sjj, 'POST', `/api/items/${food}/accept`, { expectedVersion: d.version + 5 })
      expect(stale.statusCode).toBe(409)
      expect(stale.json().error.code).toBe('DUBAN_ERR_ITEM_VERSION_CONFLICT')
      expect(await rowCounts(t)).toEqual(before)

      const accepted = await call(t, sjj, 'POST', `/api/items/${food}/accept`, { expectedVersion: d.version })
      expect(accepted.statusCode, accepted.body).toBe(200)
      expect(accepted.json()).toMatchObject({ state: 'accepted', version: d.version + 1 })

      // Progress with numbers against targets and a base64 attachment.
      const report = await call(t, sjj, 'POST', `/api/items/${food}/reports`, {
        text: '已完成抽检1200批次，合格率98.6%。',
        measures: { 抽检合格率: 98.6 },
        attachments: [{ name: '抽检报告.txt', mime: 'text/plain', contentBase64: Buffer.from('抽检明细').toString('base64') }],
      })
      expect(report.statusCode, report.body).toBe(200)
      const r = report.json()
      expect(r.report).toMatchObject({ unitId: 'yz-sjj', period: '2026-03', onTime: true, targetValues: [{ metric: '抽检合格率', value: 98.6 }] })
      expect(r.event).toMatchObject({ event: 'report_progress', fromState: 'accepted', toState: 'accepted' })
      expect(r.report.attachments).toHaveLength(1)
      d = await item(sjj, food)
      expect(d.reports).toHaveLength(1)
      expect(d.reports[0]).toEqual(r.report)
      expect(d.events.at(-1)).toEqual(r.event)
      expect(d.attachments).toHaveLength(1)
      const file = await t.app.inject({ method: 'GET', url: `/api/items/${food}/attachments/${r.report.attachments[0].id}`, headers: { authorization: `Bearer ${sjj}` } })
      expect(file.statusCode).toBe(200)
      expect(file.body).toBe('抽检明细')

      // A multipart upload, then a report citing it by id.
      const mp = multipartBody({ name: 'photo.png', mime: 'image/png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]) })
      const up = await t.app.inject({ method: 'POST', url: `/api/items/${food}/attachments`, headers: { ...mp.headers, authorization: `Bearer ${sjj}` }, payload: mp.payload })
      expect(up.statusCode, up.body).toBe(201)
      const cited = await call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: '现场照片', attachments: [up.json().id] })
      expect(cited.statusCode, cited.body).toBe(200)
      expect(cited.json().report.attachments[0]).toMatchObject({ id: up.json().id, name: 'photo.png', size: 4 })

      // An extension to a Saturday is refused naming the field; a working day is accepted, then decided.
      const counts = await rowCounts(t)
      const weekend = await call(t, sjj, 'POST', `/api/items/${food}/extensions`, { reason: '抽检任务量增加', newDue: '2027-01-02' })
      expect(weekend.statusCode).toBe(400)
      expect(weekend.json().error).toMatchObject({ code: 'DUBAN_ERR_DUE_NOT_WORKING_DAY', where: 'payload.newDue' })
      expect(await rowCounts(t)).toEqual(counts)
      // The date suggested instead is one the extension can take: a working day later than the current due.
      const currentDue = (await call(t, sjj, 'GET', `/api/items/${food}`)).json().dueDate as string
      const suggestion = weekend.json().error.details.suggestion as string
      expect([suggestion > currentDue, suggestion], `current due ${currentDue}`).toEqual([true, suggestion])
      const asked = await call(t, sjj, 'POST', `/api/items/${food}/extensions`, { reason: '抽检任务量增加', newDue: '2027-01-29' })
      expect(asked.statusCode, asked.body).toBe(200)
      expect(asked.json().state).toBe('extension_requested')
      expect(asked.json().extensionRequest).toMatchObject({ status: 'pending', currentDue: '2026-12-31', requestedDue: '2027-01-29' })
      const noReason = await call(t, supervisor, 'POST', `/api/items/${food}/extensions/decision`, { approve: false })
      expect(noReason.statusCode).toBe(400)
      expect(noReason.json().error).toMatchObject({ code: 'DUBAN_ERR_FIELD_REQUIRED', where: 'reason' })
      const approved = await call(t, supervisor, 'POST', `/api/items/${food}/extensions/decision`, { approve: true, reason: '理由充分' })
      expect(approved.statusCode, approved.body).toBe(200)
      expect(approved.json()).toMatchObject({ state: 'accepted', dueDate: '2027-01-29' })
      expect(approved.json().extensionRequest).toMatchObject({ status: 'approved', decisionReason: '理由充分' })
      expect((await item(sjj, food)).extensionRequests).toEqual([approved.json().extensionRequest])

      // 2027 has no State Council notice in the calendar: the item says its due date is unverified, and the admin
      // is told which year open items fall due in (issue 8 point 7). A covered due date carries no notice.
      expect((await item(sjj, food)).calendarNotice).toMatchObject({ missingYears: [2027], message: expect.stringContaining('2027 年') })
      const admin = await loginDemo(t, 'admin')
      const coverage = await call(t, admin, 'GET', '/api/calendar/coverage')
      expect(coverage.statusCode, coverage.body).toBe(200)
      expect(coverage.json().uncoveredInUse).toContainEqual({ year: 2027, items: 1 })
      expect(coverage.json().message).toContain('2027 年（1 个未办结事项在该年到期）')
      expect((await call(t, sjj, 'GET', '/api/calendar/coverage')).statusCode).toBe(403)

      // Completion, a return, completion again, acceptance.
      const done = await call(t, sjj, 'POST', `/api/items/${food}/completion`, { text: '全年抽检任务完成。', measures: { 抽检合格率: 98.8 } })
      expect(done.json().state).toBe('completion_submitted')
      const returned = await call(t, supervisor, 'POST', `/api/items/${food}/completion/decision`, { approve: false, reason: '缺少抽检明细' })
      expect(returned.json().state).toBe('accepted')
      await call(t, sjj, 'POST', `/api/items/${food}/completion`, { text: '补充抽检明细。' })
      const closed = await call(t, supervisor, 'POST', `/api/items/${food}/completion/decision`, { approve: true })
      expect(closed.statusCode, closed.body).toBe(200)
      expect(closed.json()).toMatchObject({ state: 'closed', stateType: 'closed' })
      expect(closed.json().closedAt).not.toBeNull()
      expect((await item(supervisor, food)).events.map((e: any) => e.event)).toEqual([
        'confirm', 'dispatch', 'accept', 'report_progress', 'report_progress', 'request_extension', 'approve_extension',
        'submit_completion', 'return_completion', 'submit_completion', 'approve_completion',
      ])
      const audit = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'item' AND entity_id = $1`, [food])
      expect(Number(audit.rows[0]?.n)).toBe(1 + 9 + 1) // created, nine transitions after dispatch, one upload
    })

    it('refuses events the kind does not allow in the state, naming both, and changes nothing', async () => {
      const snapshot = await item(supervisor, housing)
      const before = await rowCounts(t)
      const res = await call(t, supervisor, 'POST', `/api/items/${housing}/events`, { event: 'approve_completion', payload: {} })
      expect(res.statusCode).toBe(409)
      expect(res.json().error.code).toBe('DUBAN_ERR_TRANSITION_NOT_ALLOWED')
      expect(res.json().error.message).toContain("'approve_completion' in state 'dispatched'")
      expect(await rowCounts(t)).toEqual(before)
      expect(await item(supervisor, housing)).toEqual(snapshot)
    })

    it('refuses an event name the kind does not declare with a 400 naming it and the kind\'s events, and changes nothing', async () => {
      const snapshot = await item(supervisor, housing)
      const before = await rowCounts(t)
      const unknown = await call(t, supervisor, 'POST', `/api/items/${housing}/events`, { event: 'fly_away', payload: { text: 'x' } })
      expect(unknown.statusCode).toBe(400)
      const error = unknown.json().error
      expect(error.code).toBe('DUBAN_ERR_EVENT_UNKNOWN')
      expect(error.where).toBe('event')
      expect(error.message).toContain("'fly_away' is not an event of kind 'task'")
      expect(error.details.event).toBe('fly_away')
      expect(error.details.declared).toEqual(expect.arrayContaining(['accept', 'report_progress', 'approve_completion']))
      expect(error.details.declared).not.toContain('follow_up')
      // A declared event in the wrong state stays a 409.
      const wrongState = await call(t, supervisor, 'POST', `/api/items/${housing}/events`, { event: 'approve_completion', payload: {} })
      expect(wrongState.statusCode).toBe(409)
      expect(await rowCounts(t)).toEqual(before)
      expect(await item(supervisor, housing)).toEqual(snapshot)
    })

    it('rejects malformed JSON, unknown fields, wrong types and oversize attachments without touching the database', async () => {
      const snapshot = await item(supervisor, housing)
      const before = await rowCounts(t)
      const url = `/api/items/${housing}/events`
      const raw = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${dh}`, 'content-type': 'application/json' }, payload: '{"event": "accept",' })
      expect(raw.statusCode).toBe(400)
      const cases: [unknown, string][] = [
        [{ event: 'accept', colour: 'red' }, 'body/colour'],
        [{ event: 5 }, 'body/event'],
        [{ event: 'accept', expectedVersion: 'one' }, 'body/expectedVersion'],
        [{ payload: {} }, 'body/event'],
      ]
      for (const [body, where] of cases) {
        const res = await call(t, supervisor, 'POST', url, body)
        expect(res.statusCode, JSON.stringify(body)).toBe(400)
        expect(res.json().error.where).toBe(where)
      }
      const report = await call(t, supervisor, 'POST', `/api/items/${housing}/reports`, { text: '', measures: { x: 'many' } })
      expect(report.statusCode).toBe(400)
      const big = Buffer.alloc(5 * 1024 * 1024 + 1, 1).toString('base64')
      const huge = await call(t, dh, 'POST', url, { event: 'report_progress', payload: { text: 'x', attachments: [{ name: 'big.bin', contentBase64: big }] } })
      expect(huge.statusCode).toBe(413)
      expect(huge.json().error.code).toBe('DUBAN_ERR_ATTACHMENT_TOO_LARGE')
      // A unit that only cooperates may not accept: the engine names the relation.
      const notLead = await call(t, dh, 'POST', `/api/items/${housing}/accept`, {})
      expect(notLead.statusCode).toBe(403)
      expect(notLead.json().error.code).toBe('DUBAN_ERR_NOT_ASSIGNEE')
      expect(await rowCounts(t)).toEqual(before)
      expect(await item(supervisor, housing)).toEqual(snapshot)
    })

    it('answers an event with the compact item and what was recorded, not the whole history, so answers do not grow', async () => {
      // 推进老旧小区改造 is led by 市住建局; its liaison accepts and reports many times.
      const lead = (await item(supervisor, housing)).units.find((u: any) => u.role === 'lead').unitId as string
      expect(lead).toBe('yz-zjj')
      const zjj = await loginDemo(t, 'zjj')
      const accepted = await call(t, zjj, 'POST', `/api/items/${housing}/accept`, {})
      expect(accepted.statusCode, accepted.body).toBe(200)
      const sizes: number[] = []
      let last: any
      for (let n = 1; n <= 12; n++) {
        const res = await call(t, zjj, 'POST', `/api/items/${housing}/reports`, { text: `第${n}次报送：本月推进情况正常。`, measures: { 改造小区: n } })
        expect(res.statusCode, res.body).toBe(200)
        sizes.push(Buffer.byteLength(res.body))
        last = res.json()
      }
      // Same length of text each time (n < 10 and n ≥ 10 differ by one digit in text, measure and ids).
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(40)
      expect(Object.keys(last).sort()).toEqual(
        ['availableEvents', 'closedAt', 'data', 'dueDate', 'event', 'id', 'kind', 'number', 'overdue', 'planId', 'report', 'state', 'stateLabel', 'stateType', 'title', 'units', 'updatedAt', 'version'].sort(),
      )
      expect(last.event).toMatchObject({ event: 'report_progress', fromState: 'accepted', toState: 'accepted', unitId: lead, payload: { text: '第12次报送：本月推进情况正常。' } })
      expect(last.report).toMatchObject({ body: '第12次报送：本月推进情况正常。', targetValues: [{ metric: '改造小区', value: 12 }] })
      expect(last.availableEvents.map((e: any) => e.event)).toContain('report_progress')
      // The full history stays on GET, and the answer's event and report are its last entries.
      const full = await item(zjj, housing)
      expect(full.reports).toHaveLength(12)
      expect(full.reports.at(-1)).toEqual(last.report)
      expect(full.events.at(-1)).toEqual(last.event)
      expect(full.version).toBe(last.version)
    })
  })
}
