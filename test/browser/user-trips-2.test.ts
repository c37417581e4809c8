/**
 * What real users tripped on (用户踩坑), second walk, in a browser at 1280×800 and 390×844 on the real
 * `duban serve --demo`: a unit liaison on a phone, the 12345 operator and the 督查室.
 * - 申请延期 on a ticket with a date not after its handling due said only 不满足办理条件; it says which condition.
 * - 事项详情 on a phone: the facts (牵头/责任/配合单位, dates) ran past the screen's right edge; they fit.
 * - 事项详情's history named the supervision tick's 催办 as "system"; it says 系统.
 * - 工单详情 on a phone with a long header (多次重复诉求): 返回 stood as 返 over 回; it keeps one line.
 * - 工单详情's history named a ticket's unit 牵头单位 (a task's word); it says 承办单位, as the ticket's facts do.
 * No page logs an error other than the refusal provoked. Screenshots go to $DUBAN_SHOTS (default
 * /tmp/duban-user-trip-2-shots).
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiOkAs, apiAs, browserSuite, hasChromium, OFF_SCREEN_SCRIPT, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-trips-2.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-user-trip-2-shots'
/** 小区物业协调 and 环境卫生 in the demo catalogue; 市住建局 and its liaison. */
const PROPERTY = '01.02.01'
const SANITATION = '01.01.04'
const ZJJ = 'yz-zjj'

const offScreen = (page: Page): Promise<string[]> => page.evaluate(OFF_SCREEN_SCRIPT) as Promise<string[]>

interface TicketDetail {
  id: string
  number: string
  state: string
  dueAt: string | null
  duplicates?: { repeated: { asks: number } | null } | null
}

interface ItemEvent {
  event: string
  actorRole: string | null
}

describe.skipIf(!hasChromium)('what users tripped on, second walk, in a browser', () => {
  // The refusal the first test provokes is logged by the browser as a failed request.
  const suite = browserSuite({ file: 'test/browser/user-trips-2.test.ts', data: 'duban-user-trip-2-data-', shots: SHOTS, expectedConsole: /status of 400/ })
  const { problems, signedIn } = suite
  /** A ticket from the public page, dispatched to 市住建局 and accepted by its liaison. */
  let accepted: TicketDetail

  /** Sends a request from the public page and finds its ticket as the operator. */
  async function submitted(content: string, phone: string, categoryCode: string, address?: string): Promise<TicketDetail> {
    const res = await fetch(`${suite.url}/api/public/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requestType: 'complaint', categoryCode, content, requesterName: '钱女士', requesterPhone: phone, ...(address ? { address } : {}) }),
    })
    expect(res.status).toBe(201)
    const { number } = (await res.json()) as { number: string }
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { tickets } = await hotline<{ tickets: TicketDetail[] }>('GET', `/tickets?q=${number}`)
    const found = tickets.find((t) => t.number === number)
    expect(found, `ticket ${number} is listed`).toBeDefined()
    return found!
  }

  beforeAll(async () => {
    const t = await submitted('楼道堆放杂物无人清理，存在消防隐患', '13712340000', PROPERTY)
    const hotline = await apiOkAs(suite.url, 'hotline')
    await hotline('POST', `/tickets/${t.id}/events`, { event: 'dispatch', payload: { lead: ZJJ } })
    const zjj = await apiOkAs(suite.url, 'zjj')
    await zjj('POST', `/tickets/${t.id}/events`, { event: 'accept' })
    accepted = await zjj<TicketDetail>('GET', `/tickets/${t.id}`)
    expect(accepted.state).toBe('accepted')
  }, 120_000)

  it('申请延期 on a ticket with a date not after its handling due says which condition, on a phone', async () => {
    // A working day before the handling due: the API refuses it for that reason (and changes nothing), not as a holiday.
    const zjj = await apiAs(suite.url, 'zjj')
    const due = new Date(Date.parse(accepted.dueAt!) + 8 * 3600_000) // the due's calendar day in China
    let early = ''
    for (let back = 1; back <= 15 && !early; back++) {
      const day = new Date(due.getTime() - back * 86_400_000).toISOString().slice(0, 10)
      const r = await zjj<{ error: { details: { guard?: string } } }>('POST', `/tickets/${accepted.id}/events`, { event: 'request_extension', payload: { reason: '试探', newDue: day } })
      expect(r.status, `${day}: ${JSON.stringify(r.body)}`).toBe(400)
      if (r.body.error.details.guard === 'newDueAfterHandlingDue') early = day
    }
    expect(early, 'a working day before the handling due').not.toBe('')

    const page = await signedIn('zjj', PHONE)
    await page.goto(`${suite.url}/tickets/${accepted.id}`)
    await page.locator('[data-test=ticket-actions] button', { hasText: '申请延期' }).click()
    const dialog = page.locator('.el-dialog', { hasText: '申请完成时间' })
    await dialog.locator('textarea').fill('需协调消防部门联合检查')
    await dialog.locator('input[name=newDue]').fill(early)
    await dialog.locator('input[name=newDue]').press('Enter')
    await dialog.locator('button', { hasText: '提交申请延期' }).click()
    const error = dialog.locator('.el-alert')
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toContain('申请的办理期限须晚于现办理期限')
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'ticket-extension-early-phone.png') })
    // Nothing changed: the ticket is still being handled.
    expect((await zjj<TicketDetail>('GET', `/tickets/${accepted.id}`)).body.state).toBe('accepted')
    await page.context().close()
  }, 120_000)

  it('事项详情 on a phone: the facts stay within the screen', async () => {
    const zjj = await apiOkAs(suite.url, 'zjj')
    const { items } = await zjj<{ items: { id: string; number: string; kind: string }[] }>('GET', '/items?limit=100')
    const task = items.find((i) => i.number.startsWith('DB-'))
    expect(task, 'the demo gives 市住建局 a plan task').toBeDefined()
    const page = await signedIn('zjj', PHONE)
    await page.goto(`${suite.url}/items/${task!.id}`)
    const facts = page.locator('[data-test=item-facts]')
    await facts.waitFor({ timeout: 15_000 })
    const outside = await facts.evaluate((el) =>
      Array.from(el.querySelectorAll('th, td'))
        .map((c) => ({ text: (c.textContent ?? '').trim().slice(0, 12), right: Math.round(c.getBoundingClientRect().right) }))
        .filter((c) => c.right > window.innerWidth + 1),
    )
    expect(outside).toEqual([])
    expect(await facts.textContent()).toContain('牵头单位')
    await page.screenshot({ path: join(SHOTS, 'item-facts-phone.png'), fullPage: true })
    await page.context().close()
  }, 120_000)

  it('事项详情: the supervision tick’s 催办 is by 系统, not "system"', async () => {
    const supervisor = await apiOkAs(suite.url, 'supervisor')
    const { items } = await supervisor<{ items: { id: string; number: string }[] }>('GET', '/items?overdue=true&limit=100')
    let found: { id: string; number: string } | undefined
    for (const i of items.filter((x) => x.number.startsWith('DB-'))) {
      const { events } = await supervisor<{ events: ItemEvent[] }>('GET', `/items/${i.id}`)
      if (events.some((e) => e.actorRole === 'system')) {
        found = i
        break
      }
    }
    expect(found, 'the demo’s supervision tick reminded an overdue task').toBeDefined()
    const page = await signedIn('supervisor', PHONE)
    await page.goto(`${suite.url}/items/${found!.id}`)
    const history = page.locator('.el-timeline').first()
    await history.waitFor({ timeout: 15_000 })
    const text = (await history.textContent()) ?? ''
    expect(text).not.toMatch(/system/i)
    expect(text).toMatch(/催办\s*· 系统/)
    await page.screenshot({ path: join(SHOTS, 'item-history-system.png'), fullPage: true })
    await page.context().close()
  }, 120_000)

  it('工单详情 on a phone with a long header keeps 返回 on one line', async () => {
    // A caller's third like request is flagged 多次重复诉求: the tag makes the header two lines on a phone.
    const address = '青龙区建设路88号'
    const phone = '13700005555'
    await submitted('建设路88号小区门口的垃圾桶三天没人清运，臭气熏天，苍蝇很多。', phone, SANITATION, address)
    await submitted('建设路88号门口垃圾堆了好几天没有清理，味道很难闻，招了很多苍蝇。', phone, SANITATION, address)
    const third = await submitted('建设路88号门口垃圾又堆满了，这次还有建筑垃圾，没人清理。', phone, SANITATION, address)
    const hotline = await apiOkAs(suite.url, 'hotline')
    await expect
      .poll(async () => (await hotline<TicketDetail>('GET', `/tickets/${third.id}`)).duplicates?.repeated?.asks ?? 0, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(3)
    const page = await signedIn('hotline', PHONE)
    await page.goto(`${suite.url}/tickets/${third.id}`)
    await page.locator('[data-test=ticket-repeated]').waitFor({ timeout: 15_000 })
    // The lines 返回 stands on: one top per line its text's boxes sit at.
    const lines = await page.locator('.el-page-header__back').evaluate((el) => {
      const range = document.createRange()
      range.selectNodeContents(el.querySelector('.el-page-header__title') ?? el)
      return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size
    })
    expect(lines).toBe(1)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'ticket-header-phone.png') })
    await page.context().close()
  }, 120_000)

  it('工单详情: the history names the ticket’s 承办单位, not a 牵头单位', async () => {
    const page = await signedIn('hotline', PHONE)
    await page.goto(`${suite.url}/tickets/${accepted.id}`)
    const history = page.locator('[data-test=ticket-history]')
    await history.waitFor({ timeout: 15_000 })
    await expect.poll(() => history.textContent(), { timeout: 15_000 }).toContain('承办单位：云州市住房和城乡建设局')
    expect(await history.textContent()).not.toContain('牵头单位')
    await page.context().close()
  }, 120_000)

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
