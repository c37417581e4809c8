/** Reading the audit log for people (the admin's 审计日志 screen): filtered, newest first, paged by id. */
import type { Queryable } from './db.ts'

/** Filters; every one optional. `action` matches the dotted verb or a prefix of it ('item.' → every item action). */
export interface AuditSearch {
  readonly actorId?: string
  readonly entityId?: string
  readonly action?: string
  readonly from?: Date
  readonly to?: Date
  /** Rows with id below this (the previous page's last id). */
  readonly beforeId?: number
  readonly limit: number
}

/** One row as the screen shows it, with the actor's name and whether the sealer has chained it yet. */
export interface AuditListRow {
  readonly id: number
  readonly seq: number | null
  readonly at: string
  readonly actorId: string | null
  readonly actorName: string | null
  readonly action: string
  readonly entity: string
  readonly entityId: string | null
  readonly before: unknown
  readonly after: unknown
}

export async function searchAudit(q: Queryable, f: AuditSearch): Promise<AuditListRow[]> {
  const where: string[] = []
  const args: unknown[] = []
  const arg = (v: unknown): string => {
    args.push(v)
    return `$${args.length}`
  }
  if (f.actorId !== undefined) where.push(`a.actor_id = ${arg(f.actorId)}`)
  if (f.entityId !== undefined) where.push(`a.entity_id = ${arg(f.entityId)}`)
  if (f.action !== undefined) {
    // A prefix ends with '.'; LIKE's own wildcards in the text are escaped so they match themselves.
    if (f.action.endsWith('.')) where.push(`a.action LIKE ${arg(f.action.replace(/[\\%_]/g, (c) => '\\' + c) + '%')}`)
    else where.push(`a.action = ${arg(f.action)}`)
  }
  if (f.from !== undefined) where.push(`a.at >= ${arg(f.from.toISOString())}`)
  if (f.to !== undefined) where.push(`a.at < ${arg(f.to.toISOString())}`)
  if (f.beforeId !== undefined) where.push(`a.id < ${arg(f.beforeId)}`)
  const r = await q.query<Record<string, unknown>>(
    `SELECT a.id::int8 AS id, a.seq::int8 AS seq, a.at, a.actor_id, u.display_name AS actor_name, a.action, a.entity, a.entity_id, a.before, a.after
       FROM audit_log a LEFT JOIN app_user u ON u.id = a.actor_id
      ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY a.id DESC LIMIT ${arg(f.limit)}`,
    args,
  )
  return r.rows.map((x) => ({
    id: Number(x.id),
    seq: x.seq === null || x.seq === undefined ? null : Number(x.seq),
    at: new Date(x.at as string).toISOString(),
    actorId: (x.actor_id as string | null) ?? null,
    actorName: (x.actor_name as string | null) ?? null,
    action: x.action as string,
    entity: x.entity as string,
    entityId: (x.entity_id as string | null) ?? null,
    before: x.before ?? null,
    after: x.after ?? null,
  }))
}
