/**
 * The knowledge base (知识库) over HTTP, on every test dialect: an entry is written, submitted, refused to its own
 * writer for approval, approved by another admin, found by a caller's Chinese question, offered only while valid,
 * shown to the public only when public; versions are kept with a line diff; a 咨询 answered from an entry keeps
 * the entry's id on the event; every write is audited.
 */
import { jiebaSearchTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_DIR } from '../../src/app/demo/seed-demo.ts'
import { seedDemoKnowledge } from '../../src/app/knowledge/seed-knowledge.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

interface Entry {
  id: string
  title: string
  body: string
  status: string
  version: number
  public: boolean
  validTo: string | null
  reviewerName: string | null
  versions?: { version: number; title: string; body: string }[]
}

for (const dialect of testDialects()) {
  describe(`knowledge base API (${dialect})`, () => {
    let t: TestApp
    let admin: string
    let admin2: string
    let operator: string
    let leader: string
    const req = async (token: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) })
    const ok = async <T = Entry>(token: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, status = 200): Promise<T> => {
      const res = await req(token, method, url, payload)
      expect(res.statusCode, res.body).toBe(status)
      return res.json() as T
    }
    /** Writes, submits and has admin2 approve an entry; returns it published. */
    const published = async (input: Record<string, unknown>): Promise<Entry> => {
      const e = await ok(operator, 'POST', '/api/knowledge', input, 201)
      await ok(operator, 'POST', `/api/knowledge/${e.id}/submit`)
      return ok(admin2, 'POST', `/api/knowledge/${e.id}/approve`, {})
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      await createUser(t.deps, null, { username: 'admin2', displayName: '审核员', password: TEST_PASSWORD, role: 'admin', unitId: null })
      operator = await operatorToken(t)
      admin = await t.login('admin')
      admin2 = await t.login('admin2')
      leader = await t.login('leader')
    }, 120_000)
    afterAll(async () => {
      await t?.close()
    })

    it('writes, submits, refuses approval by the writer, is approved by another admin and found by a Chinese question', async () => {
      const e = await ok(admin, 'POST', '/api/knowledge', { title: '职工医保门诊费用报销', body: '参保职工在定点医院门诊就医，医保报销按比例直接结算。\n异地就医需先备案。', ownerUnitId: 'wjw', public: true }, 201)
      expect(e).toMatchObject({ status: 'draft', version: 1, public: true, validTo: null })
      expect(await ok(operator, 'GET', `/api/knowledge/offer?q=${encodeURIComponent('医保怎么报销')}`, undefined)).toEqual({ entries: [] })
      expect((await ok(admin, 'POST', `/api/knowledge/${e.id}/submit`)).status).toBe('pending')
      const self = await req(admin, 'POST', `/api/knowledge/${e.id}/approve`, {})
      expect(self.statusCode).toBe(403)
      expect(self.json().error.code).toBe('DUBAN_ERR_KNOWLEDGE_SELF_REVIEW_FORBIDDEN')
      expect((await req(operator, 'POST', `/api/knowledge/${e.id}/approve`, {})).statusCode).toBe(403)
      const approved = await ok(admin2, 'POST', `/api/knowledge/${e.id}/approve`, { note: '内容准确' })
      expect(approved).toMatchObject({ status: 'published', reviewerName: '审核员' })
      // An unrelated published entry must rank below.
      await published({ title: '燃气开户办理', body: '新房燃气开户请携带房产证到燃气营业厅办理。' })
      const offer = await ok<{ entries: (Entry & { score: number })[] }>(operator, 'GET', `/api/knowledge/offer?q=${encodeURIComponent('我想问一下医保怎么报销')}`)
      expect(offer.entries[0]?.id).toBe(e.id)
      expect(offer.entries.map((x) => x.title)).not.toContain('燃气开户办理')
      const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'knowledge_entry' AND entity_id = $1 ORDER BY id`, [e.id])
      expect(audit.rows.map((r) => r.action)).toEqual(['knowledge.create', 'knowledge.submit', 'knowledge.approve'])
    })

    it('offers an entry on a shared word of two characters or more, never on a single character alone', async () => {
      // jieba leaves 很 alone in the entry's body (手续 很 简单); a caller's complaint shares only that 很 with it.
      const e = await published({ title: '有线电视开户', body: '开户手续很简单，带身份证到营业厅即可。' })
      const unrelated = await ok<{ entries: Entry[] }>(operator, 'GET', `/api/knowledge/offer?q=${encodeURIComponent('楼下烧烤很吵')}`)
      expect(unrelated.entries.map((x) => x.id)).not.toContain(e.id)
      const related = await ok<{ entries: Entry[] }>(operator, 'GET', `/api/knowledge/offer?q=${encodeURIComponent('有线电视信号很差')}`)
      expect(related.entries[0]?.id).toBe(e.id)
    })

    it('returns an entry with a note, which is then edited and resubmitted', async () => {
      const e = await ok(operator, 'POST', '/api/knowledge', { title: '公积金提取', body: '租房提取公积金' }, 201)
      await ok(operator, 'POST', `/api/knowledge/${e.id}/submit`)
      expect((await req(admin, 'POST', `/api/knowledge/${e.id}/return`, {})).statusCode).toBe(400)
      expect(await ok(admin, 'POST', `/api/knowledge/${e.id}/return`, { note: '缺少办理材料' })).toMatchObject({ status: 'returned' })
      expect((await req(operator, 'POST', `/api/knowledge/${e.id}/approve`, {})).statusCode).toBe(403)
      const edited = await ok(operator, 'PUT', `/api/knowledge/${e.id}`, { title: '公积金提取', body: '租房提取公积金，需提供租房合同和身份证。', expectedVersion: 1 })
      expect(edited).toMatchObject({ status: 'draft', version: 2 })
      expect((await req(operator, 'PUT', `/api/knowledge/${e.id}`, { title: 'x', body: 'y', expectedVersion: 1 })).statusCode).toBe(409)
      await ok(operator, 'POST', `/api/knowledge/${e.id}/submit`)
      expect((await req(operator, 'PUT', `/api/knowledge/${e.id}`, { title: 'x', body: 'y' })).statusCode).toBe(409)
    })

    it('does not offer an entry whose validity ended yesterday, nor one that starts tomorrow', async () => {
      // The test clock stands on 2026-03-02.
      await published({ title: '2025年度个税汇算办理', body: '个税汇算通过个人所得税App办理。', validFrom: '2025-03-01', validTo: '2026-03-01', public: true })
      await published({ title: '2026年度个税汇算预告', body: '个税汇算明年开始。', validFrom: '2026-03-03', public: true })
      const current = await published({ title: '个税专项附加扣除', body: '个税专项附加扣除在个人所得税App填报。', validFrom: '2026-01-01', validTo: '2026-03-02', public: true })
      const offer = await ok<{ entries: Entry[] }>(operator, 'GET', `/api/knowledge/offer?q=${encodeURIComponent('个税汇算')}`)
      expect(offer.entries.map((x) => x.id)).toEqual([current.id])
      const all = await ok<{ entries: Entry[] }>(operator, 'GET', `/api/knowledge?q=${encodeURIComponent('个税汇算')}`)
      expect(all.entries.length).toBe(3)
    })

    it('shows the public only published, public entries valid today, without sign-in', async () => {
      await published({ title: '医保卡挂失补办', body: '医保卡丢失请拨打挂失电话，再到社保网点补办。', public: false })
      const draft = await ok(operator, 'POST', '/api/knowledge', { title: '医保卡激活', body: '医保卡激活到银行网点。', public: true }, 201)
      const res = await req(null, 'GET', `/api/public/knowledge?q=${encodeURIComponent('医保卡')}`)
      expect(res.statusCode).toBe(200)
      const titles = (res.json() as { entries: Entry[] }).entries.map((x) => x.title)
      expect(titles).toContain('职工医保门诊费用报销')
      expect(titles).not.toContain('医保卡挂失补办')
      expect(titles).not.toContain('医保卡激活')
      expect(Object.keys((res.json() as { entries: object[] }).entries[0]!)).not.toContain('authorId')
      const newest = (await req(null, 'GET', '/api/public/knowledge')).json() as { entries: Entry[] }
      expect(newest.entries.every((x) => x.id !== draft.id)).toBe(true)
      expect(newest.entries.map((x) => x.title)).not.toContain('2025年度个税汇算办理')
    })

    it('keeps every version and gives a line diff between two', async () => {
      const e = await ok(operator, 'POST', '/api/knowledge', { title: '户口迁移', body: '第一行\n第二行\n第三行' }, 201)
      await ok(operator, 'PUT', `/api/knowledge/${e.id}`, { title: '户口迁移办理', body: '第一行\n第二行改\n第三行\n第四行' })
      const one = await ok(admin, 'GET', `/api/knowledge/${e.id}`)
      expect(one.versions?.map((v) => [v.version, v.title])).toEqual([
        [1, '户口迁移'],
        [2, '户口迁移办理'],
      ])
      const diff = await ok<{ body: { op: string; text: string }[]; title: { op: string; text: string }[] }>(admin, 'GET', `/api/knowledge/${e.id}/diff?from=1&to=2`)
      expect(diff.body).toEqual([
        { op: 'same', text: '第一行' },
        { op: 'del', text: '第二行' },
        { op: 'add', text: '第二行改' },
        { op: 'same', text: '第三行' },
        { op: 'add', text: '第四行' },
      ])
      expect(diff.title).toEqual([
        { op: 'del', text: '户口迁移' },
        { op: 'add', text: '户口迁移办理' },
      ])
      expect((await req(admin, 'GET', `/api/knowledge/${e.id}/diff?from=1&to=9`)).statusCode).toBe(404)
    })

    it('refuses other roles, anonymous callers, unknown ids and bad input with the field named', async () => {
      expect((await req(leader, 'GET', '/api/knowledge')).statusCode).toBe(403)
      expect((await req(null, 'GET', '/api/knowledge')).statusCode).toBe(401)
      expect((await req(leader, 'POST', '/api/knowledge', { title: 'a', body: 'b' })).statusCode).toBe(403)
      expect((await req(admin, 'GET', '/api/knowledge/nope')).statusCode).toBe(404)
      const badDate = await req(admin, 'POST', '/api/knowledge', { title: 'a', body: 'b', validFrom: '2026-03-05', validTo: '2026-03-01' })
      expect(badDate.statusCode).toBe(400)
      expect(badDate.json().error).toMatchObject({ code: 'DUBAN_ERR_KNOWLEDGE_INVALID', where: 'validTo' })
      const badUnit = await req(admin, 'POST', '/api/knowledge', { title: 'a', body: 'b', ownerUnitId: 'nope' })
      expect(badUnit.json().error).toMatchObject({ where: 'ownerUnitId' })
      expect((await req(admin, 'POST', '/api/knowledge', { title: '  ', body: 'b' })).json().error).toMatchObject({ where: 'title' })
    })

    it('answers a 咨询 directly from an entry, keeping the entry id on the event', async () => {
      const e = await published({ title: '夜市营业时间', body: '江滨夜市每日18时至22时营业。', categoryCode: CATEGORY.stalls, public: true })
      const ticket = await ok<{ id: string; version: number }>(
        operator,
        'POST',
        '/api/tickets',
        { channel: 'phone', requestType: 'consultation', categoryCode: CATEGORY.stalls, urgency: 'normal', anonymous: true, content: '江滨夜市几点开门' },
        201,
      )
      await ok(operator, 'POST', `/api/tickets/${ticket.id}/events`, { event: 'answer_directly', payload: { text: e.body, knowledgeEntry: e.id }, expectedVersion: ticket.version })
      const ev = await t.db.query<{ payload: unknown }>(`SELECT payload FROM item_event WHERE item_id = $1 AND event = 'answer_directly'`, [ticket.id])
      const payload = typeof ev.rows[0]?.payload === 'string' ? JSON.parse(ev.rows[0].payload as string) : ev.rows[0]?.payload
      expect(payload).toMatchObject({ text: '江滨夜市每日18时至22时营业。', knowledgeEntry: e.id })
    })

    it('seeds the demo entries as published once, offered to the desk and, when public, to the public', async () => {
      expect(await seedDemoKnowledge(t.deps, DEMO_DIR, jiebaSearchTokenize)).toMatch(/^demo: \d+ knowledge base/)
      expect(await seedDemoKnowledge(t.deps, DEMO_DIR, jiebaSearchTokenize)).toBeNull()
      const offer = await ok<{ entries: Entry[] }>(operator, 'GET', `/api/knowledge/offer?q=${encodeURIComponent('新房燃气怎么开户')}`)
      expect(offer.entries[0]?.title).toBe('燃气开户与开通办理')
      const pub = (await req(null, 'GET', `/api/public/knowledge?q=${encodeURIComponent('停水停电')}`)).json() as { entries: Entry[] }
      expect(pub.entries.map((x) => x.title)).not.toContain('停水停电信息查询（内部口径）')
    })
  })
}
