/**
 * Issue 11, point 6: a fast-check fuzzer over every route read from the OpenAPI document (`app.swagger()`),
 * as every role and anonymously. Path params, query strings and bodies are drawn from the route's schema
 * mixed with hostile values (NUL, lone surrogates, huge and deeply nested values, wrong types, prototype
 * keys), and bodies are sometimes sent raw with a wrong or broken content type. Expectation: 0 responses
 * ≥ 500, 0 hangs, and `audit verify` intact afterwards; when no change was accepted the row counts are as
 * before, and a refused write leaves the rows of the tables nothing writes in the background as they were.
 * A string with a `pattern` is often drawn to match it (a date prefix `^\d{4}-\d{2}-\d{2}` gives 2026-99-99xyz).
 * Two more properties reach what the OpenAPI document does not describe: the Open311 GeoReport v2 routes (hidden
 * from it) with GeoReport's own fields, charsets and dates, and file uploads (plan import, attachments, unit
 * import) built from real .docx/.xlsx/.xls/.doc/.pdf/.csv/.html files, mutated, truncated, re-encoded (GBK,
 * UTF-16, BOM, mixed), zipped by hand, with hostile file names and types. A refused upload must name the file,
 * line or field (`where`). `npm test` sends FUZZ_RUNS (default 1,200) requests per database to the routes, a
 * quarter as many to Open311 and a twentieth as many uploads; `npm run fuzz` sends 20,000.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealAudit } from '../../src/app/audit/seal-audit.ts'
import { verifyAudit } from '../../src/app/audit/verify-audit.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from '../http/supervision-fixture.ts'
import { multipartBody, SAMPLE_PLAN } from '../http/plans.fixture.ts'
import { CATEGORY, seedCatalogue } from '../http/tickets.fixture.ts'
import JSZip from 'jszip'

const RUNS = Number(process.env.FUZZ_RUNS ?? 1200)
const OPEN311_RUNS = Math.ceil(RUNS / 4)
const UPLOAD_RUNS = Math.ceil(RUNS / 20)
const TABLES = ['plan', 'item', 'item_event', 'progress_report', 'attachment', 'unit', 'app_user', 'audit_log']
/**
 * Tables no background job writes to (the intake jobs of an accepted ticket write audit rows and duplicate findings
 * later): a refused write must leave their row counts as they were, request by request.
 */
const QUIET = ['plan', 'item', 'item_unit', 'progress_report', 'attachment', 'unit', 'unit_mapping', 'app_user', 'ticket', 'knowledge_entry', 'dispatch_rule', 'service_category', 'webhook_subscription', 'supervision_notice', 'extension_request']
const QUIET_SQL = `SELECT ${QUIET.map((tb) => `(SELECT count(*) FROM ${tb})::text`).join(" || ',' || ")} AS f`
/** The ticket the fixture submits, so lookups, ratings and Open311 reads reach a real one. */
const PHONE = '13800138000'

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
  fc.constantFrom('0000-01-01', '0050-06-30', '9999-12-31', '9999-12-31T23:59:59Z', '2026-01-01garbage', '2026-99-99', '+275760-09-13T00:00:00Z', '2026-03-01T24:00:00+08:00', '2026-03-01T09:00:00+99:99', 'GD-2026-000001', CATEGORY.stalls, '03.02', PHONE, 'city', 'dh-jb'),
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

/** Strings matching a schema's pattern (what a prefix-only pattern lets through, above all); hostile when fast-check cannot read it. */
function matching(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern)).filter((x) => x.length <= 60)
  } catch {
    return hostileString
  }
}

/** A value for a schema: usually of its shape, often hostile. */
function valueFor(schema: any, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return hostileValue
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  let good: fc.Arbitrary<unknown>
  if (schema.enum) good = fc.constantFrom(...schema.enum)
  else if (type === 'string') {
    const known = fc.constantFrom('2026-05-01', 'admin', 'sjj', 'id-000001', 'att1', 'fz1', 'GD-2026-000001', CATEGORY.stalls, PHONE, 'dh')
    good = schema.pattern ? fc.oneof(fc.string({ maxLength: 30 }), known, matching(schema.pattern)) : fc.oneof(fc.string({ maxLength: 30 }), known)
  }
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
      await seedCatalogue(t)
      const ticket = await t.app.inject({ method: 'POST', url: '/api/public/tickets', payload: { requestType: 'complaint', categoryCode: CATEGORY.stalls, content: '江滨路夜市占道经营', requesterPhone: PHONE, address: '江滨路 1 号' } })
      expect(ticket.json()).toEqual({ number: 'GD-2026-000001' })
    }, 600_000)

    const quiet = async (): Promise<string> => (await t.db.query<{ f: string }>(QUIET_SQL)).rows[0]?.f ?? ''
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
          const write = r.op.method !== 'GET'
          const quietBefore = write ? await quiet() : ''
          const t0 = performance.now()
          const res = await t.app.inject({ method: r.op.method as 'GET', url: full, headers, ...(payload === undefined ? {} : { payload }) })
          const ms = performance.now() - t0
          if (write && res.statusCode >= 400 && (await quiet()) !== quietBefore) {
            failures.push(`refused with ${res.statusCode} but changed rows (${QUIET.join(',')}: ${quietBefore} → ${await quiet()}): ${r.op.method} ${full.slice(0, 200)} as ${r.who} ${String(payload ?? '').slice(0, 200)} → ${res.body.slice(0, 300)}`)
          }
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

    it(`answers ${OPEN311_RUNS} generated Open311 GeoReport v2 requests with no 5xx, each refusal a GeoReport error, nothing written by one`, async () => {
      // The routes' fuzz may have retired or rewritten the categories (DELETE /api/catalogue/03.02.05 as admin): seed them again.
      await seedCatalogue(t)
      const fields = ['service_code', 'description', 'lat', 'long', 'address_string', 'address_id', 'phone', 'first_name', 'last_name', 'email', 'media_url', 'attribute[request_type]', 'jurisdiction_id', 'device_id', 'account_id', 'api_key']
      const base = { service_code: CATEGORY.stalls, description: '江滨路路灯不亮', lat: '30.1', long: '120.1', phone: PHONE }
      const instant = fc.oneof(
        fc.date({ min: new Date(-62_198_755_200_000 /* 0000-01-01 */), max: new Date(253_402_300_799_000 /* 9999-12-31 */), noInvalidDate: true }).map((d) => d.toISOString()),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        matching('^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?)?(Z|[+-]\\d{2}:\\d{2})?$'),
      )
      const fieldValue = fc.oneof(hostileString, instant, fc.double().map(String), fc.integer().map(String), fc.constantFrom('open', 'closed', 'true', 'false', 'complaint', 'http://example.com/a.jpg', '91', '-0', '1e999', '.5'))
      const req = fc.record({
        kind: fc.constantFrom('discovery', 'services', 'service', 'requests', 'request', 'post', 'post', 'post', 'other'),
        fmt: fc.constantFrom('json', 'xml', 'json', 'xml', 'json', 'XML', 'txt', ''),
        id: fc.oneof(fc.constantFrom('GD-2026-000001', CATEGORY.stalls, CATEGORY.rubbish, 'GD-2026-999999', '03.02'), hostileString),
        query: fc.array(fc.tuple(fc.constantFrom('service_request_id', 'service_code', 'start_date', 'end_date', 'status', 'extensions', 'jurisdiction_id'), fc.oneof(instant, fieldValue)), { maxLength: 5 }),
        // Mostly a valid request with a field or two changed, so that many are taken and reach the intake rules.
        useBase: fc.constantFrom(true, true, true, false),
        fields: fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: hostileString }), fc.oneof({ weight: 4, arbitrary: fieldValue }, { weight: 1, arbitrary: fc.array(fieldValue, { maxLength: 3 }) }), { maxKeys: 3 }),
        encoding: fc.constantFrom('form', 'form', 'form-gbk', 'json', 'json', 'json-gbk', 'form-latin1', 'raw', 'none'),
        raw: fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'))),
        shared: fc.boolean(),
      })
      const statuses = new Map<number, number>()
      const posts = new Map<number, number>()
      const refusals = new Set<string>()
      const failures: string[] = []
      let n = 0
      await fc.assert(
        fc.asyncProperty(req, async (r) => {
          const enc = (v: string): string => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'))
          const ext = r.fmt ? `.${r.fmt}` : ''
          const path = {
            discovery: `discovery${ext}`,
            services: `services${ext}`,
            service: `services/${enc(r.id)}${ext}`,
            requests: `requests${ext}`,
            request: `requests/${enc(r.id)}${ext}`,
            post: `requests${ext}`,
            other: enc(r.id),
          }[r.kind]
          const q = r.query.map(([k, v]) => `${k}=${enc(v)}`).join('&')
          const url = `/open311/v2/${path}${q ? `?${q}` : ''}`
          const body: Record<string, unknown> = { ...(r.useBase ? base : {}), ...r.fields }
          let payload: string | Buffer | undefined
          let type: string | undefined
          if (r.kind === 'post') {
            const form = (charset: string) => Object.entries(body).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeForm(k, charset)}=${encodeForm(String(x), charset)}`)).join('&')
            if (r.encoding === 'form') [payload, type] = [form('utf8'), 'application/x-www-form-urlencoded']
            else if (r.encoding === 'form-gbk') [payload, type] = [form('gbk'), 'application/x-www-form-urlencoded; charset=gbk']
            else if (r.encoding === 'form-latin1') [payload, type] = [form('gbk'), 'application/x-www-form-urlencoded']
            else if (r.encoding === 'json') [payload, type] = [JSON.stringify(body), 'application/json']
            else if (r.encoding === 'json-gbk') [payload, type] = [iconv.encode(JSON.stringify(body), 'gbk'), 'application/json; charset=gbk']
            else if (r.encoding === 'raw') [payload, type] = [r.raw, 'application/x-www-form-urlencoded']
          }
          // Most requests from their own address (POST is limited to 60 a minute per address); some share one.
          const remoteAddress = r.shared ? '10.9.9.9' : `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
          n++
          const before = r.kind === 'post' ? await quiet() : ''
          const res = await t.app.inject({ method: r.kind === 'post' ? 'POST' : 'GET', url, remoteAddress, headers: type ? { 'content-type': type } : {}, ...(payload === undefined ? {} : { payload }) })
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          const what = `${res.statusCode} ${r.kind === 'post' ? 'POST' : 'GET'} ${url.slice(0, 200)} [${type ?? '-'}] ${String(payload ?? '').slice(0, 200)} → ${res.body.slice(0, 300)}`
          if (r.kind === 'post') {
            posts.set(res.statusCode, (posts.get(res.statusCode) ?? 0) + 1)
            if (res.statusCode >= 400 && refusals.size < 8) refusals.add(res.body.replace(/\s+/g, ' ').slice(0, 120))
          }
          if (res.statusCode >= 500) failures.push(what)
          else if (res.statusCode >= 400 && !/^\[\{"code":\d+,"description":"[^"]+/.test(res.body) && !/<errors>\s*<error>\s*<code>\d+<\/code>\s*<description>[^<]+/.test(res.body)) failures.push(`not a GeoReport error: ${what}`)
          if (r.kind === 'post' && res.statusCode >= 400 && (await quiet()) !== before) failures.push(`refused but changed rows: ${what}`)
          return true
        }),
        { numRuns: OPEN311_RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined, endOnFailure: true },
      )
      await sealAudit(t.db, { wait: true })
      const verdict = await verifyAudit(t.db)
      const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, k]) => `${s}×${k}`).join(' ')
      const postSummary = [...posts.entries()].sort((a, b) => a[0] - b[0]).map(([s, k]) => `${s}×${k}`).join(' ')
      process.stdout.write(`[security] fuzz Open311 (${dialect}): ${OPEN311_RUNS} requests; statuses ${summary} (POST ${postSummary}; refusals such as ${[...refusals].join(' | ')}); failures: ${failures.length}; audit verify ${verdict.ok ? `ok (${verdict.rows} rows)` : 'BROKEN'}\n`)
      for (const f of failures.slice(0, 20)) process.stdout.write(`[security]   ${f}\n`)
      expect(failures).toEqual([])
      expect(verdict.ok).toBe(true)
    }, 900_000)

    it(`answers ${UPLOAD_RUNS} generated uploads (plans, attachments, units) with no 5xx, each refusal naming the file, line or field, nothing written by one`, async () => {
      const fixture = (f: string) => readFileSync(new URL(`../fixtures/${f}`, import.meta.url))
      const sampleText = SAMPLE_PLAN.toString('utf8')
      const unitCsv = 'id,name,parent_id,level,function,aliases\nfz-u1,模糊测试局,dh,department,测试,模糊局;测试局\nfz-u2,模糊街道,dh,township,,\n'
      const odd = new JSZip()
      odd.file('word/document.xml', '<w:document><w:body><w:p><w:r><w:t>一、测试</w:t></w:r></w:p>')
      odd.file('xl/workbook.xml', '<workbook><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
      const bomb = new JSZip()
      bomb.file('[Content_Types].xml', '<Types/>')
      bomb.file('word/document.xml', Buffer.alloc(8 * 1024 * 1024, 0x20))
      const seeds: { name: string; bytes: Buffer }[] = [
        { name: 'sample-plan.txt', bytes: SAMPLE_PLAN },
        { name: 'sample-plan-gbk.txt', bytes: iconv.encode(sampleText, 'gbk') },
        { name: 'sample-plan-utf16.txt', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sampleText, 'utf16le')]) },
        { name: 'sample-plan-bom.txt', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), SAMPLE_PLAN]) },
        { name: 'sample-plan-mixed.txt', bytes: Buffer.concat([SAMPLE_PLAN.subarray(0, 1500), iconv.encode(sampleText.slice(600, 1200), 'gbk')]) },
        { name: 'units.csv', bytes: Buffer.from(unitCsv) },
        { name: 'units-gbk.csv', bytes: iconv.encode(unitCsv, 'gbk') },
        { name: 'units-bom.csv', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(unitCsv)]) },
        { name: 'merged.xlsx', bytes: fixture('tables/t01_xlsx_merged.xlsx') },
        { name: 'two-row-header.xlsx', bytes: fixture('tables/t11_xlsx_two_row_header.xlsx') },
        { name: 'biff.xls', bytes: fixture('tables/t02_xls_biff.xls') },
        { name: 'gbk.csv', bytes: fixture('tables/t03_csv_gbk.csv') },
        { name: 'vmerge.docx', bytes: fixture('tables/t04_docx_vmerge.docx') },
        { name: 'word97.doc', bytes: fixture('tables/t05_doc_word97.doc') },
        { name: 'rowspan.html', bytes: fixture('tables/t06_html_rowspan.html') },
        { name: 'table.pdf', bytes: fixture('tables/t12_pdf_table.pdf') },
        { name: 'odd.docx', bytes: await odd.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) },
        { name: 'bomb.docx', bytes: await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } }) },
      ]
      const exts = ['.txt', '.docx', '.xlsx', '.xls', '.doc', '.pdf', '.csv', '.html', '.ods', '.et', '', '.DOCX', '.exe', '.zip']
      const fileName = fc.oneof(
        { weight: 3, arbitrary: fc.tuple(fc.constantFrom('要点', 'plan', 'units', '', '../../etc/passwd', '.hidden', 'a b', '名'.repeat(260), '\u202eexe.txt', 'a\u0000b', 'x;y"z'), fc.constantFrom(...exts)).map(([b, e]) => b + e) },
        { weight: 1, arbitrary: hostileString.map((x) => x.slice(0, 400)) },
      )
      const mutate = fc.record({
        seed: fc.nat(seeds.length - 1),
        how: fc.constantFrom('as is', 'as is', 'truncate', 'flip', 'flip', 'nul', 'empty', 'random', 'gbk cell', 'utf16 cell', 'rezip'),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        random: fc.uint8Array({ maxLength: 3000 }),
        cell: hostileString.map((x) => x.slice(0, 300)),
      })
      const content = (m: typeof mutate extends fc.Arbitrary<infer T> ? T : never): Buffer => {
        const b = Buffer.from(seeds[m.seed]!.bytes)
        const at = Math.floor(m.at * b.length)
        switch (m.how) {
          case 'truncate':
            return b.subarray(0, at)
          case 'flip':
            for (const [where, v] of m.flips) b[Math.floor(where * b.length)] = v
            return b
          case 'nul':
            return Buffer.concat([b.subarray(0, at), Buffer.from([0]), b.subarray(at)])
          case 'empty':
            return Buffer.alloc(0)
          case 'random':
            return Buffer.from(m.random)
          case 'gbk cell':
            return Buffer.concat([b.subarray(0, at), iconv.encode(`,${m.cell.replace(/[\ud800-\udfff]/g, '')},`, 'gbk'), b.subarray(at)])
          case 'utf16 cell':
            return Buffer.concat([b.subarray(0, at), Buffer.from(`,${m.cell},`, 'utf16le'), b.subarray(at)])
          case 'rezip':
            return Buffer.concat([Buffer.from('PK\u0003\u0004'), b.subarray(0, at)])
          default:
            return b
        }
      }
      const req = fc.record({
        route: fc.constantFrom('plans', 'plans', 'attachments', 'units', 'units'),
        who: fc.constantFrom('admin', 'admin', 'supervisor', 'liaison-dh', 'operator', 'anonymous'),
        name: fileName,
        mime: fc.oneof(fc.constantFrom('text/plain', 'text/csv', 'application/pdf', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'image/png'), hostileString.map((x) => x.slice(0, 150))),
        content: mutate,
        field: fc.constantFrom('file', 'file', 'file', 'upload'),
        documents: fc.option(fc.oneof(fc.constantFrom('0', '0,1', '1', '99999999999999999999', '-1', 'a', '0,,1'), hostileString.map((x) => x.slice(0, 60))), { freq: 4 }),
        unitType: fc.constantFrom('text/csv', 'text/csv; charset=gbk', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'application/json', 'text/plain', 'multipart/form-data; boundary=x'),
        unitName: fc.option(fileName, { freq: 2 }),
      })
      const statuses = new Map<number, number>()
      const failures: string[] = []
      let accepted = 0
      let slowest = { ms: 0, what: '' }
      await fc.assert(
        fc.asyncProperty(req, async (r) => {
          const bytes = content(r.content)
          const headers: Record<string, string> = {}
          if (tokens[r.who]) headers.authorization = `Bearer ${tokens[r.who]}`
          let url: string
          let payload: Buffer
          if (r.route === 'units') {
            url = `/api/units/import${r.unitName !== null ? `?name=${encodeURIComponent(r.unitName.replace(/[\ud800-\udfff]/g, '\ufffd'))}` : ''}`
            payload = bytes
            headers['content-type'] = r.unitType
          } else {
            url = r.route === 'plans' ? '/api/plans' : '/api/items/fz1/attachments'
            const m = multipartBody({ field: r.field, name: r.name.replace(/[\ud800-\udfff]/g, '\ufffd'), mime: r.mime.replace(/[\ud800-\udfff]/g, '\ufffd').replace(/[\r\n]/g, ' '), content: bytes }, r.route === 'plans' && r.documents !== null ? { documents: r.documents.replace(/[\ud800-\udfff]/g, '\ufffd') } : {})
            payload = m.payload
            Object.assign(headers, m.headers)
          }
          const before = await quiet()
          const t0 = performance.now()
          // Says at once which upload is taking long, should one hang (the property would only end with the test's timeout).
          const watch = setTimeout(() => process.stdout.write(`[security]   still waiting after 15 s: POST ${url} as ${r.who} ${r.name.slice(0, 60)} ← ${seeds[r.content.seed]!.name} ${r.content.how} (${bytes.length} bytes)\n`), 15_000)
          const res = await t.app.inject({ method: 'POST', url, headers, payload }).finally(() => clearTimeout(watch))
          const ms = performance.now() - t0
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          const what = `${res.statusCode} POST ${url.slice(0, 120)} as ${r.who} [${headers['content-type']}] ${r.route === 'units' ? r.unitName ?? '' : r.name.slice(0, 60)} ← ${seeds[r.content.seed]!.name} ${r.content.how} (${bytes.length} bytes) in ${ms.toFixed(0)} ms → ${res.body.slice(0, 300)}`
          if (ms > slowest.ms) slowest = { ms, what }
          if (res.statusCode >= 500 || ms > 15_000) failures.push(what)
          else if (res.statusCode < 300) accepted++
          else if ([400, 413, 415, 422].includes(res.statusCode) && !res.json().error?.where) failures.push(`names no file, line or field: ${what}`)
          if (res.statusCode >= 400 && (await quiet()) !== before) failures.push(`refused but changed rows: ${what}`)
          return true
        }),
        { numRuns: UPLOAD_RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined, endOnFailure: true },
      )
      await sealAudit(t.db, { wait: true })
      const verdict = await verifyAudit(t.db)
      const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, k]) => `${s}×${k}`).join(' ')
      process.stdout.write(`[security] fuzz uploads (${dialect}): ${UPLOAD_RUNS} uploads from ${seeds.length} seed files; statuses ${summary}; accepted ${accepted}; slowest ${slowest.ms.toFixed(0)} ms; failures: ${failures.length}; audit verify ${verdict.ok ? `ok (${verdict.rows} rows)` : 'BROKEN'}\n`)
      process.stdout.write(`[security]   slowest: ${slowest.what.slice(0, 400)}\n`)
      for (const f of failures.slice(0, 20)) process.stdout.write(`[security]   ${f}\n`)
      expect(failures).toEqual([])
      expect(verdict.ok).toBe(true)
    }, 1_800_000)
  })
}

/** A form component percent-encoded from its bytes in a charset (GBK bytes for charset=gbk). */
function encodeForm(s: string, charset: string): string {
  const bytes = charset === 'utf8' ? Buffer.from(s.replace(/[\ud800-\udfff]/g, '\ufffd'), 'utf8') : iconv.encode(s, charset)
  return [...bytes].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')
}
