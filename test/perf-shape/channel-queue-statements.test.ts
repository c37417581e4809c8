/**
 * A round of channel queueing (queueChannelDeliveries) marks its notifications queued in one statement, not one UPDATE
 * per notification: every received ticket's dispatch writes a notification, so that UPDATE was a round trip (and
 * ~0.3 ms of PostgreSQL CPU at load 15) per ticket (docs/tickets.md, "Intake's cost", late session).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Queryable } from '../../src/persistence/db.ts'
import { queueChannelDeliveries } from '../../src/app/notifications/deliver-channels.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`channel queueing's statements (${dialect})`, () => {
    let t: TestApp
    const seen: string[] = []

    beforeAll(async () => {
      t = await startTestApp(dialect)
      const original = t.db.transaction.bind(t.db)
      Object.assign(t.db, {
        transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
          original((tx) =>
            fn(
              Object.assign(Object.create(tx) as Queryable, {
                query: (sql: string, params?: readonly unknown[], options?: Parameters<Queryable['query']>[2]) => (seen.push(sql), tx.query(sql, params, options)),
              }),
            ),
          ),
      })
    }, 400_000)
    afterAll(async () => t?.close())

    it('marks a round of 12 notifications queued with one UPDATE, and every one of them is marked', async () => {
      for (let i = 0; i < 12; i++) {
        await t.db.query(
          `INSERT INTO notification (id, dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at) VALUES ($1, $2, NULL, NULL, 'admin', NULL, 'test', $3, '', now())`,
          [randomUUID(), `channel-queue-test:${i}`, `通知 ${i}`],
        )
      }
      seen.length = 0
      await queueChannelDeliveries(t.deps, [], 200)
      const updates = seen.filter((sql) => /UPDATE notification SET channels_queued_at/.test(sql))
      expect(updates).toHaveLength(1)
      const { rows } = await t.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM notification WHERE channels_queued_at IS NULL`)
      expect(Number(rows[0]!.n)).toBe(0)
    })
  })
}
