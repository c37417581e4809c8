/**
 * The authorization matrix (权限矩阵), on every test dialect: every route the server registers under /api
 * (read from the Fastify instance, so a new route is covered, and must be given a policy, automatically)
 * × every role (anonymous, admin, supervisor, leader, the liaison of unit A, the liaison of unit B, an
 * operator of a third unit) × records that belong to unit A only (an item with a progress report and an
 * attachment, a 督办单, a plan, a user, a webhook).
 *
 * Path parameters are real ids of unit A's records; bodies are the smallest bodies the route schemas
 * accept (with a few overrides where the schema is open), so requests reach authorization. Asserted:
 * anonymous gets 401 everywhere but the public routes, whatever it sends (sign-in is checked before
 * parsing and validation: an invalid body, query or path is still a 401); leader never writes (403); liaison B and the
 * operator never read or write anything of unit A (403/404, and no response body carries a field of
 * unit A's records); every refused request leaves the database as it was; no route answers 500; the
 * roles the policy allows get through authorization (not 401/403/404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jiebaSearchTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { createKnowledgeEntry } from '../../src/app/knowledge/knowledge-base.ts'
import { saveCategory } from '../../src/app/tickets/catalogue.ts'
import { saveRule } from '../../src/app/tickets/dispatch-rules.ts'
import { receiveTicket } from '../../src/app/tickets/receive-ticket.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

type Role = 'anonymous' | 'admin' | 'supervisor' | 'leader' | 'liaisonA' | 'liaisonB' | 'operator'
const ROLES: readonly Role[] = ['anonymous', 'admin', 'supervisor', 'leader', 'liaisonA', 'liaisonB', 'operator']
/** Test users (test-app seedUsers, plus liaison-wjw and an operator made here). Unit A = sjj, unit B = wjw, operator in xs. */
const USERNAME: Record<Exclude<Role, 'anonymous'>, string> = {
  admin: 'admin',
  supervisor: 'supervisor',
  leader: 'leader',
  liaisonA: 'liaison-sjj',
  liaisonB: 'liaison-wjw',
  operator: 'operator-xs',
}

/** Routes anyone may call without signing in. */
const PUBLIC = new Set([
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/public/catalogue',
  'GET /api/public/places',
  'POST /api/public/tickets',
  'GET /api/public/tickets/lookup',
  'POST /api/public/tickets/rating',
  'POST /api/public/tickets/withdraw',
  'POST /api/public/tickets/reopen',
  'GET /api/public/knowledge',
  'GET /api/health',
])
/** POST routes that only read (a leader may call them; they must not write). */
const READ_ONLY_POSTS = new Set([
  'POST /api/units/resolve',
  // Marking read changes only the caller's own read state (notification_read), not a record: a leader may too.
  'POST /api/notifications/:id/read',
  'POST /api/notifications/read-all',
])

const SIGNED: readonly Role[] = ['admin', 'supervisor', 'leader', 'liaisonA', 'liaisonB', 'operator']
const STAFF_READ: readonly Role[] = ['admin', 'supervisor', 'leader']
const A_READ: readonly Role[] = [...STAFF_READ, 'liaisonA']

/**
 * The policy: who gets through authorization on each route with unit A's records. Lists (items, notices,
 * notifications) are open to every signed-in role but scoped: the leak check proves B and the operator see nothing of A.
 * Item events follow the task kind: a unit's liaison accepts, reports, asks, completes; the supervisor decides.
 */
const POLICY: Readonly<Record<string, readonly Role[]>> = {
  'GET /api/me': SIGNED,
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'POST /api/auth/unlock': ['admin'],
  'GET /api/users/:id': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  // 数据范围: the admin reads and sets each person's scope (test/authz/data-scope.test.ts holds it on every route).
  'GET /api/user-scopes': ['admin'],
  'GET /api/users/:id/scope': ['admin'],
  'PUT /api/users/:id/scope': ['admin'],
  'GET /api/units': SIGNED,
  'GET /api/units/tree': SIGNED,
  'POST /api/units': ['admin'],
  'POST /api/units/import': ['admin'],
  'POST /api/units/resolve': SIGNED,
  'GET /api/unit-mappings': SIGNED,
  'POST /api/unit-mappings': ['admin', 'supervisor'],
  'DELETE /api/unit-mappings': ['admin', 'supervisor'],
  'POST /api/plans': ['admin', 'supervisor'],
  'GET /api/plans': STAFF_READ,
  'GET /api/plans/:id': STAFF_READ,
  'PATCH /api/plans/:id': ['admin', 'supervisor'],
  'PATCH /api/plans/:id/items/:n': ['admin', 'supervisor'],
  'POST /api/plans/:id/confirm': ['supervisor'],
  // Collective names of a draft (各街道 …) and the clerk's choice to expand one (分解落实).
  'GET /api/plans/:id/collectives': STAFF_READ,
  'PUT /api/plans/:id/collectives': ['admin', 'supervisor'],
  // 撤销下发: the supervising office takes back a confirmed plan's tasks.
  'POST /api/plans/:id/cancel': ['admin', 'supervisor'],
  'GET /api/items': SIGNED,
  'GET /api/items/:id': A_READ,
  'POST /api/items/:id/events': ['liaisonA'],
  'POST /api/items/:id/accept': ['liaisonA'],
  'POST /api/items/:id/reports': ['liaisonA'],
  // 更正进展: the reporting unit or the supervising office.
  'POST /api/items/:id/reports/:reportId/correction': ['admin', 'supervisor', 'liaisonA'],
  'POST /api/items/:id/extensions': ['liaisonA'],
  'POST /api/items/:id/extensions/decision': ['supervisor'],
  'POST /api/items/:id/completion': ['liaisonA'],
  'POST /api/items/:id/completion/decision': ['supervisor'],
  'POST /api/items/:id/attachments': ['admin', 'supervisor', 'liaisonA'],
  'GET /api/items/:id/attachments/:attachmentId': A_READ,
  'GET /api/calendar/:year': ['admin'],
  'PUT /api/calendar/:year': ['admin'],
  'GET /api/calendar/days/:date': SIGNED,
  // Which years open items fall due in that the calendar does not hold: the admin's warning.
  'GET /api/calendar/coverage': ['admin'],
  // The issuing office (落款) printed on documents: everyone reads it, the admin sets it.
  'GET /api/office': SIGNED,
  'PUT /api/office': ['admin'],
  // Which office signs the reader's 通报 (the 考核 page says it); every area's office, set by the admin.
  'GET /api/office/bulletin': ['admin', 'supervisor', 'leader'],
  'GET /api/office/areas': ['admin'],
  'PUT /api/office/areas/:unitId': ['admin'],
  'GET /api/audit': ['admin'],
  // 约谈 / 问责 records: read with the item, written by the supervising office.
  'GET /api/items/:id/records': A_READ,
  'POST /api/items/:id/records': ['admin', 'supervisor'],
  'GET /api/notifications': SIGNED,
  'GET /api/notifications/unread-count': SIGNED,
  'POST /api/notifications/:id/read': ['liaisonA'],
  'POST /api/notifications/read-all': SIGNED,
  'GET /api/notifications/channels': ['admin'],
  'GET /api/notifications/contacts': ['admin'],
  'PUT /api/users/:id/contact': ['admin'],
  'GET /api/deliveries': ['admin'],
  'POST /api/supervision/notices': ['admin', 'supervisor'],
  'GET /api/supervision/notices': SIGNED,
  'POST /api/supervision/notices/:id/reply': ['admin', 'liaisonA'],
  'POST /api/supervision/notices/:id/withdraw': ['admin', 'supervisor'],
  'GET /api/supervision/notices/:id/document': A_READ,
  'GET /api/supervision/ladder': STAFF_READ,
  'PUT /api/supervision/ladder': ['admin'],
  'GET /api/webhooks': ['admin'],
  'POST /api/webhooks': ['admin'],
  'GET /api/webhooks/:id': ['admin'],
  'PATCH /api/webhooks/:id': ['admin'],
  'DELETE /api/webhooks/:id': ['admin'],
  'GET /api/assessment': STAFF_READ,
  'GET /api/assessment/weights': STAFF_READ,
  'PUT /api/assessment/weights': ['admin'],
  'GET /api/exports/bulletin.docx': STAFF_READ,
  'GET /api/exports/ledger.xlsx': STAFF_READ,
  'GET /api/hotline/kpis': [...STAFF_READ, 'operator'],
  'GET /api/catalogue': SIGNED,
  'POST /api/catalogue': ['admin'],
  'PUT /api/catalogue/:code': ['admin'],
  'DELETE /api/catalogue/:code': ['admin'],
  'GET /api/catalogue/:code/versions': ['admin'],
  'GET /api/dispatch-rules': ['admin', 'operator'],
  'POST /api/dispatch-rules': ['admin'],
  'PUT /api/dispatch-rules/:id': ['admin'],
  'DELETE /api/dispatch-rules/:id': ['admin'],
  'GET /api/tickets/suggest-dispatch': ['admin', 'operator'],
  'POST /api/dispatch/suggestions': ['admin', 'operator'],
  // 12345 tickets: the hotline (operator) receives, dispatches and follows up every ticket, whatever its own
  // unit; a liaison sees only tickets its unit holds; revealing the requester is for the hotline and the lead unit.
  'POST /api/tickets': ['admin', 'operator'],
  'GET /api/tickets': SIGNED,
  // 未诉先办: every signed-in person; a liaison sees the hot spots of its own places or tickets.
  'GET /api/hotspots': SIGNED,
  'GET /api/tickets/:id': [...A_READ, 'operator'],
  'POST /api/tickets/:id/events': ['admin', 'supervisor', 'liaisonA', 'operator'],
  'POST /api/tickets/:id/reveal': ['admin', 'liaisonA', 'operator'],
  // 重复诉求 / 并单: the hotline detects, merges and dismisses; the centre reads the proposals too.
  'POST /api/duplicates/check': ['admin', 'operator'],
  'GET /api/tickets/:id/duplicates': ['admin', 'supervisor', 'leader', 'operator'],
  'POST /api/tickets/:id/duplicates/detect': ['admin', 'operator'],
  'POST /api/tickets/:id/merge': ['admin', 'operator'],
  'POST /api/duplicates/:id/merge': ['admin', 'operator'],
  'POST /api/duplicates/:id/dismiss': ['admin', 'operator'],
  // 知识库: the hotline and the supervising office write and read entries; an admin or supervisor reviews them.
  'GET /api/knowledge': ['admin', 'supervisor', 'operator'],
  'GET /api/knowledge/offer': ['admin', 'supervisor', 'operator'],
  'POST /api/knowledge': ['admin', 'supervisor', 'operator'],
  'GET /api/knowledge/:id': ['admin', 'supervisor', 'operator'],
  'PUT /api/knowledge/:id': ['admin', 'supervisor', 'operator'],
  'GET /api/knowledge/:id/diff': ['admin', 'supervisor', 'operator'],
  'POST /api/knowledge/:id/submit': ['admin', 'supervisor', 'operator'],
  'POST /api/knowledge/:id/approve': ['admin', 'supervisor'],
  'POST /api/knowledge/:id/return': ['admin', 'supervisor'],
}

/** Every route (method and path) registered under /api, read from the server's route tree. */
export function apiRoutes(printed: string): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = []
  const stack: string[] = []
  for (const line of printed.split('\n')) {
    const m = /^([│├└─\s]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!m || !m[2]) continue
    const depth = Math.round(m[1]!.length / 4)
    stack.length = depth
    stack[depth] = m[2]
    const path = stack.join('').replace(/\/{2,}/g, '/')
    const full = path.startsWith('/') ? path : `/${path}`
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      if (method !== 'HEAD' && (full === '/api' || full.startsWith('/api/'))) out.push({ method, path: full })
    }
  }
  return out
}

/** The smallest value a JSON schema accepts (enough for the routes' schemas). */
function sample(schema: any): unknown {
  if (!schema || typeof schema !== 'object') return {}
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const alt = schema.anyOf ?? schema.oneOf
  if (Array.isArray(alt)) return sample(alt[0])
  const type = Array.isArray(schema.type) ? schema.type.find((x: string) => x !== 'null') : schema.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const k of schema.required ?? []) out[k] = sample(schema.properties?.[k])
      for (const k of Object.keys(schema.properties ?? {})) {
        if (Object.keys(out).length >= (schema.minProperties ?? 0)) break
        out[k] = sample(schema.properties[k])
      }
      return out
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items))
    case 'string':
      if (typeof schema.pattern === 'string' && schema.pattern.includes('\\d{4}')) return '2026-05-15'
      return 'm'.repeat(Math.max(schema.minLength ?? 1, 8))
    case 'integer':
    case 'number':
      return schema.minimum ?? 1
    case 'boolean':
      return true
    default:
      return {}
  }
}

const SECRET = { title: '甲单位督办事项ALPHA', report: 'A单位进展SECRET-REPORT', file: 'a-secret-file.txt', notice: 'A单位督办SECRET-NOTICE' }

const PLAN_TEXT = `青川市2026年重点工作要点
一、重点任务
（一）${SECRET.title}。全年抽检1000批次以上。（牵头单位：青川市市场监督管理局。完成时间：2026年6月30日前）
（二）乙单位督办事项BETA。全年培训500人次。（牵头单位：青川市卫生健康委员会。完成时间：2026年6月30日前）
`

function multipart(name: string, content: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----duban-matrix'
  const payload = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`)
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

for (const dialect of testDialects()) {
  describe(`authorization matrix (${dialect})`, () => {
    let t: TestApp
    const token = {} as Record<Exclude<Role, 'anonymous'>, string>
    const ids = { item: '', itemNumber: '', plan: '', user: '', notice: '', noticeNumber: '', webhook: '', attachment: '', report: '', ticket: '', notification: '', knowledge: '' }
    let routes: { method: string; path: string }[] = []
    let openapi: any

    const inject = (role: Role, method: string, url: string, body?: { payload?: unknown; headers?: Record<string, string> }) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers: { ...(role === 'anonymous' ? {} : { authorization: `Bearer ${token[role]}` }), ...(body?.headers ?? {}) },
        ...(body?.payload === undefined ? {} : { payload: body.payload as object }),
      })
    const must = async (role: Role, method: string, url: string, payload: unknown, status: number) => {
      const res = await inject(role, method, url, { payload })
      expect(res.statusCode, `${role} ${method} ${url}: ${res.body}`).toBe(status)
      return res.json()
    }

    /** Every table but sessions (signing in writes those), as one digest per table. */
    async function snapshot(): Promise<Record<string, string>> {
      const { rows } = await t.db.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '%session%' ORDER BY 1`,
      )
      const out: Record<string, string> = {}
      for (const { name } of rows) {
        const r = await t.db.query<{ h: string }>(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${name}" x`)
        out[name] = r.rows[0]!.h
      }
      return out
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      const seeded = await t.seedUsers()
      await createUser(t.deps, null, { username: 'liaison-wjw', displayName: '卫健委联络员', password: TEST_PASSWORD, role: 'unit_liaison', unitId: 'wjw' })
      await createUser(t.deps, null, { username: 'operator-xs', displayName: '西山县话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'xs' })
      for (const [role, username] of Object.entries(USERNAME)) token[role as keyof typeof token] = await t.login(username)
      ids.user = seeded['liaison-sjj']

      // Unit A's records, made through the API: a confirmed task with a report and an attachment, a 督办单, a webhook, a draft plan.
      const plan = await must('supervisor', 'POST', '/api/plans', { fileName: 'a.txt', contentBase64: Buffer.from(PLAN_TEXT).toString('base64') }, 201)
      const confirmed = await must('supervisor', 'POST', `/api/plans/${plan.id}/confirm`, undefined, 200)
      expect(confirmed.tasks).toHaveLength(2)
      const ledger = await must('liaisonA', 'GET', '/api/items', undefined, 200)
      expect(ledger.items.map((i: any) => i.title)).toEqual([SECRET.title])
      ids.item = ledger.items[0].id
      ids.itemNumber = ledger.items[0].number
      // The 交办 notification to unit A, which only unit A's people see.
      ids.notification = (await must('liaisonA', 'GET', '/api/notifications', undefined, 200))[0].id
      await must('liaisonA', 'POST', `/api/items/${ids.item}/accept`, {}, 200)
      ids.report = (await must('liaisonA', 'POST', `/api/items/${ids.item}/reports`, { text: SECRET.report, measures: { 抽检批次: 300 } }, 200)).report.id
      const up = multipart(SECRET.file, 'A单位附件内容')
      const att = await inject('liaisonA', 'POST', `/api/items/${ids.item}/attachments`, up)
      expect(att.statusCode, att.body).toBe(201)
      ids.attachment = att.json().id
      const notice = await must('supervisor', 'POST', '/api/supervision/notices', { itemId: ids.item, reason: SECRET.notice, replyWorkingDays: 5 }, 201)
      expect(notice.unitIds).toEqual(['sjj'])
      ids.notice = notice.id
      ids.noticeNumber = notice.number
      const hook = await must('admin', 'POST', '/api/webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: ['item.overdue'], secret: 'matrix-secret-0123456789' }, 201)
      ids.webhook = hook.id
      ids.plan = (await must('supervisor', 'POST', '/api/plans', { fileName: 'draft.txt', contentBase64: Buffer.from(PLAN_TEXT).toString('base64') }, 201)).id

      // A service category and a dispatch rule for the catalogue routes' paths.
      await saveCategory(t.deps, null, { code: 'M1', name: '矩阵类别' })
      await saveRule(t.deps, null, { id: 'm-rule', categoryCode: 'M1', unitId: 'sjj' })
      // A ticket dispatched to unit A, for the ticket routes' paths.
      await saveCategory(t.deps, null, { code: 'M1.1', name: '矩阵二级' })
      await saveCategory(t.deps, null, { code: 'M1.1.1', name: '矩阵三级' })
      const hotline = { userId: 'matrix-operator', role: 'operator' as const, unitId: null, scopeUnitIds: null }
      const ticket = await receiveTicket(t.deps, hotline, { requestType: 'complaint', categoryCode: 'M1.1.1', urgency: 'normal', content: 'A单位工单', requesterPhone: '13812345678', dispatch: { lead: 'sjj' } }, 'phone')
      ids.ticket = ticket.id
      // A proposed merge (重复诉求) of a later ticket into unit A's, for the /api/duplicates/:id paths.
      const later = await receiveTicket(t.deps, hotline, { requestType: 'complaint', categoryCode: 'M1.1.1', urgency: 'normal', content: 'A单位工单', requesterPhone: '13812345678' }, 'phone')
      await t.db.query(`INSERT INTO ticket_duplicate (id, ticket_id, primary_id, reasons, similarity, proposed_at) VALUES ('matrix-dup', $1, $2, '{same_requester}', 1, now())`, [later.id, ticket.id])
      // A knowledge base entry written by someone else, for the knowledge routes' paths.
      ids.knowledge = (await createKnowledgeEntry(t.deps, hotline, jiebaSearchTokenize, { title: '矩阵知识', body: '矩阵知识正文' })).id

      routes = apiRoutes(t.app.printRoutes({ commonPrefix: false }))
      openapi = t.app.swagger()
    }, 300_000)
    afterAll(async () => t?.close())

    /** The URL of a route with unit A's ids in its path (and the query a route requires). */
    function urlOf(method: string, path: string): string {
      const filled = path
        .replace(/^\/api\/items\/:id/, `/api/items/${ids.item}`)
        .replace(/^\/api\/tickets\/:id/, `/api/tickets/${ids.ticket}`)
        .replace(/^\/api\/plans\/:id/, `/api/plans/${ids.plan}`)
        .replace(/^\/api\/users\/:id/, `/api/users/${ids.user}`)
        .replace(/^\/api\/supervision\/notices\/:id/, `/api/supervision/notices/${ids.notice}`)
        .replace(/^\/api\/webhooks\/:id/, `/api/webhooks/${ids.webhook}`)
        .replace(/^\/api\/notifications\/:id/, `/api/notifications/${ids.notification}`)
        .replace(/^\/api\/catalogue\/:code/, '/api/catalogue/M1')
        .replace(/^\/api\/dispatch-rules\/:id/, '/api/dispatch-rules/m-rule')
        .replace(/^\/api\/knowledge\/:id/, `/api/knowledge/${ids.knowledge}`)
        .replace(/^\/api\/duplicates\/:id/, '/api/duplicates/matrix-dup')
        .replace(/^\/api\/office\/areas\/:unitId/, '/api/office/areas/dh')
        .replace(':attachmentId', ids.attachment)
        .replace(':reportId', ids.report)
        .replace(':n', '1')
        .replace(':year', '2026')
        .replace(':date', '2026-05-15')
      if (filled.includes(':')) throw new Error(`no value for a parameter of ${method} ${path}: add one to urlOf`)
      const op = openapi.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]
      const query = (op?.parameters ?? []).filter((p: any) => p.in === 'query' && p.required).map((p: any) => `${p.name}=${encodeURIComponent(p.name === 'period' ? '2026-05' : String(sample(p.schema)))}`)
      return query.length ? `${filled}?${query.join('&')}` : filled
    }

    /** The body of a request: an override where the schema leaves the content open, else the smallest schema-valid JSON. */
    function bodyOf(key: string, method: string, path: string): { payload?: unknown; headers?: Record<string, string> } | undefined {
      switch (key) {
        case 'POST /api/items/:id/events':
          return { payload: { event: 'report_progress', payload: { text: 'matrix' } } }
        case 'POST /api/items/:id/attachments':
          return multipart('matrix.txt', 'matrix')
        case 'POST /api/units/import':
          return { payload: 'id,name,parent_id,level,function,aliases\nmatrix-u,矩阵单位,city,department,,\n', headers: { 'content-type': 'text/csv' } }
        case 'POST /api/supervision/notices':
          return { payload: { itemId: ids.item, reason: 'matrix', replyWorkingDays: 5 } }
        case 'POST /api/unit-mappings':
          return { payload: { raw: '矩阵测试单位', unitId: 'sjj' } }
        case 'POST /api/plans':
          return { payload: { fileName: 'matrix.txt', contentBase64: Buffer.from(PLAN_TEXT).toString('base64') } }
        case 'POST /api/units':
          return { payload: { id: 'matrix-unit', name: '矩阵单位', parentId: 'city', level: 'department' } }
        case 'POST /api/dispatch-rules':
        case 'PUT /api/dispatch-rules/:id':
          return { payload: { categoryCode: 'M1', unitId: 'wjw' } }
        case 'POST /api/auth/login':
          return { payload: { username: 'nobody', password: 'wrong' } }
        case 'POST /api/auth/unlock':
          return { payload: { username: 'nobody' } }
        case 'PUT /api/users/:id/scope':
          // Liaison A's own default (本部门及以下), so the rest of the matrix runs with the scopes it started with.
          return { payload: { mode: 'subtree' } }
        case 'POST /api/tickets/:id/merge':
          // Into itself: refused as bad input (400) once authorization lets the caller through.
          return { payload: { into: ids.ticket } }
        case 'PUT /api/users/:id/contact':
          return { payload: { email: 'liaison-a@example.cn', phone: null } }
      }
      if (method === 'GET' || method === 'DELETE') return undefined
      const op = openapi.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]
      const schema = op?.requestBody?.content?.['application/json']?.schema
      return { payload: schema ? sample(schema) : {} }
    }

    it('finds the API routes on the server and has a policy for each', () => {
      expect(routes.length).toBeGreaterThan(40)
      expect(routes).toContainEqual({ method: 'POST', path: '/api/items/:id/reports' })
      expect(routes).toContainEqual({ method: 'DELETE', path: '/api/webhooks/:id' })
      const keys = routes.map((r) => `${r.method} ${r.path}`)
      expect(keys.filter((k) => !PUBLIC.has(k) && !(k in POLICY)), 'routes without a policy entry: add them to POLICY').toEqual([])
      expect(Object.keys(POLICY).filter((k) => !keys.includes(k)), 'policy entries for routes that no longer exist').toEqual([])
    })

    it('enforces the policy on every route for every role', async () => {
      const order = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
      const sorted = [...routes].sort((x, y) => order.indexOf(x.method) - order.indexOf(y.method) || x.path.localeCompare(y.path))
      const secrets = () => [SECRET.title, SECRET.report, SECRET.file, SECRET.notice, ids.itemNumber, ids.noticeNumber]
      const failures: string[] = []
      for (const { method, path } of sorted) {
        const key = `${method} ${path}`
        const allowed = new Set<Role>(PUBLIC.has(key) ? ROLES : (POLICY[key] ?? []))
        const writes = method !== 'GET' && !READ_ONLY_POSTS.has(key) && !PUBLIC.has(key)
        const url = urlOf(method, path)
        const body = bodyOf(key, method, path)
        // Refused roles first, then the allowed ones (which may change things).
        const refused = ROLES.filter((r) => !allowed.has(r))
        for (const role of [...refused, ...ROLES.filter((r) => allowed.has(r))]) {
          // Signing out ends the session: use a throwaway one.
          const res =
            key === 'POST /api/auth/logout' && role !== 'anonymous'
              ? await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${await t.login(USERNAME[role])}` } })
              : await inject(role, method, url, body)
          const s = res.statusCode
          const what = `${role} ${key} → ${s} ${res.body.slice(0, 200)}`
          if (s >= 500) failures.push(`500: ${what}`)
          if (role === 'anonymous' && !PUBLIC.has(key) && s !== 401) failures.push(`anonymous not 401: ${what}`)
          if (role === 'leader' && writes && s !== 403) failures.push(`leader write not 403: ${what}`)
          if (role === 'liaisonB' || role === 'operator') {
            const leaked = secrets().filter((x) => x && res.body.includes(x))
            if (leaked.length) failures.push(`leaks ${leaked.join(', ')}: ${what}`)
          }
          if (!allowed.has(role)) {
            if (s < 400) failures.push(`refused role got through: ${what}`)
            if ((role === 'liaisonB' || role === 'operator') && s !== 403 && s !== 404 && s !== 401) failures.push(`other unit not 403/404: ${what}`)
          } else if (!PUBLIC.has(key) && (s === 401 || s === 403 || s === 404)) {
            failures.push(`allowed role refused: ${what}`)
          }
        }
      }
      expect(failures).toEqual([])
    }, 300_000)

    it('answers 401 to anonymous on every non-public route whatever the body, query or path holds', async () => {
      // Sign-in is checked before parsing and validation: a body or parameter the schema refuses, malformed
      // JSON, a content type the route does not take or a missing required query must not turn the 401 into a 400/415.
      const variants: { name: string; url: (url: string) => string; payload?: unknown; headers?: Record<string, string> }[] = [
        { name: 'no body', url: (u) => u },
        { name: 'empty object', url: (u) => u, payload: {} },
        { name: 'unknown field', url: (u) => u, payload: { notAField: 1 } },
        { name: 'wrong types', url: (u) => u, payload: { text: 1, event: 2, username: [], approve: 'yes', names: 'x' } },
        { name: 'malformed JSON', url: (u) => u, payload: '{"x":', headers: { 'content-type': 'application/json' } },
        { name: 'unsupported content type', url: (u) => u, payload: '<x/>', headers: { 'content-type': 'application/xml' } },
        { name: 'no query, odd path values', url: (u) => u.split('?')[0]!.replace(/\/(2026-05-15|2026)(?=\/|$)/g, '/not-a-value') },
      ]
      const failures: string[] = []
      let checked = 0
      for (const { method, path } of routes) {
        const key = `${method} ${path}`
        if (PUBLIC.has(key)) continue
        for (const v of variants) {
          const res = await t.app.inject({
            method: method as 'GET',
            url: v.url(urlOf(method, path)),
            headers: v.headers ?? {},
            ...(v.payload === undefined || method === 'GET' ? {} : { payload: v.payload as object }),
          })
          checked++
          if (res.statusCode !== 401 || res.json().error?.code !== 'DUBAN_ERR_UNAUTHENTICATED') failures.push(`${key} (${v.name}) → ${res.statusCode} ${res.body.slice(0, 160)}`)
        }
      }
      expect(checked).toBeGreaterThan(40 * variants.length)
      expect(failures).toEqual([])
      // A stale or made-up token is no sign-in either.
      const stale = await t.app.inject({ method: 'POST', url: '/api/users', headers: { authorization: 'Bearer not-a-session' }, payload: {} })
      expect(stale.statusCode, stale.body).toBe(401)
      // The public routes still validate for everyone: a bad sign-in body is a 400.
      const badLogin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: {} })
      expect(badLogin.statusCode, badLogin.body).toBe(400)
    })

    it('still lets signed-in roles reach validation before the role check, as before', async () => {
      // A leader's invalid write is a 400 (validation runs before the handler's role check); a valid one is 403.
      expect((await inject('leader', 'POST', '/api/users', { payload: {} })).statusCode).toBe(400)
      expect((await inject('leader', 'POST', '/api/users', { payload: { username: 'x1', displayName: 'x', password: 'pw-123456789', role: 'admin' } })).statusCode).toBe(403)
    })

    it('leaves the database unchanged for every refused request', async () => {
      const failures: string[] = []
      for (const { method, path } of routes) {
        const key = `${method} ${path}`
        if (PUBLIC.has(key)) continue
        const allowed = new Set<Role>(POLICY[key] ?? [])
        const url = urlOf(method, path)
        const body = bodyOf(key, method, path)
        for (const role of ROLES.filter((r) => !allowed.has(r))) {
          const before = await snapshot()
          const res = await inject(role, method, url, body)
          const after = await snapshot()
          const changed = Object.keys(before).filter((k) => before[k] !== after[k])
          if (changed.length) failures.push(`${role} ${key} → ${res.statusCode} changed ${changed.join(', ')}`)
        }
      }
      expect(failures).toEqual([])
    }, 600_000)
  })
}
