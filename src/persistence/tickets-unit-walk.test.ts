/**
 * One unit's ticket list by a walk of its newest tickets (tickets.repo.ts listUnitWalk) on every test dialect, with
 * walks short enough that each way is taken: the page within the walk (its count exact, or a lower bound when the
 * unit holds more than the walk read), and the planner's plan when the page is past the walk. Same rows, in the same
 * order, as the tickets the unit holds, however many roles it has on one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb, testDialects } from '../../test/support/test-db.ts'
import type { Db } from './db.ts'
import { listTicketRows, TICKET_WALK_UNITS, type TicketFilter } from './tickets.repo.ts'

const list = (db: Db, more: Partial<TicketFilter>) => listTicketRows(db, { scope: null, limit: 5, offset: 0, ...more })
const numbers = (r: { rows: { number: string }[] }): number[] => r.rows.map((x) => Number(x.number.slice(2)))

// 40 tickets, g received g minutes after 2026-11-01: a leads the odd ones and cooperates on every fifth (25 and 35: two
// roles of a on one ticket), b leads the even ones; every third is closed, the others dispatched.
const heldByA = Array.from({ length: 40 }, (_, k) => 40 - k).filter((g) => g % 2 === 1 || g % 5 === 0)
const openOfA = heldByA.filter((g) => g % 3 !== 0)

for (const dialect of testDialects()) {
  describe(`a unit's ticket list by a walk of its newest (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO unit (id, name) VALUES ('a', '甲局'), ('b', '乙局')`)
      await db.query(`INSERT INTO service_category (code, version, parent_code, level, name) VALUES ('01', 1, NULL, 1, '城乡建设')`)
      await db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'tw' || g, 'W-' || lpad(g::text, 3, '0'), 'ticket', 1, CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'dispatched' END,
                CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'waiting' END, '工单' || g, '', '{}' FROM generate_series(1, 40) g`,
      )
      await db.query(
        `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, content, received_at)
         SELECT 'tw' || g, 'phone', 'complaint', '01', 1, 'normal', '内容' || g, TIMESTAMPTZ '2026-11-01 00:00:00+00' + g * interval '1 minute'
           FROM generate_series(1, 40) g`,
      )
      // item_unit.received_at is filled from the ticket (migration 196).
      await db.query(
        `INSERT INTO item_unit (item_id, unit_id, role)
         SELECT 'tw' || g, CASE WHEN g % 2 = 1 THEN 'a' ELSE 'b' END, 'lead' FROM generate_series(1, 40) g
         UNION ALL SELECT 'tw' || g, 'a', 'cooperating' FROM generate_series(5, 40, 5) g`,
      )
    }, 300_000)
    afterAll(async () => db?.close())

    it('pages the unit within the walk: newest first, each ticket once, the count exact when the walk read the whole unit', async () => {
      for (const [offset, unitWalk] of [[0, 1000], [5, 1000], [20, 1000]] as const) {
        const r = await list(db, { unitId: 'a', offset, unitWalk })
        expect(numbers(r)).toEqual(heldByA.slice(offset, offset + 5))
        expect([r.total, r.totalCapped]).toEqual([heldByA.length, false])
      }
      // A data scope of one unit walks the same way.
      const scoped = await list(db, { scope: ['a'], stateType: 'waiting', unitWalk: 1000 })
      expect([numbers(scoped), scoped.total]).toEqual([openOfA.slice(0, 5), openOfA.length])
    })

    it('says the count is a lower bound when the unit holds more than the walk read', async () => {
      // a's newest 11 rows: 39, 37, 35 and 35 (two roles, one ticket), 33, 31, 30, 29, 27, 25 and 25: 9 tickets. (A
      // walk is counted in rows; one ending between a ticket's two rows may leave it out: a lower bound either way.)
      const r = await list(db, { unitId: 'a', unitWalk: 11 })
      expect(numbers(r)).toEqual(heldByA.slice(0, 5))
      expect([r.total, r.totalCapped]).toEqual([9, true])
    })

    it("counts a unit's open tickets whole from its open work, past the walk too", async () => {
      // The walk of 10 rows holds 5 open tickets of a; its open work (ledger_unit_open) all of them.
      for (const more of [{ stateType: 'waiting' }, { state: 'dispatched' }, { scope: ['a'], stateType: 'waiting', unitId: undefined }] as const) {
        const r = await list(db, { unitId: 'a', ...more, unitWalk: 10 })
        expect(numbers(r)).toEqual(openOfA.slice(0, 5))
        expect([r.total, r.totalCapped]).toEqual([openOfA.length, false])
      }
      // A closed state is not open work: counted within the walk (39, 33, 30 and 27), a lower bound.
      const closed = await list(db, { unitId: 'a', stateType: 'closed', unitWalk: 10, limit: 2 })
      expect([closed.total, closed.totalCapped]).toEqual([4, true])
    })

    it('counts a filtered walk within its newest rows only, a lower bound never below the page', async () => {
      // a's closed tickets: 39, 33, 30, 27, 21, 15, 9 and 3; 4 of them in its newest 10 rows.
      const whole = await list(db, { unitId: 'a', stateType: 'closed', unitWalk: 1000 })
      expect([numbers(whole), whole.total, whole.totalCapped]).toEqual([[39, 33, 30, 27, 21], 8, false])
      const short = await list(db, { unitId: 'a', stateType: 'closed', unitWalk: 1000, unitCountWalk: 10 })
      expect([numbers(short), short.total, short.totalCapped]).toEqual([[39, 33, 30, 27, 21], 5, true])
    })

    it("counts a 待办 list's ticket filter within its soonest rows only, a lower bound never below the page", async () => {
      // a's 待办 (lead, dispatched; no clock due, so by number): 1, 5, 7, 11, 13, …; 内容1 is in 1, 11, 13, 17 and 19.
      const todo = { leadUnits: ['a'] }
      const whole = await list(db, { todo, q: '内容1', limit: 2 })
      expect([numbers(whole), whole.total, whole.totalCapped]).toEqual([[1, 11], 5, false])
      const short = await list(db, { todo, q: '内容1', limit: 2, unitCountWalk: 3 })
      expect([numbers(short), short.total, short.totalCapped]).toEqual([[1, 11], 2, true])
      const plain = await list(db, { todo, limit: 2, unitCountWalk: 3 })
      expect([numbers(plain), plain.total, plain.totalCapped]).toEqual([[1, 5], 13, false])
    })

    it('merges the walks of a scope of several units, each ticket once', async () => {
      // a and b hold every ticket; a cooperates on b's 10, 20, 30 and 40, and holds 25 and 35 in two roles. Holding
      // them all, their scope would take the planner's plan (SCOPE_SHARE): walked here at any share.
      const list = (d: Db, more: Partial<TicketFilter>) => listTicketRows(d, { scope: null, limit: 5, offset: 0, scopeShare: Infinity, ...more })
      const all = Array.from({ length: 40 }, (_, k) => 40 - k)
      for (const offset of [0, 5, 35]) {
        const r = await list(db, { scope: ['a', 'b'], offset, unitWalk: 1000 })
        expect(numbers(r)).toEqual(all.slice(offset, offset + 5))
        expect([r.total, r.totalCapped]).toEqual([40, false])
      }
      const open = await list(db, { scope: ['b', 'a'], stateType: 'waiting', unitWalk: 10 })
      expect([numbers(open), open.total, open.totalCapped]).toEqual([all.filter((g) => g % 3 !== 0).slice(0, 5), all.filter((g) => g % 3 !== 0).length, false])
      // A walk of 10 rows (8 tickets: 40 and 35 twice); past it the planner's plan, the same rows.
      const short = await list(db, { scope: ['a', 'b'], unitWalk: 10 })
      expect([numbers(short), short.total, short.totalCapped]).toEqual([all.slice(0, 5), 8, true])
      const past = await list(db, { scope: ['a', 'b'], unitWalk: 10, offset: 10 })
      expect([numbers(past), past.total, past.totalCapped]).toEqual([all.slice(10, 15), 40, false])
    })

    it('takes the planner plan when the page is past the walk: the same rows and the exact count', async () => {
      for (const [more, expected] of [
        [{ unitId: 'a', offset: 10 }, heldByA],
        [{ unitId: 'a', stateType: 'waiting', offset: 5 }, openOfA],
        [{ scope: ['a'], offset: 15 }, heldByA],
      ] as const) {
        const r = await list(db, { ...more, unitWalk: 6 })
        expect(numbers(r)).toEqual(expected.slice(more.offset, more.offset + 5))
        expect(r.totalCapped).toBe(false)
        expect(r.total).toBe(r.rows.length < 5 ? more.offset + r.rows.length : expected.length)
      }
    })

    it('walks a scope of several units only when they hold few of the newest tickets, and up to TICKET_WALK_UNITS units', async () => {
      // c cooperates on 3 and 7 (2 of the 40 newest tickets); the other units hold none.
      const empty = Array.from({ length: TICKET_WALK_UNITS }, (_, k) => `e${k}`)
      await db.query(`INSERT INTO unit (id, name) SELECT id, '空科室' FROM unnest($1::text[]) id UNION ALL SELECT 'c', '丙局'`, [empty])
      await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ('tw3', 'c', 'cooperating'), ('tw7', 'c', 'cooperating')`)
      // The statements each list sends: a walk reads its units' ranges newest first (merged by UNION ALL when several:
      // `units` counts them), the planner's plan reads none.
      const walked = async (more: Partial<TicketFilter>): Promise<{ rows: number[]; total: number; walk: boolean; units: number }> => {
        const sent: string[] = []
        const spy: Db = { ...db, query: (sql, params, options) => (sent.push(sql), db.query(sql, params, options)) }
        const r = await list(spy, more)
        const ranges = Math.max(0, ...sent.map((s) => s.split('ORDER BY u.received_at DESC)').length - 1))
        return { rows: numbers(r), total: r.total, walk: ranges > 0, units: ranges }
      }
      const all = Array.from({ length: 40 }, (_, k) => 40 - k)
      // a and b hold all of them: the newest tickets, each probed for the scope; 61 units holding 2 of 40: c walked alone
      // (the units that hold no ticket are left out of the walk).
      expect(await walked({ scope: ['a', 'b'] })).toEqual({ rows: all.slice(0, 5), total: 40, walk: false, units: 0 })
      expect(await walked({ scope: ['a', 'b', ...empty.slice(0, 59)] })).toEqual({ rows: all.slice(0, 5), total: 40, walk: false, units: 0 })
      expect(await walked({ scope: ['c', ...empty.slice(0, 60)] })).toEqual({ rows: [7, 3], total: 2, walk: true, units: 1 })
      // A share of its own: c alone holds 5 % of them.
      expect(await walked({ scope: ['c', 'e0'], scopeShare: 0.05 })).toEqual({ rows: [7, 3], total: 2, walk: false, units: 0 })
      expect(await walked({ scope: ['c', 'e0'], scopeShare: 0.06 })).toEqual({ rows: [7, 3], total: 2, walk: true, units: 1 })
      // More units than a walk merges, but only c holds tickets: c walked (was the planner's plan).
      expect(await walked({ scope: ['c', ...empty] })).toEqual({ rows: [7, 3], total: 2, walk: true, units: 1 })
      // None holds a ticket: an empty walk of one, counted 0.
      expect(await walked({ scope: empty.slice(0, 30) })).toEqual({ rows: [], total: 0, walk: true, units: 1 })
      // More units holding tickets than a walk merges: the planner's plan, the same answer; one fewer: walked.
      const holders = Array.from({ length: TICKET_WALK_UNITS }, (_, k) => `h${k}`)
      await db.query(`INSERT INTO unit (id, name) SELECT id, '协办科室' FROM unnest($1::text[]) id`, [holders])
      await db.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT 'tw1', id, 'cooperating' FROM unnest($1::text[]) id`, [holders])
      expect(await walked({ scope: ['c', ...holders, ...empty] })).toEqual({ rows: [7, 3, 1], total: 3, walk: false, units: 0 })
      expect(await walked({ scope: ['c', ...holders.slice(1), ...empty] })).toEqual({ rows: [7, 3, 1], total: 3, walk: true, units: TICKET_WALK_UNITS })
    })
  })
}
