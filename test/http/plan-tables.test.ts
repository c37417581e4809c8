/**
 * Plan import of task tables (任务分解表): every input form through fromBytes + importPlan, as
 * POST /api/plans and `duban import` run it, with the rows and provenance review shows. (The
 * use-case is called directly: the route only decodes the upload and passes the InputText on.)
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBytes } from '../../src/adapters/input/read-input.ts'
import type { Actor } from '../../src/app/deps.ts'
import { seedDemoUnits } from '../../src/app/demo/seed-demo.ts'
import { importPlan } from '../../src/app/plans/import-plan.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/tables/${name}`, import.meta.url)))
const OPERATOR: Actor = { userId: null, role: 'supervisor', unitId: null, scopeUnitIds: null }

describe('plan import of task tables', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp('pglite')
    await seedDemoUnits(t.deps)
  }, 180_000)
  afterAll(async () => t?.close())

  const load = async (name: string) => JSON.parse(JSON.stringify(await importPlan(t.deps, OPERATOR, await fromBytes(fixture(name), name))))

  it('imports an .xlsx with the sheet rows beside items that name the cells each field came from', async () => {
    const plan = await load('t01_xlsx_merged.xlsx')
    expect(plan.title).toBe('云州市2026年优化营商环境重点任务分解表')
    expect(plan.tables.map((x: any) => x.name)).toEqual(['任务分解表', '附表2 民生实事'])
    expect(plan.tables[0].rows[3].cells.map((c: any) => c.text)).toContain('推行企业开办“一网通办”')
    const first = plan.items.find((i: any) => i.included)
    expect(first.title).toBe('推行企业开办"一网通办"')
    expect(first.units.lead.map((u: any) => u.raw)).toEqual(['市市场监管局'])
    expect(first.due).toBe('2026-06-30')
    expect(first.table.source).toEqual({ table: '任务分解表', rows: [4], cells: expect.objectContaining({ number: 'A4', task: 'B4', lead: 'D4', due: 'G4', people: 'F4' }) })
    expect(first.table.people).toEqual(['王明'])
    // The lead cell merged down over rows 5–6 belongs to both rows; a note stays a note.
    const third = plan.items.find((i: any) => i.table?.number === '3')
    expect(third.units.lead.map((u: any) => u.raw)).toEqual(['市住建局'])
    expect(third.table.notes).toBe('试点先行')
  })

  it.each([
    ['t02_xls_biff.xls', 4],
    ['t03_csv_gbk.csv', 4],
    ['t04_docx_vmerge.docx', 4],
    ['t05_doc_word97.doc', 3],
    ['t06_html_rowspan.html', 4],
    ['t10_text_tabs.txt', 3],
    ['t11_xlsx_two_row_header.xlsx', 3],
  ])('imports %s', async (name, rows) => {
    const plan = await load(name)
    expect(plan.items.filter((i: any) => i.included && i.table)).toHaveLength(rows)
  })
})
