/**
 * A scoped 热线看板's requests from the counters of migration 198 equal the recount from ticket rows (scopedReceivedOf,
 * inScopeSql: a request is in a scope by its place or by a unit handling it), on every test dialect (fast-check).
 * Each run writes random tickets (received instant, category, place, handling units with roles, 并单), folds at a random
 * instant, then changes some of them (units replaced as replaceItemUnits does, a unit row moved by UPDATE, place,
 * category, receipt instant, merged or unmerged, deleted), and compares the whole GET /api/hotline/kpis answer for
 * random scopes (any non-empty set of the units, overlapping places and handling units) and periods, from the
 * counters and from the rows. Every few runs the counters are rebuilt (requeue: hotline_scope_fill). A second test:
 * the generator's fill (scripts/generate-items.ts, triggers off) equals the rows too.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateItems } from '../../scripts/generate-items.ts'
import type { Db } from '../../src/persistence/db.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { hotlineKpis, maintainHotlineKpiCounters, unitKpisFromCounters } from '../../src/app/tickets/hotline-kpis.ts'
import { requeue } from '../../src/persistence/hotline-kpi-agg.repo.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

const H = 3_600_000
const BASE = Date.parse('2026-11-01T00:00:00+08:00')
// Nine units: a ticket's keys (place and handling units) reach past SCOPE_SUBSET_KEYS (6), so wide tickets, counted from
// their records (migration 208), and tickets growing wide or narrow again are among the cases.
const UNITS = ['D1', 'P1', 'P2', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6']
const MONTHS = ['2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01', '2027-01-01']
const day = (d: number): string => new Date(BASE + d * 24 * H + 8 * H).toISOString().slice(0, 10)

const unitRows = fc.uniqueArray(fc.record({ unit: fc.constantFrom(...UNITS), role: fc.constantFrom('lead', 'responsible', 'cooperating') }), {
  maxLength: 10, selector: (x) => `${x.unit}/${x.role}`,
})
const place = fc.constantFrom('P1', 'P2', 'D1', 'U1', null)
const cat = fc.constantFrom('01.01.01', '01.01.02')
const scopeArb = fc.uniqueArray(fc.constantFrom(...UNITS, 'X9'), { minLength: 1, maxLength: 6 })

const scoped = (scope: readonly string[]) => ({ userId: null, role: 'supervisor' as const, unitId: scope[0]!, scopeUnitIds: [...scope], scopeSet: true })

async function clear(db: Db): Promise<void> {
  for (const t of ['ticket_duplicate', 'item_unit', 'ticket', 'hotline_event', 'item_event', 'item']) await db.query(`DELETE FROM ${t}`)
}

/** The board for a scope from the counters and from the rows (the counters marked incomplete for the second call). */
async function both(db: Db, deps: AppDeps, scope: readonly string[], q: { from: string; to: string; groupBy: string }): Promise<[unknown, unknown]> {
  const fromCounters = await hotlineKpis(deps, scoped(scope), q)
  await db.query(`UPDATE hotline_kpi_state SET complete = false`)
  try {
    return [fromCounters, await hotlineKpis(deps, scoped(scope), q)]
  } finally {
    await db.query(`UPDATE hotline_kpi_state SET complete = true`)
  }
}

for (const dialect of testDialects()) {
  describe(`a scoped 12345 board from the scope counters equals the rows (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(
        `INSERT INTO unit (id, name, parent_id, level) VALUES ('D1', '一区', NULL, 'district'), ('P1', '一街道', 'D1', 'township'),
           ('P2', '二街道', 'D1', 'township'), ('U1', '住建局', 'D1', 'department'), ('U2', '城管局', 'D1', 'department'),
           ('U3', '水务局', 'D1', 'department'), ('U4', '交通局', 'D1', 'department'), ('U5', '市监局', 'D1', 'department'), ('U6', '环保局', 'D1', 'department')`,
      )
      await db.query(
        `INSERT INTO service_category (code, version, parent_code, level, name) VALUES
          ('01', 1, NULL, 1, '城乡建设'), ('01.01', 1, '01', 2, '市容环境'), ('01.01.01', 1, '01.01', 3, '占道经营'), ('01.01.02', 1, '01.01', 3, '噪音扰民')`,
      )
    }, 300_000)
    afterAll(async () => {
      await db?.close()
    })

    it('on random tickets, scopes and periods: folded, changed afterwards, rebuilt', async () => {
      let run = 0
      let n = 0
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              recvH: fc.integer({ min: -1500, max: 380 }), cat, place, units: unitRows, merged: fc.boolean(),
              change: fc.option(
                fc.record({
                  recvH: fc.option(fc.integer({ min: -1500, max: 380 }), { nil: null }), cat: fc.option(cat, { nil: null }),
                  place: fc.option(place, { nil: undefined }), units: fc.option(unitRows, { nil: null }), move: fc.boolean(),
                  merged: fc.option(fc.boolean(), { nil: null }), drop: fc.boolean(),
                }),
                { nil: null },
              ),
            }),
            { minLength: 1, maxLength: 8 },
          ),
          fc.integer({ min: -60 * 24, max: 14 * 24 }), // fold at BASE + hours
          fc.oneof(fc.integer({ min: 0, max: 16 * 24 * 60 }), fc.integer({ min: 16 * 24 * 60, max: 76 * 24 * 60 })), // asked at BASE + minutes
          fc.array(
            fc.record({
              scope: scopeArb,
              period: fc.oneof(
                fc.record({ a: fc.integer({ min: -70, max: 14 }), len: fc.integer({ min: 1, max: 125 }), groupBy: fc.constantFrom('day', 'week', 'month') }),
                fc.record({ m: fc.constantFrom(0, 1, 2, 3, 3, 4), months: fc.constantFrom(1, 1, 2, 3, 5), groupBy: fc.constantFrom('day', 'week', 'month') }),
              ),
            }),
            { minLength: 1, maxLength: 4 },
          ),
          async (tickets, foldH, askMin, asks) => {
            run++
            await clear(db)
            await requeue(db) // the fold's watermark back to none, so that any instant asked can read the counters
            await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(BASE - 90 * 24 * H) } })
            const ids = tickets.map(() => `S${++n}`)
            for (const [i, id] of ids.entries()) {
              const t = tickets[i]!
              await db.query(`INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot) VALUES ($1, $1, 'ticket', 1, 'x', 'open', 'x', '{}')`, [id])
              await db.query(
                `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, requester_phone, address, place_unit_id, content, received_at)
                 VALUES ($1, 'phone', 'complaint', $2, 1, 'normal', '13800000000', '某路1号', $3, '诉求', $4)`,
                [id, t.cat, t.place, new Date(BASE + t.recvH * H).toISOString()],
              )
              for (const u of t.units) await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, $3)`, [id, u.unit, u.role])
              if (t.merged && i > 0) {
                await db.query(
                  `INSERT INTO ticket_duplicate (id, ticket_id, primary_id, reasons, similarity, status, proposed_at) VALUES ($1, $2, $3, '{same_place}', 0.9, 'merged', now())`,
                  [`d${id}`, id, ids[0]],
                )
              }
            }
            const askAt = BASE + askMin * 60_000
            const foldAt = Math.min(BASE + foldH * H, askAt)
            await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(foldAt) } })
            for (const [i, id] of ids.entries()) {
              const c = tickets[i]!.change
              if (!c) continue
              if (c.drop) {
                await db.query(`DELETE FROM ticket_duplicate WHERE ticket_id = $1 OR primary_id = $1`, [id])
                await db.query(`DELETE FROM item_unit WHERE item_id = $1`, [id])
                await db.query(`DELETE FROM ticket WHERE item_id = $1`, [id])
                continue
              }
              if (c.units) {
                await db.query(`DELETE FROM item_unit WHERE item_id = $1`, [id])
                for (const u of c.units) await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, $3)`, [id, u.unit, u.role])
              }
              if (c.move) await db.query(`UPDATE item_unit SET unit_id = 'U2' WHERE item_id = $1 AND role = 'lead' AND unit_id = (SELECT min(unit_id) FROM item_unit WHERE item_id = $1 AND role = 'lead') AND NOT EXISTS (SELECT 1 FROM item_unit x WHERE x.item_id = $1 AND x.unit_id = 'U2' AND x.role = 'lead')`, [id])
              if (c.recvH !== null || c.cat !== null || c.place !== undefined) {
                await db.query(
                  `UPDATE ticket SET received_at = COALESCE($2, received_at), category_code = COALESCE($3, category_code), place_unit_id = CASE WHEN $5 THEN $4 ELSE place_unit_id END WHERE item_id = $1`,
                  [id, c.recvH === null ? null : new Date(BASE + c.recvH * H).toISOString(), c.cat, c.place ?? null, c.place !== undefined],
                )
              }
              if (c.merged === true && i > 0) {
                await db.query(
                  `INSERT INTO ticket_duplicate (id, ticket_id, primary_id, reasons, similarity, status, proposed_at) VALUES ($1, $2, $3, '{same_place}', 0.9, 'proposed', now()) ON CONFLICT (id) DO NOTHING`,
                  [`d${id}`, id, ids[0]],
                )
                await db.query(`UPDATE ticket_duplicate SET status = 'merged' WHERE id = $1`, [`d${id}`])
              } else if (c.merged === false) {
                await db.query(`UPDATE ticket_duplicate SET status = 'dismissed' WHERE ticket_id = $1`, [id])
              }
            }
            if (run % 4 === 0) {
              await requeue(db)
              await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(foldAt) } })
            }
            const deps: AppDeps = { db, clock: { now: () => new Date(askAt) }, newId: () => 'x' }
            for (const { scope, period: p } of asks) {
              const q = 'm' in p
                ? { from: MONTHS[p.m]!, to: MONTHS[p.m + p.months] ?? MONTHS.at(-1)!, groupBy: p.groupBy }
                : { from: day(p.a), to: day(p.a + p.len), groupBy: p.groupBy }
              const period = { from: new Date(`${q.from}T00:00:00+08:00`).toISOString(), to: new Date(`${q.to}T00:00:00+08:00`).toISOString() }
              const asOf = new Date(Math.min(askAt, Date.parse(period.to))).toISOString()
              expect(await unitKpisFromCounters(db, period, asOf)).not.toBeNull() // the counters answer this one
              const [fromCounters, fromRows] = await both(db, deps, scope, q)
              expect(fromCounters).toEqual(fromRows)
            }
          },
        ),
        { numRuns: 20 },
      )
    }, 600_000)

    it("the generator's fill (triggers off) equals the rows", async () => {
      await clear(db)
      await generateItems(db, { count: 1_500, chunk: 500, jobs: 1, log: () => {}, cutoff: '2026-06-30T16:00:00.000Z' })
      // Places apart from the handling units, so that a scope holds tickets by place, by unit and by both.
      await db.query(`UPDATE ticket SET place_unit_id = 'gen-u0' || (1 + (substr(item_id, 5)::int % 7)) WHERE substr(item_id, 5)::int % 4 = 1`)
      const deps: AppDeps = { db, clock: { now: () => new Date('2026-12-01T08:00:00+08:00') }, newId: () => 'x' }
      for (const scope of [['gen-u01'], ['gen-u01', 'gen-u02', 'gen-u03', 'gen-u04', 'gen-u05', 'gen-u06', 'gen-u07', 'gen-u08', 'gen-u09', 'gen-u10']]) {
        for (const q of [{ from: '2026-10-01', to: '2026-11-01', groupBy: 'day' }, { from: '2025-01-01', to: '2026-12-01', groupBy: 'month' }, { from: '2026-06-15', to: '2026-07-20', groupBy: 'week' }]) {
          const [fromCounters, fromRows] = await both(db, deps, scope, q)
          expect(fromCounters).toEqual(fromRows)
          expect((fromCounters as { totals: { received: number } }).totals.received).toBeGreaterThan(0)
        }
      }
    }, 600_000)
  })
}
