/**
 * PATCH /api/webhooks/{id} (推送订阅的修改) and GET /api/notifications/channels (渠道配置), over HTTP on each
 * database: a field the body does not know is refused (400, the field named) and changes nothing; an empty change is
 * refused; a valid change is applied, audited and shown, the secret never; the channels answer says which are on and
 * where to, without credentials, to an admin only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`webhook changes and notification channels (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })
    let id = ''

    const patch = (payload: unknown, who = 'admin', sub = id) => t.app.inject({ method: 'PATCH', url: `/api/webhooks/${sub}`, headers: auth(who), payload: payload as object })
    const shown = async () => (await t.app.inject({ method: 'GET', url: `/api/webhooks/${id}`, headers: auth('admin') })).json()

    beforeAll(async () => {
      // The channels are read from the environment when the server starts, as `duban serve` does.
      const env = { DUBAN_SMTP_URL: 'smtp://duban:smtp-pass-0123@mail.example.gov.cn:587', DUBAN_MAIL_FROM: '督查室 <duban@example.gov.cn>', DUBAN_SMS_URL: 'https://gw:sms-pass-0123@sms.example.cn/api/send?key=sms-key-0123' }
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
      Object.assign(process.env, env)
      try {
        t = await startTestApp(dialect)
      } finally {
        for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      await t.seedUsers()
      for (const u of ['admin', 'supervisor', 'liaison-sjj']) tokens[u] = await t.login(u)
      const res = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: auth('admin'), payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['item.overdue'], secret: 'a-shared-secret-of-some-length', description: '省平台' } })
      expect(res.statusCode, res.body).toBe(201)
      id = res.json().id
    }, 120_000)
    afterAll(async () => {
      await t?.close()
    })

    it('refuses a field the body does not know, naming it, and changes nothing', async () => {
      const before = await shown()
      const res = await patch({ description: '改了', colour: 'red' })
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_VALIDATION', where: 'body/colour' })
      expect(res.json().error.message).toContain('colour')
      expect(res.json().error.messageZh).toContain('colour')
      expect(await shown()).toEqual(before)
      // On creation too: a misspelt field is not dropped quietly.
      const created = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: auth('admin'), payload: { url: 'http://127.0.0.1:9/other', eventTypes: ['item.overdue'], enable: false } })
      expect(created.statusCode, created.body).toBe(400)
      expect(created.json().error.where).toBe('body/enable')
    })

    it('refuses an empty change', async () => {
      const res = await patch({})
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'DUBAN_ERR_WEBHOOK_INVALID', where: 'body' })
      expect(res.json().error.message).toMatch(/at least one of url, eventTypes, secret, active, description/)
      const audits = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'webhook.update'`)
      expect(audits.rows[0]!.n).toBe(0)
    })

    it('refuses a change of a field to a bad value, naming the field in Chinese', async () => {
      const bad = [
        [{ url: 'ftp://example.org/x' }, 'url', '地址'],
        [{ eventTypes: [] }, 'eventTypes', '事件类型'],
        [{ eventTypes: ['item.nonsense'] }, 'eventTypes', '事件类型'],
        [{ secret: 'short' }, 'body/secret', '密钥'],
        [{ active: 'yes' }, 'body/active', '是否启用'],
      ] as const
      for (const [payload, where, field] of bad) {
        const res = await patch(payload)
        expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(400)
        expect(res.json().error, JSON.stringify(payload)).toMatchObject({ where, field })
        expect(res.json().error.messageZh).toContain(field)
      }
    })

    it('applies a valid change, audits it and shows it, never the secret', async () => {
      const res = await patch({ eventTypes: ['item.overdue', 'notice.issued', 'item.overdue'], active: false, description: '省平台（暂停）', secret: 'a-new-shared-secret-0123456789' })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toMatchObject({ id, url: 'http://127.0.0.1:9/hook', eventTypes: ['item.overdue', 'notice.issued'], active: false, description: '省平台（暂停）' })
      expect(res.json()).not.toHaveProperty('secret')
      expect(await shown()).toMatchObject({ id, eventTypes: ['item.overdue', 'notice.issued'], active: false, description: '省平台（暂停）' })
      expect(JSON.stringify(await shown())).not.toContain('a-new-shared-secret')
      const { rows } = await t.db.query<{ before: unknown; after: unknown }>(`SELECT before, after FROM audit_log WHERE action = 'webhook.update'`)
      expect(rows).toHaveLength(1)
      expect(rows[0]!.before).toMatchObject({ active: true, description: '省平台' })
      expect(rows[0]!.after).toMatchObject({ active: false, description: '省平台（暂停）' })
      expect(JSON.stringify(rows)).not.toContain('secret-0123456789')
      // Only an admin changes it; an unknown one is 404.
      expect((await patch({ active: true }, 'supervisor')).statusCode).toBe(403)
      expect((await patch({ active: true }, 'admin', 'no-such-subscription')).statusCode).toBe(404)
    })

    it('says which channels are on and where to, without credentials, to an admin only', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/notifications/channels', headers: auth('admin') })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toEqual({
        email: { on: true, server: 'smtp://mail.example.gov.cn:587', from: '督查室 <duban@example.gov.cn>' },
        sms: { on: true, gateway: 'https://sms.example.cn/api/send' },
      })
      for (const secret of ['smtp-pass-0123', 'sms-pass-0123', 'sms-key-0123', 'duban:', 'gw:']) expect(res.body).not.toContain(secret)
      expect((await t.app.inject({ method: 'GET', url: '/api/notifications/channels', headers: auth('supervisor') })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'GET', url: '/api/notifications/channels', headers: auth('liaison-sjj') })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'GET', url: '/api/notifications/channels' })).statusCode).toBe(401)
    })

    it('says both channels are off when nothing is configured', async () => {
      const bare = await startTestApp(dialect)
      try {
        await bare.seedUsers()
        const token = await bare.login('admin')
        const res = await bare.app.inject({ method: 'GET', url: '/api/notifications/channels', headers: { authorization: `Bearer ${token}` } })
        expect(res.statusCode, res.body).toBe(200)
        expect(res.json()).toEqual({ email: { on: false, server: null, from: null }, sms: { on: false, gateway: null } })
      } finally {
        await bare.close()
      }
    }, 120_000)
  })
}
