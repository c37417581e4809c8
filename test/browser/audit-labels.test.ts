/**
 * The 审计日志 screen names every action and every kind of record in Chinese (src/domain/audit-actions.ts), at
 * 1280×800 (the table) and 390×844 (the cards): no raw code such as `item.transition` or `supervision_notice`.
 * The demo's own history fills the log (items, 12345 tickets, sign-ins), and a failed sign-in is added on purpose.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { browserSuite, DESKTOP, hasChromium, PHONE, sayIfNoChromium, type ScreenSize } from '../support/browser.ts'

sayIfNoChromium('test/browser/audit-labels.test.ts')

/** A code as the log stores it: lower-case words joined by '.' or '_'. */
const CODE = /[a-z]+(?:[._][a-z]+)+/

describe.skipIf(!hasChromium)('审计日志 shows no raw action codes', () => {
  // The failed sign-in below is provoked on purpose; the browser logs it as a failed resource load.
  const suite = browserSuite({ file: 'test/browser/audit-labels.test.ts', data: 'duban-audit-labels-', expectedConsole: /status of 401/ })

  /** The action and record cells of the rows shown, after `pages` presses of 加载更多. */
  async function shown(page: Page, pages: number): Promise<{ actions: string[]; entities: string[] }> {
    await page.locator('[data-test=audit-action-label]').first().waitFor()
    for (let i = 0; i < pages; i++) {
      const more = page.locator('[data-test=audit-more]')
      if ((await more.count()) === 0) break
      const before = await page.locator('[data-test=audit-action-label]').count()
      await more.click()
      await page.waitForFunction((n) => document.querySelectorAll('[data-test=audit-action-label]').length > n, before)
    }
    const actions = await page.locator('[data-test=audit-action-label]').allInnerTexts()
    const entities = await page.locator('[data-test=audit-entity-label]').allInnerTexts()
    return { actions, entities }
  }

  async function check(size: ScreenSize): Promise<void> {
    // A failed sign-in: the newest row, 登录失败.
    const res = await fetch(`${suite.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'wrong-password-0' }) })
    expect(res.status).toBe(401)
    const page = await suite.signedIn('admin', size)
    await page.goto(`${suite.url}/admin/audit`)
    const { actions, entities } = await shown(page, 4)
    expect(actions.length).toBeGreaterThan(50)
    expect(actions).toContain('登录失败')
    expect(actions.filter((a) => CODE.test(a)), 'action codes shown raw').toEqual([])
    expect(entities.filter((e) => CODE.test(e) || /^[a-z]+$/.test(e.trim())), 'record kinds shown raw').toEqual([])
    for (const a of new Set(actions)) expect(a, 'an action in Chinese').toMatch(/^[\u4e00-\u9fff0-9（）]+$/)
    // Nothing else on the screen outside the 内容 column's data shows a code either.
    const body = await page.locator('.page').innerText()
    const codes = (body.match(/\b[a-z]+(?:\.[a-z_]+)+\b/g) ?? []).filter((c) => !/^(?:[a-z_]+)$/.test(c))
    const rawActions = codes.filter((c) => /^(user|unit|plan|item|ticket|supervision|webhook|knowledge|calendar|office|assessment|catalogue|dispatch_rule)\./.test(c) && !body.includes(`"${c}"`))
    expect(rawActions, 'codes outside the JSON of 内容').toEqual([])
    expect(suite.problems).toEqual([])
    await page.context().close()
  }

  it('at 1280×800: the table', async () => {
    await check(DESKTOP)
  }, 300_000)

  it('at 390×844: the cards', async () => {
    await check(PHONE)
  }, 300_000)
})
