/**
 * A refusal names the field at fault by its Chinese name (字段中文名), not its JSON property: `messageZh` ends in
 * `（答复内容）`, not `（payload.text）`, and `field` carries the name (src/domain/field-labels.ts, a kind's own
 * labels first). Many refusals across the API — the engine's, the payload rules', the schemas', the use-cases' —
 * each checked: its message names a Chinese field, holds no JSON path, and `where` still gives the path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'

const LIMITS = { urgent: { unit: 'working_hours', amount: 2 }, pressing: { unit: 'working_hours', amount: 24 }, normal: { unit: 'working_days', amount: 7 }, consultation: { unit: 'working_days', amount: 1 } }

describe('refusals name the field in Chinese (pglite)', () => {
  let t: TestApp
  const tokens: Record<string, string> = {}
  const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })
  let ticket = ''

  beforeAll(async () => {
    t = await startTestApp('pglite')
    await t.seedUsers()
    await saveUnit(t.deps, null, { id: 'rx', name: '青川市12345热线中心', parentId: 'city', level: 'department', function: null, aliases: [] })
    await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'rx' })
    for (const [code, parent, level, name, limits] of [['09', null, 1, '政策咨询', LIMITS], ['09.01', '09', 2, '社会保障', null], ['09.01.01', '09.01', 3, '社保咨询', null]] as const) {
      await t.db.query(`INSERT INTO service_category (code, version, parent_code, level, name, time_limits, function, township_duty) VALUES ($1, 1, $2, $3, $4, $5::jsonb, NULL, false)`, [code, parent, level, name, limits === null ? null : JSON.stringify(limits)])
    }
    t.clock.set('2026-03-02T09:00:00+08:00')
    for (const u of ['operator', 'supervisor', 'admin', 'leader', 'liaison-sjj']) tokens[u] = await t.login(u)
    const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: auth('operator'), payload: { requestType: 'consultation', categoryCode: '09.01.01', urgency: 'normal', anonymous: true, content: '社保卡补办需要带什么材料？' } })
    expect(res.statusCode, res.body).toBe(201)
    ticket = res.json().id
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  type Case = { name: string; who: string | null; method: 'GET' | 'POST' | 'PUT' | 'PATCH'; url: () => string; payload?: unknown; field: string }
  const cases: Case[] = [
    { name: 'login without a user name', who: null, method: 'POST', url: () => '/api/auth/login', payload: { password: 'x' }, field: '用户名' },
    { name: 'a ticket answered without its answer (the kind names text 答复内容)', who: 'operator', method: 'POST', url: () => `/api/tickets/${ticket}/events`, payload: { event: 'answer_directly', payload: {} }, field: '答复内容' },
    { name: 'a ticket answer too long', who: 'operator', method: 'POST', url: () => `/api/tickets/${ticket}/events`, payload: { event: 'answer_directly', payload: { text: '长'.repeat(20_001) } }, field: '答复内容' },
    { name: 'a ticket answer that is no text', who: 'operator', method: 'POST', url: () => `/api/tickets/${ticket}/events`, payload: { event: 'answer_directly', payload: { text: 42 } }, field: '答复内容' },
    { name: 'a ticket dispatched to no unit that exists', who: 'operator', method: 'POST', url: () => `/api/tickets/${ticket}/events`, payload: { event: 'dispatch', payload: { lead: 'nowhere' } }, field: '承办单位' },
    { name: 'an intake without its content', who: 'operator', method: 'POST', url: () => '/api/tickets', payload: { requestType: 'consultation', categoryCode: '09.01.01', urgency: 'normal', anonymous: true }, field: '诉求内容' },
    { name: 'an intake of an unknown category', who: 'operator', method: 'POST', url: () => '/api/tickets', payload: { requestType: 'consultation', categoryCode: '99.99.99', urgency: 'normal', anonymous: true, content: '咨询' }, field: '诉求分类' },
    { name: 'an intake of an unknown request type', who: 'operator', method: 'POST', url: () => '/api/tickets', payload: { requestType: 'gossip', categoryCode: '09.01.01', urgency: 'normal', anonymous: true, content: '咨询' }, field: '诉求类型' },
    { name: 'a ladder step without a name', who: 'admin', method: 'PUT', url: () => '/api/supervision/ladder?kind=task', payload: { ladder: [{ name: 'remind', label: '提醒', afterDueWorkingDays: 0 }, { label: '督办单', afterDueWorkingDays: 3, action: 'notice' }] }, field: '升级梯度第2项的名称' },
    { name: 'a warning window out of range', who: 'admin', method: 'PUT', url: () => '/api/supervision/ladder?kind=task', payload: { warnBefore: 99, ladder: [{ name: 'remind', label: '提醒', afterDueWorkingDays: 0 }] }, field: '临期提醒' },
    { name: 'a reporting cadence on no day', who: 'admin', method: 'PUT', url: () => '/api/supervision/ladder?kind=task', payload: { reporting: { every: 'month', day: 40 }, ladder: [{ name: 'remind', label: '提醒', afterDueWorkingDays: 0 }] }, field: '报送频次的报送日' },
    { name: 'a unit without a name', who: 'admin', method: 'POST', url: () => '/api/units', payload: { id: 'zz', parentId: 'city', level: 'department' }, field: '名称' },
    { name: 'a user without a password', who: 'admin', method: 'POST', url: () => '/api/users', payload: { username: 'someone', displayName: '某人', role: 'leader' }, field: '密码' },
    { name: 'a webhook to no address', who: 'admin', method: 'POST', url: () => '/api/webhooks', payload: { url: 'not a url', eventTypes: ['item.overdue'] }, field: '地址' },
    { name: 'an assessment of no period', who: 'leader', method: 'GET', url: () => '/api/assessment?period=2026-13', field: '考核周期' },
    { name: 'hotline KPIs from no date', who: 'leader', method: 'GET', url: () => '/api/hotline/kpis?from=yesterday', field: '起始时间' },
    { name: 'a 督办单 with no reply time', who: 'supervisor', method: 'POST', url: () => '/api/supervision/notices', get payload() { return { itemId: ticket, reason: '请加快办理', replyWorkingDays: 0, unitIds: ['sjj'] } }, field: '回复时限' },
    { name: 'a calendar year with a holiday on no date', who: 'admin', method: 'PUT', url: () => '/api/calendar/2031', payload: { year: 2031, source: '国办发明电〔2030〕1号', holidays: [{ name: '元旦', dates: ['2031-13-01'] }], adjustedWorkdays: [] }, field: '节假日第1项的日期第1项' },
    { name: 'a calendar year without its notice number', who: 'admin', method: 'PUT', url: () => '/api/calendar/2031', payload: { year: 2031, holidays: [{ name: '元旦', dates: ['2031-01-01'] }], adjustedWorkdays: [] }, field: '发文字号' },
  ]

  it(`names the field in Chinese in each of ${cases.length} refusals, with no JSON path in the message`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(15)
    const seen: string[] = []
    for (const c of cases) {
      const res = await t.app.inject({ method: c.method, url: c.url(), headers: c.who ? auth(c.who) : {}, ...(c.payload === undefined ? {} : { payload: c.payload as object }) })
      const error = res.json().error as { code: string; where: string | null; field: string | null; messageZh: string }
      seen.push(`${c.name}: ${res.statusCode} ${JSON.stringify(error)}`)
      expect(res.statusCode, `${c.name}: ${res.body.slice(0, 400)}`).toBe(400)
      expect(error.field, `${c.name}: ${JSON.stringify(error)}`).toContain(c.field)
      expect(error.messageZh, c.name).toContain(`${c.field}`)
      // No JSON property in the message: not the path, no camelCase name, no dotted or slashed path (a format hint such as YYYY-MM may stay).
      expect(error.where, c.name).toBeTruthy()
      expect(error.messageZh, c.name).not.toContain(`（${error.where}`)
      expect(error.messageZh.match(/[a-z][A-Z]|[A-Za-z][./][A-Za-z]|\b(?:body|payload|querystring)\b/g) ?? [], `${c.name}: ${error.messageZh}`).toEqual([])
    }
  })
})
