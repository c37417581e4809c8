/**
 * Issue 11, point 6: a fast-check fuzzer over every route read from the OpenAPI document (`app.swagger()`),
 * as every role and anonymously. Path params, query strings and bodies are drawn from the route's schema
 * mixed with hostile values (NUL, lone surrogates, huge and deeply nested values, wrong types, prototype
 * keys), and bodies are sometimes sent raw with a wrong or broken content type. Expectation: 0 responses
 * ≥ 500, 0 hangs, and `audit verify` intact afterwards; when no change was accepted the row counts are as
 * before. `npm test` sends FUZZ_RUNS (default 1,200) requests per database; `npm run fuzz` sends 20,000.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealAudit } from '../../src/app/audit/seal-audit.ts'
import { verifyAudit } from '../../src/app/audit/verify-audit.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from '../http/supervision-fixture.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 1200)
const TABLES = ['plan', 'item', 'item_event', 'progress_report', 'attachment', 'unit', 'app_user', 'audit_log']

type Op = { method: string; path: string; params: string[]; query: Record<string, any>; body: any; bodyRequired: boolean }

/** The operations of the OpenAPI document (every route with a schema). */
function operations(doc: any): Op[] {
  const ops: Op[] = []
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const params = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name as string)
      const query: Record<string, any> = {}
      for (const p of op.parameters ?? []) if (p.in === 'query') query[p.name] = p.schema ?? {}
      const body = op.requestBody?.content?.['application/json']?.schema ?? null
      ops.push({ method: method.toUpperCase(), path, params, query, body, bodyRequired: Boolean(op.requestBody?.required) })
    }
  }
  return ops
}

const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '%00', '../../etc/passwd', "'; DROP TABLE item; --", '<script>alert(1)</script>', '__proto__', 'constructor', '１２３', '2026-02-30', '9999-99-99', '-1', '1e309', 'NaN', '🙂', '\u202e', 'null', 'true'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
)
const hostileScalar = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 2 ** 31))
const deep = fc.integer({ min: 30, max: 3000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown)
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileScalar },
  { weight: 2, arbitrary: fc.array(hostileScalar, { maxLength: 5 }) },
  { weight: 2, arbitrary: fc.dictionary(hostileString, hostileScalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.constant({ __proto__: { admin: true }, constructor: { prototype: {} } }) },
)

/** A value for a schema: usually of its shape, often hostile. */
function valueFor(schema: any, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return hostileValue
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  let good: fc.Arbitrary<unknown>
  if (schema.enum) good = fc.constantFrom(...schema.enum)
  else if (type === 'string') good = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('2026-05-01', 'admin', 'sjj', 'id-000001', 'att1', 'fz1'))
  else if (type === 'integer' || type === 'number') good = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double())
  else if (type === 'boolean') good = fc.boolean()
  else if (type === 'array') good = fc.array(valueFor(schema.items, depth + 1), { maxLength: 4 })
  else if (type === 'object' || schema.properties) {
    const props = Object.entries<any>(schema.properties ?? {})
    good = fc.record(Object.fromEntries(props.map(([k, s]) => [k, valueFor(s, depth + 1)])), { requiredKeys: [] })
    good = fc.tuple(good, fc.option(fc.dictionary(hostileString, hostileScalar, { maxKeys: 2 }), { freq: 4 })).map(([o, extra]) => ({ ...(o as object), ...(extra ?? {}) }))
  } else good = hostileValue
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: hostileValue })
}

const asQueryText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')

for (const dialect of testDialects()) {
  describe(`fuzzing every route (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string | null> = { anonymous: null }

    beforeAll(async () => {
      t = await startTestApp(dialect, { security: { rateLimit: { publicPerMinute: 1_000_000, loginPerMinute: 1_000_000 }, loginThrottle: { perAccount: 1_000_000, perAddress: 1_000_000 } } })
      await t.seedUsers()
      await createUser(t.deps, null, { username: 'operator', displayName: 'operator', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      for (const u of ['admin', 'supervisor', 'leader', 'liaison-dh', 'operator']) tokens[u] = await t.login(u)
      await insertItem(t.db, { id: 'fz1', title: '模糊测试事项', due: '2026-06-30', lead: 'dh' })
    }, 600_000)
    afterAll(async () => t?.close())

    it(`answers ${RUNS} generated requests with no 5xx and no hang, audit chain intact`, async () => {
      const ops = operations(t.app.swagger()).filter((o) => !(o.method === 'POST' && o.path === '/api/auth/logout'))
      expect(ops.length).toBeGreaterThan(40)
      // A refused sign-in is recorded on purpose (user.login.failed); every other row must stay as it was.
      const counted = (tb: string): string => (tb === 'audit_log' ? "audit_log WHERE action <> 'user.login.failed'" : tb)
      const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (tb) => [tb, (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${counted(tb)}`)).rows[0]?.n])))
      const before = await counts()
      const statuses = new Map<number, number>()
      const failures: string[] = []
      let acceptedWrites = 0
      let slowest = 0
      const req = fc
        .record({
          op: fc.constantFrom(...ops),
          who: fc.constantFrom(...Object.keys(tokens)),
          params: fc.array(fc.oneof(fc.constantFrom('fz1', 'id-000001', 'att1', 'admin', 'sjj', '1', 'M1'), hostileString), { minLength: 4, maxLength: 4 }),
          queryPick: fc.integer({ min: 0, max: 3 }),
          bodyMode: fc.constantFrom('schema', 'schema', 'schema', 'raw', 'none', 'wrong-type'),
          raw: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{', '{"a":', '[]', 'null', '""', '{"__proto__":{"x":1}}', '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc')),
          contentType: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/xml', 'application/octet-stream', 'text/csv'),
          seed: fc.integer(),
        })
        .chain((r) =>
          fc.record({
            r: fc.constant(r),
            query: fc.record(Object.fromEntries(Object.entries(r.op.query).map(([k, s]) => [k, valueFor(s)])), { requiredKeys: [] }),
            body: r.op.body ? valueFor(r.op.body) : hostileValue,
          }),
        )

      await fc.assert(
        fc.asyncProperty(req, async ({ r, query, body }) => {
          let i = 0
          const enc = (v: string): string => {
            try {
              return encodeURIComponent(v)
            } catch {
              return '%ED%A0%80' // a lone surrogate as its (invalid) UTF-8 bytes
            }
          }
          const url = r.op.path.replace(/\{[^}]+\}/g, () => enc(r.params[i++ % 4] as string))
          const q = new URLSearchParams()
          for (const [k, v] of Object.entries(query).slice(0, r.queryPick + 1)) q.set(k, asQueryText(v).replace(/[\ud800-\udfff]/g, '\ud800\udc00'))
          const full = q.size ? `${url}?${q.toString()}` : url
          const headers: Record<string, string> = {}
          const token = tokens[r.who]
          if (token) headers.authorization = `Bearer ${token}`
          let payload: string | undefined
          if (r.op.method !== 'GET' && r.op.method !== 'DELETE') {
            if (r.bodyMode === 'schema') {
              payload = JSON.stringify(body) ?? 'null'
              headers['content-type'] = 'application/json'
            } else if (r.bodyMode === 'raw') {
              payload = r.raw
              headers['content-type'] = r.contentType
            } else if (r.bodyMode === 'wrong-type') {
              payload = JSON.stringify(body) ?? 'null'
              headers['content-type'] = r.contentType
            }
          }
          const t0 = performance.now()
          const res = await t.app.inject({ method: r.op.method as 'GET', url: full, headers, ...(payload === undefined ? {} : { payload }) })
          const ms = performance.now() - t0
          slowest = Math.max(slowest, ms)
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          if (res.statusCode < 400 && r.op.method !== 'GET') acceptedWrites++
          if (res.statusCode >= 500 || ms > 15_000) {
            failures.push(`${res.statusCode} ${r.op.method} ${full.slice(0, 200)} as ${r.who} [${headers['content-type'] ?? '-'}] ${String(payload ?? '').slice(0, 200)} → ${res.body.slice(0, 300)}`)
          }
          return true
        }),
        { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined, endOnFailure: true },
      )
      // Writers leave their audit rows unsealed (docs/audit.md): chain them all, then verify the whole log.
      await sealAudit(t.db, { wait: true })
      const verdict = await verifyAudit(t.db)
      const after = await counts()
      const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')
      process.stdout.write(
        `[security] fuzz (${dialect}): ${RUNS} requests over ${ops.length} operations × ${Object.keys(tokens).length} callers; statuses ${summary}; ≥500: ${failures.length}; accepted writes ${acceptedWrites}; slowest ${slowest.toFixed(0)} ms; audit verify ${verdict.ok ? `ok (${verdict.rows} rows)` : 'BROKEN'}\n`,
      )
      for (const f of failures.slice(0, 20)) process.stdout.write(`[security]   ${f}\n`)
      expect(failures).toEqual([])
      expect(verdict.ok).toBe(true)
      if (acceptedWrites === 0) expect(after).toEqual(before)
    }, 900_000)
  })
}
