/**
 * The 签收 load's seed (bench/peer.accept-seed.ts): dispatched tasks cloned set-based from a confirmed plan's are
 * tasks like their templates — the lead's liaison accepts a copy through the API, the copy shows in the lead unit's
 * ledger rows, its clock is its template's (not waiting for the tick's first look), no assessment mark is left, and
 * the template is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cloneDispatchedTasks, type ClonedTask } from '../../bench/peer.accept-seed.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSample, loginDemo, seedDemoCity } from '../http/plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`the 签收 load's cloned tasks (${dialect})`, () => {
    let t: TestApp
    let supervisor: string
    let templates: string[]
    let clones: ClonedTask[]

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      const { tasks } = await confirmSample(t, supervisor)
      // A dispatched task led by 市市场监管局 (demo liaison sjj) first, then one led by another unit.
      const { rows } = await t.db.query<{ id: string }>(
        `SELECT i.id FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead'
          WHERE i.id = ANY($1::text[]) AND i.state = 'dispatched'
          ORDER BY (u.unit_id = 'yz-sjj') DESC, i.number LIMIT 2`,
        [tasks.map((x) => x.id)],
      )
      templates = rows.map((r) => r.id)
      expect(templates.length).toBe(2)
      await t.db.query(`UPDATE item_clock SET next_fire_at = '2030-01-01T00:00:00Z' WHERE item_id = ANY($1::text[])`, [templates])
      clones = await cloneDispatchedTasks(t.db, templates, 3)
    }, 180_000)
    afterAll(async () => t?.close())

    it('answers every copy, copy by copy in the templates order', () => {
      expect(clones.map((c) => c.from)).toEqual([...templates, ...templates, ...templates])
      expect(new Set(clones.map((c) => c.id)).size).toBe(6)
    })

    it('writes each copy with its template\'s units, shares, history, ledger row and clock', async () => {
      const ids = clones.map((c) => c.id)
      const count = async (sql: string) => Number((await t.db.query<{ n: number }>(sql, [ids])).rows[0]!.n)
      const per = async (table: string, ofIds: readonly string[]) =>
        Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE item_id = ANY($1::text[])`, [ofIds])).rows[0]!.n)
      expect(await per('item_unit', ids)).toBe(3 * (await per('item_unit', templates)))
      expect(await per('item_share', ids)).toBe(3 * (await per('item_share', templates)))
      expect(await per('item_event', ids)).toBe(3 * (await per('item_event', templates)))
      expect(await per('ledger_unit_open', ids)).toBe(3 * (await per('ledger_unit_open', templates)))
      expect(await per('ledger_unit_open', templates)).toBeGreaterThan(0)
      expect(await count(`SELECT count(*)::int AS n FROM item_clock WHERE item_id = ANY($1::text[]) AND next_fire_at = '2030-01-01T00:00:00Z'`)).toBe(6)
      expect(await count(`SELECT count(*)::int AS n FROM assessment_dirty WHERE item_id = ANY($1::text[])`)).toBe(0)
      const numbers = (await t.db.query<{ number: string; state: string }>(`SELECT number, state FROM item WHERE id = ANY($1::text[])`, [ids])).rows
      expect(numbers.every((r) => r.state === 'dispatched' && /-[123]$/.test(r.number))).toBe(true)
    })

    it("lets the lead's liaison accept a copy through the API, leaving its template dispatched", async () => {
      const liaison = await loginDemo(t, 'sjj')
      const res = await call(t, liaison, 'POST', `/api/items/${clones[0]!.id}/events`, { event: 'accept' })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().state).toBe('accepted')
      const template = (await call(t, supervisor, 'GET', `/api/items/${templates[0]}`)).json()
      expect(template.state).toBe('dispatched')
    })

    it('refuses a template that is not dispatched, writing nothing', async () => {
      const before = Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM item`)).rows[0]!.n)
      await expect(cloneDispatchedTasks(t.db, [clones[0]!.id], 2)).rejects.toThrow(/not dispatched/)
      expect(Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM item`)).rows[0]!.n)).toBe(before)
    })
  })
}
