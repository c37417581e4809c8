/**
 * What resets an item's supervision clock (item_clock, migration 169) since migrations 180, 182 and 206: a write that
 * moves something the tick reads of the item (state, due date, kind version, clocks, the data fields clock limits
 * read, the cadence), not a progress report or a 催办 (counters, data.lastReportAt, reported measures). And the tick still keeps
 * the time it computed for an item whose version such a write moved (setNextFire: no reset since the version read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { setNextFire } from '../../src/persistence/supervision.repo.ts'
import { builtinKinds } from '../../src/domain/kinds/index.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, confirmSampleFoodAccepted, loginDemo, seedDemoCity } from '../http/plans.fixture.ts'

const FUTURE = '2099-01-01 00:00:00+00'

for (const dialect of testDialects()) {
  describe(`item clock resets (${dialect})`, () => {
    let t: TestApp
    let liaison: string
    let supervisor: string
    let task: string
    let others: string[]

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      // 保障食品药品安全: lead 市市场监管局, whose liaison (sjj) takes it up.
      const food = await confirmSampleFoodAccepted(t, supervisor)
      ;({ task, liaison } = food)
      others = food.others.slice(0, 2)
      expect(others).toHaveLength(2)
    }, 400_000)
    afterAll(async () => t?.close())

    const clockOf = async (id: string) =>
      (await t.db.query<{ f: string | null; v: number }>(`SELECT next_fire_at::text AS f, version AS v FROM item_clock WHERE item_id = $1`, [id])).rows[0]
    const versionOf = async (id: string) => Number((await t.db.query<{ v: number }>(`SELECT version AS v FROM item WHERE id = $1`, [id])).rows[0]!.v)
    /** Sets the clock of `ids` as a tick would have left it: a future time at the item's current version. */
    const settle = async (ids: readonly string[]) => {
      await t.db.query(`UPDATE item_clock c SET next_fire_at = $2, version = i.version FROM item i WHERE i.id = c.item_id AND c.item_id = ANY($1)`, [[...ids], FUTURE])
      for (const id of ids) expect((await clockOf(id))?.f).not.toBe('-infinity')
    }
    const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
      const r = await res
      expect(r.statusCode, r.body).toBe(200)
    }

    it('a progress report and a 催办 leave the clock row as it was, and write no clock row', async () => {
      await settle([task])
      const before = await clockOf(task)
      const v0 = await versionOf(task)
      await ok(call(t, liaison, 'POST', `/api/items/${task}/reports`, { text: '本周进展：已完成排查' }))
      await ok(call(t, supervisor, 'POST', `/api/items/${task}/events`, { event: 'remind', payload: { text: '请加快进度' } }))
      expect(await versionOf(task)).toBe(v0 + 2)
      expect(await clockOf(task)).toEqual(before)
      // The same item write a report makes, inside one transaction that counts the rows written to item_clock (the
      // trigger function runs and returns at its condition, migration 206).
      const written = `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS n FROM pg_stat_xact_user_tables WHERE relname = 'item_clock'`
      const n = await t.db.transaction(async (tx) => {
        const c0 = Number((await tx.query<{ n: string }>(written)).rows[0]!.n)
        await tx.query(
          `UPDATE item SET snapshot = jsonb_set(jsonb_set(snapshot, '{counters,reports}', to_jsonb(coalesce((snapshot->'counters'->>'reports')::int, 0) + 1)),
                                                '{data,lastReportAt}', to_jsonb(now()::text)),
                           data = jsonb_set(data, '{lastReportAt}', to_jsonb(now()::text)), version = version + 1
            WHERE id = $1`,
          [task],
        )
        const c1 = Number((await tx.query<{ n: string }>(written)).rows[0]!.n)
        return c1 - c0
      })
      expect(n).toBe(0)
    })

    it('a change of what the tick reads still resets the clock to -infinity with the new version', async () => {
      const id = others[0]!
      const resets = async (sql: string): Promise<void> => {
        await settle([id])
        await t.db.query(sql, [id])
        const c = await clockOf(id)
        expect(c, sql).toEqual({ f: '-infinity', v: await versionOf(id) })
      }
      await resets(`UPDATE item SET due_date = due_date + 1, version = version + 1 WHERE id = $1`)
      await resets(`UPDATE item SET state = 'x_' || state, version = version + 1 WHERE id = $1`)
      await resets(`UPDATE item SET state = substr(state, 3), version = version + 1 WHERE id = $1`)
      await resets(`UPDATE item SET snapshot = jsonb_set(snapshot, '{clocks,due,dueAt}', '"2031-06-30T23:59:59+08:00"'), version = version + 1 WHERE id = $1`)
      await resets(`UPDATE item SET snapshot = jsonb_set(snapshot, '{clocks,due,stoppedAt}', '"2026-03-03T10:00:00+08:00"'), version = version + 1 WHERE id = $1`)
      await resets(`UPDATE item SET snapshot = jsonb_set(snapshot, '{data,limits}', '{"accept": {"unit": "working_hours", "amount": 4}}'), version = version + 1 WHERE id = $1`)
      await resets(`UPDATE item SET snapshot = jsonb_set(snapshot, '{kindVersion}', '"0"'), version = version + 1 WHERE id = $1`)
      await resets(`UPDATE item SET data = data || '{"cadence": {"every": "none"}}', version = version + 1 WHERE id = $1`)
      // What a report changes alone (counters, lastReportAt, reported measures; other data): nothing (migration 182).
      await settle([id])
      const before = await clockOf(id)
      await t.db.query(
        `UPDATE item SET snapshot = jsonb_set(snapshot || '{"counters": {"reports": 9}}', '{data,measures}', '{"完成率": 90}'),
                         data = data || '{"lastReportAt": "2026-03-03T10:00:00Z", "progress": "过半"}', version = version + 1 WHERE id = $1`,
        [id],
      )
      expect(await clockOf(id)).toEqual(before)
      // Closing deletes the row, as before.
      await t.db.query(`UPDATE item SET state_type = 'closed' WHERE id = $1`, [id])
      expect(await clockOf(id)).toBeUndefined()
    })

    it("the reset's condition names every data field a kind's clock limit reads (migrations 182, 206)", async () => {
      const { rows } = await t.db.query<{ def: string }>(`SELECT prosrc AS def FROM pg_proc WHERE proname = 'item_clock_reset'`)
      const def = rows[0]!.def
      const read = new Set<string>()
      for (const kind of builtinKinds) {
        for (const clock of kind.clocks) {
          const limit = clock.limit as unknown as Record<string, unknown>
          if (typeof limit !== 'object' || limit === null) continue
          if (typeof limit['field'] === 'string') read.add(limit['field'])
          if (typeof limit['fromData'] === 'string') read.add(limit['fromData'].split('.')[0]!)
          if (typeof limit['byField'] === 'string') read.add(limit['byField'])
        }
      }
      expect(read.has('due') && read.has('limits')).toBe(true)
      for (const f of read) for (const row of ['NEW', 'OLD']) expect(def).toContain(`${row}.snapshot -> 'data' -> '${f}'`)
    })

    it('the tick keeps the time it computed after a report moved the version, and drops it after a reset', async () => {
      const id = others[1]!
      // The tick's time has come ('-infinity' at the version of the last reset); then a report moves the version only.
      await t.db.query(`UPDATE item_clock SET next_fire_at = '-infinity' WHERE item_id = $1`, [id])
      const reset = (await clockOf(id))!.v
      await t.db.query(`UPDATE item SET snapshot = snapshot || '{"counters": {"reports": 3}}', version = version + 1 WHERE id = $1`, [id])
      const read = await versionOf(id)
      expect(read).toBeGreaterThan(reset)
      expect((await clockOf(id))!.f).toBe('-infinity')
      // The tick read the item at its new version and writes its time: kept (no reset since the version read).
      await setNextFire(t.db, [{ id, version: read, at: '2026-04-01T00:00:00.000Z' }])
      expect(Date.parse((await clockOf(id))!.f!)).toBe(Date.parse('2026-04-01T00:00:00.000Z'))
      // A reset after the tick read the item wins over the tick's late write.
      await t.db.query(`UPDATE item SET due_date = due_date + 1, version = version + 1 WHERE id = $1`, [id])
      await setNextFire(t.db, [{ id, version: read, at: '2026-05-01T00:00:00.000Z' }])
      expect((await clockOf(id))!.f).toBe('-infinity')
      // And whole ticks: a tick that fires events on an item (提醒, 逾期) moves its version, so its own write of the
      // item's time is refused and the item stays due; a later tick that owes it nothing new writes its time. Every
      // item settles within a few ticks: none stays at '-infinity' under a version older than its item's (a 提醒
      // changes only counters and does not reset), which every later tick would take up again and fail to write.
      await t.db.query(`UPDATE item SET snapshot = snapshot || '{"counters": {"reports": 4}}', version = version + 1 WHERE id = $1`, [id])
      const now = new Date()
      for (let k = 0; k < 5; k++) await superviseTick(t.deps, now)
      const due = await t.db.query(`SELECT c.item_id, c.version, i.version AS item_version FROM item_clock c JOIN item i ON i.id = c.item_id WHERE c.next_fire_at = '-infinity'`)
      expect(due.rows).toEqual([])
    })
  })
}
