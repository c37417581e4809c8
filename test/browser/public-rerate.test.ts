/**
 * 在线诉求 after 重办, in a browser on the real `duban serve --demo` (phone, 390×844): the requester rates the first
 * reply 不满意, asks for 重办; once the unit replies again the page offers 评价 again (a blank form), takes the second
 * rating and shows both rounds; the operator's 工单详情 shows both rounds too, and the 热线看板's 满意率 counts the
 * ticket's latest rating once (the first 不满意, then the second round's 满意 instead). No page logs an error. Screenshots go to
 * $DUBAN_SHOTS (default /tmp/duban-public-rerate-shots).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, lookUp, PHONE, publicTicket, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/public-rerate.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-public-rerate-shots'
/** 小区物业协调 in the demo catalogue; 市住建局. */
const PROPERTY = '01.02.01'
const ZJJ = 'yz-zjj'

describe.skipIf(!hasChromium)('在线诉求: 评价 again after 重办', () => {
  const suite = browserSuite({ file: 'test/browser/public-rerate.test.ts', data: 'duban-public-rerate-data-', shots: SHOTS })
  const { problems, signedIn } = suite

  it('offers 评价 for the reply after 重办 and keeps both rounds', async () => {
    const phone = '13711114444'
    const { id, number } = await publicTicket(suite.url, { categoryCode: PROPERTY, content: '小区楼道灯坏了半个月没人修', requesterName: '钱女士', requesterPhone: phone })
    const hotline = await apiOkAs(suite.url, 'hotline')
    await hotline('POST', `/tickets/${id}/events`, { event: 'dispatch', payload: { lead: ZJJ } })
    const zjj = await apiOkAs(suite.url, 'zjj')
    await zjj('POST', `/tickets/${id}/events`, { event: 'accept' })
    await zjj('POST', `/tickets/${id}/events`, { event: 'reply', payload: { text: '已通知物业更换灯具' } })
    // 满意率 on the 热线看板 (this month) counts the requester's own rating, one vote per ticket: its latest round's.
    type Rate = { numerator: number; denominator: number }
    const satisfaction = async (): Promise<Rate> => (await hotline<{ totals: { satisfaction: Rate } }>('GET', '/hotline/kpis')).totals.satisfaction
    const unrated = await satisfaction()

    const page = await suite.newPage(PHONE)
    await lookUp(page, suite.url, number, phone)
    const form = page.locator('[data-test=rate-form]')
    await form.waitFor({ timeout: 15_000 })
    await form.locator('label', { hasText: /^不满意$/ }).click()
    await form.locator('textarea').fill('灯还是不亮')
    await page.locator('[data-test=rate-submit]').click()
    await expect.poll(() => page.locator('[data-test=lookup-rating]').innerText(), { timeout: 15_000 }).toContain('不满意')
    expect(await form.count()).toBe(0)
    const firstRated = await satisfaction()
    expect(firstRated).toMatchObject({ numerator: unrated.numerator, denominator: unrated.denominator + 1 })
    // 不满意: 重办 with a reason.
    await page.locator('[data-test=reopen]').click()
    await page.locator('[data-test=reopen-box] textarea').fill('物业说换了，但楼道灯还是不亮')
    await page.locator('[data-test=reopen-confirm]').click()
    await expect.poll(() => page.locator('[data-test=lookup-state]').textContent(), { timeout: 15_000 }).toBe('办理中')
    expect(await form.count()).toBe(0)

    // The unit replies again: the page offers 评价 again, blank, and says which rating it had.
    await zjj('POST', `/tickets/${id}/events`, { event: 'reply', payload: { text: '已更换楼道灯并现场确认正常' } })
    await page.locator('[data-test=lookup-submit]').click()
    await expect.poll(() => page.locator('[data-test=lookup-reply]').innerText(), { timeout: 15_000 }).toContain('现场确认正常')
    await form.waitFor({ timeout: 15_000 })
    expect(await form.locator('h3').textContent()).toBe('评价重新办理的结果')
    expect(await form.locator('label.is-active').count()).toBe(0)
    expect(await form.locator('textarea').inputValue()).toBe('')
    await page.screenshot({ path: join(SHOTS, 'public-rate-again-phone.png'), fullPage: true })
    await form.locator('label', { hasText: /^满意$/ }).click()
    await page.locator('[data-test=rate-submit]').click()
    const rounds = page.locator('[data-test=lookup-rating-round]')
    await expect.poll(() => rounds.count(), { timeout: 15_000 }).toBe(2)
    expect(await rounds.allInnerTexts()).toEqual(['第1次答复：不满意：灯还是不亮', '第2次答复：满意'])
    expect(await form.count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'public-rated-twice-phone.png'), fullPage: true })
    await page.context().close()

    // The second round's 满意 replaces the first round's 不满意: one vote for the ticket.
    const secondRated = await satisfaction()
    expect(secondRated).toMatchObject({ numerator: firstRated.numerator + 1, denominator: firstRated.denominator })

    // The operator's 工单详情: both rounds of 市民评价.
    const desk = await signedIn('hotline', DESKTOP)
    await desk.goto(`${suite.url}/tickets/${id}`)
    const seen = desk.locator('[data-test=citizen-rating-round]')
    await expect.poll(() => seen.count(), { timeout: 15_000 }).toBe(2)
    expect((await seen.allInnerTexts()).map((s) => s.replace(/\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, '').trim())).toEqual(['第1次答复：不满意：灯还是不亮', '第2次答复：满意'])
    // The 热线看板 (its default period, 近三个月, up to the browser's tomorrow) shows 满意率 as the API counts it for that
    // period, the requesters' ratings included. (Its `to` is a date in the browser's time zone, so just after a China
    // midnight it may end before this ticket's ratings; the API checks above hold whatever the hour.)
    const answer = desk.waitForResponse((r) => r.url().includes('/api/hotline/kpis') && r.status() === 200)
    await desk.goto(`${suite.url}/hotline`)
    const asked = new URL((await answer).url())
    const pageRate = (await hotline<{ totals: { satisfaction: Rate } }>('GET', `/hotline/kpis${asked.search}`)).totals.satisfaction
    expect(pageRate.denominator).toBeGreaterThan(0)
    const card = desk.locator('[data-test=kpi-satisfaction] .muted')
    await expect.poll(() => card.innerText(), { timeout: 15_000 }).toBe(`${pageRate.numerator} / ${pageRate.denominator}`)
    await desk.locator('[data-test=kpi-cards]').screenshot({ path: join(SHOTS, 'hotline-satisfaction-cards.png') })
    await desk.context().close()
    expect(problems).toEqual([])
  }, 180_000)
})
