/**
 * `duban audit verify|head`: seals what is waiting, then recomputes the audit log (审计日志) hash chain and names
 * the first bad row, or prints the head to publish.
 */
import { sealAudit } from '../../app/audit/seal-audit.ts'
import { verifyAudit } from '../../app/audit/verify-audit.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban audit verify [--head SEQ:HASH] [--data DIR]
       duban audit head [--data DIR]

verify  seals the rows waiting for the sealer, then recomputes the hash chain of the audit log.
        With --head (a head printed earlier by 'duban audit head' and kept elsewhere) the chain must
        still reach that row with that hash, which shows rows removed from its end or history rewritten.
        Exit status 0 when intact; 1 naming the first row that was changed, deleted, inserted or moved.
head    seals, then prints the newest sealed row as SEQ:HASH, to publish or keep outside the database.
Exit status 2 on a usage error. Design and limits: docs/audit.md.`

/** Parses SEQ:HASH. */
function parseHead(v: string | undefined): { seq: number; hash: string } | null {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(v ?? '')
  return m ? { seq: Number(m[1]), hash: m[2]! } : null
}

/** Runs `duban audit`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { dataDir, rest } = takeDataDir(args)
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  const [cmd, ...opts] = rest
  let published: { seq: number; hash: string } | undefined
  if (cmd === 'verify' && opts.length === 2 && opts[0] === '--head') {
    const h = parseHead(opts[1])
    if (!h) {
      process.stderr.write(`duban audit: --head must be SEQ:HASH (as 'duban audit head' prints it), not '${opts[1]}'\n`)
      return 2
    }
    published = h
  } else if (!(cmd === 'verify' || cmd === 'head') || opts.length > 0) {
    process.stderr.write(`duban audit: expected 'verify' or 'head'\n${USAGE}\n`)
    return 2
  }
  const db = await openCliDb(dataDir)
  try {
    await sealAudit(db, { wait: true })
    const v = await verifyAudit(db, 1000, published)
    // Rows still unsealed here belong to transactions that committed after the seal above.
    const waiting = v.unsealed > 0 ? ` (${v.unsealed} newer rows not yet sealed)` : ''
    if (!v.ok) {
      process.stdout.write(`audit log BROKEN at seq ${v.badSeq}: ${v.reason} (${v.rows} rows verified before it)${waiting}\n`)
      return 1
    }
    if (cmd === 'head') {
      process.stdout.write(`${v.headSeq}:${v.headHash}\n`)
      return 0
    }
    process.stdout.write(`audit log intact: ${v.rows} rows, head ${v.headSeq}:${v.headHash}${waiting}\n`)
    return 0
  } finally {
    await db.close()
  }
}
