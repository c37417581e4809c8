/** The ledger (台账) in the database: its filters and one page of items by keyset or offset, with a bounded count. */
import type { Db, Queryable } from './db.ts'
import { COLS, scopeSql, toItem, unitsOf, type ItemRow, type ItemUnitRole } from './items.repo.ts'

/** Ledger filters (台账筛选). */
export interface ItemFilter {
  readonly kind?: string | undefined
  /** A state name (`accepted`) … */
  readonly state?: string | undefined
  /** … or an engine state type (`open`, `waiting`, `closed`): each has its own index. */
  readonly stateType?: string | undefined
  readonly unit?: string | undefined
  readonly plan?: string | undefined
  readonly q?: string | undefined
  /** Open items whose due date is before `today`. */
  readonly overdueOn?: string | undefined
  readonly scope: readonly string[] | null
  readonly limit: number
  /** Rows to skip (old clients); ignored when `afterNumber` is given. */
  readonly offset: number
  /** Keyset: only items numbered after this (the last number of the previous page). */
  readonly afterNumber?: string | undefined
  /** Count matching items up to this many; the total is then a lower bound. */
  readonly countCap: number
  /**
   * With `afterNumber`: the lower bound an earlier page of the same filter counted (its cursor carries it). The
   * count is not read again; the page's total is this, still a lower bound.
   */
  readonly knownTotal?: number | undefined
  /** Rows a search term no trigram index serves reads at most, per page and for the count (LEDGER_SCAN_WINDOW). */
  readonly scanWindow?: number | undefined
  /** Rows a page or a count walks in number order before it asks for the matching set instead (LEDGER_WALK_WINDOW). */
  readonly walkWindow?: number | undefined
  /** The share of the open work from which a scope of several units is read by number (SCOPE_SHARE, scope-share.ts); a test gives its own. */
  readonly scopeShare?: number | undefined
}

/**
 * How many items, in number order, a search term of fewer than three characters reads per page (and counts in):
 * pg_trgm makes no trigram of it, so without a bound a rare two-character word reads every item (10M). A page then
 * holds the matches among the next LEDGER_SCAN_WINDOW items and, when it found fewer than asked, still gives a
 * cursor to go on from the window's end; the count covers the first window and is capped past it.
 */
export const LEDGER_SCAN_WINDOW = 20_000

/**
 * How many items a searchable term walks in number order (over the whole ledger or one kind, with the unit or scope
 * checked on the way) before it asks for its trigram set instead. A common word (one item in ten) fills a page within
 * a few hundred items and its capped count within ten thousand, where the trigram bitmap of a million items costs
 * seconds at 10M; a rare word finds nothing in the first LEDGER_WALK_FIRST items and takes its set, which is small
 * exactly then. Same rows in the same order either way.
 */
export const LEDGER_WALK_WINDOW = 20_000

/** The first, short walk: a term it finds nowhere takes the set at once; else its rate says whether to walk on. */
export const LEDGER_WALK_FIRST = 1_000

/** How many items of a state, state type or overdue range a unit or scope walks for its page before taking its set. */
export const LEDGER_WALK_UNIT = 2_000

/** Whether pg_trgm can serve `ILIKE '%q%'` from its index: it needs a run of three characters within a word. */
export function trigramSearchable(q: string): boolean {
  return /[\p{L}\p{N}]{3}/u.test(q)
}

/** A ledger row: the item and its units. */
export interface LedgerRow extends ItemRow {
  readonly units: readonly { unitId: string; unitName: string; role: ItemUnitRole }[]
}

/** One page of the ledger: its rows with their units, the bounded count, and where the next page starts. */
export interface LedgerPage {
  readonly rows: LedgerRow[]
  /** Matching items counted, at most countCap. */
  readonly total: number
  /** The count is a lower bound: past countCap, or it stopped before the end of what it counts. */
  readonly more: boolean
  readonly hasNext: boolean
  /** The number the next page starts after, when there is one. */
  readonly nextAfter: string | null
}

/**
 * The page every ledger read answers with: the rows as read (one past the limit says a next page exists, and the
 * page's last number is where it starts), their units, and the count `n` read up to countCap + 1 (`lowerBound`: it
 * stopped before the end of what it counts). `next` replaces where the next page starts (a windowed search goes on
 * from its window's end when the window held fewer rows than asked).
 */
export async function ledgerPage(
  q: Queryable,
  f: ItemFilter,
  rows: readonly Record<string, unknown>[],
  n: number,
  lowerBound = false,
  next?: { readonly hasNext: boolean; readonly nextAfter: string | null },
): Promise<LedgerPage> {
  const items = rows.slice(0, f.limit).map(toItem)
  const hasNext = next ? next.hasNext : rows.length > f.limit
  const nextAfter = next ? next.nextAfter : (items.at(-1)?.number ?? null)
  const units = await unitsOf(q, items.map((i) => i.id))
  return {
    rows: items.map((i) => ({ ...i, units: units.get(i.id) ?? [] })),
    total: Math.min(n, f.countCap),
    more: n > f.countCap || lowerBound,
    hasNext,
    nextAfter: hasNext ? nextAfter : null,
  }
}

/** The lower bound an earlier page counted for this filter (ItemFilter.knownTotal), on a page after a cursor only. */
export function knownLowerBound(f: ItemFilter): number | undefined {
  return f.afterNumber === undefined ? undefined : f.knownTotal
}

/**
 * What ledger text search (台账检索) matches: title, number and body in one expression, so one trigram index
 * (migration 070) serves `ILIKE '%…%'`. The separator is a newline, which a single-line search cannot span.
 */
export const LEDGER_TEXT = `(i.title || E'\\n' || i.number || E'\\n' || i.body)`

/** One statement's parameters: `p(v)` appends v and answers its placeholder. */
function statementParams(): { params: unknown[]; p: (v: unknown) => string } {
  const params: unknown[] = []
  return { params, p: (v) => (params.push(v), `$${params.length}`) }
}

const whereOf = (conds: readonly string[]): string => (conds.length ? `WHERE ${conds.join(' AND ')}` : '')

/** The trigrams pg_trgm makes of `q` inside its runs of letters and digits (lower-cased, each once). */
export function wordTrigrams(q: string): string[] {
  const out = new Set<string>()
  for (const run of q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const cs = [...run]
    for (let k = 0; k + 3 <= cs.length; k++) out.add(cs.slice(k, k + 3).join(''))
  }
  return [...out]
}

/** Items (the first, in number order) whose text is searched for each trigram's share (ledgerTrigramShares). */
export const LEDGER_TRIGRAM_SAMPLE = 1_000
/** How long a trigram's share is kept (per database handle) before it is sampled again. */
const TRIGRAM_SHARE_TTL_MS = 10 * 60_000
const trigramShares = new WeakMap<object, Map<string, { share: number; at: number }>>()

/**
 * The share of items holding each trigram, from the first LEDGER_TRIGRAM_SAMPLE items in number order (cached per
 * database handle for ten minutes). A trigram in most items (a number's `GEN-000…` prefix, boilerplate like 群众反映)
 * makes the trigram index read a posting list of every item for nothing: its set is all but the same without it.
 */
async function ledgerTrigramShares(q: Queryable, trigrams: readonly string[], op: string): Promise<Map<string, number>> {
  let cache = trigramShares.get(q)
  if (!cache) trigramShares.set(q, (cache = new Map()))
  const now = Date.now()
  const missing = trigrams.filter((t) => !((cache.get(t)?.at ?? -Infinity) > now - TRIGRAM_SHARE_TTL_MS))
  if (missing.length) {
    const { rows } = await q.query<Record<string, number>>(
      `SELECT count(*)::int AS n, ${missing.map((_, k) => `count(*) FILTER (WHERE s.t ${op} $${k + 1})::int AS t${k}`).join(', ')}
         FROM (SELECT ${LEDGER_TEXT} AS t FROM item i ORDER BY i.number LIMIT ${LEDGER_TRIGRAM_SAMPLE}) s`,
      missing.map((t) => `%${t}%`),
    )
    const r = rows[0] ?? {}
    const n = Math.max(1, Number(r.n ?? 0))
    missing.forEach((t, k) => cache.set(t, { share: Number(r[`t${k}`] ?? 0) / n, at: now }))
    if (cache.size > 10_000) cache.clear()
  }
  return new Map(trigrams.map((t) => [t, cache.get(t)?.share ?? 0]))
}

/**
 * The trigrams of a term worth giving the trigram index: its rarest and those at most ten times as common (or in at
 * most 1% of items). Every other trigram of the term is checked on the row anyway (the whole term is), and an entry
 * in a million items costs the index a million postings to read: `GEN-0001234567` read `gen`, `000` and `001` of
 * every item, and 城关镇粮食安全问题 (one item in 240) the lists of 粮食安 and 安全问 (one in ten). When they are all
 * about as common, the trigrams that tile the term (every third, and the last): neighbours overlap by two characters
 * and say little more than one of them (粮食安全生产: 粮食安 and 全生产, not 食安全 and 安全生 too). Null: all of them.
 */
export async function selectiveTrigrams(q: Queryable, term: string, op: string): Promise<string[] | null> {
  const all = wordTrigrams(term)
  if (all.length < 2) return null
  const shares = await ledgerTrigramShares(q, all, op)
  const least = Math.min(...all.map((t) => shares.get(t) ?? 0))
  const keep = all.filter((t) => (shares.get(t) ?? 0) <= Math.max(10 * least, 0.01))
  if (keep.length < all.length) return keep
  const tiles = tilingTrigrams(term)
  return tiles.length < all.length ? tiles : null
}

/** Trigrams that cover every character of each run of letters and digits of `q`: every third, and the run's last. */
export function tilingTrigrams(q: string): string[] {
  const out = new Set<string>()
  for (const run of q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const cs = [...run]
    if (cs.length < 3) continue
    for (let k = 0; k + 3 <= cs.length; k += 3) out.add(cs.slice(k, k + 3).join(''))
    out.add(cs.slice(cs.length - 3).join(''))
  }
  return [...out]
}

/**
 * The ledger (台账): filtered, ordered by number, one page by keyset (`afterNumber`) or offset. `total` counts
 * at most `countCap` matching rows (a bounded count: past it `more` is true), `hasNext` says a further page exists
 * and `nextAfter` the number it starts after (the page's last, or for a windowed search the window's end).
 *
 * Filters an index keeps in number order (kind, state, state type, overdue, plan) are an index range, the unit and
 * the data scope a probe of item_unit per item or, for counts and within a state or overdue range, a merge of two
 * id-ordered indexes (migration 144). A
 * searchable term over the whole ledger or one kind is walked (LEDGER_WALK_WINDOW) before its trigram set is taken.
 * A page taken from the matching set (materialized whole to be sorted) counts from that same set, in the same
 * statement, rather than finding it again; a term's set asks the trigram index for its selective trigrams only.
 */
export async function listItems(
  q: Queryable,
  f: ItemFilter,
): Promise<LedgerPage> {
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null
  // A term no trigram index serves is read within a window of items (LEDGER_SCAN_WINDOW), not over the whole ledger.
  const windowed = f.q !== undefined && like !== null && !trigramSearchable(f.q)
  // ILIKE case-folds every row's whole text (about 10 µs a row on 10M items); a term without cased letters (most
  // Chinese) matches the same rows case-sensitively, and LIKE skips the folding. The trigram index serves both.
  const op = f.q !== undefined && f.q.toLowerCase() === f.q.toUpperCase() ? 'LIKE' : 'ILIKE'
  type P = (v: unknown) => string
  /** Conditions an index serves in number order. */
  const ordered = (p: P): string[] => {
    const w: string[] = []
    if (f.kind) w.push(`i.kind = ${p(f.kind)}`)
    if (f.state) w.push(`i.state = ${p(f.state)}`)
    if (f.stateType) w.push(`i.state_type = ${p(f.stateType)}`)
    if (f.plan) w.push(`i.plan_id = ${p(f.plan)}`)
    if (f.overdueOn) w.push(`i.state_type <> 'closed' AND i.due_date < ${p(f.overdueOn)}::date`)
    return w
  }
  /** The trigrams a set statement gives the index (null: the whole term's), chosen once, when a set is first needed. */
  let indexTrigrams: string[] | null | undefined
  /** Conditions checked row by row: unit and scope (a probe of item_unit), and a searchable term. */
  const residual = (p: P): string[] => {
    const w: string[] = []
    if (f.unit) w.push(`EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = i.id AND u.unit_id = ${p(f.unit)})`)
    // A scope of one unit (a liaison of a unit without sub-units) as the unit filter is: an equality lets the planner
    // merge item_unit's (unit_id, item_id) range in item id order, where `= ANY(array)` is probed item by item.
    if (f.scope)
      w.push(
        f.scope.length === 1
          ? `EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = i.id AND s.unit_id = ${p(f.scope[0])})`
          : `EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = i.id AND s.unit_id = ANY(${p([...f.scope])}::text[]))`,
      )
    if (like !== null && !windowed) {
      if (indexTrigrams) {
        // The index is asked for the selective trigrams; the whole term is checked on the row, in a form it cannot serve.
        for (const t of indexTrigrams) w.push(`${LEDGER_TEXT} ${op} ${p(`%${t}%`)}`)
        w.push(`(${LEDGER_TEXT} || '') ${op} ${p(like)}`)
      } else w.push(`${LEDGER_TEXT} ${op} ${p(like)}`)
    }
    return w
  }
  /** Before a statement that takes the term's set from the trigram index: which trigrams to give it. */
  const prepareSet = async (): Promise<void> => {
    if (indexTrigrams === undefined) indexTrigrams = like !== null && !windowed && f.q !== undefined ? await selectiveTrigrams(q, f.q, op) : null
  }
  const after = (p: P): string[] => (f.afterNumber === undefined ? [] : [`i.number > ${p(f.afterNumber)}`])
  const skip = (p: P): string => (f.afterNumber === undefined && f.offset > 0 ? ` OFFSET ${p(f.offset)}` : '')
  /** The number of the `n`th item of the ordered range after `from` (from its start when undefined), or null when it holds fewer. */
  const nth = async (n: number, from: string | undefined): Promise<string | null> => {
    const s = statementParams()
    const start = from === undefined ? [] : [`i.number > ${s.p(from)}`]
    const { rows } = await q.query<{ number: string }>(`SELECT i.number FROM item i ${whereOf([...ordered(s.p), ...start])} ORDER BY i.number OFFSET ${n - 1} LIMIT 1`, s.params)
    return rows[0]?.number ?? null
  }

  if (windowed) return listWindowed(q, f, like, op)

  const walk = f.walkWindow ?? LEDGER_WALK_WINDOW
  const first = Math.min(LEDGER_WALK_FIRST, Math.ceil(walk / 10))
  const cap = f.countCap + 1
  // The walk serves a searchable term over a dense range — the whole ledger or one kind, whose items lie on the heap
  // in number order, a few heap pages per hundred rows. A state, overdue or plan range is sparse (a heap page per
  // row walked), and an offset (old clients) cannot resume a walk: those take the planner's plan, which for a unit or
  // scope there is a merge of two id-ordered indexes (migration 144).
  const walks = like !== null && !f.state && !f.stateType && !f.overdueOn && !f.plan && (f.afterNumber !== undefined || f.offset === 0)
  // A unit or scope within a state, state type or overdue range: walking that range in number order reads a heap page
  // per item, fine for a page of a common combination (LEDGER_WALK_UNIT items at most), 20,000 pages for a rare one
  // at 10M; that one takes the matching (id, number) pairs of the two id-ordered indexes (migration 144), sorted,
  // which read no heap but all of both index ranges.
  const sparseUnit = like === null && !f.plan && Boolean(f.unit || f.scope) && Boolean(f.state || f.stateType || f.overdueOn)
  /** The matches among the next `window` items of the range after `from`, at most `n`. */
  const walkRows = async (from: string | undefined, window: number, n: number): Promise<Record<string, unknown>[]> => {
    const s = statementParams()
    const start = from === undefined ? [] : [`i.number > ${s.p(from)}`]
    return (await q.query(`SELECT ${COLS} FROM (SELECT * FROM item i ${whereOf([...ordered(s.p), ...start])} ORDER BY i.number LIMIT ${window}) i ${whereOf(residual(s.p))} ORDER BY i.number LIMIT ${n}`, s.params)).rows
  }
  /** How many of the next `window` items of the range after `from` (up to `to` when given) match, counting at most `n`. */
  const walkCount = async (from: string | undefined, window: number, n: number, to?: string): Promise<number> => {
    const s = statementParams()
    const start = [...(from === undefined ? [] : [`i.number > ${s.p(from)}`]), ...(to === undefined ? [] : [`i.number <= ${s.p(to)}`])]
    const { rows } = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM (SELECT * FROM item i ${whereOf([...ordered(s.p), ...start])} ORDER BY i.number LIMIT ${window}) i ${whereOf(residual(s.p))} LIMIT ${n}) c`,
      s.params,
    )
    return Number(rows[0]?.n ?? 0)
  }
  /** Whether a second walk (to `walk` items in all) is likely to find the `short` rows the first one did not. */
  const worthWalking = (found: number, short: number): boolean => found > 0 && (short * first) / found <= walk - first

  // One row past the page says whether a next page exists.
  let rows: Record<string, unknown>[] | null = null
  /** On page 1, what the page's first walk found: the count's first walk would read the same items. */
  let firstWalk: { found: number; end: string | null } | null = null
  /** On page 1, when the second walk filled the page: every match after the first items up to its last row. */
  let secondWalk: { found: number; last: string } | null = null
  if (walks) {
    const want = f.limit + 1
    const r1 = await walkRows(f.afterNumber, first, want)
    const end1 = r1.length < want ? await nth(first, f.afterNumber) : null
    if (f.afterNumber === undefined && r1.length < want) firstWalk = { found: r1.length, end: end1 }
    if (r1.length === want || end1 === null) rows = r1
    else if (worthWalking(r1.length, want - r1.length)) {
      const r2 = await walkRows(end1, walk - first, want - r1.length)
      const filled = r1.length + r2.length === want
      if (filled && firstWalk) secondWalk = { found: r2.length, last: String(r2.at(-1)?.number) }
      if (filled || (await nth(walk - first, end1)) === null) rows = [...r1, ...r2]
    }
  }
  if (sparseUnit && (f.afterNumber !== undefined || f.offset === 0)) {
    // A unit holding one item in thirty fills a page within 1,500 items of a state; a rarer combination takes the set.
    const want = f.limit + 1
    const r1 = await walkRows(f.afterNumber, Math.min(LEDGER_WALK_UNIT, walk), want)
    const whole = r1.length < want && (await nth(Math.min(LEDGER_WALK_UNIT, walk), f.afterNumber)) === null
    if (r1.length === want || whole) rows = r1
    // Page 1 of a range the walk read to its end: its matches are all there are.
    if (whole && f.afterNumber === undefined) firstWalk = { found: r1.length, end: null }
  }

  // Bounded count: at most countCap + 1 matches are read; a walk counts along the same walk first.
  let n: number | null = null
  let lowerBound = false
  const known = knownLowerBound(f)
  if (known !== undefined) [n, lowerBound] = [known, true]
  if (sparseUnit && firstWalk) n = Math.min(firstWalk.found, cap)
  if (walks && n === null) {
    // The walk of page 1 found every match of the first items when it found fewer than a page: the count's are those.
    const c1 = firstWalk ? Math.min(firstWalk.found, cap) : await walkCount(undefined, first, cap)
    const end1 = c1 < cap ? (firstWalk ? firstWalk.end : await nth(first, undefined)) : null
    if (c1 === cap || end1 === null) n = c1
    // With a unit or scope the whole walk counts (its result may be the lower bound below, so make it the walk's).
    else if (worthWalking(c1, cap - c1) || (c1 > 0 && (f.unit || f.scope))) {
      // Page 1's second walk read the same items up to its last row: the count walks on from there to the window's end.
      const end2 = secondWalk ? await nth(walk - first, end1) : undefined
      const c2 = !secondWalk
        ? await walkCount(end1, walk - first, cap - c1)
        : secondWalk.found >= cap - c1
          ? cap - c1
          : secondWalk.found + (await walkCount(secondWalk.last, walk - first, cap - c1 - secondWalk.found, end2 ?? undefined))
      if (c1 + c2 === cap || (end2 !== undefined ? end2 : await nth(walk - first, end1)) === null) n = c1 + c2
      // A unit or scope with a term the walk finds (so a common one): their set is a unit's items against a
      // trigram bitmap of millions (seconds at 10M); the count is then what the walk found, a lower bound.
      else if (f.unit || f.scope) [n, lowerBound] = [c1 + c2, true]
    }
  }

  if (rows === null && (walks || sparseUnit)) {
    // The matching set, sorted (for a term, its trigram bitmap): every match is read to sort them, so when the count
    // still needs the set it is counted there too, in the same statement (the page's cursor applied after the set).
    await prepareSet()
    const s = statementParams()
    const counts = n === null
    const set = `SELECT i.id, i.number FROM item i ${whereOf([...ordered(s.p), ...residual(s.p), ...(counts ? [] : after(s.p))])}`
    const page = `SELECT m.id, m.number FROM m ${counts && f.afterNumber !== undefined ? `WHERE m.number > ${s.p(f.afterNumber)} ` : ''}ORDER BY m.number LIMIT ${s.p(f.limit + 1)}${skip(s.p)}`
    const result = (
      await q.query(
        counts
          ? `WITH m AS MATERIALIZED (${set}), p AS (${page})
             SELECT c.n AS ledger_total, ${COLS} FROM (SELECT count(*)::int AS n FROM (SELECT 1 FROM m LIMIT ${cap}) x) c
               LEFT JOIN (p JOIN item i ON i.id = p.id) ON true ORDER BY p.number`
          : `WITH m AS MATERIALIZED (${set}) SELECT ${COLS} FROM (${page}) p JOIN item i ON i.id = p.id ORDER BY p.number`,
        s.params,
      )
    ).rows
    if (counts) n = Number(result[0]?.ledger_total ?? 0)
    rows = counts ? result.filter((r) => r.id !== null && r.id !== undefined) : result
  }
  if (rows === null) {
    // The planner's plan: an index range in number order, the unit or scope probed per row; a term's bitmap.
    await prepareSet()
    const s = statementParams()
    rows = (await q.query(`SELECT ${COLS} FROM item i ${whereOf([...ordered(s.p), ...residual(s.p), ...after(s.p)])} ORDER BY i.number LIMIT ${s.p(f.limit + 1)}${skip(s.p)}`, s.params)).rows
  }
  if (n === null) {
    await prepareSet()
    const s = statementParams()
    const set = `SELECT 1 FROM item i ${whereOf([...ordered(s.p), ...residual(s.p)])}`
    const sql = walks ? `WITH m AS MATERIALIZED (${set}) SELECT count(*)::int AS n FROM (SELECT 1 FROM m LIMIT ${cap}) c` : `SELECT count(*)::int AS n FROM (${set} LIMIT ${cap}) c`
    n = Number((await q.query<{ n: number }>(sql, s.params)).rows[0]?.n ?? 0)
  }
  return ledgerPage(q, f, rows, n, lowerBound)
}

/** The ledger for a term no trigram serves: matches within LEDGER_SCAN_WINDOW items (see there). */
async function listWindowed(
  q: Queryable,
  f: ItemFilter,
  like: string,
  op: string,
): Promise<LedgerPage> {
  const where: string[] = []
  const params: unknown[] = []
  const p = (v: unknown): string => {
    params.push(v)
    return `$${params.length}`
  }
  if (f.kind) where.push(`i.kind = ${p(f.kind)}`)
  if (f.state) where.push(`i.state = ${p(f.state)}`)
  if (f.stateType) where.push(`i.state_type = ${p(f.stateType)}`)
  if (f.plan) where.push(`i.plan_id = ${p(f.plan)}`)
  if (f.unit) where.push(`EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = i.id AND u.unit_id = ${p(f.unit)})`)
  if (f.overdueOn) where.push(`i.state_type <> 'closed' AND i.due_date < ${p(f.overdueOn)}::date`)
  if (f.scope) where.push(scopeSql(params.push([...f.scope])))
  const filterParams = [...params]
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const page = f.afterNumber === undefined ? '' : `${where.length ? ' AND' : 'WHERE'} i.number > ${p(f.afterNumber)}`
  const rangeParams = [...params]
  const scanWindow = f.scanWindow ?? LEDGER_SCAN_WINDOW
  // What is read: the next scanWindow items (number order) of the other filters.
  const source = `(SELECT * FROM item i ${cond}${page} ORDER BY i.number LIMIT ${scanWindow}) i WHERE ${LEDGER_TEXT} ${op} ${p(like)}`
  const limit = p(f.limit + 1)
  const skip = f.afterNumber === undefined && f.offset > 0 ? ` OFFSET ${p(f.offset)}` : ''
  // One row past the page says whether a next page exists.
  const { rows } = await q.query(`SELECT ${COLS} FROM ${source} ORDER BY i.number LIMIT ${limit}${skip}`, params)
  let hasNext = rows.length > f.limit
  const last = rows.slice(0, f.limit).at(-1)
  let nextAfter = last ? toItem(last).number : null
  if (!hasNext) {
    // Fewer matches than asked within this window: go on after its end when the ledger goes on past it.
    const end = await q.query<{ number: string }>(`SELECT i.number FROM item i ${cond}${page} ORDER BY i.number OFFSET ${scanWindow - 1} LIMIT 1`, rangeParams)
    if (end.rows[0]) [hasNext, nextAfter] = [true, end.rows[0].number]
  }
  const known = knownLowerBound(f)
  if (known !== undefined) return ledgerPage(q, f, rows, known, true, { hasNext, nextAfter })
  // Bounded count, in the first window: its matches up to countCap + 1 (read until then, not the whole window),
  // and whether the window is full (then the total is a lower bound), from the index alone.
  const counted = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM (SELECT * FROM item i ${cond} ORDER BY i.number LIMIT ${scanWindow}) i
      WHERE ${LEDGER_TEXT} ${op} $${filterParams.length + 1} LIMIT ${f.countCap + 1}) c`,
    [...filterParams, like],
  )
  const n = Number(counted.rows[0]?.n ?? 0)
  const windowFull = n <= f.countCap && (await q.query(`SELECT 1 FROM item i ${cond} ORDER BY i.number OFFSET ${scanWindow - 1} LIMIT 1`, filterParams)).rows.length > 0
  return ledgerPage(q, f, rows, n, windowFull, { hasNext, nextAfter })
}

/**
 * The ledger page (listItems). JIT is off on every PostgreSQL connection (pg.db.ts): a page or a capped count reads
 * a few thousand rows, but the planner costs the whole index range it might walk, which on 10M items crosses
 * jit_above_cost (measured: 1.3 s compiling for 0.4 s of scan). No transaction around it: one cost 409 → 230 req/s.
 */
export function listLedgerItems(db: Db, f: ItemFilter): ReturnType<typeof listItems> {
  return listItems(db, f)
}
