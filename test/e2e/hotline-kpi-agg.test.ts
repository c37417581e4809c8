/**
 * 12345 KPIs from the maintained counters (migration 152) equal the row-based computation, on random ticket
 * histories, on every test dialect (fast-check). Each run writes random tickets as item + item_event rows and the
 * requesters' own ratings of the latest reply (ticket_citizen_rating, migration 199; 满意率 counts them) (the
 * capture trigger fills hotline_event, whose triggers leave the deltas), folds at a random instant, writes more
 * events (which close earlier runs: updates), changes or deletes some ticket rows (receipt instant, category,
 * place: the received counts of migration 153), and compares the whole GET /api/hotline/kpis answer for random day
 * periods, asked at a random instant, from the counters and from the rows. Every few runs it also empties the
 * counters and rebuilds them through the backfill the migration queues. Histories start from late September and
 * are asked about until mid-January, for periods of days, of whole months and of up to four months on any day, so
 * the month rows (migration 177: whole months that ended before the day asked in) are read beside the day rows;
 * some runs fold again at the instant asked and vacuum the delta tables (the job's vacuumFolded).
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { clocksMatchCounters, hotlineKpis, kindClocks, maintainHotlineKpiCounters, unitKpisFromCounters } from '../../src/app/tickets/hotline-kpis.ts'
import { aggState, requeue } from '../../src/persistence/hotline-kpi-agg.repo.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

const H = 3_600_000
const num = (v: unknown): number => Number(v ?? 0)
const BASE = Date.parse('2026-11-01T00:00:00+08:00')
const UNITS = ['A', 'B', 'C']
const EVENTS = ['dispatch', 'reassign', 'refuse_return', 'accept', 'return', 'withdraw', 'contact', 'reply', 'follow_up', 'reopen', 'close', 'request_extension', 'approve_extension']

interface Ev {
  event: string
  at: number
  unit: string | null
  accept: number | null
  respond: number | null
  handle: number | null
  running: boolean
  rating: string | null
  resolved: boolean | null
}

const due = fc.option(fc.integer({ min: -3, max: 72 }), { nil: null, freq: 4 })
const step = fc.record({
  // 'rate': the requester's own rating of the latest reply (ticket_citizen_rating, migration 199), not an item_event
  event: fc.constantFrom(...EVENTS, 'dispatch', 'accept', 'reply', 'follow_up', 'rate'),
  gap: fc.integer({ min: 1, max: 40 }), // hours after the previous event (or after 10-31 12:00 for the first)
  minute: fc.integer({ min: 0, max: 59 }),
  unit: fc.constantFrom(...UNITS),
  accept: due,
  respond: due,
  handle: due,
  running: fc.boolean(),
  rating: fc.option(fc.constantFrom('satisfied', 'basically_satisfied', 'unsatisfied'), { nil: null }),
  resolved: fc.option(fc.boolean(), { nil: null }),
})
const ticketSteps = fc.array(step, { minLength: 1, maxLength: 8 })

/** A ticket's events from the random steps: the lead unit set by a dispatch or reassign and carried forward (as the snapshot does). */
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never
function history(steps: readonly Step[], start: number, lead: string | null = null): Ev[] {
  let at = start
  let unit: string | null = lead
  return steps.map((s) => {
    at += s.gap * H + s.minute * 60_000
    if (s.event === 'dispatch' || s.event === 'reassign') unit = s.unit
    const d = (h: number | null): number | null => (h === null ? null : at + h * H)
    return {
      event: s.event, at, unit, accept: d(s.accept), respond: d(s.respond), handle: d(s.handle), running: s.running,
      rating: s.event === 'follow_up' ? s.rating : s.event === 'rate' ? (s.rating ?? 'unsatisfied') : null, resolved: s.event === 'follow_up' ? s.resolved : null,
    }
  })
}

let n = 0
/** Writes events as the engine would: the item's snapshot first, then the item_event row (the triggers do the rest). */
async function write(db: Db, itemId: string, events: readonly Ev[]): Promise<void> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())
  for (const e of events) {
    if (e.event === 'rate') {
      // Once per reply, as the public route rates (the ticket row must exist).
      await db.query(
        `INSERT INTO ticket_citizen_rating (item_id, reply_at, rating, rated_at)
         SELECT $1, max(at), $2, $3 FROM hotline_event WHERE item_id = $1 AND event = 'reply' AND at <= $3 HAVING max(at) IS NOT NULL
         ON CONFLICT DO NOTHING`,
        [itemId, e.rating, iso(e.at)],
      )
      continue
    }
    const clock = (dueAt: number | null, running = true) => (dueAt === null ? undefined : { startedAt: iso(e.at), dueAt: iso(dueAt), stoppedAt: running ? null : iso(e.at) })
    const snapshot = { kind: 'ticket', kindVersion: '1', state: e.event, data: { lead: e.unit }, clocks: { accept: clock(e.accept), respond: clock(e.respond), handle: clock(e.handle, e.running) } }
    await db.query(`UPDATE item SET snapshot = $2 WHERE id = $1`, [itemId, JSON.stringify(snapshot)])
    await db.query(
      `INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, payload, at) VALUES ($1, $2, 'x', $2, 'operator', $3, $4)`,
      [itemId, e.event, JSON.stringify(e.event === 'follow_up' ? { rating: e.rating, ...(e.resolved === null ? {} : { resolved: e.resolved }) } : {}), iso(e.at)],
    )
  }
}

async function clear(db: Db): Promise<void> {
  await db.query(`DELETE FROM ticket_citizen_rating`)
  await db.query(`DELETE FROM ticket`)
  await db.query(`DELETE FROM hotline_event`)
  await db.query(`DELETE FROM item_event`)
  await db.query(`DELETE FROM item`)
}

const MONTHS = ['2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01', '2027-01-01', '2027-02-01']
const day = (d: number): string => new Date(BASE + d * 24 * H + 8 * H).toISOString().slice(0, 10)
const actor = { userId: null, role: 'admin' as const, unitId: null, scopeUnitIds: null }

for (const dialect of testDialects()) {
  describe(`12345 KPIs from the counters equal the rows (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await db.query(`INSERT INTO unit (id, name, parent_id, level) VALUES ('D1', '一区', NULL, 'district'), ('P1', '一街道', 'D1', 'township'), ('P2', '二街道', 'D1', 'township')`)
      await db.query(
        `INSERT INTO service_category (code, version, parent_code, level, name) VALUES
          ('01', 1, NULL, 1, '城乡建设'), ('01.01', 1, '01', 2, '市容环境'), ('01.01.01', 1, '01.01', 3, '占道经营'), ('01.01.02', 1, '01.01', 3, '噪音扰民')`,
      )
    }, 300_000)
    afterAll(async () => {
      await db?.close()
    })

    it('the kind declares the clock lists the counters are written for', () => {
      expect(clocksMatchCounters(kindClocks())).toBe(true)
    })

    it('on random histories: folded, updated afterwards, rebuilt by the backfill', async () => {
      let run = 0
      let rated = 0
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              // rateLast: the first history ends with a reply and the requester's rating of it, so that most runs hold ratings
              first: ticketSteps, rateLast: fc.boolean(), later: fc.array(step, { maxLength: 4 }), // from late September, or around October's end (runs and overdue handling keyed in October, settled in November)
              startH: fc.oneof(fc.integer({ min: -40 * 24, max: 200 }), fc.integer({ min: -72, max: 12 })),
              // the ticket row: received (hours after BASE), category, place; then changed or deleted after the fold, or not
              recvH: fc.integer({ min: -400, max: 380 }), cat: fc.constantFrom('01.01.01', '01.01.02'), place: fc.constantFrom('P1', 'P2', null),
              change: fc.option(fc.record({ recvH: fc.integer({ min: -400, max: 380 }), cat: fc.constantFrom('01.01.01', '01.01.02'), place: fc.constantFrom('P1', 'P2', null), drop: fc.boolean() }), { nil: null }),
            }),
            { minLength: 1, maxLength: 5 },
          ),
          fc.integer({ min: 0, max: 14 * 24 }), // fold at BASE + hours
          fc.oneof(fc.integer({ min: 0, max: 16 * 24 * 60 }), fc.integer({ min: 16 * 24 * 60, max: 76 * 24 * 60 })), // asked at BASE + minutes
          fc.boolean(), // fold again at the instant asked, and vacuum
          fc.array(
            fc.oneof(
              fc.record({ a: fc.integer({ min: -2, max: 14 }), len: fc.integer({ min: 1, max: 12 }), groupBy: fc.constantFrom('day', 'week', 'month') }),
              fc.record({ a: fc.integer({ min: -45, max: 40 }), len: fc.integer({ min: 13, max: 125 }), groupBy: fc.constantFrom('day', 'week', 'month') }),
              // whole months from September to January
              fc.record({ m: fc.constantFrom(0, 1, 1, 1, 2, 3, 4), months: fc.constantFrom(1, 1, 2, 3, 4), groupBy: fc.constantFrom('day', 'week', 'month') }),
            ),
            { minLength: 1, maxLength: 3 },
          ),
          async (tickets, foldH, askMin, foldAgain, periods) => {
            run++
            await clear(db)
            await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(BASE - 30 * 24 * H) } }) // the delete asked for a rebuild
            const ids = tickets.map(() => `P${++n}`)
            const first = tickets.map((t) => history(t.rateLast ? [...t.first, { ...t.first[0]!, event: 'reply', gap: 1 }, { ...t.first[0]!, event: 'rate', gap: 2 }] : t.first, BASE + t.startH * H))
            for (const [i, id] of ids.entries()) {
              await db.query(`INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot) VALUES ($1, $1, 'ticket', 1, 'x', 'open', 'x', '{}')`, [id])
              const t = tickets[i]!
              await db.query(
                `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, requester_phone, address, place_unit_id, content, received_at)
                 VALUES ($1, 'phone', 'complaint', $2, 1, 'normal', '13800000000', '某路1号', $3, '诉求', $4)`,
                [id, t.cat, t.place, new Date(BASE + t.recvH * H).toISOString()],
              )
              await write(db, id, first[i]!)
            }
            const foldAt = Math.min(BASE + foldH * H, BASE + askMin * 60_000)
            await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(foldAt) } })
            for (const [i, id] of ids.entries()) {
              const last = first[i]!.at(-1)!
              await write(db, id, history(tickets[i]!.later, last.at, last.unit))
              const c = tickets[i]!.change
              if (c?.drop) {
                await db.query(`DELETE FROM ticket_citizen_rating WHERE item_id = $1`, [id])
                await db.query(`DELETE FROM ticket WHERE item_id = $1`, [id])
              } else if (c) await db.query(`UPDATE ticket SET received_at = $2, category_code = $3, place_unit_id = $4 WHERE item_id = $1`, [id, new Date(BASE + c.recvH * H).toISOString(), c.cat, c.place])
            }
            rated += num((await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ticket_citizen_rating`)).rows[0]?.n)
            if (run % 4 === 0) {
              await requeue(db)
              expect((await aggState(db))?.complete).toBe(false)
              await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(foldAt) } })
            }
            if (foldAgain) {
              const r = await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(BASE + askMin * 60_000) } }, 50_000, 1)
              if (r.folded > 0) expect(r.vacuumed).toBe(true)
            }
            expect((await aggState(db))?.complete).toBe(true)
            const deps: AppDeps = { db, clock: { now: () => new Date(BASE + askMin * 60_000) }, newId: () => 'x' }
            for (const p of periods) {
              const q = 'm' in p
                ? { from: MONTHS[p.m]!, to: MONTHS[p.m + p.months] ?? MONTHS.at(-1)!, groupBy: p.groupBy }
                : { from: day(p.a), to: day(p.a + p.len), groupBy: p.groupBy }
              const period = { from: new Date(`${q.from}T00:00:00+08:00`).toISOString(), to: new Date(`${q.to}T00:00:00+08:00`).toISOString() }
              const now = deps.clock.now().toISOString()
              const asOf = now < period.to ? now : period.to
              // The counters answer (the fold's watermark is never after the day asked in).
              expect(await unitKpisFromCounters(db, period, asOf)).not.toBeNull()
              const fromCounters = await hotlineKpis(deps, actor, q)
              await db.query(`UPDATE hotline_kpi_state SET complete = false`)
              const fromRows = await hotlineKpis(deps, actor, q)
              await db.query(`UPDATE hotline_kpi_state SET complete = true`)
              expect(fromCounters).toEqual(fromRows)
            }
          },
        ),
        { numRuns: 15 },
      )
      // The histories held requesters' ratings (migration 199) for the comparison to be about them too.
      expect(rated).toBeGreaterThan(0)
    }, 600_000)

    it('a whole month read from its month row leaves out what settled after the instant asked', async () => {
      await clear(db)
      await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(BASE - 30 * 24 * H) } })
      // Dispatched on October 31st: its accept and respond runs are due in November (keyed in October, settled in November).
      const at = Date.parse('2026-10-31T20:00:00+08:00')
      await db.query(`INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot) VALUES ('M1', 'M1', 'ticket', 1, 'x', 'open', 'x', '{}')`)
      await write(db, 'M1', [{ event: 'dispatch', at, unit: 'A', accept: at + 72 * H, respond: at + 48 * H, handle: at + 10 * H, running: true, rating: null, resolved: null }])
      await maintainHotlineKpiCounters({ db, clock: { now: () => new Date('2026-11-10T10:00:00+08:00') } })
      const later = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM hotline_kpi_month WHERE key_month = '2026-10-01' AND step_day >= '2026-11-01'`)
      expect(later.rows[0]!.n).toBe(2)
      const deps: AppDeps = { db, clock: { now: () => new Date('2026-11-12T10:00:00+08:00') }, newId: () => 'x' }
      for (const q of [{ from: '2026-10-01', to: '2026-11-01' }, { from: '2026-09-01', to: '2026-11-03' }, { from: '2026-10-01', to: '2026-12-01' }]) {
        const fromCounters = await hotlineKpis(deps, actor, q)
        await db.query(`UPDATE hotline_kpi_state SET complete = false`)
        const fromRows = await hotlineKpis(deps, actor, q)
        await db.query(`UPDATE hotline_kpi_state SET complete = true`)
        expect(fromCounters).toEqual(fromRows)
      }
    })

    it('migration 197 takes back the 回访 replaced before it ran: one rating per ticket, counters equal to rows', async () => {
      await clear(db)
      await maintainHotlineKpiCounters({ db, clock: { now: () => new Date(BASE - 30 * 24 * H) } })
      const at = Date.parse('2026-11-03T09:00:00+08:00')
      await db.query(`INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot) VALUES ('R1', 'R1', 'ticket', 1, 'x', 'open', 'x', '{}')`)
      const ev = (event: string, h: number, rating: string | null = null, resolved: boolean | null = null) =>
        ({ event, at: at + h * H, unit: 'A', accept: null, respond: null, handle: null, running: false, rating, resolved })
      await write(db, 'R1', [ev('dispatch', 0), ev('reply', 1), ev('follow_up', 2, 'unsatisfied', false), ev('reopen', 3), ev('reply', 30), ev('follow_up', 31, 'satisfied', true)])
      const deps: AppDeps = { db, clock: { now: () => new Date('2026-11-20T10:00:00+08:00') }, newId: () => 'x' }
      const q = { from: '2026-11-01', to: '2026-12-01' }
      const sat = async () => (await hotlineKpis(deps, actor, q)).totals.satisfaction
      expect(await unitKpisFromCounters(db, { from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' }, '2026-11-20T02:00:00.000Z')).not.toBeNull()
      expect(await sat()).toMatchObject({ numerator: 1, denominator: 1 })
      // As a database before migration 197 stood: no 回访 knows its successor (the update trigger adds the counts back).
      await db.query(`UPDATE hotline_event SET rerated_at = NULL WHERE rerated_at IS NOT NULL`)
      expect(await sat()).toMatchObject({ numerator: 1, denominator: 2 })
      const sql = readFileSync(new URL('../../src/persistence/migrations/197_ticket_rating_rounds.sql', import.meta.url), 'utf8')
      await db.query(sql.slice(sql.lastIndexOf('UPDATE hotline_event h')))
      expect(await sat()).toMatchObject({ numerator: 1, denominator: 1 })
      await maintainHotlineKpiCounters({ db, clock: { now: () => new Date('2026-11-20T10:00:00+08:00') } })
      const fromCounters = await hotlineKpis(deps, actor, q)
      await db.query(`UPDATE hotline_kpi_state SET complete = false`)
      const fromRows = await hotlineKpis(deps, actor, q)
      await db.query(`UPDATE hotline_kpi_state SET complete = true`)
      expect(fromCounters).toEqual(fromRows)
      expect(fromRows.totals.resolution).toMatchObject({ numerator: 1, denominator: 1 })
    })

    it('a period not on China midnights is read from the rows', async () => {
      expect(await unitKpisFromCounters(db, { from: '2026-11-01T01:00:00.000Z', to: '2026-11-02T16:00:00.000Z' }, '2026-11-02T16:00:00.000Z')).toBeNull()
    })
  })
}
