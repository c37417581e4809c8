/**
 * The 12345 KPIs' maintained counters (migration 152): the deltas every hotline_event change leaves in its own
 * transaction, folded by day; the backfill of the rows that existed when the migration queued it; and the reads the
 * dashboard sums (units × days of the period instead of every event). What a delta means: the migration's header.
 *
 * Exactness: a period's figures from the counters equal the row-based ones (UNIT_SQL) when the period starts and
 * ends at China midnights and asOf is either a China midnight or on/after the fold's watermark day (what `usable`
 * checks); otherwise the caller reads rows.
 */
import type { Queryable } from './db.ts'

/** A db that can run a transaction (Db and PGlite's wrapper). */
export interface TxDb extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
}

/** The clock lists migration 152's emit function is written for (ticket.kind.ts's clocks; a test compares them). */
export const AGG_CLOCKS = {
  accept: { starts: ['dispatch', 'reassign', 'refuse_return'], good: ['accept'] },
  respond: { starts: ['dispatch', 'reassign'], good: ['contact', 'reply'] },
  handle: { good: ['reply'] },
  dispatch: ['dispatch', 'reassign'],
} as const

export const COUNT_COLUMNS = [
  'events', 'dispatches', 'returns', 'reopens', 'replies', 'replies_on_time', 'follow_ups', 'rated', 'satisfied', 'asked', 'solved',
  'accept_n', 'accept_d', 'respond_n', 'respond_d', 'late_open', 'volume',
  // 满意 of 回访 superseded by a later 回访 of the ticket, taken back (≤ 0; migration 197): the trend's `satisfied` keeps them.
  'satisfied_back',
] as const
export type CountColumn = (typeof COUNT_COLUMNS)[number]
/** The event counts the trend shows, kept per day over every unit (hotline_trend_day, migration 177). */
export const TREND_COLUMNS = ['events', 'dispatches', 'replies', 'replies_on_time', 'follow_ups', 'satisfied', 'reopens', 'returns'] as const
export type UnitCounts = { readonly unitId: string } & Readonly<Record<CountColumn, number>>

export interface AggState {
  readonly complete: boolean
  readonly stale: boolean
  readonly pending: number
  readonly foldedThrough: string | null
}

const DAY = 86_400_000
const CHINA = 8 * 3_600_000
const num = (v: unknown): number => Number(v ?? 0)
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())

/** The China-time date (YYYY-MM-DD) of an instant. */
export const chinaDay = (instant: string): string => new Date(Date.parse(instant) + CHINA).toISOString().slice(0, 10)
/** Whether an instant is a China midnight. */
export const isChinaMidnight = (instant: string): boolean => (Date.parse(instant) + CHINA) % DAY === 0
/** The China midnight starting the day of an instant. */
export const chinaDayStart = (instant: string): string => new Date(Math.floor((Date.parse(instant) + CHINA) / DAY) * DAY - CHINA).toISOString()

export async function aggState(q: Queryable): Promise<AggState | null> {
  // A database that applied migration 152 before hotline_rework was added to it (2026-12-01, 20:33–20:50 UTC) reads rows.
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT complete AND tk_complete AND to_regclass('hotline_rework') IS NOT NULL AS complete, stale, ev_max - ev_next + 1 AS pending, folded_through FROM hotline_kpi_state WHERE id = 1`,
  )
  const r = rows[0]
  if (!r) return null
  return { complete: r.complete === true, stale: r.stale === true, pending: Math.max(0, num(r.pending)), foldedThrough: iso(r.folded_through) }
}

/** Whether the counters answer [from, to) as of asOf exactly (see the header). */
export function usable(state: AggState | null, from: string, to: string, asOf: string): boolean {
  if (!state || !state.complete || state.stale) return false
  if (!isChinaMidnight(from) || !isChinaMidnight(to)) return false
  return isChinaMidnight(asOf) || state.foldedThrough === null || Date.parse(state.foldedThrough) <= Date.parse(chinaDayStart(asOf))
}

/**
 * One backfill step: counts the next `batch` hotline_event rows that existed when the migration queued them. The
 * rows are read FOR SHARE, so an update racing with the step either waits for it (and is then counted by the
 * trigger, which sees the moved cursor) or is seen by it. Returns the rows counted (0 when complete).
 */
export async function backfillStep(db: TxDb, batch = 20_000): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ ev_next: unknown; ev_max: unknown; complete: boolean }>(`SELECT ev_next, ev_max, complete FROM hotline_kpi_state WHERE id = 1 FOR UPDATE`)
    const s = rows[0]
    if (!s || s.complete) return 0
    const next = num(s.ev_next)
    const max = num(s.ev_max)
    const { rows: bound } = await tx.query<{ seq: unknown }>(
      `SELECT seq FROM hotline_event WHERE seq >= $1 AND seq <= $2 ORDER BY seq OFFSET $3 LIMIT 1`,
      [next, max, batch],
    )
    const until = bound[0] ? num(bound[0].seq) : max + 1
    const { rows: n } = await tx.query<{ n: unknown }>(
      `WITH r AS (SELECT h FROM hotline_event h WHERE h.seq >= $1 AND h.seq < $2 ORDER BY h.seq FOR SHARE)
       SELECT hotline_kpi_emit(ARRAY(SELECT h FROM r), 1, true) AS done, (SELECT count(*) FROM r) AS n`,
      [next, until],
    )
    await tx.query(`UPDATE hotline_kpi_state SET ev_next = $1, complete = $1 > ev_max WHERE id = 1`, [until])
    return num(n[0]?.n)
  })
}

/**
 * One backfill step of the tickets' side (migration 153): counts the next `batch` tickets after the cursor, in
 * item_id order, read FOR SHARE (see backfillStep), except those the triggers counted since the queue. Returns the
 * tickets passed (0 when complete).
 */
export async function backfillTicketsStep(db: TxDb, batch = 20_000): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ tk_done: string; tk_complete: boolean }>(`SELECT tk_done, tk_complete FROM hotline_kpi_state WHERE id = 1 FOR UPDATE`)
    const s = rows[0]
    if (!s || s.tk_complete) return 0
    const { rows: n } = await tx.query<{ n: unknown; last: string | null }>(
      `WITH r AS (SELECT t FROM ticket t WHERE t.item_id > $1 ORDER BY t.item_id LIMIT $2 FOR SHARE)
       SELECT hotline_recv_emit(ARRAY(SELECT r.t FROM r WHERE NOT EXISTS (SELECT 1 FROM hotline_recv_seen x WHERE x.item_id = (r.t).item_id)), 1) AS done,
              (SELECT count(*) FROM r) AS n, (SELECT max((r.t).item_id) FROM r) AS last`,
      [s.tk_done, batch],
    )
    const passed = num(n[0]?.n)
    if (passed === 0) {
      await tx.query(`UPDATE hotline_kpi_state SET tk_complete = true WHERE id = 1`)
      await tx.query(`DELETE FROM hotline_recv_seen`)
    } else {
      await tx.query(`UPDATE hotline_kpi_state SET tk_done = $1 WHERE id = 1`, [n[0]!.last])
    }
    return passed
  })
}

/**
 * The received counts' upserts as CTEs f (day rows), fm (month rows) and ft (the trend's received), reading a CTE
 * g (day, dim, code, n) written before them: what foldStep and fillReceived both do with the days they settle.
 */
const RECV_UPSERTS = `f AS (
         INSERT INTO hotline_recv_day AS d (day, dim, code, n) SELECT day, dim, code, n FROM g
         ON CONFLICT (day, dim, code) DO UPDATE SET n = d.n + EXCLUDED.n
         RETURNING 1
       ), fm AS (
         INSERT INTO hotline_recv_month AS d (month, dim, code, n)
         SELECT date_trunc('month', day::timestamp)::date, dim, code, sum(n) FROM g GROUP BY 1, 2, 3
         ON CONFLICT (month, dim, code) DO UPDATE SET n = d.n + EXCLUDED.n
         RETURNING 1
       ), ft AS (
         INSERT INTO hotline_trend_day AS d (day, received)
         SELECT day, sum(n) FROM g WHERE dim = 'c' GROUP BY day
         ON CONFLICT (day) DO UPDATE SET received = d.received + EXCLUDED.received
         RETURNING 1
       )`

/**
 * One fold step: moves up to `batch` deltas settled before `cutoff` (a China midnight: the job's today) into the
 * per-day rows, their months' rows and the days' trend rows (migration 177), and raises the watermark to it. Returns
 * the deltas folded.
 */
export async function foldStep(db: TxDb, cutoff: string, batch = 50_000): Promise<number> {
  const sums = COUNT_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')
  const cols = COUNT_COLUMNS.join(', ')
  const set = COUNT_COLUMNS.map((c) => `${c} = d.${c} + EXCLUDED.${c}`).join(', ')
  const trendSums = TREND_COLUMNS.map((c) => `sum(${c})`).join(', ')
  const trendSet = TREND_COLUMNS.map((c) => `${c} = d.${c} + EXCLUDED.${c}`).join(', ')
  return db.transaction(async (tx) => {
    await tx.query(`UPDATE hotline_kpi_state SET folded_through = greatest(folded_through, $1::timestamptz) WHERE id = 1`, [cutoff])
    // A month row clamps step_day and since_day to what a read of the whole month can tell apart (migration 177).
    const { rows } = await tx.query<{ n: unknown }>(
      `WITH m AS (
         DELETE FROM hotline_kpi_delta WHERE id IN (SELECT id FROM hotline_kpi_delta WHERE step_at < $1 ORDER BY step_at LIMIT $2) RETURNING *
       ), g AS (
         SELECT (key_at AT TIME ZONE 'Asia/Shanghai')::date AS k, unit_id, (step_at AT TIME ZONE 'Asia/Shanghai')::date AS s,
                COALESCE((since_at AT TIME ZONE 'Asia/Shanghai')::date, '-infinity'::date) AS v, ${sums}
         FROM m GROUP BY 1, 2, 3, 4
       ), f AS (
         INSERT INTO hotline_kpi_day AS d (key_day, unit_id, step_day, since_day, ${cols})
         SELECT k, unit_id, s, v, ${cols} FROM g
         ON CONFLICT (key_day, unit_id, step_day, since_day) DO UPDATE SET ${set}
         RETURNING 1
       ), fm AS (
         INSERT INTO hotline_kpi_month AS d (key_month, unit_id, step_day, since_day, ${cols})
         SELECT mo, unit_id, CASE WHEN s < (mo + interval '1 month')::date THEN '-infinity'::date ELSE s END, CASE WHEN v >= mo THEN mo ELSE v END, ${sums}
         FROM (SELECT g.*, date_trunc('month', k::timestamp)::date AS mo FROM g) x GROUP BY 1, 2, 3, 4
         ON CONFLICT (key_month, unit_id, step_day, since_day) DO UPDATE SET ${set}
         RETURNING 1
       ), ft AS (
         INSERT INTO hotline_trend_day AS d (day, ${TREND_COLUMNS.join(', ')})
         SELECT k, ${trendSums} FROM g WHERE unit_id <> '' GROUP BY k
         ON CONFLICT (day) DO UPDATE SET ${trendSet}
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM m) AS n, (SELECT count(*) FROM f) + (SELECT count(*) FROM fm) + (SELECT count(*) FROM ft) AS groups`,
      [cutoff, batch],
    )
    const { rows: recv } = await tx.query<{ n: unknown }>(
      `WITH m AS (
         DELETE FROM hotline_recv_delta WHERE id IN (SELECT id FROM hotline_recv_delta WHERE received_at < $1 ORDER BY received_at LIMIT $2) RETURNING *
       ), g AS (
         SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date AS day, dim, code, sum(n) AS n FROM m GROUP BY 1, 2, 3
       ), ${RECV_UPSERTS}
       SELECT (SELECT count(*) FROM m) AS n, (SELECT count(*) FROM f) + (SELECT count(*) FROM fm) + (SELECT count(*) FROM ft) AS groups`,
      [cutoff, batch],
    )
    // A scoped board's received counts (migration 198): the same fold, by (subset, day, dimension, code); the day and
    // month upserts are migration 203's hotline_scope_add_days, which the fill (hotline_scope_fill) calls too.
    const { rows: scoped } = await tx.query<{ n: unknown }>(
      `WITH m AS (
         DELETE FROM hotline_scope_delta WHERE id IN (SELECT id FROM hotline_scope_delta WHERE received_at < $1 ORDER BY received_at LIMIT $2) RETURNING *
       )
       SELECT (SELECT count(*) FROM m) AS n, hotline_scope_add_days(ARRAY(
         SELECT ROW(k1, k2, (received_at AT TIME ZONE 'Asia/Shanghai')::date, dim, code, rest, sum(n))::hotline_scope_day
           FROM m GROUP BY k1, k2, (received_at AT TIME ZONE 'Asia/Shanghai')::date, dim, code, rest)) AS groups`,
      [cutoff, batch],
    )
    const n = num(rows[0]?.n) + num(recv[0]?.n) + num(scoped[0]?.n)
    if (n > 0) await tx.query(`UPDATE hotline_kpi_state SET fold_dead = fold_dead + $1 WHERE id = 1`, [n])
    return n
  })
}

/**
 * After the fold has caught up: when it deleted at least `threshold` deltas since the last time, vacuums (and
 * analyzes) the delta tables and the rows it updated, so that the reads' range scans over the deltas do not step
 * over every folded delta's dead index entry on a server without autovacuum (1.4 s instead of 0.4 s for a year at
 * 200k tickets). Outside a transaction. Returns whether it vacuumed.
 */
export async function vacuumFolded(q: Queryable, threshold: number): Promise<boolean> {
  const { rows } = await q.query<{ fold_dead: unknown }>(`SELECT fold_dead FROM hotline_kpi_state WHERE id = 1`)
  if (!rows[0] || num(rows[0].fold_dead) < threshold) return false
  for (const t of ['hotline_kpi_delta', 'hotline_recv_delta', 'hotline_kpi_day', 'hotline_kpi_month', 'hotline_recv_day', 'hotline_recv_month', 'hotline_trend_day', 'hotline_scope_delta', 'hotline_scope_day', 'hotline_scope_month']) {
    await q.query(`VACUUM (ANALYZE) ${t}`)
  }
  await q.query(`UPDATE hotline_kpi_state SET fold_dead = greatest(0, fold_dead - $1) WHERE id = 1`, [num(rows[0].fold_dead)])
  return true
}

/**
 * After a delete from hotline_event or a change of an event's identity (neither happens in duban today): empties
 * the counters and queues every row again, with writers held off for the moment it takes.
 */
export async function requeue(db: TxDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`LOCK TABLE hotline_event, ticket IN SHARE MODE`)
    for (const t of ['hotline_kpi_delta', 'hotline_kpi_day', 'hotline_kpi_month', 'hotline_trend_day', 'hotline_rework', 'hotline_recv_delta', 'hotline_recv_day', 'hotline_recv_month', 'hotline_recv_seen']) {
      await tx.query(`DELETE FROM ${t}`)
    }
    // The requesters' own ratings' counts (migration 199): kept beside the events', not queued, so emitted again here.
    await tx.query(`SELECT hotline_rating_emit(ARRAY(SELECT c FROM ticket_citizen_rating c), 1)`)
    // The scoped received counts (migration 198) are rebuilt at once from the tickets (as deltas: nothing is folded now).
    for (const t of ['hotline_scope_delta', 'hotline_scope_day', 'hotline_scope_month', 'hotline_scope_ticket']) await tx.query(`DELETE FROM ${t}`)
    await tx.query(`SELECT hotline_scope_fill('-infinity'::timestamptz)`)
    await tx.query(
      `UPDATE hotline_kpi_state SET ev_next = 0, ev_max = COALESCE((SELECT max(seq) FROM hotline_event), -1), stale = false, folded_through = NULL,
         complete = NOT EXISTS (SELECT 1 FROM hotline_event), tk_done = '', tk_complete = NOT EXISTS (SELECT 1 FROM ticket) WHERE id = 1`,
    )
  })
}

/** The bounds of a read: the period's instants and China days, and asOf. */
export interface AggBounds {
  readonly from: string
  readonly to: string
  readonly asOf: string
}

const boundsParams = (b: AggBounds): unknown[] => [b.from, b.to, b.asOf, chinaDay(b.from), chinaDay(b.to), chinaDay(b.asOf)]

const monthOf = (d: string): string => `${d.slice(0, 7)}-01`
const nextMonth = (m: string): string => {
  const y = Number(m.slice(0, 4))
  const mo = Number(m.slice(5, 7))
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`
}

/**
 * How a read covers the days [fromDay, toDay) as of asOfDay (YYYY-MM-DD, China days): the whole months [m0, m1) that
 * ended on or before asOfDay from the month rows, and the days [fromDay, m0) and [m1, toDay) around them from the day
 * rows (m0 = m1 = toDay when no whole month qualifies). So a period of at most 732 days reads at most 25 months and
 * about 61 days per unit, whatever its length.
 */
export function monthSpan(fromDay: string, toDay: string, asOfDay: string): { m0: string; m1: string } {
  const m0 = fromDay === monthOf(fromDay) ? fromDay : nextMonth(monthOf(fromDay))
  const m1 = monthOf(toDay < asOfDay ? toDay : asOfDay)
  return m0 < m1 ? { m0, m1 } : { m0: toDay, m1: toDay }
}

/**
 * Per-unit sums for [from, to) as of asOf (unit '' = the centre's distinct volume): the whole months' rows and the
 * edge days' rows (monthSpan; key in the period, settled before asOf's day) plus the deltas not yet folded (settled
 * before asOf).
 */
export async function unitCountsOf(q: Queryable, b: AggBounds): Promise<UnitCounts[]> {
  const plain = COUNT_COLUMNS.filter((c) => c !== 'volume')
  const rowsOf = (table: string, key: string, lo: string, hi: string): string =>
    `SELECT unit_id, ${plain.join(', ')}, CASE WHEN since_day < $4::date THEN volume ELSE 0 END AS volume
       FROM ${table} WHERE ${key} >= ${lo}::date AND ${key} < ${hi}::date AND step_day < $6::date`
  const { m0, m1 } = monthSpan(chinaDay(b.from), chinaDay(b.to), chinaDay(b.asOf))
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT unit_id, ${COUNT_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM (
       ${rowsOf('hotline_kpi_day', 'key_day', '$4', '$7')}
       UNION ALL
       ${rowsOf('hotline_kpi_month', 'key_month', '$7', '$8')}
       UNION ALL
       ${rowsOf('hotline_kpi_day', 'key_day', '$8', '$5')}
       UNION ALL
       SELECT unit_id, ${plain.join(', ')}, CASE WHEN since_at IS NULL OR since_at < $1 THEN volume ELSE 0 END
       FROM hotline_kpi_delta WHERE step_at < $3 AND key_at >= $1 AND key_at < $2
     ) x GROUP BY unit_id`,
    [...boundsParams(b), m0, m1],
  )
  return rows.map((r) => {
    const out: Record<string, unknown> = { unitId: r.unit_id as string }
    for (const c of COUNT_COLUMNS) out[c] = num(r[c])
    return out as UnitCounts
  })
}

/**
 * Event counts per trend bucket (China day, ISO week, month) for [from, to) as of asOf; buckets with events only. With
 * `units` (a board's 数据范围), the events of those units only: their day rows (hotline_kpi_day, whose trend columns
 * hotline_trend_day sums over every unit) instead of the city's one row per day.
 */
export async function trendCountsOf(q: Queryable, b: AggBounds, groupBy: 'day' | 'week' | 'month', units: readonly string[] | null = null): Promise<Record<string, number | string>[]> {
  const cols = TREND_COLUMNS
  // hotline_trend_day: one row per day; its counts are keyed and settled at the event's instant, so a day before
  // asOf's day is settled before asOf.
  const days = units === null
    ? `SELECT day::timestamp AS d, ${cols.join(', ')} FROM hotline_trend_day
       WHERE day >= $4::date AND day < $5::date AND day < $6::date`
    : `SELECT key_day::timestamp AS d, ${cols.join(', ')} FROM hotline_kpi_day
       WHERE key_day >= $4::date AND key_day < $5::date AND key_day < $6::date AND unit_id = ANY($8::text[])`
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT to_char(date_trunc($7::text, d), 'YYYY-MM-DD') AS bucket, ${cols.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM (
       ${days}
       UNION ALL
       SELECT key_at AT TIME ZONE 'Asia/Shanghai', ${cols.join(', ')} FROM hotline_kpi_delta
       WHERE step_at < $3 AND key_at >= $1 AND key_at < $2 AND unit_id <> '' AND ($8::text[] IS NULL OR unit_id = ANY($8::text[]))
     ) x GROUP BY 1 HAVING sum(events) > 0`,
    [...boundsParams(b), groupBy, units === null ? null : [...units]],
  )
  return rows.map((r) => {
    const out: Record<string, number | string> = { bucket: r.bucket as string }
    for (const c of cols) out[c] = num(r[c])
    return out
  })
}

/**
 * The most keys (place and handling units) of a ticket whose subsets the scope counters hold (migration 208: 2^k − 1
 * per dimension); a wider ticket is read from its record (wideScopeTickets).
 */
export const SCOPE_SUBSET_KEYS = 6

/**
 * The wide tickets (more than SCOPE_SUBSET_KEYS keys: migration 208) received in [$lo, $hi) before `$asOf` whose keys
 * meet the scope `$scope`, one row per ticket and dimension as a counter would count them ('c' category, 'p' place, 'm'
 * 并单), with its instant: through the partial index hotline_scope_ticket_wide_idx.
 */
const wideScopeTickets = (lo: string, hi: string, asOf: string, scope: string): string => `SELECT s.received_at, d.dim, d.code
       FROM hotline_scope_ticket s
       CROSS JOIN LATERAL (VALUES ('c', s.category_code), ('p', s.place_unit_id), ('m', CASE WHEN s.merged THEN '' END)) d(dim, code)
      WHERE cardinality(s.keys) > ${SCOPE_SUBSET_KEYS} AND s.received_at >= ${lo} AND s.received_at < ${hi} AND s.received_at < ${asOf}
        AND s.keys && ${scope}::text[] AND d.code IS NOT NULL`

/**
 * The statement that sums received counts over the current period [from, to) and the previous [prevFrom, from), before
 * asOf: whole months from `<table>_month`, edge days from `<table>_day` (monthSpan), the unfolded `<table>_delta`;
 * `where` narrows every row read (a scope's subsets). Its parameters $1–$11 are periodSpanParams'. With `wideScope` (the
 * scope's parameter), the wide tickets' records too (migration 208).
 */
const receivedSql = (table: 'hotline_recv' | 'hotline_scope', where = '', wideScope = ''): string => `SELECT dim, code, sum(cur) AS cur, sum(prev) AS prev FROM (
       SELECT r.dim, r.code, CASE WHEN q.cur THEN r.n ELSE 0 END AS cur, CASE WHEN q.cur THEN 0 ELSE r.n END AS prev
       FROM unnest($5::date[], $6::date[], $7::boolean[]) AS q(lo, hi, cur)
       CROSS JOIN LATERAL (SELECT dim, code, n FROM ${table}_day WHERE ${where}day >= q.lo AND day < q.hi AND day < $4::date OFFSET 0) r
       UNION ALL
       SELECT r.dim, r.code, CASE WHEN q.cur THEN r.n ELSE 0 END, CASE WHEN q.cur THEN 0 ELSE r.n END
       FROM unnest($8::date[], $9::date[], $10::boolean[]) AS q(lo, hi, cur)
       CROSS JOIN LATERAL (SELECT dim, code, n FROM ${table}_month WHERE ${where}month >= q.lo AND month < q.hi OFFSET 0) r
       UNION ALL
       SELECT dim, code, CASE WHEN received_at >= $1 THEN n ELSE 0 END, CASE WHEN received_at < $1 THEN n ELSE 0 END
       FROM ${table}_delta WHERE ${where}received_at >= $3 AND received_at < $2 AND received_at < $11${wideScope ? `
       UNION ALL
       SELECT dim, code, CASE WHEN received_at >= $1 THEN 1 ELSE 0 END, CASE WHEN received_at < $1 THEN 1 ELSE 0 END
       FROM (${wideScopeTickets('$3', '$2', '$11', wideScope)}) w` : ''}
     ) x GROUP BY dim, code HAVING sum(cur) <> 0 OR sum(prev) <> 0`

/** receivedSql's parameters: each of the two periods as monthSpan covers it, day ranges and month ranges, each flagged current or previous. */
function periodSpanParams(b: AggBounds & { readonly prevFrom: string }): unknown[] {
  const asOfDay = chinaDay(b.asOf)
  const fromDay = chinaDay(b.from)
  const days: { lo: string; hi: string; cur: boolean }[] = []
  const months: { lo: string; hi: string; cur: boolean }[] = []
  for (const [lo, hi, cur] of [[chinaDay(b.prevFrom), fromDay, false], [fromDay, chinaDay(b.to), true]] as const) {
    const { m0, m1 } = monthSpan(lo, hi, asOfDay)
    days.push({ lo, hi: m0, cur }, { lo: m1, hi, cur })
    months.push({ lo: m0, hi: m1, cur })
  }
  const arrays = (xs: typeof days): unknown[] => [xs.map((x) => x.lo), xs.map((x) => x.hi), xs.map((x) => x.cur)]
  return [b.from, b.to, b.prevFrom, asOfDay, ...arrays(days), ...arrays(months), b.asOf]
}

/** Tickets received per category code (dim 'c') and place unit (dim 'p') in [from, to) and in [prevFrom, from), before asOf. */
export async function receivedCountsOf(q: Queryable, b: AggBounds & { readonly prevFrom: string }): Promise<{ dim: 'c' | 'p'; code: string; cur: number; prev: number }[]> {
  const { rows } = await q.query<Record<string, unknown>>(receivedSql('hotline_recv'), periodSpanParams(b))
  return rows.map((r) => ({ dim: r.dim as 'c' | 'p', code: r.code as string, cur: num(r.cur), prev: num(r.prev) }))
}

/**
 * Tickets received per trend bucket in [from, to) before asOf. With `places` (a board's 数据范围), the tickets whose
 * place (地点) is one of them: the per-place day rows (dim 'p') instead of the city's one row per day.
 */
export async function receivedTrendOf(q: Queryable, b: AggBounds, groupBy: 'day' | 'week' | 'month', places: readonly string[] | null = null): Promise<{ bucket: string; received: number }[]> {
  const days = places === null
    ? `SELECT day::timestamp AS d, received AS n FROM hotline_trend_day WHERE day >= $4::date AND day < $5::date AND day < $6::date`
    : `SELECT day::timestamp AS d, n FROM hotline_recv_day WHERE day >= $4::date AND day < $5::date AND day < $6::date AND dim = 'p' AND code = ANY($8::text[])`
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT to_char(date_trunc($7::text, d), 'YYYY-MM-DD') AS bucket, sum(n) AS received FROM (
       ${days}
       UNION ALL
       SELECT received_at AT TIME ZONE 'Asia/Shanghai', n FROM hotline_recv_delta
       WHERE received_at >= $1 AND received_at < $2 AND received_at < $3
         AND CASE WHEN $8::text[] IS NULL THEN dim = 'c' ELSE dim = 'p' AND code = ANY($8::text[]) END
     ) x GROUP BY 1 HAVING sum(n) <> 0`,
    [...boundsParams(b), groupBy, places === null ? null : [...places]],
  )
  return rows.map((r) => ({ bucket: r.bucket as string, received: num(r.received) }))
}

/**
 * The received counts (migration 153) of tickets loaded without triggers (scripts/generate-items.ts), set-based: for
 * the tickets whose item number is in (after, upTo], what hotline_recv_emit (the insert trigger) and then foldStep
 * with `cutoff` (the job's today, a China midnight) would leave: those received before the cutoff added to the day,
 * month and trend rows, the others as deltas; the watermark raised to the cutoff as a fold does. The tickets must not
 * be counted yet (no trigger saw them). Equal to the trigger and the fold: src/app/assessment/assessment-fill.test.ts.
 * Returns the tickets counted.
 */
export async function fillReceived(db: TxDb, after: string, upTo: string, cutoff: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(`UPDATE hotline_kpi_state SET folded_through = greatest(folded_through, $1::timestamptz) WHERE id = 1`, [cutoff])
    const { rows } = await tx.query<{ n: unknown }>(
      `WITH t AS MATERIALIZED (
         SELECT t.received_at, t.category_code, t.place_unit_id FROM ticket t JOIN item i ON i.id = t.item_id
          WHERE i.number > $1 AND i.number <= $2
       ), e AS MATERIALIZED (
         SELECT received_at, 'c' AS dim, category_code AS code FROM t
         UNION ALL
         SELECT received_at, 'p', place_unit_id FROM t WHERE place_unit_id IS NOT NULL
       ), dl AS (
         INSERT INTO hotline_recv_delta (received_at, dim, code, n) SELECT received_at, dim, code, 1 FROM e WHERE received_at >= $3 RETURNING 1
       ), g AS MATERIALIZED (
         SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date AS day, dim, code, count(*) AS n FROM e WHERE received_at < $3 GROUP BY 1, 2, 3
       ), ${RECV_UPSERTS}
       SELECT (SELECT count(*) FROM t) AS n, (SELECT count(*) FROM dl) + (SELECT count(*) FROM f) + (SELECT count(*) FROM fm) + (SELECT count(*) FROM ft) AS w`,
      [after, upTo, cutoff],
    )
    return num(rows[0]?.n)
  })
}

/** A scope's received counts (migration 198): per category ('c') and place ('p') in [from, to) and [prevFrom, from), 并单 ('m') and received (the categories' sum: migration 203) in [from, to); before asOf. */
export interface ScopeCounts {
  readonly received: number
  readonly merged: number
  readonly categories: { code: string; cur: number; prev: number }[]
  readonly places: { place: string; cur: number; prev: number }[]
}

/**
 * The subsets of the scope `$n` (text[]) among a counter table's rows (migration 198's header): by the primary key's
 * k1 and k2; rest (units past the second, rare) checked after.
 */
const inScopeSubsets = (n: number): string => `k1 = ANY($${n}::text[]) AND k2 = ANY(array_append($${n}::text[], '')) AND rest <@ $${n}::text[]`

/**
 * A scoped board's received counts from the counters (migration 198): each request of the scope (by place or by a
 * unit handling it) once, summed over the scope's subsets' rows: whole months, edge days (monthSpan) and the unfolded
 * deltas, as receivedCountsOf does for every request; and the wide tickets from their records (migration 208).
 */
export async function scopeCountsOf(q: Queryable, b: AggBounds & { readonly prevFrom: string }, scope: readonly string[]): Promise<ScopeCounts> {
  const { rows } = await q.query<Record<string, unknown>>(receivedSql('hotline_scope', `${inScopeSubsets(12)} AND `, '$12'), [...periodSpanParams(b), [...scope]])
  const cur = (dim: string): number => rows.filter((r) => r.dim === dim).reduce((n, r) => n + num(r.cur), 0)
  return {
    // Every ticket has one category, so the categories' sum is the received total (migration 203 stores no 't').
    received: cur('c'),
    merged: cur('m'),
    categories: rows.filter((r) => r.dim === 'c').map((r) => ({ code: r.code as string, cur: num(r.cur), prev: num(r.prev) })),
    places: rows.filter((r) => r.dim === 'p').map((r) => ({ place: r.code as string, cur: num(r.cur), prev: num(r.prev) })),
  }
}

/**
 * A scope's requests received per trend bucket in [from, to) before asOf (migration 198; the categories' rows summed,
 * dim 'c', as migration 203 stores no total): by month from the month rows (monthSpan) and edge days; by day or week
 * from the day rows (per day, subset of the scope and category).
 */
export async function scopeTrendOf(q: Queryable, b: AggBounds, groupBy: 'day' | 'week' | 'month', scope: readonly string[]): Promise<{ bucket: string; received: number }[]> {
  const fromDay = chinaDay(b.from)
  const toDay = chinaDay(b.to)
  const asOfDay = chinaDay(b.asOf)
  // By day or week every day is read from the day rows (m0 = m1 = to: no month).
  const { m0, m1 } = groupBy === 'month' ? monthSpan(fromDay, toDay, asOfDay) : { m0: toDay, m1: toDay }
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT to_char(date_trunc($7::text, d), 'YYYY-MM-DD') AS bucket, sum(n) AS received FROM (
       SELECT day::timestamp AS d, n FROM hotline_scope_day
       WHERE ${inScopeSubsets(8)} AND dim = 'c' AND ((day >= $4::date AND day < $9::date) OR (day >= $10::date AND day < $5::date)) AND day < $6::date
       UNION ALL
       SELECT month::timestamp, n FROM hotline_scope_month
       WHERE ${inScopeSubsets(8)} AND dim = 'c' AND month >= $9::date AND month < $10::date
       UNION ALL
       SELECT received_at AT TIME ZONE 'Asia/Shanghai', n FROM hotline_scope_delta
       WHERE received_at >= $1 AND received_at < $2 AND received_at < $3 AND dim = 'c' AND ${inScopeSubsets(8)}
       UNION ALL
       SELECT received_at AT TIME ZONE 'Asia/Shanghai', 1 FROM (${wideScopeTickets('$1', '$2', '$3', '$8')}) w WHERE dim = 'c'
     ) x GROUP BY 1 HAVING sum(n) <> 0`,
    [...boundsParams(b), groupBy, [...scope], m0, m1],
  )
  return rows.map((r) => ({ bucket: r.bucket as string, received: num(r.received) }))
}

/**
 * The scoped received counts (migration 198) of tickets loaded without triggers (scripts/generate-items.ts): every
 * ticket without a record yet, set-based (hotline_scope_fill): those received before `cutoff` (the job's today, a
 * China midnight, as fillReceived takes it) into day and month rows, the others as deltas. Returns the tickets.
 */
export async function fillScopeCounts(db: Queryable, cutoff: string): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>(`SELECT hotline_scope_fill($1::timestamptz) AS n`, [cutoff])
  return num(rows[0]?.n)
}
