/**
 * The items events were last taken on, kept by the process (src/app/items/event-item-cache.ts): the next event on one
 * skips its read, and stays correct when the kept item is stale — another process moved it (the write finds another
 * version and the event is taken again from a fresh read), a unit was renamed (the answer shows the new name), the
 * actor's scope does not cover it (404 as before), a client's expectedVersion is newer than the kept one, the kept
 * item's state refuses an event the item's state in the database allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSample, loginDemo, seedDemoCity } from './plans.fixture.ts'
import { forgetEventItem, keepEventItem, keptEventItem, unitStamp } from '../../src/app/items/event-item-cache.ts'

for (const dialect of testDialects()) {
  describe(`events on an item this process keeps (${dialect})`, () => {
    let t: TestApp
    let sjj: string
    let admin: string
    let food: string
    /** Item reads of an event (findItemForEvent) since the last reset. */
    let reads = 0

    beforeAll(async () => {
      t = await startTestApp(dialect)
      const db = t.deps.db as { -readonly [K in keyof Db]: Db[K] }
      const query = db.query.bind(db)
      db.query = ((sql: string, params?: readonly unknown[], options?: { name?: string }) => {
        if (options?.name?.startsWith('duban_item_for_event')) reads++
        return query(sql, params, options)
      }) as Db['query']
      await seedDemoCity(t)
      const supervisor = await loginDemo(t, 'supervisor')
      sjj = await loginDemo(t, 'sjj')
      admin = await loginDemo(t, 'admin')
      await confirmSample(t, supervisor)
      food = (await call(t, supervisor, 'GET', `/api/items?q=${encodeURIComponent('保障食品药品安全')}`)).json().items[0].id as string
      const accepted = await call(t, sjj, 'POST', `/api/items/${food}/accept`, {})
      expect(accepted.statusCode, accepted.body).toBe(200)
    }, 300_000)
    afterAll(async () => t?.close())

    const report = (text: string, extra: Record<string, unknown> = {}) => call(t, sjj, 'POST', `/api/items/${food}/reports`, { text, ...extra })
    const detail = async () => (await call(t, sjj, 'GET', `/api/items/${food}`)).json()

    it('takes the next event on an item without reading it again', async () => {
      expect((await report('第一次')).statusCode).toBe(200)
      reads = 0
      const res = await report('第二次')
      expect(res.statusCode, res.body).toBe(200)
      expect(reads).toBe(0)
      expect(res.json().version).toBe((await detail()).version)
    })

    it('takes the event again from a fresh read when the item moved elsewhere, and answers as a later read shows it', async () => {
      await report('保持')
      // Another process changes the item (its version moves, as every change to an item does).
      await t.db.query(`UPDATE item SET title = title || '（改）', version = version + 1 WHERE id = $1`, [food])
      reads = 0
      const res = await report('在别处改过之后')
      expect(res.statusCode, res.body).toBe(200)
      expect(reads).toBe(1)
      const now = await detail()
      expect(res.json().title).toBe(now.title)
      expect(now.title).toMatch(/（改）$/)
      expect(res.json().version).toBe(now.version)
      expect((now.reports as { body: string }[]).at(-1)?.body).toBe('在别处改过之后')
    })

    it('accepts a client expectedVersion newer than the kept item', async () => {
      await report('保持')
      await t.db.query(`UPDATE item SET version = version + 1 WHERE id = $1`, [food])
      const v = (await detail()).version as number
      const res = await report('按新版本', { expectedVersion: v })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().version).toBe(v + 1)
    })

    it('answers with a unit renamed since the item was kept', async () => {
      await report('保持')
      const { rows } = await t.db.query<{ parent_id: string | null; level: string }>(`SELECT parent_id, level FROM unit WHERE id = 'yz-sjj'`)
      const saved = await call(t, admin, 'POST', '/api/units', { id: 'yz-sjj', name: '市市场监督管理局', parentId: rows[0]?.parent_id ?? null, level: rows[0]?.level })
      expect(saved.statusCode, saved.body).toBeLessThan(300)
      const res = await report('改名之后')
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().units).toEqual((await detail()).units)
      expect((res.json().units as { unitId: string; unitName: string }[]).find((u) => u.unitId === 'yz-sjj')?.unitName).toBe('市市场监督管理局')
    })

    it('refuses an actor whose scope does not cover the kept item, as before', async () => {
      await report('保持')
      const other = await loginDemo(t, 'cgj') // 市城管局: none of the item's units
      const res = await call(t, other, 'POST', `/api/items/${food}/reports`, { text: '不在我的范围' })
      expect(res.statusCode, res.body).toBe(404)
    })

    // Last: it closes the task.
    it('takes an event the kept item would refuse from a fresh read, when the item moved on elsewhere', async () => {
      const supervisor = await loginDemo(t, 'supervisor')
      await report('保持')
      const before = keptEventItem(t.deps.db, food, null)
      expect(before?.item.state).toBe('accepted')
      // Elsewhere (another process, the tick) the task is reported done; this process still keeps it as accepted.
      const done = await call(t, sjj, 'POST', `/api/items/${food}/completion`, { text: '已完成' })
      expect(done.statusCode, done.body).toBe(200)
      forgetEventItem(t.deps.db, food)
      keepEventItem(t.deps.db, before!.item, unitStamp(t.deps.db))
      expect(keptEventItem(t.deps.db, food, null)?.item.state).toBe('accepted')
      // 验收办结 is refused in 'accepted' and allowed in 'completion_submitted', where the database has it.
      const res = await call(t, supervisor, 'POST', `/api/items/${food}/events`, { event: 'approve_completion', payload: {} })
      expect(res.statusCode, res.body).toBe(200)
      expect((await detail()).state).toBe('closed')
    })
  })
}
