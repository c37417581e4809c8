/**
 * The one place plans and items write the audit log (审计日志) from, so the platform's appendAudit
 * signature is adapted here only.
 */
import type { Queryable } from '../../persistence/db.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor } from '../deps.ts'

/** What changed, for the audit log. */
export interface AuditChange {
  readonly action: string
  readonly entity: string
  readonly entityId: string | null
  readonly before?: unknown
  readonly after?: unknown
}

/** Appends one audit row inside the caller's transaction. */
export async function audit(tx: Queryable, actor: Actor, at: Date, change: AuditChange): Promise<void> {
  await appendAudit(tx, { actorId: actor.userId, at, ...change })
}
