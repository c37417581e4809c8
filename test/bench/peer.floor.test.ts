/**
 * The floor of the `peer` benchmark and its target filter (BENCH_PEER_ONLY): the floor's SQL taken from the
 * pgbench pair's own script, which targets a run measures, and what the floors say about the goals. Pure; no
 * server, no timing.
 */
import { describe, expect, it } from 'vitest'
import { cpuCeiling, databaseTag, FLOOR_VARIANTS, floorLines, floorStatements, parseBashTimes, planPeerRun } from '../../bench/peer.stats.ts'

const PAIR = `\\set item random(1, 10000)
BEGIN;
INSERT INTO progress_report (id, item_id, unit_id, reported_at) VALUES (gen_random_uuid()::text, 'item-' || :item, 'unit-' || (:item % 40), now());
INSERT INTO audit_log (at, entity_id) VALUES (now(), 'item-' || :item);
END;
`

describe('floorStatements', () => {
  it("takes the pair's two INSERTs with pgbench's :item bound as $1 and the report's id returned", () => {
    const f = floorStatements(PAIR)
    expect(f.report).toBe(`INSERT INTO progress_report (id, item_id, unit_id, reported_at) VALUES (gen_random_uuid()::text, 'item-' || $1::int, 'unit-' || ($1::int % 40), now()) RETURNING id`)
    expect(f.audit).toBe(`INSERT INTO audit_log (at, entity_id) VALUES (now(), 'item-' || $1::int)`)
  })

  it('puts both INSERTs in one statement as data-modifying CTEs for the one-round-trip shape', () => {
    const f = floorStatements(PAIR)
    expect(f.cte).toBe(`WITH report AS (${f.report}), audit AS (${f.audit}) SELECT id FROM report`)
  })

  it('refuses a script that is not the report + audit pair, so the floor cannot drift from pgbench unnoticed', () => {
    expect(() => floorStatements(PAIR.replace(/^INSERT INTO audit_log.*\n/m, ''))).toThrow(/found 1 statements/)
    expect(() => floorStatements(`\\set v random(1, 10)\nINSERT INTO one_row (v) VALUES (:v);\nINSERT INTO one_row (v) VALUES (:v);\n`)).toThrow(/progress_report INSERT then an audit_log INSERT/)
  })

  it('works on the script the peer benchmark really runs (peer.sql.ts)', async () => {
    const { PAIR_SCRIPT } = await import('../../bench/peer.sql.ts')
    const f = floorStatements(PAIR_SCRIPT)
    expect(f.report).toMatch(/^INSERT INTO progress_report .* RETURNING id$/)
    expect(f.cte).not.toMatch(/:item/)
  })
})

describe('planPeerRun (BENCH_PEER_ONLY)', () => {
  const databases = ['postgresql', 'pglite', 'postgresql:duban_1m']
  const routes = ['intake', 'reports', 'confirm']

  it('runs everything when no filter is given', () => {
    const plan = planPeerRun(undefined, databases, routes)
    expect([...plan.pgbench]).toEqual(['one-row', 'pair-end'])
    expect(plan.floors).toEqual(Object.keys(FLOOR_VARIANTS))
    expect([...plan.databases.keys()]).toEqual(databases)
    expect([...plan.databases.get('pglite')!]).toEqual(routes)
    expect(planPeerRun('  ', databases, routes).floors).toEqual(Object.keys(FLOOR_VARIANTS))
  })

  it('runs only the named targets and starts no server for a database with none of its routes named', () => {
    const plan = planPeerRun('floor, pg-reports,pg-intake', databases, routes)
    expect(plan.pgbench.size).toBe(0)
    expect(plan.floors).toEqual(['floor'])
    expect([...plan.databases.keys()]).toEqual(['postgresql'])
    expect([...plan.databases.get('postgresql')!]).toEqual(['intake', 'reports'])
  })

  it('takes a database tag alone as all its routes, and floors as every floor', () => {
    const plan = planPeerRun('pglite,floors,pair-end,pg:duban_1m-reports', databases, routes)
    expect(plan.floors).toEqual(Object.keys(FLOOR_VARIANTS))
    expect([...plan.pgbench]).toEqual(['pair-end'])
    expect([...plan.databases.get('pglite')!]).toEqual(routes)
    expect([...plan.databases.get('postgresql:duban_1m')!]).toEqual(['reports'])
    expect(plan.databases.has('postgresql')).toBe(false)
  })

  it('refuses an unknown name (a typo, or a route BENCH_ROUTES left out) and lists the known ones', () => {
    expect(() => planPeerRun('flor', databases, routes)).toThrow(/unknown target flor; known: .*floor-cte/)
    expect(() => planPeerRun('pg-ledger', databases, routes)).toThrow(/unknown target pg-ledger/)
  })

  it('names databases as pg, pglite and pg:<name>', () => {
    expect(databaseTag('postgresql')).toBe('pg')
    expect(databaseTag('pglite')).toBe('pglite')
    expect(databaseTag('postgresql:duban_1m')).toBe('pg:duban_1m')
  })
})

describe('floorLines', () => {
  it('sets each floor against its goals, by req/s and by CPU, and each duban route against the best floor of its database', () => {
    const lines = floorLines(
      { tps: 1000, cpuMs: 1 },
      [
        { name: 'floor', db: 'pg', rps: 400, cpuMs: 4, nodeCpuMs: 1 },
        { name: 'floor-cte', db: 'pg', rps: 600, cpuMs: NaN, nodeCpuMs: 0.5 },
        { name: 'floor-pglite', db: 'pglite', rps: 1200, cpuMs: 1.25, nodeCpuMs: 1.25 },
        { name: 'floor-pglite-worker', db: 'pglite', rps: 900, cpuMs: 1.6, nodeCpuMs: 0 },
      ],
      [
        { database: 'pg', route: 'intake', rps: 150 },
        { database: 'pglite', route: 'reports', rps: 300 },
      ],
      2,
    )
    expect(lines).toEqual([
      'floor 400.0 req/s = 40.0% of the pair: BELOW the intake goal (50%), above the reports/events goal (30%)',
      "floor by CPU: 4.000 ms/request (Node's event loop 1.000) → 500 req/s on 2 cores vs the pair's 1.000 ms → 2000 tps = 25.0%: BELOW 50%, BELOW 30%",
      'floor-cte 600.0 req/s = 60.0% of the pair: above the intake goal (50%), above the reports/events goal (30%)',
      "floor-pglite 1200.0 req/s = 120.0% of the pair: above PGlite's goal (1,000 reports/s)",
      "floor-pglite by CPU: 1.250 ms/request (Node's event loop 1.250) → 800 req/s on 2 cores vs the pair's 1.000 ms → 2000 tps = 40.0%: BELOW 1,000/s",
      "floor-pglite-worker 900.0 req/s = 90.0% of the pair: BELOW PGlite's goal (1,000 reports/s)",
      "floor-pglite-worker by CPU: 1.600 ms/request (no one-thread bound) → 1250 req/s on 2 cores vs the pair's 1.000 ms → 2000 tps = 62.5%: above 1,000/s",
      'duban pg intake 150.0 req/s = 25.0% of floor-cte (600.0 req/s)',
      'duban pglite reports 300.0 req/s = 25.0% of floor-pglite (1200.0 req/s)',
    ])
  })

  it('compares no duban route when its database had no floor', () => {
    expect(floorLines({ tps: 1000, cpuMs: NaN }, [{ name: 'floor', db: 'pg', rps: 400, cpuMs: 3, nodeCpuMs: 1 }], [{ database: 'pglite', route: 'reports', rps: 300 }], 2)).toHaveLength(1)
  })
})

describe('CPU of the processes', () => {
  it("reads bash's `times` children line (pgbench's CPU) after pgbench's own printout, in ms", () => {
    const out = 'tps = 8251.402117 (without initial connection time)\n0m0.002s 0m0.001s\n1m2.500s 0m0.250s\n'
    expect(parseBashTimes(out)).toBe(62_750)
    expect(() => parseBashTimes('tps = 1 (without initial connection time)\n')).toThrow(/times/)
  })

  it('bounds the CPU ceiling by the cores over the whole cost and by one core for the single-threaded part', () => {
    expect(cpuCeiling(2, 4)).toBe(500)
    expect(cpuCeiling(2, 2, 1.6)).toBe(625)
    expect(cpuCeiling(2, 2, 0.5)).toBe(1000)
    expect(cpuCeiling(2, NaN)).toBeNaN()
    expect(cpuCeiling(2, 0)).toBeNaN()
  })
})
