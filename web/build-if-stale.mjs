#!/usr/bin/env node
// Builds the web app (npm run build:web) when web/dist is missing or older than any source file of
// the app, so `npm start` and the browser test always serve what web/src says. Quiet when up to date.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const web = dirname(fileURLToPath(import.meta.url))
const built = join(web, 'dist', 'index.html')

/** The newest modification time under the given paths (files or folders). */
function newest(paths) {
  let t = 0
  for (const p of paths) {
    if (!existsSync(p)) continue
    const s = statSync(p)
    if (s.isDirectory()) t = Math.max(t, newest(readdirSync(p).map((n) => join(p, n))))
    else t = Math.max(t, s.mtimeMs)
  }
  return t
}

// The tables of names the app imports from the server's code (field names, audit actions) count as its sources.
const shared = ['field-labels.ts', 'audit-actions.ts'].map((f) => join(web, '..', 'src', 'domain', f))
const sources = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(web, '..', 'package-lock.json'), ...shared]
const stale = !existsSync(built) || newest(sources) > statSync(built).mtimeMs
if (stale) {
  process.stdout.write(existsSync(built) ? 'duban: web app sources changed; rebuilding web/dist\n' : 'duban: web/dist missing; building the web app\n')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const started = new Date()
  const r = spawnSync(npm, ['run', 'build:web'], { cwd: join(web, '..'), stdio: 'inherit' })
  process.exitCode = r.status ?? 1
  // The build is as new as the sources it read, not as its end: dated at its start, a source saved while it ran
  // (a minute or two on a loaded machine) is newer than the build, and the next call builds again.
  if (r.status === 0 && existsSync(built)) utimesSync(built, started, started)
}
