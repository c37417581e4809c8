/**
 * The assessment from maintained counters equals the item-by-item computation (assessUnitsFromItems) after random
 * sequences of changes, on both databases: items created with one or two leads, responsible units, targets and their
 * own cadence; progress reports by leads and responsible units, corrections (更正), measures reported, 报办结,
 * closing, reopening (重办), 撤销下发, 改派 (the lead replaced), shared work added, due dates moved; the clock moving
 * across days and months. Compared for months, quarters, years, 旬, weeks and a future period, as of their end and
 * as of instants inside the running period (including the last second of a day and exact midnights).
 * The changes are made on the tables, as the use-cases make them: the counters follow the tables' triggers
 * (migration 116), whichever path writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, TEST_UNITS, type TestApp } from '../../../test/support/test-app.ts'
import { testDialects } from '../../../test/support/test-db.ts'
import { addCalendarDays, localDate } from '../../domain/workflow/time.ts'
import { assessUnits, assessUnitsFromItems } from './assess-units.ts'
import type { Assessment } from './assess-units.ts'

/** Small deterministic PRNG (mulberry32), so a failure names its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const strip = (a: Assessment) => ({ summary: a.summary, rows: a.rows })

for (const dialect of testDialects()) {
  describe(`assessment counters equal the item-by-item computation (${dialect})`, () => {
    let t: TestApp
    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
    }, 600_000)
    afterAll(async () => t?.close())

    it('after random sequences of reports, corrections, closing, reopening, 撤销下发, 改派 and shared work', async () => {
      const db = t.db
      const rnd = prng(7116)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
      const units = [...TEST_UNITS]
      let now = Date.parse('2026-01-03T09:00:00+08:00')
      const iso = (ms: number): string => new Date(ms).toISOString()
      const ids: string[] = []
      let seq = 0
      const checks: [string, string][] = []
      const check = async (period: string, at = now): Promise<void> => {
        t.clock.set(iso(at))
        const a = strip(await assessUnits(t.deps, period, 'task'))
        const b = strip(await assessUnitsFromItems(t.deps, period, 'task'))
        expect(a, `${period} as of ${iso(at)}`).toEqual(b)
        checks.push([period, iso(at)])
      }
      const cadences = [null, null, { every: 'week', weekday: 3 }, { every: 'month', day: 10 }, { every: 'quarter', day: 31 }, { every: 'month', day: 31 }]
      for (let step = 0; step < 420; step++) {
        // The clock: mostly minutes to hours, sometimes days; now and then exactly midnight or a day's last second.
        const r = rnd()
        if (r < 0.6) now += Math.floor(rnd() * 6 * 3_600_000)
        else if (r < 0.9) now += Math.floor(rnd() * 4 * 86_400_000)
        else {
          const day = addCalendarDays(localDate(iso(now)), 1 + Math.floor(rnd() * 3))
          now = Date.parse(rnd() < 0.5 ? `${day}T00:00:00+08:00` : `${day}T23:59:59.500+08:00`)
        }
        const at = iso(now)
        const op = rnd()
        const some = (): string | undefined => (ids.length ? pick(ids) : undefined)
        if (op < 0.22 || ids.length < 5) {
          const id = `p${++seq}`
          ids.push(id)
          const lead = pick(units)
          const due = addCalendarDays(localDate(at), Math.floor(rnd() * 50) - 5)
          const targets = rnd() < 0.4
          const cadence = pick(cadences)
          const data = { ...(targets ? { targets: [{ metric: 'm', comparison: pick(['>=', '<', 'range']), value: 10, valueTo: 20 }], measures: { m: Math.floor(rnd() * 30) } } : {}), ...(cadence ? { cadence } : {}) }
          const started = rnd() < 0.8 ? at : iso(now - Math.floor(rnd() * 5 * 86_400_000))
          await db.query(
            `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, data, due_date, created_at)
             VALUES ($1, $2, 'task', 1, 'accepted', 'open', $1, $3, $4, $5, $6)`,
            [id, `P-${String(seq).padStart(5, '0')}`, JSON.stringify({ clocks: { due: { startedAt: started, dueAt: null, stoppedAt: null } } }), JSON.stringify(data), rnd() < 0.9 ? due : null, at],
          )
          if (rnd() < 0.92) await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, 'lead')`, [id, lead])
          if (rnd() < 0.2) await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, 'lead') ON CONFLICT DO NOTHING`, [id, pick(units)])
          if (rnd() < 0.4) await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, 'responsible') ON CONFLICT DO NOTHING`, [id, pick(units)])
        } else if (op < 0.5) {
          // A progress report by a unit of the item (or, rarely, by another one).
          const id = some()!
          const { rows } = await db.query<{ unit_id: string }>(`SELECT unit_id FROM item_unit WHERE item_id = $1`, [id])
          const unit = rows.length && rnd() < 0.9 ? pick(rows).unit_id : pick(units)
          await db.query(`INSERT INTO progress_report (id, item_id, unit_id, body, reported_at) VALUES ($1, $2, $3, '进展', $4)`, [`r${++seq}`, id, unit, at])
          if (rnd() < 0.3) await db.query(`UPDATE item SET snapshot = jsonb_set(snapshot, '{data}', jsonb_build_object('measures', jsonb_build_object('m', $2::int))), updated_at = $3 WHERE id = $1`, [id, Math.floor(rnd() * 30), at])
        } else if (op < 0.55) {
          // 更正: a report's text corrected.
          await db.query(`UPDATE progress_report SET corrected_body = '更正' WHERE id = (SELECT id FROM progress_report ORDER BY random() LIMIT 1)`)
        } else if (op < 0.66) {
          // 报办结 (the due clock stops, waiting for review), sometimes closed at once.
          const id = some()!
          await db.query(
            `UPDATE item SET state = 'completion_submitted', state_type = 'waiting', snapshot = jsonb_set(snapshot, '{clocks,due,stoppedAt}', to_jsonb($2::text))
              WHERE id = $1 AND state_type <> 'closed'`,
            [id, at],
          )
          if (rnd() < 0.5) await db.query(`UPDATE item SET state = 'closed', state_type = 'closed', closed_at = $2 WHERE id = $1 AND state = 'completion_submitted'`, [id, at])
        } else if (op < 0.72) {
          // Closing without the clock (closed_at is the finish), or closing a waiting item.
          await db.query(`UPDATE item SET state = 'closed', state_type = 'closed', closed_at = $2 WHERE id = $1 AND state <> 'cancelled'`, [some(), at])
        } else if (op < 0.8) {
          // 重办 (reopen): the clock runs again, the item is open.
          await db.query(
            `UPDATE item SET state = 'accepted', state_type = 'open', closed_at = CASE WHEN $2::boolean THEN NULL ELSE closed_at END,
                    snapshot = jsonb_set(snapshot, '{clocks,due,stoppedAt}', 'null'::jsonb) WHERE id = $1 AND state <> 'cancelled'`,
            [some(), rnd() < 0.5],
          )
        } else if (op < 0.85) {
          // 撤销下发.
          await db.query(`UPDATE item SET state = 'cancelled', state_type = 'closed', closed_at = $2 WHERE id = $1`, [some(), at])
        } else if (op < 0.91) {
          // 改派: the lead replaced by another unit.
          const id = some()!
          await db.query(`DELETE FROM item_unit WHERE item_id = $1 AND role = 'lead'`, [id])
          await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, 'lead') ON CONFLICT DO NOTHING`, [id, pick(units)])
        } else if (op < 0.95) {
          // Shared work: another lead or a responsible unit added.
          await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [some(), pick(units), rnd() < 0.5 ? 'lead' : 'responsible'])
        } else {
          // The due date moved (延期).
          await db.query(`UPDATE item SET due_date = due_date + $2::int WHERE id = $1`, [some(), Math.floor(rnd() * 20)])
        }
        if (step % 35 === 34) {
          const day = localDate(at)
          const month = day.slice(0, 7)
          const prevMonth = addCalendarDays(`${month}-01`, -1).slice(0, 7)
          const q = `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`
          const xun = `${month}-X${Math.min(3, Math.floor((Number(day.slice(8, 10)) - 1) / 10) + 1)}`
          const nextMonth = addCalendarDays(`${month}-28`, 5).slice(0, 7)
          for (const p of [month, prevMonth, q, day.slice(0, 4), xun, nextMonth, `${month}-X1`]) await check(p)
          // As of an instant before the latest changes (as a generated database is read with a clock inside its data):
          // items created, finished and closed after "now", which the as-of-now correction must count as the
          // item-by-item computation does. Sometimes a midnight or a day's last second.
          const back = now - Math.floor(rnd() * 40 * 86_400_000)
          const bd = localDate(iso(back))
          const earlier = rnd() < 0.6 ? back : Date.parse(rnd() < 0.5 ? `${bd}T00:00:00+08:00` : `${bd}T23:59:59.500+08:00`)
          const ed = localDate(iso(earlier))
          for (const p of [ed.slice(0, 7), ed.slice(0, 4), `${ed.slice(0, 4)}-Q${Math.floor((Number(ed.slice(5, 7)) - 1) / 3) + 1}`, month]) await check(p, earlier)
        }
      }
      expect(checks.length).toBeGreaterThan(50)
    }, 900_000)
  })
}
