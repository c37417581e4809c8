/**
 * Plan import of a task table in the browser (任务分解表导入): the real `duban serve --demo` in a
 * child process and a headless Chromium (playwright-core), as test/browser/web.test.ts. The
 * supervisor uploads an .xlsx 任务分解表 on 导入计划; review shows the original sheet rows beside the
 * proposed items, and choosing an item marks its row and the cells its fields came from.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { browserSuite, DEMO_PASSWORD, hasChromium, ROOT, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/plan-tables.test.ts')

const PASSWORD = DEMO_PASSWORD
const SHOTS = process.env.DUBAN_SHOTS ?? join(tmpdir(), 'duban-web-shots')

describe.skipIf(!hasChromium)('task-table import in the browser', () => {
  const suite = browserSuite({ file: 'test/browser/plan-tables.test.ts', data: 'duban-tables-data-', shots: SHOTS, persistent: { profile: 'duban-tables-profile-', viewport: { width: 1600, height: 900 } } })

  it('shows the sheet rows beside the items and marks the cells an item came from', async () => {
    const page = await suite.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${suite.url}/login`)
    await page.locator('input[name=username]').fill('supervisor')
    await page.locator('input[name=password]').fill(PASSWORD)
    await page.locator('[data-test=login]').click()
    await page.waitForURL(/\/ledger/)
    await page.goto(`${suite.url}/plans/import`)
    await page.locator('[data-test=plan-upload] input[type=file]').setInputFiles(join(ROOT, 'test/fixtures/tables/t01_xlsx_merged.xlsx'))
    await page.waitForURL(/\/plans\/[^/]+$/)

    const source = page.locator('[data-test=plan-source]')
    await source.waitFor()
    // Both sheets are there, the first one showing, with the merged section row and the task rows.
    expect(await source.locator('.el-tabs__item').allInnerTexts()).toEqual(['任务分解表', '附表2 民生实事'])
    const sheet = source.locator('.el-tab-pane:visible .source-table')
    expect(await sheet.innerText()).toContain('深化工程建设项目审批制度改革')
    expect(await sheet.innerText()).toContain('一、提升政务服务效能')

    // Each item names its row; choosing one marks that row and its cells.
    const items = page.locator('[data-test=plan-items]')
    // (The title sits in an editable box while the plan is a draft: find the row by its source line.)
    const row = items.locator('.el-table__body tr', { hasText: '原表：任务分解表 第6行' })
    expect(await row.locator('textarea').inputValue()).toBe('推进"多测合一"改革')
    await row.click()
    await expect.poll(() => sheet.locator('tr.src-row').count()).toBe(1)
    const marked = sheet.locator('tr.src-row td.src-cell')
    const tags = await marked.locator('.field-tag').allInnerTexts()
    expect(tags).toEqual(expect.arrayContaining(['序号', '任务', '措施', '牵头', '配合', '时限', '备注']))
    // The lead cell merged down from row 5 is carried to row 6 and marked there.
    expect(await sheet.locator('tr.src-row td.src-cell', { hasText: '市住建局' }).count()).toBe(1)
    await page.screenshot({ path: join(SHOTS, 'plan-tables-review.png'), fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)
})
