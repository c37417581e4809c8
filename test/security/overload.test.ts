/**
 * Issue 11, finding 7: overload is answered, not queued. With small limits per route class (reads: 2 at a
 * time, 2 waiting at most), 200 simultaneous reads get 503 + Retry-After beyond capacity at once, the admitted
 * ones keep a bounded p99 (printed beside the unloaded p99), and the server recovers at once. Public routes are rate limited
 * (429 + Retry-After). Both dialects.
 */
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] as number

for (const dialect of testDialects()) {
  describe(`overload (${dialect})`, () => {
    let t: TestApp
    let admin: string

    beforeAll(async () => {
      t = await startTestApp(dialect, {
        security: {
          concurrency: { read: { concurrent: 2, queue: 2, maxWaitMs: 1_000 }, write: { concurrent: 2, queue: 2, maxWaitMs: 1_000 } },
          rateLimit: { publicPerMinute: 20, loginPerMinute: 10 },
        },
      })
      await t.seedUsers()
      admin = await t.login('admin')
    }, 120_000)
    afterAll(async () => t?.close())

    const read = async (): Promise<{ status: number; ms: number; retryAfter: string | undefined }> => {
      const t0 = performance.now()
      const res = await t.app.inject({ method: 'GET', url: '/api/units', headers: { authorization: `Bearer ${admin}` } })
      return { status: res.statusCode, ms: performance.now() - t0, retryAfter: res.headers['retry-after'] as string | undefined }
    }

    it('answers 503 with Retry-After beyond capacity, keeps admitted requests fast, and recovers at once', async () => {
      for (let i = 0; i < 10; i++) await read() // warm-up
      const unloaded: number[] = []
      for (let i = 0; i < 60; i++) unloaded.push((await read()).ms)
      const admitted: number[] = []
      let shed = 0
      let withRetryAfter = 0
      for (let wave = 0; wave < 3; wave++) {
        const answers = await Promise.all(Array.from({ length: 200 }, () => read()))
        for (const a of answers) {
          if (a.status === 200) admitted.push(a.ms)
          else {
            expect(a.status).toBe(503)
            shed++
            if (Number(a.retryAfter) >= 1) withRetryAfter++
          }
        }
      }
      const recovered = await read()
      process.stdout.write(
        `[security] overload (${dialect}): 3 waves × 200 concurrent reads at capacity 2+2 → admitted ${admitted.length}, shed ${shed} (503, Retry-After on ${withRetryAfter}); unloaded p99 ${p99(unloaded).toFixed(1)} ms, admitted p99 ${p99(admitted).toFixed(1)} ms; after: ${recovered.status} in ${recovered.ms.toFixed(1)} ms\n`,
      )
      expect(shed).toBeGreaterThan(0)
      expect(withRetryAfter).toBe(shed)
      expect(admitted.length).toBeGreaterThanOrEqual(12)
      // Admitted requests wait at most for the few ahead of them and the queue's longest wait: bounded, never the
      // seconds of an unbounded queue. (In-process clients share the event loop, so this is not the 2× of issue 11;
      // RELIABILITY.md states the figure.)
      expect(p99(admitted)).toBeLessThanOrEqual(1_000 + 2 * p99(unloaded))
      expect(recovered.status).toBe(200)
    })

    it('sheds over real HTTP from another thread when the event loop lags (PGlite queues in the kernel)', async () => {
      const lagged = await startTestApp(dialect, { security: { maxEventLoopLagMs: 50 } })
      await lagged.seedUsers()
      const token = await lagged.login('admin')
      const url = await lagged.app.listen({ port: 0, host: '127.0.0.1' })
      const load = (concurrency: number, total: number): Promise<{ status: number; ms: number; retryAfter: string | null }[]> =>
        new Promise((resolve, reject) => {
          const w = new Worker(
            `const { parentPort, workerData } = require('node:worker_threads')
            const http = require('node:http')
            const { url, token, concurrency, total } = workerData
            const one = () => new Promise((resolve, reject) => { const t0 = performance.now(); http.get(url + '/api/units', { agent: false, headers: { authorization: 'Bearer ' + token } }, (r) => { r.resume(); r.on('end', () => resolve({ status: r.statusCode, ms: performance.now() - t0, retryAfter: r.headers['retry-after'] ?? null })) }).on('error', reject) })
            ;(async () => { const out = []; for (let done = 0; done < total; done += concurrency) out.push(...await Promise.all(Array.from({ length: Math.min(concurrency, total - done) }, one))); parentPort.postMessage(out) })()`,
            { eval: true, workerData: { url, token, concurrency, total } },
          )
          w.once('message', (m) => {
            resolve(m)
            void w.terminate()
          })
          w.once('error', reject)
        })
      await load(1, 10)
      const unloaded = (await load(1, 60)).map((a) => a.ms)
      const answers = await load(200, 600)
      const admitted = answers.filter((a) => a.status === 200).map((a) => a.ms)
      const shed = answers.filter((a) => a.status === 503)
      const [after] = await load(1, 1)
      process.stdout.write(
        `[security] overload over HTTP (${dialect}): 3 waves × 200 concurrent connections from another thread, lag limit 50 ms → admitted ${admitted.length}, shed ${shed.length} (503, Retry-After on ${shed.filter((a) => Number(a.retryAfter) >= 1).length}); unloaded p99 ${p99(unloaded).toFixed(1)} ms, admitted p99 ${p99(admitted).toFixed(1)} ms; after: ${after?.status} in ${after?.ms.toFixed(1)} ms\n`,
      )
      expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true)
      expect(shed.every((a) => Number(a.retryAfter) >= 1)).toBe(true)
      expect(after?.status).toBe(200)
      await lagged.close()
    }, 120_000)

    it('rate-limits public routes and sign-in per address with 429 and Retry-After', async () => {
      const statuses: number[] = []
      let retry: string | undefined
      for (let i = 0; i < 25; i++) {
        const res = await t.app.inject({ method: 'GET', url: '/api/public/catalogue', remoteAddress: '10.7.7.7' })
        statuses.push(res.statusCode)
        if (res.statusCode === 429) retry = res.headers['retry-after'] as string
      }
      expect(statuses.filter((s) => s === 429).length).toBe(5)
      expect(Number(retry)).toBeGreaterThan(0)
      const other = await t.app.inject({ method: 'GET', url: '/api/public/catalogue', remoteAddress: '10.7.7.8' })
      expect(other.statusCode).toBeLessThan(400)
      let logins429 = 0
      for (let i = 0; i < 12; i++) {
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u${i}`, password: 'x' }, remoteAddress: '10.7.7.9' })
        if (res.statusCode === 429) logins429++
      }
      expect(logins429).toBeGreaterThanOrEqual(2)
      // Health is never limited.
      for (let i = 0; i < 30; i++) expect((await t.app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.7.7.7' })).statusCode).toBe(200)
    })
  })
}
