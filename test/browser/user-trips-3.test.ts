/**
 * What real users tripped on (用户踩坑), third walk, in a browser at 1280×800 and 390×844 on the real
 * `duban serve --demo`: a unit liaison and a leader on a phone, the 督查室, a citizen on the public page.
 * - 台账 on a phone scrolled sideways (seven columns); it is cards, as 工单 is, and a ticket's card says 承办, not 牵头.
 * - 考核排名, 热线看板's 各单位指标 and 事项详情's 各单位办理情况 on a phone scrolled sideways; each shows the columns
 *   that matter and a row opens to the rest.
 * - 事项详情's 来源 showed outline markers only (一、 › (一)); it shows each level's heading with its marker.
 * - 在线诉求: a requester not satisfied with the reply could only rate it; within the 回访时限 they ask for 重办
 *   with a reason, and the ticket goes back to its unit (办理中), the old reply no longer up for rating.
 * - Times showed in the device's time zone: on a laptop set to UTC a ticket due 23:59 (Beijing) showed 15:59; they show
 *   Beijing time everywhere. 签收 on a ticket asked 确认签收该事项 (a task's word); it says 该工单.
 * No page logs an error. Screenshots go to $DUBAN_SHOTS (default /tmp/duban-user-trip-3-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, lookUp, offScreen, PHONE, publicTicket, sayIfNoChromium, sidewaysTables } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-trips-3.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-user-trip-3-shots'
/** 小区物业协调 in the demo catalogue; 市住建局. */
const PROPERTY = '01.02.01'
const ZJJ = 'yz-zjj'

describe.skipIf(!hasChromium)('what users tripped on, third walk, in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/user-trips-3.test.ts', data: 'duban-user-trip-3-data-', shots: SHOTS })
  const { problems, signedIn } = suite

  it('台账 on a phone is cards: no sideways scroll, a ticket’s card names its 承办 unit', async () => {
    const page = await signedIn('zjj', PHONE)
    await page.goto(`${suite.url}/ledger`)
    const cards = page.locator('[data-test=ledger-card]')
    await cards.first().waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-test=ledger] .el-table').count()).toBe(0)
    expect(await offScreen(page)).toEqual([])
    expect(await sidewaysTables(page)).toEqual([])
    const ticket = cards.filter({ hasText: /GD-\d{4}-\d+/ }).first()
    expect(await ticket.textContent()).toContain('承办：')
    expect(await cards.filter({ hasText: /DB-\d{4}-\d+/ }).first().textContent()).toContain('牵头：')
    await page.screenshot({ path: join(SHOTS, 'ledger-cards-phone.png') })
    // A card opens its item.
    await cards.filter({ hasText: /DB-\d{4}-\d+/ }).first().locator('.title').click()
    await page.waitForURL((u) => u.pathname.startsWith('/items/'))
    await page.context().close()
  }, 120_000)

  it('台账 on a desktop stays a table', async () => {
    const page = await signedIn('zjj', DESKTOP)
    await page.goto(`${suite.url}/ledger`)
    await page.locator('[data-test=ledger] tbody tr').first().waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-test=ledger-card]').count()).toBe(0)
    await page.context().close()
  }, 120_000)

  it('考核排名 on a phone: 排名, 单位 and 综合得分 without sideways scroll; a row opens to the rest', async () => {
    const page = await signedIn('leader', PHONE)
    await page.goto(`${suite.url}/assessment`)
    const table = page.locator('[data-test=ranking]')
    await table.locator('tbody tr').first().waitFor({ timeout: 20_000 })
    expect(await sidewaysTables(page)).toEqual([])
    const heads = (await table.locator('thead th').allTextContents()).map((s) => s.trim()).filter(Boolean)
    expect(heads).toEqual(['排名', '单位', '综合得分'])
    await table.locator('tbody tr').first().locator('.el-table__expand-icon').click()
    const detail = table.locator('[data-test=ranking-detail]').first()
    await detail.waitFor({ timeout: 10_000 })
    expect(await detail.textContent()).toMatch(/按时办结率.*超期.*目标完成率.*按时报送率/s)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'ranking-detail-phone.png'), fullPage: true })
    await page.context().close()
  }, 120_000)

  it('热线看板 各单位指标 on a phone: no sideways scroll; a row opens to every rate', async () => {
    const page = await signedIn('leader', PHONE)
    await page.goto(`${suite.url}/hotline`)
    const table = page.locator('[data-test=unit-kpis]')
    await table.locator('tbody tr').first().waitFor({ timeout: 30_000 })
    expect(await sidewaysTables(page)).toEqual([])
    await table.locator('tbody tr').first().locator('.el-table__expand-icon').click()
    const detail = table.locator('[data-test=unit-kpi-detail]').first()
    await detail.waitFor({ timeout: 10_000 })
    expect(await detail.textContent()).toContain('满意率')
    expect(await offScreen(page)).toEqual([])
    await page.context().close()
  }, 120_000)

  it('事项详情: 来源 shows the headings with their markers; 各单位办理情况 fits a phone', async () => {
    const fgw = await apiOkAs(suite.url, 'supervisor')
    const { items } = await fgw<{ items: { id: string; number: string }[] }>('GET', '/items?q=DB-2026-0001&limit=5')
    const task = items.find((i) => i.number === 'DB-2026-0001')
    expect(task, 'the demo plan’s first task').toBeDefined()
    const page = await signedIn('supervisor', PHONE)
    await page.goto(`${suite.url}/items/${task!.id}`)
    const source = page.locator('[data-test=item-source]')
    await source.waitFor({ timeout: 15_000 })
    // demo/plans/sample-plan.txt: 一、稳定经济增长 … (一)扩大有效投资。…
    expect((await source.textContent())?.trim()).toBe('一、稳定经济增长 › (一)扩大有效投资')
    await page.locator('[data-test=item-shares]').waitFor({ timeout: 15_000 })
    expect(await sidewaysTables(page)).toEqual([])
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'item-source-phone.png'), fullPage: true })
    await page.context().close()
  }, 120_000)

  it('在线诉求 on a phone: not satisfied with the reply, the requester asks for 重办 with a reason', async () => {
    const phone = '13711112222'
    const { id, number } = await publicTicket(suite.url, { categoryCode: PROPERTY, content: '小区电梯坏了一周没人修，老人上下楼困难', requesterName: '赵先生', requesterPhone: phone })
    const hotline = await apiOkAs(suite.url, 'hotline')
    await hotline('POST', `/tickets/${id}/events`, { event: 'dispatch', payload: { lead: ZJJ } })
    const zjj = await apiOkAs(suite.url, 'zjj')
    await zjj('POST', `/tickets/${id}/events`, { event: 'accept' })
    await zjj('POST', `/tickets/${id}/events`, { event: 'reply', payload: { text: '已联系物业，电梯配件已订购，预计下周修好' } })

    const page = await suite.newPage(PHONE)
    await lookUp(page, suite.url, number, phone)
    const box = page.locator('[data-test=reopen-box]')
    await box.waitFor({ timeout: 15_000 })
    expect(await box.textContent()).toMatch(/可在 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 前申请重办/)
    await page.locator('[data-test=reopen]').click()
    // No reason: said on the page, nothing sent.
    await page.locator('[data-test=reopen-confirm]').click()
    await expect.poll(() => page.locator('[data-test=reopen-error]').textContent(), { timeout: 5_000 }).toContain('请说明不满意的原因')
    await box.locator('textarea').fill('说好下周修，到现在还没人来，老人还是上不了楼')
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'public-reopen-phone.png'), fullPage: true })
    await page.locator('[data-test=reopen-confirm]').click()
    await expect.poll(() => page.locator('[data-test=lookup-state]').textContent(), { timeout: 15_000 }).toBe('办理中')
    expect(await page.locator('[data-test=lookup-redo]').textContent()).toContain('正在重新办理')
    expect(await page.locator('[data-test=rate-form]').count()).toBe(0)
    expect(await page.locator('[data-test=reopen-box]').count()).toBe(0)
    const ticket = await zjj<{ state: string; counters: { reopens?: number }; history: { event: string; actorRole: string | null }[] }>('GET', `/tickets/${id}`)
    expect(ticket.state).toBe('accepted')
    expect(ticket.counters.reopens).toBe(1)
    expect(ticket.history.at(-1)).toMatchObject({ event: 'reopen', actorRole: 'citizen' })
    await page.screenshot({ path: join(SHOTS, 'public-reopened-phone.png'), fullPage: true })
    await page.context().close()
  }, 120_000)

  it('工单详情 on a device set to UTC shows Beijing time, and 签收 asks about 该工单', async () => {
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { id } = await publicTicket(suite.url, { categoryCode: PROPERTY, content: '小区物业乱收停车费，每月都涨价', requesterName: '孙女士', requesterPhone: '13711113333' })
    await hotline('POST', `/tickets/${id}/events`, { event: 'dispatch', payload: { lead: ZJJ } })
    const { dueAt } = await hotline<{ dueAt: string }>('GET', `/tickets/${id}`)
    expect(dueAt).toMatch(/T23:59:59\+08:00$/)
    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'UTC' })
    const page = await context.newPage()
    page.on('pageerror', (e) => problems.push(`utc page: ${e.message}`))
    await page.goto(`${suite.url}/login`)
    await page.locator('input[name=username]').fill('zjj')
    await page.locator('input[name=password]').fill('duban-demo-2026')
    await page.locator('[data-test=login]').click()
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    await page.goto(`${suite.url}/tickets/${id}`)
    const due = page.locator('[data-test=ticket-due]')
    await expect.poll(() => due.textContent(), { timeout: 15_000 }).toBe(`${dueAt.slice(0, 10)} 23:59`)
    await page.locator('[data-test=ticket-actions] button', { hasText: '签收' }).click()
    const dialog = page.locator('.el-dialog', { hasText: '签收' })
    await expect.poll(() => dialog.textContent(), { timeout: 10_000 }).toContain('确认签收该工单？')
    await context.close()
  }, 120_000)

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
