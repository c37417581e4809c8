/** Plan import, review and confirm over HTTP, on every test dialect. */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, importSample, loginDemo, multipartBody, rowCounts, SAMPLE_PLAN, seedDemoCity } from './plans.fixture.ts'

const corpusFile = fileURLToPath(new URL('../../../shared/corpus/seeds/003_0da8fc8906176886.txt', import.meta.url))
const hasCorpus = existsSync(corpusFile)
if (!hasCorpus) console.log(`corpus document missing (${corpusFile}): skipping the corpus import test`)

for (const dialect of testDialects()) {
  describe(`plans over HTTP (${dialect})`, () => {
    let t: TestApp
    let admin: string
    let supervisor: string
    let leader: string
    let liaison: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      admin = await loginDemo(t, 'admin')
      supervisor = await loginDemo(t, 'supervisor')
      leader = await loginDemo(t, 'leader')
      liaison = await loginDemo(t, 'sjj')
    }, 180_000) // seeding hashes eight demo passwords; slow when the whole suite shares the CPU
    afterAll(async () => t?.close())

    it('imports the demo plan as a draft with units, due dates, targets and cadence read from the text', async () => {
      const plan = await importSample(t, admin)
      expect(plan.status).toBe('draft')
      expect(plan.documents).toHaveLength(1)
      expect(plan.title).toBe('云州市2026年重点工作要点')
      expect(plan.year).toBe(2026)
      const included = plan.items.filter((i: any) => i.included)
      expect(included).toHaveLength(15)
      const first = included[0]
      expect(first.title).toBe('扩大有效投资')
      expect(first.units.lead).toMatchObject([{ raw: '市发改委', unitId: 'yz-fgw', confidence: 1 }])
      expect(first.due).toBe('2026-12-31')
      expect(first.targets.length).toBeGreaterThan(0)
      // The document asks every lead unit to report by the 25th; the health item asks quarterly.
      expect(first.cadence).toEqual({ every: 'month', day: 25 })
      expect(first.flags).toContain('cadence-from-document')
      const health = included.find((i: any) => i.title === '提升医疗服务能力')
      expect(health.cadence).toEqual({ every: 'quarter', day: 31 })
      // 2026-10-31 is a Saturday: the task kind forbids due dates off working days, so Friday is proposed.
      const housing = included.find((i: any) => i.title === '推进老旧小区改造')
      expect(housing.due).toBe('2026-10-30')
      expect(housing.flags).toContain('due-shifted')
      // Short names, aliases and 区人民政府 all resolve against the demo city's units.
      const food = included.find((i: any) => i.title === '保障食品药品安全')
      expect(food.units.lead[0].unitId).toBe('yz-sjj')
      const litter = included.find((i: any) => i.title === '推进垃圾分类')
      expect(litter.units.cooperating.map((u: any) => u.unitId)).toEqual(['ql', 'ql-hb'])
      expect(plan.summary.unresolvedUnits).toEqual([])
      expect(plan.summary.problems).toEqual([])
    })

    it('refuses to confirm while an included item has an unmapped unit, naming the item and field, and changes nothing', async () => {
      const text = ['云州市智慧停车工作要点', '一、建设任务', '（一）建设智慧停车平台。（牵头单位：市公安局；配合单位：市交通局、市停车管理中心。完成时间：2026年6月底前）'].join('\n')
      const imported = await call(t, admin, 'POST', '/api/plans', { fileName: 'parking.txt', contentBase64: Buffer.from(text).toString('base64') })
      expect(imported.statusCode, imported.body).toBe(201)
      const plan = imported.json()
      expect(plan.summary.unresolvedUnits).toEqual(['市停车管理中心'])
      const n = plan.items.find((i: any) => i.included).n
      const before = await rowCounts(t)
      const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(res.statusCode).toBe(400)
      const err = res.json().error
      expect(err.code).toBe('DUBAN_ERR_PLAN_INCOMPLETE')
      expect(err.where).toBe(`items[${n}].units.cooperating[1]`)
      expect(err.message).toContain('市停车管理中心')
      expect(await rowCounts(t)).toEqual(before)
      expect((await call(t, admin, 'GET', `/api/plans/${plan.id}`)).json().status).toBe('draft')
      // A person maps it once; the mapping is remembered, so the next import resolves it by itself.
      const mapped = await call(t, admin, 'PATCH', `/api/plans/${plan.id}`, { mappings: [{ raw: '市停车管理中心', unitId: 'yz-cgj', remember: true }] })
      expect(mapped.json().summary.problems).toEqual([])
      expect((await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)).statusCode).toBe(200)
      const again = await call(t, admin, 'POST', '/api/plans', { fileName: 'parking.txt', contentBase64: Buffer.from(text).toString('base64') })
      expect(again.json().summary.unresolvedUnits).toEqual([])
    })

    it('refuses to confirm an item without a lead or responsible unit', async () => {
      const plan = await importSample(t, admin)
      const edit = await call(t, admin, 'PATCH', `/api/plans/${plan.id}/items/2`, { units: { lead: [] } })
      expect(edit.statusCode, edit.body).toBe(200)
      const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(res.statusCode).toBe(400)
      expect(res.json().error.where).toBe('items[2].units.lead')
    })

    it('rejects bad edits field by field and leaves the draft unchanged', async () => {
      const plan = await importSample(t, admin)
      const url = `/api/plans/${plan.id}/items/2`
      const draftBefore = (await call(t, admin, 'GET', `/api/plans/${plan.id}`)).json()
      const before = await rowCounts(t)
      const cases: [unknown, number, string, string][] = [
        [{ colour: 'red' }, 400, 'DUBAN_ERR_VALIDATION', 'body/colour'],
        [{ due: 20261231 }, 400, 'DUBAN_ERR_VALIDATION', 'body/due'],
        [{ due: '2026-02-30' }, 400, 'DUBAN_ERR_VALIDATION', 'due'],
        [{ due: '2026-10-01' }, 400, 'DUBAN_ERR_DUE_NOT_WORKING_DAY', 'due'],
        [{ units: { lead: ['yz-fgw', 'no-such-unit'] } }, 400, 'DUBAN_ERR_VALIDATION', 'units.lead[1]'],
        [{ title: '   ' }, 400, 'DUBAN_ERR_VALIDATION', 'title'],
        [{ cadence: { every: 'month' } }, 400, 'DUBAN_ERR_VALIDATION', 'body/cadence/'],
        [{}, 400, 'DUBAN_ERR_VALIDATION', 'body'],
      ]
      for (const [body, status, code, where] of cases) {
        const res = await call(t, admin, 'PATCH', url, body)
        expect(res.statusCode, JSON.stringify(body)).toBe(status)
        expect(res.json().error.code, JSON.stringify(body)).toBe(code)
        if (where.endsWith('/')) expect(res.json().error.where).toMatch(new RegExp(`^${where}`))
        else expect(res.json().error.where, JSON.stringify(body)).toBe(where)
      }
      const malformed = await t.app.inject({ method: 'PATCH', url, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, payload: '{"title":' })
      expect(malformed.statusCode).toBe(400)
      expect(await rowCounts(t)).toEqual(before)
      expect((await call(t, admin, 'GET', `/api/plans/${plan.id}`)).json().items).toEqual(draftBefore.items)
      expect((await call(t, admin, 'PATCH', `/api/plans/${plan.id}/items/999`, { included: false })).statusCode).toBe(404)
    })

    it('applies edits of title, units, due date, targets, cadence and inclusion', async () => {
      const plan = await importSample(t, admin)
      const res = await call(t, admin, 'PATCH', `/api/plans/${plan.id}/items/2`, {
        title: '扩大有效投资（调整）',
        units: { lead: ['yz-fgw'], cooperating: ['yz-czj'] },
        due: '2026-12-30',
        targets: [{ metric: '重点项目', comparison: '>=', value: 100, unit: '个', text: '重点项目100个以上' }],
        cadence: { every: 'week', weekday: 5 },
      })
      expect(res.statusCode, res.body).toBe(200)
      const item = res.json().items.find((i: any) => i.n === 2)
      expect(item).toMatchObject({
        title: '扩大有效投资（调整）',
        due: '2026-12-30',
        cadence: { every: 'week', weekday: 5 },
        units: { lead: [{ raw: '云州市发展和改革委员会', unitId: 'yz-fgw' }], cooperating: [{ raw: '云州市财政局', unitId: 'yz-czj' }] },
      })
      expect(item.targets).toHaveLength(1)
      const excluded = await call(t, admin, 'PATCH', `/api/plans/${plan.id}/items/2`, { included: false })
      expect(excluded.json().summary.included).toBe(14)
    })

    it('confirms into dispatched tasks numbered DB-YYYY-NNNN with units, events and audit entries, in one go', async () => {
      const plan = await importSample(t, admin)
      await call(t, admin, 'PATCH', `/api/plans/${plan.id}/items/3`, { included: false })
      const before = await rowCounts(t)
      const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(res.statusCode, res.body).toBe(200)
      const { plan: confirmed, tasks } = res.json()
      expect(confirmed.status).toBe('confirmed')
      expect(tasks).toHaveLength(14)
      expect(tasks[0].number).toMatch(/^DB-2026-\d{4}$/)
      const numbers = tasks.map((x: any) => Number(x.number.slice(-4)))
      expect(numbers).toEqual(numbers.map((_: number, i: number) => numbers[0] + i))
      const after = await rowCounts(t)
      expect(after.item - before.item).toBe(14)
      expect(after.item_event - before.item_event).toBe(28)
      expect(after.audit_log - before.audit_log).toBe(15)
      const { rows } = await t.db.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM item WHERE plan_id = $1 GROUP BY state`, [plan.id])
      expect(rows).toEqual([{ state: 'dispatched', n: 14 }])
      const units = await t.db.query(`SELECT unit_id, role FROM item_unit WHERE item_id = $1 ORDER BY role, unit_id`, [tasks[0].id])
      expect(units.rows).toEqual([
        { unit_id: 'yz-czj', role: 'cooperating' },
        { unit_id: 'yz-zrzy', role: 'cooperating' },
        { unit_id: 'yz-fgw', role: 'lead' },
      ])
      const again = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(again.statusCode).toBe(409)
      expect(again.json().error.code).toBe('DUBAN_ERR_PLAN_STATUS_CONFLICT')
      expect((await call(t, admin, 'PATCH', `/api/plans/${plan.id}/items/1`, { included: false })).statusCode).toBe(409)
    })

    it('takes a multipart upload and a choice of documents', async () => {
      const { payload, headers } = multipartBody({ name: 'sample-plan.txt', mime: 'text/plain', content: SAMPLE_PLAN }, { documents: '0' })
      const res = await t.app.inject({ method: 'POST', url: '/api/plans', headers: { ...headers, authorization: `Bearer ${admin}` }, payload })
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json().items.filter((i: any) => i.included)).toHaveLength(15)
      const bad = multipartBody({ name: 'sample-plan.txt', mime: 'text/plain', content: SAMPLE_PLAN }, { documents: '7' })
      const refused = await t.app.inject({ method: 'POST', url: '/api/plans', headers: { ...bad.headers, authorization: `Bearer ${admin}` }, payload: bad.payload })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().error.where).toBe('documents')
    })

    it('refuses imports from leaders and unit liaisons, and bodies that are not a document', async () => {
      const body = { fileName: 'sample-plan.txt', contentBase64: SAMPLE_PLAN.toString('base64') }
      expect((await call(t, leader, 'POST', '/api/plans', body)).statusCode).toBe(403)
      expect((await call(t, liaison, 'POST', '/api/plans', body)).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'POST', url: '/api/plans', payload: body })).statusCode).toBe(401)
      const before = await rowCounts(t)
      const cases: [unknown, string][] = [
        [{ fileName: 'x.txt' }, 'body/contentBase64'],
        [{ fileName: 'x.txt', contentBase64: 'aGVsbG8=', extra: 1 }, 'body/extra'],
        [{ fileName: 7, contentBase64: 'aGVsbG8=' }, 'body/fileName'],
        [{ fileName: 'x.txt', contentBase64: '不是base64' }, 'body/contentBase64'],
      ]
      for (const [b, where] of cases) {
        const res = await call(t, admin, 'POST', '/api/plans', b)
        expect(res.statusCode, JSON.stringify(b)).toBe(400)
        expect(res.json().error.where).toBe(where)
      }
      const empty = await call(t, admin, 'POST', '/api/plans', { fileName: 'x.txt', contentBase64: Buffer.from('你好，这里没有任何工作任务。').toString('base64') })
      expect(empty.statusCode).toBe(400)
      expect(empty.json().error.code).toBe('DUBAN_ERR_PLAN_EMPTY')
      expect(await rowCounts(t)).toEqual(before)
    })

    it('lists plans for reviewers and shows a plan to a leader', async () => {
      const list = await call(t, leader, 'GET', '/api/plans?limit=2')
      expect(list.statusCode).toBe(200)
      expect(list.json().plans).toHaveLength(2)
      expect(list.json().total).toBeGreaterThanOrEqual(2)
      const id = list.json().plans[0].id
      expect((await call(t, leader, 'GET', `/api/plans/${id}`)).statusCode).toBe(200)
      expect((await call(t, leader, 'GET', `/api/plans/nope`)).statusCode).toBe(404)
    })

    it('gives the plan the title, year and issuer of the documents chosen, on import and on every later choice', async () => {
      const TWO = [
        '青川市2026年食品安全工作要点',
        '一、重点任务',
        '（一）加强食品抽检。全年抽检1000批次以上。（牵头单位：市市场监管局。完成时间：2026年6月30日前）',
        '（二）开展校园食品安全守护行动。（牵头单位：市市场监管局。完成时间：2026年9月30日前）',
        '',
        '东湖区2025年卫生健康工作方案',
        '一、主要任务',
        '（一）提升基层医疗服务能力。（牵头单位：市卫健委。完成时间：2025年12月31日前）',
        '（二）推进家庭医生签约。（牵头单位：市卫健委。完成时间：2025年11月30日前）',
        '',
      ].join('\n')
      const res = await call(t, admin, 'POST', '/api/plans', { fileName: 'two.txt', contentBase64: Buffer.from(TWO).toString('base64') })
      expect(res.statusCode, res.body).toBe(201)
      const plan = res.json()
      expect(plan.documents.map((d: any) => [d.title, d.year])).toEqual([
        ['青川市2026年食品安全工作要点', 2026],
        ['东湖区2025年卫生健康工作方案', 2025],
      ])
      // Both chosen: the first title 等2篇, and no year since they differ.
      expect(plan).toMatchObject({ title: '青川市2026年食品安全工作要点 等2篇', year: null })
      const heading = async () => {
        const p = (await call(t, admin, 'GET', `/api/plans/${plan.id}`)).json()
        const listed = (await call(t, admin, 'GET', '/api/plans?limit=100')).json().plans.find((x: any) => x.id === plan.id)
        expect(listed).toMatchObject({ title: p.title, year: p.year, issuer: p.issuer })
        return { title: p.title, year: p.year, issuer: p.issuer }
      }
      const second = await call(t, admin, 'PATCH', `/api/plans/${plan.id}`, { documents: [1] })
      expect(second.statusCode, second.body).toBe(200)
      expect(second.json()).toMatchObject({ title: '东湖区2025年卫生健康工作方案', year: 2025, issuer: null })
      expect(await heading()).toEqual({ title: '东湖区2025年卫生健康工作方案', year: 2025, issuer: null })
      await call(t, admin, 'PATCH', `/api/plans/${plan.id}`, { documents: [0] })
      expect(await heading()).toEqual({ title: '青川市2026年食品安全工作要点', year: 2026, issuer: null })
      await call(t, admin, 'PATCH', `/api/plans/${plan.id}`, { documents: [0, 1] })
      expect(await heading()).toEqual({ title: '青川市2026年食品安全工作要点 等2篇', year: null, issuer: null })
      // Mapping units alone leaves the heading as it is.
      await call(t, admin, 'PATCH', `/api/plans/${plan.id}`, { documents: [1] })
      const mapped = await call(t, admin, 'PATCH', `/api/plans/${plan.id}`, { mappings: [{ raw: '市卫健委', unitId: 'yz-wjw' }] })
      expect(mapped.statusCode, mapped.body).toBe(200)
      expect(await heading()).toEqual({ title: '东湖区2025年卫生健康工作方案', year: 2025, issuer: null })
    })

    it('reads 市…/区… unit names as the document\'s own city or district + the rest', async () => {
      for (const u of [
        { id: 'yz-ntz', name: '云州市农业技术推广中心', parentId: 'yz', level: 'department' },
        { id: 'ql-zwzx', name: '青龙区政务服务中心', parentId: 'ql', level: 'department' },
        { id: 'bh-zwzx', name: '白虎区政务服务中心', parentId: 'bh', level: 'department' },
      ]) expect((await call(t, admin, 'POST', '/api/units', u)).statusCode).toBe(201)
      const TEXT = [
        '云州市2026年农业工作要点',
        '一、重点任务',
        '（一）推广绿色高产技术。（牵头单位：市农业技术推广中心。完成时间：2026年6月30日前）',
        '（二）推进政务服务下沉。（牵头单位：区政务服务中心。完成时间：2026年9月30日前）',
        '（三）加强市场监管。（牵头单位：省市场监管局。完成时间：2026年9月30日前）',
        '',
        '青龙区2026年政务服务工作方案',
        '一、主要任务',
        '（一）推进一网通办。（牵头单位：区政务服务中心。完成时间：2026年11月30日前）',
        '',
      ].join('\n')
      const res = await call(t, admin, 'POST', '/api/plans', { fileName: 'levels.txt', contentBase64: Buffer.from(TEXT).toString('base64') })
      expect(res.statusCode, res.body).toBe(201)
      const plan = res.json()
      expect(plan.documents.map((d: any) => d.title)).toEqual(['云州市2026年农业工作要点', '青龙区2026年政务服务工作方案'])
      const lead = (doc: number, title: string) => plan.items.find((i: any) => i.document === doc && i.title.startsWith(title)).units.lead[0]
      expect(lead(0, '推广绿色高产技术')).toMatchObject({ raw: '市农业技术推广中心', unitId: 'yz-ntz' })
      // The city's plan: 区 could be any of its districts, so a person chooses.
      expect(lead(0, '推进政务服务下沉')).toMatchObject({ raw: '区政务服务中心', unitId: null })
      expect(lead(0, '推进政务服务下沉').candidates.map((c: any) => c.unitId)).toContain('ql-zwzx')
      // Never the city's bureau for the province's.
      expect(lead(0, '加强市场监管')).toMatchObject({ raw: '省市场监管局', unitId: null })
      // 青龙区's own plan: 区 is 青龙区.
      expect(lead(1, '推进一网通办')).toMatchObject({ raw: '区政务服务中心', unitId: 'ql-zwzx' })
    })

    describe.skipIf(!hasCorpus)('a real compilation from the corpus', () => {
      it('imports 003 (22 工作方案 with 20xx years) and lets the reviewer choose documents', async () => {
        const content = readFileSync(corpusFile)
        const res = await call(t, admin, 'POST', '/api/plans', { fileName: '003_0da8fc8906176886.txt', contentBase64: content.toString('base64') })
        expect(res.statusCode, res.body.slice(0, 500)).toBe(201)
        const plan = res.json()
        expect(plan.documents.length).toBeGreaterThan(10)
        expect(plan.items.length).toBeGreaterThan(50)
        // 20xx hides the year: the import year (2026, the test clock) is used and flagged.
        const withDue = plan.items.filter((i: any) => i.due && i.flags.includes('year-assumed'))
        expect(withDue.length).toBeGreaterThan(0)
        expect(withDue[0].due.startsWith('2026-')).toBe(true)
        const tagged = plan.documents.findIndex((d: any) => plan.items.some((i: any) => i.document === d.index && i.included && i.units.lead.length > 0))
        expect(tagged).toBeGreaterThanOrEqual(0)
        const chosen = await call(t, admin, 'PATCH', `/api/plans/${plan.id}`, { documents: [tagged] })
        expect(chosen.statusCode, chosen.body).toBe(200)
        const included = chosen.json().items.filter((i: any) => i.included && i.document === tagged)
        expect(chosen.json().summary.included).toBe(included.length)
        expect(chosen.json().documents.filter((d: any) => d.chosen)).toHaveLength(1)
        // The plan is now titled after the one document taken, not '…方案 等N篇'.
        expect(plan.title).toMatch(/ 等\d+篇$/)
        expect(chosen.json()).toMatchObject({ title: plan.documents[tagged].title, year: plan.documents[tagged].year, issuer: plan.documents[tagged].issuer })
      })
    })
  })
}
