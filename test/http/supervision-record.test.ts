/**
 * Issue 8 point 4: 约谈 and 问责 as records with date, people, outcome and attachments, kept with the item;
 * written by the supervising office only, read by whoever sees the item; a wrong field is named and nothing
 * is written. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { multipartBody } from './plans.fixture.ts'
import { insertItem } from './supervision-fixture.ts'

for (const dialect of testDialects()) {
  describe(`约谈 / 问责 records (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) })
    const count = async () => Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM supervision_record')).rows[0]!.n)

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      for (const u of ['supervisor', 'liaison-sjj', 'liaison-dh']) tokens[u] = await t.login(u)
      await insertItem(t.db, { id: 'rec1', title: '农贸市场改造', due: '2026-02-10', lead: 'sjj' })
    }, 120_000)
    afterAll(async () => t?.close())

    it('keeps an interview with its date, people, outcome and minutes; the unit reads it, others do not', async () => {
      const mp = multipartBody({ name: '约谈纪要.pdf', mime: 'application/pdf', content: Buffer.from('%PDF-1.4\n%minutes\n') })
      const up = await t.app.inject({ method: 'POST', url: '/api/items/rec1/attachments', headers: { ...mp.headers, authorization: `Bearer ${tokens.supervisor}` }, payload: mp.payload })
      expect(up.statusCode, up.body).toBe(201)
      const res = await call('supervisor', 'POST', '/api/items/rec1/records', {
        kind: 'interview',
        heldOn: '2026-02-27',
        people: '督查室王督查；市市场监管局张局长、李科长',
        outcome: '限期3月15日前完成改造，每周报送进度。',
        attachmentIds: [up.json().id],
      })
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json()).toMatchObject({ kind: 'interview', heldOn: '2026-02-27', unitIds: ['sjj'], attachments: [{ name: '约谈纪要.pdf' }] })

      const seen = await call('liaison-sjj', 'GET', '/api/items/rec1/records')
      expect(seen.statusCode).toBe(200)
      expect(seen.json().map((r: any) => [r.kind, r.outcome])).toEqual([['interview', '限期3月15日前完成改造，每周报送进度。']])
      expect((await call('liaison-dh', 'GET', '/api/items/rec1/records')).statusCode).toBe(404)
      const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = 'rec1' AND action LIKE 'supervision.record.%'")
      expect(audit.rows.map((r) => r.action)).toEqual(['supervision.record.interview'])
    })

    it('names a wrong field and writes nothing; a liaison may not write', async () => {
      const before = await count()
      const cases: [object, string][] = [
        [{ kind: 'accountability', heldOn: '2026-13-01', people: 'x', outcome: 'y' }, 'heldOn'],
        [{ kind: 'accountability', heldOn: '2026-03-09', people: 'x', outcome: 'y' }, 'heldOn'], // after today (2026-03-02)
        [{ kind: 'accountability', heldOn: '2026-03-01', people: '  ', outcome: 'y' }, 'people'],
        [{ kind: 'accountability', heldOn: '2026-03-01', people: 'x', outcome: 'y', unitIds: ['wjw'] }, 'unitIds[0]'],
        [{ kind: 'accountability', heldOn: '2026-03-01', people: 'x', outcome: 'y', attachmentIds: ['nope'] }, 'attachmentIds[0]'],
      ]
      for (const [body, where] of cases) {
        const res = await call('supervisor', 'POST', '/api/items/rec1/records', body)
        expect(res.statusCode, JSON.stringify(body)).toBe(400)
        expect(res.json().error.where).toBe(where)
      }
      expect((await call('liaison-sjj', 'POST', '/api/items/rec1/records', { kind: 'interview', heldOn: '2026-03-01', people: 'x', outcome: 'y' })).statusCode).toBe(403)
      expect(await count()).toBe(before)
      const ok = await call('supervisor', 'POST', '/api/items/rec1/records', { kind: 'accountability', heldOn: '2026-03-01', people: '纪委监委', outcome: '对责任科室负责人诫勉谈话' })
      expect(ok.statusCode, ok.body).toBe(201)
      expect((await call('liaison-sjj', 'GET', '/api/items/rec1/records')).json().map((r: any) => r.kind)).toEqual(['interview', 'accountability'])
    })
  })
}
