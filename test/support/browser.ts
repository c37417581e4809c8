/**
 * What every browser test shares (浏览器测试公用): Debian's Chromium and the flags this closed machine needs,
 * and the real `duban serve --demo` in a child process on its own PGlite directory. An inherited
 * DATABASE_URL would point the server at a shared database holding an earlier run's demo, so it is dropped.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

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
export function buildWebIfStale(): void {
  execFileSync(process.execPath, [join(ROOT, 'web/build-if-stale.mjs')], { cwd: ROOT, stdio: 'inherit', timeout: 600_000 })
}

/** Starts `duban serve --demo` on a free port with its own PGlite directory; resolves once it says where it listens. */
export function serveDemo(dataDir: string): Promise<DemoServer> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env }
    delete env.DATABASE_URL
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
