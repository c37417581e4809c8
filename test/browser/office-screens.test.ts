/**
 * The 督查室's screens in a browser, at 1280×800 and at 390×844 (issue 8: every screen a liaison or a clerk
 * uses works at phone width — navigation in a menu, dialogs that fit), on the real `duban serve --demo`:
 * - 台账 and 事项详情; a liaison opens an event dialog (报送进展) whose submit button is on screen;
 * - the supervisor records a 约谈 on 事项详情 (dialog, saved, shown), issues a 督办单 and withdraws it on 督办;
 * - the admin reads 审计日志 and finds the supervisor's withdrawal.
 * Nothing sticks out of the viewport on any of them, and no page logs an error.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/office-screens.test.ts')

const SIZES = { desktop: DESKTOP, phone: PHONE } as const

/** The element's box lies inside the viewport (what a thumb can reach without sideways scrolling). */
async function onScreen(page: Page, selector: string, width: number): Promise<void> {
  const box = await page.locator(selector).last().boundingBox()
  expect(box, selector).not.toBeNull()
  expect(box!.x, selector).toBeGreaterThanOrEqual(-1)
  expect(box!.x + box!.width, selector).toBeLessThanOrEqual(width + 1)
}

describe.skipIf(!hasChromium)('the office screens in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/office-screens.test.ts', data: 'duban-office-screens-', count404: true })
  const { problems, signedIn } = suite

  for (const [name, size] of Object.entries(SIZES)) {
    it(`台账, 事项详情 and the liaison's event dialog fit (${name})`, async () => {
      const sjj = await apiOkAs(suite.url, 'sjj')
      const { items } = await sjj<{ items: { id: string; state: string }[] }>('GET', '/items?kind=task&limit=100')
      // A task on which the liaison has a button now (its unit leads it and it is not finished).
      let open: { id: string } | undefined
      for (const it of items.filter((i) => ['dispatched', 'accepted'].includes(i.state))) {
        if ((await sjj<{ availableEvents: unknown[] }>('GET', `/items/${it.id}`)).availableEvents.length) {
          open = it
          break
        }
      }
      expect(open, 'the demo has an open task 市市场监管局 can act on').toBeDefined()
      const page = await signedIn('sjj', size)
      await page.goto(`${suite.url}/ledger`)
      await page.locator('[data-test=ledger]').waitFor()
      expect(await offScreen(page)).toEqual([])
      // The way out is on screen whatever the width (the menus fold into one drop-down on a phone).
      await onScreen(page, 'button:has-text("退出")', size.width)

      await page.goto(`${suite.url}/items/${open!.id}`)
      await page.locator('[data-test=item-title]').waitFor()
      expect(await offScreen(page)).toEqual([])
      await page.locator('[data-test=actions] button').first().click()
      await page.locator('[data-test=event-submit]').waitFor()
      await page.waitForTimeout(400) // the dialog's opening animation
      await onScreen(page, '[data-test=event-submit]', size.width)
      expect(await offScreen(page)).toEqual([])
      await page.context().close()
    }, 180_000)

    it(`the supervisor records a 约谈, then issues and withdraws a 督办单 (${name})`, async () => {
      const sup = await apiOkAs(suite.url, 'supervisor')
      const { items } = await sup<{ items: { id: string; number: string; stateType: string }[] }>('GET', '/items?kind=task&limit=100')
      const item = items.find((i) => i.stateType !== 'closed')!
      const page = await signedIn('supervisor', size)
      await page.goto(`${suite.url}/items/${item.id}`)
      await page.locator('[data-test=item-title]').waitFor()
      await page.locator('.el-tabs__item', { hasText: '约谈问责' }).click()
      await page.locator('[data-test=record-add]').click()
      const dialog = page.locator('.el-dialog', { hasText: '记录约谈 / 问责' })
      await dialog.waitFor()
      await page.waitForTimeout(400)
      await dialog.locator('.el-date-editor input').fill('2026-11-30')
      await dialog.locator('.el-date-editor input').press('Enter')
      await dialog.getByPlaceholder('例如：督查室王督查').fill(`督查室王督查；牵头单位负责人（${name}）`)
      await dialog.getByPlaceholder('约谈要求、整改期限或问责决定').fill(`限期整改，每周报送进度（${name}）`)
      expect(await offScreen(page)).toEqual([])
      await onScreen(page, '.el-dialog button:has-text("保存")', size.width)
      await dialog.locator('button', { hasText: '保存' }).click()
      await expect.poll(() => page.locator('[data-test=supervision-records] .el-card').filter({ hasText: `限期整改，每周报送进度（${name}）` }).count(), { timeout: 15_000 }).toBe(1)

      const notice = await sup<{ id: string; number: string }>('POST', '/supervision/notices', { itemId: item.id, reason: `浏览器测试督办（${name}）`, replyWorkingDays: 3 })
      await page.goto(`${suite.url}/supervision`)
      // A table row on a desktop, a card on a phone.
      const row = page.locator('[data-test=notices] .el-table__row, [data-test=notices] [data-test=notice-card]', { hasText: notice.number })
      await row.waitFor()
      expect(await offScreen(page)).toEqual([])
      await row.locator('[data-test=notice-withdraw]').click()
      const box = page.locator('.el-message-box')
      await box.waitFor()
      await page.waitForTimeout(400)
      await onScreen(page, '.el-message-box', size.width)
      await box.locator('input').fill(`误发（${name}）`)
      await box.locator('button', { hasText: '撤回' }).click()
      await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('已撤回')
      expect(await offScreen(page)).toEqual([])
      await page.context().close()
    }, 180_000)

    it(`the admin finds the withdrawal in 审计日志 (${name})`, async () => {
      const page = await signedIn('admin', size)
      await page.goto(`${suite.url}/admin/audit`)
      await page.locator('[data-test=audit-search]').waitFor()
      await page.screenshot({ path: join(tmpdir(), `duban-audit-${name}.png`) })
      await page.locator('[data-test=audit-user] input, input[data-test=audit-user]').first().fill('supervisor')
      await page.locator('[data-test=audit-search]').click()
      await expect.poll(() => page.locator('[data-test=audit-rows]').textContent(), { timeout: 15_000 }).toContain('撤回督办单')
      expect(await offScreen(page)).toEqual([])
      await page.context().close()
    }, 180_000)
  }

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
