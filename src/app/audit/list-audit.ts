/**
 * The audit log as an admin reads it (审计日志查询): who did what to which record and when, filtered by person
 * (user name), item (id or number), action (a verb or a prefix such as 'item.') and China dates, newest first,
 * a page at a time. Failed sign-ins are in it (user.login.failed, with the name tried and the address).
 */
import { searchAudit, type AuditListRow } from '../../persistence/audit-search.repo.ts'
import { isIsoDate } from '../../domain/calendar/calendar-date.value.ts'
import { chinaInstantMs } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import { auditActionLabel, auditEntityLabel } from '../../domain/audit-actions.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** The screen's filters as the API takes them. */
export interface AuditQuery {
  readonly user?: string
  readonly item?: string
  readonly action?: string
  readonly from?: string
  readonly to?: string
  readonly before?: number
  readonly limit?: number
}

const MS_PER_DAY = 86_400_000

function dateArg(v: string | undefined, where: string): string | undefined {
  if (v === undefined || v === '') return undefined
  if (!isIsoDate(v)) throw new DubanError('DUBAN_ERR_VALIDATION', `${where} must be a date YYYY-MM-DD, got '${v}'`, { where })
  return v
}

/** A page of the log and the cursor of the next one (null on the last page). */
/** A row as the screen shows it: with the action's and the record kind's Chinese names (src/domain/audit-actions.ts). */
export type AuditViewRow = AuditListRow & { readonly actionLabel: string; readonly entityLabel: string }

export async function listAudit(deps: AppDeps, actor: Actor, query: AuditQuery): Promise<{ rows: AuditViewRow[]; nextBefore: number | null }> {
  if (actor.role !== 'admin') throw new DubanError('DUBAN_ERR_FORBIDDEN', 'only an admin reads the audit log', { where: 'role' })
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200)
  let actorId: string | undefined
  if (query.user) {
    const u = await deps.db.query<{ id: string }>('SELECT id FROM app_user WHERE username = $1', [query.user])
    if (!u.rows[0]) throw new DubanError('DUBAN_ERR_VALIDATION', `no user named '${query.user}'`, { where: 'user' })
    actorId = u.rows[0].id
  }
  let entityId: string | undefined
  if (query.item) {
    // An item is asked for by its number (事项编号, GD-2026-000123) as often as by its id.
    const it = await deps.db.query<{ id: string }>('SELECT id FROM item WHERE id = $1 OR number = $1 LIMIT 1', [query.item])
    entityId = it.rows[0]?.id ?? query.item
  }
  const from = dateArg(query.from, 'from')
  const to = dateArg(query.to, 'to')
  if (from && to && to < from) throw new DubanError('DUBAN_ERR_VALIDATION', `to (${to}) is before from (${from})`, { where: 'to' })
  const rows = await searchAudit(deps.db, {
    ...(actorId !== undefined ? { actorId } : {}),
    ...(entityId !== undefined ? { entityId } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(from ? { from: new Date(chinaInstantMs(from)) } : {}),
    // `to` is inclusive: up to the end of that China day.
    ...(to ? { to: new Date(chinaInstantMs(to) + MS_PER_DAY) } : {}),
    ...(query.before !== undefined ? { beforeId: query.before } : {}),
    limit: limit + 1,
  })
  const page = rows.slice(0, limit)
  return {
    rows: page.map((r) => ({ ...r, actionLabel: auditActionLabel(r.action), entityLabel: auditEntityLabel(r.entity) })),
    nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  }
}
