/**
 * The 12345 KPI capture (hotline_event_capture_rows, migrations 163 and 181) reads nothing of item for a plan task's
 * own events (a report, a 催办 …), and still captures a ticket's: the names it skips are names no ticket kind has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtinKinds } from '../../src/domain/kinds/index.ts'
import type { Db } from '../../src/persistence/db.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

/** The event names the capture's first check skips, read from the function's source. */
async function skippedNames(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ src: string }>(`SELECT prosrc AS src FROM pg_proc WHERE proname = 'hotline_event_capture_rows'`)
  const m = /e\.event <> ALL \('\{([a-z_,]+)\}'::text\[\]\)/.exec(rows[0]!.src)
  return m ? m[1]!.split(',') : []
}

for (const dialect of testDialects()) {
  describe(`the 12345 capture on plan tasks (${dialect})`, () => {
    let db: Db

    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department')`)
      const snap = (kind: string) => JSON.stringify({ kind, kindVersion: '1', state: 'accepted', counters: {}, data: { lead: 'u1' }, clocks: {} })
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, data, created_at, updated_at)
         VALUES ('task1', 'DB-1', 'task', 1, 'accepted', 'open', '任务', $1, '{}', now(), now()),
                ('tk1', 'RX-1', 'ticket', 1, 'accepted', 'open', '工单', $2, '{}', now(), now())`,
        [snap('task'), snap('ticket')],
      )
    }, 300_000)
    afterAll(async () => db?.close())

    /** Reads of item (scans of either kind) made by inserting one history row, with the capture on or off. */
    const itemReads = (item: string, event: string, capture: boolean) =>
      db.transaction(async (tx) => {
        if (!capture) await tx.query(`ALTER TABLE item_event DISABLE TRIGGER hotline_event_capture`)
        const reads = async () =>
          Number((await tx.query<{ n: string }>(`SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relname = 'item'`)).rows[0]?.n ?? 0)
        const before = await reads()
        await tx.query(`INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, at) VALUES ($1, $2, 'accepted', 'accepted', 'unit_liaison', now())`, [item, event])
        const n = (await reads()) - before
        throw Object.assign(new Error('rollback'), { n })
      }).catch((e: { n?: number }) => {
        if (e.n === undefined) throw e
        return e.n
      })

    it("a plan task's report or 催办 reads item only for its foreign key, as with the capture off", async () => {
      for (const event of ['report_progress', 'remind']) {
        expect(await itemReads('task1', event, true), event).toBe(await itemReads('task1', event, false))
      }
      // Another task event (签收) still goes through the join, which finds no ticket.
      expect(await itemReads('task1', 'accept', true)).toBeGreaterThan(await itemReads('task1', 'accept', false))
    })

    it("still captures a ticket's events, and skips only names no ticket kind has", async () => {
      await db.query(`INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, at) VALUES ('tk1', 'contact', 'accepted', 'accepted', 'unit_liaison', now())`)
      expect((await db.query(`SELECT event FROM hotline_event WHERE item_id = 'tk1'`)).rows).toEqual([{ event: 'contact' }])
      const skipped = await skippedNames(db)
      expect(skipped).toContain('report_progress')
      expect(skipped).toContain('remind')
      const ticketEvents = new Set(builtinKinds.filter((k) => k.id === 'ticket').flatMap((k) => Object.keys(k.events)))
      expect(skipped.filter((e) => ticketEvents.has(e))).toEqual([])
      // Every skipped name is a plan task's event (a typo would skip nothing and cost the join again).
      const taskEvents = new Set(builtinKinds.filter((k) => k.id === 'task').flatMap((k) => Object.keys(k.events)))
      expect(skipped.filter((e) => !taskEvents.has(e))).toEqual([])
    })
  })
}
