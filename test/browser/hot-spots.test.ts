/**
 * 未诉先办 and Chinese ticket search in a browser: the real `duban serve --demo` in a child process, headless Chromium at
 * 1280×800 and 390×844. Five 环境卫生 tickets of 河滨街道 arrive within days (none there before); the 热线看板 shows the
 * hot spot with its tickets at both sizes; an operator an admin gave 河滨街道 as its data scope sees the board and the
 * hot spots headed 数据范围：河滨街道 at both sizes, its 诉求量 that of 河滨街道's requests (no （全市） mark); the ticket list's search box finds them by a word inside their text.
 * Nothing off screen at 390 px; no console or script error.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiAs, apiOkAs, browserSuite, DEMO_PASSWORD, DESKTOP, hasChromium, OFF_SCREEN_SCRIPT, PHONE, sayIfNoChromium, signIn } from '../support/browser.ts'

sayIfNoChromium('test/browser/hot-spots.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-hot-spots-shots'
/** 环境卫生 in the demo catalogue; 河滨街道 of 青龙区. */
const CATEGORY = '01.01.04'
const PLACE = 'ql-hb'

describe.skipIf(!hasChromium)('未诉先办 and ticket search in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/hot-spots.test.ts', data: 'duban-hot-spots-data-', shots: SHOTS })
  const { problems, newPage } = suite
  const numbers: string[] = []

  beforeAll(async () => {
    const hotline = await apiAs(suite.url, 'hotline')
    const streets = ['滨河路', '幸福路', '解放路', '人民路', '建设路']
    for (const [i, street] of streets.entries()) {
      const r = await hotline<{ number: string }>('POST', '/tickets', {
        requestType: 'complaint', categoryCode: CATEGORY, urgency: 'normal', requesterPhone: `1370000${String(1000 + i)}`, address: `青龙区${street}${10 + i}号`, placeUnitId: PLACE,
        content: `${street}${10 + i}号旁的化粪池满溢发臭，污水流到人行道上`,
      })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      numbers.push(r.body.number)
    }
  }, 900_000)

  for (const [name, size] of [['1280', DESKTOP], ['390', PHONE]] as const) {
    it(`shows the hot spot with its tickets on the 热线看板 at ${name} px`, async () => {
      const page = await newPage(size)
      await signIn(page, suite.url, 'hotline')
      await page.goto(`${suite.url}/hotline`)
      const spot = page.locator('[data-test=hot-spot]', { hasText: '河滨街道 · 环境卫生' })
      await expect.poll(() => spot.count(), { timeout: 30_000 }).toBe(1)
      const text = await spot.innerText()
      // Ours, and any 环境卫生 ticket of 河滨街道 the demo already had in the last 7 days.
      const m = /(\d+) 件，平时 [\d.]+ 件（×[\d.]+）/.exec(text)
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(5)
      for (const n of numbers) expect(text).toContain(n)
      await spot.scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SHOTS, `hotline-${name}-hot-spot.png`) })
      if (size === PHONE) expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
      await page.context().close()
    }, 120_000)
  }

  it('an operator given 河滨街道 as its scope sees 数据范围：河滨街道 on the board and the hot spots, at 1280 and 390 px', async () => {
    const admin = await apiOkAs(suite.url, 'admin')
    const user = await admin<{ id: string }>('POST', '/users', { username: 'hotline-hb', displayName: '分中心话务员', password: DEMO_PASSWORD, role: 'operator', unitId: 'yz-rxzx' })
    await admin('PUT', `/users/${user.id}/scope`, { mode: 'custom', unitIds: [PLACE] })
    for (const [name, size] of [['1280', DESKTOP], ['390', PHONE]] as const) {
      const page = await newPage(size)
      await signIn(page, suite.url, 'hotline-hb')
      const kpis = page.waitForResponse((r) => r.url().includes('/api/hotline/kpis'))
      await page.goto(`${suite.url}/hotline`)
      const board = page.locator('[data-test=board-scope]')
      await expect.poll(() => board.count(), { timeout: 30_000 }).toBe(1)
      expect(await board.innerText()).toBe('数据范围：河滨街道')
      const spots = page.locator('[data-test=hot-spots-scope]')
      await expect.poll(() => spots.count(), { timeout: 30_000 }).toBe(1)
      expect(await spots.innerText()).toBe('数据范围：河滨街道')
      // The request counts are the scope's (the requests whose place is 河滨街道), not the city's: no （全市） mark, and
      // 诉求量 equals the board's own count of 河滨街道's requests, fewer than the city's.
      const requests = page.locator('[data-test=kpi-requests]')
      await expect.poll(() => requests.innerText(), { timeout: 30_000 }).toMatch(/诉求量\s*\d+/)
      expect(await requests.innerText()).not.toContain('全市')
      const answer = await kpis
      const mine = (await answer.json()) as { totals: { received: number } }
      const city = await (await apiOkAs(suite.url, 'hotline'))<{ totals: { received: number } }>('GET', `/hotline/kpis${new URL(answer.url()).search}`)
      expect(mine.totals.received).toBeGreaterThanOrEqual(5)
      expect(mine.totals.received).toBeLessThan(city.totals.received)
      expect(Number(/诉求量\s*(\d+)/.exec(await requests.innerText())?.[1])).toBe(mine.totals.received)
      // The hot spot of its street is there with our tickets (their place is 河滨街道).
      const spot = page.locator('[data-test=hot-spot]', { hasText: '河滨街道 · 环境卫生' })
      await expect.poll(() => spot.count(), { timeout: 30_000 }).toBe(1)
      for (const n of numbers) expect(await spot.innerText()).toContain(n)
      await page.screenshot({ path: join(SHOTS, `hotline-${name}-scoped.png`) })
      if (size === PHONE) expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
      await page.context().close()
    }
    // The centre's operator, without a scope: no such line (its answers say scope null).
    const page = await newPage()
    await signIn(page, suite.url, 'hotline')
    await page.goto(`${suite.url}/hotline`)
    await expect.poll(() => page.locator('[data-test=hot-spot]', { hasText: '河滨街道 · 环境卫生' }).count(), { timeout: 30_000 }).toBe(1)
    await expect.poll(() => page.locator('[data-test=unit-kpis] tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(1)
    expect(await page.locator('[data-test=board-scope], [data-test=hot-spots-scope]').count()).toBe(0)
    expect(await page.locator('[data-test=kpi-requests]').innerText()).not.toContain('全市')
    await page.context().close()
  }, 240_000)

  it('finds the tickets by a word inside their text in the ticket list\'s search box, and no page had an error', async () => {
    const page = await newPage()
    await signIn(page, suite.url, 'hotline')
    await page.goto(`${suite.url}/tickets`)
    // 化粪 appears only inside 化粪池.
    await page.locator('input[data-test=tickets-q]').fill('化粪 污水')
    await page.locator('input[data-test=tickets-q]').press('Enter')
    const table = page.locator('[data-test=tickets]')
    await expect.poll(async () => (await table.innerText()).includes(numbers[0]!), { timeout: 30_000 }).toBe(true)
    const shown = await table.innerText()
    for (const n of numbers) expect(shown).toContain(n)
    await page.screenshot({ path: join(SHOTS, 'tickets-1280-search.png') })
    await page.context().close()
    expect(problems).toEqual([])
  }, 120_000)
})
