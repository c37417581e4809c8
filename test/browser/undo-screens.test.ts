/**
 * Undo with a trace on screen (issue 8 point 5), at 1280×800 and at 390×844, on the real `duban serve --demo`:
 * - the 市市场监管局 liaison corrects its progress report on 事项详情 (更正 dialog, submit on screen), and the
 *   report shows 已更正 with the original beside it;
 * - the supervisor opens 下发督办单 on 事项详情, then on 台账 filtered by the plan ticks a task no unit acted on
 *   and cancels it (撤销下发 dialog), and sees the whole plan refused with the unit's task named;
 * - 督办 and 通知 open for the liaison.
 * Nothing sticks out of the viewport on any of them, and no page logs an error.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/undo-screens.test.ts')

const SIZES = { desktop: DESKTOP, phone: PHONE } as const

/** The element's box lies inside the viewport. */
async function onScreen(page: Page, selector: string, width: number): Promise<void> {
  const box = await page.locator(selector).last().boundingBox()
  expect(box, selector).not.toBeNull()
  expect(box!.x, selector).toBeGreaterThanOrEqual(-1)
  expect(box!.x + box!.width, selector).toBeLessThanOrEqual(width + 1)
}

type Ledger = { items: { id: string; number: string; title: string; state: string; stateType: string; planId: string | null; units: { unitId: string; role: string }[] }[] }

describe.skipIf(!hasChromium)('undo with a trace in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/undo-screens.test.ts', data: 'duban-undo-screens-', expectedConsole: /409 \(Conflict\)/, count404: true })
  const { problems, signedIn } = suite

  for (const [name, size] of Object.entries(SIZES)) {
    it(`the liaison corrects a progress report on 事项详情 (${name})`, async () => {
      const sjj = await apiOkAs(suite.url, 'sjj')
      const { items } = await sjj<Ledger>('GET', '/items?kind=task&limit=100')
      // A task 市市场监管局 leads and can report on: accept it first when it is still only dispatched.
      let target: { id: string } | undefined
      for (const it of items.filter((i) => i.stateType !== 'closed' && i.units.some((u) => u.unitId === 'yz-sjj' && u.role === 'lead'))) {
        const d = await sjj<{ availableEvents: { event: string }[] }>('GET', `/items/${it.id}`)
        if (d.availableEvents.some((e) => e.event === 'accept')) await sjj('POST', `/items/${it.id}/accept`, {})
        const again = await sjj<{ availableEvents: { event: string }[] }>('GET', `/items/${it.id}`)
        if (again.availableEvents.some((e) => e.event === 'report_progress')) {
          target = it
          break
        }
      }
      expect(target, 'the demo has a task 市市场监管局 can report on').toBeDefined()
      await sjj('POST', `/items/${target!.id}/reports`, { text: `本月推进情况（${name}）` })

      const page = await signedIn('sjj', size)
      await page.goto(`${suite.url}/items/${target!.id}`)
      await page.locator('[data-test=item-title]').waitFor()
      await page.locator('.el-tabs__item', { hasText: '进展报送' }).click()
      // A report is a table row on a desktop, a card on a phone (user-trips-5).
      const report = '[data-test=reports] .el-table__row, [data-test=reports] [data-test=report-card]'
      const row = page.locator(report, { hasText: `本月推进情况（${name}）` })
      await row.waitFor()
      await row.locator('[data-test=correct-report]').click()
      await page.locator('[data-test=correction-submit]').waitFor()
      await page.waitForTimeout(400) // the dialog's opening animation
      await page.locator('textarea[data-test=correction-text], [data-test=correction-text] textarea').first().fill(`本月推进情况，数据已核对（${name}）`)
      await page.locator('textarea[data-test=correction-reason], [data-test=correction-reason] textarea').first().fill('报送时漏写')
      expect(await offScreen(page)).toEqual([])
      await onScreen(page, '[data-test=correction-submit]', size.width)
      await page.locator('[data-test=correction-submit]').click()
      const fixed = page.locator(report, { hasText: `本月推进情况，数据已核对（${name}）` })
      await fixed.waitFor({ timeout: 15_000 })
      expect(await fixed.locator('[data-test=report-corrected]').textContent()).toContain('已更正')
      expect(await fixed.textContent()).toContain(`原报：本月推进情况（${name}）`)
      expect(await offScreen(page)).toEqual([])

      // 督办 and 通知 as the liaison sees them.
      for (const path of ['/supervision', '/notifications']) {
        await page.goto(`${suite.url}${path}`)
        await page.waitForLoadState('networkidle')
        expect(await offScreen(page), path).toEqual([])
      }
      await page.context().close()
    }, 240_000)

    it(`the supervisor opens 下发督办单 and cancels a task on 台账, and is told which tasks a unit acted on (${name})`, async () => {
      const sup = await apiOkAs(suite.url, 'supervisor')
      const { items } = await sup<Ledger>('GET', '/items?kind=task&limit=100')
      const planId = items.find((i) => i.planId)!.planId!
      // Tasks of the plan no unit acted on yet: still dispatched, not led by 市市场监管局 (the other test acts there).
      const fresh = items.filter((i) => i.planId === planId && i.state === 'dispatched' && !i.units.some((u) => u.unitId === 'yz-sjj'))
      const task = fresh[name === 'desktop' ? 0 : 1]!
      expect(task, 'the demo plan has dispatched tasks').toBeDefined()

      const page = await signedIn('supervisor', size)
      await page.goto(`${suite.url}/items/${task.id}`)
      await page.locator('[data-test=item-title]').waitFor()
      await page.locator('[data-test=actions] button', { hasText: '下发督办单' }).click()
      await page.locator('.el-dialog', { hasText: '督办事由' }).waitFor()
      await page.waitForTimeout(400)
      expect(await offScreen(page)).toEqual([])
      await onScreen(page, '.el-dialog button:has-text("下发")', size.width)
      await page.keyboard.press('Escape')

      await page.goto(`${suite.url}/ledger?plan=${planId}`)
      await page.locator('[data-test=ledger]').waitFor()
      await page.locator('[data-test=cancel-plan]').waitFor()
      expect(await offScreen(page)).toEqual([])
      // The whole plan: refused, naming the task 市市场监管局 acted on.
      await page.locator('[data-test=cancel-plan]').click()
      await page.locator('[data-test=cancel-submit]').waitFor()
      await page.waitForTimeout(400)
      await page.locator('textarea[data-test=cancel-reason], [data-test=cancel-reason] textarea').first().fill('计划调整')
      expect(await offScreen(page)).toEqual([])
      await onScreen(page, '[data-test=cancel-submit]', size.width)
      await page.locator('[data-test=cancel-submit]').click()
      await page.locator('[data-test=cancel-acted]').waitFor({ timeout: 15_000 })
      expect(await page.locator('[data-test=cancel-acted]').textContent()).toMatch(/DB-\d{4}-\d{4}/)
      expect(await offScreen(page)).toEqual([])
      await page.keyboard.press('Escape')
      await page.waitForTimeout(400)

      // One chosen task: cancelled.
      // A table row at 1280, a card on a phone (台账 turns into cards there).
      const row = size === PHONE
        ? page.locator('[data-test=ledger-card]', { hasText: task.number })
        : page.locator('[data-test=ledger] .el-table__body-wrapper .el-table__row', { hasText: task.number })
      if (!(await row.count())) {
        await page.goto(`${suite.url}/ledger?plan=${planId}&q=${encodeURIComponent(task.number)}`)
        await row.waitFor()
      }
      await row.locator('.el-checkbox').click()
      await expect.poll(() => page.locator('[data-test=cancel-plan]').textContent()).toContain('（1）')
      await page.locator('[data-test=cancel-plan]').click()
      await page.locator('[data-test=cancel-submit]').waitFor()
      await page.waitForTimeout(400)
      await page.locator('textarea[data-test=cancel-reason], [data-test=cancel-reason] textarea').first().fill(`误下发（${name}）`)
      await page.locator('[data-test=cancel-submit]').click()
      await expect.poll(async () => (await sup<{ state: string }>('GET', `/items/${task.id}`)).state, { timeout: 15_000 }).toBe('cancelled')
      await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('已撤销')
      expect(await offScreen(page)).toEqual([])
      await page.context().close()
    }, 240_000)
  }

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
