import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listActions } from '../../src/persistence/supervision.repo.ts'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { deliverWebhooks } from '../../src/app/supervision/webhook-deliver.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem, insertReport } from './supervision-fixture.ts'

const at = (s: string): Date => new Date(`${s}+08:00`)
const none = { warned: 0, overdue: 0, expired: 0, reportsMissing: 0, escalated: 0, notices: 0 }

const ladder = {
  warnBefore: 1,
  reporting: { every: 'none' },
  noticeReplyWorkingDays: 5,
  ladder: [
    { name: 'remind', label: '提醒', afterDueWorkingDays: 0, action: 'notify' },
    { name: 'notice', label: '督办单', afterDueWorkingDays: 1, action: 'notice' },
    { name: 'interview', label: '约谈', afterDueWorkingDays: 2, action: 'notify' },
    { name: 'bulletin', label: '通报', afterDueWorkingDays: 3, action: 'notify' },
    { name: 'accountability', label: '问责', afterDueWorkingDays: 6, action: 'notify' },
  ],
}

for (const dialect of testDialects()) {
  describe(`supervision (${dialect})`, () => {
    let t: TestApp
    let tokens: Record<string, string>
    const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      tokens = {}
      for (const u of ['admin', 'supervisor', 'leader', 'liaison-sjj', 'liaison-dh']) tokens[u] = await t.login(u)
    })
    afterAll(async () => t.close())

    it('shows the task kind’s own ladder until an admin stores one, and names a wrong step', async () => {
      const def = await t.app.inject({ method: 'GET', url: '/api/supervision/ladder?kind=task', headers: auth('supervisor') })
      expect(def.json()).toMatchObject({ isDefault: true, reporting: { every: 'month', day: 25 } })
      expect(def.json().ladder.map((s: { label: string }) => s.label)).toEqual(['提醒', '督办单', '约谈', '通报', '问责'])
      const bad = { ...ladder, ladder: [ladder.ladder[0], { ...ladder.ladder[1], afterDueWorkingDays: -1 }] }
      const res = await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('admin'), payload: bad })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_SUPERVISION_CONFIG_INVALID', where: 'ladder[1].afterDueWorkingDays' })
      expect((await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('supervisor'), payload: ladder })).statusCode).toBe(403)
      const ok = await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('admin'), payload: ladder })
      expect(ok.statusCode).toBe(200)
      expect(ok.json()).toMatchObject({ isDefault: false, warnBefore: 1 })
    })

    it("refuses for the ticket kind (no supervised clock) a warnBefore, reporting or first-report grace other than its own, storing nothing, and takes its own values back", async () => {
      const url = '/api/supervision/ladder?kind=ticket'
      const own = (await t.app.inject({ method: 'GET', url, headers: auth('supervisor') })).json()
      expect(own.isDefault).toBe(true)
      const body = { warnBefore: own.warnBefore, reporting: own.reporting, ladder: own.ladder, noticeReplyWorkingDays: own.noticeReplyWorkingDays, reportGraceWorkingDays: own.reportGraceWorkingDays }
      for (const [field, value] of [['warnBefore', own.warnBefore + 4], ['reporting', { every: 'month', day: 25 }], ['reportGraceWorkingDays', own.reportGraceWorkingDays + 1]] as const) {
        const res = await t.app.inject({ method: 'PUT', url, headers: auth('admin'), payload: { ...body, [field]: value } })
        expect([field, res.statusCode, res.json().error?.code, res.json().error?.where]).toEqual([field, 400, 'DUBAN_ERR_SUPERVISION_CONFIG_INVALID', field])
        expect(res.json().error.message).toContain('no supervised clock')
      }
      expect((await t.app.inject({ method: 'GET', url, headers: auth('supervisor') })).json().isDefault).toBe(true)
      const longer = { ...body, noticeReplyWorkingDays: own.noticeReplyWorkingDays + 1 }
      const ok = await t.app.inject({ method: 'PUT', url, headers: auth('admin'), payload: longer })
      expect(ok.statusCode, ok.body).toBe(200)
      expect(ok.json()).toMatchObject({ isDefault: false, noticeReplyWorkingDays: own.noticeReplyWorkingDays + 1 })
    })

    it('warns first on the 调休 Saturday before a due date after the Spring Festival', async () => {
      await insertItem(t.db, { id: 'warn1', title: '春节后到期任务', due: '2026-02-24', lead: 'sjj', createdAt: '2026-01-05T09:00:00+08:00' })
      // Friday 02-13: the next working day is Saturday 02-14 (调休), not yet the due date.
      expect(await superviseTick(t.deps, at('2026-02-13T09:00:00'))).toMatchObject({ warned: 0 })
      // Saturday 02-14 is a working day and the last one before 02-24: one working day left.
      expect(await superviseTick(t.deps, at('2026-02-14T09:00:00'))).toMatchObject({ warned: 1 })
      expect(await superviseTick(t.deps, at('2026-02-14T09:00:00'))).toEqual(none)
      expect(await superviseTick(t.deps, at('2026-02-20T09:00:00'))).toMatchObject({ warned: 0 })
      t.clock.set('2026-02-14T10:00:00+08:00')
      const mine = await t.app.inject({ method: 'GET', url: '/api/notifications', headers: auth('liaison-sjj') })
      expect(mine.json().map((n: { type: string; body: string }) => [n.type, n.body])).toContainEqual(['item.due_soon', expect.stringContaining('还剩1个工作日')])
      const other = await t.app.inject({ method: 'GET', url: '/api/notifications', headers: auth('liaison-dh') })
      expect(other.json()).toEqual([])
      await t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE id = 'warn1'")
    })

    it('walks the ladder one step at a time on the right working day, 调休 counted, each step once', async () => {
      await insertItem(t.db, { id: 'late1', title: '节前到期任务', due: '2026-02-13', lead: 'sjj', responsible: ['dh'] })
      const raised: Record<string, string[]> = {}
      for (let day = new Date('2026-02-13T09:00:00+08:00'); day <= new Date('2026-03-03T09:00:00+08:00'); day = new Date(day.getTime() + 86_400_000)) {
        const label = new Date(day.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
        t.clock.set(day)
        const first = await superviseTick(t.deps, day)
        expect(await superviseTick(t.deps, day)).toEqual(none)
        if (first.escalated > 0) raised[label] = (await listActions(t.db, 'late1')).filter((a) => a.action === 'escalate' && a.at === day.toISOString()).map((a) => a.step!)
      }
      expect(raised).toEqual({
        '2026-02-14': ['remind'], // the due day ended
        '2026-02-15': ['notice'], // one working day after due is Saturday 02-14 (调休), not 02-24
        '2026-02-25': ['interview'], // 2 working days: 02-14, 02-24
        '2026-02-26': ['bulletin'],
        '2026-03-01': ['accountability'], // the 6th working day is Saturday 02-28 (调休)
      })
      t.clock.set('2026-03-02T10:00:00+08:00') // back inside the sessions' lifetime
      const notices = await t.app.inject({ method: 'GET', url: '/api/supervision/notices?itemId=late1', headers: auth('supervisor') })
      expect(notices.json()).toHaveLength(1)
      expect(notices.json()[0]).toMatchObject({
        number: '督办〔2026〕1号',
        origin: 'ladder',
        unitIds: ['sjj', 'dh'],
        // issued Sunday 02-15: five working days are 02-24 … 02-27 and the 调休 Saturday 02-28
        replyDue: '2026-02-28',
      })
      const audit = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'supervision.escalate' AND entity_id = 'late1'")
      expect(audit.rows[0]!.n).toBe(5)
      await t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE id = 'late1'")
    })

    it('stops supervising once completion is submitted', async () => {
      await insertItem(t.db, { id: 'sub1', title: '已报办结', due: '2026-02-13', lead: 'sjj', submittedAt: '2026-02-12T10:00:00+08:00' })
      expect(await superviseTick(t.deps, at('2026-03-10T09:00:00'))).toEqual(none)
      await t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE id = 'sub1'")
    })

    it('tells a unit once on the due day: the ladder\'s 提醒 when a step falls on it, else the 逾期 notice', async () => {
      const told = async (id: string) =>
        (await t.db.query<{ type: string }>(`SELECT type FROM notification WHERE item_id = $1 AND (unit_id = 'sjj' OR role = 'supervisor') ORDER BY type`, [id])).rows.map((r) => r.type)
      // The ladder stored above starts with 提醒 at the due day itself: that is the one notice, to the unit and the supervisors.
      await insertItem(t.db, { id: 'dueday1', title: '当日到期任务', due: '2026-04-07', lead: 'sjj' })
      expect(await superviseTick(t.deps, at('2026-04-08T09:00:00'))).toMatchObject({ overdue: 1, escalated: 1 })
      expect(await told('dueday1')).toEqual(['escalation.raised', 'escalation.raised'])
      await t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE id = 'dueday1'")
      // A ladder whose first step is a working day later: on the due day the 逾期 notice alone.
      const later = { ...ladder, ladder: ladder.ladder.slice(1) }
      expect((await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('admin'), payload: later })).statusCode).toBe(200)
      await insertItem(t.db, { id: 'dueday2', title: '次日督办任务', due: '2026-04-08', lead: 'sjj' })
      expect(await superviseTick(t.deps, at('2026-04-09T09:00:00'))).toMatchObject({ overdue: 1, escalated: 0 })
      expect(await told('dueday2')).toEqual(['item.overdue', 'item.overdue'])
      expect((await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('admin'), payload: ladder })).statusCode).toBe(200)
      await t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE id = 'dueday2'")
    })

    it('reminds a unit that missed the monthly report by the 25th, once, and not one that reported', async () => {
      t.clock.set('2026-03-02T10:00:00+08:00')
      const put = await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('admin'), payload: { ...ladder, reporting: { every: 'month', day: 25 } } })
      expect(put.statusCode, put.body).toBe(200)
      await insertItem(t.db, { id: 'rep1', title: '未报进展', due: '2026-12-31', lead: 'sjj', createdAt: '2026-03-02T09:00:00+08:00' })
      await insertItem(t.db, { id: 'rep2', title: '已报进展', due: '2026-12-31', lead: 'wjw', createdAt: '2026-03-02T09:00:00+08:00' })
      await insertReport(t.db, { id: 'r1', itemId: 'rep2', unitId: 'wjw', at: '2026-03-24T16:00:00+08:00', period: '2026-03' })
      expect(await superviseTick(t.deps, at('2026-03-25T20:00:00'))).toMatchObject({ reportsMissing: 0 })
      expect(await superviseTick(t.deps, at('2026-03-26T08:00:00'))).toMatchObject({ reportsMissing: 1 })
      expect(await superviseTick(t.deps, at('2026-03-27T08:00:00'))).toMatchObject({ reportsMissing: 0 })
      const actions = await listActions(t.db, 'rep1')
      expect(actions.map((a) => [a.action, a.ref])).toEqual([['report_missing', '2026-03-25']])
      expect(await listActions(t.db, 'rep2')).toEqual([])
      await t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE id IN ('rep1','rep2')")
    })

    it('issues, lists and takes one reply to a 督办单, only from an addressed unit', async () => {
      await insertItem(t.db, { id: 'n1', title: '营商环境专项', due: '2026-06-30', lead: 'sjj' })
      t.clock.set('2026-02-14T10:00:00+08:00') // a 调休 Saturday
      const res = await t.app.inject({ method: 'POST', url: '/api/supervision/notices', headers: auth('supervisor'), payload: { itemId: 'n1', reason: '进度滞后', replyWorkingDays: 1 } })
      expect(res.statusCode).toBe(201)
      const notice = res.json()
      // the next working day after Saturday 02-14 is 02-24, after the Spring Festival
      expect(notice).toMatchObject({ number: '督办〔2026〕2号', unitIds: ['sjj'], replyDue: '2026-02-24', status: 'issued', origin: 'manual' })
      expect((await t.app.inject({ method: 'POST', url: '/api/supervision/notices', headers: auth('liaison-sjj'), payload: { itemId: 'n1', reason: 'x', replyWorkingDays: 1 } })).statusCode).toBe(403)
      const seen = await t.app.inject({ method: 'GET', url: '/api/supervision/notices', headers: auth('liaison-dh') })
      expect(seen.json().map((n: { number: string }) => n.number)).not.toContain('督办〔2026〕2号')
      const wrong = await t.app.inject({ method: 'POST', url: `/api/supervision/notices/${notice.id}/reply`, headers: auth('liaison-dh'), payload: { text: '不是我们的' } })
      expect(wrong.statusCode).toBe(403)
      t.clock.set('2026-02-25T10:00:00+08:00')
      const reply = await t.app.inject({ method: 'POST', url: `/api/supervision/notices/${notice.id}/reply`, headers: auth('liaison-sjj'), payload: { text: '已制定整改方案，3月底前完成' } })
      expect(reply.statusCode).toBe(200)
      expect(reply.json()).toMatchObject({ status: 'replied', repliedUnitId: 'sjj', overdue: true })
      const again = await t.app.inject({ method: 'POST', url: `/api/supervision/notices/${notice.id}/reply`, headers: auth('liaison-sjj'), payload: { text: '再次回复' } })
      expect(again.statusCode).toBe(409)
      expect(again.json().error.code).toBe('DUBAN_ERR_NOTICE_REPLY_CONFLICT')
      const sup = await t.app.inject({ method: 'GET', url: '/api/notifications', headers: auth('supervisor') })
      expect(sup.json().map((n: { type: string }) => n.type)).toContain('notice.replied')
    })

    describe('webhooks', () => {
      let server: Server
      let url: string
      const received: { headers: IncomingHttpHeaders; body: string }[] = []
      let failNext = 1

      beforeAll(async () => {
        server = createServer((req, res) => {
          let body = ''
          req.on('data', (c: Buffer) => (body += c.toString('utf8')))
          req.on('end', () => {
            received.push({ headers: req.headers, body })
            res.statusCode = failNext-- > 0 ? 500 : 200
            res.end()
          })
        })
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
      })
      afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())))

      it('delivers a signed event, retries after a 500 on the backoff, and records the delivery', async () => {
        const secret = 'a-shared-secret-of-some-length'
        const create = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: auth('admin'), payload: { url, eventTypes: ['notice.issued'], secret } })
        expect(create.statusCode).toBe(201)
        const sub = create.json()
        expect((await t.app.inject({ method: 'GET', url: '/api/webhooks', headers: auth('admin') })).json()[0]).not.toHaveProperty('secret')
        expect((await t.app.inject({ method: 'GET', url: '/api/webhooks', headers: auth('supervisor') })).statusCode).toBe(403)
        const badUrl = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: auth('admin'), payload: { url: 'ftp://x', eventTypes: ['notice.issued'] } })
        expect(badUrl.json().error).toMatchObject({ code: 'DUBAN_ERR_WEBHOOK_INVALID', where: 'url' })

        t.clock.set('2026-03-02T09:00:00+08:00')
        await t.app.inject({ method: 'POST', url: '/api/supervision/notices', headers: auth('supervisor'), payload: { itemId: 'n1', reason: '再次督办', replyWorkingDays: 3 } })
        expect(await deliverWebhooks(t.deps)).toEqual({ delivered: 0, retried: 1, failed: 0 })
        expect(await deliverWebhooks(t.deps)).toEqual({ delivered: 0, retried: 0, failed: 0 })
        t.clock.advance(60_000)
        expect(await deliverWebhooks(t.deps)).toEqual({ delivered: 1, retried: 0, failed: 0 })
        expect(received).toHaveLength(2)
        const last = received[1]!
        const ts = String(last.headers['x-duban-timestamp'])
        const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${last.body}`).digest('hex')}`
        expect(last.headers['x-duban-signature']).toBe(expected)
        expect(last.headers['x-duban-event']).toBe('notice.issued')
        expect(JSON.parse(last.body)).toMatchObject({ type: 'notice.issued', notice: { number: '督办〔2026〕3号' } })
        expect(received[0]!.body).toBe(last.body)
        const shown = await t.app.inject({ method: 'GET', url: `/api/webhooks/${sub.id}`, headers: auth('admin') })
        expect(shown.json().deliveries).toMatchObject([{ status: 'delivered', attempts: 2, last_status: 200 }])
        // Delivered: nothing is scheduled any more (not the lease of the attempt that succeeded).
        expect(shown.json().deliveries[0].next_attempt_at).toBeNull()
        const del = await t.app.inject({ method: 'DELETE', url: `/api/webhooks/${sub.id}`, headers: auth('admin') })
        expect(del.statusCode).toBe(204)
      })
    })

    describe('every clock the kind declares, on the kind’s own configuration', () => {
      beforeAll(async () => {
        await t.db.query('DELETE FROM supervision_config')
        await t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE state_type <> 'closed'")
      })
      const close = (ids: string[]) => t.db.query("UPDATE item SET state_type = 'closed', closed_at = now() WHERE id = ANY($1::text[])", [ids])
      const events = async (id: string) =>
        (await t.db.query<{ event: string; actor_role: string }>('SELECT event, actor_role FROM item_event WHERE item_id = $1 ORDER BY seq', [id])).rows.map((r) => [r.event, r.actor_role])

      it('fires the task kind’s 催办 when the 2-working-day accept clock runs out, once, and skips it quietly where the state refuses it', async () => {
        // Dispatched Monday 03-02 09:00: 签收时限 is the end of Wednesday 03-04.
        const dispatched = '2026-03-02T09:00:00+08:00'
        const accept = { startedAt: dispatched, dueAt: '2026-03-04T23:59:59+08:00' }
        await insertItem(t.db, { id: 'acc1', title: '未签收任务', due: '2026-12-31', lead: 'sjj', state: 'dispatched', createdAt: dispatched, acceptClock: accept })
        // Returned to the centre with its accept clock (artificially) still running: 催办 is not allowed there.
        await insertItem(t.db, { id: 'acc2', title: '已退单任务', due: '2026-12-31', lead: 'dh', state: 'returned_by_unit', createdAt: dispatched, acceptClock: accept })
        expect(await superviseTick(t.deps, at('2026-03-04T20:00:00'))).toEqual(none)
        expect(await superviseTick(t.deps, at('2026-03-05T09:00:00'))).toEqual({ ...none, expired: 2 })
        expect(await superviseTick(t.deps, at('2026-03-05T09:00:00'))).toEqual(none)
        expect(await superviseTick(t.deps, at('2026-03-06T09:00:00'))).toEqual(none)
        expect(await events('acc1')).toEqual([['remind', 'system']])
        expect(await events('acc2')).toEqual([])
        const snap = await t.db.query<{ snapshot: unknown; state: string }>("SELECT snapshot, state FROM item WHERE id = 'acc1'")
        const snapshot = (typeof snap.rows[0]!.snapshot === 'string' ? JSON.parse(snap.rows[0]!.snapshot) : snap.rows[0]!.snapshot) as { counters: Record<string, number> }
        expect(snap.rows[0]!.state).toBe('dispatched')
        expect(snapshot.counters['reminders']).toBe(1)
        const notes = await t.db.query<{ item_id: string; type: string; unit_id: string | null; body: string }>(
          "SELECT item_id, type, unit_id, body FROM notification WHERE item_id IN ('acc1','acc2') ORDER BY item_id",
        )
        expect(notes.rows.map((n) => [n.item_id, n.type, n.unit_id])).toEqual([['acc1', 'clock.expired', 'sjj'], ['acc2', 'clock.expired', 'dh']])
        expect(notes.rows[0]!.body).toContain('签收时限（2026-03-04 23:59）')
        expect((await listActions(t.db, 'acc1')).map((a) => [a.action, a.ref])).toEqual([['overdue', '2026-03-04T23:59:59+08:00']])
        await close(['acc1', 'acc2'])
      })

      it('counts an item dispatched already past its due date as late from dispatch: 提醒 now, 督办单 3 working days later', async () => {
        // Due Monday 03-02, dispatched Tuesday 03-10 10:00.
        await insertItem(t.db, { id: 'pd1', title: '交办时已过期', due: '2026-03-02', lead: 'wjw', createdAt: '2026-03-10T10:00:00+08:00' })
        expect(await superviseTick(t.deps, at('2026-03-10T11:00:00'))).toEqual({ ...none, overdue: 1, escalated: 1 })
        // The end of the 3rd working day after 03-10 is Friday 03-13 (against the due date it was 03-05).
        expect(await superviseTick(t.deps, at('2026-03-13T23:00:00'))).toEqual(none)
        expect(await superviseTick(t.deps, at('2026-03-14T00:30:00'))).toEqual({ ...none, escalated: 1, notices: 1 })
        expect((await listActions(t.db, 'pd1')).filter((a) => a.action === 'escalate').map((a) => [a.step, a.at])).toEqual([
          ['remind', '2026-03-10T03:00:00.000Z'],
          ['supervision_notice', '2026-03-13T16:30:00.000Z'],
        ])
        await close(['pd1'])
      })

      it('expects the first progress report on the first cadence date 5 working days after dispatch, a grace an admin can change', async () => {
        const def = await t.db.query("SELECT 1 FROM supervision_config")
        expect(def.rows).toEqual([])
        // Dispatched Monday 11-23: 11-25 is two days later, so the first report is due 12-25.
        await insertItem(t.db, { id: 'g1', title: '新交办任务', due: '2026-12-31', lead: 'sjj', createdAt: '2026-11-23T10:00:00+08:00' })
        expect(await superviseTick(t.deps, at('2026-11-26T09:00:00'))).toEqual(none)
        expect(await superviseTick(t.deps, at('2026-12-26T09:00:00'))).toMatchObject({ reportsMissing: 1 })
        expect((await listActions(t.db, 'g1')).map((a) => [a.action, a.ref])).toEqual([['report_missing', '2026-12-25']])
        await close(['g1'])

        t.clock.set('2026-11-26T09:00:00+08:00')
        tokens['admin'] = await t.login('admin')
        const shown = await t.app.inject({ method: 'GET', url: '/api/supervision/ladder?kind=task', headers: auth('admin') })
        const { isDefault, kind: _kind, ...current } = shown.json() as Record<string, unknown>
        expect({ isDefault, ...current }).toMatchObject({ isDefault: true, reportGraceWorkingDays: 5 })
        const bad = await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('admin'), payload: { ...current, reportGraceWorkingDays: -1 } })
        expect(bad.json().error).toMatchObject({ code: 'DUBAN_ERR_SUPERVISION_CONFIG_INVALID', where: 'reportGraceWorkingDays' })
        const put = await t.app.inject({ method: 'PUT', url: '/api/supervision/ladder?kind=task', headers: auth('admin'), payload: { ...ladder, reporting: { every: 'month', day: 25 }, reportGraceWorkingDays: 1 } })
        expect(put.json()).toMatchObject({ reportGraceWorkingDays: 1 })
        // With one working day of grace, 11-25 (from 11-24 on) is expected of an item dispatched 11-23.
        await insertItem(t.db, { id: 'g2', title: '新交办任务（宽限1日）', due: '2026-12-31', lead: 'sjj', createdAt: '2026-11-23T10:00:00+08:00' })
        expect(await superviseTick(t.deps, at('2026-11-26T09:00:00'))).toMatchObject({ reportsMissing: 1 })
        expect((await listActions(t.db, 'g2')).map((a) => [a.action, a.ref])).toEqual([['report_missing', '2026-11-25']])
        await close(['g2'])
      })
    })
  })
}
