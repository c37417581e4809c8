/**
 * The assessment's maintained counters (migration 116): the dirty-item log the write path appends to, the per-share
 * facts with their contributions, the per-day and per-month counters, and the reads a period's ranking sums.
 */
import type { Queryable } from './db.ts'

/** A contribution as stored in assessment_fact.contrib and summed into assessment_agg. */
export interface AggDelta {
  readonly kind: string
  readonly unitId: string
  readonly metric: string
  readonly ckey: string
  readonly day: string
  readonly n: number
}

/** A share's row in assessment_fact. */
export interface FactRow {
  readonly itemId: string
  readonly unitId: string
  readonly kind: string
  readonly share: 'lead1' | 'lead' | 'resp'
  readonly number: string
  readonly live: boolean
  readonly closed: boolean
  readonly createdAt: string
  readonly createdDay: string
  readonly dueDate: string | null
  readonly finAt: string | null
  readonly finDay: string | null
  readonly closedAt: string | null
  readonly closeDay: string | null
  readonly contrib: readonly { metric: string; ckey: string; day: string; n: number }[]
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())
const dateText = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v.slice(0, 10) : (v as Date).toISOString().slice(0, 10))
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T))

/** Serialises drains across connections and processes (a drain subtracts what the facts say the item added). */
export async function lockDrain(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(7116)`)
}

/** Takes the drain lock if no one holds it (false: another drain runs now; a read then answers without draining). */
export async function tryLockDrain(tx: Queryable): Promise<boolean> {
  const { rows } = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(7116) AS ok`)
  return rows[0]?.ok === true
}

/**
 * What the log still holds, counted up to `cap` entries (a bounded count: `pending` is then `cap` and more is true),
 * and when its oldest entry was queued: the counters hold every change queued before that instant.
 */
export async function dirtyBacklog(db: Queryable, cap: number): Promise<{ pending: number; more: boolean; oldestAt: string | null }> {
  const { rows } = await db.query<{ n: number | string; oldest: unknown }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM assessment_dirty LIMIT $1) x) AS n,
            (SELECT at FROM assessment_dirty ORDER BY seq LIMIT 1) AS oldest`,
    [cap + 1],
  )
  const n = Number(rows[0]?.n ?? 0)
  return { pending: Math.min(n, cap), more: n > cap, oldestAt: iso(rows[0]?.oldest) }
}

/** Takes up to `limit` entries off the log (exactly those read; later ones stay): the distinct item ids. */
export async function takeDirty(tx: Queryable, limit: number): Promise<string[]> {
  const { rows } = await tx.query<{ item_id: string }>(
    `DELETE FROM assessment_dirty WHERE seq IN (SELECT seq FROM assessment_dirty ORDER BY seq LIMIT $1) RETURNING item_id`,
    [limit],
  )
  return [...new Set(rows.map((r) => r.item_id))]
}

/** The last entry queued so far (its seq, as text: a bigint), or null when the log is empty. A drain takes no entry past it. */
export async function dirtyHorizon(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ seq: unknown }>(`SELECT max(seq)::text AS seq FROM assessment_dirty`)
  const seq = rows[0]?.seq
  return seq === null || seq === undefined ? null : String(seq)
}

/**
 * Takes a batch off the log: among its oldest `window` entries queued up to `horizon` (seq), the first `items` distinct
 * items (by their oldest entry), and every one of those entries of theirs; answers their ids. An item marked by many
 * changes (a task that reports stream to) is recomputed once for all of them, and entries queued after `horizon` (after
 * the drain began) stay for the next drain. Exactly the rows read are deleted; later ones stay.
 */
export async function takeDirtyItems(tx: Queryable, items: number, window: number, horizon: string): Promise<string[]> {
  const { rows } = await tx.query<{ item_id: string }>(
    `WITH w AS (SELECT seq, item_id FROM assessment_dirty WHERE seq <= $3::bigint ORDER BY seq LIMIT $2),
          ids AS (SELECT item_id FROM w GROUP BY item_id ORDER BY min(seq) LIMIT $1)
     DELETE FROM assessment_dirty d USING w
      WHERE d.seq = w.seq AND w.item_id IN (SELECT item_id FROM ids)
     RETURNING d.item_id`,
    [items, Math.max(items, window), horizon],
  )
  return [...new Set(rows.map((r) => r.item_id))]
}

/** Whether the log has entries (one index probe). */
export async function hasDirty(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ x: number }>(`SELECT 1 AS x FROM assessment_dirty LIMIT 1`)
  return rows.length > 0
}

/** Marks every item of a kind dirty (its basis changed). */
export async function markKindDirty(db: Queryable, kind: string): Promise<void> {
  await db.query(`INSERT INTO assessment_dirty (item_id) SELECT id FROM item WHERE kind = $1`, [kind])
}

export async function getBasis(db: Queryable, kind: string): Promise<string | null> {
  const { rows } = await db.query<{ basis: string }>(`SELECT basis FROM assessment_basis WHERE kind = $1`, [kind])
  return rows[0]?.basis ?? null
}

export async function putBasis(db: Queryable, kind: string, basis: string): Promise<void> {
  await db.query(`INSERT INTO assessment_basis (kind, basis) VALUES ($1, $2) ON CONFLICT (kind) DO UPDATE SET basis = EXCLUDED.basis`, [kind, basis])
}

/** The kinds that have a stored basis. */
export async function basisKinds(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ kind: string; basis: string }>(`SELECT kind, basis FROM assessment_basis`)
  return new Map(rows.map((r) => [r.kind, r.basis]))
}

function toFact(r: Record<string, unknown>): FactRow {
  return {
    itemId: r.item_id as string,
    unitId: r.unit_id as string,
    kind: r.kind as string,
    share: r.share as FactRow['share'],
    number: r.number as string,
    live: r.live === true,
    closed: r.closed === true,
    createdAt: iso(r.created_at)!,
    createdDay: dateText(r.created_day)!,
    dueDate: dateText(r.due_date),
    finAt: iso(r.fin_at),
    finDay: dateText(r.fin_day),
    closedAt: iso(r.closed_at),
    closeDay: dateText(r.close_day),
    contrib: json<FactRow['contrib']>(r.contrib ?? '[]'),
  }
}

const FACT_COLS = `item_id, unit_id, kind, share, number, live, closed, created_at, created_day::text AS created_day, due_date::text AS due_date,
  fin_at, fin_day::text AS fin_day, closed_at, close_day::text AS close_day`

/** The stored facts (with contributions) of some items. */
export async function factsOfItems(tx: Queryable, itemIds: readonly string[]): Promise<FactRow[]> {
  const { rows } = await tx.query<Record<string, unknown>>(`SELECT ${FACT_COLS}, contrib FROM assessment_fact WHERE item_id = ANY($1::text[])`, [[...itemIds]])
  return rows.map(toFact)
}

/** Replaces the facts of some items (those with no share now are removed). */
export async function replaceFacts(tx: Queryable, itemIds: readonly string[], facts: readonly FactRow[]): Promise<void> {
  await tx.query(`DELETE FROM assessment_fact WHERE item_id = ANY($1::text[])`, [[...itemIds]])
  if (facts.length === 0) return
  const col = <T>(f: (x: FactRow) => T): T[] => facts.map(f)
  await tx.query(
    `INSERT INTO assessment_fact (item_id, unit_id, kind, share, number, live, closed, created_at, created_day, due_date, fin_at, fin_day, closed_at, close_day, contrib)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::boolean[], $8::timestamptz[], $9::date[],
                          $10::date[], $11::timestamptz[], $12::date[], $13::timestamptz[], $14::date[], $15::jsonb[])`,
    [
      col((f) => f.itemId), col((f) => f.unitId), col((f) => f.kind), col((f) => f.share), col((f) => f.number), col((f) => f.live), col((f) => f.closed),
      col((f) => f.createdAt), col((f) => f.createdDay), col((f) => f.dueDate), col((f) => f.finAt), col((f) => f.finDay), col((f) => f.closedAt),
      col((f) => f.closeDay), col((f) => JSON.stringify(f.contrib)),
    ],
  )
}

/** The counter rows a count on `day` goes to: the day, its month (the 1st) and its year (January 1st, migration 176). */
export function grainsOf(day: string): readonly (readonly ['d' | 'm' | 'y', string])[] {
  return [['d', day], ['m', `${day.slice(0, 7)}-01`], ['y', `${day.slice(0, 4)}-01-01`]]
}

/** Adds deltas to the day, month and year counters: one statement, rows in key order (drains are serialised anyway). */
export async function applyDeltas(tx: Queryable, deltas: readonly AggDelta[]): Promise<void> {
  const sum = new Map<string, { d: AggDelta; grain: string; day: string; n: number }>()
  for (const d of deltas) {
    for (const [grain, day] of grainsOf(d.day)) {
      const key = `${d.kind}\u0000${d.metric}\u0000${grain}\u0000${day}\u0000${d.unitId}\u0000${d.ckey}`
      const e = sum.get(key)
      if (e) e.n += d.n
      else sum.set(key, { d, grain, day, n: d.n })
    }
  }
  const rows = [...sum.entries()].filter(([, e]) => e.n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e)
  if (rows.length === 0) return
  await tx.query(
    `INSERT INTO assessment_agg AS a (kind, metric, grain, day, unit_id, ckey, n)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::bigint[])
     ON CONFLICT (kind, metric, grain, day, unit_id, ckey) DO UPDATE SET n = a.n + EXCLUDED.n`,
    [rows.map((r) => r.d.kind), rows.map((r) => r.d.metric), rows.map((r) => r.grain), rows.map((r) => r.day), rows.map((r) => r.d.unitId), rows.map((r) => r.d.ckey), rows.map((r) => r.n)],
  )
}

/** One range of one metric to sum: [lo, hi) in days, or `byDay` to get each day's row. */
export interface AggRange {
  readonly label: string
  readonly metric: string
  readonly lo: string
  readonly hi: string
  readonly byDay?: boolean
}

const FIRST = '0001-01-01'
const monthOf = (d: string): string => `${d.slice(0, 7)}-01`
const nextMonth = (m: string): string => {
  const y = Number(m.slice(0, 4))
  const mo = Number(m.slice(5, 7))
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`
}

const yearOf = (d: string): string => `${d.slice(0, 4)}-01-01`
const nextYear = (y: string): string => `${Number(y.slice(0, 4)) + 1}-01-01`

/**
 * A day range as year pieces (whole years inside it), month pieces (whole months inside what is left) and day pieces
 * (the edges). Before migration 176 there were no year rows: a year has as many rows as its months (12 per unit and
 * metric instead of 365), and a range from the beginning of time (the counts "so far") reads one row per year instead
 * of one per month.
 */
export function rangePieces(lo: string, hi: string): { grain: 'd' | 'm' | 'y'; lo: string; hi: string }[] {
  if (!(lo < hi)) return []
  const from = lo === FIRST || lo < '1900-01-01' ? FIRST : lo
  const y0 = from === FIRST ? FIRST : from === yearOf(from) ? from : nextYear(from)
  const y1 = yearOf(hi)
  if (y0 >= y1) return monthPieces(lo, hi)
  return [...(from === FIRST ? [] : monthPieces(lo, y0)), { grain: 'y' as const, lo: y0, hi: y1 }, ...monthPieces(y1, hi)]
}

/** A day range as month pieces (whole months inside it) and day pieces (the edges). */
function monthPieces(lo: string, hi: string): { grain: 'd' | 'm'; lo: string; hi: string }[] {
  if (!(lo < hi)) return []
  if (lo === FIRST || lo < '1900-01-01') {
    const m = monthOf(hi)
    return [{ grain: 'm', lo: FIRST, hi: m }, ...(m < hi ? [{ grain: 'd' as const, lo: m, hi }] : [])]
  }
  const m0 = lo === monthOf(lo) ? lo : nextMonth(monthOf(lo))
  const m1 = monthOf(hi)
  if (m0 >= m1) return [{ grain: 'd', lo, hi }]
  const out: { grain: 'd' | 'm'; lo: string; hi: string }[] = []
  if (lo < m0) out.push({ grain: 'd', lo, hi: m0 })
  out.push({ grain: 'm', lo: m0, hi: m1 })
  if (m1 < hi) out.push({ grain: 'd', lo: m1, hi })
  return out
}

/**
 * The sums of some ranges per unit and cadence key (and per day for `byDay` ranges), in one statement: one index range
 * scan per range piece (grain is char(1) so that it is part of the index condition; as text it was a filter, 0.7 s). OFFSET 0 keeps
 * the ranges a nested loop: joined by hash, the planner read the whole table in parallel (0.8 s at 1M items).
 */
export async function sumRanges(db: Queryable, kind: string, ranges: readonly AggRange[]): Promise<{ label: string; unitId: string; ckey: string; day: string | null; n: number }[]> {
  const q: { label: string; metric: string; grain: string; lo: string; hi: string; byDay: boolean }[] = []
  for (const r of ranges) {
    if (r.byDay) {
      if (r.lo < r.hi) q.push({ label: r.label, metric: r.metric, grain: 'd', lo: r.lo, hi: r.hi, byDay: true })
    } else for (const p of rangePieces(r.lo, r.hi)) q.push({ label: r.label, metric: r.metric, grain: p.grain, lo: p.lo, hi: p.hi, byDay: false })
  }
  if (q.length === 0) return []
  const { rows } = await db.query<{ label: string; unit_id: string; ckey: string; day: string | null; n: unknown }>(
    `SELECT q.label, a.unit_id, a.ckey, CASE WHEN q.by_day THEN a.day::text END AS day, sum(a.n) AS n
       FROM unnest($2::text[], $3::text[], $4::char(1)[], $5::date[], $6::date[], $7::boolean[]) AS q(label, metric, grain, lo, hi, by_day)
      CROSS JOIN LATERAL (SELECT a.unit_id, a.ckey, a.day, a.n FROM assessment_agg a
                           WHERE a.kind = $1 AND a.metric = q.metric AND a.grain = q.grain AND a.day >= q.lo AND a.day < q.hi OFFSET 0) a
      GROUP BY 1, 2, 3, 4`,
    [kind, q.map((x) => x.label), q.map((x) => x.metric), q.map((x) => x.grain), q.map((x) => x.lo), q.map((x) => x.hi), q.map((x) => x.byDay)],
  )
  return rows.map((r) => ({ label: r.label, unitId: r.unit_id, ckey: r.ckey, day: r.day, n: Number(r.n) }))
}

/** The instants and days a running period's as-of-now correction compares a share's facts with (see correctionsAround). */
export interface AroundInstants {
  /** The assessment instant (now, inside the period or before it). */
  readonly asOf: string
  /** The local day of asOf. */
  readonly x: string
  /** The period's end instant and the day after its last day. */
  readonly T: string
  readonly tDay: string
  /** The period's start instant. */
  readonly from: string
  /** Where the period's alive shares start (the period's start, or asOf for a future period) and its local day. */
  readonly activeFrom: string
  readonly afDay: string
  /** Closed on this day matters (a future period: activeFrom is asOf), else null. */
  readonly closeDay: string | null
  /** asOf is in day x's last second: items due on x are overdue already. */
  readonly lastSecond: boolean
}

/** A unit's correction of the midnight counters to an instant inside the current day. */
export interface UnitCorrection {
  readonly unitId: string
  readonly alive: number
  readonly lOd: number
  readonly lLate: number
  readonly fOd: number
  readonly fLate: number
}

/**
 * The midnight counters' error as of an instant inside day x, summed per unit in SQL: over the shares whose standing
 * may differ from the counters' (created or finished on x or later, closed on `closeDay`, due on x when asOf is in
 * the day's last second), the exact standing minus the midnight one — alive in the period, overdue (L for every lead,
 * F for the first lead only) and late (overdue and not finished inside the period). One row per unit instead of one
 * per share: the generator's data has ~17,000 shares finishing in the future, which were read into Node one by one.
 * The branches are disjoint (UNION ALL, no sort to drop repeats), each an index range scan.
 *
 * Shares created or finished after day x (none in real data; days of them when the clock is inside generated data)
 * are read only where their difference can be other than 0 (migration 201's partial indexes): created after x, a share
 * differs only when due on or before x (so due before its creation) or closed on or before x (so closed before its
 * creation); finished after x (created before x), only when overdue now and finishing inside the period (late: a
 * late finish, after its due day + 1), due on x in the day's last second (the due-day branch), closed on `closeDay`
 * (the close-day branch) or closed before its creation. Every other later share has exact = midnight standing, so
 * the sums equal those of reading them all. Equal to the item-by-item computation: assessment-aggregates.test.ts
 * (including instants before the latest changes).
 */
export async function correctionsAround(db: Queryable, kind: string, t: AroundInstants): Promise<UnitCorrection[]> {
  const cols = `unit_id, share, closed, created_at, created_day, due_date, fin_at, fin_day, closed_at, close_day`
  // $1 kind, $2 x, $3 closeDay, $4 due day (x in the last second, else null), $5 tDay, $6 afDay, $7 T, $8 activeFrom,
  // $9 asOf, $10 from, $11 the first due date not yet overdue at asOf.
  const dueBefore = t.lastSecond ? nextDay(t.x) : t.x
  // Closed before created (no path writes one; kept exact): their own branch, the others leave them out.
  const notK = `NOT coalesce(close_day < created_day, false)`
  // A share finishing after x inside the period and overdue now (the late-finish branch).
  const lateFin = `fin_day > $2::date AND fin_day < $5::date AND due_date < $2::date`
  const aliveApprox = `(s.created_day < $5::date AND NOT coalesce(s.closed AND s.close_day IS NOT NULL AND greatest(s.close_day, s.created_day) < $6::date, false))`
  const aliveExact = `(s.created_at < $7::timestamptz AND NOT coalesce(s.closed AND s.closed_at IS NOT NULL AND s.closed_at < $8::timestamptz, false))`
  const odApprox = `coalesce(greatest(s.due_date, s.created_day) + 1 <= $2::date AND CASE WHEN s.fin_day IS NOT NULL THEN $2::date < s.fin_day + 1 ELSE NOT s.closed END, false)`
  const odExact = `coalesce(s.created_at < $7::timestamptz AND s.due_date < $11::date AND CASE WHEN s.fin_at IS NOT NULL THEN s.fin_at >= $9::timestamptz ELSE NOT s.closed END, false)`
  const lateExact = `(${odExact} AND NOT coalesce(s.fin_at >= $10::timestamptz AND s.fin_at < $7::timestamptz, false))`
  const { rows } = await db.query<{ unit_id: string; alive: unknown; l_od: unknown; l_late: unknown; f_od: unknown; f_late: unknown }>(
    `WITH s AS (
       SELECT ${cols} FROM assessment_fact WHERE kind = $1 AND live AND created_day = $2::date AND ${notK}
       UNION ALL SELECT ${cols} FROM assessment_fact WHERE kind = $1 AND live AND due_date < created_day AND created_day > $2::date AND ${notK}
       UNION ALL SELECT ${cols} FROM assessment_fact WHERE kind = $1 AND live AND fin_day = $2::date AND created_day < $2::date AND ${notK}
       UNION ALL SELECT ${cols} FROM assessment_fact WHERE kind = $1 AND live AND fin_day > due_date + 1 AND ${lateFin} AND created_day < $2::date AND ${notK}
       UNION ALL SELECT ${cols} FROM assessment_fact WHERE kind = $1 AND live AND close_day = $3::date AND created_day < $2::date AND ${notK}
                   AND NOT coalesce(fin_day = $2::date, false) AND NOT coalesce(${lateFin}, false)
       UNION ALL SELECT ${cols} FROM assessment_fact WHERE kind = $1 AND live AND due_date = $4::date AND created_day < $2::date AND ${notK}
                   AND NOT coalesce(fin_day = $2::date, false) AND NOT coalesce(close_day = $3::date, false)
       UNION ALL SELECT ${cols} FROM assessment_fact WHERE kind = $1 AND live AND close_day < created_day
                   AND (created_day >= $2::date OR coalesce(fin_day >= $2::date, false) OR close_day = $3::date OR due_date = $4::date)
     )
     SELECT s.unit_id,
            sum(${aliveExact}::int - ${aliveApprox}::int) AS alive,
            sum(CASE WHEN s.share <> 'resp' AND s.due_date IS NOT NULL THEN ${odExact}::int - ${odApprox}::int ELSE 0 END) AS l_od,
            sum(CASE WHEN s.share <> 'resp' AND s.due_date IS NOT NULL THEN ${lateExact}::int - ${odApprox}::int ELSE 0 END) AS l_late,
            sum(CASE WHEN s.share = 'lead1' AND s.due_date IS NOT NULL THEN ${odExact}::int - ${odApprox}::int ELSE 0 END) AS f_od,
            sum(CASE WHEN s.share = 'lead1' AND s.due_date IS NOT NULL THEN ${lateExact}::int - ${odApprox}::int ELSE 0 END) AS f_late
       FROM s GROUP BY s.unit_id`,
    [kind, t.x, t.closeDay, t.lastSecond ? t.x : null, t.tDay, t.afDay, t.T, t.activeFrom, t.asOf, t.from, dueBefore],
  )
  return rows.map((r) => ({ unitId: r.unit_id, alive: Number(r.alive), lOd: Number(r.l_od), lLate: Number(r.l_late), fOd: Number(r.f_od), fLate: Number(r.f_late) }))
}

const nextDay = (d: string): string => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** First-lead live shares created after their due date, due in [firstDate, lastDate] and created by lastDate, per unit. */
export async function lateCreatedDue(db: Queryable, kind: string, firstDate: string, lastDate: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ unit_id: string; n: unknown }>(
    `SELECT unit_id, count(*) AS n FROM assessment_fact
      WHERE kind = $1 AND share = 'lead1' AND created_day > due_date AND due_date BETWEEN $2::date AND $3::date AND created_day <= $3::date AND live
      GROUP BY unit_id`,
    [kind, firstDate, lastDate],
  )
  return new Map(rows.map((r) => [r.unit_id, Number(r.n)]))
}

/** The first item number per unit among its first-lead shares created before `createdBefore` (cancelled included). */
export async function firstLeadNumbers(db: Queryable, kind: string, unitIds: readonly string[], createdBefore: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ unit_id: string; number: string | null }>(
    `SELECT u.unit_id, (SELECT f.number FROM assessment_fact f WHERE f.kind = $1 AND f.unit_id = u.unit_id AND f.share = 'lead1' AND f.created_at < $3
                          ORDER BY f.number LIMIT 1) AS number
       FROM unnest($2::text[]) AS u(unit_id)`,
    [kind, [...unitIds], createdBefore],
  )
  return new Map(rows.filter((r) => r.number !== null).map((r) => [r.unit_id, r.number!]))
}

/** The first alive share per unit (item number, share), for units that lead no item: where they first appear. */
export async function firstAliveShares(db: Queryable, kind: string, unitIds: readonly string[], createdBefore: string, activeFrom: string): Promise<Map<string, { number: string; share: string }>> {
  const { rows } = await db.query<{ unit_id: string; number: string | null; share: string | null }>(
    `SELECT u.unit_id, x.number, x.share FROM unnest($2::text[]) AS u(unit_id) LEFT JOIN LATERAL (
       SELECT f.number, f.share FROM assessment_fact f
        WHERE f.kind = $1 AND f.unit_id = u.unit_id AND f.live AND f.created_at < $3 AND NOT (f.closed AND f.closed_at IS NOT NULL AND f.closed_at < $4)
        ORDER BY f.number LIMIT 1) x ON true`,
    [kind, [...unitIds], createdBefore, activeFrom],
  )
  return new Map(rows.filter((r) => r.number !== null).map((r) => [r.unit_id, { number: r.number!, share: r.share! }]))
}
