/**
 * Issue 11, point 6: a crash loop. `duban serve` takes writes from 6 concurrent writers and is killed with
 * SIGKILL at a random moment, ten times in a row on the same data; then every write that got a 2xx must be
 * there and `duban audit verify` must say intact. Slow (eleven process starts): runs when CRASH_LOOP=1
 * (`npm run fuzz` sets it), on PGlite and, with DATABASE_URL, PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../src/app/demo/seed-demo.ts'
import { createServerDatabase, testDialects } from '../support/test-db.ts'
import { runDuban, startServe } from '../durability/serve-process.ts'

const KILLS = Number(process.env.CRASH_KILLS ?? 10)

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }) })
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

for (const dialect of testDialects()) {
  describe.runIf(process.env.CRASH_LOOP === '1')(`crash loop on ${dialect}`, () => {
    const cleanups: (() => Promise<void> | void)[] = []
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c()
    })

    it(`keeps every acknowledged write over ${KILLS} SIGKILLs at random moments, audit chain intact`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'duban-crash-'))
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '' }
      if (dialect === 'pg') {
        const server = await createServerDatabase()
        cleanups.push(server.drop)
        env.DATABASE_URL = server.url
      }
      const args = ['--data', dataDir, '--demo']
      const acknowledged: string[] = []
      let sent = 0
      let shed = 0
      for (let round = 0; round < KILLS; round++) {
        const proc = await startServe(args, env)
        cleanups.push(() => void proc.child.kill('SIGKILL'))
        const token = await login(proc.url)
        let killed = false
        const killAfter = 5 + Math.floor(Math.random() * 40) // acknowledged writes this round before the kill
        let ackedThisRound = 0
        const writer = async (w: number): Promise<void> => {
          for (let i = 0; !killed; i++) {
            const id = `crash-${round}-${w}-${i}`
            sent++
            try {
              const res = await fetch(`${proc.url}/api/units`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: JSON.stringify({ id, name: `崩溃单位${round}-${w}-${i}`, parentId: 'yz', level: 'department' }),
              })
              if (res.status >= 200 && res.status < 300) {
                acknowledged.push(id)
                ackedThisRound++
              } else if (res.status === 503) shed++
              else throw new Error(`unexpected ${res.status}: ${await res.text()}`)
              if (ackedThisRound >= killAfter && !killed) {
                killed = true
                proc.child.kill('SIGKILL')
              }
            } catch (e) {
              if (killed) return
              throw e
            }
          }
        }
        await Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)))
        expect((await proc.exited).signal).toBe('SIGKILL')
      }
      const last = await startServe(args, env)
      cleanups.push(() => void last.child.kill('SIGKILL'))
      const token = await login(last.url)
      const res = await fetch(`${last.url}/api/units`, { headers: { authorization: `Bearer ${token}` } })
      const present = new Set(((await res.json()) as { id: string }[]).map((u) => u.id))
      const lost = acknowledged.filter((id) => !present.has(id))
      last.child.kill('SIGTERM')
      expect((await last.exited).code).toBe(0)
      const verify = await runDuban(['audit', 'verify', '--data', dataDir], env)
      process.stdout.write(
        `[security] crash loop (${dialect}): ${KILLS} × SIGKILL under 6 writers; ${sent} writes sent, ${acknowledged.length} acknowledged, ${shed} shed (503), ${lost.length} acknowledged missing; audit verify: ${verify.stdout.trim().split('\n').pop()}\n`,
      )
      expect(lost).toEqual([])
      expect(verify.stdout).toMatch(/intact/)
      expect(verify.code).toBe(0)
    }, 1_800_000)
  })
}
