/**
 * Plan import of a task table in the browser (任务分解表导入): the real `duban serve --demo` in a
 * child process and a headless Chromium (playwright-core), as test/browser/web.test.ts. The
 * supervisor uploads an .xlsx 任务分解表 on 导入计划; review shows the original sheet rows beside the
 * proposed items, and choosing an item marks its row and the cells its fields came from.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWebIfStale, CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, hasChromium, ROOT, sayIfNoChromium, serveDemo, stopServer, type DemoServer } from '../support/browser.ts'

sayIfNoChromium('test/browser/plan-tables.test.ts')

const PASSWORD = DEMO_PASSWORD
const SHOTS = process.env.DUBAN_SHOTS ?? join(tmpdir(), 'duban-web-shots')

describe.skipIf(!hasChromium)('task-table import in the browser', () => {
  let server: DemoServer
  let browser: BrowserContext
  let dataDir: string
  let profileDir: string

  beforeAll(async () => {
    buildWebIfStale()
    dataDir = mkdtempSync(join(tmpdir(), 'duban-tables-data-'))
    profileDir = mkdtempSync(join(tmpdir(), 'duban-tables-profile-'))
    mkdirSync(SHOTS, { recursive: true })
    server = await serveDemo(dataDir)
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1600, height: 900 },
      locale: 'zh-CN',
    })
  }, 900_000)

  afterAll(async () => {
    await browser?.close()
    await stopServer(server)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    if (profileDir) rmSync(profileDir, { recursive: true, force: true })
  }, 60_000)

  it('shows the sheet rows beside the items and marks the cells an item came from', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/login`)
    await page.locator('input[name=username]').fill('supervisor')
    await page.locator('input[name=password]').fill(PASSWORD)
    await page.locator('[data-test=login]').click()
    await page.waitForURL(/\/ledger/)
    await page.goto(`${server.url}/plans/import`)
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
