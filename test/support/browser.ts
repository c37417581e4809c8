/**
 * What every browser test shares (浏览器测试公用): Debian's Chromium and the flags this closed machine needs,
 * and the real `duban serve --demo` in a child process on its own PGlite directory. An inherited
 * DATABASE_URL would point the server at a shared database holding an earlier run's demo, so it is dropped; a suite
 * that asks (`postgres: true`) gets a fresh database of its own on that server instead, dropped after.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { createServerDatabase, type ServerDatabase } from './server-database.ts'

/** Debian's Chromium; browser tests skip, saying so, when it is missing. */
export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

/** Flags for a headless Chromium that makes no outbound connections of its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] as const

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')

/** The demo users' password (README). */
export const DEMO_PASSWORD = 'duban-demo-2026'

/** A running `duban serve`. */
export interface DemoServer {
  readonly child: ChildProcess
  readonly url: string
}

/** Logs the skip of a browser test file when Chromium is missing. */
export function sayIfNoChromium(file: string): void {
  if (!hasChromium) console.log(`${file}: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`)
}

/** Builds web/dist when it is missing or stale (a fresh clone has none). */
export async function buildWebIfStale(): Promise<void> {
  // Asynchronous on purpose: a build takes minutes on a loaded machine, and a worker whose event loop is held that long
  // misses vitest's RPC deadline ("Timeout calling onTaskUpdate"), which fails the run even when every test passed.
  // The lock keeps two test workers from writing web/dist at once; the second finds it fresh and returns at once.
  const lock = join(ROOT, 'web/.build-lock')
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > 900_000) rmSync(lock, { recursive: true, force: true })
      else await new Promise((r) => setTimeout(r, 500))
    }
  }
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'web/build-if-stale.mjs')], { cwd: ROOT, stdio: 'inherit' })
      child.once('error', reject)
      child.once('exit', resolve)
    })
    if (code !== 0) throw new Error(`web/build-if-stale.mjs exited with ${code}`)
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * Starts `duban serve --demo` on a free port with its own PGlite directory (or, given `databaseUrl`, on that
 * PostgreSQL database); resolves once it says where it listens.
 */
export function serveDemo(dataDir: string, databaseUrl?: string): Promise<DemoServer> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env }
    delete env.DATABASE_URL
    if (databaseUrl) env.DATABASE_URL = databaseUrl
    const child = spawn(process.execPath, ['bin/duban.js', 'serve', '--demo', '--data', dataDir, '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const fail = (why: string) => reject(new Error(`duban serve ${why}\n${out}`))
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /serving on (http:\/\/\S+)/.exec(out)
      if (m?.[1]) resolve({ child, url: m[1] })
    })
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()))
    child.once('exit', (code) => fail(`exited with ${code}`))
    child.once('error', (e) => fail(e.message))
  })
}

/** Stops a server started by serveDemo and waits for it to exit. */
export async function stopServer(server: DemoServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return
  const exited = new Promise((r) => server.child.once('exit', r))
  server.child.kill('SIGTERM')
  await exited
}

/**
 * Elements wider than the viewport or sticking out of it at the page's current size (hidden ones and the
 * insides of scrolling tables and tab bars skipped): what a phone user could not reach. A script text for
 * `page.evaluate`, so no compiled helper leaks into the page.
 */
export const OFF_SCREEN_SCRIPT = `(() => {
  const w = window.innerWidth
  const out = []
  if (document.documentElement.scrollWidth > w + 1) out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + w)
  for (const el of Array.from(document.querySelectorAll('button, a, input, textarea, .el-tag, .el-badge, .el-drawer, .el-card, .el-dialog, .el-message-box'))) {
    const r = el.getBoundingClientRect()
    if (r.width === 0 || r.height === 0) continue
    if (el.closest('.el-table__body-wrapper, .el-scrollbar__wrap, .el-table__header-wrapper, .el-tabs__nav-wrap')) continue
    if (r.left < -1 || r.right > w + 1) out.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + (el.textContent || '').trim().slice(0, 20) + '" at ' + Math.round(r.left) + '–' + Math.round(r.right))
  }
  return out
})()`

/** A signed-in API caller: the answer's status and parsed body. */
export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>

/** Signs in through the API (not the page) as a demo user, to seed or look things up beside the screens. */
export async function apiAs(url: string, username: string): Promise<ApiCall> {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) })
  const text = await r.text()
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${text}`)
  const { token } = JSON.parse(text) as { token: string }
  return async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const t = await res.text()
    return { status: res.status, body: (t ? JSON.parse(t) : null) as T }
  }
}

/** As apiAs, for calls that must succeed: the body of a 2xx answer, else an error naming the call. */
export async function apiOkAs(url: string, username: string): Promise<<T>(method: string, path: string, body?: unknown) => Promise<T>> {
  const call = await apiAs(url, username)
  return async <T>(method: string, path: string, body?: unknown) => {
    const res = await call<T>(method, path, body)
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
}

/** The two sizes every screen is checked at: a desktop and a phone. */
export const DESKTOP = { width: 1280, height: 800 } as const
export const PHONE = { width: 390, height: 844 } as const
export type ScreenSize = { readonly width: number; readonly height: number }

/** Signs in through the login screen as a demo user and waits to leave it. */
export async function signIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/login`)
  await page.locator('input[name=username]').fill(username)
  await page.locator('input[name=password]').fill(DEMO_PASSWORD)
  await page.locator('[data-test=login]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

/**
 * Picks one option of a filterable Element Plus select as an operator does: opens the list until it shows (a click
 * during a dialog's re-layout may not open it), types to narrow it, waits until the filter has run over the loaded
 * options (a click while the list re-renders is lost), clicks the option itself (a pointer click could land on a
 * dialog re-laid out over the list), and returns only once the select shows the pick (under load it lands after
 * the click returns). Each step that did not take is tried again, up to three times, then the last check fails.
 */
export async function pickOption(page: Page, select: Locator, typed: string, option: string): Promise<void> {
  const options = page.locator('.el-select-dropdown__item:visible')
  for (let attempt = 0; attempt < 3; attempt++) {
    for (let i = 0; i < 5; i++) {
      await select.click()
      if (await options.first().waitFor({ timeout: 3_000 }).then(() => true, () => false)) break
    }
    await page.keyboard.type(typed)
    const filtered = await expect
      .poll(async () => { const t = await options.allTextContents(); return t.length > 0 && t.every((x) => x.includes(typed)) }, { timeout: 10_000 })
      .toBe(true).then(() => true, () => false)
    if (filtered) await options.filter({ hasText: option }).first().dispatchEvent('click')
    const shown = await expect.poll(() => select.innerText(), { timeout: 5_000 }).toContain(option).then(() => true, () => false)
    if (shown) return
    await page.keyboard.press('Escape')
  }
  await expect.poll(() => select.innerText()).toContain(option)
}

/** The smallest PNG there is: one transparent pixel (a 现场照片 or an attachment that costs nothing to send). */
export const ONE_PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')

/** Picks files for the upload of a form (the hidden file input inside `scope`), as a user's file dialog would. */
export const chooseFiles = (page: Page, scope: string, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> =>
  page.locator(`${scope} input[type=file]`).first().setInputFiles(files)

/** What a citizen sends from the public page (在线诉求); a complaint unless said otherwise. */
export interface PublicRequest {
  readonly categoryCode: string
  readonly content: string
  readonly requesterName: string
  readonly requesterPhone: string
  readonly address?: string
  readonly requestType?: string
}

/**
 * Sends a request as the public page does and finds its ticket as the hotline operator: its id and 工单编号.
 * Fails here, saying so, if the page's route refuses it or the operator's list does not hold it.
 */
export async function publicTicket(url: string, request: PublicRequest): Promise<{ id: string; number: string }> {
  const res = await fetch(`${url}/api/public/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ requestType: 'complaint', ...request }),
  })
  expect(res.status, await res.clone().text()).toBe(201)
  const { number } = (await res.json()) as { number: string }
  const hotline = await apiOkAs(url, 'hotline')
  const { tickets } = await hotline<{ tickets: { id: string; number: string }[] }>('GET', `/tickets?q=${number}`)
  const found = tickets.find((t) => t.number === number)
  expect(found, `ticket ${number} is listed`).toBeDefined()
  return found!
}

/** Opens 办件查询 on the public page and looks a request up by its number and the requester's phone. */
export async function lookUp(page: Page, url: string, number: string, phone: string): Promise<void> {
  await page.goto(`${url}/public`)
  await page.locator('[data-test=tab-lookup]').click()
  await page.locator('input[name=number]').fill(number)
  await page.locator('input[name=phone]').fill(phone)
  await page.locator('[data-test=lookup-submit]').click()
}

/** What OFF_SCREEN_SCRIPT finds on the page as it is now (none: a phone user reaches everything). */
export const offScreen = (page: Page): Promise<string[]> => page.evaluate(OFF_SCREEN_SCRIPT) as Promise<string[]>

/** Tables (by their data-test or card header) whose body is wider than their box: they scroll sideways. */
export const sidewaysTables = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('.el-table'))
      .filter((t) => (t as HTMLElement).offsetWidth > 0)
      .flatMap((t) => {
        const wrap = t.querySelector('.el-table__body-wrapper .el-scrollbar__wrap') ?? t.querySelector('.el-table__body-wrapper')
        if (!wrap || wrap.scrollWidth <= wrap.clientWidth + 2) return []
        const name = t.getAttribute('data-test') ?? t.closest('[data-test]')?.getAttribute('data-test') ?? '?'
        return [`${name}: ${wrap.scrollWidth} > ${wrap.clientWidth}`]
      }),
  )

/** How a browser suite is set up. */
export interface BrowserSuiteOptions {
  /** The test file (test/browser/x.test.ts), for the log line naming the screenshots. */
  readonly file: string
  /** The start of the demo server's PGlite directory's name under the OS temp folder (duban-x-data-). */
  readonly data: string
  /** Where screenshots go: made before the server starts, named in the log at the end. */
  readonly shots?: string
  /** Console errors matching this are expected (a refusal the test provokes) and not counted as problems. */
  readonly expectedConsole?: RegExp
  /** Also count every 404 answer a page gets as a problem. */
  readonly count404?: boolean
  /**
   * A persistent context at this viewport (a fresh --user-data-dir of its own, how playwright takes one) instead
   * of a browser: `context` is then set, `browser` is not, and newPage opens its pages in it.
   */
  readonly persistent?: { readonly profile: string; readonly viewport: ScreenSize }
  /**
   * With DATABASE_URL set, the demo server runs on a fresh database of its own on that PostgreSQL server (named
   * `<DUBAN_TEST_DB_PREFIX or duban_browser>_<pid>_<hex>`, dropped after) instead of PGlite.
   */
  readonly postgres?: boolean
}

/** What a browser suite gives its tests; server, url, browser and context are set once its beforeAll has run. */
export interface BrowserSuite {
  readonly server: DemoServer
  readonly url: string
  /** The server's PGlite directory (removed after): room for files a test uploads. */
  readonly dataDir: string
  readonly browser: Browser
  readonly context: BrowserContext
  /** Console and script errors (and 404s with count404) of every page opened by newPage or signedIn. */
  readonly problems: string[]
  /** A fresh context (no session) at a size, zh-CN, its errors collected (persistent: a page of the one context). */
  newPage(size?: ScreenSize): Promise<Page>
  /** newPage, signed in through the login screen as a demo user. */
  signedIn(username: string, size?: ScreenSize): Promise<Page>
}

/**
 * The set-up every browser test file shares, as beforeAll / afterAll hooks of the describe it is called in: builds
 * web/dist when stale, starts `duban serve --demo` on a PGlite directory of its own, launches Chromium; after,
 * closes the browser, stops the server and removes the directory. A file's own beforeAll (seeding through the API)
 * runs after this one, its afterAll before.
 */
export function browserSuite(opts: BrowserSuiteOptions): BrowserSuite {
  let server: DemoServer | undefined
  let browser: Browser | undefined
  let context: BrowserContext | undefined
  let dataDir: string | undefined
  let profileDir: string | undefined
  let database: ServerDatabase | undefined
  const problems: string[] = []
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`browserSuite: ${what} is not set (outside a test, or ${opts.persistent ? 'not persistent' : 'persistent'})`)
    return v
  }

  beforeAll(async () => {
    await buildWebIfStale()
    dataDir = mkdtempSync(join(tmpdir(), opts.data))
    if (opts.shots) mkdirSync(opts.shots, { recursive: true })
    if (opts.postgres && process.env.DATABASE_URL) {
      database = await createServerDatabase({ prefix: process.env.DUBAN_TEST_DB_PREFIX ?? 'duban_browser' })
      console.log(`${opts.file}: demo server on PostgreSQL database ${database.name}`)
    }
    server = await serveDemo(dataDir, database?.url)
    if (opts.persistent) {
      profileDir = mkdtempSync(join(tmpdir(), opts.persistent.profile))
      context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], viewport: opts.persistent.viewport, locale: 'zh-CN' })
    } else {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] })
    }
  }, 900_000)

  afterAll(async () => {
    await browser?.close()
    await context?.close()
    await stopServer(server)
    await database?.drop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    if (profileDir) rmSync(profileDir, { recursive: true, force: true })
    if (opts.shots) console.log(`${opts.file}: screenshots in ${opts.shots}`)
  }, 60_000)

  const newPage = async (size: ScreenSize = DESKTOP): Promise<Page> => {
    const page = opts.persistent ? await ready(context, 'context').newPage() : await (await ready(browser, 'browser').newContext({ viewport: size, locale: 'zh-CN', deviceScaleFactor: 1 })).newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' && !opts.expectedConsole?.test(m.text())) problems.push(`console: ${m.text()} (${page.url()})`)
    })
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message} (${page.url()})`))
    if (opts.count404) {
      page.on('response', (r) => {
        if (r.status() === 404) problems.push(`404: ${r.request().method()} ${r.url()}`)
      })
    }
    return page
  }

  return {
    get server() {
      return ready(server, 'server')
    },
    get url() {
      return ready(server, 'server').url
    },
    get dataDir() {
      return ready(dataDir, 'dataDir')
    },
    get browser() {
      return ready(browser, 'browser')
    },
    get context() {
      return ready(context, 'context')
    },
    problems,
    newPage,
    async signedIn(username: string, size?: ScreenSize) {
      const page = await newPage(size)
      await signIn(page, ready(server, 'server').url, username)
      return page
    },
  }
}
