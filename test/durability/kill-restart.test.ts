/**
 * Acknowledged writes survive a crash: a `duban serve` process takes concurrent writes, is killed
 * with SIGKILL mid-stream, and restarted on the same data; every write that got a 2xx must be there,
 * and the audit chain must still verify.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../src/app/demo/seed-demo.ts'
import { createServerDatabase, testDialects } from '../support/test-db.ts'
import { runDuban, startServe, type ServeProcess } from './serve-process.ts'

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
  })
  if (!res.ok) throw new Error(`login failed: ${res.status}`)
  return ((await res.json()) as { token: string }).token
}

for (const dialect of testDialects()) {
  describe(`durability of acknowledged writes on ${dialect}`, () => {
    const cleanups: (() => Promise<void> | void)[] = []
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c()
    })

    it('keeps every 2xx write after SIGKILL and restart, with an intact audit chain', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'duban-dur-'))
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '' }
      if (dialect === 'pg') {
        const server = await createServerDatabase()
        cleanups.push(server.drop)
        env.DATABASE_URL = server.url
      }
      const args = ['--data', dataDir, '--demo']

      const first: ServeProcess = await startServe(args, env)
      cleanups.push(() => void first.child.kill('SIGKILL'))
      const token = await login(first.url)
      const acknowledged: string[] = []
      let sent = 0
      let killed = false
      // Writers keep going until the process dies under them; the kill comes once enough were acknowledged.
      const writer = async (w: number) => {
        for (let i = 0; !killed; i++) {
          const id = `dur-${w}-${i}`
          sent++
          try {
            const res = await fetch(`${first.url}/api/units`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ id, name: `耐久单位${w}-${i}`, parentId: 'yz', level: 'department' }),
            })
            if (res.status >= 200 && res.status < 300) acknowledged.push(id)
            else throw new Error(`unexpected ${res.status}: ${await res.text()}`)
            if (acknowledged.length >= 40 && !killed) {
              killed = true
              first.child.kill('SIGKILL')
            }
          } catch (e) {
            if (killed) return
            throw e
          }
        }
      }
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)))
      expect((await first.exited).signal).toBe('SIGKILL')
      expect(acknowledged.length).toBeGreaterThanOrEqual(40)

      const second = await startServe(args, env)
      cleanups.push(() => void second.child.kill('SIGKILL'))
      const token2 = await login(second.url)
      const res = await fetch(`${second.url}/api/units`, { headers: { authorization: `Bearer ${token2}` } })
      const present = new Set(((await res.json()) as { id: string }[]).map((u) => u.id))
      const lost = acknowledged.filter((id) => !present.has(id))
      expect(lost, `${lost.length} of ${acknowledged.length} acknowledged writes lost (${sent} sent)`).toEqual([])

      // A clean stop on SIGTERM, then the chain still verifies from the command line.
      second.child.kill('SIGTERM')
      expect((await second.exited).code).toBe(0)
      const verify = await runDuban(['audit', 'verify', '--data', dataDir], env)
      expect(verify.stdout).toMatch(/intact/)
      expect(verify.code).toBe(0)
    }, 300_000) // three process starts of PGlite (WASM) under a loaded CI machine; not a timing test
  })
}
