/**
 * What real users tripped on (用户踩坑), sixth walk, in a browser at 390×844 and 1280×800 on the real
 * `duban serve --demo` (with DATABASE_URL set, on a fresh PostgreSQL database of its own): the 12345 half on a phone,
 * a unit's liaison (联络员) and a citizen.
 * - 工单 只看待办 read at most 500 tickets a state in the browser, ignored the other filters and listed tickets the
 *   unit only cooperates on (协办), where it has nothing to do: it is now the list route's todo=true — the unit's own
 *   待签收 / 办理中 as lead, with the other filters, paged, soonest due first.
 * - 答复's photos showed only in the 附件 tab: they are now on the reply itself and on its 办理记录 entry, each a
 *   download (thumbnail for a picture).
 * - 办事指南 (public 知识库) on a phone: search, open an entry, read it; nothing off screen.
 * - 在线诉求 现场照片 at 1280×800 too: three photos side by side, a fourth refused, the three sent.
 * No page logs an error. Screenshots go to $DUBAN_SHOTS (default /tmp/duban-user-trip-6-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, chooseFiles, DESKTOP, hasChromium, offScreen, ONE_PIXEL_PNG, PHONE, sayIfNoChromium, sidewaysTables, type ScreenSize } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-trips-6.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-user-trip-6-shots'
/** 云州市住房和城乡建设局 and its demo liaison. */
const ZJJ = 'yz-zjj'
const LIAISON = 'zjj'
/** 云州市城市管理局: leads the 协办 ticket 市住建局 helps on. */
const CGJ = 'yz-cgj'
/** 建筑施工扰民, a category the dispatch catalogue sends to 市住建局. */
const NOISE = '01.02.04'

interface Listed {
  id: string
  number: string
  state: string
}
interface ListPage {
  tickets: Listed[]
  total: number
}


describe.skipIf(!hasChromium)('what users tripped on, sixth walk, in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/user-trips-6.test.ts', data: 'duban-user-trip-6-data-', shots: SHOTS, postgres: true })
  const { problems, signedIn } = suite

  /** A 协办 ticket: 市城管局 leads, 市住建局 cooperates; the hotline dispatches it, 市城管局 accepts it. */
  async function cooperating(): Promise<Listed> {
    const hotline = await apiOkAs(suite.url, 'hotline')
    return hotline<Listed>('POST', '/tickets', { requestType: 'complaint', categoryCode: NOISE, urgency: 'normal', content: '浏览器测试：工地围挡占道，住建局协办', requesterName: '孙先生', requesterPhone: '13900007777', dispatch: { lead: CGJ, cooperating: [ZJJ] } })
  }

  for (const [size, name] of [[PHONE, 'phone'], [DESKTOP, 'desktop']] as [ScreenSize, string][]) {
    it(`工单 只看待办 (${name}): the unit's own 待签收 and 办理中, soonest due first, not its 协办 tickets; with the other filters`, async () => {
      const coop = await cooperating()
      const hotline = await apiOkAs(suite.url, 'hotline')
      await hotline('POST', '/tickets', { requestType: 'complaint', categoryCode: NOISE, urgency: 'urgent', content: '浏览器测试：深夜工地切割钢筋', requesterName: '钱女士', requesterPhone: '13900008888', dispatch: { lead: ZJJ } })
      const zjj = await apiOkAs(suite.url, LIAISON)
      const todo = await zjj<ListPage>('GET', '/tickets?todo=true&limit=500')
      expect(todo.total).toBeGreaterThan(1)
      // The 协办 ticket is the liaison's to see (the plain list holds it), not to do.
      expect((await zjj<ListPage>('GET', `/tickets?q=${coop.number}`)).tickets.map((t) => t.number)).toContain(coop.number)

      const page = await signedIn(LIAISON, size)
      await page.goto(`${suite.url}/tickets`)
      const banner = page.locator('[data-test=tickets-todo]')
      await expect.poll(() => banner.innerText(), { timeout: 20_000 }).toContain(`待办 ${todo.total} 件`)
      expect(await banner.innerText()).toContain(`最早到期：${todo.tickets[0]!.number}`)
      await banner.click()
      await page.waitForURL(/todo=true/)
      const numbers = () => page.locator(size === PHONE ? '[data-test=tickets] .tcard .num' : '[data-test=tickets] tbody tr td:first-child a').allInnerTexts()
      const firstPage = todo.tickets.slice(0, 20).map((t) => t.number)
      await expect.poll(numbers, { timeout: 15_000 }).toEqual(firstPage)
      expect(await numbers()).not.toContain(coop.number)
      expect(await page.locator('[data-test=tickets-total]').innerText()).toBe(`共 ${todo.total} 件`)
      expect(await offScreen(page)).toEqual([])
      // Every column in sight at 1280 px, 状态 and 受理时间 included: the table does not scroll sideways.
      expect(await sidewaysTables(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `tickets-todo-${name}.png`), fullPage: true })

      // With a state filter: only 办理中, still soonest first.
      const accepted = await zjj<ListPage>('GET', '/tickets?todo=true&state=accepted&limit=20')
      await page.goto(`${suite.url}/tickets?todo=true&state=accepted`)
      await expect.poll(numbers, { timeout: 15_000 }).toEqual(accepted.tickets.map((t) => t.number))
      expect(await page.locator('[data-test=tickets-todo-only] input').isChecked()).toBe(true)
      await page.context().close()
    }, 180_000)
  }

  it('答复 with a photo: the file is on the reply and on its 办理记录 entry, on a phone and a desktop, and downloads', async () => {
    const hotline = await apiOkAs(suite.url, 'hotline')
    const zjj = await apiOkAs(suite.url, LIAISON)
    const t = await hotline<{ id: string; number: string; version: number }>('POST', '/tickets', { requestType: 'complaint', categoryCode: NOISE, urgency: 'normal', content: '浏览器测试：工地扬尘，答复带照片', requesterName: '吴先生', requesterPhone: '13900009999', dispatch: { lead: ZJJ } })
    await zjj('POST', `/tickets/${t.id}/events`, { event: 'accept' })
    const photo = '整改后的工地围挡和喷淋设施照片-2026.png'
    await zjj('POST', `/tickets/${t.id}/events`, { event: 'reply', payload: { text: '已责令施工单位开启喷淋降尘并加高围挡。', attachments: [{ name: photo, mime: 'image/png', contentBase64: ONE_PIXEL_PNG.toString('base64') }] } })

    for (const [size, name] of [[PHONE, 'phone'], [DESKTOP, 'desktop']] as [ScreenSize, string][]) {
      const page = await signedIn(LIAISON, size)
      await page.goto(`${suite.url}/tickets/${t.id}`)
      const onReply = page.locator('[data-test=ticket-reply-files] [data-test=reply-file]')
      await onReply.first().waitFor({ timeout: 20_000 })
      expect(await onReply.allInnerTexts()).toEqual([expect.stringContaining(photo)])
      // The whole name is readable: it wraps, never cut.
      expect(await onReply.locator('.fname').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
      const onHistory = page.locator('[data-test=ticket-history] [data-test=history-file]')
      expect(await onHistory.allInnerTexts()).toEqual([expect.stringContaining(photo)])
      expect(await offScreen(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `ticket-reply-files-${name}.png`), fullPage: true })
      const [download] = await Promise.all([page.waitForEvent('download'), onReply.first().click()])
      expect(download.suggestedFilename()).toBe(photo)
      const bytes = await download.createReadStream().then(async (s) => {
        const parts: Buffer[] = []
        for await (const c of s) parts.push(c as Buffer)
        return Buffer.concat(parts)
      })
      expect(bytes.equals(ONE_PIXEL_PNG)).toBe(true)
      await page.context().close()
    }
  }, 180_000)

  it('办事指南 on a phone: search, open an entry, read it whole, nothing sideways', async () => {
    const page = await suite.newPage(PHONE)
    await page.goto(`${suite.url}/public`)
    await page.locator('[data-test=tab-knowledge]').click()
    await page.locator('input[name=kb-q]').fill('医保报销')
    await page.locator('[data-test=public-kb-search]').click()
    const entry = page.locator('[data-test=public-kb-entry]', { hasText: '职工医保门诊费用怎么报销' })
    await entry.waitFor({ timeout: 15_000 })
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'public-kb-results-phone.png'), fullPage: true })
    await entry.locator('.title').click()
    const body = entry.locator('[data-test=public-kb-body]')
    await body.waitFor()
    expect(await body.innerText()).toContain('医保电子凭证或社保卡结算')
    const look = await body.evaluate((el) => {
      const s = getComputedStyle(el)
      return { font: parseFloat(s.fontSize), line: parseFloat(s.lineHeight) / parseFloat(s.fontSize), fits: el.scrollWidth <= el.clientWidth + 1 }
    })
    expect(look.font).toBeGreaterThanOrEqual(15)
    expect(look.line).toBeGreaterThanOrEqual(1.5)
    expect(look.fits).toBe(true)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'public-kb-entry-phone.png'), fullPage: true })
    await page.context().close()
  }, 120_000)

  it('在线诉求 at 1280×800: three 现场照片 side by side, a fourth refused, all three sent', async () => {
    const page = await suite.newPage(DESKTOP)
    await page.goto(`${suite.url}/public`)
    await page.locator('[data-test=public-category] input').click()
    await page.keyboard.type('施工扰民')
    await page.locator('.el-cascader__suggestion-item', { hasText: '建筑施工扰民' }).first().click()
    await page.locator('textarea[name=content]').fill('浏览器测试：桌面端上传三张现场照片')
    await page.locator('input[name=requesterName]').fill('郑女士')
    await page.locator('input[name=requesterPhone]').fill('13900004444')
    const items = page.locator('[data-test=public-photos] .el-upload-list__item')
    await chooseFiles(page, '[data-test=public-photos]', ['工地东侧.png', '工地西侧.png', '夜间照明.png'].map((n) => ({ name: n, mimeType: 'image/png', buffer: ONE_PIXEL_PNG })))
    await expect.poll(() => items.count()).toBe(3)
    await chooseFiles(page, '[data-test=public-photos]', [{ name: '第四张.png', mimeType: 'image/png', buffer: ONE_PIXEL_PNG }])
    await expect.poll(() => page.locator('[data-test=public-photo-error]').innerText()).toBe('最多上传 3 张照片')
    expect(await items.count()).toBe(3)
    // Side by side in one row at this width.
    const tops = await items.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)))
    expect(new Set(tops).size).toBe(1)
    expect(await page.locator('[data-test=public-photos] .el-upload--picture-card').isVisible()).toBe(false)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'public-photos-desktop.png'), fullPage: true })
    await page.locator('[data-test=public-submit]').click()
    const number = await page.locator('[data-test=public-number]').innerText({ timeout: 15_000 })
    expect(number).toMatch(/^GD-\d{4}-\d{6}$/)
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { tickets } = await hotline<{ tickets: { id: string; number: string }[] }>('GET', `/tickets?q=${number}`)
    const sent = await hotline<{ attachments: { name: string; mime: string }[] }>('GET', `/tickets/${tickets.find((x) => x.number === number)!.id}`)
    expect(sent.attachments.map((a) => a.name).sort()).toEqual(['夜间照明.png', '工地东侧.png', '工地西侧.png'].sort())
    await page.context().close()
  }, 180_000)

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
