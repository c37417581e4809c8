/**
 * 消息 in a browser (通知), at 1280×800 and 390×844, on the real `duban serve --demo`: the 督查室 催办s a task of
 * 城管局; its liaison sees the bell's badge go up, opens the drawer, marks all read and the badge goes; the 消息
 * screen lists them; the admin opens 通知渠道 (deliveries, contacts). Nothing is off-screen at phone width and
 * no page logs an error. Screenshots go to $DUBAN_SHOTS (default /tmp/duban-notification-shots).
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/notifications.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-notification-shots'
const SIZES = { desktop: DESKTOP, phone: PHONE } as const
/** Demo liaisons, in the order tried for one with an open task to 催办. */
const LIAISONS = ['sjj', 'cgj', 'wjw', 'zjj', 'fgw', 'qinglong', 'hebin']

describe.skipIf(!hasChromium)('notifications in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/notifications.test.ts', data: 'duban-notification-data-', shots: SHOTS })
  const { problems, signedIn } = suite

  const badge = (page: Page) => page.locator('[data-test=bell-badge] sup')

  for (const [name, size] of Object.entries(SIZES)) {
    it(`a 催办 raises the liaison's badge; reading clears it (${name})`, async () => {
      let LIAISON = ''
      let open: { id: string } | undefined
      for (const who of LIAISONS) {
        const as = await apiOkAs(suite.url, who)
        const me = (await as<{ user: { unitId: string } }>('GET', '/me')).user.unitId
        const { items } = await as<{ items: { id: string; kind: string; state: string; units: { unitId: string; role: string }[] }[] }>('GET', '/items?kind=task&limit=200')
        // 催办 goes to the lead unit: take a task this liaison's own unit leads.
        open = items.find((i) => i.kind === 'task' && ['dispatched', 'accepted'].includes(i.state) && i.units.some((u) => u.role === 'lead' && u.unitId === me))
        if (open) {
          LIAISON = who
          break
        }
      }
      expect(open, 'the demo has an open task for one of its liaisons').toBeDefined()
      const liaison = await apiOkAs(suite.url, LIAISON)
      const supervisor = await apiOkAs(suite.url, 'supervisor')
      await liaison('POST', '/notifications/read-all')
      await supervisor('POST', `/items/${open!.id}/events`, { event: 'remind', payload: { text: `浏览器测试催办（${name}）` } })

      const page = await signedIn(LIAISON, size)
      await expect.poll(async () => (await badge(page).isVisible()) && (await badge(page).textContent())?.trim(), { timeout: 15_000 }).toBe('1')
      expect(await offScreen(page)).toEqual([])
      await page.locator('[data-test=bell]').click()
      const drawer = page.locator('.el-drawer').filter({ hasText: '消息' })
      await expect.poll(() => drawer.locator('[data-test=bell-note]').count(), { timeout: 15_000 }).toBeGreaterThan(0)
      await expect.poll(() => drawer.locator('[data-test=bell-note]').first().textContent()).toContain(`浏览器测试催办（${name}）`)
      await page.waitForTimeout(400)
      const box = await drawer.boundingBox()
      expect(box!.x).toBeGreaterThanOrEqual(-1)
      expect(box!.x + box!.width).toBeLessThanOrEqual(size.width + 1)
      await page.screenshot({ path: join(SHOTS, `bell-drawer-${name}.png`) })
      await drawer.locator('[data-test=read-all]').click()
      await expect.poll(() => badge(page).isVisible(), { timeout: 10_000 }).toBe(false)
      expect((await liaison<{ unread: number }>('GET', '/notifications/unread-count')).unread).toBe(0)

      // 消息 opens on 未读, empty now; 全部 lists the read ones.
      await page.goto(`${suite.url}/notifications`)
      await page.getByText('没有未读消息').waitFor()
      await page.getByText('全部', { exact: true }).click()
      await page.locator('[data-test=note]').first().waitFor()
      await expect.poll(() => page.locator('[data-test=note]').first().textContent()).toContain(`浏览器测试催办（${name}）`)
      expect(await offScreen(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `notifications-${name}.png`) })
      await page.context().close()
    }, 120_000)

    it(`the admin sees the channels, the deliveries and the contacts (${name})`, async () => {
      const page = await signedIn('admin', size)
      await page.goto(`${suite.url}/admin/deliveries`)
      await page.locator('[data-test=channels]').waitFor()
      expect(await page.locator('[data-test=channels]').textContent()).toContain('邮件')
      expect(await offScreen(page)).toEqual([])
      await page.getByText('联系方式', { exact: true }).click()
      await page.locator('[data-test=contact]').first().waitFor()
      const cgj = page.locator('[data-test=contact]').filter({ hasText: 'cgj' })
      await cgj.locator('[data-test=edit-contact]').click()
      // Element Plus puts the attribute on the <input> itself.
      await page.locator('input[data-test=contact-email], [data-test=contact-email] input').fill('cgj@yunzhou.example')
      await page.locator('input[data-test=contact-phone], [data-test=contact-phone] input').fill('13900139000')
      const save = page.locator('[data-test=contact-save]')
      const sb = await save.boundingBox()
      expect(sb!.x + sb!.width).toBeLessThanOrEqual(size.width + 1)
      await save.click()
      await expect.poll(() => cgj.textContent(), { timeout: 10_000 }).toContain('cgj@yunzhou.example')
      expect(await offScreen(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `deliveries-${name}.png`) })
      await page.context().close()
    }, 120_000)
  }

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
