/** `duban supervise --now ISO [--data DIR] [--deliver]`: one supervision tick (督办巡查), e.g. for a demo or a cron job. */
import { randomUUID } from 'node:crypto'
import type { AppDeps } from '../../app/deps.ts'
import { superviseTick } from '../../app/supervision/supervise-tick.ts'
import { deliverWebhooks } from '../../app/supervision/webhook-deliver.ts'
import { toEpochMs } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban supervise [--now ISO] [--deliver] [--data DIR]
  --now ISO    the instant to tick at (default: now); a bare date or time is China time
  --deliver    also send queued webhook deliveries due at that instant
  --data DIR   PGlite data directory (default ./.duban-data; DATABASE_URL wins)`

/** Runs one tick; prints what it did as JSON. */
export async function run(args: string[]): Promise<number> {
  const { dataDir, rest } = takeDataDir(args)
  let now = new Date()
  let deliver = false
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n')
      return 0
    }
    if (a === '--deliver') deliver = true
    else if (a === '--now' || a.startsWith('--now=')) {
      const v = a === '--now' ? rest[++i] : a.slice(6)
      try {
        now = new Date(toEpochMs(v ?? ''))
      } catch (e) {
        process.stderr.write(`duban supervise: --now: ${e instanceof DubanError ? e.message : String(e)}\n`)
        return 2
      }
    } else {
      process.stderr.write(`duban supervise: unknown option '${a}'\n${USAGE}\n`)
      return 2
    }
  }
  const db = await openCliDb(dataDir)
  const deps: AppDeps = { db, clock: { now: () => now }, newId: randomUUID }
  try {
    const tick = await superviseTick(deps, now)
    const delivery = deliver ? await deliverWebhooks(deps) : null
    process.stdout.write(JSON.stringify({ now: now.toISOString(), ...tick, ...(delivery ? { webhooks: delivery } : {}) }) + '\n')
    return 0
  } finally {
    await db.close()
  }
}
