/**
 * Service catalogue (服务目录) and dispatch catalogue (派单目录) over HTTP, on every test dialect:
 * versioning keeps the old rows, limits resolve through the parents, bad input names the field, the
 * township rule (国办函〔2025〕66号) is named when refused, roles, and the public lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDispatchAllowed, dispatchTarget } from '../../src/app/tickets/dispatch-rules.ts'
import { currentCategory } from '../../src/app/tickets/catalogue.ts'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { DubanError } from '../../src/domain/errors.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const H2 = { unit: 'working_hours', amount: 2 }
const D7 = { unit: 'working_days', amount: 7 }

for (const dialect of testDialects()) {
  describe(`catalogue API (${dialect})`, () => {
    let t: TestApp
    let admin: string
    let operator: string
    let liaison: string
    let leader: string
    const auth = (token: string) => ({ authorization: `Bearer ${token}` })
    const post = (url: string, token: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: auth(token), payload: payload as object })
    const put = (url: string, token: string, payload: unknown) => t.app.inject({ method: 'PUT', url, headers: auth(token), payload: payload as object })
    const get = (url: string, token?: string) => t.app.inject({ method: 'GET', url, headers: token ? auth(token) : {} })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      // Ticket-handling units: city and district 城管, and a community under the township.
      await saveUnit(t.deps, null, { id: 'cgj', name: '青川市城市管理局', parentId: 'city', level: 'department', function: '城市管理' })
      await saveUnit(t.deps, null, { id: 'dh-cgj', name: '东湖区城市管理局', parentId: 'dh', level: 'department', function: '城市管理' })
      await saveUnit(t.deps, null, { id: 'dh-jb-sq', name: '江滨社区', parentId: 'dh-jb', level: 'community' })
      await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      admin = await t.login('admin')
      operator = await t.login('operator')
      liaison = await t.login('liaison-sjj')
      leader = await t.login('leader')
    })
    afterAll(async () => t.close())

    it('creates three levels and serves the tree with limits resolved through the parents', async () => {
      expect((await post('/api/catalogue', admin, { code: '03', name: '城乡建设', timeLimits: { urgent: H2, normal: D7 } })).statusCode).toBe(201)
      expect((await post('/api/catalogue', admin, { code: '03.02', name: '市容环境', function: '城市管理' })).statusCode).toBe(201)
      const leaf = await post('/api/catalogue', admin, { code: '03.02.05', name: '占道经营', timeLimits: { normal: { unit: 'working_days', amount: 5 } } })
      expect(leaf.statusCode).toBe(201)
      expect(leaf.json()).toMatchObject({ code: '03.02.05', version: 1, parentCode: '03.02', level: 3, active: true })
      await post('/api/catalogue', admin, { code: '03.03', name: '社区治理' })
      await post('/api/catalogue', admin, { code: '03.03.01', name: '邻里纠纷', function: '街道乡镇', townshipDuty: true })

      const tree = await get('/api/catalogue', liaison)
      expect(tree.statusCode).toBe(200)
      const [root] = tree.json()
      expect(root.code).toBe('03')
      const node = root.children[0].children[0]
      expect(node).toMatchObject({ code: '03.02.05', name: '占道经营', function: '城市管理', townshipDuty: false })
      expect(node.timeLimits).toEqual({ urgent: H2, normal: { unit: 'working_days', amount: 5 } })
      expect(node.ownTimeLimits).toEqual({ normal: { unit: 'working_days', amount: 5 } })

      const cat = await currentCategory(t.db, '03.02.05')
      expect(cat).toMatchObject({ code: '03.02.05', version: 1, path: ['城乡建设', '市容环境', '占道经营'], level: 3, function: '城市管理' })
      expect(cat.timeLimits.urgent).toEqual(H2)
    })

    it('refuses an unknown, retired or level-2 category for a ticket, naming categoryCode', async () => {
      for (const code of ['99.99.99', '03.02']) {
        const e = await currentCategory(t.db, code).catch((x: unknown) => x)
        expect(e).toBeInstanceOf(DubanError)
        expect((e as DubanError).code).toBe('DUBAN_ERR_FIELD_INVALID')
        expect((e as DubanError).where).toBe('categoryCode')
      }
    })

    it('writes a new version on PUT and keeps the old row, inactive', async () => {
      const res = await put('/api/catalogue/03.02.05', admin, { name: '占道经营', timeLimits: { normal: { unit: 'working_days', amount: 3 } } })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ code: '03.02.05', version: 2, active: true })
      const versions = await get('/api/catalogue/03.02.05/versions', admin)
      expect(versions.statusCode).toBe(200)
      expect(versions.json().map((v: { version: number; active: boolean; timeLimits: unknown }) => [v.version, v.active, v.timeLimits])).toEqual([
        [1, false, { normal: { unit: 'working_days', amount: 5 } }],
        [2, true, { normal: { unit: 'working_days', amount: 3 } }],
      ])
      expect((await currentCategory(t.db, '03.02.05')).version).toBe(2)
      // An identical PUT writes nothing new.
      await put('/api/catalogue/03.02.05', admin, { name: '占道经营', timeLimits: { normal: { unit: 'working_days', amount: 3 } } })
      expect((await get('/api/catalogue/03.02.05/versions', admin)).json()).toHaveLength(2)
      const { rows } = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'service_category' AND entity_id = '03.02.05' ORDER BY id`)
      expect(rows.map((r) => r.action)).toEqual(['catalogue.create', 'catalogue.update'])
    })

    it('writes no new version for the same limits in another key order (jsonb reorders keys)', async () => {
      const limits = { consultation: { unit: 'working_days', amount: 1 }, urgent: H2, normal: D7, pressing: { unit: 'working_hours', amount: 24 } }
      expect((await put('/api/catalogue/03', admin, { name: '城乡建设', timeLimits: limits })).json().version).toBe(2)
      const reordered = { urgent: H2, pressing: { amount: 24, unit: 'working_hours' }, normal: D7, consultation: { unit: 'working_days', amount: 1 } }
      expect((await put('/api/catalogue/03', admin, { name: '城乡建设', timeLimits: reordered })).json().version).toBe(2)
      expect((await get('/api/catalogue/03/versions', admin)).json()).toHaveLength(2)
    })

    it('keeps 群众常说的说法 (keywords) per version: create, update, unchanged when omitted, cleared by []', async () => {
      await post('/api/catalogue', admin, { code: '06', name: '劳动社保' })
      await post('/api/catalogue', admin, { code: '06.01', name: '劳动关系' })
      const created = await post('/api/catalogue', admin, { code: '06.01.01', name: '拖欠工资', keywords: [' 欠薪 ', '讨薪'] })
      expect(created.statusCode).toBe(201)
      expect(created.json()).toMatchObject({ version: 1, keywords: ['欠薪', '讨薪'] })
      const updated = await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资', keywords: ['欠薪', '讨薪', '老板不发工资'] })
      expect(updated.json()).toMatchObject({ version: 2, keywords: ['欠薪', '讨薪', '老板不发工资'] })
      // Omitted: the keywords stay and, nothing else changing, no version is written; the same list writes none either.
      expect((await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资' })).json()).toMatchObject({ version: 2, keywords: ['欠薪', '讨薪', '老板不发工资'] })
      expect((await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资', keywords: ['欠薪', '讨薪', '老板不发工资'] })).json().version).toBe(2)
      expect((await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资', keywords: [] })).json()).toMatchObject({ version: 3, keywords: [] })
      const versions = (await get('/api/catalogue/06.01.01/versions', admin)).json() as { version: number; keywords: string[]; active: boolean }[]
      expect(versions.map((v) => [v.version, v.keywords, v.active])).toEqual([
        [1, ['欠薪', '讨薪'], false],
        [2, ['欠薪', '讨薪', '老板不发工资'], false],
        [3, [], true],
      ])
      await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资', keywords: ['欠薪'] })
      const tree = (await get('/api/catalogue', operator)).json() as { code: string; children: { children: { code: string; keywords: string[] }[] }[] }[]
      const leaf = tree.find((n) => n.code === '06')?.children[0]?.children[0]
      expect(leaf).toMatchObject({ code: '06.01.01', keywords: ['欠薪'] })
    })

    it('gives the keywords to citizens and clients: the public catalogue lists them, Open311 services carry them in keywords', async () => {
      await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资', keywords: ['欠薪', '讨薪'] })
      const pub = await t.app.inject({ method: 'GET', url: '/api/public/catalogue' })
      expect(pub.statusCode).toBe(200)
      const tree = pub.json() as { code: string; keywords: string[]; children: { code: string; keywords: string[]; children: { code: string; keywords: string[] }[] }[] }[]
      const top = tree.find((n) => n.code === '06')!
      expect(top.keywords).toEqual([])
      expect(top.children[0]!.children[0]).toMatchObject({ code: '06.01.01', keywords: ['欠薪', '讨薪'] })
      // GeoReport v2: keywords is a comma-separated list of synonyms; the path above, then the category's own words.
      const services = (await t.app.inject({ method: 'GET', url: '/open311/v2/services.json' })).json() as { service_code: string; keywords: string }[]
      expect(services.find((x) => x.service_code === '06.01.01')?.keywords).toBe('劳动社保, 劳动关系, 欠薪, 讨薪')
      const xml = (await t.app.inject({ method: 'GET', url: '/open311/v2/services.xml' })).body
      expect(xml).toContain('<keywords>劳动社保, 劳动关系, 欠薪, 讨薪</keywords>')
    })

    it('refuses bad keywords naming the field and the entry, writing nothing', async () => {
      const before = (await get('/api/catalogue/06.01.01/versions', admin)).json()
      const cases: [unknown, RegExp][] = [
        [['欠薪', '   '], /keywords: keywords\[1\] is empty/],
        [['欠薪', '这是一句超过二十个字的群众说法用来测试长度上限是否生效'], /keywords: keywords\[1\] "这是一句.*" has 27 characters; at most 20/],
        [['欠薪', '讨薪', '欠薪'], /keywords: keywords\[2\] "欠薪" is listed twice/],
        [Array.from({ length: 31 }, (_, i) => `说法${i}`), /keywords: 31 keywords; at most 30/],
      ]
      for (const [keywords, message] of cases) {
        for (const res of [
          await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资', keywords }),
          await post('/api/catalogue', admin, { code: '06.01.02', name: '劳动合同', keywords }),
        ]) {
          expect([keywords, res.statusCode]).toEqual([keywords, 400])
          expect(res.json().error.where).toBe('keywords')
          expect(res.json().error.message).toMatch(message)
        }
      }
      const notText = await put('/api/catalogue/06.01.01', admin, { name: '拖欠工资', keywords: [42] })
      expect(notText.statusCode).toBe(400)
      expect(notText.json().error.where).toBe('body/keywords/0')
      expect((await get('/api/catalogue/06.01.01/versions', admin)).json()).toEqual(before)
      expect((await get('/api/catalogue/06.01.02/versions', admin)).statusCode).toBe(404)
    })

    it('answers bad input with 4xx naming the field', async () => {
      const cases: [string, 'POST' | 'PUT', unknown, number, string][] = [
        ['/api/catalogue', 'POST', { code: '03.09', name: '', }, 400, 'body/name'],
        ['/api/catalogue', 'POST', { code: '03/09', name: 'x' }, 400, 'body/code'],
        ['/api/catalogue', 'POST', { code: '03.09', name: 'x', colour: 'red' }, 400, 'body/colour'],
        ['/api/catalogue', 'POST', { code: '03.09', name: 'x', timeLimits: { urgent: { unit: 'working_hours', amount: 0 } } }, 400, 'body/timeLimits/urgent/amount'],
        ['/api/catalogue', 'POST', { code: '03.09', name: 'x', timeLimits: { urgent: { unit: 'hours', amount: 2 } } }, 400, 'body/timeLimits/urgent/unit'],
        ['/api/catalogue', 'POST', { code: '03.09', name: 'x', timeLimits: { normal: { unit: 'working_days', amount: 2.5 } } }, 400, 'timeLimits/normal/amount'],
        ['/api/catalogue', 'POST', { code: '03.09', name: 'x', function: '外星事务' }, 400, 'body/function'],
        ['/api/catalogue', 'POST', { code: '07.01', name: '无父' }, 400, 'code'],
        ['/api/catalogue', 'POST', { code: '03.02.05', name: '重复' }, 409, 'code'],
        ['/api/catalogue/03.77', 'PUT', { name: '不存在' }, 404, 'code'],
        ['/api/dispatch-rules', 'POST', { categoryCode: '03.02', unitId: 'cgj', byFunction: '城市管理' }, 400, 'byFunction'],
        ['/api/dispatch-rules', 'POST', { categoryCode: '03.02' }, 400, 'unitId'],
        ['/api/dispatch-rules', 'POST', { categoryCode: '03.02', unitId: 'nope' }, 400, 'unitId'],
        ['/api/dispatch-rules', 'POST', { categoryCode: '88', unitId: 'cgj' }, 400, 'categoryCode'],
        ['/api/dispatch-rules', 'POST', { categoryCode: '03.02', unitId: 'cgj', placeUnitId: 'sjj' }, 400, 'placeUnitId'],
        ['/api/dispatch-rules', 'POST', { categoryCode: '03.02', unitId: 'cgj', priority: -1 }, 400, 'body/priority'],
      ]
      for (const [url, method, payload, status, where] of cases) {
        const res = await t.app.inject({ method, url, headers: auth(admin), payload: payload as object })
        expect([url, method, payload, res.statusCode]).toEqual([url, method, payload, status])
        expect(res.json().error.where).toBe(where)
      }
    })

    it('dispatches by the most specific category and place, by function to the district else the city', async () => {
      const r1 = await post('/api/dispatch-rules', admin, { id: 'r-city', categoryCode: '03.02', byFunction: '城市管理', basis: '城管局三定方案' })
      expect(r1.statusCode).toBe(201)
      expect(r1.json()).toMatchObject({ id: 'r-city', version: 1, byFunction: '城市管理', unitId: null, active: true })
      // Place dh-jb lies in 东湖区, which has its own 城管 → dh-cgj; 西山县 has none → the city's.
      expect(await dispatchTarget(t.db, { categoryCode: '03.02.05', placeUnitId: 'dh-jb' })).toEqual({ unitId: 'dh-cgj', ruleId: 'r-city', basis: '城管局三定方案' })
      expect((await dispatchTarget(t.db, { categoryCode: '03.02.05', placeUnitId: 'xs' }))?.unitId).toBe('cgj')
      expect((await dispatchTarget(t.db, { categoryCode: '03.02.05' }))?.unitId).toBe('cgj')
      // A more specific category beats a place rule on its prefix; a place rule beats an anywhere rule.
      await post('/api/dispatch-rules', admin, { id: 'r-xs', categoryCode: '03.02', placeUnitId: 'xs', unitId: 'sjj' })
      expect((await dispatchTarget(t.db, { categoryCode: '03.02.05', placeUnitId: 'xs' }))?.ruleId).toBe('r-xs')
      await post('/api/dispatch-rules', admin, { id: 'r-leaf', categoryCode: '03.02.05', unitId: 'cgj' })
      expect((await dispatchTarget(t.db, { categoryCode: '03.02.05', placeUnitId: 'xs' }))?.ruleId).toBe('r-leaf')
      // Township duty by function goes to the place's own township, from a community too.
      const duty = await post('/api/dispatch-rules', admin, { id: 'r-duty', categoryCode: '03.03.01', byFunction: '街道乡镇' })
      expect(duty.statusCode).toBe(201)
      expect((await dispatchTarget(t.db, { categoryCode: '03.03.01', placeUnitId: 'dh-jb-sq' }))?.unitId).toBe('dh-jb')
      expect(await dispatchTarget(t.db, { categoryCode: '03.03.01', placeUnitId: 'xs' })).toBeNull()

      const s = await get('/api/tickets/suggest-dispatch?categoryCode=03.02.05&placeUnitId=dh-jb', operator)
      expect(s.statusCode).toBe(200)
      expect(s.json()).toMatchObject({ unit: { id: 'cgj', name: '青川市城市管理局' }, rule: { id: 'r-leaf' } })
      expect((await get('/api/tickets/suggest-dispatch?categoryCode=03.03.01&placeUnitId=xs', operator)).json()).toEqual({ unit: null, rule: null })
      const bad = await get('/api/tickets/suggest-dispatch?categoryCode=03.02&placeUnitId=dh-jb', admin)
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error.where).toBe('categoryCode')
      const badPlace = await get('/api/tickets/suggest-dispatch?categoryCode=03.02.05&placeUnitId=nowhere', admin)
      expect(badPlace.json().error.where).toBe('placeUnitId')
    })

    it('refuses to push a department\'s work to a township, naming 国办函〔2025〕66号', async () => {
      const res = await post('/api/dispatch-rules', admin, { categoryCode: '03.02.05', unitId: 'dh-jb' })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_DISPATCH_REFUSED', where: 'unitId' })
      expect(res.json().error.message).toContain('国办函〔2025〕66号')
      const byFn = await post('/api/dispatch-rules', admin, { categoryCode: '03.02', byFunction: '街道乡镇' })
      expect(byFn.json().error).toMatchObject({ code: 'DUBAN_ERR_DISPATCH_REFUSED', where: 'byFunction' })

      for (const unitId of ['dh-jb', 'dh-jb-sq']) {
        const e = await checkDispatchAllowed(t.db, { categoryCode: '03.02.05', unitId }).catch((x: unknown) => x)
        expect(e).toBeInstanceOf(DubanError)
        expect((e as DubanError).code).toBe('DUBAN_ERR_DISPATCH_REFUSED')
        expect((e as DubanError).where).toBe('lead')
        expect((e as DubanError).message).toContain('国办函〔2025〕66号')
      }
      await expect(checkDispatchAllowed(t.db, { categoryCode: '03.03.01', unitId: 'dh-jb' })).resolves.toBeUndefined()
      await expect(checkDispatchAllowed(t.db, { categoryCode: '03.02.05', unitId: 'dh-cgj' })).resolves.toBeUndefined()
    })

    it('versions and retires rules, keeping every row', async () => {
      const v2 = await put('/api/dispatch-rules/r-leaf', admin, { categoryCode: '03.02.05', unitId: 'dh-cgj', priority: 10, basis: '改由区城管' })
      expect(v2.statusCode).toBe(200)
      expect(v2.json()).toMatchObject({ id: 'r-leaf', version: 2, unitId: 'dh-cgj' })
      const del = await t.app.inject({ method: 'DELETE', url: '/api/dispatch-rules/r-leaf', headers: auth(admin) })
      expect(del.statusCode).toBe(200)
      expect(del.json()).toMatchObject({ id: 'r-leaf', active: false })
      const current = (await get('/api/dispatch-rules', operator)).json() as { id: string }[]
      expect(current.map((r) => r.id)).not.toContain('r-leaf')
      const all = (await get('/api/dispatch-rules?all=true', admin)).json() as { id: string; version: number; active: boolean }[]
      expect(all.filter((r) => r.id === 'r-leaf').map((r) => [r.version, r.active])).toEqual([[1, false], [2, false]])
      const { rows } = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'dispatch_rule' AND entity_id = 'r-leaf' ORDER BY id`)
      expect(rows.map((r) => r.action)).toEqual(['dispatch_rule.create', 'dispatch_rule.update', 'dispatch_rule.retire'])
    })

    it('retires a category (not while it has children) and hides it from the tree', async () => {
      await post('/api/catalogue', admin, { code: '03.02.06', name: '乱贴广告' })
      const parent = await t.app.inject({ method: 'DELETE', url: '/api/catalogue/03.02', headers: auth(admin) })
      expect(parent.statusCode).toBe(409)
      const del = await t.app.inject({ method: 'DELETE', url: '/api/catalogue/03.02.06', headers: auth(admin) })
      expect(del.statusCode).toBe(200)
      expect(del.json()).toMatchObject({ code: '03.02.06', active: false })
      const tree = JSON.stringify((await get('/api/catalogue', admin)).json())
      expect(tree).not.toContain('03.02.06')
      const e = await currentCategory(t.db, '03.02.06').catch((x: unknown) => x)
      expect((e as DubanError).where).toBe('categoryCode')
      // Re-creating a retired code starts its next version.
      const again = await post('/api/catalogue', admin, { code: '03.02.06', name: '乱贴小广告' })
      expect(again.json()).toMatchObject({ version: 2, active: true })
    })

    it('lets each role do only its part', async () => {
      expect((await get('/api/catalogue', liaison)).statusCode).toBe(200)
      expect((await get('/api/catalogue', leader)).statusCode).toBe(200)
      expect((await post('/api/catalogue', liaison, { code: '05', name: 'x' })).statusCode).toBe(403)
      expect((await post('/api/catalogue', operator, { code: '05', name: 'x' })).statusCode).toBe(403)
      expect((await put('/api/catalogue/03', leader, { name: 'x' })).statusCode).toBe(403)
      expect((await get('/api/catalogue/03/versions', operator)).statusCode).toBe(403)
      expect((await get('/api/dispatch-rules', operator)).statusCode).toBe(200)
      expect((await get('/api/dispatch-rules', liaison)).statusCode).toBe(403)
      expect((await post('/api/dispatch-rules', operator, { categoryCode: '03', unitId: 'cgj' })).statusCode).toBe(403)
      expect((await get('/api/tickets/suggest-dispatch?categoryCode=03.02.05', liaison)).statusCode).toBe(403)
      expect((await get('/api/catalogue')).statusCode).toBe(401)
      expect((await get('/api/dispatch-rules')).statusCode).toBe(401)
    })

    it('serves the public catalogue and places without sign-in, and nothing more', async () => {
      const cat = await get('/api/public/catalogue')
      expect(cat.statusCode).toBe(200)
      const [root] = cat.json()
      expect(Object.keys(root).sort()).toEqual(['children', 'code', 'keywords', 'level', 'name'])
      expect(root.children[0].children[0]).toEqual({ code: '03.02.05', name: '占道经营', level: 3, keywords: [], children: [] })
      const places = await get('/api/public/places')
      expect(places.statusCode).toBe(200)
      const list = places.json() as { id: string; level: string }[]
      expect(list.map((p) => p.id).sort()).toEqual(['dh', 'dh-jb', 'dh-jb-sq', 'xs'])
      expect(list.find((p) => p.id === 'dh-jb')).toEqual({ id: 'dh-jb', name: '江滨街道', parentId: 'dh', level: 'township' })
    })
  })
}
