/**
 * The ledger page (台账) of a unit or a liaison's data scope within the open work — a state type open or waiting,
 * an unclosed state name, or overdue — from ledger_unit_open (migration 179): one index range of the unit's open
 * items in number order, the other filters checked within the index, then the page's items. Every other filter
 * goes to listItems (ledger.repo.ts). Same rows, order, cursor and bounded count as listItems gives.
 */
import type { Db, Queryable } from './db.ts'
import { COLS } from './items.repo.ts'
import { knownLowerBound, LEDGER_TEXT, LEDGER_WALK_FIRST, ledgerPage, listItems, selectiveTrigrams, trigramSearchable, type ItemFilter, type LedgerPage } from './ledger.repo.ts'
import { SCOPE_SAMPLE, SCOPE_SHARE, unitsHoldShare } from './scope-share.ts'
import { taskKind } from '../domain/kinds/task.kind.ts'
import { ticketKind } from '../domain/kinds/ticket.kind.ts'

/**
 * The engine state type of a state name in the shipped kinds, when they agree on it (undefined when no kind has
 * the name or two give it different types): `accepted` is open in both, `closed` closed.
 */
export function stateTypeOfName(state: string): string | undefined {
  const types = new Set<string>()
  for (const kind of [taskKind, ticketKind]) {
    const s = kind.states[state]
    if (s) types.add(s.type)
  }
  return types.size === 1 ? [...types][0] : undefined
}

/** Whether the filter asks for a unit's or a scope's open work only, which ledger_unit_open holds whole. */
export function servedByUnitOpen(f: ItemFilter): boolean {
  if (!(f.unit || (f.scope && f.scope.length > 0)) || f.plan || f.q) return false
  if (f.stateType === 'closed') return false
  const byName = f.state === undefined ? undefined : stateTypeOfName(f.state)
  if (f.state !== undefined && (byName === undefined || byName === 'closed')) return false
  return f.stateType === 'open' || f.stateType === 'waiting' || f.state !== undefined || f.overdueOn !== undefined
}

/** The page and count of a unit's or scope's open work (servedByUnitOpen), from ledger_unit_open. */
export async function listUnitOpen(q: Queryable, f: ItemFilter): Promise<LedgerPage> {
  const params: unknown[] = []
  const p = (v: unknown): string => (params.push(v), `$${params.length}`)
  const w: string[] = []
  const single = f.unit ?? (f.scope && f.scope.length === 1 ? f.scope[0] : undefined)
  if (f.unit) w.push(`o.unit_id = ${p(f.unit)}`)
  else if (single !== undefined) w.push(`o.unit_id = ${p(single)}`)
  else w.push(`o.unit_id = ANY(${p([...(f.scope ?? [])])}::text[])`)
  // A unit within a liaison's scope: the item must also be held by a unit of the scope (its rows are here too).
  if (f.unit && f.scope)
    w.push(`EXISTS (SELECT 1 FROM ledger_unit_open s WHERE s.item_id = o.item_id AND s.unit_id = ANY(${p([...f.scope])}::text[]))`)
  if (f.kind) w.push(`o.kind = ${p(f.kind)}`)
  if (f.state) w.push(`o.state = ${p(f.state)}`)
  if (f.stateType) w.push(`o.state_type = ${p(f.stateType)}`)
  if (f.overdueOn) w.push(`o.due_date < ${p(f.overdueOn)}::date`)
  const filterParams = [...params]
  const where = w.join(' AND ')
  // Several units of a scope may hold one item: each item once (then the range is sorted, bounded by the open work).
  const distinct = single === undefined
  const after = f.afterNumber === undefined ? '' : ` AND o.number > ${p(f.afterNumber)}`
  const skip = f.afterNumber === undefined && f.offset > 0 ? ` OFFSET ${p(f.offset)}` : ''
  const page = distinct
    ? `SELECT DISTINCT ON (o.number) o.item_id, o.number FROM ledger_unit_open o WHERE ${where}${after} ORDER BY o.number LIMIT ${p(f.limit + 1)}${skip}`
    : `SELECT o.item_id, o.number FROM ledger_unit_open o WHERE ${where}${after} ORDER BY o.number LIMIT ${p(f.limit + 1)}${skip}`
  const { rows } = await q.query(`SELECT ${COLS} FROM (${page}) p JOIN item i ON i.id = p.item_id ORDER BY p.number`, params)
  const known = knownLowerBound(f)
  if (known !== undefined) return ledgerPage(q, f, rows, known, true)
  const cap = f.countCap + 1
  const counted = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT ${distinct ? 'DISTINCT o.item_id' : '1'} FROM ledger_unit_open o WHERE ${where} LIMIT ${cap}) c`,
    filterParams,
  )
  return ledgerPage(q, f, rows, Number(counted.rows[0]?.n ?? 0))
}

/**
 * Whether a state, state type or overdue range holds unclosed items only: an overdue range, the state type open or
 * waiting, or a state name the shipped kinds give an unclosed type (as servedByUnitOpen assumes).
 */
export function rangeIsUnclosed(f: ItemFilter): boolean {
  const open = (t: string | undefined): boolean => t === 'open' || t === 'waiting'
  return f.overdueOn !== undefined || open(f.stateType) || (f.state !== undefined && open(stateTypeOfName(f.state)))
}

/** How many items of a state, state type or overdue range a term's count walks before it says its total is a lower bound. */
export const LEDGER_STATE_TERM_COUNT_WALK = 2_000

/** Whether the filter is a searchable term within a state, state type or overdue range (no unit, scope or plan). */
export function servedByStateTerm(f: ItemFilter): boolean {
  return (
    f.q !== undefined && trigramSearchable(f.q) && Boolean(f.state || f.stateType || f.overdueOn) &&
    !f.unit && !f.scope && !f.plan && (f.afterNumber !== undefined || f.offset === 0)
  )
}

/**
 * The part of a term that a rare term's set within a state or overdue range gives the trigram index, as one pattern:
 * the stretch of one run of letters and digits (the run holding most of them) from its first to its last `trigrams`
 * (selectiveTrigrams), or the whole term when that is all of it. A substring of the term, so every item holding the
 * term holds it. One pattern, not a condition per trigram: the planner estimates each LIKE from the expression's
 * histogram (100 sampled texts) and multiplies the estimates; a trigram no sampled text holds counts 0.01%, so two
 * gave 城关镇粮食安全问题 one row in 10⁸ (one item in 240 holds it), and the plan read every item of the trigrams'
 * bitmap (41k heap pages at 10M) to keep the state's 247, where one pattern, estimated at 0.01% or more, has the
 * state's index bitmap ANDed first. And not the whole term: its common trigrams (城关镇, 粮食安, GEN-000…'s `gen` and
 * `000`) cost the index a posting list of a tenth or all of the items for nothing.
 */
export function termSpan(term: string, trigrams: readonly string[]): string {
  const keep = new Set(trigrams)
  let best = { n: 0, span: term }
  for (const run of term.match(/[\p{L}\p{N}]+/gu) ?? []) {
    const cs = [...run]
    let [first, last, n] = [-1, -1, 0]
    for (let k = 0; k + 3 <= cs.length; k++) {
      if (!keep.has(cs.slice(k, k + 3).join('').toLowerCase())) continue
      if (first < 0) first = k
      ;[last, n] = [k, n + 1]
    }
    if (n > best.n) best = { n, span: cs.slice(first, last + 3).join('') }
  }
  return best.span
}

/**
 * A searchable term within a state, state type or overdue range (servedByStateTerm). Such a range lies on the heap a
 * page per item, and the planner's count took the term's trigram bitmap (on 10M: 粮食安全 in one item in ten,
 * 870k rows) or a heap page per item of the range until 1,001 matches (state=open&q=粮食安全: 18,760 pages), and the
 * page and the count each found a rare term's set again.
 * Here the page walks the first LEDGER_WALK_FIRST items of the range after the cursor; when they hold the page, the
 * count walks the range's first LEDGER_STATE_TERM_COUNT_WALK items (exact when the range or the cap ends there, else
 * a lower bound: `more`). Otherwise (a rare term) the page and the count come from the term's set, in one statement,
 * the index asked for the term's span (termSpan).
 */
export async function listStateTerm(
  q: Queryable,
  f: ItemFilter,
  windows: { readonly page: number; readonly count: number } = { page: LEDGER_WALK_FIRST, count: LEDGER_STATE_TERM_COUNT_WALK },
): Promise<LedgerPage> {
  const term = f.q ?? ''
  const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const op = term.toLowerCase() === term.toUpperCase() ? 'LIKE' : 'ILIKE'
  const statement = (): { params: unknown[]; p: (v: unknown) => string; range: (from?: string) => string } => {
    const params: unknown[] = []
    const p = (v: unknown): string => (params.push(v), `$${params.length}`)
    const range = (from?: string): string => {
      const w: string[] = []
      if (f.kind) w.push(`i.kind = ${p(f.kind)}`)
      if (f.state) w.push(`i.state = ${p(f.state)}`)
      if (f.stateType) w.push(`i.state_type = ${p(f.stateType)}`)
      if (f.overdueOn) w.push(`i.state_type <> 'closed' AND i.due_date < ${p(f.overdueOn)}::date`)
      if (from !== undefined) w.push(`i.number > ${p(from)}`)
      return w.join(' AND ')
    }
    return { params, p, range }
  }
  /** Whether the range after `from` holds at least `n` items (index only). */
  const holds = async (n: number, from?: string): Promise<boolean> => {
    const s = statement()
    const sql = `SELECT 1 FROM item i WHERE ${s.range(from)} ORDER BY i.number OFFSET ${n - 1} LIMIT 1`
    return (await q.query(sql, s.params)).rows.length > 0
  }
  const want = f.limit + 1
  const cap = f.countCap + 1
  let rows: Record<string, unknown>[] | null = null
  let n: number | null = null
  let lowerBound = false
  {
    const s = statement()
    const window = `SELECT * FROM item i WHERE ${s.range(f.afterNumber)} ORDER BY i.number LIMIT ${windows.page}`
    const walked = (await q.query(`SELECT ${COLS} FROM (${window}) i WHERE ${LEDGER_TEXT} ${op} ${s.p(like)} ORDER BY i.number LIMIT ${want}`, s.params)).rows
    if (walked.length === want || !(await holds(windows.page, f.afterNumber))) rows = walked
  }
  const known = knownLowerBound(f)
  if (rows !== null && known !== undefined) [n, lowerBound] = [known, true]
  else if (rows !== null) {
    const s = statement()
    const window = `SELECT * FROM item i WHERE ${s.range()} ORDER BY i.number LIMIT ${windows.count}`
    const sql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM (${window}) i WHERE ${LEDGER_TEXT} ${op} ${s.p(like)} LIMIT ${cap}) c`
    n = Number((await q.query<{ n: number }>(sql, s.params)).rows[0]?.n ?? 0)
    lowerBound = n < cap && (await holds(windows.count))
  } else {
    // The term's set (the span of its selective trigrams given to the index as one pattern, the whole term checked
    // on the row), counted and paged at once.
    const trigrams = await selectiveTrigrams(q, term, op)
    const span = trigrams ? termSpan(term, trigrams) : term
    const s = statement()
    const text = span === term ? [`${LEDGER_TEXT} ${op} ${s.p(like)}`] : [`${LEDGER_TEXT} ${op} ${s.p(`%${span}%`)}`, `(${LEDGER_TEXT} || '') ${op} ${s.p(like)}`]
    // An unclosed range says so in the words of migration 185's predicate, so the unclosed items' trigram index serves it.
    const unclosed = !f.overdueOn && rangeIsUnclosed(f) ? [`i.state_type <> 'closed'`] : []
    const set = `SELECT i.id, i.number FROM item i WHERE ${[s.range(), ...unclosed, ...text].join(' AND ')}`
    const page = `SELECT m.id, m.number FROM m ${f.afterNumber !== undefined ? `WHERE m.number > ${s.p(f.afterNumber)} ` : ''}ORDER BY m.number LIMIT ${want}`
    const result = (
      await q.query(
        `WITH m AS MATERIALIZED (${set}), p AS (${page})
         SELECT c.n AS ledger_total, ${COLS} FROM (SELECT count(*)::int AS n FROM (SELECT 1 FROM m LIMIT ${cap}) x) c
           LEFT JOIN (p JOIN item i ON i.id = p.id) ON true ORDER BY p.number`,
        s.params,
      )
    ).rows
    n = Number(result[0]?.ledger_total ?? 0)
    rows = result.filter((r) => r.id !== null && r.id !== undefined)
  }
  return ledgerPage(q, f, rows, n, lowerBound)
}

/**
 * The open items a data scope's share is judged on (scope-share.ts), in the ledger's order. A scope of several units
 * holding SCOPE_SHARE of them reads the open items by number, each probed for the scope (listItems), not the units'
 * open work, whose rows every unit of the scope holds are read and sorted to find a page: 55 of 60 units on 10M
 * generated items (92 % of the open work), p95 135.5 ms (state=open) and 61.5 ms (a kind, overdue) that way, 7.6 and
 * 10.0 by number; one unit and 50 empty ones (1.7 %) 6.6 and 5.2 ms from the open work, 109 and 197 ms by number.
 */
const FIRST_OPEN_ITEMS = `SELECT id AS item_id FROM item WHERE state_type <> 'closed' ORDER BY number LIMIT ${SCOPE_SAMPLE}`

/**
 * The ledger page: a unit's or a scope's open work from ledger_unit_open (unless the scope holds much of all the open
 * work), a term within a state or overdue range by listStateTerm, everything else by listItems. No transaction around
 * it (see ledger.repo.ts listLedgerItems).
 */
export async function listLedgerPage(db: Db, f: ItemFilter): Promise<LedgerPage> {
  if (servedByUnitOpen(f)) {
    const wide = !f.unit && f.scope !== null && f.scope.length > 1
    if (!wide || !(await unitsHoldShare(db, f.scope ?? [], f.scopeShare ?? SCOPE_SHARE, FIRST_OPEN_ITEMS))) return listUnitOpen(db, f)
    return listItems(db, f)
  }
  if (servedByStateTerm(f)) return listStateTerm(db, f)
  return listItems(db, f)
}
