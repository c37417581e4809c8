/**
 * What a walk through the product at 390×844 found (2026-12-02), on the real `duban serve --demo`:
 * - a refusal that names a field showed its English path twice (`完成时间不能设在节假日或休息日（payload.newDue）
 *   （位置：payload.newDue）`): it now names the field in Chinese, once;
 * - a citizen's lookup with a wrong number or phone said `记录不存在（number）（位置：number）`;
 * - on a phone the event dialog kept its labels beside the fields, squeezing a target's 完成值 box to ~40 px;
 * - on a phone 考核排名 kept the score chart and the ranking side by side, ~170 px each;
 * - on a phone 事项详情's 返回 stood as 返 over 回 beside a long title;
 * - on a phone 督办's list was a table whose 回复 (the liaison's one action) sat ~1,000 px to the right;
 * - the centre's 改派 form of a ticket asked for a 牵头单位 (a task's word; a ticket has a 承办单位);
 * - a typed address of another role's screen showed it (a liaison on 受理台, a leader on 知识库 with a refusal);
 * - at 1280 px 事项详情's labels wrapped (牵头单 over 位).
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/user-words.test.ts')

/** Latin words in a text shown to a person (field paths, codes). */
const latin = (s: string): string[] => s.match(/[A-Za-z]{2,}/g) ?? []

describe.skipIf(!hasChromium)('words and layout a Chinese user meets on a phone', () => {
  // The refusals below are provoked on purpose; the browser logs each as a failed resource load.
  const suite = browserSuite({ file: 'test/browser/user-words.test.ts', data: 'duban-user-words-', expectedConsole: /status of (400|404)/ })
  const { problems } = suite

  /** A task of 市卫健委 with targets on which its liaison may report progress now (the demo has one). */
  async function taskWithTargets(): Promise<string> {
    const wjw = await apiOkAs(suite.url, 'wjw')
    const { items } = await wjw<{ items: { id: string }[] }>('GET', '/items?kind=task&limit=100')
    for (const it of items) {
      const d = await wjw<{ data: { targets?: unknown[] }; availableEvents: { event: string }[] }>('GET', `/items/${it.id}`)
      if (d.data.targets?.length && d.availableEvents.some((e) => e.event === 'report_progress') && d.availableEvents.some((e) => e.event === 'request_extension')) return it.id
    }
    throw new Error('the demo has no task of 市卫健委 with targets open for a report')
  }

  async function openEvent(page: Page, label: string): Promise<void> {
    await page.locator('[data-test=actions] button', { hasText: label }).click()
    await page.locator('[data-test=event-submit]').waitFor()
    await page.waitForTimeout(400) // the dialog's opening animation
  }

  it('gives a target\'s 完成值 box its width in the 报送进展 dialog, the labels above the fields', async () => {
    const id = await taskWithTargets()
    const page = await suite.signedIn('wjw', PHONE)
    await page.goto(`${suite.url}/items/${id}`)
    await page.locator('[data-test=item-title]').waitFor()
    // 返回 stays on one line beside the long title (it stood as 返 over 回).
    const back = await page.locator('.el-page-header__back').boundingBox()
    expect.soft(back!.height, '返回 on one line').toBeLessThan(30)
    await openEvent(page, '报送进展')
    // The text is named as the event calls it (进展情况, as the server's refusals name it), not the task's 任务内容 or a bare 内容.
    const labels = await page.locator('[data-test=event-form] .el-form-item__label').allInnerTexts()
    expect(labels).toContain('进展情况')
    expect(labels).not.toContain('内容')
    const box = await page.locator('[data-test=measure]').first().boundingBox()
    expect(box, 'the 完成值 box').not.toBeNull()
    expect(box!.width).toBeGreaterThanOrEqual(100)
    const label = await page.locator('[data-test=event-form] .el-form-item__label', { hasText: '指标完成值' }).boundingBox()
    expect(label!.y + label!.height, 'the label above its field').toBeLessThanOrEqual(box!.y)
    await page.context().close()
  }, 180_000)

  it('names the refused field of 申请延期 in Chinese, once, with no English path', async () => {
    const id = await taskWithTargets()
    const page = await suite.signedIn('wjw', PHONE)
    await page.goto(`${suite.url}/items/${id}`)
    await page.locator('[data-test=item-title]').waitFor()
    await openEvent(page, '申请延期')
    await page.locator('[data-test=event-form] textarea').first().fill('需协调疫苗调配，申请延期。')
    const date = page.locator('[data-test=event-form] input[name=newDue]')
    await date.fill('2026-12-27') // a Sunday: refused by the calendar before anything else is checked
    await date.press('Enter')
    await page.locator('[data-test=event-submit]').click()
    const error = page.locator('[data-test=event-error]')
    await error.waitFor()
    const text = await error.innerText()
    expect(text).toContain('完成时间不能设在节假日或休息日')
    expect(text).toContain('（位置：申请完成时间）')
    expect(latin(text)).toEqual([])
    await page.context().close()
  }, 180_000)

  it('tells a citizen whose number and phone match no request to check both, in Chinese', async () => {
    const page = await suite.newPage(PHONE)
    await page.goto(`${suite.url}/public`)
    await page.locator('[data-test=tab-lookup]').click()
    await page.locator('input[name=number]').fill('GD-2026-999999')
    await page.locator('input[name=phone]').fill('13800001234')
    await page.locator('[data-test=lookup-submit]').click()
    const error = page.locator('[data-test=lookup-error]')
    await error.waitFor()
    const text = await error.innerText()
    expect(text).toContain('没有查到该诉求')
    expect(latin(text)).toEqual([])
    await page.context().close()
  }, 120_000)

  it('puts the ranking below the score chart on 考核排名 at phone width, each the width of the screen', async () => {
    const page = await suite.signedIn('leader', PHONE)
    await page.goto(`${suite.url}/assessment`)
    await page.locator('[data-test=ranking]').waitFor()
    const chart = await page.locator('[data-test=score-card]').boundingBox()
    const ranking = await page.locator('[data-test=ranking-card]').boundingBox()
    expect(chart && ranking, 'both cards shown').toBeTruthy()
    expect(ranking!.width).toBeGreaterThanOrEqual(PHONE.width - 40)
    expect(chart!.width).toBeGreaterThanOrEqual(PHONE.width - 40)
    expect(ranking!.y).toBeGreaterThanOrEqual(chart!.y + chart!.height)
    await page.context().close()
  }, 120_000)

  it('puts the liaison\'s 回复 to a 督办单 on screen at phone width, and the reply is taken', async () => {
    const id = await taskWithTargets()
    const sup = await apiOkAs(suite.url, 'supervisor')
    const notice = await sup<{ number: string }>('POST', '/supervision/notices', { itemId: id, reason: '进度滞后，请说明原因。', replyWorkingDays: 3 })
    const page = await suite.signedIn('wjw', PHONE)
    await page.goto(`${suite.url}/supervision`)
    // Whatever holds it (a table row before, a card now), the 督办单's 回复 must be within the screen's width.
    const card = page.locator('[data-test=notices] .el-table__row, [data-test=notices] [data-test=notice-card]', { hasText: notice.number })
    await card.waitFor()
    const button = card.locator('button', { hasText: '回复' })
    const box = await button.boundingBox()
    expect(box, '回复 shown').not.toBeNull()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width)
    await button.click()
    await page.locator('.el-dialog textarea').fill('已召开专题会议，本月底前完成。')
    await page.locator('.el-dialog button', { hasText: '提交回复' }).click()
    await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain('已回复')
    await page.context().close()
  }, 180_000)

  it('calls a ticket\'s unit 承办单位 in the centre\'s 改派 form, as the desk and the ticket do', async () => {
    const hotline = await apiOkAs(suite.url, 'hotline')
    const { tickets } = await hotline<{ tickets: { id: string }[] }>('GET', '/tickets?state=return_requested&limit=1')
    expect(tickets.length, 'the demo has a ticket its unit asked to return').toBe(1)
    const page = await suite.signedIn('hotline', PHONE)
    await page.goto(`${suite.url}/tickets/${tickets[0]!.id}`)
    await page.locator('[data-test=ticket-actions] button', { hasText: '改派' }).click()
    await page.locator('[data-test=event-submit]').waitFor()
    const labels = await page.locator('[data-test=event-form] .el-form-item__label').allInnerTexts()
    expect(labels).toContain('承办单位')
    expect(labels.join(' ')).not.toContain('牵头单位')
    await page.context().close()
  }, 120_000)

  it('sends a user who types the address of another role\'s screen to their own landing screen', async () => {
    const page = await suite.signedIn('sjj', PHONE)
    await page.goto(`${suite.url}/desk`) // the operator's 受理台: every action of it refused to a liaison
    await page.waitForURL(/\/ledger/)
    expect(await page.locator('[data-test=desk-form]').count()).toBe(0)
    await page.context().close()
    const leader = await suite.signedIn('leader', PHONE)
    await leader.goto(`${suite.url}/knowledge`) // the API refuses a leader the 知识库 (当前用户无权执行此操作)
    await leader.waitForURL(/\/ledger/)
    await leader.locator('[data-test=ledger]').waitFor()
    expect(await leader.locator('.el-message--error').count()).toBe(0)
    await leader.context().close()
  }, 120_000)

  it('keeps 事项详情\'s labels (牵头单位, 完成时间 …) on one line at 1280 px', async () => {
    const id = await taskWithTargets()
    const page = await suite.signedIn('wjw', DESKTOP)
    await page.goto(`${suite.url}/items/${id}`)
    await page.locator('[data-test=item-title]').waitFor()
    const heights = await page.locator('.el-descriptions__label').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim() + ':' + Math.round(e.getBoundingClientRect().height)))
    const label = await page.locator('.el-descriptions__label', { hasText: '牵头单位' }).first()
    const lineHeight = await label.evaluate((e) => parseFloat(getComputedStyle(e).lineHeight))
    const inner = await label.evaluate((e) => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length })
    expect(inner, `牵头单位 on one line (${heights.join(' ')}, line ${lineHeight})`).toBe(1)
    await page.context().close()
  }, 120_000)

  it('had no unexpected console or script error on any page', () => {
    expect(problems).toEqual([])
  })
})
