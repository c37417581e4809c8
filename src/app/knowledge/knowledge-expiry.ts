/**
 * 知识库 expiry reminders (到期提醒): a published entry whose validity ends within N days (default 7) tells its owner
 * unit once, so that the unit renews it (a new version with a later end date, reviewed again) or lets it lapse; an
 * entry past its end is no longer offered (knowledge-base.ts, offerKnowledge). The reminder is a notification whose
 * dedupe key names the entry and its end date: it is written once per end date, and a renewal to a new end date
 * reminds again when that one nears. Run by the supervision tick.
 */
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { addCalendarDays } from '../../domain/workflow/time.ts'
import { expiringKnowledge } from '../../persistence/knowledge.repo.ts'
import { insertNotification } from '../../persistence/supervision.repo.ts'
import type { AppDeps } from '../deps.ts'

/** How many days before its end an entry's owner is reminded. */
export const KNOWLEDGE_EXPIRY_REMINDER_DAYS = 7

/** Reminds the owners of entries ending between today and today + `days` (China dates); returns how many were new. */
export async function remindExpiringKnowledge(deps: AppDeps, now: Date, days = KNOWLEDGE_EXPIRY_REMINDER_DAYS): Promise<number> {
  const today = chinaDateOf(now.toISOString())
  let sent = 0
  for (const e of await expiringKnowledge(deps.db, today, addCalendarDays(today, days))) {
    const fresh = await insertNotification(deps.db, {
      id: deps.newId(),
      dedupeKey: `knowledge.expiring:${e.id}:${e.validTo}@unit:${e.ownerUnitId}`,
      unitId: e.ownerUnitId,
      itemId: null,
      type: 'knowledge.expiring',
      title: `知识库条目即将到期：${e.title}`,
      body: `知识库条目「${e.title}」有效期至${e.validTo}，到期后话务员将不再看到它。如内容仍然有效，请修改有效期并重新提交审核；如已失效，可不处理。`,
      at: now,
    })
    if (fresh) sent++
  }
  return sent
}
