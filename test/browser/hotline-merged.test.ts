/**
 * 并单 on the 热线看板 in a browser: the real `duban serve --demo` in a child process, headless Chromium at 1280×800
 * and 390×844. Three requests about one overflowing septic tank come in from three callers; the operator merges the
 * later two into the first. The dashboard's cards show the requests (诉求量, each merged one counted, "其中并单 N 件")
 * and the handlings (办理量 = requests − merged) apart, with the figures the KPI answer the page loaded holds, at both
 * sizes; nothing off screen at 390 px; no console or script error.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiAs, buildWebIfStale, CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, hasChromium, OFF_SCREEN_SCRIPT, sayIfNoChromium, serveDemo, stopServer, type DemoServer } from '../support/browser.ts'

sayIfNoChromium('test/browser/hotline-merged.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-hotline-merged-shots'
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
/** 环境卫生 in the demo catalogue; 河滨街道 of 青龙区. */
const CATEGORY = '01.01.04'
const PLACE = 'ql-hb'

async function signIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/login`)
  await page.locator('input[name=username]').fill(username)
  await page.locator('input[name=password]').fill(DEMO_PASSWORD)
  await page.locator('[data-test=login]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

/** The big figure and the line under it of one card. */
async function card(page: Page, test: string): Promise<{ value: number; sub: string }> {
  const c = page.locator(`[data-test=${test}]`)
  return { value: Number(await c.locator('.value').innerText()), sub: await c.locator('.muted').innerText() }
}

describe.skipIf(!hasChromium)('并单 on the 热线看板 in a browser', () => {
  let server: DemoServer
  let browser: Browser
  let dataDir: string
  const problems: string[] = []

  beforeAll(async () => {
    await buildWebIfStale()
    dataDir = mkdtempSync(join(tmpdir(), 'duban-hotline-merged-data-'))
    mkdirSync(SHOTS, { recursive: true })
    server = await serveDemo(dataDir)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] })
    const hotline = await apiAs(server.url, 'hotline')
    const made: { id: string; number: string }[] = []
    for (const [i, text] of ['滨河路18号化粪池满溢发臭，污水流到人行道上', '滨河路18号门口化粪池冒污水，臭味很大', '滨河路18号的化粪池又满了，污水横流'].entries()) {
      const r = await hotline<{ id: string; number: string }>('POST', '/tickets', {
        requestType: 'complaint', categoryCode: CATEGORY, urgency: 'normal', requesterPhone: `1360000${String(2000 + i)}`, address: '青龙区滨河路18号', placeUnitId: PLACE, content: text,
      })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      made.push(r.body)
    }
    for (const t of made.slice(1)) {
      const m = await hotline('POST', `/tickets/${t.id}/merge`, { into: made[0]!.number })
      expect(m.status, JSON.stringify(m.body)).toBe(200)
    }
  }, 900_000)

  afterAll(async () => {
    await browser?.close()
    await stopServer(server)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    console.log(`test/browser/hotline-merged.test.ts: screenshots in ${SHOTS}`)
  }, 60_000)

  async function newPage(size = DESKTOP): Promise<Page> {
    // The page picks its period's dates in the browser's time zone and the API reads them as China dates: a browser
    // in China, so that requests received today (China time) fall in the period whatever the test machine's zone.
    const context = await browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 })
    const page = await context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()} (${page.url()})`)
    })
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message} (${page.url()})`))
    return page
  }

  for (const [name, size] of [['1280', DESKTOP], ['390', PHONE]] as const) {
    it(`shows requests and handlings apart on the 热线看板 at ${name} px, merged requests counted in the first only`, async () => {
      const page = await newPage(size)
      await signIn(page, server.url, 'hotline')
      const answer = page.waitForResponse((r) => r.url().includes('/api/hotline/kpis') && r.status() === 200)
      await page.goto(`${server.url}/hotline`)
      const totals = ((await (await answer).json()) as { totals: { received: number; merged: number; handlings: number } }).totals
      // The two merged today are in the period the page shows (the last three months).
      expect(totals.merged).toBeGreaterThanOrEqual(2)
      expect(totals.handlings).toBe(totals.received - totals.merged)
      await expect.poll(async () => (await card(page, 'kpi-requests')).value, { timeout: 30_000 }).toBe(totals.received)
      const requests = await card(page, 'kpi-requests')
      const handlings = await card(page, 'kpi-handlings')
      expect(requests.sub).toBe(`其中并单 ${totals.merged} 件`)
      expect(handlings.value).toBe(totals.handlings)
      expect(handlings.value).toBe(requests.value - totals.merged)
      expect(await page.locator('[data-test=kpi-requests] .label').innerText()).toBe('诉求量')
      expect(await page.locator('[data-test=kpi-handlings] .label').innerText()).toBe('办理量')
      await page.locator('[data-test=kpi-cards]').screenshot({ path: join(SHOTS, `hotline-${name}-cards.png`) })
      if (size === PHONE) expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])
      await page.context().close()
    }, 120_000)
  }

  it('had no console or script error on any page', () => {
    expect(problems).toEqual([])
  })
})
