import { chromium } from 'playwright-core'
const base = 'http://127.0.0.1:3311'
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] })
const [,, user, ...paths] = process.argv
for (const [w, h] of [[390, 844], [1280, 800]]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: 'zh-CN' })
  const page = await ctx.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('response', (r) => { if (r.status() >= 500) errors.push(`${r.status()} ${r.url()}`) })
  if (user !== 'public') {
    const r = await ctx.request.post(base + '/api/auth/login', { data: { username: user, password: 'duban-demo-2026' } })
    if (!r.ok()) console.log('login', r.status(), await r.text())
  }
  for (const p of paths) {
    await page.goto(base + p); await page.waitForLoadState('networkidle'); await page.waitForTimeout(500)
    const name = `/tmp/ux/${user}-${p.replace(/\W+/g, '_')}-${w}.png`
    await page.screenshot({ path: name, fullPage: false })
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    console.log(name, 'overflow-x', overflow)
  }
  if (errors.length) console.log('errors', errors)
  await ctx.close()
}
await browser.close()
