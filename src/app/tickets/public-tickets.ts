/**
 * The public page's use-cases (在线诉求): a requester finds their ticket by number and phone and sees only
 * what the contract lists (state, dates, category name, the reply, their own ratings), rates each reply once
 * (after 重办 the new reply again), and withdraws it (撤回) while no unit has accepted it, acting as role citizen through the engine.
 * A wrong number or phone is "not found" either way, so a number alone reveals nothing.
 */
import { citizenRatingsOf, findTicketByNumberPhone, repliesOf, setCitizenRating, type TicketRow } from '../../persistence/tickets.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { DubanError } from '../../domain/errors.ts'
import { normalisePhone } from '../../domain/tickets/intake.rules.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { kindOf } from '../items/item-engine.ts'
import { takeEvent } from '../items/take-event.ts'
import { citizenActor } from './receive-ticket.ts'
import { duplicateFactsOf } from '../../persistence/duplicates.repo.ts'
import { sharedRepliesOf } from './duplicates.ts'
import { RATINGS, replyRated } from '../../domain/tickets/ratings.ts'

/** What the public lookup shows (and nothing else). */
export interface PublicTicketView {
  readonly number: string
  readonly stateLabel: string
  readonly status: 'open' | 'closed'
  readonly receivedAt: string
  readonly categoryName: string | null
  readonly reply: { text: string; at: string } | null
  /** Their latest rating (of this reply or, while it awaits one, of the reply before 重办). */
  readonly rating: { rating: string; comment: string | null; at: string | null } | null
  /** Every round's rating, oldest first: one per reply they rated (重办 brings a new reply, rated again). */
  readonly ratings: readonly { rating: string; comment: string | null; at: string; replyAt: string }[]
  /** The reply shown has no rating of theirs yet (and no unit is handling the ticket again). */
  readonly canRate: boolean
  readonly canWithdraw: boolean
  /**
   * 申请重办: the requester may ask for the ticket to be handled again, with a reason, while the reply waits for its
   * 回访 and the kind's 回访时限 (the follow_up clock) runs, unless they rated the reply 满意 or 基本满意.
   */
  readonly canReopen: boolean
  /** The end of that window (the follow_up clock's due), or null when 重办 cannot be asked. */
  readonly reopenUntil: string | null
  /** 已并单: the ticket it was merged into and what the requester is told; the reply is that ticket's. */
  readonly merged: { intoNumber: string; notice: string | null } | null
}

/** States in which a unit handles the ticket (before a reply, or again after 重办). */
const HANDLING = new Set(['dispatched', 'accepted', 'return_requested', 'extension_requested', 'material_requested'])

/** States before any unit accepted the ticket: the requester may still withdraw it. */
const WITHDRAWABLE = new Set(['received', 'dispatched'])

function notFound(): DubanError {
  return new DubanError('DUBAN_ERR_NOT_FOUND', 'no ticket with this number and phone', { where: 'number' })
}

/** The ticket of a number and phone, or "not found" naming `number`. */
async function ownTicket(q: Queryable, number: string, phone: string): Promise<{ row: TicketRow; phone: string }> {
  const digits = normalisePhone(phone)
  if (!digits) throw new DubanError('DUBAN_ERR_FIELD_INVALID', 'phone: not a mainland mobile or landline number', { where: 'phone' })
  const row = await findTicketByNumberPhone(q, number.trim(), digits)
  if (!row) throw notFound()
  return { row, phone: digits }
}

/** The requester's latest rating as the ticket keeps it, for replyRated. */
const givenRating = (row: TicketRow) => (row.citizenRating === null ? null : { replyAt: row.ratedReplyAt, at: row.ratedAt })

/** The 回访 window's end while the requester may still ask for 重办 at `now`, else null. */
function reopenWindow(row: TicketRow, now: Date): string | null {
  if (row.state !== 'replied') return null
  const clocks = row.snapshot['clocks'] as Record<string, { startedAt?: string | null; dueAt?: string | null; stoppedAt?: string | null }> | undefined
  const c = clocks?.['follow_up']
  if (!c || c.stoppedAt || !c.dueAt) return null
  // Rated 满意 / 基本满意 this round (the follow_up clock starts at the reply): no 重办; a rating of an earlier round
  // (before the last 重办) does not close it.
  const ratedThisRound = c.startedAt ? replyRated(c.startedAt, givenRating(row)) : row.citizenRating !== null
  if (ratedThisRound && (row.citizenRating === 'satisfied' || row.citizenRating === 'basically_satisfied')) return null
  return Date.parse(c.dueAt) >= now.getTime() ? c.dueAt : null
}

async function publicView(q: Queryable, row: TicketRow, now: Date): Promise<PublicTicketView> {
  const kind = kindOf('ticket', String(row.snapshot['kindVersion'] ?? row.kindVersion))
  const shared = row.state === 'merged' ? (await sharedRepliesOf(q, [row.id])).get(row.id) : undefined
  const reply = (await repliesOf(q, [row.id])).get(row.id)?.reply ?? (shared ? { text: shared.text, at: shared.at } : null)
  const facts = row.state === 'merged' ? (await duplicateFactsOf(q, [row.id])).get(row.id) : undefined
  return {
    number: row.number,
    stateLabel: kind.states[row.state]?.label ?? row.state,
    status: row.stateType === 'closed' ? 'closed' : 'open',
    receivedAt: row.receivedAt,
    categoryName: row.categoryName,
    reply,
    rating: row.citizenRating ? { rating: row.citizenRating, comment: row.citizenComment, at: row.ratedAt } : null,
    ratings: row.citizenRating ? (await citizenRatingsOf(q, row.id)).map((r) => ({ rating: r.rating, comment: r.comment, at: r.at, replyAt: r.replyAt })) : [],
    // Not while a unit handles it again after 重办: the reply shown is the one being redone; the next is rated.
    canRate: reply !== null && !replyRated(reply.at, givenRating(row)) && row.state !== 'withdrawn' && !HANDLING.has(row.state),
    canWithdraw: WITHDRAWABLE.has(row.state),
    canReopen: reopenWindow(row, now) !== null,
    reopenUntil: reopenWindow(row, now),
    merged: facts?.mergedInto ? { intoNumber: facts.mergedInto.number, notice: facts.requesterNotice } : null,
  }
}

/** GET /api/public/tickets/lookup. */
export async function lookupTicket(deps: AppDeps, number: string, phone: string): Promise<PublicTicketView> {
  const { row } = await ownTicket(deps.db, number, phone)
  return publicView(deps.db, row, deps.clock.now())
}

/** POST /api/public/tickets/rating: once per reply (after 重办, the new reply again); a second rating of one reply is a 409. */
export async function rateTicket(deps: AppDeps, input: { number: string; phone: string; rating: string; comment?: string | undefined }): Promise<PublicTicketView> {
  if (!(RATINGS as readonly string[]).includes(input.rating)) {
    throw new DubanError('DUBAN_ERR_FIELD_INVALID', `rating: one of ${RATINGS.join(', ')}`, { where: 'rating' })
  }
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const { row, phone } = await ownTicket(tx, input.number, input.phone)
    const view = await publicView(tx, row, now)
    if (view.reply && replyRated(view.reply.at, givenRating(row))) {
      throw new DubanError('DUBAN_ERR_CONFLICT', `ticket ${row.number}: this reply is already rated`, { where: 'rating' })
    }
    if (!view.canRate || !view.reply) throw new DubanError('DUBAN_ERR_CONFLICT', `ticket ${row.number} has no reply to rate yet`, { where: 'number' })
    const comment = input.comment?.trim() ? input.comment.trim() : null
    if (!(await setCitizenRating(tx, row.id, input.rating, comment, now.toISOString(), view.reply.at))) {
      throw new DubanError('DUBAN_ERR_CONFLICT', `ticket ${row.number}: this reply is already rated`, { where: 'rating' })
    }
    const actor: Actor = citizenActor(phone)
    await audit(tx, actor, now, { action: 'ticket.rate', entity: 'item', entityId: row.id, after: { rating: input.rating, comment, replyAt: view.reply.at } })
    return publicView(tx, { ...row, citizenRating: input.rating, citizenComment: comment, ratedAt: now.toISOString(), ratedReplyAt: view.reply.at }, now)
  })
}

/** POST /api/public/tickets/withdraw: the requester withdraws (撤回) before a unit accepts. */
export async function withdrawTicket(deps: AppDeps, input: { number: string; phone: string; reason?: string | undefined }): Promise<PublicTicketView> {
  const { row, phone } = await ownTicket(deps.db, input.number, input.phone)
  if (!WITHDRAWABLE.has(row.state)) {
    throw new DubanError('DUBAN_ERR_TRANSITION_NOT_ALLOWED', `ticket ${row.number} is ${row.state}; it can be withdrawn only before a unit accepts it`, { where: 'number' })
  }
  const reason = input.reason?.trim()
  await takeEvent(deps, citizenActor(phone), row.id, { event: 'withdraw', payload: reason ? { reason } : {} })
  const again = await findTicketByNumberPhone(deps.db, row.number, phone)
  if (!again) throw notFound()
  return publicView(deps.db, again, deps.clock.now())
}

/**
 * POST /api/public/tickets/reopen: the requester, not satisfied with the reply, asks for 重办 with a reason while the
 * 回访 window runs (the ticket kind's citizen `reopen`: back to 办理中 at its unit, a fresh handling time limit, the
 * unit and the centre told). Outside the window, after a 满意 / 基本满意 rating or before a reply: 409.
 */
export async function reopenTicket(deps: AppDeps, input: { number: string; phone: string; reason: string }): Promise<PublicTicketView> {
  const reason = input.reason.trim()
  if (!reason) throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'reason: say why the ticket should be handled again', { where: 'reason' })
  const { row, phone } = await ownTicket(deps.db, input.number, input.phone)
  if (reopenWindow(row, deps.clock.now()) === null) {
    const why = row.state !== 'replied' ? `is ${row.state}; 重办 can be asked only after the reply, before the 回访` : row.citizenRating === 'satisfied' || row.citizenRating === 'basically_satisfied' ? `was rated ${row.citizenRating}` : 'is past its 回访 window'
    throw new DubanError('DUBAN_ERR_TRANSITION_NOT_ALLOWED', `ticket ${row.number} ${why}`, { where: 'number' })
  }
  await takeEvent(deps, citizenActor(phone), row.id, { event: 'reopen', payload: { reason } })
  const again = await findTicketByNumberPhone(deps.db, row.number, phone)
  if (!again) throw notFound()
  return publicView(deps.db, again, deps.clock.now())
}
