/**
 * Issue 11: login lock-outs are shared by every server process on one database and survive a restart. Two app
 * instances (each with its own connection pool on PostgreSQL, as two `duban serve` processes have; on PGlite,
 * which one process opens at a time, two servers on the one database) count failed sign-ins into the same
 * rows: guesses spread over both lock the account in both, an admin's unlock through one clears it for both,
 * and an instance started afresh (PGlite: the data directory closed and opened again) still refuses. Expired
 * rows are purged. Both dialects.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/adapters/http/server.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import type { Db } from '../../src/persistence/db.ts'
import { migrate } from '../../src/persistence/migrate.ts'
import { openPg } from '../../src/persistence/pg.db.ts'
import { openPglite } from '../../src/persistence/pglite.db.ts'
import { countThrottleRows } from '../../src/persistence/login-throttle.repo.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { createServerDatabase, testDialects } from '../support/test-db.ts'

const PASSWORD = 'duban-test-pw'
const LIMITS = { perAccount: 3, perAddress: 6, windowMs: 60_000, lockMs: 120_000 }

for (const dialect of testDialects()) {
  describe(`login lock-out shared by two server instances (${dialect})`, () => {
    let now = new Date('2026-03-02T09:00:00+08:00').getTime()
    const clock = { now: () => new Date(now) }
    let n = 0
    const newId = (): string => `id-${++n}`
    let dir = ''
    let url = ''
    let drop: () => Promise<void> = async () => undefined
    const dbs: Db[] = []
    const apps: FastifyInstance[] = []

    /** Opens the database(s) and starts two instances. */
    const start = async (): Promise<void> => {
      if (dialect === 'pglite') {
        const db = await openPglite(dir)
        dbs.push(db, db)
      } else {
        dbs.push(await openPg(url), await openPg(url))
      }
      for (const db of dbs) {
        const deps: AppDeps = { db, clock, newId }
        const app = await buildServer(deps, { trustProxy: true, security: { loginThrottle: LIMITS } })
        await app.ready()
        apps.push(app)
      }
    }
    /** Stops both instances and closes the database(s). */
    const stop = async (): Promise<void> => {
      for (const app of apps.splice(0)) await app.close()
      for (const db of new Set(dbs.splice(0))) await db.close()
    }

    beforeAll(async () => {
      if (dialect === 'pglite') dir = mkdtempSync(join(tmpdir(), 'duban-throttle-'))
      else ({ url, drop } = await createServerDatabase())
      const first = dialect === 'pglite' ? await openPglite(dir) : await openPg(url)
      await migrate(first)
      const deps: AppDeps = { db: first, clock, newId }
      await createUser(deps, null, { username: 'admin', displayName: 'admin', password: PASSWORD, role: 'admin', unitId: null })
      await createUser(deps, null, { username: 'supervisor', displayName: 'supervisor', password: PASSWORD, role: 'supervisor', unitId: null })
      await createUser(deps, null, { username: 'leader', displayName: 'leader', password: PASSWORD, role: 'leader', unitId: null })
      await first.close()
      await start()
    }, 600_000)
    afterAll(async () => {
      await stop()
      if (dir) rmSync(dir, { recursive: true, force: true })
      await drop()
    }, 300_000)

    const attempt = (i: number, username: string, password: string, ip = '10.1.1.1') =>
      (apps[i] as FastifyInstance).inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers: { 'x-forwarded-for': ip } })
    const adminToken = async (i: number): Promise<string> => {
      const res = await attempt(i, 'admin', PASSWORD, '10.0.0.1')
      expect(res.statusCode, res.body).toBe(200)
      return res.json().token as string
    }
    const unlock = async (i: number, payload: Record<string, string>) =>
      (apps[i] as FastifyInstance).inject({ method: 'POST', url: '/api/auth/unlock', headers: { authorization: `Bearer ${await adminToken(i)}` }, payload })

    it('counts guesses spread over both instances, locks the account in both, and an unlock in one clears it for both', async () => {
      // Two failures through one, one through the other: 3 in all, the limit.
      expect((await attempt(0, 'supervisor', 'wrong-1')).statusCode).toBe(401)
      expect((await attempt(1, 'supervisor', 'wrong-2', '10.1.1.2')).statusCode).toBe(401)
      expect((await attempt(0, 'supervisor', 'wrong-3', '10.1.1.3')).statusCode).toBe(401)
      for (const i of [0, 1]) {
        const res = await attempt(i, 'supervisor', PASSWORD, '10.1.1.9')
        expect(res.statusCode, `instance ${i}`).toBe(429)
        expect(res.json().error.code).toBe('DUBAN_ERR_LOGIN_LOCKED')
        expect(res.json().error.details.scope).toBe('account')
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
      }
      const res = await unlock(1, { username: 'supervisor' })
      expect(res.json()).toEqual({ account: true, address: false })
      for (const i of [0, 1]) expect((await attempt(i, 'supervisor', PASSWORD, '10.1.1.9')).statusCode, `instance ${i}`).toBe(200)
    })

    it('locks an address spraying names over both instances until an admin unlocks it through either', async () => {
      for (let k = 0; k < LIMITS.perAddress; k++) expect((await attempt(k % 2, `ghost-${k}`, 'wrong', '10.2.2.2')).statusCode).toBe(401)
      for (const i of [0, 1]) {
        const res = await attempt(i, 'leader', PASSWORD, '10.2.2.2')
        expect(res.statusCode).toBe(429)
        expect(res.json().error.details.scope).toBe('address')
      }
      expect((await attempt(1, 'leader', PASSWORD, '10.2.2.3')).statusCode).toBe(200)
      expect((await unlock(0, { address: '10.2.2.2' })).json()).toEqual({ account: false, address: true })
      expect((await attempt(1, 'leader', PASSWORD, '10.2.2.2')).statusCode).toBe(200)
    })

    it('keeps a lock over a restart of both instances, lifts it when its time is up, and purges expired rows', async () => {
      for (let k = 0; k < LIMITS.perAccount; k++) await attempt(k % 2, 'leader', 'wrong', `10.3.3.${k}`)
      expect((await attempt(0, 'leader', PASSWORD, '10.3.3.9')).statusCode).toBe(429)
      await stop()
      await start()
      for (const i of [0, 1]) expect((await attempt(i, 'leader', PASSWORD, '10.3.3.9')).statusCode, `instance ${i} after restart`).toBe(429)
      now += LIMITS.lockMs + 1_000
      expect((await attempt(1, 'leader', PASSWORD, '10.3.3.9')).statusCode).toBe(200)
      // Every earlier row has expired by now; the next failure (a minute after this process's last purge) deletes them.
      const db = dbs[0] as Db
      expect(await countThrottleRows(db)).toBeGreaterThan(2)
      now += 61_000
      await attempt(0, 'nobody', 'wrong', '10.4.4.4')
      await attempt(1, 'nobody', 'wrong', '10.4.4.4')
      expect(await countThrottleRows(db)).toBe(2) // the account 'nobody' and the address 10.4.4.4 only
    })
  })
}
