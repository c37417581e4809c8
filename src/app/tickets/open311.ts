/**
 * Tickets as Open311 GeoReport v2 reads them (src/adapters/http/open311/): public records without any
 * requester data, the lead unit's name, the state's label and type, the handling clock's due, the last
 * reply, and the media URL a GeoReport client sent. The HTTP adapter maps these to GeoReport fields. With
 * `extensions`, also what the duplicate detection found (open311Duplicates), for `extended_attributes`.
 */
import {
  catalogueChangedAt,
  findOpen311Ticket,
  insertOpen311Media,
  listOpen311Tickets,
  open311DuplicateFacts,
  type Open311DuplicateRow,
  type Open311TicketRow,
} from '../../persistence/open311.repo.ts'
import type { AppDeps } from '../deps.ts'
import { kindOf } from '../items/item-engine.ts'
import { currentCategories, type CategoryNode } from './catalogue.ts'

/** A ticket as a public record (the shape georeport.map.ts GeoReportSource reads). */
export interface Open311Ticket {
  readonly number: string
  readonly stateType: string
  readonly stateLabel: string
  readonly requestType: string
  readonly categoryCode: string
  readonly categoryPath: readonly string[]
  readonly content: string
  readonly lead: { readonly id: string; readonly name: string } | null
  readonly receivedAt: string
  readonly updatedAt: string
  readonly dueAt: string | null
  readonly address: string
  readonly placeUnitId: string | null
  readonly lat: number | null
  readonly lng: number | null
  readonly limits: { readonly handle?: { readonly unit: string; readonly amount: number } } | null
  readonly reply: { readonly text: string; readonly at: string } | null
  readonly mediaUrl: string | null
  /** Asked for with `extensions`: what the duplicate detection found. */
  readonly duplicates?: Open311Duplicates | undefined
}

/**
 * Duplicates (重复诉求 / 并单) as a GeoReport client may see them, in a public record that anyone can read: whether the
 * detection has run (it runs after the intake's answer, within about a second: docs/write-path.md), the ticket this
 * one was merged into by an operator, and the earlier tickets it may repeat (proposals an operator has not decided).
 * Only proposals made for the same place are shown — a proposal for the same requester would tell anyone that two
 * requests came from one caller — and nothing of a 举报 (report), whose record shows no place either.
 */
export interface Open311Duplicates {
  readonly check: 'pending' | 'done'
  readonly mergedInto: string | null
  readonly possible: readonly { readonly number: string; readonly stateType: string; readonly receivedAt: string; readonly similarity: number }[]
}

/** The public duplicate facts of one ticket (pure): see Open311Duplicates. */
export function open311DuplicatesOf(requestType: string, pending: boolean, pairs: readonly Open311DuplicateRow[]): Open311Duplicates {
  const check = pending ? 'pending' : 'done'
  if (requestType === 'report') return { check, mergedInto: null, possible: [] }
  const shown = pairs.filter((p) => p.primaryRequestType !== 'report')
  return {
    check,
    mergedInto: shown.find((p) => p.status === 'merged')?.primaryNumber ?? null,
    possible: shown
      .filter((p) => p.status === 'proposed' && p.reasons.includes('same_place'))
      .sort((a, b) => b.similarity - a.similarity || (a.primaryNumber < b.primaryNumber ? -1 : 1))
      .map((p) => ({ number: p.primaryNumber, stateType: p.primaryStateType, receivedAt: p.primaryReceivedAt, similarity: p.similarity })),
  }
}

/** The tickets with their duplicate facts (two statements for all of them). */
async function withDuplicates(deps: AppDeps, rows: readonly Open311TicketRow[], tickets: Open311Ticket[]): Promise<Open311Ticket[]> {
  const { pending, pairs } = await open311DuplicateFacts(deps.db, rows.map((r) => r.itemId))
  return tickets.map((t, i) => {
    const r = rows[i]!
    return { ...t, duplicates: open311DuplicatesOf(r.requestType, pending.has(r.itemId), pairs.filter((p) => p.itemId === r.itemId)) }
  })
}

/** What GET requests asks for; `numbers` set: only those (every other filter ignored). */
export interface Open311Query {
  readonly numbers: readonly string[] | null
  readonly categoryCodes: readonly string[] | null
  readonly statuses: readonly ('open' | 'closed')[] | null
  readonly from: Date | null
  readonly to: Date | null
  readonly limit: number
}

function stateLabelOf(r: Open311TicketRow): string {
  try {
    const version = String(r.snapshot['kindVersion'] ?? r.kindVersion)
    return kindOf(r.kind, version).states[r.state]?.label ?? r.state
  } catch {
    return r.state
  }
}

/** Names of a code's levels, from the current catalogue, the ticket's own version naming the last. */
function pathOf(code: string, ownName: string, names: ReadonlyMap<string, string>): string[] {
  const parts = code.split('.')
  const path: string[] = []
  for (let i = 1; i < parts.length; i++) {
    const name = names.get(parts.slice(0, i).join('.'))
    if (name) path.push(name)
  }
  path.push(ownName)
  return path
}

function namesOf(tree: readonly CategoryNode[]): Map<string, string> {
  const names = new Map<string, string>()
  const walk = (nodes: readonly CategoryNode[]) => {
    for (const n of nodes) {
      names.set(n.code, n.name)
      walk(n.children)
    }
  }
  walk(tree)
  return names
}

function limitsOf(snapshot: Record<string, unknown>): Open311Ticket['limits'] {
  const data = snapshot['data'] as Record<string, unknown> | undefined
  const limits = data?.['limits'] as Record<string, unknown> | undefined
  const handle = limits?.['handle'] as { unit?: unknown; amount?: unknown } | undefined
  if (!handle || typeof handle.unit !== 'string' || typeof handle.amount !== 'number') return null
  return { handle: { unit: handle.unit, amount: handle.amount } }
}

function dueOf(snapshot: Record<string, unknown>): string | null {
  const clocks = snapshot['clocks'] as Record<string, { dueAt?: string | null; stoppedAt?: string | null }> | undefined
  const handle = clocks?.['handle']
  return handle && !handle.stoppedAt && handle.dueAt ? handle.dueAt : null
}

function toTicket(r: Open311TicketRow, names: ReadonlyMap<string, string>): Open311Ticket {
  return {
    number: r.number,
    stateType: r.stateType,
    stateLabel: stateLabelOf(r),
    requestType: r.requestType,
    categoryCode: r.categoryCode,
    categoryPath: pathOf(r.categoryCode, r.categoryName, names),
    content: r.content,
    lead: r.leadId && r.leadName ? { id: r.leadId, name: r.leadName } : null,
    receivedAt: r.receivedAt,
    updatedAt: r.updatedAt,
    dueAt: dueOf(r.snapshot),
    address: r.address,
    placeUnitId: r.placeUnitId,
    lat: r.lat,
    lng: r.lng,
    limits: limitsOf(r.snapshot),
    reply: r.replyText && r.replyAt ? { text: r.replyText, at: r.replyAt } : null,
    mediaUrl: r.mediaUrl,
  }
}

/** Tickets for GET requests, newest first; with `extensions`, their duplicate facts. */
export async function open311Tickets(deps: AppDeps, query: Open311Query, opts: { extensions?: boolean } = {}): Promise<Open311Ticket[]> {
  const rows = await listOpen311Tickets(deps.db, {
    numbers: query.numbers,
    categoryCodes: query.categoryCodes,
    statuses: query.statuses,
    from: query.from,
    to: query.to,
    limit: query.limit,
  })
  const names = namesOf(await currentCategories(deps.db))
  const tickets = rows.map((r) => toTicket(r, names))
  return opts.extensions ? withDuplicates(deps, rows, tickets) : tickets
}

/** One ticket by number, or null; with `extensions`, its duplicate facts. */
export async function open311Ticket(deps: AppDeps, number: string, opts: { extensions?: boolean } = {}): Promise<Open311Ticket | null> {
  const row = await findOpen311Ticket(deps.db, number)
  if (!row) return null
  const ticket = toTicket(row, namesOf(await currentCategories(deps.db)))
  return opts.extensions ? ((await withDuplicates(deps, [row], [ticket]))[0] ?? null) : ticket
}

/** Keeps the media URL sent with a GeoReport POST beside the ticket it created. */
export async function keepOpen311Media(deps: AppDeps, number: string, mediaUrl: string): Promise<void> {
  const row = await findOpen311Ticket(deps.db, number)
  if (row) await insertOpen311Media(deps.db, row.itemId, mediaUrl, deps.clock.now())
}

/** When the current catalogue last changed (Service Discovery changeset), or null. */
export function open311Changeset(deps: AppDeps): Promise<string | null> {
  return catalogueChangedAt(deps.db)
}
