/**
 * Plan import that respects the clerk's time, over HTTP (issue 8, 3): the 金普新区2018 plan resolves its unit names
 * inside 金普新区 only (with a confidence, collective names as sets), resolves nothing in a directory without
 * 金普新区, takes one due date for every undated item, maps a name everywhere for this plan only or remembered,
 * and the remembered mappings are listed, changed and forgotten — on every test dialect.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { JINPU_UNITS_CSV, jinpuPlanText } from '../support/jinpu-plan.ts'
import { call, loginDemo, rowCounts, seedDemoCity } from './plans.fixture.ts'

const ROLES = ['lead', 'responsible', 'cooperating'] as const
type Unit = { raw: string; unitId: string | null; confidence?: number; method?: string; members?: string[]; candidates?: { unitId: string; confidence: number }[] }
type Plan = { id: string; documents: { jurisdiction?: { unitId: string | null; name: string } | null }[]; items: { n: number; included: boolean; due: string | null; units: Record<(typeof ROLES)[number], Unit[]> }[]; summary: { problems: { n: number; field: string }[]; unresolvedUnits: string[] } }

const PLAN = jinpuPlanText()
const body = { fileName: 'jinpu-2018.txt', contentBase64: Buffer.from(PLAN.text).toString('base64') }
const unitsOf = (p: Plan): Unit[] => p.items.flatMap((it) => ROLES.flatMap((r) => it.units[r]))
const byRaw = (p: Plan, raw: string): Unit | undefined => unitsOf(p).find((u) => u.raw === raw)

for (const dialect of testDialects()) {
  describe(`金普新区 plan import over HTTP (${dialect})`, () => {
    let t: TestApp
    let admin: string
    let supervisor: string
    let jinpu: Set<string>

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      admin = await loginDemo(t, 'admin')
      supervisor = await loginDemo(t, 'supervisor')
    }, 300_000)
    afterAll(async () => t?.close())

    it('resolves nothing in a directory that has no 金普新区: no silent match across cities', async () => {
      const res = await call(t, supervisor, 'POST', '/api/plans', body)
      expect(res.statusCode, res.body).toBe(201)
      const plan = res.json() as Plan
      expect(plan.documents[0]?.jurisdiction).toEqual({ unitId: null, name: '金普新区' })
      expect(unitsOf(plan).filter((u) => u.unitId !== null)).toEqual([])
      expect(unitsOf(plan).flatMap((u) => u.candidates ?? [])).toEqual([])
    })

    it('with 金普新区\'s units, matches inside 金普新区 only, with a confidence, and collective names as sets', async () => {
      const imp = await t.app.inject({ method: 'POST', url: '/api/units/import?name=units.csv', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, payload: readFileSync(JINPU_UNITS_CSV) })
      expect(imp.statusCode, imp.body).toBe(200)
      const tree = (await call(t, admin, 'GET', '/api/units')).json() as { id: string; parentId: string | null }[]
      jinpu = new Set(['jp'])
      for (let grew = true; grew; ) {
        grew = false
        for (const u of tree) if (u.parentId && jinpu.has(u.parentId) && !jinpu.has(u.id)) (jinpu.add(u.id), (grew = true))
      }
      const plan = (await call(t, supervisor, 'POST', '/api/plans', body)).json() as Plan
      expect(plan.documents[0]?.jurisdiction).toEqual({ unitId: 'jp', name: '金普新区' })
      const ids = unitsOf(plan).flatMap((u) => [u.unitId, ...(u.members ?? []), ...(u.candidates ?? []).map((c) => c.unitId)]).filter((x): x is string => x !== null)
      expect(ids.filter((id) => !jinpu.has(id))).toEqual([])
      expect(byRaw(plan, '环境保护局')).toMatchObject({ unitId: 'jp-hbj', confidence: 0.9, method: 'normalised' })
      expect(byRaw(plan, '民政局')?.unitId).toBe('jp-mzj')
      expect(byRaw(plan, '编委办')?.unitId).toBe('jp-bwb')
      expect(byRaw(plan, '各街道')).toMatchObject({ unitId: 'jp', method: 'collective' })
      expect(byRaw(plan, '各街道')?.members).toHaveLength(25)
      expect(byRaw(plan, '各功能区')?.members).toHaveLength(4)
      // A qualified collective is a suggestion with its members, not taken.
      expect(byRaw(plan, '各有关部门')).toMatchObject({ unitId: null, candidates: [{ unitId: 'jp', confidence: 0.6 }] })
      expect(plan.summary.unresolvedUnits.sort()).toEqual(['各区直窗口单位', '各有关部门'])
    })

    it('gives every undated item 年底 at once, refuses a holiday and changes nothing then', async () => {
      const plan = (await call(t, supervisor, 'POST', '/api/plans', body)).json() as Plan
      const undated = plan.items.filter((i) => i.included && !i.due).map((i) => i.n)
      expect(undated.length).toBe(15)
      const before = await rowCounts(t)
      const holiday = await call(t, supervisor, 'PATCH', `/api/plans/${plan.id}`, { dueForUndated: '2018-10-01' })
      expect(holiday.statusCode).toBe(400)
      expect(holiday.json().error).toMatchObject({ code: 'DUBAN_ERR_DUE_NOT_WORKING_DAY', where: 'dueForUndated' })
      const bad = await call(t, supervisor, 'PATCH', `/api/plans/${plan.id}`, { dueForUndated: '明年' })
      expect(bad.json().error).toMatchObject({ code: 'DUBAN_ERR_VALIDATION', where: 'dueForUndated' })
      expect(await rowCounts(t)).toEqual(before)
      const res = await call(t, supervisor, 'PATCH', `/api/plans/${plan.id}`, { dueForUndated: '年底' })
      expect(res.statusCode, res.body).toBe(200)
      const after = res.json() as Plan
      // 年底 is the plan year's last working day, as the document's own 2018年底前 was read.
      const yearEnd = plan.items.find((i) => i.due?.startsWith('2018-12'))?.due
      expect(yearEnd).toMatch(/^2018-12-(2\d|3[01])$/)
      for (const n of undated) expect(after.items.find((i) => i.n === n)?.due).toBe(yearEnd)
      // Dates the document gave stay.
      expect(after.items.find((i) => i.due === '2018-11-05')).toBeDefined()
      expect(after.summary.problems.filter((p) => p.field === 'due')).toEqual([])
    })

    it('maps a name everywhere in the plan, for this plan only or remembered for 金普新区', async () => {
      const first = (await call(t, supervisor, 'POST', '/api/plans', body)).json() as Plan
      const members = byRaw(first, '各有关部门')!.members!
      const once = await call(t, supervisor, 'PATCH', `/api/plans/${first.id}`, { mappings: [{ raw: '各区直窗口单位', unitId: 'jp-ggfw', remember: false }, { raw: '各有关部门', unitId: 'jp', memberIds: members, remember: true }] })
      expect(once.statusCode, once.body).toBe(200)
      const mapped = once.json() as Plan
      expect(unitsOf(mapped).filter((u) => u.raw === '各区直窗口单位').every((u) => u.unitId === 'jp-ggfw')).toBe(true)
      expect(byRaw(mapped, '各有关部门')).toMatchObject({ unitId: 'jp', members, method: 'person', confidence: 1 })
      const list = (await call(t, supervisor, 'GET', '/api/unit-mappings')).json() as { raw: string; scopeUnitId: string | null; scopeName: string | null; unitId: string; memberIds: string[] }[]
      expect(list).toContainEqual(expect.objectContaining({ raw: '各有关部门', scopeUnitId: 'jp', scopeName: '金普新区', unitId: 'jp', memberIds: members }))
      expect(list.find((m) => m.raw === '各区直窗口单位')).toBeUndefined()
      // The next 金普新区 plan takes the remembered one; the plan-only one is asked again.
      const next = (await call(t, supervisor, 'POST', '/api/plans', body)).json() as Plan
      expect(byRaw(next, '各有关部门')).toMatchObject({ unitId: 'jp', method: 'mapping', members })
      expect(next.summary.unresolvedUnits).toEqual(['各区直窗口单位'])
    })

    it('lists, changes and forgets remembered mappings; refuses a unit outside the mapping\'s jurisdiction', async () => {
      const auth = { authorization: `Bearer ${supervisor}` }
      const outside = await call(t, supervisor, 'POST', '/api/unit-mappings', { raw: '区环保局', scopeUnitId: 'jp', unitId: 'yz-sthj' })
      expect(outside.statusCode).toBe(400)
      expect(outside.json().error).toMatchObject({ code: 'DUBAN_ERR_UNIT_OUTSIDE_JURISDICTION', where: 'body/unitId' })
      const saved = await call(t, supervisor, 'POST', '/api/unit-mappings', { raw: '区环保局', scopeUnitId: 'jp', unitId: 'jp-hbj' })
      expect(saved.statusCode, saved.body).toBe(201)
      expect(saved.json()).toMatchObject({ raw: '区环保局', scopeUnitId: 'jp', unitId: 'jp-hbj', unitName: '金普新区环境保护局' })
      const changed = await call(t, supervisor, 'POST', '/api/unit-mappings', { raw: '区环保局', scopeUnitId: 'jp', unitId: 'jp-cgj' })
      expect(changed.json()).toMatchObject({ unitId: 'jp-cgj' })
      const gone = await t.app.inject({ method: 'DELETE', url: `/api/unit-mappings?raw=${encodeURIComponent('区环保局')}&scopeUnitId=jp`, headers: auth })
      expect(gone.statusCode, gone.body).toBe(204)
      const list = (await call(t, supervisor, 'GET', '/api/unit-mappings')).json() as { raw: string }[]
      expect(list.find((m) => m.raw === '区环保局')).toBeUndefined()
      // Forgetting it again is the same answer and changes nothing, the audit log included.
      const counts = await rowCounts(t)
      const again = await t.app.inject({ method: 'DELETE', url: `/api/unit-mappings?raw=${encodeURIComponent('区环保局')}&scopeUnitId=jp`, headers: auth })
      expect(again.statusCode).toBe(204)
      expect(await rowCounts(t)).toEqual(counts)
      const liaison = await loginDemo(t, 'sjj')
      expect((await t.app.inject({ method: 'DELETE', url: `/api/unit-mappings?raw=x`, headers: { authorization: `Bearer ${liaison}` } })).statusCode).toBe(403)
    })
  })
}
