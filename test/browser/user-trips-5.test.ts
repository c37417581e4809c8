/**
 * What real users tripped on (用户踩坑), fifth walk, in a browser at 390×844 and 1280×800 on the real
 * `duban serve --demo` (with DATABASE_URL set, on a fresh PostgreSQL database of its own): a unit's liaison (联络员)
 * on a phone through a day of 12345 tickets and a plan task, and a citizen on the public page (在线诉求).
 * - 工单: the liaison's list was newest first, closed and open mixed: nothing said what was due soonest. It now
 *   shows 待办 (待签收 and 办理中, with the earliest due and the time left) and 只看待办 lists those, soonest first,
 *   each with the due that matters (签收期限 before 签收, 办理期限 after).
 * - 答复 / 报送进展 with a file over 5 MB uploaded it all, then said 请求内容超过大小限制 (or 附件超过大小限制): the
 *   form now refuses the file as it is chosen, naming it and its size; the chosen file's name shows in full on a phone
 *   (it was "bi…"); an empty 协办单位 says 请选择协办单位 (not 请填写).
 * - 事项详情 进展报送 on a phone scrolled sideways and a report's attachment showed on no report: each report is a
 *   card on a phone, and its files are on it (on the desktop row too).
 * - 在线诉求 took no photo: up to 3 现场照片 now go with a request (POST /api/public/tickets `attachments`, pictures
 *   only); a file that is no picture, or a photo over 5 MB, is refused on choosing with a message, and nothing is sent.
 * - 查询 said only the office's state name (退单审核中, 待签收): it now says where the request is in plain words.
 * No page logs an error but the 404 of the lookups the test makes fail. Screenshots go to $DUBAN_SHOTS
 * (default /tmp/duban-user-trip-5-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, chooseFiles, DESKTOP, hasChromium, lookUp, offScreen, ONE_PIXEL_PNG, PHONE, publicTicket, sayIfNoChromium, sidewaysTables } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-trips-5.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-user-trip-5-shots'
/** 云州市住房和城乡建设局 and its demo liaison. */
const ZJJ = 'yz-zjj'
const LIAISON = 'zjj'
/** 建筑施工扰民, a category the dispatch catalogue sends to 市住建局. */
const NOISE = '01.02.04'

interface TicketRow {
  id: string
  number: string
  state: string
  dueAt: string | null
  acceptDueAt: string | null
  lead: { id: string } | null
}


describe.skipIf(!hasChromium)('what users tripped on, fifth walk, in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/user-trips-5.test.ts', data: 'duban-user-trip-5-data-', shots: SHOTS, postgres: true, expectedConsole: /status of (404|413)/ })
  const { problems, signedIn } = suite

  it('工单 on a phone: the liaison sees 待办 with the earliest due; 只看待办 lists 待签收 and 办理中, soonest due first', async () => {
    const hotline = await apiOkAs(suite.url, 'hotline')
    await hotline('POST', '/tickets', { requestType: 'complaint', categoryCode: NOISE, urgency: 'normal', content: '浏览器测试：工地夜间打桩，噪音很大', requesterName: '王女士', requesterPhone: '13900001111', dispatch: { lead: ZJJ } })
    const zjj = await apiOkAs(suite.url, LIAISON)
    // 待办 is what 市住建局 itself must 签收 or 答复 (its 协办 tickets are not: the unit has no step on them).
    const open = (await Promise.all(['dispatched', 'accepted'].map((s) => zjj<{ tickets: TicketRow[] }>('GET', `/tickets?state=${s}&limit=500`)))).flatMap((r) => r.tickets).filter((t) => t.lead?.id === ZJJ)
    const due = (t: TicketRow) => Date.parse((t.state === 'dispatched' ? t.acceptDueAt ?? t.dueAt : t.dueAt) ?? '9999-12-31')
    // Soonest due first; equal dues by number, as the list orders them (two tickets can fall due at one instant).
    const soonest = [...open].sort((a, b) => due(a) - due(b) || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0)).map((t) => t.number)
    expect(soonest.length).toBeGreaterThan(1)

    const page = await signedIn(LIAISON, PHONE)
    await page.goto(`${suite.url}/tickets`)
    const todo = page.locator('[data-test=tickets-todo]')
    await expect.poll(() => todo.innerText(), { timeout: 20_000 }).toContain(`待办 ${open.length} 件`)
    expect(await todo.innerText()).toContain(`最早到期：${soonest[0]}`)
    await page.screenshot({ path: join(SHOTS, 'tickets-todo-phone.png'), fullPage: true })
    await todo.click()
    await page.waitForURL(/todo=true/)
    const cards = page.locator('[data-test=tickets] .tcard')
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(open.length)
    const numbers = await page.locator('[data-test=tickets] .tcard .num').allInnerTexts()
    expect(numbers).toEqual(soonest)
    const first = await cards.first().locator('[data-test=ticket-due-left]').innerText()
    expect(first).toMatch(/(签收期限|办理期限) \d{4}-\d{2}-\d{2} \d{2}:\d{2} (还剩|已超) \d+ (天|小时|分钟)/)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'tickets-todo-only-phone.png'), fullPage: true })
    await page.context().close()
  }, 180_000)

  it('工单 on a desktop: 只看待办 is a table sorted by the due that matters', async () => {
    const page = await signedIn(LIAISON, DESKTOP)
    await page.goto(`${suite.url}/tickets?todo=true`)
    const rows = page.locator('[data-test=tickets] tbody tr')
    await rows.first().waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-test=tickets-todo-only] input').isChecked()).toBe(true)
    const dues = await page.locator('[data-test=tickets] [data-test=ticket-due-left]').allInnerTexts()
    const times = dues.map((d) => /(\d{4}-\d{2}-\d{2} \d{2}:\d{2})/.exec(d)?.[1] ?? '')
    expect(times.every(Boolean)).toBe(true)
    expect([...times].sort()).toEqual(times)
    await page.context().close()
  }, 120_000)

  it('a ticket on a phone: 签收, then 协办 / 延期 / 退单 say what is missing, a file over 5 MB is refused by name, 答复 with a photo', async () => {
    const hotline = await apiOkAs(suite.url, 'hotline')
    const t = await hotline<{ id: string; number: string }>('POST', '/tickets', { requestType: 'complaint', categoryCode: NOISE, urgency: 'normal', content: '浏览器测试：工地渣土车不覆盖，一路撒土', requesterName: '赵先生', requesterPhone: '13900002222', dispatch: { lead: ZJJ } })
    const page = await signedIn(LIAISON, PHONE)
    await page.goto(`${suite.url}/tickets/${t.id}`)
    const act = async (label: string) => {
      await page.locator('[data-test=ticket-actions] button', { hasText: label }).first().click()
      await page.locator('[data-test=event-form]').waitFor()
    }
    const cancel = async () => {
      await page.locator('[data-test=event-form] button', { hasText: '取消' }).click()
      await page.locator('[data-test=event-form]').waitFor({ state: 'hidden' })
    }
    const error = () => page.locator('[data-test=event-error]').innerText()
    await act('签收')
    await page.locator('[data-test=event-submit]').click()
    await expect.poll(() => page.locator('[data-test=ticket-state]').innerText(), { timeout: 15_000 }).toBe('办理中')

    await act('协办')
    await page.locator('[data-test=event-submit]').click()
    expect(await error()).toBe('请选择协办单位')
    await cancel()
    for (const label of ['申请延期', '退单']) {
      await act(label)
      await page.locator('[data-test=event-submit]').click()
      expect(await error()).toBe('请填写理由')
      expect(await offScreen(page)).toEqual([])
      await cancel()
    }

    await act('答复')
    await page.locator('[data-test=event-form] textarea[name=text]').fill('已责令施工单位覆盖渣土车，并清扫路面。')
    await chooseFiles(page, '[data-test=event-form]', [{ name: '现场-大图.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(6 * 1024 * 1024, 1) }])
    await expect.poll(error).toBe('附件“现场-大图.jpg”有 6.0 MB，超过 5 MB 的上限，请压缩后再上传')
    await expect.poll(() => page.locator('[data-test=event-files] .el-upload-list__item').count()).toBe(0)
    await chooseFiles(page, '[data-test=event-form]', [{ name: '清扫后的路面照片.png', mimeType: 'image/png', buffer: ONE_PIXEL_PNG }])
    const item = page.locator('[data-test=event-files] .el-upload-list__item')
    await item.waitFor()
    // The whole name is readable on a phone.
    const name = item.locator('.el-upload-list__item-file-name')
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'ticket-reply-photo-phone.png') })
    await page.locator('[data-test=event-submit]').click()
    await expect.poll(() => page.locator('[data-test=ticket-state]').innerText(), { timeout: 15_000 }).toBe('已答复')
    await page.locator('.el-tabs__item', { hasText: '附件（1）' }).click()
    await expect.poll(() => page.locator('.el-tab-pane:visible').innerText()).toContain('清扫后的路面照片.png')
    expect(await offScreen(page)).toEqual([])
    await page.context().close()
  }, 180_000)

  it('事项详情 on a phone: 报送进展 with a photo; the report is a card with its photo, no sideways scroll', async () => {
    const zjj = await apiOkAs(suite.url, LIAISON)
    const { items } = await zjj<{ items: { id: string; number: string; state: string; units: { unitId: string; role: string }[] }[] }>('GET', '/items?kind=task&limit=200')
    const task = items.find((i) => i.state === 'accepted' && i.units.some((u) => u.unitId === ZJJ && u.role === 'lead'))
    expect(task, 'the demo has an accepted task 市住建局 leads').toBeDefined()
    const page = await signedIn(LIAISON, PHONE)
    await page.goto(`${suite.url}/items/${task!.id}`)
    await page.locator('button', { hasText: '报送进展' }).first().click()
    const form = page.locator('[data-test=event-form]')
    await form.waitFor()
    await form.locator('textarea').first().fill('浏览器测试：已完成改造38个，剩余7个本月底前完工。')
    await chooseFiles(page, '[data-test=event-form]', [{ name: '改造现场.png', mimeType: 'image/png', buffer: ONE_PIXEL_PNG }])
    await page.locator('[data-test=event-submit]').click()
    await form.waitFor({ state: 'hidden', timeout: 15_000 })
    await page.locator('.el-tabs__item', { hasText: /进展报送（\d+）/ }).click()
    const card = page.locator('[data-test=report-card]', { hasText: '浏览器测试：已完成改造38个' })
    await card.waitFor({ timeout: 15_000 })
    expect(await card.locator('[data-test=report-attachment]').innerText()).toContain('改造现场.png')
    expect(await sidewaysTables(page)).toEqual([])
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'item-report-phone.png'), fullPage: true })

    // On a desktop the table stays, the photo on the report's row.
    await page.setViewportSize(DESKTOP)
    const row = page.locator('[data-test=reports] tbody tr', { hasText: '浏览器测试：已完成改造38个' })
    await row.waitFor({ timeout: 10_000 })
    expect(await row.locator('[data-test=report-attachment]').innerText()).toContain('改造现场.png')
    await page.context().close()
  }, 180_000)

  it('在线诉求 on a phone: a non-picture and a broken 7 MB "photo" are refused on choosing; a real photo over 5 MB is shrunk; with photos the request gets a number', async () => {
    const page = await suite.newPage(PHONE)
    await page.goto(`${suite.url}/public`)
    // 诉求分类 is a cascader: type to search, click the suggestion.
    await page.locator('[data-test=public-category] input').click()
    await page.keyboard.type('施工扰民')
    await page.locator('.el-cascader__suggestion-item', { hasText: '建筑施工扰民' }).first().click()
    await page.locator('textarea[name=content]').fill('浏览器测试：小区门口工地夜里十一点后还在打桩')
    await page.locator('input[name=requesterName]').fill('李先生')
    await page.locator('input[name=requesterPhone]').fill('139 0000 5555')
    const photoError = page.locator('[data-test=public-photo-error]')
    await chooseFiles(page, '[data-test=public-photos]', [{ name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n') }])
    await expect.poll(() => photoError.innerText()).toBe('“说明.pdf”不是照片，请上传 JPG、PNG、GIF 或 WebP 格式的图片')
    await chooseFiles(page, '[data-test=public-photos]', [{ name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(7 * 1024 * 1024, 1) }])
    await expect.poll(() => photoError.innerText()).toBe('照片“IMG_2041.jpg”有 7.0 MB，超过 5 MB 的上限，请压缩后再上传')
    await expect.poll(() => page.locator('[data-test=public-photos] .el-upload-list__item').count()).toBe(0)
    // A real photo over 5 MB (a 1600×1200 PNG of noise, as a camera's detail) is shrunk in the browser, not refused.
    const big = Buffer.from(await page.evaluate(() => {
      const c = document.createElement('canvas')
      c.width = 1600
      c.height = 1200
      const g = c.getContext('2d')!
      const img = g.createImageData(c.width, c.height)
      for (let i = 0; i < img.data.length; i++) img.data[i] = (i & 3) === 3 ? 255 : Math.floor(Math.random() * 256)
      g.putImageData(img, 0, 0)
      return c.toDataURL('image/png').replace(/^data:[^,]*,/, '')
    }), 'base64')
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024)
    await chooseFiles(page, '[data-test=public-photos]', [{ name: '现场大图.png', mimeType: 'image/png', buffer: big }])
    await expect.poll(() => page.locator('[data-test=public-photos] .el-upload-list__item').count()).toBe(1)
    await chooseFiles(page, '[data-test=public-photos]', [{ name: '工地.png', mimeType: 'image/png', buffer: ONE_PIXEL_PNG }])
    await expect.poll(() => page.locator('[data-test=public-photos] .el-upload-list__item').count()).toBe(2)
    expect(await photoError.count()).toBe(0)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'public-photo-phone.png'), fullPage: true })
    await page.locator('[data-test=public-submit]').click()
    const number = await page.locator('[data-test=public-number]').innerText({ timeout: 15_000 })
    expect(number).toMatch(/^GD-\d{4}-\d{6}$/)

    // The operator sees the photo on the ticket.
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { tickets } = await hotline<{ tickets: { id: string; number: string }[] }>('GET', `/tickets?q=${number}`)
    const t = await hotline<{ attachments: { name: string; mime: string; size: number }[] }>('GET', `/tickets/${tickets.find((x) => x.number === number)!.id}`)
    const sent = [...t.attachments].sort((a, b) => a.name.localeCompare(b.name))
    expect(sent.map((a) => [a.name, a.mime])).toEqual([['工地.png', 'image/png'], ['现场大图.jpg', 'image/jpeg']])
    expect(sent[1]!.size).toBeLessThan(big.length)
    await page.context().close()
  }, 180_000)

  it('在线诉求 查询 on a phone says the number\'s form when it cannot be one, finds one typed loosely, and says where the request is in plain words, at each step', async () => {
    const phone = '13900006666'
    const t = await publicTicket(suite.url, { categoryCode: NOISE, content: '浏览器测试：楼下工地周末也在施工', requesterName: '周女士', requesterPhone: phone })
    const page = await suite.newPage(PHONE)
    const progress = page.locator('[data-test=lookup-progress]')
    // A number that cannot be one says the form (not 没有查到); one typed loosely (gd 2026 000123) is found.
    await lookUp(page, suite.url, '2026-12', phone)
    await expect.poll(() => page.locator('[data-test=lookup-error]').innerText()).toBe('诉求编号的格式是 GD-年份-序号，例如 GD-2026-000123，请核对后再查询')
    await lookUp(page, suite.url, t.number.toLowerCase().replace(/-/g, ' '), phone)
    await expect.poll(() => progress.innerText(), { timeout: 15_000 }).toBe('我们已收到您的诉求，正在交给负责的单位办理。')
    const hotline = await apiOkAs(suite.url, 'hotline')
    const zjj = await apiOkAs(suite.url, LIAISON)
    const step = async (as: typeof hotline, event: string, payload: Record<string, unknown>) => {
      const cur = await as<{ version: number }>('GET', `/tickets/${t.id}`)
      await as('POST', `/tickets/${t.id}/events`, { event, payload, expectedVersion: cur.version })
    }
    await step(hotline, 'dispatch', { lead: ZJJ })
    await page.locator('[data-test=lookup-submit]').click()
    await expect.poll(() => progress.innerText(), { timeout: 15_000 }).toBe('您的诉求已转交承办单位，等待单位接收。')
    await step(zjj, 'return', { reason: '浏览器测试：不属本单位职责' })
    await page.locator('[data-test=lookup-submit]').click()
    await expect.poll(() => progress.innerText(), { timeout: 15_000 }).toBe('承办单位认为此事不归其管理，热线中心正在重新确定办理单位。')
    expect(await page.locator('[data-test=lookup-state]').innerText()).toBe('退单审核中')
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'public-progress-phone.png'), fullPage: true })
    await page.context().close()
  }, 180_000)

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
