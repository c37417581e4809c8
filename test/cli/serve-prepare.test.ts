/**
 * `duban serve` on a fresh PGlite directory or with --demo prepares the directory (initdb, migrations, demo seed) in
 * a child process that exits before the server opens it (src/adapters/cli/prepare-child.ts), so what that work
 * leaves in memory is not the server's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openPglite } from '../../src/persistence/pglite.db.ts'
import { PREPARE_ONLY_ENV } from '../../src/adapters/cli/prepare-child.ts'
import { runDuban, startServe } from '../durability/serve-process.ts'

const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' }
delete env[PREPARE_ONLY_ENV]

describe('duban serve prepares a PGlite directory in a child process', () => {
  const dirs: string[] = []
  const scratch = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'duban-prepare-'))
    dirs.push(d)
    return d
  }
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('in prepare-only mode migrates and seeds the demo, then exits without serving', async () => {
    const dataDir = join(scratch(), 'data')
    const r = await runDuban(['serve', '--port', '0', '--data', dataDir, '--demo'], { ...env, [PREPARE_ONLY_ENV]: '1' })
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/demo users/)
    expect(r.stdout).not.toMatch(/serving on/)
    const db = await openPglite(dataDir)
    try {
      const { rows } = await db.query<{ units: number; admins: number }>(
        `SELECT (SELECT count(*)::int FROM unit) AS units, (SELECT count(*)::int FROM app_user WHERE username = 'admin') AS admins`,
      )
      expect(rows[0]!.units).toBeGreaterThan(10)
      expect(rows[0]!.admins).toBe(1)
    } finally {
      await db.close()
    }
  }, 600_000)

  it('serves a fresh --demo directory whose demo users can sign in, the seed lines printed by the child first', async () => {
    const dataDir = join(scratch(), 'data')
    const server = await startServe(['--data', dataDir, '--demo'], env)
    try {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'supervisor', password: 'duban-demo-2026' }),
      })
      expect(res.status).toBe(200)
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
    }
  }, 600_000)

  it('exits 1 with the reason when the child cannot prepare the directory', async () => {
    const file = join(scratch(), 'not-a-directory')
    writeFileSync(file, 'x')
    const r = await runDuban(['serve', '--port', '0', '--data', join(file, 'data')], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/preparing the data directory failed/)
    expect(r.stdout).not.toMatch(/serving on/)
  }, 600_000)
})
