/**
 * Dispatch suggestions (智能派单建议) over HTTP, on every test dialect: the operator gets up to three units
 * for a request's text and address, the place picks the district's unit, other roles are refused, bad input
 * names the field, and closed tickets read from the database teach the suggester.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDispatchSuggester } from '../../src/app/dispatch/dispatch-suggester.ts'
import { writeUnitDuties } from '../../src/app/dispatch/seed-duties.ts'
import { jiebaTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { saveCategory } from '../../src/app/tickets/catalogue.ts'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const DUTIES: Record<string, string> = {
  sjj: '食品安全、过期食品、消费纠纷、退费、预付卡、价格收费、电梯特种设备',
  wjw: '医疗服务、医院收费、疫苗接种、病媒生物防制',
  cgj: '占道经营、流动摊贩、违法建设、户外广告招牌、路灯照明',
  'dh-cgj': '东湖区城市管理：占道经营、流动摊贩、违法建设',
  rq: '燃气异味、燃气泄漏抢险、燃气开通缴费',
  'dh-jb': '乡镇(街道)履职事项：邻里纠纷调解、环境卫生整治',
}

interface Body {
  suggestions: { unit: { id: string; name: string; function: string }; confidence: number }[]
}

for (const dialect of testDialects()) {
  describe(`dispatch suggestions API (${dialect})`, () => {
    let t: TestApp
    let operator: string
    let leader: string
    const post = (token: string | null, payload: unknown) =>
      t.app.inject({ method: 'POST', url: '/api/dispatch/suggestions', headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as object })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await saveUnit(t.deps, null, { id: 'cgj', name: '青川市城市管理局', parentId: 'city', level: 'department', function: '城市管理' })
      await saveUnit(t.deps, null, { id: 'dh-cgj', name: '东湖区城市管理局', parentId: 'dh', level: 'department', function: '城市管理' })
      await saveUnit(t.deps, null, { id: 'rq', name: '青川市燃气公司', parentId: 'city', level: 'office', function: '燃气' })
      await t.db.query(`UPDATE unit SET function = '街道乡镇' WHERE id = 'dh-jb'`)
      for (const [id, duties] of Object.entries(DUTIES)) await t.db.query('UPDATE unit SET duties = $2 WHERE id = $1', [id, duties])
      await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      operator = await t.login('operator')
      leader = await t.login('leader')
    })
    afterAll(() => t.close())

    it('answers the operator with at most three units, best first, the likeliest by its duties', async () => {
      const res = await post(operator, { text: '超市卖过期食品，标签被重新贴过' })
      expect(res.statusCode).toBe(200)
      const body = res.json() as Body
      expect(body.suggestions.length).toBeGreaterThan(0)
      expect(body.suggestions.length).toBeLessThanOrEqual(3)
      expect(body.suggestions[0]?.unit).toEqual({ id: 'sjj', name: '青川市市场监督管理局', function: '市场监管' })
      const c = body.suggestions.map((s) => s.confidence)
      expect([...c].sort((a, b) => b - a)).toEqual(c)
      expect(Object.keys(body.suggestions[0]!)).toEqual(['unit', 'confidence'])
    })

    it("sends a request in 东湖区 to the district's unit and the same request without a place to the city's", async () => {
      const inDistrict = (await post(operator, { text: '路口流动摊贩占道经营', address: '东湖区滨江路8号' })).json() as Body
      expect(inDistrict.suggestions[0]?.unit.id).toBe('dh-cgj')
      const nowhere = (await post(operator, { text: '路口流动摊贩占道经营' })).json() as Body
      expect(nowhere.suggestions[0]?.unit.id).toBe('cgj')
    })

    it('sends a 乡镇(街道)履职事项 to the township of the address', async () => {
      const body = (await post(operator, { text: '邻里纠纷需要调解', address: '东湖区江滨街道幸福里' })).json() as Body
      expect(body.suggestions[0]?.unit.id).toBe('dh-jb')
    })

    it('refuses other roles and anonymous callers, and names a missing text', async () => {
      expect((await post(leader, { text: '燃气泄漏' })).statusCode).toBe(403)
      expect((await post(null, { text: '燃气泄漏' })).statusCode).toBe(401)
      const bad = await post(operator, { address: '东湖区' })
      expect(bad.statusCode).toBe(400)
      expect(bad.body).toContain('text')
    })

    it('learns from tickets as they close, read from the database', async () => {
      const suggester = createDispatchSuggester(t.deps, jiebaTokenize, { refreshMs: 0 })
      const before = await suggester.suggest({ text: '小区门口窨井盖松动响声很大' })
      expect(before[0]?.unit.id).not.toBe('rq')
      await saveCategory(t.deps, null, { code: '01', name: '城乡建设', timeLimits: { normal: { unit: 'working_days', amount: 7 } } })
      for (let i = 1; i <= 3; i++) {
        const id = `closed-${i}`
        await t.db.query(
          `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, closed_at)
           VALUES ($1, $2, 'ticket', 1, 'closed', 'closed', '工单', '{}'::jsonb, $3)`,
          [id, `GD-T-${i}`, new Date(Date.UTC(2026, 2, i)).toISOString()],
        )
        await t.db.query(
          `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, content, received_at)
           VALUES ($1, 'phone', 'complaint', '01', 1, 'normal', '窨井盖松动，车压过去响声很大', $2)`,
          [id, new Date(Date.UTC(2026, 2, i)).toISOString()],
        )
        await t.db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, 'rq', 'lead')`, [id])
      }
      expect(await suggester.refresh()).toBe(3)
      const after = await suggester.suggest({ text: '小区门口窨井盖松动响声很大' })
      expect(after[0]?.unit.id).toBe('rq')
      expect(await suggester.refresh()).toBe(0)
    })

    it("rebuilds from new duties: a unit's 职责 written later is learnt at the next refresh, and audited", async () => {
      const suggester = createDispatchSuggester(t.deps, jiebaTokenize, { refreshMs: 0 })
      expect((await suggester.suggest({ text: '犬只狂犬疫苗接种点在哪里' }))[0]?.unit.id).toBe('wjw')
      const r = await writeUnitDuties(t.deps, { rq: '燃气异味、燃气泄漏抢险、燃气开通缴费、犬只狂犬疫苗接种点', 'no-such-unit': '…' })
      expect(r).toEqual({ written: 1, unknown: ['no-such-unit'] })
      expect((await suggester.suggest({ text: '犬只狂犬疫苗接种点在哪里' }))[0]?.unit.id).toBe('rq')
      const audit = await t.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'unit.duties' AND entity_id = 'rq'`)
      expect(Number(audit.rows[0]?.n)).toBe(1)
    })
  })
}
