/**
 * Issue 11, finding 7: overload is answered, not queued. Two measures:
 * - in process (`inject`, small limits: reads 2 at a time + 2 waiting): 200 simultaneous reads get 503 +
 *   Retry-After beyond capacity at once, and the server recovers at once;
 * - over real HTTP with the production limits of the dialect, the load coming from another process
 *   (load-client.mjs) on 200 keep-alive connections: 503 + Retry-After beyond capacity, the admitted requests'
 *   p99 against the unloaded p99 of the same client on one connection (printed, not asserted: the machine is
 *   shared); a client resending at once is refused at most once per Retry-After per connection, its early
 *   requests held until then (a raw-socket test checks the hold itself).
 * Public routes are rate limited (429 + Retry-After). Both dialects.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { RETRY_AFTER_MS, RETRY_AFTER_SLACK_MS } from '../../src/adapters/http/security.plugin.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? Number.NaN
const p99 = (xs: number[]): number => pct(xs, 0.99)

/** What load-client.mjs prints: [status, ms, Retry-After seconds] per answer. */
interface LoadResult {
  readonly samples: [number, number, number][]
  readonly errors: number
  readonly connects: number
}

const CLIENT = fileURLToPath(new URL('./load-client.mjs', import.meta.url))
/** Runs the load client in its own process against url and returns what it measured. */
function load(url: string, token: string, opts: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, JSON.stringify({ url, token, path: '/api/units', ...opts })], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`load client exited ${code}`)
        resolve(JSON.parse(out) as LoadResult)
      } catch (e) {
        reject(e as Error)
      }
    })
  })
}

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
    }, 600_000)
    afterAll(async () => t?.close())

    const read = async (): Promise<{ status: number; ms: number; retryAfter: string | undefined }> => {
      const t0 = performance.now()
      const res = await t.app.inject({ method: 'GET', url: '/api/units', headers: { authorization: `Bearer ${admin}` } })
      return { status: res.statusCode, ms: performance.now() - t0, retryAfter: res.headers['retry-after'] as string | undefined }
    }

    it('answers 503 with Retry-After beyond capacity, and recovers at once (in process)', async () => {
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
        `[security] overload in process (${dialect}): 3 waves × 200 concurrent reads at capacity 2+2 → admitted ${admitted.length}, shed ${shed} (503, Retry-After on ${withRetryAfter}); unloaded p99 ${p99(unloaded).toFixed(1)} ms, admitted p99 ${p99(admitted).toFixed(1)} ms; after: ${recovered.status} in ${recovered.ms.toFixed(1)} ms\n`,
      )
      expect(shed).toBeGreaterThan(0)
      expect(withRetryAfter).toBe(shed)
      // At least the 2 slots of each wave (queued requests may be refused once the queue stands: Gate).
      expect(admitted.length).toBeGreaterThanOrEqual(6)
      // No bound on the in-process p99: inject clients share the event loop and the server builds and refuses the
      // other 199 between an admitted request's steps, so it is not issue 11's measure (the HTTP test below is).
      expect(recovered.status).toBe(200)
    })

    it('over real HTTP from another process at 200 connections: 503 + Retry-After beyond capacity, admitted p99 near the unloaded p99', async () => {
      // The server with the production limits of the dialect, listening; the load comes from a child process
      // (test/security/load-client.mjs), which times every request from its write to its last byte.
      const served = await startTestApp(dialect, { security: { dialect } })
      await served.seedUsers()
      const token = await served.login('admin')
      const url = await served.app.listen({ port: 0, host: '127.0.0.1' })
      try {
        const unloadedA = await load(url, token, { connections: 1, warmupMs: 500, durationMs: 2_000 })
        const polite = await load(url, token, { connections: 200, warmupMs: 1_000, durationMs: 4_000, retry: 'after' })
        const unloadedB = await load(url, token, { connections: 1, warmupMs: 200, durationMs: 2_000 })
        const hostile = await load(url, token, { connections: 200, warmupMs: 1_000, durationMs: 3_000, retry: 'at-once' })
        const after = await load(url, token, { connections: 1, requests: 1 })
        // The unloaded figure is taken before and after the load, so both see the same (shared) machine.
        const unloaded = [...unloadedA.samples, ...unloadedB.samples].map((x) => x[1])
        const line = (r: LoadResult): string => {
          const ok = r.samples.filter((x) => x[0] === 200).map((x) => x[1])
          const shed = r.samples.filter((x) => x[0] === 503)
          return `admitted ${ok.length}, shed ${shed.length} (503, Retry-After on ${shed.filter((x) => x[2] >= 1).length}), admitted p50 ${pct(ok, 0.5).toFixed(1)} ms p99 ${pct(ok, 0.99).toFixed(1)} ms (${(pct(ok, 0.99) / pct(unloaded, 0.99)).toFixed(2)}× unloaded)`
        }
        process.stdout.write(
          `[security] overload over HTTP (${dialect}): unloaded (1 connection, ${unloaded.length} requests) p50 ${pct(unloaded, 0.5).toFixed(1)} ms p99 ${pct(unloaded, 0.99).toFixed(1)} ms; ` +
            `200 connections honouring Retry-After, 4 s: ${line(polite)}; 200 connections retrying at once, 3 s: ${line(hostile)}; after: ${after.samples[0]?.[0]} in ${after.samples[0]?.[1].toFixed(1)} ms\n`,
        )
        for (const r of [polite, hostile]) {
          expect(r.samples.every((x) => x[0] === 200 || x[0] === 503)).toBe(true)
          const shed = r.samples.filter((x) => x[0] === 503)
          expect(shed.length).toBeGreaterThan(0)
          expect(shed.every((x) => x[2] >= 1)).toBe(true)
          // Some are served (under a heavily shared machine, a handful in 3 s).
          expect(r.samples.filter((x) => x[0] === 200).length).toBeGreaterThan(0)
        }
        // A client resending at once is refused at most once per Retry-After on each connection (its early
        // requests are held until then): at most one refusal per 950 ms per connection, plus the last one.
        const perConnection = Math.floor(3_000 / (RETRY_AFTER_MS - RETRY_AFTER_SLACK_MS)) + 2
        expect(hostile.samples.filter((x) => x[0] === 503).length).toBeLessThanOrEqual(200 * perConnection)
        // Issue 11 asks for admitted p99 ≤ 2× the unloaded p99: the ratios are printed above, not asserted (the
        // machine is shared; its load moves them). RELIABILITY.md quotes them with the load average.
        expect(after.samples[0]?.[0]).toBe(200)
      } finally {
        await served.close()
      }
    }, 600_000)

    it('holds a request sent again before Retry-After until that time is up, and refuses it then; another connection, or another client behind a proxy, is answered meanwhile', async () => {
      // Reads refused always (no slot, no queue): every read is a 503.
      const served = await startTestApp(dialect, { security: { dialect, concurrency: { read: { concurrent: 0, queue: 0 } } } })
      const url = new URL(await served.app.listen({ port: 0, host: '127.0.0.1' }))
      const head = (extra = ''): string => `GET /api/units HTTP/1.1\r\nHost: ${url.host}\r\n${extra}\r\n`
      const open = (): Promise<Socket> => new Promise((resolve, reject) => {
        const s = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(s))
        s.once('error', reject)
      })
      /** Sends one request on s; resolves with its status and Retry-After when the whole answer is read. */
      const ask = (s: Socket, extra = ''): Promise<{ status: number; retryAfter: number; sent: number; at: number }> => new Promise((resolve) => {
        let buf = ''
        const sent = performance.now()
        const onData = (d: Buffer): void => {
          buf += d.toString('latin1')
          const end = buf.indexOf('\r\n\r\n')
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(buf)?.[1] ?? -1)
          if (end < 0 || length < 0 || buf.length < end + 4 + length) return
          s.off('data', onData)
          resolve({ status: Number(buf.slice(9, 12)), retryAfter: Number(/\r\nretry-after:\s*(\d+)/i.exec(buf)?.[1] ?? 0), sent, at: performance.now() })
        }
        s.on('data', onData)
        s.write(head(extra))
      })
      const a = await open()
      const b = await open()
      try {
        const first = await ask(a)
        expect([first.status, first.retryAfter]).toEqual([503, 1])
        // At once again on the same connection (ignoring Retry-After), and a first request on another one.
        const again = ask(a)
        const other = await ask(b)
        const held = await again
        expect([held.status, held.retryAfter]).toEqual([503, 1])
        expect(other.status).toBe(503)
        expect(other.at).toBeLessThan(held.at) // the other connection was not kept waiting behind the held one
        // A timer never fires early: the held refusal came no sooner than Retry-After less the slack after the
        // first refusal was written, which was after the first request was sent.
        expect(held.at - first.sent).toBeGreaterThanOrEqual(RETRY_AFTER_MS - RETRY_AFTER_SLACK_MS - 2)
        // Through a proxy's pooled connection: the client named by X-Forwarded-For is held, the next client on
        // that connection is not (its refusal comes before the held one on another connection, sent earlier).
        const p1 = await open()
        const p2 = await open()
        const from = (client: string): string => `X-Forwarded-For: ${client}\r\n`
        expect((await ask(p1, from('10.9.0.1'))).status).toBe(503)
        expect((await ask(p2, from('10.9.0.2'))).status).toBe(503)
        const heldX = ask(p1, from('10.9.0.1')) // resent at once by the same client: held
        const nextClient = await ask(p2, from('10.9.0.3')) // another client on the proxy's connection p2
        expect(nextClient.at).toBeLessThan((await heldX).at)
        p1.destroy()
        p2.destroy()
        // Health is never held, even on a connection in its Retry-After window.
        const c = await open()
        await ask(c)
        const health = await new Promise<number>((resolve) => {
          c.once('data', (d: Buffer) => resolve(Number(d.toString('latin1').slice(9, 12))))
          c.write(`GET /api/health HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`)
        })
        expect(health).toBe(200)
        c.destroy()
      } finally {
        a.destroy()
        b.destroy()
        await served.close()
      }
    }, 600_000)

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
