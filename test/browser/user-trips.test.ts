/**
 * What a real user tripped on (用户踩坑), in a browser at 1280×800 and 390×844 on the real `duban serve --demo`:
 * - 受理台: Enter in a one-line field does not submit the call (operators press it while typing); Ctrl+Enter does.
 * - a 督办单 on a ticket: its link in the 督办 list and in 我的消息 opens the ticket's screen (not 事项详情); the
 *   ticket's 督办单 tab shows the notice's state and a 回复 button for the unit, which replies there.
 * - a leader cannot open 导入计划 (the screen sends them to the ledger, and the API refuses the import).
 * - a ticket closed late shows one 超期办结 tag, not 已办结 beside 超期.
 * - the 工单 search box's placeholder is not cut off on a phone.
 * No page logs an error. Screenshots go to $DUBAN_SHOTS (default /tmp/duban-user-trip-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiAs, apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-trips.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-user-trip-shots'
const SIZES = { desktop: DESKTOP, phone: PHONE } as const
/** Demo liaisons tried, in order, for one whose unit leads an accepted ticket. */
const LIAISONS = ['zjj', 'cgj', 'sjj', 'wjw', 'fgw', 'qinglong', 'hebin']

interface Ticket {
  id: string
  number: string
  state: string
  stateType: string
  overdue: boolean
  lead: { id: string; name: string } | null
}

describe.skipIf(!hasChromium)('what users tripped on, in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/user-trips.test.ts', data: 'duban-user-trip-data-', shots: SHOTS })
  const { problems, signedIn } = suite

  it('受理台: Enter in a field does not submit the call; Ctrl+Enter does', async () => {
    const page = await signedIn('hotline', DESKTOP)
    await page.waitForURL((u) => u.pathname === '/desk')
    const name = page.locator('input[name=requesterName]')
    await name.fill('张先生')
    await name.press('Enter')
    const phone = page.locator('input[name=requesterPhone]')
    await phone.fill('13812345678')
    await phone.press('Enter')
    await page.locator('input[name=address]').fill('青龙区人民路12号')
    await page.locator('input[name=address]').press('Enter')
    await page.waitForTimeout(800)
    // Nothing was sent: no refusal naming a missing field, no new number, and what was typed is still there.
    expect(await page.locator('[data-test=desk-error]').count()).toBe(0)
    expect(await page.locator('[data-test=desk-created]').count()).toBe(0)
    expect(await name.inputValue()).toBe('张先生')
    expect(await phone.inputValue()).toBe('13812345678')
    // Ctrl+Enter submits: the form says what is missing (the category).
    await phone.press('Control+Enter')
    await expect.poll(() => page.locator('[data-test=desk-error]').textContent(), { timeout: 10_000 }).toContain('请选择诉求分类')
    await page.screenshot({ path: join(SHOTS, 'desk-enter.png') })
    await page.context().close()
  }, 120_000)

  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`a 督办单 on a ticket: its links open the ticket, whose 督办单 tab shows its state and takes the unit's 回复 (${size})`, async () => {
      // A ticket accepted by a demo liaison's own unit; the 督查室 issues it a 督办单.
      let liaison = ''
      let ticket: Ticket | undefined
      for (const who of LIAISONS) {
        const as = await apiOkAs(suite.url, who)
        const unitId = (await as<{ user: { unitId: string } }>('GET', '/me')).user.unitId
        const { tickets } = await as<{ tickets: Ticket[] }>('GET', '/tickets?state=accepted&limit=200')
        ticket = tickets.find((t) => t.lead?.id === unitId)
        if (ticket) {
          liaison = who
          break
        }
      }
      expect(ticket, 'the demo has an accepted ticket of a liaison’s unit').toBeDefined()
      const supervisor = await apiOkAs(suite.url, 'supervisor')
      const notice = await supervisor<{ id: string; number: string }>('POST', '/supervision/notices', { itemId: ticket!.id, reason: `浏览器测试：工单督办（${size}）`, replyWorkingDays: 3 })

      // 督办 → the notice's item link opens the ticket's screen.
      const page = await signedIn(liaison, viewport)
      await page.goto(`${suite.url}/supervision`)
      const link = page.locator('[data-test=notices] a', { hasText: ticket!.number }).first()
      await link.waitFor({ timeout: 15_000 })
      await link.click()
      await page.waitForURL((u) => u.pathname === `/tickets/${ticket!.id}`, { timeout: 15_000 })
      await expect.poll(() => page.locator('[data-test=ticket-number]').textContent(), { timeout: 15_000 }).toBe(ticket!.number)

      // 我的消息 → the notification's 查看事项 opens the ticket's screen too.
      await page.goto(`${suite.url}/notifications`)
      const note = page.locator('[data-test=note]', { hasText: notice.number }).first()
      await note.waitFor({ timeout: 15_000 })
      await note.locator('a', { hasText: '查看事项' }).click()
      await page.waitForURL((u) => u.pathname === `/tickets/${ticket!.id}`, { timeout: 15_000 })

      // The ticket's 督办单 tab: the notice waits for its reply (待回复), and the unit replies there.
      await page.locator('.el-tabs__item', { hasText: '督办单' }).click()
      const card = page.locator('[data-test=ticket-notice]', { hasText: notice.number })
      await card.waitFor({ timeout: 15_000 })
      expect(await card.locator('[data-test=notice-state]').textContent()).toBe('待回复')
      expect(await offScreen(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `ticket-notice-${size}.png`) })
      await card.locator('[data-test=notice-reply]').click()
      const dialog = page.locator('.el-dialog', { hasText: `回复 ${notice.number}` })
      await dialog.locator('textarea').fill('已组织现场核查，三个工作日内办结')
      await dialog.locator('[data-test=notice-reply-submit]').click()
      await expect.poll(() => card.locator('[data-test=notice-state]').textContent(), { timeout: 15_000 }).toBe('已回复')
      expect(await card.textContent()).toContain('已组织现场核查，三个工作日内办结')
      expect(await card.locator('[data-test=notice-reply]').count()).toBe(0)
      await page.screenshot({ path: join(SHOTS, `ticket-notice-replied-${size}.png`) })
      await page.context().close()
    }, 180_000)

    it(`a ticket closed late shows one 超期办结 tag (${size})`, async () => {
      const supervisor = await apiOkAs(suite.url, 'supervisor')
      const { tickets } = await supervisor<{ tickets: Ticket[] }>('GET', '/tickets?state=closed&limit=200')
      const late = tickets.find((t) => t.overdue)
      expect(late, 'the demo has a ticket closed past its due').toBeDefined()
      const page = await signedIn('supervisor', viewport)
      await page.goto(`${suite.url}/tickets/${late!.id}`)
      await expect.poll(() => page.locator('[data-test=ticket-state]').textContent(), { timeout: 15_000 }).toBe('超期办结')
      expect(await page.locator('[data-test=ticket-late]').count()).toBe(0)
      expect(await page.locator('.el-page-header .el-tag', { hasText: /^已办结$/ }).count()).toBe(0)
      await page.waitForTimeout(400) // the tag fades in
      await page.screenshot({ path: join(SHOTS, `ticket-closed-late-${size}.png`) })
      await page.context().close()
    }, 120_000)
  }

  it('a leader cannot open 导入计划: the screen goes to the ledger and the API refuses the import', async () => {
    const page = await signedIn('leader', DESKTOP)
    await page.goto(`${suite.url}/plans/import`)
    await page.waitForURL((u) => u.pathname === '/ledger', { timeout: 15_000 })
    const leader = await apiAs(suite.url, 'leader')
    const refused = await leader<{ error: { code: string } }>('POST', '/plans', { fileName: 'a.txt', contentBase64: Buffer.from('一、加快推进城市更新。牵头单位：市住建局。').toString('base64') })
    expect(refused.status).toBe(403)
    await page.context().close()
  }, 60_000)

  it('the 工单 search box shows its whole placeholder on a phone', async () => {
    const page = await signedIn('hotline', PHONE)
    await page.goto(`${suite.url}/tickets`)
    const input = page.locator('input[data-test=tickets-q], [data-test=tickets-q] input').first()
    await input.waitFor()
    // The placeholder's width in the input's own font, against the room the input gives its text.
    const fit = await input.evaluate((el) => {
      const i = el as HTMLInputElement
      const cs = getComputedStyle(i)
      const ctx = document.createElement('canvas').getContext('2d')!
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`
      return { text: ctx.measureText(i.placeholder).width, room: i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight), placeholder: i.placeholder }
    })
    expect(fit.text, `"${fit.placeholder}" is ${Math.round(fit.text)} px in ${Math.round(fit.room)} px`).toBeLessThanOrEqual(fit.room)
    expect(await offScreen(page)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'tickets-search-phone.png') })
    await page.context().close()
  }, 60_000)

  it('no page logged an error', () => {
    expect(problems).toEqual([])
  })
})
