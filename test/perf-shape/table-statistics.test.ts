/**
 * The planner's statistics kept where autovacuum does not (keep-statistics.ts): a table never analyzed, or grown by
 * more than STALE_SHARE since its last ANALYZE, is analyzed by the next scheduler round; one that barely moved is
 * not. On both databases (PGlite never runs autovacuum; this machine's PostgreSQL runs with it off).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppDeps } from '../../src/app/deps.ts'
import { keepStatistics } from '../../src/app/runtime/keep-statistics.ts'
import { startScheduler, type SchedulerRound } from '../../src/app/supervision/scheduler.ts'
import { UNPACED } from '../../src/app/supervision/tick-pace.ts'
import type { Db } from '../../src/persistence/db.ts'
import { autovacuumKeepsStatistics, staleTables } from '../../src/persistence/table-statistics.repo.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`table statistics kept (${dialect})`, () => {
    let db: Db
    let deps: AppDeps
    beforeAll(async () => {
      db = await freshDb(dialect)
      deps = { db, clock: { now: () => new Date('2026-12-01T08:00:00+08:00') }, newId: randomUUID }
    }, 300_000)
    afterAll(async () => db?.close())

    const analyzedRows = async (table: string): Promise<number> =>
      Number((await db.query<{ n: number }>(`SELECT reltuples AS n FROM pg_class WHERE relname = $1 AND relkind = 'r'`, [table])).rows[0]?.n)
    const isStale = async (table: string): Promise<boolean> => (await staleTables(db, { liveCounts: dialect === 'pg' })).some((t) => t.table === table)
    /**
     * On PostgreSQL a backend reports its committed rows to the server's counters up to a second later; one reported
     * after an ANALYZE is counted on top of what the ANALYZE counted, and the table looks stale again for a moment (the
     * next check analyzes it once more). Rows added here are left to be counted before the test analyzes.
     */
    const addUnits = async (from: number, count: number) => {
      await db.query(`INSERT INTO unit (id, name, duties) SELECT 'st-' || g, '统计测试单位' || g, repeat('职责', 20) FROM generate_series($1::int, $2::int) g`, [from, from + count - 1])
      if (dialect !== 'pg') return
      for (let i = 0; i < 50; i++) {
        const r = await db.query<{ ok: boolean }>(`SELECT pg_stat_get_live_tuples('unit'::regclass) >= 0.99 * (SELECT count(*) FROM unit) AS ok`)
        if (r.rows[0]?.ok) return
        await new Promise((r) => setTimeout(r, 100))
      }
    }

    it('knows where autovacuum keeps them: never on PGlite, on PostgreSQL as its settings say', async () => {
      const on = dialect === 'pg' && (await db.query<{ v: string }>(`SELECT current_setting('autovacuum') AS v`)).rows[0]?.v === 'on'
      expect(await autovacuumKeepsStatistics(db)).toBe(on && (await db.query<{ v: string }>(`SELECT current_setting('track_counts') AS v`)).rows[0]?.v === 'on')
    })

    it('analyzes a table never analyzed, then again only after it grew by more than a fifth', async () => {
      await addUnits(1, 3_000)
      expect(await analyzedRows('unit')).toBeLessThan(0)
      expect(await isStale('unit')).toBe(true)
      const first = await keepStatistics(deps, { evenWithAutovacuum: true })
      expect(first).toContain('unit')
      expect(await analyzedRows('unit')).toBeGreaterThanOrEqual(3_000)
      expect(await isStale('unit')).toBe(false)
      // A few more rows: the same pages or about, not analyzed again.
      await addUnits(3_001, 20)
      expect(await keepStatistics(deps, { evenWithAutovacuum: true })).not.toContain('unit')
      // Twice as many: analyzed again, with its new size.
      await addUnits(4_001, 3_000)
      expect(await keepStatistics(deps, { evenWithAutovacuum: true })).toContain('unit')
      expect(await analyzedRows('unit')).toBeGreaterThanOrEqual(6_000)
    })

    it.runIf(dialect === 'pg')('an ANALYZE that ran while a bulk insert was open leaves the table stale once it commits', async () => {
      await keepStatistics(deps, { evenWithAutovacuum: true })
      const rowsBefore = await analyzedRows('unit')
      let analyzedMeanwhile: string[] = []
      await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO unit (id, name, duties) SELECT 'st-' || g, '统计测试单位' || g, repeat('职责', 20) FROM generate_series(50001, 50000 + $1::int) g`, [Math.ceil(rowsBefore)])
        // Another connection analyzes meanwhile: it sees the new pages, not their uncommitted rows.
        analyzedMeanwhile = await keepStatistics(deps, { evenWithAutovacuum: true })
      })
      expect(analyzedMeanwhile).toContain('unit')
      expect(await analyzedRows('unit')).toBeLessThan(rowsBefore * 1.2)
      // The committed rows reach the server's counters within a second or so.
      for (let i = 0; i < 50 && !(await isStale('unit')); i++) await new Promise((r) => setTimeout(r, 100))
      expect(await isStale('unit')).toBe(true)
      expect(await keepStatistics(deps, { evenWithAutovacuum: true })).toContain('unit')
      expect(await analyzedRows('unit')).toBeGreaterThanOrEqual(rowsBefore * 2)
    }, 60_000)

    it('a scheduler round analyzes what went stale, unless autovacuum keeps it', async () => {
      await addUnits(10_001, 8_000)
      expect(await isStale('unit')).toBe(true)
      const rounds: SchedulerRound[] = []
      const errors: unknown[] = []
      const scheduler = startScheduler(deps, { everyMs: 3_600_000, tickPace: UNPACED, onRound: (r) => void rounds.push(r), onError: (e) => void errors.push(e) })
      for (let i = 0; i < 600 && rounds.length === 0; i++) await new Promise((r) => setTimeout(r, 100))
      await scheduler.stop()
      expect(errors).toEqual([])
      const keeps = await autovacuumKeepsStatistics(db)
      expect(rounds[0]?.analyzed?.includes('unit')).toBe(!keeps)
      if (!keeps) expect(await isStale('unit')).toBe(false)
    }, 120_000)

    it('between rounds, a small table that grew is analyzed within seconds (a fresh database under load)', async () => {
      const rounds: SchedulerRound[] = []
      const errors: unknown[] = []
      const scheduler = startScheduler(deps, { everyMs: 3_600_000, statisticsEveryMs: 50, tickPace: UNPACED, onRound: (r) => void rounds.push(r), onError: (e) => void errors.push(e) })
      try {
        for (let i = 0; i < 600 && rounds.length === 0; i++) await new Promise((r) => setTimeout(r, 100))
        expect(rounds).toHaveLength(1)
        const keeps = await autovacuumKeepsStatistics(db)
        // Grown to half as much again after the round: no round runs for an hour, the check between rounds sees it.
        // (Not asserted stale right after the insert: a check 50 ms apart may already have analyzed it.)
        const before = await analyzedRows('unit')
        await addUnits(30_001, 12_000)
        const total = Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM unit`)).rows[0]?.n)
        expect(before).toBeLessThan(total / 1.2)
        // Until analyzed with its new rows and not stale (a check 50 ms apart may run before the counters have them all).
        for (let i = 0; i < 100 && !keeps && ((await analyzedRows('unit')) < total || (await isStale('unit'))); i++) await new Promise((r) => setTimeout(r, 100))
        expect(rounds).toHaveLength(1)
        if (!keeps) {
          expect(await analyzedRows('unit')).toBeGreaterThanOrEqual(total)
          expect(await isStale('unit')).toBe(false)
        }
      } finally {
        await scheduler.stop()
      }
      expect(errors).toEqual([])
    }, 120_000)
  })
}
