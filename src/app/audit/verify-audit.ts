/** Recomputes the audit chain (审计日志校验) and names the first row that does not fit. */
import type { Queryable } from '../../persistence/db.ts'
import { countUnsealed, readAuditPage } from '../../persistence/audit.repo.ts'
import { auditHash, GENESIS_HASH } from './audit-hash.ts'
import type { ChainHead } from './seal-audit.ts'

/**
 * The verdict on the sealed part: ok with the number of rows and the head, or the first bad seq and why.
 * unsealed counts rows still waiting for the sealer; they are not evidence yet (docs/audit.md).
 */
export type AuditVerdict =
  | { readonly ok: true; readonly rows: number; readonly headSeq: number; readonly headHash: string; readonly unsealed: number }
  | { readonly ok: false; readonly rows: number; readonly badSeq: number; readonly reason: string; readonly unsealed: number }

/**
 * Walks the sealed rows in seq order. An edited row fails its own hash; a deleted row leaves a gap in seq
 * (the sealer gives seqs without gaps) and breaks the next row's prev_hash; an inserted or moved row breaks
 * the prev_hash of the row after it or its own hash (seq is hashed). Deleting the newest rows cannot be seen
 * from the table alone: pass a head published earlier as `published`, and the chain must still reach it.
 */
export async function verifyAudit(q: Queryable, pageSize = 1000, published?: ChainHead): Promise<AuditVerdict> {
  const unsealed = await countUnsealed(q)
  let prev = GENESIS_HASH
  let expected = 1
  let rows = 0
  const broken = (badSeq: number, reason: string): AuditVerdict => ({ ok: false, rows, badSeq, reason, unsealed })
  for (;;) {
    const page = await readAuditPage(q, expected - 1, pageSize)
    if (page.length === 0) {
      if (published && published.seq > rows) return broken(rows + 1, `the chain ends at seq ${rows} before the published head ${published.seq}: rows were removed from its end`)
      return { ok: true, rows, headSeq: rows, headHash: prev, unsealed }
    }
    for (const r of page) {
      if (r.seq !== expected) return broken(expected, `row ${expected} is missing (next present is ${r.seq})`)
      if (r.prevHash !== prev) return broken(r.seq, `row ${r.seq} does not follow the previous row's hash`)
      if (auditHash(r.prevHash, r) !== r.hash) return broken(r.seq, `row ${r.seq} was changed after it was written`)
      if (published && r.seq === published.seq && r.hash !== published.hash) return broken(r.seq, `row ${r.seq} does not have the published head's hash: the chain up to it was rewritten`)
      prev = r.hash
      expected++
      rows++
    }
  }
}
