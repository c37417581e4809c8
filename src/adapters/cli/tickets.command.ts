/**
 * `duban tickets hotspots [--now ISO] [--as USER | --scope UNIT,…] [--json]`: detects hot spots (未诉先办) at that
 * instant, records and notifies new ones as the supervision tick does, and prints the hot spots of the last 30 days:
 * all of them, as every other `duban` command sees the data (whoever runs the CLI runs the machine), or those a person
 * sees in GET /api/hotspots (`--as`: the user's role and the data scope an admin set, board-scope.ts) or those of some
 * units and every unit below them (`--scope`), headed by the 数据范围 line. `duban tickets reindex`: gives
 * every ticket not yet indexed its Chinese search words (工单检索), as `duban serve` does in the background at start.
 */
import { randomUUID } from 'node:crypto'
import type { AppDeps } from '../../app/deps.ts'
import { actorOf } from '../../app/auth/session.ts'
import type { Actor } from '../../app/deps.ts'
import { hotSpotsFor } from '../../app/tickets/hot-spots.ts'
import { findUserForLogin } from '../../persistence/users.repo.ts'
import { unitsCovered } from '../../persistence/user-scope.repo.ts'
import { indexPendingTickets } from '../../app/tickets/ticket-search.ts'
import { toEpochMs } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import { jiebaSearchTokenize } from '../text/jieba.tokenize.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban tickets <hotspots|reindex> [options]
  hotspots     detect 未诉先办 hot spots now (record and notify new ones) and list those of the last 30 days
    --now ISO  the instant to detect at (default: now); a bare date or time is China time
    --as USER  only those the user sees on the 热线看板 (its role and the data scope an admin set it)
    --scope U,…  only those of these units and every unit below them (a place or a ticket of theirs)
    --json     one JSON object (hotSpots, scope, rule, run) instead of lines for people
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
  let as: string | null = null
  let scopeRoots: string[] | null = null
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i]!
    if (sub === 'hotspots' && a === '--json') json = true
    else if (sub === 'hotspots' && (a === '--as' || a.startsWith('--as=') || a === '--scope' || a.startsWith('--scope='))) {
      const name = a.startsWith('--as') ? '--as' : '--scope'
      const v = a === name ? opts[++i] : a.slice(name.length + 1)
      if (!v) {
        process.stderr.write(`duban tickets: ${name} needs a value\n${USAGE}\n`)
        return 2
      }
      if (name === '--as') as = v
      else scopeRoots = v.split(',').map((x) => x.trim()).filter(Boolean)
    }
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
  if (as !== null && scopeRoots !== null) {
    process.stderr.write(`duban tickets: --as and --scope exclude each other\n${USAGE}\n`)
    return 2
  }
  const db = await openCliDb(dataDir)
  const deps: AppDeps = { db, clock: { now: () => now }, newId: randomUUID }
  try {
    if (sub === 'reindex') {
      const n = await indexPendingTickets(db, jiebaSearchTokenize, Number.MAX_SAFE_INTEGER)
      process.stdout.write(`indexed ${n} tickets\n`)
      return 0
    }
    let actor: Actor = { userId: null, role: 'supervisor', unitId: null, scopeUnitIds: null }
    if (as !== null) {
      const user = await findUserForLogin(db, as)
      if (!user || !user.active) {
        process.stderr.write(`duban tickets: --as: no active user '${as}'\n`)
        return 2
      }
      actor = await actorOf(deps, user)
    } else if (scopeRoots !== null) {
      const known = new Set((await db.query<{ id: string }>(`SELECT id FROM unit WHERE id = ANY($1::text[])`, [scopeRoots])).rows.map((r) => r.id))
      const unknown = scopeRoots.filter((u) => !known.has(u))
      if (scopeRoots.length === 0 || unknown.length > 0) {
        process.stderr.write(`duban tickets: --scope: no unit ${unknown.join(', ') || '(none given)'}\n`)
        return 2
      }
      actor = { ...actor, scopeUnitIds: await unitsCovered(db, { exact: [], subtrees: scopeRoots }), scopeSet: true }
    }
    const out = await hotSpotsFor(deps, actor)
    if (json) {
      process.stdout.write(JSON.stringify(out) + '\n')
      return 0
    }
    const r = out.rule
    process.stdout.write(
      `未诉先办 at ${now.toISOString()}: last ${r.recentDays} days against the ${r.baselineDays} before, at least ${r.minCount} tickets and ${r.minRatio}× the usual; ` +
        `${out.run.found} found now (${out.run.created} new, ${out.run.notified} notifications)\n`,
    )
    if (out.scope) process.stdout.write(`数据范围：${out.scope.names.join('、')}\n`)
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
