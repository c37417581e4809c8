/**
 * Issue 11 leftover: every sign-in attempt is counted before its password is verified, so guesses sent in
 * parallel cannot all pass the lock-out check before the first failure is counted. With a limit of 3 per
 * account, 12 wrong guesses sent at once get at most 3 verifications (401 and a user.login.failed audit row
 * each); the rest are refused with 429 before the password is looked at. Parallel right passwords from one
 * address are given their attempts back, so the address is not left locked by successes. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const LIMIT = 3
const GUESSES = 12

for (const dialect of testDialects()) {
  describe(`login lock-out counts before verifying (${dialect})`, () => {
    let t: TestApp

    beforeAll(async () => {
      // Sign-ins run side by side here (the overload gate's public class may admit one at a time by default,
      // which would hide the race this test is about).
      const concurrency = { public: { concurrent: GUESSES, queue: GUESSES } }
      t = await startTestApp(dialect, { trustProxy: true, security: { concurrency, loginThrottle: { perAccount: LIMIT, perAddress: 8, lockMs: 60_000 } } })
      await t.seedUsers()
    }, 600_000)
    afterAll(async () => t?.close())

    const attempt = (username: string, password: string, ip: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers: { 'x-forwarded-for': ip } })
    const failuresLogged = async (username: string): Promise<number> =>
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'user.login.failed' AND after->>'username' = $1`, [username])).rows[0]?.n ?? 0

    it(`verifies at most ${LIMIT} of ${GUESSES} wrong guesses sent at once against one account, from many addresses`, async () => {
      const answers = await Promise.all(Array.from({ length: GUESSES }, (_, i) => attempt('supervisor', `wrong-${i}`, `10.60.0.${i + 1}`)))
      const codes = answers.map((a) => a.statusCode)
      const verified = codes.filter((c) => c === 401).length
      process.stdout.write(`[security] parallel guesses (${dialect}): ${GUESSES} sent, ${verified} verified (401), ${codes.filter((c) => c === 429).length} refused (429), limit ${LIMIT}\n`)
      expect(codes.every((c) => c === 401 || c === 429)).toBe(true)
      expect(verified).toBeGreaterThan(0)
      expect(verified).toBeLessThanOrEqual(LIMIT)
      expect(await failuresLogged('supervisor')).toBe(verified)
      // The account is locked: even the right password is refused, and no refused guess counted against an address.
      expect((await attempt('supervisor', TEST_PASSWORD, '10.60.1.1')).statusCode).toBe(429)
      const addressRows = (await t.db.query<{ n: number }>(`SELECT coalesce(sum(failures), 0)::int AS n FROM login_throttle WHERE key LIKE 'address:10.60.0.%'`)).rows[0]?.n
      expect(addressRows).toBe(verified)
    })

    it('gives a successful sign-in its attempt back, so parallel right passwords leave the address unlocked', async () => {
      const users = ['leader', 'admin', 'liaison-dh', 'liaison-sjj']
      const rounds = await Promise.all(users.flatMap((u) => [attempt(u, TEST_PASSWORD, '10.61.0.1'), attempt(u, TEST_PASSWORD, '10.61.0.1')]))
      expect(rounds.map((r) => r.statusCode).filter((c) => c !== 200 && c !== 429)).toEqual([])
      // Whatever was refused while 8 were in flight, once they are done the address holds no count and no lock.
      const row = (await t.db.query<{ failures: number; locked: boolean }>(`SELECT failures, locked_until IS NOT NULL AS locked FROM login_throttle WHERE key = 'address:10.61.0.1'`)).rows[0]
      expect(row?.failures ?? 0).toBe(0)
      expect(row?.locked ?? false).toBe(false)
      expect((await attempt('leader', TEST_PASSWORD, '10.61.0.1')).statusCode).toBe(200)
    })
  })
}
