/**
 * `duban tickets hotspots [--now ISO] [--json]`: detects hot spots (未诉先办) at that instant, records and notifies new
 * ones as the supervision tick does, and prints the hot spots of the last 30 days. `duban tickets reindex`: gives
 * every ticket not yet indexed its Chinese search words (工单检索), as `duban serve` does in the background at start.
 */
import { randomUUID } from 'node:crypto'
import type { AppDeps } from '../../app/deps.ts'
import { hotSpotsFor } from '../../app/tickets/hot-spots.ts'
import { indexPendingTickets } from '../../app/tickets/ticket-search.ts'
import { toEpochMs } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import { jiebaSearchTokenize } from '../text/jieba.tokenize.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban tickets <hotspots|reindex> [options]
  hotspots     detect 未诉先办 hot spots now (record and notify new ones) and list those of the last 30 days
    --now ISO  the instant to detect at (default: now); a bare date or time is China time
    --json     one JSON object (hotSpots, rule, run) instead of lines for people
  reindex      index every ticket that has no search words yet (工单检索)
  --data DIR   PGlite data directory (default ./.duban-data; DATABASE_URL wins)`

/** Runs `duban tickets …`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { dataDir, rest } = takeDataDir(args)
  const [sub, ...opts] = rest
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE + '\n')
    return sub ? 0 : 2
  }
  if (sub !== 'hotspots' && sub !== 'reindex') {
    process.stderr.write(`duban tickets: unknown sub-command '${sub}'\n${USAGE}\n`)
    return 2
  }
  let now = new Date()
  let json = false
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i]!
    if (sub === 'hotspots' && a === '--json') json = true
    else if (sub === 'hotspots' && (a === '--now' || a.startsWith('--now='))) {
      const v = a === '--now' ? opts[++i] : a.slice(6)
      try {
        now = new Date(toEpochMs(v ?? ''))
      } catch (e) {
        process.stderr.write(`duban tickets: --now: ${e instanceof DubanError ? e.message : String(e)}\n`)
        return 2
      }
    } else {
      process.stderr.write(`duban tickets ${sub}: unknown option '${a}'\n${USAGE}\n`)
      return 2
    }
  }
  const db = await openCliDb(dataDir)
  const deps: AppDeps = { db, clock: { now: () => now }, newId: randomUUID }
  try {
    if (sub === 'reindex') {
      const n = await indexPendingTickets(db, jiebaSearchTokenize, Number.MAX_SAFE_INTEGER)
      process.stdout.write(`indexed ${n} tickets\n`)
      return 0
    }
    const system = { userId: null, role: 'supervisor' as const, unitId: null, scopeUnitIds: null }
    const out = await hotSpotsFor(deps, system)
    if (json) {
      process.stdout.write(JSON.stringify(out) + '\n')
      return 0
    }
    const r = out.rule
    process.stdout.write(
      `未诉先办 at ${now.toISOString()}: last ${r.recentDays} days against the ${r.baselineDays} before, at least ${r.minCount} tickets and ${r.minRatio}× the usual; ` +
        `${out.run.found} found now (${out.run.created} new, ${out.run.notified} notifications)\n`,
    )
    for (const h of out.hotSpots) {
      process.stdout.write(
        `${h.placeName ?? h.placeUnitId}\t${h.categoryName ?? h.categoryCode} (${h.categoryCode})\t${h.recentCount} in ${r.recentDays} days, usual ${h.expected}, ×${h.ratio}\t` +
          `${h.tickets.map((x) => x.number).join(' ')}\n`,
      )
    }
    if (out.hotSpots.length === 0) process.stdout.write('no hot spots in the last 30 days\n')
    return 0
  } finally {
    await db.close()
  }
}
