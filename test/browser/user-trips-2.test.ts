/**
 * What real users tripped on (用户踩坑), second walk, in a browser at 1280×800 and 390×844 on the real
 * `duban serve --demo`: a unit liaison on a phone, the 12345 operator and the 督查室.
 * - 申请延期 on a ticket with a date not after its handling due said only 不满足办理条件; it says which condition.
 * - 事项详情 on a phone: the facts (牵头/责任/配合单位, dates) ran past the screen's right edge; they fit.
 * - 事项详情's history named the supervision tick's 催办 as "system"; it says 系统.
 * - 工单详情 on a phone with a long header (多次重复诉求): 返回 stood as 返 over 回; it keeps one line.
 * - 工单详情's history named a ticket's unit 牵头单位 (a task's word); it says 承办单位, as the ticket's facts do.
 * - 改派 of a returned ticket to the unit that returned it said 改派须选择与现牵头单位不同的单位 (a task's word); it says 当前单位.
 * - 并单 on a proposed duplicate merged at the first click, though it closes the ticket, texts the requester and cannot
 *   be undone; it asks first, and 取消 changes nothing.
 * - 受理台: 用此答复 on a 知识库 entry, then 直接办结, stopped at 请选择诉求分类; with no category chosen the entry's own is
 *   taken.
 * - 在线诉求 on a phone: a 详细地址 over 200 characters, a name over 50 or a 撤回 reason over 500 were refused as
 *   请求参数不合法 (nothing a citizen can act on); the fields hold what the API takes, with a counter, and go through.
 * - 在线诉求's header on a phone broke 接诉即办 as 接诉即 over 办; each phrase keeps its line.
 * - 考核排名: 综合得分, what a leader reads, was cut off at the ranking's right edge (1280) or out of view (390); it stays
 *   in view.
 * No page logs an error other than the refusal provoked. Screenshots go to $DUBAN_SHOTS (default
 * /tmp/duban-user-trip-2-shots).
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiAs, apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, pickOption, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-trips-2.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-user-trip-2-shots'
/** 小区物业协调 and 环境卫生 in the demo catalogue; 市住建局 and its liaison. */
const PROPERTY = '01.02.01'
const SANITATION = '01.01.04'
const ZJJ = 'yz-zjj'

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
    const dialog = page.locator('.el-dialog', { hasText: '申请办理期限' }) // a ticket's word, not a task's 申请完成时间
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

  it('改派 of a returned ticket to the same unit says so in a ticket’s words', async () => {
    const t = await submitted('小区维修资金使用不公开，业主无法查询', '13712340001', PROPERTY)
    const hotline = await apiOkAs(suite.url, 'hotline')
    await hotline('POST', `/tickets/${t.id}/events`, { event: 'dispatch', payload: { lead: ZJJ } })
    const zjj = await apiOkAs(suite.url, 'zjj')
    await zjj('POST', `/tickets/${t.id}/events`, { event: 'return', payload: { reason: '维修资金归维修资金中心管理，非本单位职责' } })
    const page = await signedIn('hotline', DESKTOP)
    await page.goto(`${suite.url}/tickets/${t.id}`)
    await page.locator('[data-test=ticket-actions] button', { hasText: '改派' }).click()
    const dialog = page.locator('.el-dialog', { hasText: '承办单位' })
    // As an operator does (pickOption): CI on a clean clone failed with 请填写承办单位 and once with the pick not shown.
    const lead = dialog.locator('.el-select').first()
    await pickOption(page, lead, '住房和城乡建设局', '云州市住房和城乡建设局')
    await dialog.locator('button', { hasText: '提交改派' }).click()
    const error = dialog.locator('.el-alert')
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toContain('改派须选择与当前单位不同的单位')
    expect(await error.textContent()).not.toContain('牵头')
    expect((await hotline<TicketDetail>('GET', `/tickets/${t.id}`)).state).toBe('return_requested')
    await page.context().close()
  }, 120_000)

  it('并单 asks first; 取消 changes nothing, 并单 in the box merges (phone)', async () => {
    const address = '白虎区解放路17号'
    const phone = '13700006666'
    const first = await submitted('解放路17号楼下餐馆油烟直排，熏得家里没法开窗。', phone, SANITATION, address)
    const second = await submitted('解放路17号楼下饭店油烟很大，直接排到居民楼，窗户都不敢开。', phone, SANITATION, address)
    const hotline = await apiOkAs(suite.url, 'hotline')
    await expect
      .poll(async () => (await hotline<{ duplicates: { status: string; primary: { id: string } }[] }>('GET', `/tickets/${second.id}/duplicates`)).duplicates.filter((d) => d.status === 'proposed' && d.primary.id === first.id).length, { timeout: 15_000 })
      .toBe(1)
    const page = await signedIn('hotline', PHONE)
    await page.goto(`${suite.url}/tickets/${second.id}`)
    await page.locator('.el-tabs__item', { hasText: '重复诉求' }).click()
    const row = page.locator('[data-test=duplicate-proposal]', { hasText: first.number })
    await row.locator('[data-test=proposal-merge]').click()
    const box = page.locator('.el-message-box', { hasText: '确认并单' })
    await box.waitFor({ timeout: 10_000 })
    expect(await box.textContent()).toContain(`将 ${second.number} 并入 ${first.number}`)
    expect(await box.textContent()).toContain('不能撤销')
    expect(await offScreen(page)).toEqual([])
    await page.waitForTimeout(400) // the box fades in; for the screenshot only
    await page.screenshot({ path: join(SHOTS, 'merge-confirm-phone.png') })
    await box.locator('button', { hasText: '取消' }).click()
    await box.waitFor({ state: 'hidden' })
    expect((await hotline<TicketDetail>('GET', `/tickets/${second.id}`)).state).toBe('received')
    expect(await row.locator('[data-test=proposal-status]').textContent()).toBe('待处理')
    await row.locator('[data-test=proposal-merge]').click()
    await box.locator('button', { hasText: '并单' }).click()
    await expect.poll(() => page.locator('[data-test=ticket-state]').textContent(), { timeout: 15_000 }).toBe('已并单')
    expect((await hotline<TicketDetail>('GET', `/tickets/${second.id}`)).state).toBe('merged')
    await page.context().close()
  }, 120_000)

  it('受理台: 用此答复 with no category chosen takes the entry’s category, and 直接办结 closes the call', async () => {
    const content = '公司拖欠我三个月工资，我应该去哪里投诉，需要带什么材料？'
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { entries } = await hotline<{ entries: { id: string; title: string; categoryCode: string | null }[] }>('GET', `/knowledge/offer?q=${encodeURIComponent(content)}&limit=3`)
    const entry = entries[0]
    expect(entry?.categoryCode, 'the demo 知识库 answers this ask with an entry of a category').toBeTruthy()
    const page = await signedIn('hotline', DESKTOP)
    await page.waitForURL((u) => u.pathname === '/desk')
    await page.locator('input[name=requesterName]').fill('李女士')
    await page.locator('input[name=requesterPhone]').fill('13655556666')
    await page.locator('textarea[name=content]').fill(content)
    const hint = page.locator('[data-test=knowledge-hint]', { hasText: entry!.title })
    await hint.locator('[data-test=knowledge-use]').click()
    await page.locator('[data-test=desk-answer]').click()
    const created = page.locator('[data-test=desk-created]')
    await expect.poll(() => created.textContent(), { timeout: 15_000 }).toContain('已直接办结')
    expect(await page.locator('[data-test=desk-error]').count()).toBe(0)
    const number = /GD-\d{4}-\d+/.exec((await created.textContent()) ?? '')?.[0]
    expect(number).toBeDefined()
    const { tickets } = await hotline<{ tickets: { id: string; number: string }[] }>('GET', `/tickets?q=${number}`)
    const ticket = await hotline<{ categoryCode: string; state: string }>('GET', `/tickets/${tickets.find((t) => t.number === number)!.id}`)
    expect(ticket.categoryCode).toBe(entry!.categoryCode)
    expect(ticket.state).toBe('closed')
    await page.screenshot({ path: join(SHOTS, 'desk-knowledge-answered.png') })
    await page.context().close()
  }, 120_000)

  it('受理台: 用此答复 before the catalogue has loaded still takes the entry’s category when it arrives', async () => {
    // The CI run of 2026-12-05 failed the test above on a loaded machine: the hint came before the catalogue, so the
    // entry's category was not taken and 直接办结 stopped at 请选择诉求分类. Here the catalogue is held back on purpose.
    const content = '公司拖欠我三个月工资，我应该去哪里投诉，需要带什么材料？'
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { entries } = await hotline<{ entries: { id: string; title: string; categoryCode: string | null }[] }>('GET', `/knowledge/offer?q=${encodeURIComponent(content)}&limit=3`)
    const entry = entries[0]!
    const page = await signedIn('hotline', DESKTOP)
    let release = (): void => {}
    const held = new Promise<void>((r) => (release = r))
    await page.route('**/api/catalogue', async (route) => {
      await held
      await route.continue()
    })
    await page.goto(`${suite.url}/desk`)
    await page.locator('input[name=requesterName]').fill('周先生')
    await page.locator('input[name=requesterPhone]').fill('13655557777')
    await page.locator('textarea[name=content]').fill(content)
    await page.locator('[data-test=knowledge-hint]', { hasText: entry.title }).locator('[data-test=knowledge-use]').click()
    const arrived = page.waitForResponse((r) => r.url().endsWith('/api/catalogue'))
    release()
    await arrived
    await page.locator('[data-test=desk-answer]').click()
    const created = page.locator('[data-test=desk-created]')
    await expect.poll(() => created.textContent(), { timeout: 15_000 }).toContain('已直接办结')
    expect(await page.locator('[data-test=desk-error]').count()).toBe(0)
    const number = /GD-\d{4}-\d+/.exec((await created.textContent()) ?? '')![0]
    const { tickets } = await hotline<{ tickets: { id: string; number: string }[] }>('GET', `/tickets?q=${number}`)
    const ticket = await hotline<{ categoryCode: string }>('GET', `/tickets/${tickets.find((t) => t.number === number)!.id}`)
    expect(ticket.categoryCode).toBe(entry.categoryCode)
    await page.context().close()
  }, 120_000)

  it('在线诉求 on a phone: over-long 详细地址, 姓名 and 撤回原因 are held to what the API takes, and go through', async () => {
    const page = await suite.newPage(PHONE)
    await page.goto(`${suite.url}/public`)
    const category = page.locator('[data-test=public-category] input')
    await expect.poll(() => category.getAttribute('placeholder'), { timeout: 15_000 }).toBe('请选择或搜索')
    await category.click()
    await category.fill('环境卫生')
    await page.locator('.el-cascader__suggestion-item:visible', { hasText: '环境卫生' }).first().click()
    await page.locator('input[name=address]').fill('青龙区人民路'.repeat(50))
    await page.locator('textarea[name=content]').fill('人民路沿街垃圾桶满溢，好几天没人清运，气味很大。')
    await page.locator('input[name=requesterName]').fill('欧阳'.repeat(40))
    await page.locator('input[name=requesterPhone]').fill('13900002222')
    expect((await page.locator('input[name=address]').inputValue()).length).toBe(200)
    expect((await page.locator('input[name=requesterName]').inputValue()).length).toBe(50)
    await page.locator('[data-test=public-submit]').click()
    const number = page.locator('[data-test=public-number]')
    await expect.poll(() => number.textContent(), { timeout: 15_000 }).toMatch(/^GD-\d{4}-\d{6}$/)
    expect(await page.locator('[data-test=public-error]').count()).toBe(0)

    await page.getByRole('button', { name: '查询办理情况' }).click()
    await page.locator('[data-test=withdraw]').click()
    const reason = page.locator('.withdraw textarea')
    await reason.fill('问题已自行解决，'.repeat(80))
    expect((await reason.inputValue()).length).toBe(500)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'public-withdraw-long-reason.png'), fullPage: true })
    await page.locator('[data-test=withdraw-confirm]').click()
    await expect.poll(() => page.locator('[data-test=lookup-state]').textContent(), { timeout: 15_000 }).toBe('已撤回')
    await page.context().close()
  }, 120_000)

  it('在线诉求’s header on a phone keeps 接诉即办 on one line', async () => {
    const page = await suite.newPage(PHONE)
    await page.goto(`${suite.url}/public`)
    const motto = page.locator('.public .top p').first()
    await motto.waitFor({ timeout: 15_000 })
    // The tops of the lines the words 接诉即办 stand on.
    const lines = await motto.evaluate((el) => {
      const text = Array.from(el.querySelectorAll('*')).concat(el).flatMap((e) => Array.from(e.childNodes)).find((n) => n.nodeType === 3 && n.textContent!.includes('接诉即办'))!
      const at = text.textContent!.indexOf('接诉即办')
      const range = document.createRange()
      range.setStart(text, at)
      range.setEnd(text, at + 4)
      return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size
    })
    expect(lines).toBe(1)
    expect(await offScreen(page)).toEqual([])
    await page.context().close()
  }, 60_000)

  for (const [size, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
    it(`考核排名: 综合得分 stays in view at the ranking's right edge (${size})`, async () => {
      const page = await signedIn('leader', viewport)
      await page.goto(`${suite.url}/assessment`)
      const table = page.locator('[data-test=ranking]')
      await table.locator('tbody tr').first().waitFor({ timeout: 20_000 })
      const cut = await table.evaluate((el) => {
        const box = el.getBoundingClientRect()
        const right = Math.min(box.right, window.innerWidth)
        const cells = Array.from(el.querySelectorAll('th, td')).filter((c) => c.textContent?.trim() === '综合得分' || c.matches('td:last-child'))
        return {
          cells: cells.length,
          out: cells.map((c) => c.getBoundingClientRect()).filter((r) => r.width > 0 && (r.right > right + 1 || r.left < box.left - 1)).length,
        }
      })
      expect(cut.cells).toBeGreaterThan(1)
      expect(cut.out).toBe(0)
      await page.screenshot({ path: join(SHOTS, `ranking-score-${size}.png`), fullPage: true })
      await page.context().close()
    }, 120_000)
  }

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
