/**
 * The assessment's maintained counters (migration 116) filled set-based, in SQL, for items loaded without triggers
 * (scripts/generate-items.ts): the assessment_fact rows and the assessment_agg sums that marking every item dirty and
 * draining the log (drainAssessmentLog, assessment-contrib.ts) would write, without reading an item into Node.
 * What each share contributes is assessment-contrib.ts's `shareFactsOf` written as SQL; the two things SQL cannot
 * say alone come from the caller, computed by the app's own code: each kind's first-report day per start day
 * (`firstReportFrom`, working days) and its cadence dates (`expectedReportDates`).
 *
 * Limits: an item's own cadence (`data.cadence`) is not read (the kind's is used: generated items carry none); the
 * items must have no facts yet (the fill inserts them). Equal to the drain: src/app/assessment/assessment-fill.test.ts.
 */
import type { Queryable } from './db.ts'

/** What the fill needs to know of a kind's settings (see the header). */
export interface FillKind {
  readonly kind: string
  /** The cadence key (assessment-contrib.ts cadenceKey), or null when the kind expects no reports. */
  readonly ckey: string | null
  /** [start day, first-report day] for every start day the items may have (China dates). */
  readonly firstFrom: readonly (readonly [string, string])[]
  /** Every cadence date over the span the items may need, ascending (empty for no reports). */
  readonly dates: readonly string[]
}

const STAGE = 'assessment_fill_stage'
const FROM = 'assessment_fill_from'
const DATES = 'assessment_fill_dates'

/**
 * Starts a fill: the kinds' first-report days and cadence dates in tables of their own (indexed: a share reads its
 * few dates by range), and a staging table, left empty since each chunk adds its sums to assessment_agg itself (kept
 * so that finishFill still folds what a fill stopped by an older version staged). Unlogged: a fill that dies is started again.
 */
export async function startFill(db: Queryable, kinds: readonly FillKind[]): Promise<void> {
  for (const t of [STAGE, FROM, DATES]) await db.query(`DROP TABLE IF EXISTS ${t}`)
  await db.query(`CREATE UNLOGGED TABLE ${STAGE} (kind text NOT NULL, unit_id text NOT NULL, metric text NOT NULL, ckey text NOT NULL, day date NOT NULL, n bigint NOT NULL)`)
  await db.query(`CREATE UNLOGGED TABLE ${FROM} (kind text NOT NULL, start_day date NOT NULL, from_day date NOT NULL, PRIMARY KEY (kind, start_day))`)
  await db.query(`CREATE UNLOGGED TABLE ${DATES} (ckey text NOT NULL, d date NOT NULL, prev date, prev2 date, PRIMARY KEY (ckey, d))`)
  const ff = kinds.flatMap((k) => k.firstFrom.map(([s, f]) => [k.kind, s, f] as const))
  const seen = new Set<string>()
  const cd = kinds.flatMap((k) => {
    if (k.ckey === null || seen.has(k.ckey)) return []
    seen.add(k.ckey)
    return k.dates.map((d, i) => [k.ckey!, d, k.dates[i - 1] ?? null, k.dates[i - 2] ?? null] as const)
  })
  await db.query(`INSERT INTO ${FROM} SELECT * FROM unnest($1::text[], $2::date[], $3::date[])`, [ff.map((r) => r[0]), ff.map((r) => r[1]), ff.map((r) => r[2])])
  await db.query(`INSERT INTO ${DATES} SELECT * FROM unnest($1::text[], $2::date[], $3::date[], $4::date[])`, [cd.map((r) => r[0]), cd.map((r) => r[1]), cd.map((r) => r[2]), cd.map((r) => r[3])])
  await db.query(`ANALYZE ${FROM}`)
  await db.query(`ANALYZE ${DATES}`)
}

/** A db that runs a transaction (a chunk's settings are local to it). */
interface TxDb extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
}

/**
 * The facts of the items whose number is in (after, upTo] (and of the given kinds), inserted, and their contributions
 * summed into assessment_agg by day, month and year, in the chunk's transaction. One statement. Returns the shares written and the counter rows it
 * inserted or added to.
 */
export async function fillChunk(db: TxDb, after: string, upTo: string, kinds: readonly FillKind[]): Promise<{ shares: number; counters: number }> {
  const day = (x: string): string => `(${x} AT TIME ZONE 'Asia/Shanghai')::date`
  const { rows } = await db.transaction(async (tx) => {
    // The chunk's contributions are sorted per share and summed per day: in memory rather than in temporary files.
    await tx.query(`SET LOCAL work_mem = '256MB'`)
    return tx.query<{ n: unknown; staged: unknown; missing: unknown }>(
    `WITH ks AS (SELECT * FROM unnest($3::text[], $4::text[]) AS k(kind, ckey)),
     it AS (
       SELECT i.id, i.number, i.kind, i.state <> 'cancelled' AS live, i.state_type = 'closed' AS closed, i.due_date,
              date_trunc('milliseconds', i.created_at) AS created_at, date_trunc('milliseconds', i.closed_at) AS closed_at,
              COALESCE((i.snapshot->'clocks'->'due'->>'stoppedAt')::timestamptz,
                       CASE WHEN i.state_type = 'closed' THEN date_trunc('milliseconds', i.closed_at) END) AS fin_at,
              COALESCE((i.snapshot->'clocks'->'due'->>'startedAt')::timestamptz, date_trunc('milliseconds', i.created_at)) AS started_at,
              t.total AS tgt, t.met AS tgt_met, ks.ckey
         FROM item i JOIN ks ON ks.kind = i.kind
         CROSS JOIN LATERAL (
           SELECT count(*) AS total,
                  count(*) FILTER (WHERE CASE
                    WHEN jsonb_typeof(e->'met') = 'boolean' THEN (e->>'met')::boolean
                    WHEN jsonb_typeof(m.v->coalesce(e->>'metric', 'undefined')) IS DISTINCT FROM 'number'
                      OR jsonb_typeof(e->'value') IS DISTINCT FROM 'number' THEN false
                    WHEN e->>'comparison' = '>' THEN (m.v->>(e->>'metric'))::numeric > (e->>'value')::numeric
                    WHEN e->>'comparison' = '<=' THEN (m.v->>(e->>'metric'))::numeric <= (e->>'value')::numeric
                    WHEN e->>'comparison' = '<' THEN (m.v->>(e->>'metric'))::numeric < (e->>'value')::numeric
                    WHEN e->>'comparison' = '=' THEN (m.v->>(e->>'metric'))::numeric = (e->>'value')::numeric
                    WHEN e->>'comparison' = 'range' THEN (m.v->>(e->>'metric'))::numeric >= (e->>'value')::numeric
                      AND (m.v->>(e->>'metric'))::numeric <= (CASE WHEN jsonb_typeof(e->'valueTo') = 'number' THEN e->'valueTo' ELSE e->'value' END)::text::numeric
                    ELSE (m.v->>(e->>'metric'))::numeric >= (e->>'value')::numeric END) AS met
             FROM (SELECT CASE WHEN jsonb_typeof(i.data->'measures') = 'object' THEN i.data->'measures' ELSE '{}'::jsonb END
                          || CASE WHEN jsonb_typeof(i.snapshot->'data'->'measures') = 'object' THEN i.snapshot->'data'->'measures' ELSE '{}'::jsonb END AS v) m
            CROSS JOIN jsonb_array_elements(CASE WHEN jsonb_typeof(i.data->'targets') = 'array' THEN i.data->'targets' ELSE '[]'::jsonb END) e
         ) t
        WHERE i.number > $1 AND i.number <= $2
     ),
     x AS (
       SELECT it.*, ${day('it.created_at')} AS created_day, ${day('it.fin_at')} AS fin_day, ${day('it.closed_at')} AS close_day, ff.from_day,
              it.due_date IS NULL OR it.fin_at <= (it.due_date + time '23:59:59') AT TIME ZONE 'Asia/Shanghai' AS fin_ok
         FROM it LEFT JOIN ${FROM} ff ON ff.kind = it.kind AND ff.start_day = ${day('it.started_at')}
     ),
     sh AS MATERIALIZED (
       SELECT x.*, u.unit_id, u.share, r.first_rep, r.last_rep,
              greatest(x.due_date + 1, x.created_day + 1) AS od_on
         FROM x CROSS JOIN LATERAL (
           SELECT l.unit_id, CASE WHEN row_number() OVER (ORDER BY l.unit_id) = 1 THEN 'lead1' ELSE 'lead' END AS share
             FROM item_unit l WHERE l.item_id = x.id AND l.role = 'lead'
           UNION ALL
           SELECT p.unit_id, 'resp' FROM item_unit p WHERE p.item_id = x.id AND p.role = 'responsible'
              AND NOT EXISTS (SELECT 1 FROM item_unit l WHERE l.item_id = x.id AND l.role = 'lead' AND l.unit_id = p.unit_id)
         ) u
         LEFT JOIN LATERAL (
           SELECT min(${day("date_trunc('milliseconds', r.reported_at)")}) AS first_rep, max(${day("date_trunc('milliseconds', r.reported_at)")}) AS last_rep
             FROM progress_report r WHERE x.ckey IS NOT NULL AND x.live AND r.item_id = x.id AND r.unit_id = u.unit_id
         ) r ON true
     ),
     -- Reporting (reportingContrib): the share's cadence dates from its first-report day, up to its finishing day; or,
     -- unfinished with reports, up to the date after the first one on or after its last report (that one a rep.tail).
     rd AS (
       SELECT s.id, s.unit_id, s.kind, s.fin_day, s.first_rep, s.ckey, c.d AS e,
              CASE WHEN c.prev >= s.from_day THEN c.prev END AS prev,
              s.fin_day IS NULL AND c.prev >= greatest(s.last_rep, s.from_day) AS tail,
              EXISTS (SELECT 1 FROM progress_report r WHERE r.item_id = s.id AND r.unit_id = s.unit_id
                         AND ${day("date_trunc('milliseconds', r.reported_at)")} <= c.d
                         AND (c.prev < s.from_day OR c.prev IS NULL OR ${day("date_trunc('milliseconds', r.reported_at)")} > c.prev)) AS ok
         FROM sh s JOIN ${DATES} c ON c.ckey = s.ckey AND c.d >= s.from_day
                   AND c.d <= CASE WHEN s.fin_day IS NOT NULL THEN s.fin_day ELSE greatest(s.last_rep, s.from_day) + 200 END
        WHERE s.live AND (s.fin_day IS NOT NULL OR s.first_rep IS NOT NULL) AND CASE WHEN s.fin_day IS NOT NULL THEN c.d <= s.fin_day
                              ELSE s.first_rep IS NOT NULL AND c.d <= greatest(s.last_rep, s.from_day) + 200
                                   AND (c.prev IS NULL OR c.prev < s.from_day OR c.prev < greatest(s.last_rep, s.from_day)
                                        OR c.prev2 IS NULL OR c.prev2 < s.from_day OR c.prev2 < greatest(s.last_rep, s.from_day)) END
     ),
     c AS MATERIALIZED (
       SELECT s.id, s.unit_id, s.kind, v.seq, NULL::date AS at, 0 AS sub, v.metric, v.ckey, v.day, v.n
         FROM sh s CROSS JOIN LATERAL (VALUES
           (1, 'lead1.any', '', CASE WHEN s.share = 'lead1' THEN s.created_day END, 1),
           (2, 'alive.in', '', CASE WHEN s.live THEN s.created_day END, 1),
           (3, 'alive.out', '', CASE WHEN s.live AND s.closed AND s.close_day IS NOT NULL THEN greatest(s.close_day, s.created_day) END, 1),
           (10, 'L.created', '', CASE WHEN s.live AND s.share <> 'resp' THEN s.created_day END, 1),
           (11, 'L.fin', '', CASE WHEN s.live AND s.share <> 'resp' THEN s.fin_day END, 1),
           (12, 'L.fin_ok', '', CASE WHEN s.live AND s.share <> 'resp' AND s.fin_ok THEN s.fin_day END, 1),
           (13, 'L.tgt', '', CASE WHEN s.live AND s.share <> 'resp' AND s.tgt <> 0 THEN s.fin_day END, s.tgt),
           (14, 'L.tgt_met', '', CASE WHEN s.live AND s.share <> 'resp' AND s.tgt_met <> 0 THEN s.fin_day END, s.tgt_met),
           (15, 'L.od', '', CASE WHEN s.live AND s.share <> 'resp' AND (CASE WHEN s.fin_day IS NULL THEN NOT s.closed ELSE s.od_on < s.fin_day + 1 END) THEN s.od_on END, 1),
           (16, 'L.od', '', CASE WHEN s.live AND s.share <> 'resp' AND s.od_on < s.fin_day + 1 THEN s.fin_day + 1 END, -1),
           (20, 'F.created', '', CASE WHEN s.live AND s.share = 'lead1' THEN s.created_day END, 1),
           (21, 'F.fin', '', CASE WHEN s.live AND s.share = 'lead1' THEN s.fin_day END, 1),
           (22, 'F.fin_ok', '', CASE WHEN s.live AND s.share = 'lead1' AND s.fin_ok THEN s.fin_day END, 1),
           (25, 'F.od', '', CASE WHEN s.live AND s.share = 'lead1' AND (CASE WHEN s.fin_day IS NULL THEN NOT s.closed ELSE s.od_on < s.fin_day + 1 END) THEN s.od_on END, 1),
           (26, 'F.od', '', CASE WHEN s.live AND s.share = 'lead1' AND s.od_on < s.fin_day + 1 THEN s.fin_day + 1 END, -1),
           (30, 'F.due', '', CASE WHEN s.live AND s.share = 'lead1' AND s.created_day <= s.due_date THEN s.due_date END, 1),
           (100, 'rep.open', s.ckey, CASE WHEN s.live AND s.ckey IS NOT NULL AND s.fin_day IS NULL THEN s.from_day END, 1)
         ) v(seq, metric, ckey, day, n)
        WHERE v.day IS NOT NULL AND v.n <> 0
       UNION ALL
       SELECT r.id, r.unit_id, r.kind, 101, r.e, v.sub, v.metric, v.ckey, r.e, 1
         FROM rd r CROSS JOIN LATERAL (VALUES
           (1, 'rep.exp', '', NOT r.tail AND r.fin_day IS NOT NULL),
           (2, 'rep.ok', '', NOT r.tail AND r.ok),
           (2, 'rep.diff', r.ckey, NOT r.tail AND NOT r.ok AND r.prev IS NOT NULL AND r.first_rep <= r.prev),
           (3, 'rep.tail', r.ckey, r.tail)
         ) v(sub, metric, ckey, keep)
        WHERE v.keep
     ),
     f AS (
       INSERT INTO assessment_fact (item_id, unit_id, kind, share, number, live, closed, created_at, created_day, due_date, fin_at, fin_day, closed_at, close_day, contrib)
       SELECT s.id, s.unit_id, s.kind, s.share, s.number, s.live, s.closed, s.created_at, s.created_day, s.due_date, s.fin_at, s.fin_day, s.closed_at, s.close_day,
              COALESCE(g.contrib, '[]'::jsonb)
         FROM sh s LEFT JOIN (
           -- In the order shareFactsOf adds them: the share's counts, its first-report day, then each cadence date's.
           SELECT c.id, c.unit_id, jsonb_agg(jsonb_build_object('metric', c.metric, 'ckey', c.ckey, 'day', to_char(c.day, 'YYYY-MM-DD'), 'n', c.n)
                                             ORDER BY c.seq, c.at, c.sub) AS contrib
             FROM c GROUP BY c.id, c.unit_id
         ) g ON g.id = s.id AND g.unit_id = s.unit_id
       RETURNING 1
     ),
     -- The chunk's sums folded into the counters here, by day, month and year (grainsOf), rather than staged for one
     -- fold at the end: that fold sorted every chunk's per-day sums three times over (~207M rows at 10M items, not
     -- finished in 12 min). A chunk's keys are a few hundred thousand; the counters hold ~1.8M rows at 10M. In key
     -- order, so that two chunks upserting the same month and year rows (--jobs) wait for each other, never deadlock.
     st AS (
       INSERT INTO assessment_agg AS a (kind, metric, grain, day, unit_id, ckey, n)
       SELECT c.kind, c.metric, g.grain, g.day, c.unit_id, c.ckey, sum(c.n)
         FROM c CROSS JOIN LATERAL (VALUES ('d'::char(1), c.day), ('m'::char(1), date_trunc('month', c.day::timestamp)::date),
                                           ('y'::char(1), date_trunc('year', c.day::timestamp)::date)) g(grain, day)
        GROUP BY 1, 2, 3, 4, 5, 6
       HAVING sum(c.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (kind, metric, grain, day, unit_id, ckey) DO UPDATE SET n = a.n + EXCLUDED.n
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM f) AS n, (SELECT count(*) FROM st) AS staged,
            (SELECT count(*) FROM sh WHERE sh.live AND sh.ckey IS NOT NULL AND sh.from_day IS NULL) AS missing`,
    [after, upTo, kinds.map((k) => k.kind), kinds.map((k) => k.ckey)],
    )
  })
  // Shares started on a day the caller gave no first-report day for: their reporting counts would be missing.
  if (Number(rows[0]?.missing ?? 0) > 0) throw new Error(`assessment fill: ${String(rows[0]?.missing)} shares started outside the first-report days given`)
  return { shares: Number(rows[0]?.n ?? 0), counters: Number(rows[0]?.staged ?? 0) }
}

/**
 * Ends a fill: the staged per-day sums (none since the chunks fold their own; a fill stopped by an older version staged
 * them) added to assessment_agg by day, month and year (grainsOf), counters at 0 deleted, the fill's tables dropped.
 * Returns the counter rows written.
 */
export async function finishFill(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>(
    `WITH a AS (
       INSERT INTO assessment_agg AS a (kind, metric, grain, day, unit_id, ckey, n)
       SELECT s.kind, s.metric, g.grain, g.day, s.unit_id, s.ckey, sum(s.n)
         FROM ${STAGE} s CROSS JOIN LATERAL (VALUES ('d'::char(1), s.day), ('m'::char(1), date_trunc('month', s.day::timestamp)::date),
                                                    ('y'::char(1), date_trunc('year', s.day::timestamp)::date)) g(grain, day)
        GROUP BY 1, 2, 3, 4, 5, 6
       HAVING sum(s.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (kind, metric, grain, day, unit_id, ckey) DO UPDATE SET n = a.n + EXCLUDED.n
       RETURNING 1
     ) SELECT count(*) AS n FROM a`,
  )
  // Counters the chunks brought back to 0 (one chunk's +1 on a day, another's -1: 40,112 of 1.67M rows at 1M): a row of
  // 0 counts nothing, but the range sums would step over it.
  await db.query(`DELETE FROM assessment_agg WHERE n = 0`)
  for (const t of [STAGE, FROM, DATES]) await db.query(`DROP TABLE ${t}`)
  return Number(rows[0]?.n ?? 0)
}
