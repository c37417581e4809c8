/**
 * 数据范围 (issue 8.6), on every test dialect: an admin sets a person's scope over HTTP, and every read and write
 * route holds it. A district 督查室 (a supervisor of 东湖区 with 本部门及以下) sees, supervises and assesses only
 * 东湖区 and 江滨街道; a leader with 分管 units (卫健委, 西山县) only those. Foreign items answer 404 or are
 * filtered out of the ledger, notices, notifications, tickets, the assessment, the 通报 and the 台账 export.
 * Changing a scope or moving a unit takes effect at once, though the session is cached.
 *
 * Items (hand-built May table, test/http/assessment-fixture.ts, plus D1 and X1):
 *   A1 lead sjj, responsible dh, cooperating wjw · A2, A3 lead sjj · B1, B2 lead wjw · C1 (cancelled), C2 lead dh
 *   D1 lead dh-jb (due 05-12, open: overdue) · X1 lead xs (due 05-20, open: overdue)
 */
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveCategory } from '../../src/app/tickets/catalogue.ts'
import { receiveTicket } from '../../src/app/tickets/receive-ticket.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { insertMayTable } from '../http/assessment-fixture.ts'
import { insertItem } from '../http/supervision-fixture.ts'
import { docxText } from '../support/docx-text.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const ALL_TASKS = ['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'D1', 'X1']
/** What each scope holds: an item is in scope when any of its units is. */
const DISTRICT = ['A1', 'C1', 'C2', 'D1']
const CHARGE = ['A1', 'B1', 'B2', 'X1']

for (const dialect of testDialects()) {
  describe(`data scope: a district 督查室 and a leader's 分管 units (${dialect})`, () => {
    let t: TestApp
    const ids: Record<string, string> = {}
    const tokens: Record<string, string> = {}
    const tickets: Record<string, string> = {}

    const call = (who: string, method: string, url: string, payload?: unknown) =>
      t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
    const ok = async (who: string, method: string, url: string, payload?: unknown, status = 200) => {
      const res = await call(who, method, url, payload)
      expect(res.statusCode, `${who} ${method} ${url}: ${res.body}`).toBe(status)
      return res.json()
    }
    const ledgerIds = async (who: string): Promise<string[]> => ((await ok(who, 'GET', '/api/items?kind=task&limit=500')).items as { id: string }[]).map((i) => i.id).sort()

    beforeAll(async () => {
      t = await startTestApp(dialect)
      Object.assign(ids, await t.seedUsers())
      await insertMayTable(t.db)
      await insertItem(t.db, { id: 'D1', title: '江滨街道背街小巷整治', due: '2026-05-12', lead: 'dh-jb', createdAt: '2026-04-01T09:00:00+08:00' })
      await insertItem(t.db, { id: 'X1', title: '西山县乡村振兴示范', due: '2026-05-20', lead: 'xs', createdAt: '2026-04-01T09:00:00+08:00' })
      t.clock.set('2026-06-03T09:00:00+08:00')
      ids['district'] = (await createUser(t.deps, null, { username: 'district', displayName: '东湖区督查室', password: TEST_PASSWORD, role: 'supervisor', unitId: 'dh' })).id
      ids['fenguan'] = (await createUser(t.deps, null, { username: 'fenguan', displayName: '分管副市长', password: TEST_PASSWORD, role: 'leader', unitId: null })).id
      // A 话务员 of a unit that handles no tickets (the 12345 centre's place in the tree): 本部门及以下 by default.
      ids['operator'] = (await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'xs' })).id
      for (const u of ['admin', 'supervisor', 'leader', 'liaison-sjj', 'liaison-dh', 'district', 'fenguan', 'operator']) tokens[u] = await t.login(u)

      // Tickets held by 东湖区 and by the 市场监管局, received by the hotline.
      await saveCategory(t.deps, null, { code: 'S1', name: '范围类别' })
      await saveCategory(t.deps, null, { code: 'S1.1', name: '范围二级' })
      await saveCategory(t.deps, null, { code: 'S1.1.1', name: '范围三级' })
      const hotline = { userId: null, role: 'operator' as const, unitId: null, scopeUnitIds: null }
      for (const [key, lead] of [['jb', 'dh'], ['sjj', 'sjj']] as const) {
        const ticket = await receiveTicket(t.deps, hotline, { requestType: 'complaint', categoryCode: 'S1.1.1', urgency: 'normal', content: `范围工单${key}`, requesterPhone: '13812345678', dispatch: { lead } }, 'phone')
        tickets[key] = ticket.id
      }

      // The admin sets the scopes through the API: 东湖区督查室 本部门及以下, the leader 分管 卫健委 and 西山县.
      const d = await ok('admin', 'PUT', `/api/users/${ids['district']}/scope`, { mode: 'subtree' })
      expect(d).toMatchObject({ mode: 'subtree', label: '本部门及以下', isDefault: false, coveredUnitIds: ['dh', 'dh-jb'] })
      const f = await ok('admin', 'PUT', `/api/users/${ids['fenguan']}/scope`, { mode: 'charge', unitIds: ['xs', 'wjw'] })
      expect(f).toMatchObject({ mode: 'charge', label: '分管', unitIds: ['wjw', 'xs'], coveredUnitIds: ['wjw', 'xs'] })
    }, 300_000)
    afterAll(async () => t?.close())

    it('shows each person’s scope: role defaults, what was set, and what /me reports', async () => {
      expect(await ok('admin', 'GET', `/api/users/${ids['liaison-dh']}/scope`)).toEqual({ userId: ids['liaison-dh'], mode: 'subtree', label: '本部门及以下', unitIds: [], isDefault: true, coveredUnitIds: ['dh', 'dh-jb'] })
      expect(await ok('admin', 'GET', `/api/users/${ids['supervisor']}/scope`)).toMatchObject({ mode: 'all', isDefault: true, coveredUnitIds: null })
      const list = (await ok('admin', 'GET', '/api/user-scopes')) as { userId: string; mode: string; isDefault: boolean }[]
      expect(list.find((s) => s.userId === ids['district'])).toMatchObject({ mode: 'subtree', isDefault: false })
      expect(list.find((s) => s.userId === ids['fenguan'])).toMatchObject({ mode: 'charge', unitIds: ['wjw', 'xs'] })
      expect(list.find((s) => s.userId === ids['admin'])).toMatchObject({ mode: 'all', isDefault: true })
      expect(await ok('district', 'GET', '/api/me')).toMatchObject({ scopeUnitIds: ['dh', 'dh-jb'], dataScope: { mode: 'subtree', label: '本部门及以下' } })
      expect(await ok('fenguan', 'GET', '/api/me')).toMatchObject({ scopeUnitIds: ['wjw', 'xs'], dataScope: { mode: 'charge', unitIds: ['wjw', 'xs'] } })
    })

    it('refuses a bad scope with DUBAN_ERR_DATA_SCOPE_INVALID and changes nothing; only an admin sets one', async () => {
      const bad = async (userId: string, body: unknown, where: string) => {
        const res = await call('admin', 'PUT', `/api/users/${userId}/scope`, body)
        expect(res.statusCode, res.body).toBe(400)
        expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_DATA_SCOPE_INVALID', where })
      }
      await bad(ids['district']!, { mode: 'custom' }, 'unitIds')
      await bad(ids['district']!, { mode: 'charge', unitIds: ['dh', 'no-such-unit'] }, 'unitIds[1]')
      await bad(ids['district']!, { mode: 'subtree', unitIds: ['dh'] }, 'unitIds')
      // The city supervisor belongs to no unit: 本部门 means nothing for it.
      await bad(ids['supervisor']!, { mode: 'unit' }, 'mode')
      await bad(ids['admin']!, { mode: 'custom', unitIds: ['dh'] }, 'mode')
      expect((await call('admin', 'PUT', `/api/users/${ids['district']}/scope`, { mode: 'everything' })).statusCode).toBe(400)
      expect((await call('admin', 'PUT', '/api/users/nobody/scope', { mode: 'all' })).statusCode).toBe(404)
      expect((await call('supervisor', 'PUT', `/api/users/${ids['district']}/scope`, { mode: 'all' })).statusCode).toBe(403)
      expect((await call('district', 'GET', `/api/users/${ids['district']}/scope`)).statusCode).toBe(403)
      expect(await ok('admin', 'GET', `/api/users/${ids['district']}/scope`)).toMatchObject({ mode: 'subtree', coveredUnitIds: ['dh', 'dh-jb'] })
      expect(await ok('admin', 'GET', `/api/users/${ids['supervisor']}/scope`)).toMatchObject({ mode: 'all', isDefault: true })
      const audit = await t.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_log WHERE action = 'user.scope'`)
      expect(Number(audit.rows[0]!.n)).toBe(2)
    })

    it('lists and opens only the items in scope; a foreign item is 404 for reading and for acting', async () => {
      expect(await ledgerIds('supervisor')).toEqual(ALL_TASKS)
      expect(await ledgerIds('district')).toEqual(DISTRICT)
      expect(await ledgerIds('fenguan')).toEqual(CHARGE)
      for (const id of ALL_TASKS) {
        expect((await call('district', 'GET', `/api/items/${id}`)).statusCode, `district ${id}`).toBe(DISTRICT.includes(id) ? 200 : 404)
        expect((await call('fenguan', 'GET', `/api/items/${id}`)).statusCode, `fenguan ${id}`).toBe(CHARGE.includes(id) ? 200 : 404)
      }
      // Acting on a foreign item: an engine event, a 约谈 record, the records list.
      expect((await call('district', 'POST', '/api/items/B1/events', { event: 'report_progress', payload: { text: 'x' } })).statusCode).toBe(404)
      expect((await call('district', 'POST', '/api/items/X1/records', { kind: 'interview', heldOn: '2026-06-01', people: '某某', outcome: '限期整改' })).statusCode).toBe(404)
      expect((await call('district', 'GET', '/api/items/B1/records')).statusCode).toBe(404)
      expect((await call('fenguan', 'GET', '/api/items/C2/records')).statusCode).toBe(404)
      await ok('district', 'POST', '/api/items/D1/records', { kind: 'interview', heldOn: '2026-06-01', people: '江滨街道主任', outcome: '限期整改' }, 201)
    })

    it('supervises inside the district only: 督办单 issued, listed, printed and withdrawn within the scope', async () => {
      // Foreign item, or a foreign unit named on a district item: not found.
      expect((await call('district', 'POST', '/api/supervision/notices', { itemId: 'B1', reason: '请加快', replyWorkingDays: 3 })).statusCode).toBe(404)
      const named = await call('district', 'POST', '/api/supervision/notices', { itemId: 'A1', reason: '请加快', replyWorkingDays: 3, unitIds: ['dh', 'sjj'] })
      expect(named.statusCode, named.body).toBe(404)
      expect(named.json().error.where).toBe('unitIds[1]')
      // A1's lead (sjj) is outside; unnamed, the notice goes to the units in scope among lead and responsible (dh).
      const a1 = await ok('district', 'POST', '/api/supervision/notices', { itemId: 'A1', reason: '请东湖区加快配合', replyWorkingDays: 3 }, 201)
      expect(a1.unitIds).toEqual(['dh'])
      const d1 = await ok('district', 'POST', '/api/supervision/notices', { itemId: 'D1', reason: '请江滨街道加快', replyWorkingDays: 3 }, 201)
      expect(d1.unitIds).toEqual(['dh-jb'])
      // The city office's notice to 卫健委: the district neither sees, prints nor withdraws it.
      const b1 = await ok('supervisor', 'POST', '/api/supervision/notices', { itemId: 'B1', reason: '请卫健委加快', replyWorkingDays: 3 }, 201)
      const seen = async (who: string) => ((await ok(who, 'GET', '/api/supervision/notices')) as { id: string }[]).map((n) => n.id).sort()
      expect(await seen('district')).toEqual([a1.id, d1.id].sort())
      expect(await seen('fenguan')).toEqual([b1.id])
      expect(await seen('supervisor')).toEqual([a1.id, d1.id, b1.id].sort())
      expect((await call('district', 'GET', `/api/supervision/notices/${b1.id}/document`)).statusCode).toBe(404)
      expect((await call('district', 'POST', `/api/supervision/notices/${b1.id}/withdraw`, { reason: '误发' })).statusCode).toBe(404)
      expect((await call('district', 'GET', `/api/supervision/notices/${d1.id}/document`)).statusCode).toBe(200)
      // In-app notifications addressed to the role: the district is told of its own notices, not of 卫健委's.
      const inbox = async (who: string) => ((await ok(who, 'GET', '/api/notifications?limit=500')) as { itemId: string | null }[]).map((n) => n.itemId)
      const districtInbox = await inbox('district')
      expect(districtInbox).toContain('D1')
      expect(districtInbox).not.toContain('B1')
      expect(await inbox('supervisor')).toContain('B1')
      const unread = (await ok('district', 'GET', '/api/notifications/unread-count')).unread
      expect(unread).toBe(districtInbox.length)
      expect((await call('supervisor', 'POST', `/api/supervision/notices/${b1.id}/withdraw`, { reason: '误发' })).statusCode).toBe(200)
    })

    it('assesses and ranks only the units in scope, with the same figures as the city-wide table', async () => {
      const city = await ok('leader', 'GET', '/api/assessment?period=2026-05&kind=task')
      const byUnit = new Map((city.rows as { unitId: string; rank: number }[]).map((r) => [r.unitId, r]))
      const strip = ({ rank: _rank, ...rest }: Record<string, unknown>) => rest
      for (const [who, units] of [['district', ['dh', 'dh-jb']], ['fenguan', ['wjw', 'xs']]] as const) {
        const a = await ok(who, 'GET', '/api/assessment?period=2026-05&kind=task')
        const rows = a.rows as { unitId: string; rank: number | null; items: number; overdue: number; score: number | null }[]
        expect(rows.map((r) => r.unitId).sort(), who).toEqual([...units])
        for (const r of rows) expect(strip(r), `${who} ${r.unitId}`).toEqual(strip(byUnit.get(r.unitId) as Record<string, unknown>))
        // Ranked among themselves (competition ranking: ties share a place).
        for (const r of rows) expect(r.rank, `${who} ${r.unitId}`).toBe(r.score === null ? null : 1 + rows.filter((o) => o.score !== null && o.score > r.score!).length)
        expect(a.summary.items).toBe(rows.reduce((n, r) => n + r.items, 0))
        expect(a.summary.overdue).toBe(rows.reduce((n, r) => n + r.overdue, 0))
      }
      // 东湖区 ranks below the city's departments city-wide, first in its own district.
      expect(byUnit.get('dh')!.rank).toBeGreaterThan(1)
      expect(((await ok('district', 'GET', '/api/assessment?period=2026-05&kind=task')).rows as { unitId: string; rank: number }[]).find((r) => r.unitId === 'dh')!.rank).toBe(1)
    })

    it('prints the 通报 and exports the 台账 over the scope only', async () => {
      const text = await docxText((await call('district', 'GET', '/api/exports/bulletin.docx?period=2026-05&kind=task')).rawPayload)
      expect(text).toContain('东湖区')
      expect(text).toContain('江滨街道背街小巷整治')
      expect(text).toContain('老旧小区改造')
      for (const foreign of ['青川市市场监督管理局', '青川市卫生健康委员会', '西山县', '市场主体培育']) expect(text, foreign).not.toContain(foreign)
      const res = await call('fenguan', 'GET', '/api/exports/ledger.xlsx?kind=task')
      expect(res.statusCode).toBe(200)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
      const ws = wb.getWorksheet('台账')!
      const titles = ws.getRows(2, ws.rowCount - 1)!.map((row) => (row.values as unknown[])[3])
      expect(titles).toEqual(['优化营商环境', '基层医疗能力提升', '爱国卫生运动', '西山县乡村振兴示范'])
      expect((ws.getRows(2, ws.rowCount - 1)!.map((row) => (row.values as unknown[])[1]))).toEqual([1, 2, 3, 4])
    })

    it('lists and opens only the tickets in scope, and counts only its units in the hotline KPIs', async () => {
      const list = async (who: string) => ((await ok(who, 'GET', '/api/tickets?limit=100')).tickets as { id: string }[]).map((x) => x.id)
      expect(await list('district')).toEqual([tickets['jb']])
      expect(await list('fenguan')).toEqual([])
      expect((await list('supervisor')).sort()).toEqual([tickets['jb'], tickets['sjj']].sort())
      expect((await call('district', 'GET', `/api/tickets/${tickets['sjj']}`)).statusCode).toBe(404)
      expect((await call('district', 'GET', `/api/tickets/${tickets['jb']}`)).statusCode).toBe(200)
      // The hotline KPIs: per-unit rows and problem tickets of the units in scope only.
      t.clock.advance(3_600_000) // the KPIs count what happened before now; the tickets came in at the clock's instant
      const kpis = async (who: string) => ok(who, 'GET', '/api/hotline/kpis?from=2026-06-01&to=2026-07-01')
      const city = await kpis('supervisor')
      expect((city.units as { unitId: string }[]).map((u) => u.unitId).sort()).toEqual(['dh', 'sjj'])
      const district = await kpis('district')
      expect((district.units as { unitId: string }[]).map((u) => u.unitId)).toEqual(['dh'])
      for (const p of district.problemTickets as { unitId: string | null }[]) expect(['dh', 'dh-jb']).toContain(p.unitId)
      expect(((await kpis('fenguan')).units as unknown[]).length).toBe(0)
      // The hotline's board covers the centre's scope, every unit, not the operator's own unit (which holds none).
      const hotline = await kpis('operator')
      expect((hotline.units as { unitId: string }[]).map((u) => u.unitId).sort()).toEqual(['dh', 'sjj'])
      expect(hotline.totals).toMatchObject({ received: city.totals.received })
    })

    it('shows an operator given a scope only its units on the KPI board and among the problem tickets; without one, every unit', async () => {
      // Problem tickets (passed around: reassigned twice, never accepted): 20 ending with the 市场监管局, then one with
      // 东湖区, which the city's list of 20 (ranked by rework, then number) leaves out.
      const event = (who: string, id: string, name: string, payload: Record<string, unknown>) => ok(who, 'POST', `/api/tickets/${id}/events`, { event: name, payload })
      const liaisonOf: Record<string, string> = { sjj: 'liaison-sjj', dh: 'liaison-dh' }
      const passedAround = async (first: string, second: string): Promise<string> => {
        const hotline = { userId: null, role: 'operator' as const, unitId: null, scopeUnitIds: null }
        const v = await receiveTicket(t.deps, hotline, { requestType: 'complaint', categoryCode: 'S1.1.1', urgency: 'normal', content: `推来推去的工单${first}`, requesterPhone: '13812345678', dispatch: { lead: first } }, 'phone')
        let lead = first
        for (const next of [second, first]) {
          await event(liaisonOf[lead]!, v.id, 'return', { reason: '不属于本单位职责' })
          await event('operator', v.id, 'reassign', { lead: next })
          lead = next
        }
        return v.id
      }
      const sjjProblems: string[] = []
      for (let i = 0; i < 20; i++) sjjProblems.push(await passedAround('sjj', 'dh'))
      const dhProblem = await passedAround('dh', 'sjj')
      t.clock.advance(3_600_000)
      const board = async () => {
        const k = await ok('operator', 'GET', '/api/hotline/kpis?from=2026-06-01&to=2026-07-01')
        return {
          units: (k.units as { unitId: string }[]).map((u) => u.unitId).sort(),
          problems: (k.problemTickets as { itemId: string; unitId: string | null }[]).map((p) => [p.itemId, p.unitId]).sort(),
        }
      }
      const everyUnit = { units: ['dh', 'sjj'], problems: sjjProblems.map((id) => [id, 'sjj']).sort() }
      expect(await board()).toEqual(everyUnit)

      // A 分中心's operator: the admin gives it 东湖区 only. Its board is 东湖区's, and so are its problem tickets (its own
      // first 20, not the city's filtered); it still takes every ticket.
      await ok('admin', 'PUT', `/api/users/${ids['operator']}/scope`, { mode: 'custom', unitIds: ['dh'] })
      expect(await board()).toEqual({ units: ['dh'], problems: [[dhProblem, 'dh']] })
      const listed = ((await ok('operator', 'GET', '/api/tickets?limit=100')).tickets as { id: string }[]).map((x) => x.id)
      expect(listed).toEqual(expect.arrayContaining(sjjProblems))

      // Back to the role's default: every unit again.
      await ok('admin', 'PUT', `/api/users/${ids['operator']}/scope`, { mode: 'default' })
      expect(await board()).toEqual(everyUnit)
    }, 120_000)

    it('applies a changed scope or a moved unit at once, though the sessions are cached', async () => {
      // Warm the cached sessions.
      expect(await ledgerIds('liaison-sjj')).toEqual(['A1', 'A2', 'A3'])
      expect(await ledgerIds('district')).toEqual(DISTRICT)
      // 自定义: exactly the units listed (here 卫健委 only, not the liaison's own unit).
      await ok('admin', 'PUT', `/api/users/${ids['liaison-sjj']}/scope`, { mode: 'custom', unitIds: ['wjw'] })
      expect(await ledgerIds('liaison-sjj')).toEqual(['A1', 'B1', 'B2'])
      expect((await call('liaison-sjj', 'GET', '/api/items/A2')).statusCode).toBe(404)
      // 本部门: the unit alone; then back to the role's default.
      await ok('admin', 'PUT', `/api/users/${ids['district']}/scope`, { mode: 'unit' })
      expect(await ledgerIds('district')).toEqual(['A1', 'C1', 'C2'])
      await ok('admin', 'PUT', `/api/users/${ids['liaison-sjj']}/scope`, { mode: 'default' })
      expect(await ledgerIds('liaison-sjj')).toEqual(['A1', 'A2', 'A3'])
      expect(await ok('admin', 'GET', `/api/users/${ids['liaison-sjj']}/scope`)).toMatchObject({ mode: 'subtree', isDefault: true })
      // The unit tree: 西山县 moved under 东湖区 joins the district's subtree at once, and the 分管 leader keeps it.
      await ok('admin', 'PUT', `/api/users/${ids['district']}/scope`, { mode: 'subtree' })
      expect(await ledgerIds('district')).toEqual(DISTRICT)
      await ok('admin', 'POST', '/api/units', { id: 'xs', name: '西山县', parentId: 'dh', level: 'district' }, 201)
      expect(await ledgerIds('district')).toEqual([...DISTRICT, 'X1'].sort())
      expect((await call('district', 'GET', '/api/items/X1')).statusCode).toBe(200)
      expect(await ledgerIds('fenguan')).toEqual(CHARGE)
    })

    it('confirms a plan only when every unit it dispatches to is in the district', async () => {
      const plan = async (lead: string) => {
        const text = `青川市2026年重点工作要点\n一、重点任务\n（一）范围测试任务。全年完成10项。（牵头单位：${lead}。完成时间：2026年9月30日前）\n`
        return ok('district', 'POST', '/api/plans', { fileName: 'scope.txt', contentBase64: Buffer.from(text).toString('base64') }, 201)
      }
      const before = (await t.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM item`)).rows[0]!.n
      const foreign = await plan('青川市卫生健康委员会')
      const res = await call('district', 'POST', `/api/plans/${foreign.id}/confirm`)
      expect(res.statusCode, res.body).toBe(403)
      expect(res.json().error.code).toBe('DUBAN_ERR_FORBIDDEN')
      expect(res.json().error.where).toMatch(/^items\[\d+\]\.units\.lead$/)
      expect(res.json().error.message).toContain('wjw')
      expect((await t.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM item`)).rows[0]!.n).toBe(before)
      // The city office confirms the same plan.
      expect((await ok('supervisor', 'POST', `/api/plans/${foreign.id}/confirm`)).tasks).toHaveLength(1)
    })
  })
}
