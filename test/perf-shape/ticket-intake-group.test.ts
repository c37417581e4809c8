/**
 * Group commit of ticket intake (成组提交): tickets that arrive while one is being written are stored together by one
 * statement, and a ticket refused before it or by the database inside it takes no neighbour with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Queryable } from '../../src/persistence/db.ts'
import { sessionFor } from '../../src/app/auth/session.ts'
import type { Actor } from '../../src/app/deps.ts'
import { receiveTicket, type TicketIntake } from '../../src/app/tickets/receive-ticket.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, rowCounts, seedCatalogue } from '../http/tickets.fixture.ts'

const desk: TicketIntake = {
  requestType: 'complaint',
  categoryCode: CATEGORY.stalls,
  urgency: 'normal',
  requesterName: '张三',
  requesterPhone: '13812345678',
  address: '江滨路 1 号',
  content: '江滨路夜市占道经营，影响通行',
}

for (const dialect of testDialects()) {
  describe(`ticket intake in groups (${dialect})`, () => {
    let t: TestApp
    let operator: string
    let actor: Actor
    let statements = 0
    let refusedTries = 0

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      actor = (await sessionFor(t.deps, operator))!.actor
      // Count the statements that store tickets (INSERT INTO ticket), on the pool or in a transaction (the same object the
      // use-cases reach as deps.db); the intake job worker (intake-followups.ts) stores none.
      const count = (sql: string, params?: readonly unknown[]): void => {
        if (!/INSERT INTO ticket \(/.test(sql)) return
        statements++
        if (JSON.stringify(params ?? []).includes('拒收')) refusedTries++
      }
      const query = t.db.query.bind(t.db)
      const original = t.db.transaction.bind(t.db)
      Object.assign(t.db, {
        query: (sql: string, params?: readonly unknown[], options?: Parameters<Queryable['query']>[2]) => (count(sql, params), query(sql, params, options)),
        transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
          original((tx) =>
            fn(
              Object.assign(Object.create(tx) as Queryable, {
                query: (sql: string, params?: readonly unknown[], options?: Parameters<Queryable['query']>[2]) => (count(sql, params), tx.query(sql, params, options)),
              }),
            ),
          ),
      })
    }, 400_000)
    afterAll(async () => t?.close())

    it('stores concurrent tickets in fewer statements, refusing only the bad one', async () => {
      const before = await rowCounts(t.db)
      statements = 0
      const bodies = Array.from({ length: 12 }, (_, i) => (i === 5 ? { ...desk, placeUnitId: 'no-such-unit' } : { ...desk, content: `${desk.content}（第${i}件）` }))
      // The use-case itself, all at once (over HTTP the admission control would pace them).
      const answers = await Promise.allSettled(bodies.map((body) => receiveTicket(t.deps, actor, body, 'phone')))
      const stored = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []))
      expect(stored, answers.map((a) => (a.status === 'rejected' ? String(a.reason) : 'ok')).join('\n')).toHaveLength(11)
      const refused = answers[5]!
      expect(refused.status).toBe('rejected')
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'DUBAN_ERR_FIELD_INVALID', where: 'placeUnitId' })
      expect(statements).toBeLessThan(11)
      expect(new Set(stored.map((x) => x.number)).size).toBe(11)
      const after = await rowCounts(t.db)
      expect(after['item']! - before['item']!).toBe(11)
      expect(after['ticket']! - before['ticket']!).toBe(11)
      // Every answered ticket is stored (answered after its commit) and readable by its id.
      for (const x of stored) {
        const got = await t.app.inject({ method: 'GET', url: `/api/tickets/${x.id}`, headers: { authorization: `Bearer ${operator}` } })
        expect(got.statusCode).toBe(200)
      }
    })

    it('writes again on its own each ticket of a group the database refused, so only the bad one is refused', async () => {
      // The database refuses one ticket's rows (a trigger standing in for what no check before the write can see,
      // such as a unit removed by another process): the group's statement fails as a whole, then each is written alone.
      await t.db.query(`CREATE FUNCTION duban_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.content LIKE '%拒收%' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$`)
      await t.db.query('CREATE TRIGGER duban_test_refuse BEFORE INSERT ON ticket FOR EACH ROW EXECUTE FUNCTION duban_test_refuse()')
      try {
        const before = await rowCounts(t.db)
        refusedTries = 0
        const bodies = Array.from({ length: 12 }, (_, i) => ({ ...desk, content: `${desk.content}（第${i}件${i === 5 ? '，拒收' : ''}）` }))
        const answers = await Promise.allSettled(bodies.map((body) => receiveTicket(t.deps, actor, body, 'phone')))
        const stored = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []))
        expect(stored, answers.map((a) => (a.status === 'rejected' ? String(a.reason) : 'ok')).join('\n')).toHaveLength(11)
        expect(answers[5]!.status).toBe('rejected')
        expect(String((answers[5] as PromiseRejectedResult).reason)).toMatch(/refused by the test trigger/)
        // The refused ticket was tried in a group (refused whole), then on its own.
        expect(refusedTries).toBe(2)
        const after = await rowCounts(t.db)
        expect(after['item']! - before['item']!).toBe(11)
        expect(after['ticket']! - before['ticket']!).toBe(11)
        expect(new Set(stored.map((x) => x.number)).size).toBe(11)
        for (const x of stored) {
          const got = await t.app.inject({ method: 'GET', url: `/api/tickets/${x.id}`, headers: { authorization: `Bearer ${operator}` } })
          expect(got.statusCode).toBe(200)
          expect(got.json().number).toBe(x.number)
        }
      } finally {
        await t.db.query('DROP TRIGGER duban_test_refuse ON ticket')
        await t.db.query('DROP FUNCTION duban_test_refuse()')
      }
    })

    it('writes a lone ticket at once in one statement', async () => {
      statements = 0
      // Duplicates (重复诉求) are looked for afterwards by the intake job, in a transaction of its own.
      const lone = { ...desk, requesterName: '李四', requesterPhone: '13900001111', address: '河滨公园东门', content: '公园东门路灯不亮，晚上很黑' }
      const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` }, payload: lone })
      expect(res.statusCode, res.body).toBe(201)
      expect(statements).toBe(1)
      expect(res.json().number).toMatch(/^GD-2026-\d{6}$/)
    })
  })
}
