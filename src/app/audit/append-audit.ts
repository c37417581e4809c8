/**
 * appendAudit: every write use-case records what it did in the audit log (审计日志), inside its own
 * transaction, so the record and the change commit or vanish together.
 */
import type { Queryable } from '../../persistence/db.ts'
import { insertUnsealedAuditRow } from '../../persistence/audit.repo.ts'

/** What happened, by whom, to what; before/after are JSON snapshots (omit secrets). */
export interface AuditEntry {
  readonly actorId: string | null
  /** Dotted verb, e.g. 'item.transition', 'unit.import', 'user.login'. */
  readonly action: string
  readonly entity: string
  readonly entityId: string | null
  readonly before?: unknown
  readonly after?: unknown
  readonly at: Date
}

/**
 * Records one entry. Call it with the transaction of the write it records
 * (`db.transaction(async (tx) => { …; await appendAudit(tx, {...}) })`). It is one INSERT: no lock, no read,
 * so concurrent writers never wait for each other. The row is unsealed; the sealer (seal-audit.ts) links it
 * into the hash chain after it commits. Returns the row's id (its chain seq is given at sealing).
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<number> {
  return insertUnsealedAuditRow(tx, {
    at: entry.at,
    actorId: entry.actorId,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  })
}
