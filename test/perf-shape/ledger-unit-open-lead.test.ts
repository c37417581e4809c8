/**
 * ledger_unit_open.lead (migration 211) says whether the row's unit leads (承办) the item, so that 只看待办 walks the
 * lead rows of its index in order. Here: whatever the item_unit statements — a role added, removed, changed to
 * another role or moved to another unit, a unit holding two roles, the item closed and reopened — each open item's
 * rows are its units, each leading exactly when one of its roles is the lead; and 只看待办 shows the ticket to the lead
 * unit's liaison only. Random sequences of those statements (fast-check), both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from '../http/tickets.fixture.ts'

const UNITS = ['dh', 'sjj', 'xs'] as const
const ROLES = ['lead', 'responsible', 'cooperating'] as const
const unit = fc.constantFrom(...UNITS)
const role = fc.constantFrom(...ROLES)
/** One statement on the ticket's roles (or its state), as SQL with its parameters after the item's id. */
const step = fc.oneof(
  fc.record({ op: fc.constant('add' as const), unit, role }),
  fc.record({ op: fc.constant('remove' as const), unit, role }),
  fc.record({ op: fc.constant('changeRole' as const), unit, role, to: role }),
  fc.record({ op: fc.constant('moveUnit' as const), unit, role, to: unit }),
  fc.record({ op: fc.constant('removeAll' as const) }),
  fc.record({ op: fc.constant('close' as const) }),
  fc.record({ op: fc.constant('reopen' as const) }),
)
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never

function sqlOf(s: Step): [string, unknown[]] {
  switch (s.op) {
    case 'add':
      return ['INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [s.unit, s.role]]
    case 'remove':
      return ['DELETE FROM item_unit WHERE item_id = $1 AND unit_id = $2 AND role = $3', [s.unit, s.role]]
    case 'changeRole':
      return [
        `UPDATE item_unit SET role = $3 WHERE item_id = $1 AND unit_id = $2 AND role = $4
            AND NOT EXISTS (SELECT 1 FROM item_unit x WHERE x.item_id = $1 AND x.unit_id = $2 AND x.role = $3)`,
        [s.unit, s.to, s.role],
      ]
    case 'moveUnit':
      return [
        `UPDATE item_unit SET unit_id = $3 WHERE item_id = $1 AND unit_id = $2 AND role = $4
            AND NOT EXISTS (SELECT 1 FROM item_unit x WHERE x.item_id = $1 AND x.unit_id = $3 AND x.role = $4)`,
        [s.unit, s.to, s.role],
      ]
    case 'removeAll':
      return ['DELETE FROM item_unit WHERE item_id = $1', []]
    case 'close':
      return [`UPDATE item SET state = 'closed', state_type = 'closed' WHERE id = $1`, []]
    case 'reopen':
      return [`UPDATE item SET state = 'accepted', state_type = 'open' WHERE id = $1 AND state_type = 'closed'`, []]
  }
}

for (const dialect of testDialects()) {
  describe(`ledger_unit_open.lead follows the item's roles (${dialect})`, () => {
    let t: TestApp
    let id: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      const operator = await operatorToken(t)
      const body = { requestType: 'complaint', categoryCode: CATEGORY.stalls, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路 2 号', content: '承办单位：夜市占道', dispatch: { lead: 'dh', cooperating: ['sjj'] } }
      const res = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` }, payload: body })
      expect(res.statusCode, res.body).toBe(201)
      id = res.json().id
    })
    afterAll(async () => t?.close())

    /** The rows as stored and as the roles say they should be: unit → lead (no rows when the item is closed). */
    const rows = async (): Promise<{ stored: Record<string, boolean>; expected: Record<string, boolean> }> => {
      const stored = await t.db.query<{ unit_id: string; lead: boolean }>('SELECT unit_id, lead FROM ledger_unit_open WHERE item_id = $1', [id])
      const expected = await t.db.query<{ unit_id: string; lead: boolean }>(
        `SELECT u.unit_id, bool_or(u.role = 'lead') AS lead FROM item_unit u JOIN item i ON i.id = u.item_id
          WHERE u.item_id = $1 AND i.state_type <> 'closed' GROUP BY u.unit_id`,
        [id],
      )
      const map = (r: { unit_id: string; lead: boolean }[]) => Object.fromEntries(r.map((x) => [x.unit_id, x.lead === true]))
      return { stored: map(stored.rows), expected: map(expected.rows) }
    }

    it('marks the dispatched lead, not the cooperating unit, and 只看待办 follows it', async () => {
      expect((await rows()).stored).toEqual({ dh: true, sjj: false })
      const todo = async (who: string) => {
        const res = await t.app.inject({ method: 'GET', url: '/api/tickets?todo=true', headers: { authorization: `Bearer ${await t.login(who)}` } })
        expect(res.statusCode, res.body).toBe(200)
        return (res.json() as { tickets: { id: string }[] }).tickets.map((r) => r.id)
      }
      expect(await todo('liaison-dh')).toContain(id)
      expect(await todo('liaison-sjj')).not.toContain(id)
      // The lead moves (改派 as a role change): the other unit's 待办 now.
      await t.db.query(`UPDATE item_unit SET role = CASE role WHEN 'lead' THEN 'cooperating' ELSE 'lead' END WHERE item_id = $1`, [id])
      expect((await rows()).stored).toEqual({ dh: false, sjj: true })
      expect(await todo('liaison-dh')).not.toContain(id)
      expect(await todo('liaison-sjj')).toContain(id)
      // A unit holding two roles keeps its row when its lead role goes, no longer leading.
      await t.db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, 'sjj', 'responsible')`, [id])
      await t.db.query(`DELETE FROM item_unit WHERE item_id = $1 AND unit_id = 'sjj' AND role = 'lead'`, [id])
      expect((await rows()).stored).toEqual({ dh: false, sjj: false })
      expect(await todo('liaison-sjj')).not.toContain(id)
    })

    it('keeps every row true to the roles through any sequence of role and state statements', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
          // From a known start: dh leads, sjj cooperates, the item open.
          await t.db.query('DELETE FROM item_unit WHERE item_id = $1', [id])
          await t.db.query(`UPDATE item SET state = 'accepted', state_type = 'open' WHERE id = $1 AND state_type = 'closed'`, [id])
          await t.db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, 'dh', 'lead'), ($1, 'sjj', 'cooperating')`, [id])
          for (const s of steps) {
            const [sql, params] = sqlOf(s)
            await t.db.query(sql, [id, ...params])
            const { stored, expected } = await rows()
            expect(stored, JSON.stringify(s)).toEqual(expected)
          }
        }),
        { numRuns: 150 },
      )
    }, 120_000)
  })
}
