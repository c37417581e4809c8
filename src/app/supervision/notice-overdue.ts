/**
 * An unanswered 督办单 climbs the ladder (督办单逾期未复 → 升级): when a notice's reply deadline (its reply
 * working days) has passed and it is still `issued` — not replied to, not withdrawn — the tick raises, once per
 * notice, the next step of the item's kind's ladder after the 督办单 step that has not been raised for the item
 * yet (约谈, then 通报 for the next unanswered notice …): audited, and announced to the units, the office and
 * the leaders as `escalation.raised`; a step whose action is `notice` issues a further 督办单. The step is also
 * entered in the ladder's own ledger under the key the time-based ladder uses, so the tick never raises it twice;
 * the notice itself is marked dealt with as an `overdue` action (its reply deadline passed), whatever it raised.
 * A reply or a 撤回 before the tick comes stops it; so does the item being closed (then nothing is raised).
 * Runs inside superviseTick, which runs in the leader process only.
 */
import type { Queryable } from '../../persistence/db.ts'
import { claimAction, getItemSummary } from '../../persistence/supervision.repo.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import type { LadderStep, SupervisionConfig } from '../../domain/supervision/supervision-config.ts'
import { endOfDay } from '../../domain/workflow/time.ts'
import type { AppDeps } from '../deps.ts'
import { recordAudit } from './audit.port.ts'
import { emitSupervisionEvent } from './supervision-event.emit.ts'
import { issueNoticeIn } from './supervision-notice.ts'

/** What climbing did at one tick. */
export interface NoticeClimb {
  /** Ladder steps raised because a notice went unanswered. */
  readonly escalated: number
  /** Further 督办单 those steps issued. */
  readonly notices: number
}

/** The ledger key that marks a notice's overdue reply as dealt with. */
export const noticeOverdueKey = (noticeId: string): string => `notice-overdue:${noticeId}`

/**
 * The step an unanswered notice raises: the first step after the ladder's first 督办单 (`notice`) step (or after
 * its first step, when no step issues notices) that the item has not had yet; null when every one has been raised.
 */
export function nextStepAfterNotice(ladder: readonly LadderStep[], raised: ReadonlySet<string>): LadderStep | null {
  const at = ladder.findIndex((s) => s.action === 'notice')
  return ladder.slice(at + 1 > 0 ? at + 1 : 1).find((s) => !raised.has(s.name)) ?? null
}

/** Notices past their reply deadline, still waiting, not yet dealt with: oldest first, at most `limit`. */
async function overdueNotices(db: Queryable, today: string, limit: number): Promise<{ id: string; number: string; itemId: string; replyDue: string; unitIds: string[] }[]> {
  const { rows } = await db.query<{ id: string; number: string; item_id: string; reply_due: string; unit_ids: unknown }>(
    `SELECT n.id, n.number, n.item_id, n.reply_due::text AS reply_due, n.unit_ids FROM supervision_notice n
      WHERE n.status = 'issued' AND n.reply_due < $1::date
        AND NOT EXISTS (SELECT 1 FROM supervision_action a WHERE a.key = 'notice-overdue:' || n.id)
      ORDER BY n.reply_due, n.year, n.seq LIMIT $2`,
    [today, limit],
  )
  const arr = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [])
  return rows.map((r) => ({ id: r.id, number: r.number, itemId: r.item_id, replyDue: r.reply_due, unitIds: arr(r.unit_ids) }))
}

/**
 * Raises the next ladder step for the notices whose reply is overdue at `now`, each once, each in its own
 * transaction; at most `batch` a tick (the next tick takes the rest). A notice that fails is reported to
 * `onError` and tried again at the next tick.
 */
export async function climbUnansweredNotices(
  d: AppDeps,
  now: Date,
  configOf: (kind: string) => SupervisionConfig,
  onError: (noticeId: string, e: unknown) => void,
  batch = 500,
): Promise<NoticeClimb> {
  const today = chinaDateOf(now.getTime())
  let escalated = 0
  let notices = 0
  for (const n of await overdueNotices(d.db, today, batch)) {
    try {
      const r = await d.db.transaction(async (tx) => {
        // Re-read under the claim: a reply or withdrawal that came meanwhile stops it.
        const still = await tx.query<{ status: string }>('SELECT status FROM supervision_notice WHERE id = $1 FOR UPDATE', [n.id])
        const item = await getItemSummary(tx, n.itemId)
        const open = await tx.query<{ state_type: string }>('SELECT state_type FROM item WHERE id = $1', [n.itemId])
        const waiting = still.rows[0]?.status === 'issued' && item !== null && open.rows[0]?.state_type !== 'closed'
        const cfg = item ? configOf(item.kind) : null
        const { rows } = await tx.query<{ step: string }>(`SELECT DISTINCT step FROM supervision_action WHERE item_id = $1 AND action = 'escalate' AND step IS NOT NULL`, [n.itemId])
        const step = waiting && cfg ? nextStepAfterNotice(cfg.ladder, new Set(rows.map((x) => x.step))) : null
        const fresh = await claimAction(tx, { key: noticeOverdueKey(n.id), itemId: n.itemId, action: 'overdue', step: step?.name ?? null, ref: n.number, dueAt: endOfDay(n.replyDue), at: now })
        if (!fresh || !step || !item || !cfg) return { escalated: 0, notices: 0 }
        // The time-based ladder's key for this step: it will not raise the step again for the same due date.
        await claimAction(tx, { key: `escalate:${item.id}:${item.dueDate ?? 'notice'}:${step.name}`, itemId: item.id, action: 'escalate', step: step.name, ref: item.dueDate ?? n.number, dueAt: endOfDay(n.replyDue), at: now })
        const units = [...new Set([...item.lead, ...item.responsible, ...n.unitIds])]
        await recordAudit(tx, d, null, {
          action: 'supervision.notice.overdue',
          entity: 'supervision_notice',
          entityId: n.id,
          after: { notice: n.number, replyDue: n.replyDue, itemId: item.id, step: step.name, label: step.label },
        })
        const ref = { id: item.id, number: item.number, title: item.title, due: item.dueDate, lead: item.lead, responsible: item.responsible }
        await emitSupervisionEvent(tx, d, {
          id: `escalation.raised:notice:${n.id}:${step.name}`,
          type: 'escalation.raised',
          itemId: item.id,
          title: `${step.label}：${item.title}`,
          body: `${n.number} 逾期未回复（回复期限${n.replyDue}），${item.number} 升级至「${step.label}」。`,
          to: { units, roles: ['supervisor', 'leader'] },
          data: { item: ref, step: { name: step.name, label: step.label, afterDueWorkingDays: step.afterDueWorkingDays }, notice: { id: n.id, number: n.number, replyDue: n.replyDue } },
        })
        let issued = 0
        if (step.action === 'notice' && units.length > 0) {
          await issueNoticeIn(tx, d, null, { itemId: item.id, reason: `${n.number}逾期未回复，按督办规定再次发出督办单`, replyWorkingDays: cfg.noticeReplyWorkingDays, unitIds: units }, 'ladder')
          issued = 1
        }
        return { escalated: 1, notices: issued }
      })
      escalated += r.escalated
      notices += r.notices
    } catch (e) {
      onError(n.id, e)
    }
  }
  return { escalated, notices }
}
