/**
 * A request the server sheds at admission (503 with Retry-After: refused before any work) is sent again by the web
 * app, as security.plugin.ts asks of clients, instead of showing the refusal: a liaison's 签收 at a busy moment goes
 * through once, with one accept in the history, and a citizen's 提交 on the public page makes one request. In a browser on the real `duban serve --demo` (1280×800); the shed
 * answer is played by the browser for the first try only, so the second reaches the server.
 */
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, PHONE, publicTicket, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/shed-retry.test.ts')

/** 小区物业协调 in the demo catalogue; 市住建局. */
const PROPERTY = '01.02.01'
const ZJJ = 'yz-zjj'
/** What security.plugin.ts answers when a route class is at capacity. */
const SHED = { code: 'DUBAN_ERR_OVERLOADED', message: 'write requests are at capacity (in flight)', messageZh: '服务繁忙，请稍后重试', where: 'request' }

describe.skipIf(!hasChromium)('a request the server shed, in a browser', () => {
  // The browser logs the played 503 as a failed resource; that one is expected.
  const suite = browserSuite({ file: 'test/browser/shed-retry.test.ts', data: 'duban-shed-retry-data-', expectedConsole: /status of 503/ })
  const { problems, signedIn } = suite

  it('is sent again after its Retry-After: 签收 goes through once, no error shown', async () => {
    const { id } = await publicTicket(suite.url, { categoryCode: PROPERTY, content: '小区地下车库漏水，墙面渗水严重', requesterName: '周先生', requesterPhone: '13711115555' })
    const hotline = await apiOkAs(suite.url, 'hotline')
    await hotline('POST', `/tickets/${id}/events`, { event: 'dispatch', payload: { lead: ZJJ } })
    const page = await signedIn('zjj', DESKTOP)
    const tries: number[] = []
    await page.route(`**/api/tickets/${id}/events`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      tries.push(Date.now())
      if (tries.length === 1) {
        return route.fulfill({ status: 503, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: JSON.stringify({ error: SHED }) })
      }
      return route.continue()
    })
    await page.goto(`${suite.url}/tickets/${id}`)
    await page.locator('[data-test=ticket-actions] button', { hasText: '签收' }).click()
    await page.locator('[data-test=event-submit]').click()
    await expect.poll(() => page.locator('[data-test=ticket-state]').innerText(), { timeout: 15_000 }).toBe('办理中')
    expect(tries.length).toBe(2)
    // Retry-After: 1 s, honoured (the jitter only adds).
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(1_000)
    expect(await page.locator('.el-dialog .el-alert, .el-message--error').count()).toBe(0)
    const ticket = await hotline<{ state: string; history: { event: string }[] }>('GET', `/tickets/${id}`)
    expect(ticket.state).toBe('accepted')
    expect(ticket.history.filter((h) => h.event === 'accept')).toHaveLength(1)
    await page.context().close()
  }, 120_000)

  it('is shown once it has been shed every time (no endless retry)', async () => {
    const { id } = await publicTicket(suite.url, { categoryCode: PROPERTY, content: '小区绿化带被占用停车，草坪全被压坏', requesterName: '吴女士', requesterPhone: '13711116666' })
    const hotline = await apiOkAs(suite.url, 'hotline')
    await hotline('POST', `/tickets/${id}/events`, { event: 'dispatch', payload: { lead: ZJJ } })
    const page = await signedIn('zjj', DESKTOP)
    let tries = 0
    await page.route(`**/api/tickets/${id}/events`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      tries++
      return route.fulfill({ status: 503, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: JSON.stringify({ error: SHED }) })
    })
    await page.goto(`${suite.url}/tickets/${id}`)
    await page.locator('[data-test=ticket-actions] button', { hasText: '签收' }).click()
    await page.locator('[data-test=event-submit]').click()
    const dialog = page.locator('.el-dialog', { hasText: '签收' })
    await expect.poll(() => dialog.innerText(), { timeout: 20_000 }).toContain('服务繁忙')
    expect(tries).toBe(4)
    expect((await hotline<{ state: string }>('GET', `/tickets/${id}`)).state).toBe('dispatched')
    await page.context().close()
  }, 120_000)

  it('on the public page: 提交 shed once goes through once, its number shown (phone)', async () => {
    const page = await suite.newPage(PHONE)
    let tries = 0
    await page.route('**/api/public/tickets', async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      tries++
      if (tries === 1) return route.fulfill({ status: 503, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: JSON.stringify({ error: SHED }) })
      return route.continue()
    })
    await page.goto(`${suite.url}/public`)
    const category = page.locator('[data-test=public-category] input')
    await expect.poll(() => category.getAttribute('placeholder'), { timeout: 15_000 }).toBe('请选择或搜索')
    await category.click()
    await category.fill('环境卫生')
    await page.locator('.el-cascader__suggestion-item:visible', { hasText: '环境卫生' }).first().click()
    const content = '东风路菜市场门口垃圾桶满了三天没人清运'
    await page.locator('textarea[name=content]').fill(content)
    await page.locator('input[name=requesterName]').fill('郑先生')
    await page.locator('input[name=requesterPhone]').fill('13711117777')
    await page.locator('[data-test=public-submit]').click()
    await expect.poll(() => page.locator('[data-test=public-number]').textContent(), { timeout: 15_000 }).toMatch(/^GD-\d{4}-\d{6}$/)
    expect(tries).toBe(2)
    expect(await page.locator('[data-test=public-error]').count()).toBe(0)
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { tickets } = await hotline<{ tickets: { content?: string; number: string }[] }>('GET', `/tickets?q=${encodeURIComponent('东风路菜市场')}`)
    expect(tickets).toHaveLength(1)
    await page.context().close()
  }, 120_000)

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
