/**
 * Duplicate requests (重复诉求 / 并单) in a browser: the real `duban serve --demo` in a child process, headless
 * Chromium at 1280×800 and 390×844. A caller's request is on file (received); the same caller asks again from the
 * public page; the operator opens the later ticket, sees the proposal (同一来电人, 相似度高/中 with the shared words) and merges it (已并单,
 * linked to its primary). On the desk, typing the caller's third ask shows the earlier ticket as a likely duplicate;
 * 并入此单 receives the call and merges it instead of dispatching it, and the ticket is flagged 多次重复诉求, found
 * by the list's filter at phone size. Nothing off screen at 390 px; no console or script error. Screenshots go to
 * $DUBAN_SHOTS (default /tmp/duban-duplicates-shots).
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiAs, browserSuite, hasChromium, OFF_SCREEN_SCRIPT, PHONE, sayIfNoChromium, signIn } from '../support/browser.ts'

sayIfNoChromium('test/browser/duplicates.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-duplicates-shots'
const CALLER = '13700004321'
const ADDRESS = '青龙区建设路88号'
/** 环境卫生 in the demo catalogue. */
const CATEGORY = '01.01.04'

describe.skipIf(!hasChromium)('重复诉求 in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/duplicates.test.ts', data: 'duban-duplicates-data-', shots: SHOTS })
  const { problems, newPage } = suite
  let first = { id: '', number: '' }
  let second = { id: '', number: '' }

  beforeAll(async () => {
    const hotline = await apiAs(suite.url, 'hotline')
    const a = await hotline<{ id: string; number: string }>('POST', '/tickets', {
      requestType: 'complaint', categoryCode: CATEGORY, urgency: 'normal', requesterName: '王五', requesterPhone: CALLER, address: ADDRESS,
      content: '建设路88号小区门口的垃圾桶三天没人清运，臭气熏天，苍蝇很多。',
    })
    expect(a.status, JSON.stringify(a.body)).toBe(201)
    first = a.body
    const res = await fetch(`${suite.url}/api/public/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requestType: 'complaint', categoryCode: CATEGORY, requesterPhone: CALLER, address: ADDRESS, content: '建设路88号门口垃圾堆了好几天没有清理，味道很难闻，招了很多苍蝇。' }),
    })
    expect(res.status).toBe(201)
    const { number } = (await res.json()) as { number: string }
    const found = await hotline<{ tickets: { id: string; number: string }[] }>('GET', `/tickets?q=${number}`)
    second = found.body.tickets.find((t) => t.number === number)!
    expect(second).toBeTruthy()
  }, 900_000)

  it('shows the proposal on the later ticket and merges it on 并单 (已并单, linked to its primary)', async () => {
    const page = await newPage()
    await signIn(page, suite.url, 'hotline')
    await page.goto(`${suite.url}/tickets/${second.id}`)
    await page.locator('.el-tabs__item', { hasText: '重复诉求' }).click()
    const row = page.locator('[data-test=duplicate-proposal]', { hasText: first.number })
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    expect(await row.innerText()).toContain('同一来电人')
    // The likeness in words with the words both asks use (垃圾, 苍蝇; not everyday 很多), not a percent.
    expect(await row.locator('[data-test=proposal-likeness]').innerText()).toMatch(/^相似度[高中低] · 共同词：.*苍蝇/)
    expect(await row.locator('[data-test=proposal-likeness]').innerText()).not.toContain('很多')
    await page.screenshot({ path: join(SHOTS, 'ticket-1280-proposal.png') })
    await row.locator('[data-test=proposal-merge]').click()
    await page.locator('.el-message-box button', { hasText: '并单' }).click() // 并单 cannot be undone: it asks first
    await expect.poll(() => page.locator('[data-test=ticket-state]').innerText(), { timeout: 15_000 }).toBe('已并单')
    await expect.poll(() => page.locator('[data-test=merged-into]').innerText()).toContain(first.number)
    expect(await row.locator('[data-test=proposal-status]').innerText()).toBe('已并单')
    await page.screenshot({ path: join(SHOTS, 'ticket-1280-merged.png') })
    await page.context().close()
  }, 120_000)

  it('offers the earlier ticket on the desk while the third ask is typed, and 并入此单 merges the call into it', async () => {
    const page = await newPage()
    await signIn(page, suite.url, 'hotline')
    await page.waitForURL(/\/desk$/)
    await page.locator('input[name=requesterName]').fill('王五')
    await page.locator('input[name=requesterPhone]').fill(CALLER)
    await page.locator('[data-test=desk-category] input').click()
    await page.locator('[data-test=desk-category] input').fill('环境卫生')
    await page.locator('.el-cascader__suggestion-item:visible').first().click()
    await page.locator('input[name=address]').fill(ADDRESS)
    await page.locator('textarea[name=content]').fill('建设路88号的垃圾还是没人清运，苍蝇很多，臭气熏天。')
    const hint = page.locator('[data-test=duplicate-hint]', { hasText: first.number })
    await expect.poll(() => hint.count(), { timeout: 15_000 }).toBe(1)
    expect(await hint.innerText()).toContain('同一来电人')
    expect(await hint.locator('[data-test=hint-likeness]').innerText()).toMatch(/^相似度[高中低] · 共同词：.*苍蝇/)
    await hint.locator('[data-test=duplicate-merge]').click()
    await expect.poll(() => page.locator('[data-test=desk-merge]').innerText()).toContain(first.number)
    await page.screenshot({ path: join(SHOTS, 'desk-1280-duplicate.png') })
    await page.locator('[data-test=desk-merge]').click()
    await expect.poll(() => page.locator('[data-test=desk-created]').innerText(), { timeout: 15_000 }).toContain(`已并入 ${first.number}`)
    const href = await page.locator('[data-test=desk-number]').getAttribute('href')
    const hotline = await apiAs(suite.url, 'hotline')
    // 多次重复诉求 is flagged by the intake job, within about a second of the intake (intake-followups.ts).
    const read = async () => (await hotline<{ state: string; duplicates: { mergedInto: { number: string } | null; repeated: { asks: number } | null } }>('GET', `/tickets/${href!.split('/').pop()}`)).body
    await expect.poll(read, { timeout: 15_000 }).toMatchObject({ state: 'merged', duplicates: { mergedInto: { number: first.number }, repeated: { asks: 3 } } })
    await page.context().close()
  }, 120_000)

  it('offers the ticket at 青龙区建设路88号 to a call about 建设路88号 once its place (河滨街道, in 青龙区) is chosen', async () => {
    const page = await newPage()
    await signIn(page, suite.url, 'hotline')
    await page.waitForURL(/\/desk$/)
    // Another caller, who gives the street without its district: the place chosen on the desk says which district.
    await page.locator('input[name=requesterName]').fill('赵六')
    await page.locator('input[name=requesterPhone]').fill('13700008765')
    await page.locator('[data-test=desk-place] input').click()
    await page.locator('[data-test=desk-place] input').fill('河滨')
    await page.locator('.el-cascader__suggestion-item:visible', { hasText: /河滨街道$/ }).first().click()
    await page.locator('input[name=address]').fill('建设路88号')
    await page.locator('textarea[name=content]').fill('建设路88号门口垃圾好几天没人清运了，苍蝇很多。')
    const hint = page.locator('[data-test=duplicate-hint]', { hasText: first.number })
    await expect.poll(() => hint.count(), { timeout: 15_000 }).toBe(1)
    expect(await hint.innerText()).toContain('同一地点')
    expect(await hint.innerText()).not.toContain('同一来电人')
    await page.screenshot({ path: join(SHOTS, 'desk-1280-duplicate-place.png') })
    await page.context().close()
  }, 120_000)

  it('finds the 多次重复诉求 ticket by the list filter at phone size, flagged on the ticket, nothing off screen, and no page had an error', async () => {
    const page = await newPage(PHONE)
    await signIn(page, suite.url, 'hotline')
    await page.goto(`${suite.url}/tickets?repeated=true`)
    const cards = page.locator('[data-test=tickets] .tcard')
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(1)
    expect(await cards.first().innerText()).toContain('重复3次')
    expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'tickets-390-repeated.png') })
    await cards.first().click()
    await expect.poll(() => page.locator('[data-test=ticket-repeated]').innerText(), { timeout: 15_000 }).toContain('多次重复诉求（3次）')
    await page.locator('.el-tabs__item', { hasText: '重复诉求' }).click()
    await expect.poll(() => page.locator('[data-test=merged-into]').innerText()).toContain(first.number)
    expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'ticket-390-duplicates.png') })
    await page.context().close()
    expect(problems).toEqual([])
  }, 120_000)
})
