/**
 * The ledger page (台账) of a unit or a liaison's data scope within the open work — a state type open or waiting,
 * an unclosed state name, or overdue — from ledger_unit_open (migration 179): one index range of the unit's open
 * items in number order, the other filters checked within the index, then the page's items. Every other filter
 * goes to listItems (items.repo.ts). Same rows, order, cursor and bounded count as listItems gives.
 */
import type { Db, Queryable } from './db.ts'
import { COLS, listItems, toItem, unitsOf, type ItemFilter, type LedgerRow } from './items.repo.ts'
import { taskKind } from '../domain/kinds/task.kind.ts'
import { ticketKind } from '../domain/kinds/ticket.kind.ts'

type LedgerResult = Awaited<ReturnType<typeof listItems>>

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
export async function listUnitOpen(q: Queryable, f: ItemFilter): Promise<LedgerResult> {
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
  const cap = f.countCap + 1
  const counted = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT ${distinct ? 'DISTINCT o.item_id' : '1'} FROM ledger_unit_open o WHERE ${where} LIMIT ${cap}) c`,
    filterParams,
  )
  const n = Number(counted.rows[0]?.n ?? 0)
  const hasNext = rows.length > f.limit
  const items = rows.slice(0, f.limit).map(toItem)
  const units = await unitsOf(q, items.map((i) => i.id))
  const out: LedgerRow[] = items.map((i) => ({ ...i, units: units.get(i.id) ?? [] }))
  return { rows: out, total: Math.min(n, f.countCap), more: n > f.countCap, hasNext, nextAfter: hasNext ? (items.at(-1)?.number ?? null) : null }
}

/**
 * The ledger page: a unit's or scope's open work from ledger_unit_open, everything else by listItems. No
 * transaction around it (see items.repo.ts listLedgerItems).
 */
export function listLedgerPage(db: Db, f: ItemFilter): Promise<LedgerResult> {
  return servedByUnitOpen(f) ? listUnitOpen(db, f) : listItems(db, f)
}
