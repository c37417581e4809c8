/**
 * What the supervision tick writes for one page of items, gathered in Node and written set-based when the page
 * is done: the notifications and webhook deliveries of its supervision events (what emitSupervisionEvent writes one
 * row at a time), its audit rows, and the ladder's 督办单 (what issueNoticeIn does one notice at a time, with the
 * calendar, unit check and numbering done once for the page). Flushed inside the page's transaction, so all of it
 * commits with the claims and the events fired, or none of it does.
 */
import type { Queryable } from '../../persistence/db.ts'
import type { NewNotification } from '../../persistence/supervision.repo.ts'
import type { NewAuditRow } from '../../persistence/audit.repo.ts'
import type { NoticeRow } from '../../persistence/supervision-notice.repo.ts'
import {
  activeSubscriptions, insertDeliveries, insertNotices, insertNotifications, insertUnsealedAuditRows, knownUnits, reserveNoticeSeqs, type NewNotice,
} from '../../persistence/supervision-batch.repo.ts'
import type { Calendar } from '../../domain/calendar/calendar.model.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import type { SupervisionEvent } from './supervision-event.emit.ts'
import { noticeNumber } from './supervision-notice.ts'
import { TOP_NOTICE_PREFIX } from '../../domain/units/area-office.ts'

/** A ladder 督办单 to issue: the item as the tick read it, to its units. */
export interface LadderNotice {
  readonly item: { readonly id: string; readonly number: string; readonly title: string; readonly dueDate: string | null }
  readonly unitIds: readonly string[]
  readonly reason: string
  readonly replyWorkingDays: number
}

/** The webhook subscriptions, read once per tick (they change rarely; a page's deliveries match them in Node). */
export type Subscriptions = readonly { id: string; eventTypes: readonly string[] }[]

export class TickBatch {
  private readonly notifications: NewNotification[] = []
  private readonly deliveries: { id: string; subscriptionId: string; eventId: string; eventType: string; payload: unknown; at: Date }[] = []
  /** Audit rows in the order the actions happened; a notice's row is completed when its number is known. */
  private readonly audits: { row: NewAuditRow }[] = []
  private readonly notices: { n: LadderNotice; audit: { row: NewAuditRow } }[] = []
  /**
   * What the page's fired events wrote before anything else when they went one by one through take-event: their
   * audit rows (item.transition, and the 督办单 an event's issueNotice effect issued) and those notices, which so
   * keep the lower numbers and ids, in the order fired.
   */
  private readonly firedAudits: { row: NewAuditRow }[] = []
  private readonly firedNotices: { n: LadderNotice; audit: { row: NewAuditRow } }[] = []

  constructor(
    private readonly at: Date,
    private readonly newId: () => string,
    private readonly cal: Pick<Calendar, 'addWorkingDays'>,
    private readonly subscriptions: Subscriptions,
  ) {}

  /** The notifications (one per unit, role and user, keyed `<event id>@…`) and the deliveries of one event. */
  emit(e: SupervisionEvent): void {
    const base = { itemId: e.itemId, type: e.type, title: e.title, body: e.body, at: this.at }
    for (const unitId of new Set(e.to.units ?? [])) this.notifications.push({ ...base, id: this.newId(), dedupeKey: `${e.id}@unit:${unitId}`, unitId })
    for (const role of new Set(e.to.roles ?? [])) this.notifications.push({ ...base, id: this.newId(), dedupeKey: `${e.id}@role:${role}`, role })
    for (const userId of new Set(e.to.users ?? [])) this.notifications.push({ ...base, id: this.newId(), dedupeKey: `${e.id}@user:${userId}`, userId })
    const payload = { id: e.id, type: e.type, at: this.at.toISOString(), itemId: e.itemId, title: e.title, body: e.body, ...e.data }
    for (const s of this.subscriptions) {
      if (s.eventTypes.includes(e.type) || s.eventTypes.includes('*')) {
        this.deliveries.push({ id: this.newId(), subscriptionId: s.id, eventId: e.id, eventType: e.type, payload, at: this.at })
      }
    }
  }

  /** An audit row by the scheduler (no actor). */
  audit(entry: { action: string; entity: string; entityId: string | null; before?: unknown; after?: unknown }): void {
    this.audits.push({ row: { at: this.at, actorId: null, action: entry.action, entity: entry.entity, entityId: entry.entityId, before: entry.before ?? null, after: entry.after ?? null } })
  }

  /** A ladder 督办单; numbered, stored, audited and announced (notice.issued) when the page is flushed. */
  notice(n: LadderNotice): void {
    if (n.unitIds.length === 0) throw new DubanError('DUBAN_ERR_VALIDATION', 'the item has no lead or responsible unit; name unitIds', { where: 'unitIds' })
    const audit = { row: { at: this.at, actorId: null, action: 'supervision.notice.issue', entity: 'supervision_notice', entityId: null, before: null, after: null } as NewAuditRow }
    this.audits.push(audit)
    this.notices.push({ n, audit })
  }

  /** The audit row of an event the tick fired (take-event's `item.transition` row), ahead of the page's other rows. */
  firedAudit(row: NewAuditRow): void {
    this.firedAudits.push({ row })
  }

  /** A 督办单 an event the tick fired issues (its issueNotice effect, as issueNoticeIn would), numbered before the ladder's. */
  firedNotice(n: LadderNotice): void {
    if (n.unitIds.length === 0) throw new DubanError('DUBAN_ERR_VALIDATION', 'the item has no lead or responsible unit; name unitIds', { where: 'unitIds' })
    const audit = { row: { at: this.at, actorId: null, action: 'supervision.notice.issue', entity: 'supervision_notice', entityId: null, before: null, after: null } as NewAuditRow }
    this.firedAudits.push(audit)
    this.firedNotices.push({ n, audit })
  }

  /** Writes everything gathered: notices first (they add audit rows and events), then one statement per table. */
  async flush(tx: Queryable): Promise<void> {
    if (this.firedNotices.length + this.notices.length > 0) await this.issueNotices(tx)
    await insertUnsealedAuditRows(tx, [...this.firedAudits, ...this.audits].map((a) => a.row))
    await insertNotifications(tx, this.notifications)
    await insertDeliveries(tx, this.deliveries)
  }

  private async issueNotices(tx: Queryable): Promise<void> {
    const all = [...this.firedNotices, ...this.notices]
    const known = await knownUnits(tx, [...new Set(all.flatMap((x) => x.n.unitIds))])
    for (const { n } of all) {
      const missing = n.unitIds.filter((u) => !known.has(u))
      if (missing.length > 0) throw new DubanError('DUBAN_ERR_VALIDATION', `unknown unit ${missing.join(', ')}`, { where: 'unitIds' })
    }
    const today = chinaDateOf(this.at.getTime())
    const year = Number(today.slice(0, 4))
    const first = await reserveNoticeSeqs(tx, year, all.length)
    const rows: NewNotice[] = []
    all.forEach(({ n, audit }, i) => {
      const seq = first + i
      const id = this.newId()
      const number = noticeNumber(TOP_NOTICE_PREFIX, year, seq)
      const replyDue = this.cal.addWorkingDays(today, n.replyWorkingDays)
      const unitIds = [...new Set(n.unitIds)]
      rows.push({ id, year, seq, number, itemId: n.item.id, unitIds, reason: n.reason, replyWorkingDays: n.replyWorkingDays, replyDue, origin: 'ladder', issuedBy: null, issuedAt: this.at })
      // The audit row holds the notice as getNotice reads it back (issueNoticeIn's record).
      const stored: NoticeRow = {
        id, number, office: '', year, seq, itemId: n.item.id, itemNumber: n.item.number, itemTitle: n.item.title, unitIds, reason: n.reason,
        replyWorkingDays: n.replyWorkingDays, replyDue, status: 'issued', origin: 'ladder', issuedBy: null, issuedAt: this.at.toISOString(),
        replyText: null, repliedBy: null, repliedUnitId: null, repliedAt: null, withdrawReason: null, withdrawnBy: null, withdrawnAt: null,
      }
      audit.row = { ...audit.row, entityId: id, after: stored }
      this.emit({
        id: `notice.issued:${id}`,
        type: 'notice.issued',
        itemId: n.item.id,
        title: `${number}：${n.item.title}`,
        body: `${n.reason.replace(/[。.!！?？;；]+$/u, '')}。请于${replyDue}前书面回复。`,
        to: { units: unitIds, roles: ['supervisor'] },
        data: { notice: { id, number, unitIds, replyDue, reason: n.reason }, item: { id: n.item.id, number: n.item.number, title: n.item.title, due: n.item.dueDate } },
      })
    })
    await insertNotices(tx, rows)
  }
}

/** Reads the subscriptions a tick's batches match events against. */
export const loadSubscriptions = (db: Queryable): Promise<Subscriptions> => activeSubscriptions(db)
