import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealAudit } from '../../src/app/audit/seal-audit.ts'
import { verifyAudit } from '../../src/app/audit/verify-audit.ts'
import { statusTable } from '../../src/adapters/http/errors.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

const count = async (t: TestApp, table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n

for (const dialect of testDialects()) {
  describe(`platform API on ${dialect}`, () => {
    let t: TestApp
    let admin: string
    let liaison: string
    const auth = (token: string) => ({ authorization: `Bearer ${token}` })

    beforeAll(async () => {
      t = await startTestApp(dialect, { bodyLimit: 64 * 1024 })
      await t.seedUsers()
      admin = await t.login('admin')
      liaison = await t.login('liaison-dh')
    })
    afterAll(async () => {
      await t?.close()
    })

    describe('auth', () => {
      it('signs in, shows the user and its unit scope, and sets the session cookie', async () => {
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'liaison-dh', password: TEST_PASSWORD } })
        expect(res.statusCode).toBe(200)
        expect(res.cookies.find((c) => c.name === 'duban_session')?.httpOnly).toBe(true)
        const cookie = res.cookies.find((c) => c.name === 'duban_session')?.value as string
        const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { duban_session: cookie } })
        expect(me.statusCode).toBe(200)
        expect(me.json()).toMatchObject({ user: { username: 'liaison-dh', role: 'unit_liaison', unitId: 'dh' }, scopeUnitIds: ['dh', 'dh-jb'] })
      })

      it('gives admins, supervisors and leaders an unlimited scope', async () => {
        const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: auth(admin) })
        expect(me.json().scopeUnitIds).toBeNull()
      })

      it('refuses a wrong password and an unknown user alike with 401', async () => {
        for (const payload of [{ username: 'admin', password: 'nope-nope' }, { username: 'ghost', password: 'nope-nope' }]) {
          const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload })
          expect(res.statusCode).toBe(401)
          expect(res.json().error.code).toBe('DUBAN_ERR_LOGIN_FAILED')
        }
      })

      it('answers 401 without a token, with a bad token, and after logout', async () => {
        expect((await t.app.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401)
        expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: auth('forged') })).json().error.code).toBe('DUBAN_ERR_UNAUTHENTICATED')
        const token = await t.login('leader')
        expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(token) })).statusCode).toBe(204)
        expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: auth(token) })).statusCode).toBe(401)
      })

      it('lets a session expire', async () => {
        const token = await t.login('supervisor')
        t.clock.advance(13 * 60 * 60 * 1000)
        try {
          expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: auth(token) })).statusCode).toBe(401)
        } finally {
          t.clock.advance(-13 * 60 * 60 * 1000)
        }
      })

      it('stores only the hash of a token', async () => {
        const { rows } = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM user_session')
        expect(rows.some((r) => r.token_hash === admin)).toBe(false)
        expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true)
      })
    })

    describe('users', () => {
      it('lets an admin create a user who can then sign in, and never returns the hash', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: auth(admin),
          payload: { username: 'new-liaison', displayName: '新联络员', password: 'long-enough-pw', role: 'unit_liaison', unitId: 'sjj' },
        })
        expect(res.statusCode).toBe(201)
        expect(res.body).not.toMatch(/argon2|password/i)
        await t.login('new-liaison', 'long-enough-pw')
        const { rows } = await t.db.query<{ h: string }>(`SELECT password_hash AS h FROM app_user WHERE username = 'new-liaison'`)
        expect(rows[0]?.h).toMatch(/^\$argon2id\$/)
      })

      it('forbids a liaison to manage users (403) and refuses a taken username (409)', async () => {
        const payload = { username: 'admin', displayName: 'x', password: 'long-enough-pw', role: 'admin' }
        expect((await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(liaison), payload })).json().error.code).toBe('DUBAN_ERR_FORBIDDEN')
        expect((await t.app.inject({ method: 'POST', url: '/api/users', headers: auth(admin), payload })).statusCode).toBe(409)
      })

      it('ends the sessions of a deactivated user', async () => {
        const token = await t.login('liaison-jb')
        const id = (await t.app.inject({ method: 'GET', url: '/api/me', headers: auth(token) })).json().user.id
        const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: auth(admin), payload: { active: false } })
        expect(res.statusCode).toBe(200)
        expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: auth(token) })).statusCode).toBe(401)
        expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'liaison-jb', password: TEST_PASSWORD } })).statusCode).toBe(401)
      })

      it('answers 404 for an unknown user', async () => {
        const res = await t.app.inject({ method: 'PATCH', url: '/api/users/nobody', headers: auth(admin), payload: { displayName: 'x' } })
        expect(res.statusCode).toBe(404)
      })
    })

    describe('bad input is a 4xx naming the field, and changes nothing', () => {
      const post = (payload: string, contentType = 'application/json') =>
        t.app.inject({ method: 'POST', url: '/api/units', headers: { ...auth(admin), 'content-type': contentType }, payload })

      it.each([
        ['malformed JSON', '{"id": "x", ', 400, 'body'],
        ['an unknown field', JSON.stringify({ id: 'x1', name: 'X', parentId: null, level: 'city', colour: 'red' }), 400, 'body/colour'],
        ['a wrong type', JSON.stringify({ id: 'x1', name: 42, parentId: null, level: 'city' }), 400, 'body/name'],
        ['a missing field', JSON.stringify({ id: 'x1', parentId: null, level: 'city' }), 400, 'body/name'],
        ['a value outside the enum', JSON.stringify({ id: 'x1', name: 'X', parentId: null, level: 'galaxy' }), 400, 'body/level'],
        ['a number where a string is due (no coercion)', JSON.stringify({ id: 12, name: 'X', parentId: null, level: 'city' }), 400, 'body/id'],
        // Found by the fuzz test: '' passed the parent check as "no parent" and reached the foreign key (a 500).
        ['an empty parent id', JSON.stringify({ id: 'admin', name: 'att1', parentId: '', level: 'community' }), 400, 'body/parentId'],
        ['an oversize body', JSON.stringify({ id: 'x1', name: 'X'.repeat(70 * 1024), parentId: null, level: 'city' }), 413, 'body'],
      ] as const)('%s', async (_what, payload, status, where) => {
        const before = { units: await count(t, 'unit'), audit: await count(t, 'audit_log') }
        const res = await post(payload)
        expect(res.statusCode).toBe(status)
        const body = res.json()
        expect(body.error.where).toBe(where)
        expect(body.error.message).toContain(where)
        expect(typeof body.error.messageZh).toBe('string')
        expect({ units: await count(t, 'unit'), audit: await count(t, 'audit_log') }).toEqual(before)
      })

      it('names the field in the message as body/field: reason', async () => {
        const res = await post(JSON.stringify({ id: 'x1', name: 42, parentId: null, level: 'city' }))
        expect(res.json().error.message).toContain('body/name: must be string')
      })

      it('answers 404 with the error body for an unknown route', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/nowhere' })
        expect(res.statusCode).toBe(404)
        expect(res.json().error.code).toBe('DUBAN_ERR_NOT_FOUND')
      })

      it('refuses a unit whose parent does not exist', async () => {
        const res = await post(JSON.stringify({ id: 'orphan', name: '孤儿局', parentId: 'nope', level: 'department' }))
        expect(res.statusCode).toBe(400)
        expect(res.json().error.where).toBe('body/parentId')
      })
    })

    describe('units', () => {
      const csv = (text: string) =>
        t.app.inject({ method: 'POST', url: '/api/units/import?name=u.csv', headers: { ...auth(admin), 'content-type': 'text/csv' }, payload: text })

      it('imports a csv with aliases, and shows it in the tree', async () => {
        const res = await csv('id,name,parent_id,level,function,aliases\nxs-sjj,西山县市场监督管理局,xs,department,市场监管,西山市场局;县市场局\nxs-cg,城关镇,xs,township,,\n')
        expect(res.statusCode).toBe(200)
        expect(res.json()).toEqual({ created: 2, updated: 0 })
        const tree = (await t.app.inject({ method: 'GET', url: '/api/units/tree', headers: auth(liaison) })).json()
        const xs = tree[0].children.find((c: { id: string }) => c.id === 'xs')
        expect(xs.children.map((c: { id: string }) => c.id).sort()).toEqual(['xs-cg', 'xs-sjj'])
        expect(xs.children.find((c: { id: string }) => c.id === 'xs-sjj').aliases).toEqual(['西山市场局', '县市场局'])
      })

      it('imports an xlsx file', async () => {
        const wb = new ExcelJS.Workbook()
        const ws = wb.addWorksheet('units')
        ws.addRow(['id', 'name', 'parent_id', 'level', 'function', 'aliases'])
        ws.addRow(['dh-jtj', '东湖区交通运输局', 'dh', 'department', '交通运输', '东湖区交通局'])
        const bytes = Buffer.from(await wb.xlsx.writeBuffer())
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/units/import?name=u.xlsx',
          headers: { ...auth(admin), 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
          payload: bytes,
        })
        expect(res.statusCode).toBe(200)
        expect(res.json()).toEqual({ created: 1, updated: 0 })
      })

      it('reports every bad line and field and imports nothing', async () => {
        const before = { units: await count(t, 'unit'), audit: await count(t, 'audit_log') }
        const res = await csv('id,name,parent_id,level,function,aliases\nok1,好单位,city,department,,\nbad1,,city,department,,\nbad2,某局,city,planet,,\nbad3,某局,ghost,department,,\nok1,重复,city,department,,\n')
        expect(res.statusCode).toBe(400)
        const err = res.json().error
        expect(err.code).toBe('DUBAN_ERR_UNIT_IMPORT')
        expect(err.where).toBe('u.csv:3/name')
        expect(err.details.problems).toEqual([
          { line: 3, field: 'name', message: 'name is empty' },
          { line: 4, field: 'level', message: expect.stringContaining("'planet'") },
          { line: 5, field: 'parent_id', message: expect.stringContaining("'ghost'") },
          { line: 6, field: 'id', message: "id 'ok1' already used on line 2" },
        ])
        expect({ units: await count(t, 'unit'), audit: await count(t, 'audit_log') }).toEqual(before)
      })

      it('reads a GBK-encoded csv as Excel in China saves it', async () => {
        const text = 'id,name,parent_id,level,function,aliases\r\ndh-gbk,东湖区财政局,dh,department,财政,东湖区财政\r\n'
        const { default: iconv } = await import('iconv-lite')
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/units/import',
          headers: { ...auth(admin), 'content-type': 'text/csv' },
          payload: iconv.encode(text, 'gbk'),
        })
        expect(res.statusCode).toBe(200)
        expect((await t.db.query<{ name: string }>(`SELECT name FROM unit WHERE id = 'dh-gbk'`)).rows[0]?.name).toBe('东湖区财政局')
      })

      // Found by the fuzz hunt of 2026-12-03: a NUL in a cell was a 500 (PostgreSQL refused it); a GBK line in a UTF-8
      // file was decoded with the rest as GB18030 and stored as mojibake; aliases and functions beyond the limits of
      // POST /api/units were stored; a JSON body was reported as "the file is empty".
      const H = 'id,name,parent_id,level,function,aliases\n'
      /** A workbook whose first local header is damaged: its central directory passes the zip guard, ExcelJS refuses it. */
      const brokenXlsx = async (): Promise<Buffer> => {
        const wb = new ExcelJS.Workbook()
        wb.addWorksheet('units').addRow(['id', 'name', 'parent_id', 'level'])
        const bytes = Buffer.from(await wb.xlsx.writeBuffer())
        bytes[0] = 0x7e
        return bytes
      }
      it.each([
        ['a NUL in a name (was a 500)', Buffer.from(`${H}fz-nul,某\u0000局,dh,department,,\n`), 'text/csv', 400, 'u.csv:2/name'],
        ['a GBK line in a UTF-8 file (was stored as mojibake)', Buffer.concat([Buffer.from(`${H}fz-u8,东湖区某局,dh,department,,\nfz-gb,`), iconv.encode('东湖区某办', 'gbk'), Buffer.from(',dh,department,,\n')]), 'text/csv', 400, 'u.csv:3'],
        ['51 aliases (POST /api/units takes 50)', Buffer.from(`${H}fz-al,某局,dh,department,,${Array.from({ length: 51 }, (_, i) => `别名${i}`).join(';')}\n`), 'text/csv', 400, 'u.csv:2/aliases'],
        ['a 101-character alias', Buffer.from(`${H}fz-al2,某局,dh,department,,${'名'.repeat(101)}\n`), 'text/csv', 400, 'u.csv:2/aliases'],
        ['a 51-character function', Buffer.from(`${H}fz-fn,某局,dh,department,${'职'.repeat(51)},\n`), 'text/csv', 400, 'u.csv:2/function'],
        ['a JSON body (was "the file is empty")', Buffer.from('{"id":"fz-js"}'), 'application/json', 415, 'content-type'],
        ['an .xlsx whose zip ExcelJS cannot read (named no file)', brokenXlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 400, 'u.xlsx', 'u.xlsx'],
        ['no bytes and an empty ?name= (named the file "")', Buffer.alloc(0), 'text/csv', 400, 'units.csv', ''],
      ] as const)('refuses a unit file with %s, naming the line and field, importing nothing', async (_what, body, type, status, where, name: string = 'u.csv') => {
        const before = { units: await count(t, 'unit'), audit: await count(t, 'audit_log') }
        const payload = typeof body === 'function' ? await body() : body
        const res = await t.app.inject({ method: 'POST', url: `/api/units/import?name=${name}`, headers: { ...auth(admin), 'content-type': type }, payload })
        expect(res.statusCode, res.body).toBe(status)
        expect(res.json().error.where).toBe(where)
        expect({ units: await count(t, 'unit'), audit: await count(t, 'audit_log') }).toEqual(before)
      })

      it('resolves extracted names, asks about the unclear ones, and remembers a mapping', async () => {
        const names = ['青川市市场监督管理局', '市场监管局', '市卫健委', '区市场局', '省市场监管局', '市食安办']
        const res = await t.app.inject({ method: 'POST', url: '/api/units/resolve', headers: auth(liaison), payload: { names } })
        expect(res.statusCode).toBe(200)
        const byRaw = Object.fromEntries(res.json().map((m: { raw: string; unitId: string | null }) => [m.raw, m.unitId]))
        expect(byRaw).toEqual({
          青川市市场监督管理局: 'sjj',
          市场监管局: 'sjj',
          市卫健委: 'wjw',
          区市场局: null,
          省市场监管局: null,
          市食安办: null,
        })
        const ctx = await t.app.inject({ method: 'POST', url: '/api/units/resolve', headers: auth(liaison), payload: { names: ['区市场局'], contextUnitId: 'xs-cg' } })
        expect(ctx.json()[0].unitId).toBe('xs-sjj')

        expect((await t.app.inject({ method: 'POST', url: '/api/unit-mappings', headers: auth(liaison), payload: { raw: '市食安办', unitId: 'sjj' } })).statusCode).toBe(403)
        const map = await t.app.inject({ method: 'POST', url: '/api/unit-mappings', headers: auth(admin), payload: { raw: '市食安办', unitId: 'sjj' } })
        expect(map.statusCode).toBe(201)
        const again = await t.app.inject({ method: 'POST', url: '/api/units/resolve', headers: auth(liaison), payload: { names: ['市食安办'] } })
        expect(again.json()[0]).toMatchObject({ unitId: 'sjj', method: 'mapping' })
      })
    })

    describe('audit log', () => {
      it('records writes in an intact chain, even when they race', async () => {
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            t.app.inject({ method: 'POST', url: '/api/units', headers: auth(admin), payload: { id: `race-${i}`, name: `竞争单位${i}`, parentId: 'city', level: 'department' } }),
          ),
        )
        const actions = (await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id LIKE 'race-%'`)).rows
        expect(actions).toHaveLength(12)
        await sealAudit(t.db)
        const v = await verifyAudit(t.db)
        expect(v.ok).toBe(true)
      })

      it('keeps passwords out of the audit log', async () => {
        const { rows } = await t.db.query<{ t: string }>(`SELECT coalesce(before::text,'') || coalesce(after::text,'') AS t FROM audit_log`)
        expect(rows.some((r) => /argon2|long-enough-pw|duban-test-pw/.test(r.t))).toBe(false)
      })
    })

    it('serves the OpenAPI document and the docs UI', async () => {
      const doc = await t.app.inject({ method: 'GET', url: '/docs/json' })
      expect(doc.statusCode).toBe(200)
      expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/units', '/api/units/resolve']))
      expect((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200)
    })
  })
}

describe('error status table', () => {
  it('maps every catalogued code to a 4xx or 5xx status', () => {
    for (const [code, status] of Object.entries(statusTable())) expect([code, status >= 400 && status < 600]).toEqual([code, true])
  })
  it('maps the platform codes as agreed', () => {
    expect(statusTable()).toMatchObject({
      DUBAN_ERR_VALIDATION: 400,
      DUBAN_ERR_NOT_FOUND: 404,
      DUBAN_ERR_CONFLICT: 409,
      DUBAN_ERR_UNAUTHENTICATED: 401,
      DUBAN_ERR_FORBIDDEN: 403,
      DUBAN_ERR_BODY_TOO_LARGE: 413,
      DUBAN_ERR_INTERNAL: 500,
    })
  })
})
