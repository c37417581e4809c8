/**
 * The tick takes up only the items whose next-fire time has come: what it writes back, what a write does to it,
 * and that one item it cannot supervise does not hold the others back.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { insertItem } from './supervision-fixture.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

const at = (local: string): Date => new Date(`${local}+08:00`)

for (const dialect of testDialects()) {
  describe(`the supervision tick's next-fire times (${dialect})`, () => {
    let db: Db
    const deps = (now: Date): AppDeps => ({ db, clock: { now: () => now }, newId: randomUUID })
    const fireOf = async (id: string): Promise<string | null> =>
      (await db.query<{ f: string | null }>(`SELECT next_fire_at::text AS f FROM item WHERE id = $1`, [id])).rows[0]!.f

    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department'), ('u2', '乙局', 'department')`)
    })
    afterAll(async () => db?.close())

    it('writes each item the instant it next owes something, and a write makes the next tick look again', async () => {
      await insertItem(db, { id: 'fut', title: '排查燃气安全', due: '2026-04-30', lead: 'u1' })
      expect(await fireOf('fut')).toBe('-infinity')
      await superviseTick(deps(at('2026-03-02T10:00:00')), at('2026-03-02T10:00:00'))
      // Next: the monthly report expected on 3-25 (first after 5 working days' grace) is missing from 3-26 00:00.
      expect(new Date((await fireOf('fut'))!).toISOString()).toBe(at('2026-03-26T00:00:00').toISOString())
      await db.query(`UPDATE item SET due_date = '2026-03-10' WHERE id = 'fut'`)
      expect(await fireOf('fut')).toBe('-infinity')
    })

    it('supervises the other items when one cannot be, and tries that one again an hour later', async () => {
      await insertItem(db, { id: 'good', title: '修复破损道路', due: '2026-03-02', lead: 'u1' })
      await insertItem(db, { id: 'bad', title: '整治噪音扰民', due: '2026-03-02', lead: 'u2' })
      // Started under another kind: firing the ladder's 提醒 event on it fails.
      await db.query(`UPDATE item SET snapshot = jsonb_set(snapshot, '{kind}', '"ticket"') WHERE id = 'bad'`)
      const now = at('2026-03-03T10:00:00')
      const failed: string[] = []
      const r = await superviseTick(deps(now), now, { onItemError: (id) => failed.push(id) })
      expect(failed).toEqual(['bad'])
      expect(r.overdue).toBeGreaterThanOrEqual(1)
      const good = await db.query(`SELECT action FROM supervision_action WHERE item_id = 'good' ORDER BY action`)
      expect(good.rows.map((x) => x['action'])).toEqual(expect.arrayContaining(['escalate', 'overdue']))
      expect(await db.query(`SELECT 1 FROM supervision_action WHERE item_id = 'bad'`)).toEqual({ rows: [] })
      expect(new Date((await fireOf('bad'))!).toISOString()).toBe(new Date(now.getTime() + 3_600_000).toISOString())
      await superviseTick(deps(now), now, { onItemError: (id) => failed.push(id) })
      expect(failed).toEqual(['bad'])
    })
  })
}
