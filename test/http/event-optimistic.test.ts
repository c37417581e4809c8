/**
 * Events read their item without a lock and write it only at the version read (take-event.ts,
 * lazy-transaction.ts): events racing on one item are all recorded, one after another, each exactly once; a
 * client's expectedVersion still refuses a stale write; a progress report alone opens no transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { isPlainRead } from '../../src/app/items/lazy-transaction.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSample, loginDemo, seedDemoCity } from './plans.fixture.ts'

describe('which statements may run before an event transaction begins', () => {
  it('takes plain SELECTs and nothing that locks or writes', () => {
    expect(isPlainRead('SELECT id FROM unit WHERE id = ANY($1::text[])')).toBe(true)
    expect(isPlainRead('  select 1')).toBe(true)
    expect(isPlainRead('SELECT 1 FROM item WHERE id = $1 FOR UPDATE')).toBe(false)
    expect(isPlainRead('SELECT * FROM item_share FOR NO KEY UPDATE')).toBe(false)
    expect(isPlainRead('SELECT 1 FROM t FOR SHARE')).toBe(false)
    expect(isPlainRead(`SELECT nextval('ticket_seq')`)).toBe(false)
    expect(isPlainRead('SELECT pg_advisory_xact_lock(1)')).toBe(false)
    expect(isPlainRead('UPDATE item SET version = version + 1')).toBe(false)
    expect(isPlainRead('WITH u AS (UPDATE item SET x = 1 RETURNING id) SELECT * FROM u')).toBe(false)
    expect(isPlainRead('INSERT INTO t SELECT 1')).toBe(false)
  })
})

for (const dialect of testDialects()) {
  describe(`events racing on one item (${dialect})`, () => {
    let t: TestApp
    let sjj: string
    let supervisor: string
    let food: string
    /** Where each event's rows (writeEventRows) were written: 'alone' outside a transaction, 'tx' inside one. */
    const eventRows: ('alone' | 'tx')[] = []
    const isEventRows = (sql: string) => /^WITH u AS \(\s*UPDATE item SET/.test(sql)

    beforeAll(async () => {
      t = await startTestApp(dialect)
      // Watch the server's database (the app holds this same object): where the event rows statement runs.
      const db = t.deps.db as { -readonly [K in keyof Db]: Db[K] }
      const query = db.query.bind(db)
      const begin = db.transaction.bind(db)
      db.query = ((sql: string, params?: readonly unknown[], options?: { name?: string }) => {
        if (isEventRows(sql)) eventRows.push('alone')
        return query(sql, params, options)
      }) as Db['query']
      db.transaction = ((fn: Parameters<Db['transaction']>[0]) =>
        begin((tx) =>
          fn(
            Object.assign(Object.create(tx) as typeof tx, {
              query: (sql: string, params?: readonly unknown[], options?: { name?: string }) => {
                if (isEventRows(sql)) eventRows.push('tx')
                return tx.query(sql, params, options)
              },
            }),
          ),
        )) as Db['transaction']
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      sjj = await loginDemo(t, 'sjj')
      await confirmSample(t, supervisor)
      food = (await call(t, supervisor, 'GET', `/api/items?q=${encodeURIComponent('保障食品药品安全')}`)).json().items[0].id as string
      const accepted = await call(t, sjj, 'POST', `/api/items/${food}/accept`, {})
      expect(accepted.statusCode, accepted.body).toBe(200)
    }, 300_000) // seeding hashes eight demo passwords; slow when the machine is shared
    afterAll(async () => t?.close())

    const version = async () => (await call(t, supervisor, 'GET', `/api/items/${food}`)).json().version as number

    it('writes a progress report and a 催办 (its notification to the lead unit in the same statement) without a transaction', async () => {
      await call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: 'warm-up' })
      eventRows.length = 0
      const res = await call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: '无事务的进展' })
      expect(res.statusCode, res.body).toBe(200)
      expect(eventRows).toEqual(['alone'])
      // 催办 notifies the lead unit, which the item read named: the notification is written by the event's statement.
      const reminded = await call(t, supervisor, 'POST', `/api/items/${food}/events`, { event: 'remind', payload: { text: '请加快' } })
      expect(reminded.statusCode, reminded.body).toBe(200)
      expect(eventRows).toEqual(['alone', 'alone'])
    })

    it('records every one of several reports and reminders sent at once, each once, the version moving by one each', async () => {
      const v0 = await version()
      const sends = Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: `并发进展 ${i}` })
          : call(t, supervisor, 'POST', `/api/items/${food}/events`, { event: 'remind', payload: { text: `并发催办 ${i}` } }),
      )
      const answers = await Promise.all(sends)
      for (const a of answers) expect(a.statusCode, a.body).toBe(200)
      const versions = answers.map((a) => a.json().version as number).sort((a, b) => a - b)
      expect(versions).toEqual(Array.from({ length: 8 }, (_, i) => v0 + 1 + i))
      const detail = (await call(t, supervisor, 'GET', `/api/items/${food}`)).json()
      expect(detail.version).toBe(v0 + 8)
      const texts = (detail.reports as { body: string }[]).map((r) => r.body).filter((b) => b.startsWith('并发进展'))
      expect(texts.sort()).toEqual(['并发进展 0', '并发进展 2', '并发进展 4', '并发进展 6'])
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'item.transition' AND (after->>'version')::int > $2`,
        [food, v0],
      )
      expect(rows[0]?.n).toBe(8)
    })

    it('answers every one of 24 events sent at once on one item (those that keep losing take the row lock), none refused', async () => {
      const v0 = await version()
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          i % 3 === 0
            ? call(t, supervisor, 'POST', `/api/items/${food}/events`, { event: 'remind', payload: { text: `拥挤催办 ${i}` } })
            : call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: `拥挤进展 ${i}` }),
        ),
      )
      for (const a of answers) expect(a.statusCode, a.body).toBe(200)
      expect(answers.map((a) => a.json().version as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => v0 + 1 + i))
      expect(await version()).toBe(v0 + 24)
    })

    it('refuses all but one of several writes made against the same expectedVersion', async () => {
      const v = await version()
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) => call(t, sjj, 'POST', `/api/items/${food}/reports`, { text: `同版本 ${i}`, expectedVersion: v })),
      )
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409])
      for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().error.code).toBe('DUBAN_ERR_ITEM_VERSION_CONFLICT')
      expect(await version()).toBe(v + 1)
    })
  })
}
