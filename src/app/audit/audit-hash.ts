/** The audit chain's hash (审计日志哈希): sha256 over the previous hash and the canonical JSON of a row. */
import { createHash } from 'node:crypto'
import type { NewAuditRow } from '../../persistence/audit.repo.ts'

/** The hash before the first row. */
export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every depth, so the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`
  const obj = value as Record<string, unknown>
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`
}

/** The hashed content of a row: its chain position and what the writer stored (not its id, nor the hashes). */
export type HashedAuditFields = NewAuditRow & { readonly seq: number }

/** hash = sha256(prevHash + canonical JSON of the row's fields). */
export function auditHash(prevHash: string, f: HashedAuditFields): string {
  const body = canonicalJson({
    seq: f.seq,
    at: f.at.toISOString(),
    actorId: f.actorId,
    action: f.action,
    entity: f.entity,
    entityId: f.entityId,
    before: f.before ?? null,
    after: f.after ?? null,
  })
  return createHash('sha256').update(prevHash).update(body).digest('hex')
}
