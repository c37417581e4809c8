/**
 * 12345 KPIs end to end, on every test dialect.
 *
 * 1. The SQL twin: the hand-computed tickets of src/domain/kpi/hotline.fixture.ts are written as items and
 *    item_event rows (each event after the item's snapshot was set as the engine would leave it), so the
 *    trigger of migration 051 fills hotline_event; the set-based SQL (unitKpisSql) must give exactly what the
 *    pure formulas give, for November as of its end, for a running November, and for October.
 * 2. Problem tickets are raised to supervision once, with one notification to the supervisor role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/adapters/db/db.ts'
import { raiseProblemTickets, ticketFactsOf, unitKpisSql } from '../../src/app/tickets/hotline-kpis.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { hotlineUnitKpis, type TicketFacts } from '../../src/domain/kpi/hotline.formulas.ts'
import { AS_OF, FIXTURE, NOV, t } from '../../src/domain/kpi/hotline.fixture.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

/** Writes a fixture ticket as an item whose snapshot, before each item_event insert, is what the engine would hold. */
async function load(db: Db, tickets: readonly TicketFacts[]): Promise<void> {
  let n = 0
  for (const tk of tickets) {
    n++
    await db.query(
      `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot) VALUES ($1, $2, 'ticket', 1, 'received', 'open', $3, '{}')`,
      [tk.itemId, `GD-2026-${String(n).padStart(6, '0')}`, `工单 ${tk.itemId}`],
    )
    const counters = { reopens: 0, reassignments: 0 }
    let state = 'received'
    for (const e of tk.events) {
      if (e.event === 'reopen') counters.reopens++
      if (e.event === 'reassign') counters.reassignments++
      const clock = (due: string | null, running = true) => (due ? { startedAt: e.at, dueAt: due, stoppedAt: running ? null : e.at } : undefined)
      const snapshot = {
        kind: 'ticket', kindVersion: '1', state: e.event, counters: { ...counters }, data: { lead: e.unitId },
        clocks: { accept: clock(e.acceptDueAt), respond: clock(e.respondDueAt), handle: clock(e.handleDueAt, e.handleRunning) },
      }
      await db.query(`UPDATE item SET snapshot = $2, state = $3 WHERE id = $1`, [tk.itemId, JSON.stringify(snapshot), e.event])
      await db.query(
        `INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, payload, at) VALUES ($1, $2, $3, $4, 'operator', $5, $6)`,
        [tk.itemId, e.event, state, e.event, JSON.stringify(e.event === 'follow_up' ? { rating: e.rating, ...(e.resolved === null ? {} : { resolved: e.resolved }) } : {}), e.at],
      )
      state = e.event
    }
    if (tk.events.at(-1)?.event === 'close') await db.query(`UPDATE item SET state_type = 'closed' WHERE id = $1`, [tk.itemId])
  }
}

const byUnit = <T extends { unitId: string }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => (a.unitId < b.unitId ? -1 : 1))
const strip = <T extends { unitName?: string }>(rows: readonly T[]): Omit<T, 'unitName'>[] => rows.map(({ unitName: _n, ...rest }) => rest)

for (const dialect of testDialects()) {
  describe(`12345 KPIs: SQL twin of the formulas (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await load(db, FIXTURE)
    })
    afterAll(async () => {
      await db?.close()
    })

    it('the trigger keeps one hotline_event row per ticket event, with the clocks as they stood', async () => {
      const facts = await ticketFactsOf(db, NOV)
      expect(facts.length).toBe(FIXTURE.length)
      const t3 = facts.find((f) => f.itemId === 'T3')!
      const src = FIXTURE.find((f) => f.itemId === 'T3')!
      expect(t3.events.map((e) => [e.event, e.unitId, e.acceptDueAt, e.handleRunning])).toEqual(
        src.events.map((e) => [e.event, e.unitId, new Date(e.acceptDueAt!).toISOString(), e.handleRunning]),
      )
    })

    it.each([
      ['November as of its end', NOV, AS_OF],
      ['November while running (as of 11-20 10:00)', NOV, t('11-20 10:00')],
      ['October', { from: t('10-01 00:00'), to: t('11-01 00:00') }, t('11-01 00:00')],
      ['one day, 11-25', { from: t('11-25 00:00'), to: t('11-26 00:00') }, t('11-26 00:00')],
    ])('SQL equals the pure formulas: %s', async (_name, period, asOf) => {
      const sql = await unitKpisSql(db, period, asOf)
      expect(byUnit(strip(sql))).toEqual(byUnit(hotlineUnitKpis(FIXTURE, period, asOf)))
    })

    it('gives the hand-computed November figures', async () => {
      const sql = await unitKpisSql(db, NOV, AS_OF)
      const A = sql.find((u) => u.unitId === 'A')!
      const B = sql.find((u) => u.unitId === 'B')!
      // Arithmetic in src/domain/kpi/hotline.formulas.test.ts.
      expect([A.onTimeAcceptance.numerator, A.onTimeAcceptance.denominator, A.response.numerator, A.response.denominator]).toEqual([3, 6, 1, 5])
      expect([A.onTimeCompletion.numerator, A.onTimeCompletion.denominator, A.returnRate.numerator, A.returnRate.denominator]).toEqual([3, 4, 3, 7])
      expect([B.onTimeAcceptance.numerator, B.onTimeAcceptance.denominator, B.onTimeCompletion.numerator, B.onTimeCompletion.denominator]).toEqual([2, 3, 1, 3])
    })

    it('raises the open problem ticket (T11, passed around twice) once, telling the supervisor role once', async () => {
      const deps: AppDeps = { db, clock: { now: () => new Date(t('11-26 09:00')) }, newId: (() => { let i = 0; return () => `kpi-${++i}` })() }
      expect(await raiseProblemTickets(deps)).toBe(1)
      expect(await raiseProblemTickets(deps)).toBe(0)
      const { rows } = await db.query<{ item_id: string; reason: string; reassignments: number }>(`SELECT item_id, reason, reassignments FROM hotline_problem`)
      expect(rows).toEqual([{ item_id: 'T11', reason: 'passed_around', reassignments: 2 }])
      const notes = await db.query<{ role: string; item_id: string; type: string }>(`SELECT role, item_id, type FROM notification WHERE type = 'ticket.problem'`)
      expect(notes.rows).toEqual([{ role: 'supervisor', item_id: 'T11', type: 'ticket.problem' }])
    })
  })
}
