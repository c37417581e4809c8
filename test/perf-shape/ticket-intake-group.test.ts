/**
 * Group commit of ticket intake (成组提交): tickets that arrive while one is being written are stored together in
 * one transaction, each in its own savepoint, and a ticket refused inside the transaction takes no neighbour with it.
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
    let transactions = 0

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      actor = (await sessionFor(t.deps, operator))!.actor
      // Count the transactions intake opens (the same object the use-cases reach as deps.db).
      const original = t.db.transaction.bind(t.db)
      // Only transactions that store a ticket count: the intake job worker (intake-followups.ts) drains in its own.
      Object.assign(t.db, {
        transaction: <T>(fn: (tx: Queryable) => Promise<T>) => {
          let counted = false
          return original((tx) =>
            fn(
              Object.assign(Object.create(tx) as Queryable, {
                query: (sql: string, params?: readonly unknown[], options?: Parameters<Queryable['query']>[2]) => {
                  if (!counted && /INSERT INTO ticket \(/.test(sql)) {
                    counted = true
                    transactions++
                  }
                  return tx.query(sql, params, options)
                },
              }),
            ),
          )
        },
      })
    }, 400_000)
    afterAll(async () => t?.close())

    it('stores concurrent tickets in fewer transactions, refusing only the bad one', async () => {
      const before = await rowCounts(t.db)
      transactions = 0
      const bodies = Array.from({ length: 12 }, (_, i) => (i === 5 ? { ...desk, placeUnitId: 'no-such-unit' } : { ...desk, content: `${desk.content}（第${i}件）` }))
      // The use-case itself, all at once (over HTTP the admission control would pace them).
      const answers = await Promise.allSettled(bodies.map((body) => receiveTicket(t.deps, actor, body, 'phone')))
      const stored = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []))
      expect(stored, answers.map((a) => (a.status === 'rejected' ? String(a.reason) : 'ok')).join('\n')).toHaveLength(11)
      const refused = answers[5]!
      expect(refused.status).toBe('rejected')
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'DUBAN_ERR_FIELD_INVALID', where: 'placeUnitId' })
      expect(transactions).toBeLessThan(12)
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

    it('writes a lone ticket at once in its own transaction', async () => {
      transactions = 0
      // Duplicates (重复诉求) are looked for afterwards by the intake job, in a transaction of its own.
      const lone = { ...desk, requesterName: '李四', requesterPhone: '13900001111', address: '河滨公园东门', content: '公园东门路灯不亮，晚上很黑' }
      const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` }, payload: lone })
      expect(res.statusCode, res.body).toBe(201)
      expect(transactions).toBe(1)
      expect(res.json().number).toMatch(/^GD-2026-\d{6}$/)
    })
  })
}
