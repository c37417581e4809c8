/**
 * appendAudit: every write use-case records what it did in the audit log (审计日志), inside its own
 * transaction, so the record and the change commit or vanish together.
 */
import type { Queryable } from '../../adapters/db/db.ts'
import { insertAuditRow, lockChainHead } from '../../adapters/db/audit.repo.ts'
import { auditHash, GENESIS_HASH } from './audit-hash.ts'

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
 * Appends one entry to the hash chain. Call it with the transaction of the write it records
 * (`db.transaction(async (tx) => { …; await appendAudit(tx, {...}) })`). Appends are serialised by
 * an advisory lock held to the end of the transaction, so the chain stays linear under concurrency.
 * Returns the new row's seq.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<number> {
  const head = await lockChainHead(tx)
  const seq = (head?.seq ?? 0) + 1
  const prevHash = head?.hash ?? GENESIS_HASH
  // Round-trip through JSON so what is hashed is exactly what jsonb stores and gives back.
  const before = entry.before === undefined ? null : (JSON.parse(JSON.stringify(entry.before)) as unknown)
  const after = entry.after === undefined ? null : (JSON.parse(JSON.stringify(entry.after)) as unknown)
  const fields = { seq, at: entry.at, actorId: entry.actorId, action: entry.action, entity: entry.entity, entityId: entry.entityId, before, after }
  await insertAuditRow(tx, { ...fields, prevHash, hash: auditHash(prevHash, fields) })
  return seq
}
