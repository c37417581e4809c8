/**
 * Where `duban serve`'s PGlite backend runs (src/persistence/open.ts): in a worker thread unless
 * DUBAN_PGLITE_THREAD=main, said on the line with the URL; and the write limit it is sized for
 * (security.plugin.ts DEFAULT_CONCURRENCY): two writes in flight with the backend in a worker, one on the main thread.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_CONCURRENCY, databaseShape } from '../../src/adapters/http/security.plugin.ts'
import { PREPARE_ONLY_ENV } from '../../src/adapters/cli/prepare-child.ts'
import { startServe } from '../durability/serve-process.ts'

const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' }
delete env.DUBAN_PGLITE_THREAD
delete env[PREPARE_ONLY_ENV]

describe("duban serve's PGlite backend", () => {
  const dir = mkdtempSync(join(tmpdir(), 'duban-thread-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    ['unset', undefined, /data: PGlite in .*, backend in a worker thread\)/],
    ['main', 'main', /data: PGlite in .*, backend on the main thread\)/],
  ])('DUBAN_PGLITE_THREAD %s: serves and says where the backend runs', async (_label, value, banner) => {
    const data = join(dir, `data-${_label}`)
    const s = await startServe(['--data', data], value ? { ...env, DUBAN_PGLITE_THREAD: value } : env)
    try {
      expect(s.banner).toMatch(banner)
      // The database answers through the server: the sign-in route reads users (none here) and refuses.
      const res = await fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: 'wrong-password' }),
      })
      expect(res.status).toBe(401)
    } finally {
      s.child.kill('SIGTERM')
      await s.exited
    }
  }, 300_000)

  it('is sized for two writes in flight in a worker thread, one on the main thread', () => {
    expect(databaseShape({ dialect: 'pglite', thread: 'worker' })).toBe('pglite-worker')
    expect(databaseShape({ dialect: 'pglite' })).toBe('pglite')
    expect(databaseShape({ dialect: 'pg' })).toBe('pg')
    expect(DEFAULT_CONCURRENCY['pglite-worker'].write.concurrent).toBe(2)
    expect(DEFAULT_CONCURRENCY.pglite.write.concurrent).toBe(1)
    // Only the write class differs: reads, bulk work and intake are sized as on the main thread.
    for (const cls of ['public', 'read', 'export', 'bulk', 'intake'] as const) {
      expect(DEFAULT_CONCURRENCY['pglite-worker'][cls]).toEqual(DEFAULT_CONCURRENCY.pglite[cls])
    }
  })
})
