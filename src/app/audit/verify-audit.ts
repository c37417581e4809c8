/** Recomputes the audit chain (审计日志校验) and names the first row that does not fit. */
import type { Queryable } from '../../adapters/db/db.ts'
import { readAuditPage } from '../../adapters/db/audit.repo.ts'
import { auditHash, GENESIS_HASH } from './audit-hash.ts'

/** The verdict: ok with the number of rows, or the first bad seq and why. */
export type AuditVerdict =
  | { readonly ok: true; readonly rows: number; readonly headHash: string }
  | { readonly ok: false; readonly rows: number; readonly badSeq: number; readonly reason: string }

/**
 * Walks the chain in seq order. An edited row fails its own hash; a deleted row leaves a gap in seq
 * (seqs are assigned without gaps) and breaks the next row's prev_hash. Deleting the newest rows
 * cannot be seen from the table alone: compare headHash with a copy kept elsewhere for that.
 */
export async function verifyAudit(q: Queryable, pageSize = 1000): Promise<AuditVerdict> {
  let prev = GENESIS_HASH
  let expected = 1
  let rows = 0
  for (;;) {
    const page = await readAuditPage(q, expected - 1, pageSize)
    if (page.length === 0) return { ok: true, rows, headHash: prev }
    for (const r of page) {
      if (r.seq !== expected) return { ok: false, rows, badSeq: expected, reason: `row ${expected} is missing (next present is ${r.seq})` }
      if (r.prevHash !== prev) return { ok: false, rows, badSeq: r.seq, reason: `row ${r.seq} does not follow the previous row's hash` }
      if (auditHash(r.prevHash, r) !== r.hash) return { ok: false, rows, badSeq: r.seq, reason: `row ${r.seq} was changed after it was written` }
      prev = r.hash
      expected++
      rows++
    }
  }
}
