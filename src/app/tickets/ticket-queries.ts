/**
 * Reading tickets (工单查询): the list and one ticket as TicketView (docs/tickets.md). Data scope as for items:
 * a unit liaison sees only tickets where its unit or a sub-unit holds a role; the hotline (operator) and the
 * centre's roles see every ticket. The requester's name and phone are always masked here (张** / 138****5678);
 * revealRequester gives them in full, audited.
 */
import { attachmentsOf, eventsOf, unitsOf } from '../../persistence/items.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { listNotices, type ListedNotice } from '../../persistence/supervision-notice.repo.ts'
import { chinaDateOf, toEpochMs } from '../../domain/calendar/china-time.value.ts'
import { noticeView } from '../supervision/supervision-notice.ts'
import { citizenRatingsOf, findTicket, listTicketRows, repliesOf, type CitizenRatingRound, type TicketFilter, type TicketRow } from '../../persistence/tickets.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { availableEvents, type AvailableEvent, type Snapshot } from '../../domain/workflow/index.ts'
import { instantMs } from '../../domain/workflow/time.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { engineActor, kindOf } from '../items/item-engine.ts'
import { findCategories } from './catalogue.ts'
import { duplicateFactsOf, type DuplicateFacts } from '../../persistence/duplicates.repo.ts'
import { sharedRepliesOf } from './duplicates.ts'
import { handlingTickets, requesterMessagesOf, type RequesterMessagePurpose } from '../../persistence/requester-message.repo.ts'
import { INDEX_BEFORE_SEARCH, indexPendingTickets, ticketNumberTerms, ticketQueryWords } from './ticket-search.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'

/** A ticket as the API shows it (TicketView). */
export interface TicketView {
  readonly id: string
  readonly number: string
  readonly kind: 'ticket'
  readonly state: string
  readonly stateLabel: string
  readonly stateType: string
  readonly version: number
  readonly channel: string
  readonly requestType: string
  readonly categoryCode: string
  readonly categoryPath: readonly string[]
  readonly urgency: string
  readonly anonymous: boolean
  readonly requesterName: string | null
  readonly requesterPhone: string | null
  readonly address: string
  readonly lat: number | null
  readonly lng: number | null
  readonly placeUnitId: string | null
  readonly placeUnitName: string | null
  readonly content: string
  readonly lead: { id: string; name: string } | null
  readonly cooperating: { id: string; name: string }[]
  readonly receivedAt: string
  readonly dueAt: string | null
  readonly acceptDueAt: string | null
  readonly overdue: boolean
  readonly limits: Record<string, unknown>
  readonly reply: { text: string; at: string } | null
  readonly followUp: { rating: string; resolved: boolean | null; at: string } | null
  readonly citizenRating: { rating: string; comment: string | null; at: string | null } | null
  readonly counters: { returns: number; reassignments: number; reopens: number; supervisions: number }
  readonly flags: { problem: boolean; reason?: string }
  /** 重复诉求 / 并单: merged into / from, proposals waiting, 多次重复诉求 (duplicates.ts). */
  readonly duplicates: DuplicateFacts
  readonly availableEvents: readonly { event: string; label: string; requires: Record<string, string>; optional: Record<string, string> }[]
}

/** One ticket in full (GET /api/tickets/:id). */
export interface TicketDetail extends TicketView {
  readonly history: Record<string, unknown>[]
  readonly attachments: { id: string; name: string; size: number; mime: string }[]
  readonly notices: (ListedNotice & { readonly overdue: boolean })[]
  /** What the centre told the requesters of its handling by SMS, oldest first (requesterMessagesView). */
  readonly requesterMessages: RequesterMessageView[]
  /** 市民评价 of every reply round, oldest first (citizenRating is the latest); the 回访 of each round are in history. */
  readonly citizenRatings: readonly CitizenRatingRound[]
}

/**
 * A message to a requester (诉求人短信, requester-messages.ts): the 并单 notice or the reply, to the ticket's own
 * requester or to that of a ticket merged into it (`ticket` says which), the phone masked, with where its SMS is.
 */
export interface RequesterMessageView {
  readonly id: string
  readonly ticket: { readonly id: string; readonly number: string }
  readonly purpose: RequesterMessagePurpose
  readonly text: string
  readonly phone: string | null
  readonly at: string
  /**
   * waiting: the channel worker has not taken it yet (it does every 15 s); unsent: taken with no SMS channel
   * configured, so not sent; pending: its SMS is being sent or retried; delivered; failed: the retries ran out.
   */
  readonly delivery: 'waiting' | 'unsent' | 'pending' | 'delivered' | 'failed'
}

/** The messages to the requesters of the handling of `id`: its own and those of every ticket merged into it. */
export async function requesterMessagesView(q: Queryable, id: string): Promise<RequesterMessageView[]> {
  const tickets = await handlingTickets(q, id)
  const rows = await requesterMessagesOf(q, tickets.map((t) => t.id))
  return rows.map((m) => ({
    id: m.id,
    ticket: { id: m.itemId, number: m.number },
    purpose: m.purpose,
    text: m.text,
    phone: maskPhone(m.phone),
    at: m.createdAt,
    delivery: !m.queuedAt ? 'waiting' : m.delivery === 'pending' || m.delivery === 'delivered' || m.delivery === 'failed' ? m.delivery : 'unsent',
  }))
}

/** List filters as the API takes them: the repository's filters, less the scope the actor brings, paging optional. */
export type TicketQuery = Omit<TicketFilter, 'scope' | 'limit' | 'offset' | 'words' | 'wordsMode' | 'numbers' | 'todo'> & {
  readonly limit?: number | undefined
  readonly offset?: number | undefined
  /** 只看待办: the tickets waiting on the actor's unit as lead (todoLeadUnits), the soonest due first. */
  readonly todo?: boolean | undefined
}

/**
 * Whose 待办 `todo` lists: a liaison's own unit's (the engine lets a liaison 签收 and 答复 for its own unit only, not
 * for a sub-unit it sees); anyone else's the leads in their scope (null: every unit), e.g. the centre's view of all
 * tickets waiting on units.
 */
export function todoLeadUnits(actor: Actor): readonly string[] | null {
  if (actor.role === 'unit_liaison') return actor.unitId ? [actor.unitId] : []
  return ticketScope(actor)
}

/** A name masked to its first character (张三丰 → 张**). */
export function maskName(name: string | null): string | null {
  if (!name) return null
  const chars = [...name]
  return `${chars[0] ?? ''}**`
}

/** A phone masked to its first three and last four digits (13812345678 → 138****5678). */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null
  return phone.length >= 8 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****'
}

/** The units whose tickets the actor sees: null = all (the hotline), else the actor's data scope (null = 全部). */
export function ticketScope(actor: Actor): readonly string[] | null {
  switch (actor.role) {
    case 'operator':
      return null
    case 'citizen':
      return []
    default:
      // A liaison's units, a district 督查室's district, a leader's 分管 units; an unscoped person sees all.
      return actor.scopeUnitIds
  }
}

/** The actor as the engine and item use-cases see it for tickets: the hotline acts on every ticket. */
export function ticketActor(actor: Actor): Actor {
  return actor.role === 'operator' ? { ...actor, scopeUnitIds: null } : actor
}

/** What a view needs besides the row: units, the category path, reply and follow-up. */
interface ViewParts {
  readonly units: readonly { unitId: string; unitName: string; role: string }[]
  readonly categoryPath: readonly string[]
  readonly replies: { reply: TicketView['reply']; followUp: TicketView['followUp'] } | undefined
  readonly duplicates?: DuplicateFacts | undefined
  /** A merged ticket's reply: its primary's (并单). */
  readonly sharedReply?: { text: string; at: string } | undefined
}

const n = (v: unknown): number => (typeof v === 'number' ? v : 0)

/** The TicketView of a row (masking the requester) for an actor at `now`. */
export function ticketView(row: TicketRow, actor: Actor, now: Date, parts: ViewParts): TicketView {
  const kind = kindOf('ticket', String(row.snapshot['kindVersion'] ?? row.kindVersion))
  const snapshot = row.snapshot as unknown as Snapshot
  const handle = snapshot.clocks?.['handle']
  const nowMs = now.getTime()
  const overdue =
    !!handle?.dueAt &&
    (handle.stoppedAt ? instantMs(handle.stoppedAt) > instantMs(handle.dueAt) : !handle.pausedAt && nowMs > instantMs(handle.dueAt))
  const lead = parts.units.find((u) => u.role === 'lead')
  const counters = snapshot.counters ?? {}
  const available: readonly AvailableEvent[] = actor.role === 'leader' ? [] : availableEvents(kind, snapshot, engineActor(actor))
  return {
    id: row.id,
    number: row.number,
    kind: 'ticket',
    state: row.state,
    stateLabel: kind.states[row.state]?.label ?? row.state,
    stateType: row.stateType,
    version: row.version,
    channel: row.channel,
    requestType: row.requestType,
    categoryCode: row.categoryCode,
    categoryPath: parts.categoryPath,
    urgency: row.urgency,
    anonymous: row.anonymous,
    requesterName: maskName(row.requesterName),
    requesterPhone: maskPhone(row.requesterPhone),
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    placeUnitId: row.placeUnitId,
    placeUnitName: row.placeUnitName,
    content: row.content,
    lead: lead ? { id: lead.unitId, name: lead.unitName } : null,
    cooperating: parts.units.filter((u) => u.role === 'cooperating').map((u) => ({ id: u.unitId, name: u.unitName })),
    receivedAt: row.receivedAt,
    dueAt: handle?.dueAt ?? null,
    acceptDueAt: snapshot.clocks?.['accept']?.dueAt ?? null,
    overdue,
    limits: (snapshot.data?.['limits'] as Record<string, unknown> | undefined) ?? {},
    reply: parts.replies?.reply ?? (parts.sharedReply ? { text: parts.sharedReply.text, at: parts.sharedReply.at } : null),
    followUp: parts.replies?.followUp ?? null,
    citizenRating: row.citizenRating ? { rating: row.citizenRating, comment: row.citizenComment, at: row.ratedAt } : null,
    counters: { returns: n(counters['returns']), reassignments: n(counters['reassignments']), reopens: n(counters['reopens']), supervisions: n(counters['supervisions']) },
    flags: row.problemReason ? { problem: true, reason: row.problemReason } : { problem: false },
    duplicates: parts.duplicates ?? { mergedInto: null, mergedFrom: [], proposed: 0, repeated: null, requesterNotice: null },
    availableEvents: available.map((e) => ({ event: e.event, label: e.label, requires: { ...e.requires }, optional: { ...e.optional } })),
  }
}

/** Views of several rows, reading units, category paths and replies in a few queries. */
export async function ticketViews(q: Queryable, actor: Actor, now: Date, rows: readonly TicketRow[]): Promise<TicketView[]> {
  const ids = rows.map((r) => r.id)
  const units = await unitsOf(q, ids)
  const replies = await repliesOf(q, ids)
  const duplicates = await duplicateFactsOf(q, ids)
  const shared = await sharedRepliesOf(q, rows.filter((r) => r.state === 'merged').map((r) => r.id))
  const categories = await findCategories(q, rows.map((r) => r.categoryCode))
  const paths = new Map([...categories].map(([code, c]) => [code, c.path]))
  return rows.map((r) =>
    ticketView(r, actor, now, { units: units.get(r.id) ?? [], categoryPath: paths.get(r.categoryCode) ?? [], replies: replies.get(r.id), duplicates: duplicates.get(r.id), sharedReply: shared.get(r.id) }),
  )
}

/** The ticket if the actor's scope holds it, else DUBAN_ERR_NOT_FOUND (existence does not leak). */
export async function visibleTicket(q: Queryable, actor: Actor, id: string): Promise<TicketRow> {
  const row = await findTicket(q, id, ticketScope(actor))
  if (!row) throw new DubanError('DUBAN_ERR_NOT_FOUND', `ticket ${id}`, { where: 'id' })
  return row
}

/** The earliest and latest instants a received-at bound may name: PostgreSQL reads years 0001–9999 written this way. */
const BOUND_MIN_MS = Date.parse('0001-01-01T00:00:00Z')
const BOUND_MAX_MS = Date.parse('9999-12-31T23:59:59.999Z')

/**
 * A received-at bound (GET /api/tickets `from` / `to`) as the instant PostgreSQL is given: a bare date means China
 * midnight (as the KPIs read it), not the database server's; an instant keeps its offset (none: China time). A value
 * that is no real date or instant (2026-02-30, 2026-01-01garbage) or lies outside years 0001–9999 is a 400 naming the
 * parameter, never text handed to the database to refuse.
 */
function receivedBound(v: string | undefined, name: 'from' | 'to'): string | undefined {
  if (v === undefined) return undefined
  const where = `querystring/${name}`
  let ms: number
  try {
    ms = toEpochMs(v)
  } catch {
    throw new DubanError('DUBAN_ERR_VALIDATION', `${where}: '${v}' is not a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:mm:ss+08:00)`, { where })
  }
  if (ms < BOUND_MIN_MS || ms > BOUND_MAX_MS) throw new DubanError('DUBAN_ERR_VALIDATION', `${where}: '${v}' lies outside the years 0001–9999`, { where })
  return new Date(ms).toISOString()
}

/** The tickets page the actor may see (GET /api/tickets). */
export async function listTickets(
  deps: AppDeps,
  actor: Actor,
  query: TicketQuery,
  tokenize?: Tokenize,
): Promise<{ tickets: TicketView[]; total: number; totalCapped: boolean; limit: number; offset: number }> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500)
  // With a segmenter, `q` is a Chinese word search (工单检索, ticket-search.ts), ranked, its number-like parts looked
  // up as ticket numbers (first); without one, a substring.
  let words: string[] | undefined
  let numbers: string[] | undefined
  // 只看待办 is a unit's open tickets, few and ordered by due: a keyword there is a substring, not a ranked search.
  if (query.q && tokenize && !query.todo) {
    await indexPendingTickets(deps.db, tokenize, INDEX_BEFORE_SEARCH)
    words = ticketQueryWords(tokenize, query.q)
    numbers = ticketNumberTerms(query.q)
  }
  const offset = Math.max(query.offset ?? 0, 0)
  const todo = query.todo ? { leadUnits: todoLeadUnits(actor) } : undefined
  const filter = { ...query, todo, words, numbers, from: receivedBound(query.from, 'from'), to: receivedBound(query.to, 'to'), scope: ticketScope(actor), limit, offset }
  let page = await listTicketRows(deps.db, filter)
  // Tickets holding every word; when none does, those holding all but one (of three or more), then any; ranked,
  // each among the newest 300 that match (SEARCH_BOUNDS), the total then capped ("300+": totalCapped). Tickets a
  // number-like part names come before them, whichever words' tier answers.
  const noWordMatch = (): boolean => (page.wordMatches ?? page.total) === 0
  if (noWordMatch() && words && words.length > 2) page = await listTicketRows(deps.db, { ...filter, wordsMode: 'allButOne' })
  if (noWordMatch() && words && words.length > 1) page = await listTicketRows(deps.db, { ...filter, wordsMode: 'any' })
  const { rows, total, totalCapped } = page
  return { tickets: await ticketViews(deps.db, actor, deps.clock.now(), rows), total, totalCapped, limit, offset }
}

/** One ticket with history, attachments and 督办单 (GET /api/tickets/:id). */
export async function getTicket(deps: AppDeps, actor: Actor, id: string): Promise<TicketDetail> {
  return ticketDetailIn(deps.db, actor, deps.clock.now(), id)
}

/** getTicket inside a transaction (intake answers with the ticket it just wrote). */
export async function ticketDetailIn(q: Queryable, actor: Actor, now: Date, id: string): Promise<TicketDetail> {
  const row = await visibleTicket(q, actor, id)
  const [view] = await ticketViews(q, actor, now, [row])
  return {
    ...(view as TicketView),
    history: await eventsOf(q, id),
    attachments: await attachmentsOf(q, id),
    notices: (await listNotices(q, { itemId: id, limit: 100 })).map((n) => noticeView(n, chinaDateOf(now.getTime()))),
    requesterMessages: await requesterMessagesView(q, id),
    citizenRatings: row.citizenRating ? await citizenRatingsOf(q, id) : [],
  }
}
