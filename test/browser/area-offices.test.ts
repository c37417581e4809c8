/**
 * 发文机关 in a browser, at 1280×800 and 390×844, on the real `duban serve --demo`: the admin opens 单位管理 ›
 * 发文机关, sees 云州市 (本级) and its districts with the 落款 and 文号 derived from their names, tries the city's
 * prefix for a district (refused in the dialog, nothing saved) and sets the district's own. A 青龙区 supervisor
 * (数据范围 本部门及以下) then reads on 考核排名 that the 通报 goes out under 青龙区's name, and the downloaded 通报
 * carries the district's 文号 and 落款; the 下发督办单 dialog says the notice goes out under the district's name in its
 * own series (青区督办〔2026〕N号), and the first notice they issue is that series' 1号. On the phone the admin gives
 * 松桥县 a 督办通知单 prefix of its own (松督字), apart from its 通报's, and the notices take it. Nothing is off-screen and no page logs an error but the refusal it provokes.
 * Screenshots go to $DUBAN_SHOTS (default /tmp/duban-offices-shots).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiAs, apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, sayIfNoChromium } from '../support/browser.ts'
import { docxText } from '../support/docx-text.ts'

sayIfNoChromium('test/browser/area-offices.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-offices-shots'
/** Each size sets one district, so the two runs on one server do not depend on each other's order. */
const RUNS = [
  { name: 'desktop', size: DESKTOP, unit: 'ql', district: '青龙区', derivedPrefix: '青龙督通', office: '青龙区人民政府办公室督查室', prefix: '青区督通', noticePrefix: '青区督办', ownNoticePrefix: '', user: 'ql-duchashi' },
  { name: 'phone', size: PHONE, unit: 'sq', district: '松桥县', derivedPrefix: '松桥督通', office: '松桥县人民政府办公室督查室', prefix: '松县督通', noticePrefix: '松县督办', ownNoticePrefix: '松督字', user: 'sq-duchashi' },
] as const

describe.skipIf(!hasChromium)('发文机关: a district signs and numbers its own 通报', () => {
  const suite = browserSuite({ file: 'test/browser/area-offices.test.ts', data: 'duban-offices-data-', shots: SHOTS, expectedConsole: /409|Conflict/ })
  const { problems, signedIn } = suite

  for (const run of RUNS) {
    it(`the admin sets ${run.district}'s office; its supervisor's 通报 is the district's (${run.name})`, async () => {
      /** What the district's notices print: its own prefix when the run sets one, else the one its 通报 prefix gives. */
      const notices = run.ownNoticePrefix || run.noticePrefix
      const page = await signedIn('admin', run.size)
      await page.goto(`${suite.url}/admin/units`)
      await page.locator('.el-tabs__item', { hasText: '发文机关' }).click()
      const list = page.locator('[data-test=office-list]')
      await list.locator('[data-office=yz]').waitFor()
      const row = list.locator('tr').filter({ has: page.locator(`[data-office=${run.unit}]`) })
      await expect.poll(() => row.textContent()).toContain(`${run.district}人民政府督查室`)
      expect(await row.textContent()).toContain(`${run.derivedPrefix}〔`)
      expect(await row.textContent()).toContain(`${run.derivedPrefix.replace(/督通$/, '督办')}〔`)
      expect(await list.locator('tr').filter({ has: page.locator('[data-office=yz]') }).textContent()).toContain('本级')
      expect(await offScreen(page)).toEqual([])

      await row.locator(`[data-test=office-edit-${run.unit}]`).click()
      const dialog = page.locator('.el-dialog').filter({ hasText: `发文机关：${run.district}` })
      await dialog.waitFor()
      await page.waitForTimeout(400) // the dialog's opening animation
      await dialog.locator('input[data-test=office-name]').fill(run.office)
      // The city's prefix is the city's: refused where it is typed, nothing saved.
      await dialog.locator('input[data-test=office-prefix]').fill('云督通')
      await dialog.locator('[data-test=office-save]').click()
      await expect.poll(() => dialog.locator('.el-alert').textContent()).toContain('通报文号前缀')
      expect(await offScreen(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `office-refused-${run.name}.png`) })
      await dialog.locator('input[data-test=office-prefix]').fill(run.prefix)
      // The refusal goes once the prefix is edited.
      await expect.poll(() => dialog.locator('.el-alert').count()).toBe(0)
      // The 督办通知单's prefix follows the 通报's, shown as it is typed.
      await expect.poll(() => dialog.locator('[data-test=office-prefix-example]').textContent()).toContain(`督办通知单印作 ${run.noticePrefix}〔`)
      if (run.ownNoticePrefix) {
        // One of its own, apart from the 通报's: the example says so as it is typed.
        await dialog.locator('input[data-test=office-notice-prefix]').fill(run.ownNoticePrefix)
        await expect.poll(() => dialog.locator('[data-test=office-prefix-example]').textContent()).toContain(`督办通知单印作 ${run.ownNoticePrefix}〔`)
        expect(await offScreen(page)).toEqual([])
        await page.screenshot({ path: join(SHOTS, `office-notice-prefix-${run.name}.png`) })
      }
      await dialog.locator('[data-test=office-save]').click()
      await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain(run.office)
      await dialog.waitFor({ state: 'hidden' })
      expect(await row.textContent()).toContain(`${run.prefix}〔`)
      expect(await row.textContent()).toContain(`${notices}〔`)
      expect(await offScreen(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `offices-${run.name}.png`) })
      await page.context().close()

      // A supervisor of the district, its scope the district (本部门及以下), made by the admin through the API.
      const admin = await apiOkAs(suite.url, 'admin')
      const created = await admin<{ id: string }>('POST', '/users', { username: run.user, displayName: `${run.district}督查室`, password: 'duban-demo-2026', role: 'supervisor', unitId: run.unit })
      await admin('PUT', `/users/${created.id}/scope`, { mode: 'subtree' })

      const sup = await signedIn(run.user, run.size)
      await sup.goto(`${suite.url}/assessment`)
      const line = sup.locator('[data-test=bulletin-office]')
      await expect.poll(() => line.textContent(), { timeout: 10_000 }).toContain(`“${run.office}”名义印发`)
      expect(await line.textContent()).toContain(`${run.prefix}〔`)
      expect(await offScreen(sup)).toEqual([])
      await sup.screenshot({ path: join(SHOTS, `assessment-office-${run.name}.png`) })
      const [download] = await Promise.all([sup.waitForEvent('download'), sup.locator('[data-test=bulletin]').click()])
      const lines = (await docxText(await readFile((await download.path())!))).split('\n')
      expect(lines[0]).toMatch(new RegExp(`^${run.prefix}〔\\d{4}〕1号$`))
      expect(lines.at(-2)).toBe(run.office)

      // 下发督办单 says whose notice it is and in which series; the first one issued is that series' 1号.
      await sup.goto(`${suite.url}/supervision`)
      await sup.locator('button', { hasText: '下发督办单' }).click()
      const issue = sup.locator('.el-dialog', { hasText: '督办事由' })
      await expect.poll(() => issue.locator('[data-test=notice-office]').textContent(), { timeout: 10_000 }).toContain(`以“${run.office}”名义下发，文号 ${notices}〔`)
      expect(await offScreen(sup)).toEqual([])
      await sup.screenshot({ path: join(SHOTS, `notice-office-${run.name}.png`) })
      const own = await apiOkAs(suite.url, run.user)
      const items = await own<{ items: { id: string }[] }>('GET', '/items?limit=1')
      const notice = await own<{ number: string }>('POST', '/supervision/notices', { itemId: items.items[0]!.id, reason: '进度滞后', replyWorkingDays: 3 })
      expect(notice.number).toMatch(new RegExp(`^${notices}〔\\d{4}〕1号$`))
      await sup.context().close()

      // The city's supervisor still reads the city's office.
      const city = await apiAs(suite.url, 'supervisor')
      expect((await city<{ issuingOffice: string }>('GET', '/office/bulletin')).body.issuingOffice).toBe('云州市人民政府督查室')
      expect(problems).toEqual([])
    }, 240_000)
  }
})
