/**
 * Shared work end to end over HTTP (issue 8.2 and its acceptance), on every test dialect: a plan whose task has two
 * 牵头单位 (市场监管局, 卫健委), a 责任单位 (东湖区) and the collective tag 各街道 is imported; the clerk sees 各街道 would
 * expand into the three 街道 of the tree and chooses to expand it; confirming makes the task and one copy per 街道
 * (分解落实). Each lead accepts and reports for itself (the task advances when the last one has), the 责任单位 reports
 * its share, each 街道 accepts and reports its copy; the parent shows who has reported and its copies' progress;
 * every unit got every notification the kind declares for the events taken — in the app, by SMTP to a local server
 * and at a fake SMS gateway; and the assessment equals the figures worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { taskKind } from '../../src/domain/kinds/task.kind.ts'
import { deliverChannels } from '../../src/app/notifications/deliver-channels.ts'
import { startChannelFakes, type ChannelFakes } from '../support/channel-fakes.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const PLAN = `青川市2026年重点工作要点
一、重点任务
（一）开展食品安全示范创建。创建食品安全示范街道3个以上。（牵头单位：青川市市场监督管理局、青川市卫生健康委员会；责任单位：东湖区、各街道。完成时间：2026年6月30日前）
`

/** The units and liaisons of the run, by unit id. 各街道 of 青川市: the three 街道 (柳镇 is a 镇, not a 街道). */
const LIAISONS: Record<string, string> = { sjj: 'liaison-sjj', wjw: 'liaison-wjw', dh: 'liaison-dh', 'dh-jb': 'liaison-jb', 'dh-hx': 'liaison-hx', 'xs-ds': 'liaison-ds' }
const NEW_PASSWORD = 'Shared-work-2026!'
const NEW_UNITS = [
  { id: 'dh-hx', name: '湖西街道', parentId: 'dh', level: 'township' },
  { id: 'xs-ds', name: '东山街道', parentId: 'xs', level: 'township' },
  { id: 'xs-lz', name: '柳镇', parentId: 'xs', level: 'township' },
]

/** The notify targets of the task kind's transition for an event from a state: the kind's own declaration. */
function declaredTargets(event: string, from: string): string[] {
  const t = taskKind.transitions.find((x) => x.event === event && x.from.includes(from))
  if (!t) throw new Error(`no transition ${event} from ${from}`)
  return (t.effects ?? []).filter((e) => e.startsWith('notify:')).map((e) => e.slice('notify:'.length))
}

for (const dialect of testDialects()) {
  describe(`shared work: several leads, shares and 分解落实 (${dialect})`, () => {
    let t: TestApp
    let fakes: ChannelFakes
    const token: Record<string, string> = {}
    let planId = ''
    let parentId = ''
    let parentNumber = ''
    const childOf: Record<string, { id: string; number: string }> = {}
    /** Every unit notification the kind declares for the events taken, as `unit → [event label：number]`. */
    const expected: Record<string, string[]> = {}
    /** Units an item's notify targets mean: lead(s), or lead(s) and the other assignees. */
    const itemUnits: Record<string, { leads: string[]; others: string[] }> = {}

    const call = async (who: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token[who]}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
      expect(res.statusCode, `${who} ${method} ${url}: ${res.body}`).toBeLessThan(300)
      return res.json()
    }
    const refused = async (who: string, method: 'POST' | 'PUT', url: string, payload: unknown) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token[who]}` }, payload: payload as object })
      return { status: res.statusCode, code: (res.json() as { error?: { code?: string } }).error?.code }
    }
    /** Takes an event as `who` and notes the notifications the kind declares for it. */
    const take = async (who: string, itemId: string, number: string, event: string, payload: Record<string, unknown> = {}) => {
      const before = await call(who, 'GET', `/api/items/${itemId}`)
      const res = await call(who, 'POST', `/api/items/${itemId}/events`, { event, payload })
      const label = taskKind.events[event]!.label
      for (const target of declaredTargets(event, before.state)) {
        const u = itemUnits[itemId]!
        const units = target === 'lead' ? u.leads : target === 'assignees' ? [...u.leads, ...u.others] : []
        for (const unit of units) (expected[unit] ??= []).push(`${label}：${number}`)
      }
      return res
    }

    /** Moves the clock (sessions expire meanwhile) and signs everyone in again. */
    const setClock = async (at: string) => {
      t.clock.set(new Date(at))
      for (const who of Object.keys(token)) token[who] = await t.login(who, who.startsWith('liaison-') && !['liaison-sjj', 'liaison-jb', 'liaison-dh'].includes(who) ? NEW_PASSWORD : undefined)
    }

    beforeAll(async () => {
      fakes = await startChannelFakes('青川督办')
      t = await startTestApp(dialect)
      await t.seedUsers()
      for (const who of ['admin', 'supervisor', 'liaison-sjj', 'liaison-jb', 'liaison-dh']) token[who] = await t.login(who)
      for (const u of NEW_UNITS) await call('admin', 'POST', '/api/units', { ...u, function: null, aliases: [] })
      for (const [unitId, username] of Object.entries(LIAISONS)) {
        let user = (await call('admin', 'GET', '/api/users')).find((x: { username: string }) => x.username === username)
        user ??= await call('admin', 'POST', '/api/users', { username, displayName: username, password: NEW_PASSWORD, role: 'unit_liaison', unitId })
        await call('admin', 'PUT', `/api/users/${user.id}/contact`, { email: `${unitId}@qingchuan.example`, phone: `1380000${String(Object.keys(LIAISONS).indexOf(unitId)).padStart(4, '0')}` })
        token[username] ??= await t.login(username, NEW_PASSWORD)
      }
    }, 300_000)

    afterAll(async () => {
      await t?.close()
      await fakes?.close()
    })

    it('the clerk sees 各街道 and what it expands into, and must choose before confirming', async () => {
      const plan = await call('supervisor', 'POST', '/api/plans', { fileName: 'plan.txt', contentBase64: Buffer.from(PLAN).toString('base64') })
      planId = plan.id
      const item = plan.items.find((i: { title: string }) => i.title === '开展食品安全示范创建')
      expect(item.units.lead.map((u: { unitId: string }) => u.unitId)).toEqual(['sjj', 'wjw'])
      expect(item.units.responsible.map((u: { raw: string }) => u.raw)).toEqual(['东湖区', '各街道'])

      const collectives = await call('supervisor', 'GET', `/api/plans/${planId}/collectives`)
      expect(collectives).toHaveLength(1)
      expect(collectives[0]).toMatchObject({ raw: '各街道', roles: ['responsible'], items: [item.n], choice: null, expandedTo: [] })
      // Under 青川市: its 街道 are proposed (the import may propose every 乡镇街道; the clerk narrows to the 街道 below).
      expect(collectives[0].proposal.under).toEqual({ unitId: 'city', name: '青川市' })
      expect(collectives[0].proposal.units).toEqual(expect.arrayContaining([{ unitId: 'xs-ds', name: '东山街道' }, { unitId: 'dh-jb', name: '江滨街道' }, { unitId: 'dh-hx', name: '湖西街道' }]))
      const streets = (collectives[0].proposal.units as { unitId: string; name: string }[]).filter((u) => u.name.endsWith('街道')).sort((a, b) => (a.name < b.name ? -1 : 1))
      // Bad choices change nothing.
      expect(await refused('supervisor', 'PUT', `/api/plans/${planId}/collectives`, { raw: '青川市市场监督管理局', expand: true })).toEqual({ status: 400, code: 'DUBAN_ERR_COLLECTIVE_UNKNOWN' })
      expect(await refused('supervisor', 'PUT', `/api/plans/${planId}/collectives`, { raw: '各社区', expand: true })).toEqual({ status: 400, code: 'DUBAN_ERR_VALIDATION' })
      expect(await refused('supervisor', 'PUT', `/api/plans/${planId}/collectives`, { raw: '各街道', expand: true, unitIds: ['nope'] })).toEqual({ status: 400, code: 'DUBAN_ERR_VALIDATION' })
      expect(await refused('liaison-sjj', 'PUT', `/api/plans/${planId}/collectives`, { raw: '各街道', expand: true })).toEqual({ status: 403, code: 'DUBAN_ERR_FORBIDDEN' })
      expect((await call('supervisor', 'GET', `/api/plans/${planId}/collectives`))[0].choice).toBeNull()

      // 东湖区 is one unit: the clerk maps it; 各街道 is expanded.
      await call('supervisor', 'PATCH', `/api/plans/${planId}`, { mappings: [{ raw: '东湖区', unitId: 'dh' }] })
      const chosen = await call('supervisor', 'PUT', `/api/plans/${planId}/collectives`, { raw: '各街道', expand: true, unitIds: streets.map((u) => u.unitId) })
      expect(chosen.summary.problems).toEqual([])
      expect(chosen.items.find((i: { n: number }) => i.n === item.n).units.responsible[1]).toMatchObject({ raw: '各街道', unitId: null, expand: { units: [{ unitId: 'xs-ds' }, { unitId: 'dh-jb' }, { unitId: 'dh-hx' }] } })
      expect((await call('supervisor', 'GET', `/api/plans/${planId}/collectives`))[0]).toMatchObject({ choice: 'expand', expandedTo: [{ unitId: 'xs-ds' }, { unitId: 'dh-jb' }, { unitId: 'dh-hx' }] })
    })

    it('confirming makes the task with two leads and one copy per 街道, each told at once', async () => {
      const confirmed = await call('supervisor', 'POST', `/api/plans/${planId}/confirm`)
      expect(confirmed.tasks).toHaveLength(1)
      const task = confirmed.tasks[0]
      parentId = task.id
      parentNumber = task.number
      expect(task.children.map((c: { unitId: string; number: string }) => [c.unitId, c.number])).toEqual([
        ['xs-ds', `${parentNumber}-01`],
        ['dh-jb', `${parentNumber}-02`],
        ['dh-hx', `${parentNumber}-03`],
      ])
      for (const c of task.children) childOf[c.unitId] = { id: c.id, number: c.number }
      itemUnits[parentId] = { leads: ['sjj', 'wjw'], others: ['dh'] }
      for (const [unit, c] of Object.entries(childOf)) itemUnits[c.id] = { leads: [unit], others: [] }
      // 交办 (dispatch) was taken on each; its declared notifications:
      for (const target of declaredTargets('dispatch', 'confirmed')) {
        for (const [id, u] of Object.entries(itemUnits)) {
          const number = id === parentId ? parentNumber : Object.values(childOf).find((c) => c.id === id)!.number
          for (const unit of target === 'assignees' ? [...u.leads, ...u.others] : target === 'lead' ? u.leads : []) (expected[unit] ??= []).push(`交办：${number}`)
        }
      }

      const parent = await call('supervisor', 'GET', `/api/items/${parentId}`)
      // Leads by name (青川市卫生健康委员会 sorts before 青川市市场监督管理局); 各街道 is not the parent's: it went to the copies.
      expect(parent.units.map((u: { unitId: string; role: string }) => `${u.role}:${u.unitId}`)).toEqual(['lead:wjw', 'lead:sjj', 'responsible:dh'])
      expect(parent.children).toMatchObject({ total: 3, done: 0 })
      const child = await call('liaison-jb', 'GET', `/api/items/${childOf['dh-jb']!.id}`)
      expect(child).toMatchObject({ state: 'dispatched', dueDate: '2026-06-30', title: parent.title, parent: { id: parentId, number: parentNumber } })
      expect(child.units).toEqual([{ unitId: 'dh-jb', unitName: '江滨街道', role: 'lead' }])
      // A 街道 sees its copy, not the parent (it is not one of the parent's units).
      const hidden = await t.app.inject({ method: 'GET', url: `/api/items/${parentId}`, headers: { authorization: `Bearer ${token['liaison-jb']}` } })
      expect(hidden.statusCode).toBe(404)
      for (const username of Object.values(LIAISONS)) expect((await call(username, 'GET', '/api/notifications/unread-count')).unread, username).toBe(1)
    })

    it('each lead accepts for itself; the task is 办理中 once both have', async () => {
      const first = await take('liaison-sjj', parentId, parentNumber, 'accept')
      expect(first.state).toBe('dispatched')
      expect(first.event.payload.share).toEqual({ unitId: 'sjj', waitingFor: ['wjw'] })
      expect(await refused('liaison-sjj', 'POST', `/api/items/${parentId}/events`, { event: 'accept', payload: {} })).toEqual({ status: 409, code: 'DUBAN_ERR_SHARE_CONFLICT' })
      // 签收 is no longer offered to the lead that took it, still to the other.
      expect((await call('liaison-sjj', 'GET', `/api/items/${parentId}`)).availableEvents.map((e: { event: string }) => e.event)).not.toContain('accept')
      expect((await call('liaison-wjw', 'GET', `/api/items/${parentId}`)).availableEvents.map((e: { event: string }) => e.event)).toContain('accept')
      // The responsible unit is not an owner: it cannot accept.
      expect(await refused('liaison-dh', 'POST', `/api/items/${parentId}/events`, { event: 'accept', payload: {} })).toEqual({ status: 403, code: 'DUBAN_ERR_NOT_ASSIGNEE' })
      const second = await take('liaison-wjw', parentId, parentNumber, 'accept')
      expect(second.state).toBe('accepted')
      const parent = await call('supervisor', 'GET', `/api/items/${parentId}`)
      const shares = Object.fromEntries(parent.shares.map((s: { unitId: string }) => [s.unitId, s]))
      expect(shares.sjj.acceptedAt).not.toBeNull()
      expect(shares.wjw.acceptedAt).not.toBeNull()
      expect(shares.dh).toMatchObject({ role: 'responsible', acceptedAt: null, reported: false })
      for (const [unit, c] of Object.entries(childOf)) await take(LIAISONS[unit]!, c.id, c.number, 'accept')
    })

    it('every unit reports its own share; the task shows who has and who has not', async () => {
      const target = (await call('supervisor', 'GET', `/api/items/${parentId}`)).data.targets[0]
      expect(target.comparison).toBe('>=')
      await setClock('2026-03-20T10:00:00+08:00')
      await take('liaison-sjj', parentId, parentNumber, 'report_progress', { text: '已完成首批示范街道评审' })
      await take('liaison-dh', parentId, parentNumber, 'report_progress', { text: '东湖区已部署' })
      let parent = await call('supervisor', 'GET', `/api/items/${parentId}`)
      expect(parent.shares.map((s: { unitId: string; reported: boolean }) => [s.unitId, s.reported])).toEqual([
        ['wjw', false],
        ['sjj', true],
        ['dh', true],
      ])
      expect(parent.reports.map((r: { unitId: string }) => r.unitId)).toEqual(['sjj', 'dh'])
      await take('liaison-ds', childOf['xs-ds']!.id, childOf['xs-ds']!.number, 'report_progress', { text: '东山街道推进中' })
      await setClock('2026-03-27T10:00:00+08:00')
      await take('liaison-wjw', parentId, parentNumber, 'report_progress', { text: '卫健委配合检查' })
      await take('liaison-jb', childOf['dh-jb']!.id, childOf['dh-jb']!.number, 'report_progress', { text: '江滨街道推进中' })
      parent = await call('supervisor', 'GET', `/api/items/${parentId}`)
      expect(parent.shares.every((s: { reported: boolean }) => s.reported)).toBe(true)

      // 2026-04-10: both leads report finished (the task waits for the second), two 街道 finish; 湖西街道 is reminded.
      await setClock('2026-04-10T10:00:00+08:00')
      const met = { [target.metric]: target.value }
      const short = { [target.metric]: target.value - 1 }
      const one = await take('liaison-sjj', parentId, parentNumber, 'submit_completion', { text: '市场监管局部分完成', measures: met })
      expect(one.state).toBe('accepted')
      const both = await take('liaison-wjw', parentId, parentNumber, 'submit_completion', { text: '卫健委部分完成', measures: met })
      expect(both.state).toBe('completion_submitted')
      await take('liaison-ds', childOf['xs-ds']!.id, childOf['xs-ds']!.number, 'submit_completion', { text: '东山街道完成', measures: met })
      await take('liaison-jb', childOf['dh-jb']!.id, childOf['dh-jb']!.number, 'submit_completion', { text: '江滨街道完成', measures: short })
      for (const [id, number] of [[parentId, parentNumber], [childOf['xs-ds']!.id, childOf['xs-ds']!.number], [childOf['dh-jb']!.id, childOf['dh-jb']!.number]] as const) {
        await take('supervisor', id, number, 'approve_completion')
      }
      await take('supervisor', childOf['dh-hx']!.id, childOf['dh-hx']!.number, 'remind', { text: '请抓紧推进' })
    })

    it('the parent shows its copies’ progress: 2 of 3 done, each copy’s state', async () => {
      const parent = await call('supervisor', 'GET', `/api/items/${parentId}`)
      expect(parent.state).toBe('closed')
      expect(parent.children.total).toBe(3)
      expect(parent.children.done).toBe(2)
      expect(parent.children.items.map((c: { unitName: string; state: string }) => [c.unitName, c.state])).toEqual([
        ['东山街道', 'closed'],
        ['江滨街道', 'closed'],
        ['湖西街道', 'accepted'],
      ])
      const sjj = await call('liaison-sjj', 'GET', `/api/items/${parentId}`)
      expect(sjj.shares.filter((s: { role: string }) => s.role === 'lead').every((s: { finishedAt: string | null }) => s.finishedAt !== null)).toBe(true)
    })

    it('every unit got every notification the kind declares: in the app, by e-mail and by SMS', async () => {
      // Computed from the kind's declarations as events were taken: 交办 to every assignee, 验收办结 and 催办 to the lead(s).
      expect(Object.keys(expected).sort()).toEqual(Object.keys(LIAISONS).sort())
      for (const [unit, username] of Object.entries(LIAISONS)) {
        const inbox = await call(username, 'GET', '/api/notifications')
        const got = inbox.map((n: { title: string }) => n.title.replace(/^(.+?：\S+).*$/, '$1')).sort()
        expect(got, username).toEqual([...expected[unit]!].sort())
      }
      const round = await deliverChannels(t.deps, fakes.senders)
      const total = Object.values(expected).reduce((n, l) => n + l.length, 0)
      expect(round).toEqual({ queued: 2 * total, delivered: 2 * total, retried: 0, failed: 0 })
      for (const unit of Object.keys(LIAISONS)) {
        const mails = fakes.mails.filter((m) => m.to.includes(`${unit}@qingchuan.example`)).map((m) => m.subject.replace(/^【督办】(.+?：\S+).*$/, '$1'))
        expect(mails.sort(), unit).toEqual([...expected[unit]!].sort())
        const phone = `1380000${String(Object.keys(LIAISONS).indexOf(unit)).padStart(4, '0')}`
        const texts = fakes.sms.filter((s) => s.body.mobile === phone).map((s) => String(s.body.content).replace(/^【督办】(.+?：\S+).*$/s, '$1'))
        expect(texts.sort(), unit).toEqual([...expected[unit]!].sort())
      }
    })

    it('the assessment counts each unit for the work it owns, as worked out by hand', async () => {
      const a = await call('supervisor', 'GET', '/api/assessment?period=2026&kind=task')
      const row = (unitId: string) => a.rows.find((r: { unitId: string }) => r.unitId === unitId)
      const rate = (r: { numerator: number; denominator: number }) => `${r.numerator}/${r.denominator}`
      // Period 2026, as of 2026-04-10. Every item is due 2026-06-30 and was dispatched 2026-03-02; monthly reports by
      // the 25th are expected from after the first-report grace, to the day before the finish or the assessment:
      // one, 2026-03-25. Weights 按时办结 50, 目标完成 30, 按时报送 20; a rate with nothing to count spreads its weight.
      // 市场监管局 (lead of the task): finished 04-10 ≤ due → 1/1; target met → 1/1; reported 03-20 ≤ 03-25 → 1/1:
      //   100 × (50 + 30 + 20) / 100 = 100.
      expect(row('sjj')).toMatchObject({ items: 1, overdue: 0, score: 100 })
      expect([rate(row('sjj').onTime), rate(row('sjj').targetsMet), rate(row('sjj').reporting)]).toEqual(['1/1', '1/1', '1/1'])
      // 卫健委 (the other lead, a full owner): same finish and targets; its own report came 03-27 > 03-25 → 0/1:
      //   100 × (50 + 30 + 0) / 100 = 80.
      expect(row('wjw')).toMatchObject({ items: 1, overdue: 0, score: 80 })
      expect([rate(row('wjw').onTime), rate(row('wjw').targetsMet), rate(row('wjw').reporting)]).toEqual(['1/1', '1/1', '0/1'])
      // 东湖区 (责任单位): scored on its share only, reporting: 03-20 → 1/1; on-time and targets have nothing to count:
      //   100 × 20 / 20 = 100. It leads nothing: items 0.
      expect(row('dh')).toMatchObject({ items: 0, overdue: 0, score: 100 })
      expect([rate(row('dh').onTime), rate(row('dh').targetsMet), rate(row('dh').reporting)]).toEqual(['0/0', '0/0', '1/1'])
      // 东山街道 (its copy): finished on time 1/1, target met 1/1, reported 03-20 1/1 → 100.
      expect(row('xs-ds')).toMatchObject({ items: 1, score: 100 })
      expect([rate(row('xs-ds').onTime), rate(row('xs-ds').targetsMet), rate(row('xs-ds').reporting)]).toEqual(['1/1', '1/1', '1/1'])
      // 江滨街道: finished on time 1/1; reported value - 1 against ≥ value → 0/1; reported 03-27 → 0/1:
      //   100 × (50 + 0 + 0) / 100 = 50.
      expect(row('dh-jb')).toMatchObject({ items: 1, score: 50 })
      expect([rate(row('dh-jb').onTime), rate(row('dh-jb').targetsMet), rate(row('dh-jb').reporting)]).toEqual(['1/1', '0/1', '0/1'])
      // 湖西街道: not finished, not yet due → on-time 0/0 and targets 0/0 count nothing; no report by 03-25 → 0/1:
      //   100 × (20 × 0) / 20 = 0.
      expect(row('dh-hx')).toMatchObject({ items: 1, overdue: 0, score: 0 })
      expect([rate(row('dh-hx').onTime), rate(row('dh-hx').targetsMet), rate(row('dh-hx').reporting)]).toEqual(['0/0', '0/0', '0/1'])
      // Ranking: 100, 100, 100 share rank 1; 80 is 4th; 50 5th; 0 6th. The 配合 role is not scored (none here).
      expect(a.rows.map((r: { unitId: string; rank: number }) => [r.unitId, r.rank]).sort()).toEqual(
        [['dh', 1], ['dh-hx', 6], ['dh-jb', 5], ['sjj', 1], ['wjw', 4], ['xs-ds', 1]].sort(),
      )
      // The summary counts each item once: the task and its three copies, three finished in 2026, all on time, none overdue.
      expect(a.summary).toMatchObject({ items: 4, dueInPeriod: 4, finishedInPeriod: 3, overdue: 0 })
      expect(rate(a.summary.onTime)).toBe('3/3')
    })
  })
}
