/**
 * 群众常说的说法 on the 受理台 in a browser: the real `duban serve --demo` (its catalogue ships keywords), headless
 * Chromium at 1280×800 and 390×844. The operator types the caller's words into 诉求分类: 欠薪 and 老板一直不发工资 find
 * 拖欠工资 (whose name says neither), the suggestion names the keyword that matched, and taking it fills the
 * category; a name match (拖欠) shows no keyword. The admin's 服务目录 search finds the category by 欠薪 too. The
 * admin's edit dialog (编辑分类) adds a 群众说法 (typed, Enter) and removes one (its tag's ×), at 1280 and 390 px: saved
 * as a new version, shown in the row, given by the API; a citizen on the public form (/public, no sign-in) then finds
 * 拖欠工资 by the new words, and by the removed one no more. No console or script errors. Screenshots go to $DUBAN_SHOTS (default /tmp/duban-keywords-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, OFF_SCREEN_SCRIPT, PHONE, sayIfNoChromium, signIn } from '../support/browser.ts'

sayIfNoChromium('test/browser/category-keywords.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-keywords-shots'

describe.skipIf(!hasChromium)('诉求分类 search by 群众说法 in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/category-keywords.test.ts', data: 'duban-keywords-data-', shots: SHOTS })
  const { problems, newPage } = suite

  for (const [label, size] of [['1280', DESKTOP], ['390', PHONE]] as const) {
    it(`finds 拖欠工资 on the desk by 欠薪 and by 老板一直不发工资 at ${label}`, async () => {
      const page = await newPage(size)
      await signIn(page, suite.url, 'hotline')
      await page.waitForURL(/\/desk$/)
      const input = page.locator('[data-test=desk-category] input')
      const items = page.locator('.el-cascader__suggestion-item:visible')

      await input.click()
      await input.fill('欠薪')
      const wage = items.filter({ hasText: '拖欠工资' })
      await expect.poll(() => wage.count(), { timeout: 15_000 }).toBe(1)
      expect(await wage.innerText()).toContain('劳动社保')
      expect(await wage.locator('[data-test=desk-category-said]').innerText()).toBe('（群众说法：欠薪）')
      // The path is shown whole beside the keyword, not cut short (a phone is narrow).
      expect(await wage.locator('span').first().evaluate((el) => [el.textContent, el.scrollWidth <= el.clientWidth])).toEqual(['劳动社保 / 劳动关系 / 拖欠工资', true])
      await page.screenshot({ path: join(SHOTS, `desk-${label}-keyword.png`) })
      await wage.click()
      await expect.poll(() => page.locator('.actions .path').innerText()).toBe('劳动社保 › 劳动关系 › 拖欠工资')

      // The caller's words hold a keyword (老板一直不发工资 holds 不发工资); a name match names no keyword.
      await input.click()
      await input.fill('老板一直不发工资')
      await expect.poll(() => wage.locator('[data-test=desk-category-said]').allInnerTexts(), { timeout: 15_000 }).toEqual(['（群众说法：不发工资）'])
      await input.fill('拖欠')
      await expect.poll(() => wage.locator('[data-test=desk-category-said]').count(), { timeout: 15_000 }).toBe(0)
      expect(await wage.count()).toBe(1)
      // A word no category has finds nothing.
      await input.fill('火星来电')
      await expect.poll(() => page.locator('.el-cascader__empty-text:visible').count(), { timeout: 15_000 }).toBe(1)
      expect(await items.count()).toBe(0)
      await page.context().close()
      expect(problems).toEqual([])
    }, 120_000)
  }

  it('finds 拖欠工资 by 欠薪 on the admin\'s 服务目录 and shows its 群众说法', async () => {
    const page = await newPage(DESKTOP)
    await signIn(page, suite.url, 'admin')
    await page.goto(`${suite.url}/admin/catalogue`)
    await page.locator('input[data-test=catalogue-search]').fill('欠薪')
    const row = page.locator('[data-test=catalogue] .el-table__row', { hasText: '拖欠工资' })
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    expect(await row.first().innerText()).toContain('讨薪')
    expect(await page.locator('[data-test=catalogue] .el-table__row', { hasText: '占道经营' }).count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'catalogue-1280-keyword.png') })
    await page.context().close()
    expect(problems).toEqual([])
  }, 120_000)

  /** What each size's edit adds and removes (the 1280 run goes first). */
  const EDITS = [
    ['1280', DESKTOP, '血汗钱要不回', '包工头跑路'],
    ['390', PHONE, '干活不给钱', '血汗钱要不回'],
  ] as const
  for (const [label, size, add, remove] of EDITS) {
    it(`edits 拖欠工资's 群众说法 in the admin's dialog at ${label} px, and the public form finds it by the new words`, async () => {
      const page = await newPage(size)
      await signIn(page, suite.url, 'admin')
      await page.goto(`${suite.url}/admin/catalogue`)
      await page.locator('input[data-test=catalogue-search]').fill('拖欠工资')
      const row = page.locator('[data-test=catalogue] .el-table__row', { hasText: '拖欠工资' }).first()
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
      expect(await row.innerText()).toContain(remove)
      await row.locator('button', { hasText: '编辑' }).click()
      const dialog = page.locator('.el-dialog', { hasText: '编辑分类' })
      await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(true)
      const words = dialog.locator('[data-test=category-keywords]')
      await expect.poll(() => words.locator('.el-tag').allInnerTexts()).toContain(remove)
      // Remove one by its tag's ×, type a new one and take it with Enter.
      await words.locator('.el-tag', { hasText: remove }).locator('.el-tag__close').click()
      await words.locator('input').pressSequentially(add)
      // allow-create offers the typed words as the first option; Enter takes it.
      await expect.poll(() => page.locator('.el-select-dropdown__item:visible', { hasText: add }).count(), { timeout: 15_000 }).toBeGreaterThan(0)
      await words.locator('input').press('Enter')
      await expect.poll(() => words.locator('.el-tag').allInnerTexts()).toContain(add)
      expect(await words.locator('.el-tag').allInnerTexts()).not.toContain(remove)
      if (size === PHONE) expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `catalogue-${label}-keyword-edit.png`) })
      await dialog.locator('[data-test=category-save]').click()
      await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(false)
      await expect.poll(() => row.innerText(), { timeout: 15_000 }).toContain(add)
      expect(await row.innerText()).not.toContain(remove)
      // Saved as the category's words.
      type Node = { code: string; name: string; keywords?: string[]; children?: Node[] }
      const flat = (ns: Node[]): Node[] => ns.flatMap((n) => [n, ...flat(n.children ?? [])])
      const tree = await (await apiOkAs(suite.url, 'admin'))<Node[]>('GET', '/catalogue')
      const wage = flat(tree).find((n) => n.name === '拖欠工资')!
      expect(wage.keywords).toContain(add)
      expect(wage.keywords).not.toContain(remove)
      await page.context().close()

      // A citizen on the public form finds it by the new words; by the removed one, no more.
      const pub = await newPage(size)
      await pub.goto(`${suite.url}/public`)
      const input = pub.locator('[data-test=public-category] input')
      await expect.poll(() => input.getAttribute('placeholder'), { timeout: 15_000 }).toBe('请选择或搜索')
      const items = pub.locator('.el-cascader__suggestion-item:visible', { hasText: '拖欠工资' })
      await input.click()
      await input.fill(add)
      await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(1)
      await pub.screenshot({ path: join(SHOTS, `public-${label}-keyword.png`) })
      await input.fill(remove)
      await expect.poll(() => pub.locator('.el-cascader__empty-text:visible').count(), { timeout: 15_000 }).toBe(1)
      expect(await items.count()).toBe(0)
      await input.fill(add)
      await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(1)
      await items.click()
      await expect.poll(() => input.inputValue()).toContain('拖欠工资')
      if (size === PHONE) expect(await pub.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
      await pub.context().close()
      expect(problems).toEqual([])
    }, 180_000)
  }
})
