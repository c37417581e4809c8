/**
 * An item write runs event_outbox_capture only while an event stream is enabled (migration 173: the write to
 * event_stream switches the trigger); what it captures then is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { setEventStream } from '../../src/persistence/supervision-outbox.repo.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`item write triggers (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot)
         VALUES ('k1', 'K-1', 'task', 1, 'accepted', 'open', 'k', '{}'::jsonb)`,
      )
    }, 400_000)
    afterAll(async () => db?.close())

    /** Calls of the outbox trigger function made by `sql` (counted by track_functions; pending counts of earlier transactions subtracted). */
    const callsDuring = async (sql: string): Promise<Record<string, number>> =>
      db.transaction(async (tx) => {
        await tx.query(`SET LOCAL track_functions = 'all'`)
        const count = async () =>
          Number((await tx.query<{ n: string }>(`SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_xact_user_functions WHERE funcname = 'event_outbox_capture'`)).rows[0]?.n)
        const before = await count()
        await tx.query(sql)
        const calls = (await count()) - before
        const out: Record<string, number> = {}
        if (calls > 0) out.event_outbox_capture = calls
        return out
      })
    const outboxRows = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM event_outbox WHERE item_id = 'k1'`)).rows[0]?.n)

    it('runs no outbox function for an item change while no stream is enabled', async () => {
      expect(await callsDuring(`UPDATE item SET snapshot = '{"n": 1}'::jsonb, version = version + 1 WHERE id = 'k1'`)).toEqual({})
      expect(await outboxRows()).toBe(0)
    })

    it('captures item changes while a stream is enabled, and stops when it is disabled', async () => {
      await setEventStream(db, 'nats', true, new Date())
      expect(await callsDuring(`UPDATE item SET snapshot = '{"n": 3}'::jsonb, version = version + 1 WHERE id = 'k1'`)).toEqual({ event_outbox_capture: 1 })
      expect(await outboxRows()).toBe(1)
      await setEventStream(db, 'nats', true, new Date()) // already on: nothing changes
      await db.query(`UPDATE item SET version = version + 1 WHERE id = 'k1'`)
      expect(await outboxRows()).toBe(2)
      await setEventStream(db, 'nats', false, new Date())
      expect(await callsDuring(`UPDATE item SET snapshot = '{"n": 4}'::jsonb, version = version + 1 WHERE id = 'k1'`)).toEqual({})
      expect(await outboxRows()).toBe(2)
      await db.query(`INSERT INTO event_stream (name, enabled, changed_at) VALUES ('other', true, now())`)
      await db.query(`UPDATE item SET version = version + 1 WHERE id = 'k1'`)
      expect(await outboxRows()).toBe(3)
      await db.query(`DELETE FROM event_stream WHERE name = 'other'`)
      await db.query(`UPDATE item SET version = version + 1 WHERE id = 'k1'`)
      expect(await outboxRows()).toBe(3)
    })
  })
}
