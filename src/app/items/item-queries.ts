/**
 * Reading the ledger (台账): the filtered list and one item with its units, history, reports,
 * extension requests and the events the actor may take. Data scope: a unit liaison sees only items
 * where its unit or a sub-unit holds a role; anything else is "not found", so existence does not leak.
 */
import { attachmentsOf, eventsOf, extensionsOf, findAttachment, findItem, reportsOf, unitsOf, type ItemRow } from '../../persistence/items.repo.ts'
import { type LedgerRow } from '../../persistence/ledger.repo.ts'
import { listLedgerPage } from '../../persistence/items-list.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { DubanError } from '../../domain/errors.ts'
import { availableEvents, type AvailableEvent, type Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { calendarFor, chinaDate, engineActor, kindOf } from './item-engine.ts'
import { calendarNoticeFor, type CalendarNotice } from '../calendar/calendar-coverage.ts'
import { sourceOf, type SourceLevel } from './item-source.ts'
import { filterPrint, ledgerCursor, readLedgerCursor } from './ledger-cursor.ts'
import { childrenOf, parentOf, sharesOf, withoutTakenShareSteps, type ItemChildren, type ItemShare } from './item-shares.ts'

/** Ledger filters as the API takes them. */
export interface LedgerQuery {
  readonly kind?: string | undefined
  readonly state?: string | undefined
  readonly unit?: string | undefined
  readonly plan?: string | undefined
  readonly q?: string | undefined
  readonly overdue?: boolean | undefined
  readonly limit?: number | undefined
  readonly offset?: number | undefined
  /** The opaque cursor a previous page answered as `next`: the page after it (keyset, fast at any depth). */
  readonly after?: string | undefined
}

/**
 * The ledger counts matching items up to this many; past it the total shows as "1,000+" (`totalCapped`). Why not
 * 10,000: on 1M generated items a count to 10,001 of a common search word rechecks 10,001 rows (1.1 s under load),
 * to 1,001 it reads about 11,000 rows in order (0.12 s under the same load); a unit filter 1.9 s against 49 ms.
 */
export const LEDGER_COUNT_CAP = 1_000

/** Engine state types: `state=open|waiting|closed` filters by type (every shipped kind names its `closed` state `closed`). */
const STATE_TYPES: readonly string[] = ['open', 'waiting', 'closed']

/** One ledger page (台账分页). */
export interface LedgerPage {
  readonly items: LedgerItem[]
  /** Matching items, counted up to LEDGER_COUNT_CAP. */
  readonly total: number
  /** True when more than `total` items match (show "1,000+"). */
  readonly totalCapped: boolean
  readonly limit: number
  readonly offset: number
  /** Cursor of the next page (pass as `after`), null on the last page. */
  readonly next: string | null
}

/** A ledger row as the API shows it. */
export interface LedgerItem {
  readonly id: string
  readonly number: string
  readonly kind: string
  readonly state: string
  readonly stateLabel: string
  readonly stateType: string
  readonly title: string
  readonly planId: string | null
  readonly dueDate: string | null
  readonly overdue: boolean
  readonly units: LedgerRow['units']
  readonly version: number
  readonly updatedAt: string
}

function stateLabel(item: ItemRow): string {
  try {
    return kindOf(item.kind, String(item.snapshot['kindVersion'] ?? item.kindVersion)).states[item.state]?.label ?? item.state
  } catch {
    return item.state
  }
}

function ledgerItem(r: ItemRow & { units: LedgerRow['units'] }, today: string): LedgerItem {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    state: r.state,
    stateLabel: stateLabel(r),
    stateType: r.stateType,
    title: r.title,
    planId: r.planId,
    dueDate: r.dueDate,
    overdue: r.stateType !== 'closed' && r.dueDate !== null && r.dueDate < today,
    units: r.units,
    version: r.version,
    updatedAt: r.updatedAt,
  }
}

/** The ledger page the actor may see (GET /api/items): by keyset after `after`, else by offset; a bounded total. */
export async function listLedger(deps: AppDeps, actor: Actor, query: LedgerQuery): Promise<LedgerPage> {
  const today = chinaDate(deps.clock.now())
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500)
  const offset = query.after === undefined ? Math.max(query.offset ?? 0, 0) : 0
  const byType = query.state !== undefined && STATE_TYPES.includes(query.state)
  const filter = {
    kind: query.kind,
    state: byType ? undefined : query.state,
    stateType: byType ? query.state : undefined,
    unit: query.unit,
    plan: query.plan,
    q: query.q,
    overdueOn: query.overdue ? today : undefined,
    scope: actor.scopeUnitIds,
  }
  // The filter's fingerprint is needed only to read a cursor or to give one a lower bound.
  let printed: string | undefined
  const print = (): string => (printed ??= filterPrint(filter))
  const cursor = query.after === undefined ? undefined : readLedgerCursor(query.after, print())
  const { rows, total, more, hasNext, nextAfter } = await listLedgerPage(deps.db, {
    ...filter,
    limit,
    offset,
    afterNumber: cursor?.number,
    knownTotal: cursor?.knownTotal,
    countCap: LEDGER_COUNT_CAP,
  })
  const next = hasNext && nextAfter ? ledgerCursor(nextAfter, more ? { total, filter: print() } : undefined) : null
  return { items: rows.map((r) => ledgerItem(r, today)), total, totalCapped: more, limit, offset, next }
}

/** One item in full, as the API shows it. */
export interface ItemDetail extends LedgerItem {
  readonly body: string
  readonly path: readonly string[]
  /** 来源: each outline level of the plan with its heading's text (empty for an item without a plan). */
  readonly source: readonly SourceLevel[]
  readonly sourceLine: number | null
  readonly data: Record<string, unknown>
  readonly snapshot: Record<string, unknown>
  readonly createdAt: string
  readonly closedAt: string | null
  readonly events: Record<string, unknown>[]
  readonly reports: Record<string, unknown>[]
  readonly extensionRequests: Record<string, unknown>[]
  readonly attachments: { id: string; name: string; size: number; mime: string }[]
  readonly availableEvents: readonly AvailableEvent[]
  /** Set when the due date falls in a year the calendar does not hold (computed, but unverified). */
  readonly calendarNotice: CalendarNotice | null
  /** Every unit's share: who has accepted, reported and finished, and who has not (shared work). */
  readonly shares: readonly ItemShare[]
  /** The copies this item was split into (分解落实) and their progress, or null. */
  readonly children: ItemChildren | null
  /** The item this copy was split from, or null. */
  readonly parent: { id: string; number: string; title: string } | null
}

/**
 * The answer to an event (办理结果): the item's fields, state, version, units, due date and the events the
 * actor may take next, plus what the event just recorded (the event, and the report or extension request
 * it wrote). It does not grow with the item's history; GET /api/items/:id has the whole of that.
 */
export interface ItemEventResult extends LedgerItem {
  readonly data: Record<string, unknown>
  readonly closedAt: string | null
  readonly availableEvents: readonly AvailableEvent[]
  /** The history entry just written (as in ItemDetail.events). */
  readonly event: Record<string, unknown>
  /** The progress or completion report the event wrote (as in ItemDetail.reports). */
  readonly report?: Record<string, unknown>
  /** The extension request the event made or decided (as in ItemDetail.extensionRequests). */
  readonly extensionRequest?: Record<string, unknown>
}

/** The item if the actor's scope holds it, else DUBAN_ERR_NOT_FOUND. */
export async function visibleItem(q: Queryable, actor: Actor, id: string, lock = false): Promise<ItemRow> {
  const item = await findItem(q, id, actor.scopeUnitIds, lock)
  if (!item) throw new DubanError('DUBAN_ERR_NOT_FOUND', `item ${id}`, { where: 'id' })
  return item
}

/** The item row, its ledger view and the events the actor may take next. */
async function itemState(q: Queryable, actor: Actor, id: string, today: string): Promise<{ item: ItemRow; ledger: LedgerItem; available: readonly AvailableEvent[] }> {
  const item = await visibleItem(q, actor, id)
  const units = (await unitsOf(q, [id])).get(id) ?? []
  const kind = kindOf(item.kind, String(item.snapshot['kindVersion'] ?? item.kindVersion))
  const available = actor.role === 'leader' ? [] : availableEvents(kind, item.snapshot as unknown as Snapshot, engineActor(actor))
  return { item, ledger: ledgerItem({ ...item, units }, today), available }
}

/**
 * The compact answer to an event: the item as it now is, without its history, plus what was recorded. Built
 * from the row the event wrote (`item`, with its units) rather than read back: an event reads its item once.
 */
export function itemAfterEvent(
  actor: Actor,
  item: ItemRow & { units: LedgerRow['units'] },
  today: string,
  recorded: { event: Record<string, unknown>; report?: Record<string, unknown> | undefined; extensionRequest?: Record<string, unknown> | undefined },
): ItemEventResult {
  const kind = kindOf(item.kind, String(item.snapshot['kindVersion'] ?? item.kindVersion))
  const available = actor.role === 'leader' ? [] : availableEvents(kind, item.snapshot as unknown as Snapshot, engineActor(actor))
  const ledger = ledgerItem(item, today)
  return {
    ...ledger,
    data: item.data,
    closedAt: item.closedAt,
    availableEvents: available,
    event: recorded.event,
    ...(recorded.report ? { report: recorded.report } : {}),
    ...(recorded.extensionRequest ? { extensionRequest: recorded.extensionRequest } : {}),
  }
}

/** Everything about one item (GET /api/items/:id). */
export async function itemDetail(q: Queryable, actor: Actor, id: string, today: string): Promise<ItemDetail> {
  const { item, ledger, available } = await itemState(q, actor, id, today)
  return {
    ...ledger,
    body: item.body,
    path: item.path,
    source: await sourceOf(q, item),
    sourceLine: item.sourceLine,
    data: item.data,
    snapshot: item.snapshot,
    createdAt: item.createdAt,
    closedAt: item.closedAt,
    events: await eventsOf(q, id),
    reports: await reportsOf(q, id),
    extensionRequests: await extensionsOf(q, id),
    attachments: await attachmentsOf(q, id),
    availableEvents: await withoutTakenShareSteps(q, item.id, actor.unitId, available),
    calendarNotice: calendarNoticeFor((await calendarFor(q)).calendar, [ledger.dueDate]),
    shares: await sharesOf(q, item),
    children: await childrenOf(q, item.id),
    parent: await parentOf(q, item.id),
  }
}

/** One item for the API (GET /api/items/:id). */
export function getItem(deps: AppDeps, actor: Actor, id: string): Promise<ItemDetail> {
  return itemDetail(deps.db, actor, id, chinaDate(deps.clock.now()))
}

/** An attachment's bytes (GET /api/items/:id/attachments/:aid), within the actor's scope. */
export async function getAttachment(deps: AppDeps, actor: Actor, itemId: string, attachmentId: string): Promise<{ name: string; mime: string; content: Buffer }> {
  await visibleItem(deps.db, actor, itemId)
  const a = await findAttachment(deps.db, itemId, attachmentId)
  if (!a) throw new DubanError('DUBAN_ERR_NOT_FOUND', `attachment ${attachmentId}`, { where: 'attachmentId' })
  return a
}
