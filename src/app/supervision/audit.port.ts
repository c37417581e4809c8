/**
 * The one place calendar, supervision and assessment write the audit log (审计日志) from, so the
 * platform's appendAudit signature is adapted here only.
 */
import type { Queryable } from '../../persistence/db.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** What changed, for the audit log. */
export interface AuditEntry {
  readonly action: string
  readonly entity: string
  readonly entityId: string | null
  readonly before?: unknown
  readonly after?: unknown
}

/** Appends one audit row inside the caller's transaction; a null actor is the scheduler. */
export async function recordAudit(tx: Queryable, deps: AppDeps, actor: Actor | null, entry: AuditEntry): Promise<void> {
  await appendAudit(tx, { ...entry, actorId: actor?.userId ?? null, at: deps.clock.now() })
}
