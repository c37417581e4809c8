/** The audit log's head (审计日志链头) to publish: seq and hash of the newest sealed row, after sealing what waits. */
import type { Db } from '../../persistence/db.ts'
import { readChainHead } from '../../persistence/audit.repo.ts'
import { sealAudit, type ChainHead } from './seal-audit.ts'

/**
 * Seals the rows waiting (taking turns with any running sealer) and returns the head, or null while the log
 * is empty. Publish it, and later `duban audit verify --head SEQ:HASH` shows whether the chain still reaches it.
 * It does not verify the chain; `verifyAudit` does.
 */
export async function auditHead(db: Db): Promise<ChainHead | null> {
  await sealAudit(db, { wait: true })
  return readChainHead(db)
}
