/** `duban audit verify`: recomputes the audit log (审计日志) hash chain and names the first bad row. */
import { verifyAudit } from '../../app/audit/verify-audit.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban audit verify [--data DIR]

Recomputes the hash chain of the audit log. Exit status 0 when intact; 1 naming the first row
that was changed or deleted; 2 on a usage error.`

/** Runs `duban audit`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { dataDir, rest } = takeDataDir(args)
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  if (rest[0] !== 'verify' || rest.length > 1) {
    process.stderr.write(`duban audit: expected 'verify'\n${USAGE}\n`)
    return 2
  }
  const db = await openCliDb(dataDir)
  try {
    const v = await verifyAudit(db)
    if (v.ok) {
      process.stdout.write(`audit log intact: ${v.rows} rows, head ${v.headHash}\n`)
      return 0
    }
    process.stdout.write(`audit log BROKEN at seq ${v.badSeq}: ${v.reason} (${v.rows} rows verified before it)\n`)
    return 1
  } finally {
    await db.close()
  }
}
