/**
 * Every list screen at 1280×800 and at 390×844, as each kind of user opens it on the real `duban serve --demo`: no
 * table scrolls sideways (a column scrolled out of sight — at 1280 the 工单 list's 状态 and 受理时间, the 督办单 list's
 * 回复 and 操作 were — is a column its reader does not see) and the page itself is no wider than the window (a phone
 * gets cards or narrow tables). Screenshots go to $DUBAN_SHOTS (default /tmp/duban-tables-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { browserSuite, DESKTOP, hasChromium, PHONE, sayIfNoChromium, sidewaysTables } from '../support/browser.ts'

sayIfNoChromium('test/browser/tables-in-sight.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-tables-shots'
/** Each demo user and the screens of their menu that hold tables. */
const VISITS: readonly (readonly [string, readonly string[]])[] = [
  ['admin', ['/ledger', '/tickets', '/supervision', '/assessment', '/hotline', '/knowledge', '/admin/units', '/admin/users', '/admin/audit', '/admin/deliveries', '/admin/catalogue', '/notifications', '/desk']],
  ['supervisor', ['/ledger', '/tickets', '/supervision', '/assessment', '/hotline', '/knowledge', '/plans/import']],
  ['leader', ['/ledger', '/assessment', '/hotline', '/supervision']],
  ['zjj', ['/ledger', '/tickets', '/tickets?todo=true', '/supervision', '/notifications']],
  ['hotline', ['/desk', '/tickets', '/knowledge', '/hotline']],
]

describe.skipIf(!hasChromium)('tables at 1280×800 and 390×844: every column in sight', () => {
  const suite = browserSuite({ file: 'test/browser/tables-in-sight.test.ts', data: 'duban-tables-data-', shots: SHOTS })
  const SIZES = [[DESKTOP, 'desktop'], [PHONE, 'phone']] as const

  for (const [size, name] of SIZES) {
    for (const [user, paths] of VISITS) {
      it(`${user} (${name}): no table scrolls sideways, no page is wider than the window`, async () => {
        const page = await suite.signedIn(user, size)
        const found: string[] = []
        for (const path of paths) {
          await page.goto(`${suite.url}${path}`)
          await page.waitForLoadState('networkidle')
          await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => undefined)
          const wide = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 2)
          found.push(...(await sidewaysTables(page)).map((t) => `${path} ${t}`), ...(wide ? [`${path}: the page is wider than the window`] : []))
          await page.screenshot({ path: join(SHOTS, `${user}${path.replace(/[/?=]/g, '-')}-${name}.png`) })
        }
        await page.context().close()
        expect(found).toEqual([])
        expect(suite.problems).toEqual([])
      }, 240_000)
    }
  }
})
