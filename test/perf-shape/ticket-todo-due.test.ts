/**
 * 只看待办's order is kept in ledger_unit_open.todo_due (migration 204) by ticket_todo_due(), TICKET_TODO written in
 * SQL. Here: the SQL function gives todoDue()'s answer (src/domain/tickets/todo.ts) for random states and clocks —
 * a change to 待办's states or clocks without a migration fails this — and the triggers keep the column as a ticket
 * moves: set at dispatch (签收期限), moved at 签收 (办理期限) and when the snapshot alone moves the due, cleared out of
 * 待办, gone at closing; a task's rows have none. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TICKET_TODO, todoDue } from '../../src/domain/tickets/todo.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from '../http/tickets.fixture.ts'

const STATES = [...Object.keys(TICKET_TODO), 'received', 'extension_requested', 'replied', 'closed']
const CLOCKS = [...new Set(Object.values(TICKET_TODO).flat()), 'due']
const instant = fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') }).map((ms) => new Date(ms).toISOString())
// A clock with a due, none, an empty one, or no clock at all.
const clock = fc.oneof(
  instant.map((dueAt) => ({ dueAt })),
  fc.constant({ dueAt: null }),
  fc.constant({ dueAt: '' }),
  fc.constant({}),
)
const clocks = fc.dictionary(fc.constantFrom(...CLOCKS), clock, { maxKeys: CLOCKS.length })

for (const dialect of testDialects()) {
  describe(`ticket 待办 due in SQL (${dialect})`, () => {
    let t: TestApp
    let operator: string
    let liaison: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      liaison = await t.login('liaison-dh')
    })
    afterAll(async () => t?.close())

    /** ticket_todo_due() in ms since 1970 (Infinity for 'infinity'), or null. */
    const sqlDue = async (kind: string, state: string, snapshot: unknown): Promise<number | null> => {
      const { rows } = await t.db.query<{ ms: unknown }>(
        `SELECT (extract(epoch FROM ticket_todo_due($1, $2, $3::jsonb)) * 1000)::float8 AS ms`,
        [kind, state, JSON.stringify(snapshot)],
      )
      const ms = rows[0]?.ms
      return ms === null || ms === undefined ? null : Number(ms)
    }

    it('gives todoDue()’s due for a 待办 ticket (none last), and none out of 待办 or for a task', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('ticket', 'task'), fc.constantFrom(...STATES), clocks, async (kind, state, cs) => {
          const want = kind !== 'ticket' || !(state in TICKET_TODO) ? null : Date.parse(todoDue(state, cs)?.at ?? '') || Infinity
          expect(await sqlDue(kind, state, { clocks: cs })).toBe(want)
        }),
        { numRuns: 150 },
      )
    })

    const call = async (token: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
      expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(300)
      return res.json()
    }
    /** The ticket's ledger_unit_open rows: unit → todo_due in ms (null: none). */
    const rowsOf = async (id: string): Promise<Record<string, number | null>> => {
      const { rows } = await t.db.query<{ unit_id: string; ms: unknown }>(
        `SELECT unit_id, (extract(epoch FROM todo_due) * 1000)::float8 AS ms FROM ledger_unit_open WHERE item_id = $1`,
        [id],
      )
      return Object.fromEntries(rows.map((r) => [r.unit_id, r.ms === null ? null : Number(r.ms)]))
    }
    const snapshotDue = async (id: string, clockName: string): Promise<number> => {
      const { rows } = await t.db.query<{ at: string }>(`SELECT snapshot #>> $2::text[] AS at FROM item WHERE id = $1`, [id, `{clocks,${clockName},dueAt}`])
      return Date.parse(rows[0]!.at)
    }

    it('is kept by the triggers as a ticket is dispatched, accepted, moved, replied and closed', async () => {
      const body = { requestType: 'complaint', categoryCode: CATEGORY.stalls, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路 1 号', content: '待办期限：夜市占道', dispatch: { lead: 'dh', cooperating: ['sjj'] } }
      const v = (await call(operator, 'POST', '/api/tickets', body)) as { id: string }
      // Dispatched: every unit's row carries the 签收期限 (the lead check is the list's, on item_unit).
      const accept = await snapshotDue(v.id, 'accept')
      expect(await rowsOf(v.id)).toEqual({ dh: accept, sjj: accept })
      await call(liaison, 'POST', `/api/tickets/${v.id}/events`, { event: 'accept', payload: {} })
      const handle = await snapshotDue(v.id, 'handle')
      expect(handle).not.toBe(accept)
      expect(await rowsOf(v.id)).toEqual({ dh: handle, sjj: handle })
      // The snapshot alone moves the due (as a granted 延期 does): the rows follow, the state unchanged.
      const later = '2031-05-06T07:08:09.000Z'
      await t.db.query(`UPDATE item SET snapshot = jsonb_set(snapshot, '{clocks,handle,dueAt}', to_jsonb($2::text)) WHERE id = $1`, [v.id, later])
      expect(await rowsOf(v.id)).toEqual({ dh: Date.parse(later), sjj: Date.parse(later) })
      const page = (await call(liaison, 'GET', '/api/tickets?todo=true')) as { tickets: { id: string }[] }
      expect(page.tickets.map((r) => r.id)).toContain(v.id)
      // Replied: out of 待办, still open work.
      await call(liaison, 'POST', `/api/tickets/${v.id}/events`, { event: 'reply', payload: { text: '已清理' } })
      expect(await rowsOf(v.id)).toEqual({ dh: null, sjj: null })
      const after = (await call(liaison, 'GET', '/api/tickets?todo=true')) as { tickets: { id: string }[] }
      expect(after.tickets.map((r) => r.id)).not.toContain(v.id)
      // Closed: no open work left.
      await t.db.query(`UPDATE item SET state = 'closed', state_type = 'closed' WHERE id = $1`, [v.id])
      expect(await rowsOf(v.id)).toEqual({})
      // A task's open rows have no 待办 due.
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_unit_open WHERE kind <> 'ticket' AND todo_due IS NOT NULL`)
      expect(rows[0]!.n).toBe(0)
    })
  })
}
