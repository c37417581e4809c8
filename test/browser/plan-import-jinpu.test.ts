/**
 * The 金普新区2018 plan imported in the browser (issue 8, 3): the real `duban serve --demo` (云州市) in a child
 * process and headless Chromium. The admin imports 金普新区's unit directory (demo/jinpu/units.csv) on 单位管理 and
 * adds and moves a unit there; the supervisor uploads the plan as a .docx (built from ../shared/corpus 000 when it is
 * there, else from the same lines in test/fixtures) and finishes review with at most 5 decisions: every click
 * that chooses something (a unit for a name, the bulk due date, 确认下发 and its confirmation) is counted. The API
 * then shows no unit matched outside 金普新区. The review screen is checked at 1280×800 and at 390×844.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, OFF_SCREEN_SCRIPT, PHONE, sayIfNoChromium, signIn } from '../support/browser.ts'
import { JINPU_UNITS_CSV, jinpuPlanDocx } from '../support/jinpu-plan.ts'

sayIfNoChromium('test/browser/plan-import-jinpu.test.ts')

const ROLES = ['lead', 'responsible', 'cooperating'] as const

interface Unit { id: string; name: string; parentId: string | null }
interface DraftUnit { raw: string; unitId: string | null; members?: string[]; candidates?: { unitId: string }[] }
interface Plan { id: string; status: string; documents: { jurisdiction?: { unitId: string | null; name: string } | null }[]; items: { n: number; included: boolean; due: string | null; units: Record<(typeof ROLES)[number], DraftUnit[]> }[]; summary: { problems: unknown[]; unresolvedUnits: string[] } }

/** An el-input by its data-test (Element Plus puts the attribute on the <input> itself). */
const input = (scope: Page | ReturnType<Page['locator']>, name: string) => scope.locator(`input[data-test=${name}], [data-test=${name}] input`).first()

/** Every unit id a plan's items point at (matched units and a collective name's members). */
function unitIdsOf(plan: Plan): string[] {
  return plan.items.flatMap((it) => ROLES.flatMap((r) => it.units[r].flatMap((u) => [...(u.unitId ? [u.unitId] : []), ...(u.members ?? []), ...(u.candidates ?? []).map((c) => c.unitId)])))
}

describe.skipIf(!hasChromium)('importing the 金普新区2018 plan in the browser', () => {
  const suite = browserSuite({ file: 'test/browser/plan-import-jinpu.test.ts', data: 'duban-jinpu-data-' })
  const errors: string[] = []

  it('单位管理: the admin imports 金普新区\'s units, adds one and moves it', async () => {
    const page = await (await suite.browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' })).newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    await signIn(page, suite.url, 'admin')
    await page.goto(`${suite.url}/admin/units`)
    await page.locator('[data-test=unit-tree]').waitFor()
    await page.locator('[data-test=unit-import] input[type=file]').setInputFiles(JINPU_UNITS_CSV)
    await page.locator('.el-message--success', { hasText: '已导入 units.csv' }).waitFor()
    await input(page, 'unit-search').fill('金普新区')
    await page.locator('[data-unit=jp]').waitFor()

    // Add a unit under 云州市 by mistake, then move it (调整隶属) under 金普新区.
    await page.locator('[data-test=unit-add]').click()
    const dialog = page.locator('.el-dialog:visible')
    await input(dialog, 'unit-id').fill('jp-tjj')
    await input(dialog, 'unit-name').fill('金普新区统计局')
    await dialog.locator('[data-test=unit-parent]').click()
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^云州市$/ }).click()
    await input(dialog, 'unit-function').fill('统计')
    await dialog.locator('[data-test=unit-save]').click()
    await page.locator('.el-message--success', { hasText: '已保存“金普新区统计局”' }).waitFor()
    const api = await apiOkAs(suite.url, 'admin')
    expect((await api<Unit[]>('GET', '/units')).find((u) => u.id === 'jp-tjj')?.parentId).toBe('yz')

    await input(page, 'unit-search').fill('统计局')
    await page.locator('[data-test=unit-move-jp-tjj]').click()
    await dialog.locator('[data-test=unit-parent]').click()
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^大连市 › 金普新区$/ }).click()
    await dialog.locator('[data-test=unit-save]').click()
    await page.locator('.el-message--success', { hasText: '已将“金普新区统计局”移至 大连市 › 金普新区' }).waitFor()
    expect((await api<Unit[]>('GET', '/units')).find((u) => u.id === 'jp-tjj')?.parentId).toBe('jp')
    await page.close()
  }, 300_000)

  it('the supervisor finishes review of the 金普新区 plan with at most 5 decisions, nothing matched outside 金普新区', async () => {
    const { bytes, source } = await jinpuPlanDocx()
    if (source === 'fixture') console.log('plan-import-jinpu: ../shared/corpus is missing; using the same lines from test/fixtures/plans/jinpu-2018.txt')
    const docx = join(suite.dataDir, '金普新区2018年政务公开工作要点.docx')
    await import('node:fs').then((fs) => fs.writeFileSync(docx, bytes))

    const context = await suite.browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' })
    const page = await context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    await signIn(page, suite.url, 'supervisor')
    await page.goto(`${suite.url}/plans/import`)
    await page.locator('[data-test=plan-upload] input[type=file]').setInputFiles(docx)
    await page.waitForURL(/\/plans\/[^/]+$/)
    await page.locator('[data-test=plan-items]').waitFor()
    const planId = new URL(page.url()).pathname.split('/').pop() as string
    const api = await apiOkAs(suite.url, 'supervisor')
    const units = await api<Unit[]>('GET', '/units')
    const below = new Set(['jp'])
    for (let grew = true; grew; ) {
      grew = false
      for (const u of units) if (u.parentId && below.has(u.parentId) && !below.has(u.id)) (below.add(u.id), (grew = true))
    }

    const imported = await api<Plan>('GET', `/plans/${planId}`)
    expect(imported.documents[0]?.jurisdiction).toEqual({ unitId: 'jp', name: '金普新区' })
    await expect(page.locator('[data-test=plan-jurisdiction]').innerText()).resolves.toContain('辖区：金普新区')
    // 环境保护局 and 民政局 are 金普新区's, not 云州市's.
    const outside = unitIdsOf(imported).filter((id) => !below.has(id))
    expect(outside).toEqual([])
    const byRaw = new Map(imported.items.flatMap((it) => ROLES.flatMap((r) => it.units[r])).map((u) => [u.raw, u]))
    expect(byRaw.get('环境保护局')?.unitId).toBe('jp-hbj')
    expect(byRaw.get('民政局')?.unitId).toBe('jp-mzj')
    expect(byRaw.get('各街道')?.members?.length).toBe(25)

    // The phone-width check of the review screen, before any decision.
    await page.setViewportSize(PHONE)
    await page.locator('[data-test=plan-items]').waitFor()
    expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
    await page.screenshot({ path: join(suite.dataDir, 'jinpu-review-phone.png'), fullPage: true })
    await page.setViewportSize(DESKTOP)

    let decisions = 0
    // Decision: every item without a due date gets 年底 at once.
    if (await page.locator('[data-test=plan-bulk-due]').isVisible()) {
      await page.locator('[data-test=plan-due-year-end]').click()
      decisions++
      await page.locator('[data-test=plan-bulk-due]').waitFor({ state: 'detached' })
    }
    // Decisions: each name still unmatched takes its first suggestion (one click maps it everywhere in the plan).
    for (let guard = 0; guard < 10; guard++) {
      const suggestion = page.locator('[data-test^="suggest-"]').first()
      if ((await suggestion.count()) === 0) break
      const raw = (await suggestion.getAttribute('data-test'))!.slice('suggest-'.length)
      await suggestion.click()
      decisions++
      await page.locator(`[data-test="suggest-${raw}"]`).first().waitFor({ state: 'detached' })
    }
    expect(await page.locator('[data-test^="pick-"]').count()).toBe(0)
    const reviewed = await api<Plan>('GET', `/plans/${planId}`)
    expect(reviewed.summary.problems).toEqual([])
    expect(unitIdsOf(reviewed).filter((id) => !below.has(id))).toEqual([])

    // Decisions: 确认下发 and its confirmation.
    const confirm = page.locator('[data-test=plan-confirm]')
    expect(await confirm.isEnabled()).toBe(true)
    await confirm.click()
    decisions++
    await page.locator('.el-message-box .el-button--primary').click()
    decisions++
    await page.waitForURL(/\/ledger/)
    expect((await api<Plan>('GET', `/plans/${planId}`)).status).toBe('confirmed')
    console.log(`plan-import-jinpu: review finished with ${decisions} decisions`)
    expect(decisions).toBeLessThanOrEqual(5)
    expect(errors).toEqual([])
    await context.close()
  }, 600_000)
})
