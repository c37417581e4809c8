/**
 * 督办单 (supervision notices): issued by a supervisor or by the escalation ladder, numbered in the issuing office's
 * series (the top's 督办〔2026〕12号, a district 督查室's 青龙督办〔2026〕1号), addressed to units with a reply deadline
 * in working days, replied to once.
 */
import type { Queryable } from '../../persistence/db.ts'
import { getItemSummary } from '../../persistence/supervision.repo.ts'
import { getNotice, insertNotice, listNotices, nextNoticeSeq, replyToNotice, withdrawNoticeRow, type NoticeRow } from '../../persistence/supervision-notice.repo.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import { cachedCalendar } from '../calendar/calendar.load.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { recordAudit } from './audit.port.ts'
import { visibleItem } from '../items/item-queries.ts'
import { scopeHoldsAny, unitsInScope } from '../../domain/users/data-scope.ts'
import { emitSupervisionEvent } from './supervision-event.emit.ts'
import { issuingOfficeFor, officeById } from '../office/office-profile.ts'

/** A notice as the API shows it, with whether the reply is (or was) late. */
export interface NoticeView extends NoticeRow {
  readonly overdue: boolean
}

/** The document number of a notice (文号): the office's prefix, the year, the office's sequence. */
export function noticeNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}〔${year}〕${seq}号`
}

/** A notice as the API shows it on `today` (China date): overdue when unanswered past, or answered after, its reply day. */
export function noticeView<N extends NoticeRow>(n: N, today: string): N & { readonly overdue: boolean } {
  return { ...n, ...view(n, today) }
}

function view(n: NoticeRow, today: string): NoticeView {
  if (n.status === 'withdrawn') return { ...n, overdue: false } // a withdrawn notice asks nothing of anyone
  const replyDay = n.repliedAt ? chinaDateOf(n.repliedAt) : today
  return { ...n, overdue: replyDay > n.replyDue }
}

/** What issuing needs. */
export interface IssueNoticeInput {
  readonly itemId: string
  readonly reason: string
  readonly replyWorkingDays: number
  /** Defaults to the item's lead and responsible units. */
  readonly unitIds?: readonly string[]
}

/** Issues a notice inside `tx` (used by the API and by the ladder); returns the stored notice. */
export async function issueNoticeIn(tx: Queryable, deps: AppDeps, actor: Actor | null, input: IssueNoticeInput, origin: 'manual' | 'ladder'): Promise<NoticeRow> {
  const item = await getItemSummary(tx, input.itemId)
  if (!item) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no item ${input.itemId}`, { where: 'itemId' })
  const unitIds = input.unitIds && input.unitIds.length > 0 ? [...new Set(input.unitIds)] : [...new Set([...item.lead, ...item.responsible])]
  if (unitIds.length === 0) throw new DubanError('DUBAN_ERR_VALIDATION', 'the item has no lead or responsible unit; name unitIds', { where: 'unitIds' })
  if (!Number.isInteger(input.replyWorkingDays) || input.replyWorkingDays < 1 || input.replyWorkingDays > 60) {
    throw new DubanError('DUBAN_ERR_VALIDATION', 'replyWorkingDays must be 1–60', { where: 'replyWorkingDays' })
  }
  if (input.reason.trim() === '') throw new DubanError('DUBAN_ERR_VALIDATION', 'reason must not be empty', { where: 'reason' })
  const known = await tx.query<{ id: string }>('SELECT id FROM unit WHERE id = ANY($1::text[])', [unitIds])
  const missing = unitIds.filter((u) => !known.rows.some((r) => r.id === u))
  if (missing.length > 0) throw new DubanError('DUBAN_ERR_VALIDATION', `unknown unit ${missing.join(', ')}`, { where: 'unitIds' })

  const now = deps.clock.now()
  const today = chinaDateOf(now.getTime())
  const year = Number(today.slice(0, 4))
  const { calendar: cal } = await cachedCalendar(tx) // this process's copy, current with every write (cachedCalendar)
  // A person's notice is their office's (the area their data scope lies in, as for a 通报); the ladder's, the top's.
  const office = actor && origin === 'manual' ? await issuingOfficeFor({ db: tx }, actor.scopeUnitIds) : await officeById({ db: tx }, '')
  const seq = await nextNoticeSeq(tx, office.office, year)
  const id = deps.newId()
  const number = noticeNumber(office.noticePrefix, year, seq)
  const replyDue = cal.addWorkingDays(today, input.replyWorkingDays)
  await insertNotice(tx, { id, office: office.office, year, seq, number, itemId: item.id, unitIds, reason: input.reason, replyWorkingDays: input.replyWorkingDays, replyDue, origin, issuedBy: actor?.userId ?? null, issuedAt: now })
  const notice = (await getNotice(tx, id))!
  await recordAudit(tx, deps, actor, { action: 'supervision.notice.issue', entity: 'supervision_notice', entityId: id, after: notice })
  await emitSupervisionEvent(tx, deps, {
    id: `notice.issued:${id}`,
    type: 'notice.issued',
    itemId: item.id,
    title: `${number}：${item.title}`,
    // The reason usually ends a sentence already; add 。 only when it does not.
    body: `${input.reason.replace(/[。.!！?？;；]+$/u, '')}。请于${replyDue}前书面回复。`,
    to: { units: unitIds, roles: ['supervisor'] },
    data: { notice: { id, number, unitIds, replyDue, reason: input.reason }, item: { id: item.id, number: item.number, title: item.title, due: item.dueDate } },
  })
  return notice
}

/**
 * 数据范围: a person supervises only inside their scope. The item must be one they see (else 404, as for any
 * foreign item); the units named must be in the scope (a foreign unit is not found); unnamed, the item's lead and
 * responsible units in the scope are addressed.
 */
async function withinScope(tx: Queryable, actor: Actor, input: IssueNoticeInput): Promise<IssueNoticeInput> {
  if (actor.scopeUnitIds === null) return input
  await visibleItem(tx, actor, input.itemId)
  const named = input.unitIds ?? []
  const foreign = named.findIndex((u) => !scopeHoldsAny(actor.scopeUnitIds, [u]))
  if (foreign >= 0) throw new DubanError('DUBAN_ERR_NOT_FOUND', `unit ${named[foreign]} is outside your data scope`, { where: `unitIds[${foreign}]` })
  if (named.length > 0) return input
  const item = await getItemSummary(tx, input.itemId)
  return { ...input, unitIds: unitsInScope(actor.scopeUnitIds, [...new Set([...(item?.lead ?? []), ...(item?.responsible ?? [])])]) }
}

/** POST /supervision/notices: a supervisor or admin issues a 督办单 by hand, inside their data scope. */
export async function issueNotice(deps: AppDeps, actor: Actor, input: IssueNoticeInput): Promise<NoticeView> {
  const n = await deps.db.transaction(async (tx) => issueNoticeIn(tx, deps, actor, await withinScope(tx, actor, input), 'manual'))
  return view(n, chinaDateOf(deps.clock.now().getTime()))
}

/** A unit answers a notice (回复); only a unit it is addressed to (or an admin), and only once. */
export async function replyNotice(deps: AppDeps, actor: Actor, id: string, text: string): Promise<NoticeView> {
  if (text.trim() === '') throw new DubanError('DUBAN_ERR_VALIDATION', 'reply text must not be empty', { where: 'text' })
  const n = await deps.db.transaction(async (tx) => {
    const before = await getNotice(tx, id)
    if (!before) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no supervision notice ${id}`, { where: 'id' })
    const ownUnit = actor.unitId !== null && before.unitIds.includes(actor.unitId)
    // Name only the id the caller sent: the number (文号) is the notice's own field, not for other units.
    if (actor.role !== 'admin' && !ownUnit) throw new DubanError('DUBAN_ERR_NOTICE_FORBIDDEN', `supervision notice ${id}`, { where: 'id' })
    if (before.status === 'replied') throw new DubanError('DUBAN_ERR_NOTICE_REPLY_CONFLICT', before.number, { where: 'id' })
    if (before.status === 'withdrawn') throw new DubanError('DUBAN_ERR_NOTICE_WITHDRAWN', before.number, { where: 'id' })
    const ok = await replyToNotice(tx, id, { text, by: actor.userId, unitId: ownUnit ? actor.unitId : null, at: deps.clock.now() })
    if (!ok) throw new DubanError('DUBAN_ERR_NOTICE_REPLY_CONFLICT', before.number, { where: 'id' })
    const after = (await getNotice(tx, id))!
    await recordAudit(tx, deps, actor, { action: 'supervision.notice.reply', entity: 'supervision_notice', entityId: id, before, after })
    await emitSupervisionEvent(tx, deps, {
      id: `notice.replied:${id}`,
      type: 'notice.replied',
      itemId: after.itemId,
      title: `${after.number} 已回复`,
      body: text,
      to: { roles: ['supervisor'], ...(after.issuedBy ? { users: [after.issuedBy] } : {}) },
      data: { notice: { id, number: after.number, repliedUnitId: after.repliedUnitId } },
    })
    return after
  })
  return view(n, chinaDateOf(deps.clock.now().getTime()))
}

/**
 * 撤回: the issuer's office takes back a notice sent by mistake, with a reason, while it still waits for its
 * reply. The notice stays on record (status withdrawn, who, when, why), the units are told, and it no longer
 * counts as unanswered. A replied notice cannot be withdrawn: the unit's answer is part of the record.
 */
export async function withdrawNotice(deps: AppDeps, actor: Actor, id: string, reason: string): Promise<NoticeView> {
  if (reason.trim() === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'a withdrawal needs a reason', { where: 'reason' })
  const n = await deps.db.transaction(async (tx) => {
    const before = await getNotice(tx, id)
    // Outside the actor's data scope the notice does not exist for them (404).
    if (!before || !scopeHoldsAny(actor.scopeUnitIds, before.unitIds)) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no supervision notice ${id}`, { where: 'id' })
    if (before.status === 'replied') throw new DubanError('DUBAN_ERR_NOTICE_REPLY_CONFLICT', `${before.number} has been replied to and cannot be withdrawn`, { where: 'id' })
    if (before.status === 'withdrawn') throw new DubanError('DUBAN_ERR_NOTICE_WITHDRAWN', before.number, { where: 'id' })
    const ok = await withdrawNoticeRow(tx, id, { reason: reason.trim(), by: actor.userId, at: deps.clock.now() })
    if (!ok) throw new DubanError('DUBAN_ERR_NOTICE_REPLY_CONFLICT', before.number, { where: 'id' })
    const after = (await getNotice(tx, id))!
    await recordAudit(tx, deps, actor, { action: 'supervision.notice.withdraw', entity: 'supervision_notice', entityId: id, before, after })
    await emitSupervisionEvent(tx, deps, {
      id: `notice.withdrawn:${id}`,
      type: 'notice.withdrawn',
      itemId: after.itemId,
      title: `${after.number} 已撤回`,
      body: `撤回原因：${reason.trim()}。该督办单无需回复。`,
      to: { units: [...after.unitIds], roles: ['supervisor'] },
      data: { notice: { id, number: after.number, reason: reason.trim() } },
    })
    return after
  })
  return view(n, chinaDateOf(deps.clock.now().getTime()))
}

/** Lists notices; whoever has a data scope (a liaison, a district 督查室) sees only those addressed to units in it. */
export async function listSupervisionNotices(deps: AppDeps, actor: Actor, f: { itemId?: string; status?: NoticeRow['status']; limit?: number }): Promise<NoticeView[]> {
  const rows = await listNotices(deps.db, { ...f, unitIds: actor.scopeUnitIds, limit: f.limit ?? 200 })
  const today = chinaDateOf(deps.clock.now().getTime())
  return rows.map((r) => view(r, today))
}
