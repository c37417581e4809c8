/**
 * 用户与数据范围 in a browser, at 1280×800 and 390×844, on the real `duban serve --demo`: the admin opens the
 * screen, gives the 分管副市长 the 分管 scope of 市卫健委 in the scope editor, and the leader's ledger and
 * assessment hold only that unit's work at once; then the admin puts the default back. Nothing is off-screen at
 * phone width and no page logs an error. Screenshots go to $DUBAN_SHOTS (default /tmp/duban-scope-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, pickOption, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-scope.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-scope-shots'
const SIZES = { desktop: DESKTOP, phone: PHONE } as const

describe.skipIf(!hasChromium)('the data scope editor in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/user-scope.test.ts', data: 'duban-scope-data-', shots: SHOTS })
  const { problems, signedIn } = suite

  for (const [name, size] of Object.entries(SIZES)) {
    it(`the admin sets a leader's 分管 units and the leader sees only them at once (${name})`, async () => {
      const leader = await apiOkAs(suite.url, 'leader')
      const before = (await leader<{ items: unknown[] }>('GET', '/items?kind=task&limit=500')).items.length

      const page = await signedIn('admin', size)
      await page.goto(`${suite.url}/admin/users`)
      const card = page.locator('[data-test=user]').filter({ hasText: '分管副市长 李领导' })
      await card.waitFor()
      await expect.poll(() => card.locator('[data-test=scope]').textContent()).toContain('全部（默认）')
      expect(await offScreen(page)).toEqual([])
      await card.locator('[data-test=edit-scope]').click()
      const dialog = page.locator('.el-dialog').filter({ hasText: '数据范围：分管副市长 李领导' })
      await dialog.waitFor()
      await expect.poll(() => dialog.locator('[data-test=scope-covered]').textContent()).toContain('全部单位')
      await dialog.locator('[data-test=mode-charge]').click()
      // The unit picker appears with the mode; pickOption opens it until the list shows, types, waits for the filter
      // and clicks the option itself. A multiple select keeps its list open: close it before the screenshot.
      const picker = dialog.locator('[data-test=scope-units]')
      await picker.waitFor()
      await pickOption(page, picker, '卫生健康', '云州市卫生健康委员会')
      await dialog.locator('.el-dialog__title').click()
      const box = await dialog.boundingBox()
      expect(box!.x).toBeGreaterThanOrEqual(-1)
      expect(box!.x + box!.width).toBeLessThanOrEqual(size.width + 1)
      await page.screenshot({ path: join(SHOTS, `scope-dialog-${name}.png`) })
      await dialog.locator('[data-test=scope-save]').click()
      await expect.poll(() => card.locator('[data-test=scope]').textContent(), { timeout: 10_000 }).toContain('分管：云州市卫生健康委员会')
      expect(await offScreen(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `users-${name}.png`) })

      // At once, on the leader's session opened before the change: the ledger and the ranking hold 卫健委's work only.
      const { items } = await leader<{ items: { units: { unitId: string }[] }[] }>('GET', '/items?kind=task&limit=500')
      expect(items.length).toBeGreaterThan(0)
      expect(items.length).toBeLessThan(before)
      for (const i of items) expect(i.units.map((u) => u.unitId)).toContain('yz-wjw')
      const me = await leader<{ scopeUnitIds: string[] | null }>('GET', '/me')
      const period = new Date().toISOString().slice(0, 7)
      const ranking = await leader<{ rows: { unitId: string }[] }>('GET', `/assessment?period=${period}&kind=task`)
      for (const r of ranking.rows) expect(me.scopeUnitIds).toContain(r.unitId)

      // Back to the role's default through the same editor.
      await card.locator('[data-test=edit-scope]').click()
      await dialog.waitFor()
      await dialog.locator('[data-test=mode-default]').click()
      await dialog.locator('[data-test=scope-save]').click()
      await expect.poll(() => card.locator('[data-test=scope]').textContent(), { timeout: 10_000 }).toContain('全部（默认）')
      expect((await leader<{ items: unknown[] }>('GET', '/items?kind=task&limit=500')).items.length).toBe(before)
      await page.context().close()
      expect(problems).toEqual([])
    }, 180_000)
  }
})
