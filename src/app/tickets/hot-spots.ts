/**
 * Hot spots before they become complaints (未诉先办): tickets are counted per street (or district) and category,
 * the last 7 days against the 28 before (src/domain/tickets/hot-spots.ts); each rise found is kept as a hot spot
 * with the tickets behind it, and the centre (operators, supervisors) and the units handling those tickets are told
 * once per episode. Run by the supervision tick in the leader (hourly) and on demand (GET /api/hotspots,
 * `duban tickets hotspots`).
 */
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import {
  DEFAULT_HOT_SPOT_RULE, detectHotSpots, hotSpotPlaceOf, hotSpotWindows, rollUpCounts, type HotSpotFinding, type HotSpotRule,
} from '../../domain/tickets/hot-spots.ts'
import {
  addHotSpotTickets, currentHotSpot, hotSpotTickets, insertHotSpot, leadUnitsOf, listHotSpots, placeCategoryCounts, placeUnits, ticketsBehind, updateHotSpot,
  type HotSpotRow,
} from '../../persistence/hot-spots.repo.ts'
import { getTickState, insertNotification, setTickState } from '../../persistence/supervision.repo.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { boardScope, boardScopeNote, type BoardScopeNote } from './board-scope.ts'

/** At most this many hot spots are recorded per detection, and tickets kept per hot spot. */
const MAX_FINDINGS = 100
const MAX_TICKETS = 500

/** The centre's roles told of a new hot spot. */
const CENTRE_ROLES = ['operator', 'supervisor'] as const

/** What one detection did. */
export interface HotSpotRun {
  readonly found: number
  readonly created: number
  readonly updated: number
  readonly notified: number
}

/** Detects hot spots at `now` and records them; new ones are notified. */
export async function detectAndRecordHotSpots(deps: AppDeps, now: Date, rule: HotSpotRule = DEFAULT_HOT_SPOT_RULE): Promise<HotSpotRun> {
  const w = hotSpotWindows(now.getTime(), rule)
  const units = await placeUnits(deps.db)
  const placeOf = (u: string): string => hotSpotPlaceOf(u, units)
  const findings = detectHotSpots(rollUpCounts(await placeCategoryCounts(deps.db, w), placeOf), rule).slice(0, MAX_FINDINGS)
  const members = new Map<string, string[]>()
  for (const id of units.keys()) {
    const p = placeOf(id)
    members.set(p, [...(members.get(p) ?? []), id])
  }
  let created = 0
  let updated = 0
  let notified = 0
  for (const f of findings) {
    const tickets = await ticketsBehind(deps.db, { placeUnitIds: members.get(f.placeUnitId) ?? [f.placeUnitId], categoryCode: f.categoryCode, from: w.recentFrom, to: w.to, limit: MAX_TICKETS })
    await deps.db.transaction(async (tx) => {
      const write = { placeUnitId: f.placeUnitId, categoryCode: f.categoryCode, recentFrom: w.recentFrom, recentTo: w.to, recentCount: f.recent, baselineCount: f.baseline, expected: f.expected, ratio: f.ratio, at: now }
      // The episode goes on while detections' recent windows overlap.
      const running = await currentHotSpot(tx, f.placeUnitId, f.categoryCode, w.recentFrom)
      if (running) {
        await updateHotSpot(tx, { ...write, id: running.id })
        await addHotSpotTickets(tx, running.id, tickets)
        updated++
        return
      }
      const id = deps.newId()
      if (!(await insertHotSpot(tx, { ...write, id }, `${f.placeUnitId}|${f.categoryCode}|${chinaDateOf(now.toISOString())}`))) return
      await addHotSpotTickets(tx, id, tickets)
      created++
      const row = (await currentHotSpot(tx, f.placeUnitId, f.categoryCode, w.recentFrom))!
      notified += await notifyHotSpot(deps, tx, row, f, tickets, rule, now)
    })
  }
  return { found: findings.length, created, updated, notified }
}

/** Tells the centre and each unit leading one of the tickets; returns how many notifications were written. */
async function notifyHotSpot(
  deps: AppDeps,
  tx: Parameters<Parameters<AppDeps['db']['transaction']>[0]>[0],
  row: HotSpotRow,
  f: HotSpotFinding,
  tickets: readonly string[],
  rule: HotSpotRule,
  now: Date,
): Promise<number> {
  const place = row.placeName ?? row.placeUnitId
  const category = row.categoryName ?? row.categoryCode
  const title = `未诉先办：${place}「${category}」近${rule.recentDays}天${f.recent}件，是此前同期的${f.ratio}倍`
  const body = `${place}「${category}」类工单近${rule.recentDays}天${f.recent}件，此前${rule.baselineDays}天${f.baseline}件（折合每${rule.recentDays}天${f.expected}件）。请排查共性原因，主动治理。涉及工单${tickets.length}件。`
  const base = { itemId: null, type: 'hotspot.detected', title, body, at: now }
  let n = 0
  for (const role of CENTRE_ROLES) if (await insertNotification(tx, { ...base, id: deps.newId(), dedupeKey: `hotspot:${row.id}@role:${role}`, role })) n++
  for (const u of await leadUnitsOf(tx, tickets)) {
    if (await insertNotification(tx, { ...base, id: deps.newId(), dedupeKey: `hotspot:${row.id}@unit:${u.unitId}`, unitId: u.unitId, body: `${body}其中由本单位承办${u.tickets}件。` })) n++
  }
  return n
}

/** How often the supervision tick looks for hot spots. */
export const HOT_SPOT_TICK_EVERY_MS = 3_600_000

/** In the supervision tick: detects at most once per HOT_SPOT_TICK_EVERY_MS; null when it was not yet time. */
export async function hotSpotsTick(deps: AppDeps, now: Date): Promise<HotSpotRun | null> {
  const last = await getTickState(deps.db, 'hotspots.last')
  if (last && now.getTime() - Date.parse(last) < HOT_SPOT_TICK_EVERY_MS && now.getTime() >= Date.parse(last)) return null
  const run = await detectAndRecordHotSpots(deps, now)
  await setTickState(deps.db, 'hotspots.last', now.toISOString(), now)
  return run
}

/** A hot spot as the API shows it. */
export interface HotSpotView extends HotSpotRow {
  readonly tickets: { id: string; number: string; content: string; address: string; receivedAt: string; state: string; leadUnitName: string | null }[]
}

/** How far back hot spots are listed: those whose recent window ended in the last 30 days. */
export const HOT_SPOT_LIST_DAYS = 30

/**
 * GET /api/hotspots: detects at the clock's now (so the list is current without waiting for the tick), then lists the
 * hot spots of the last 30 days within the actor's board scope (board-scope.ts: a unit liaison, a district 督查室, a
 * 分管 leader, an operator an admin gave a scope; an operator without one sees them all): those in a place in scope or
 * with a ticket in scope, each with its tickets in scope only (one of the ticket's units or its place in scope).
 * `scope` says which scope applied (null: none).
 */
export async function hotSpotsFor(
  deps: AppDeps,
  actor: Actor,
): Promise<{ hotSpots: HotSpotView[]; scope: BoardScopeNote | null; rule: HotSpotRule; run: HotSpotRun }> {
  const now = deps.clock.now()
  const run = await detectAndRecordHotSpots(deps, now)
  const scope = boardScope(actor)
  const rows = await listHotSpots(deps.db, { since: new Date(now.getTime() - HOT_SPOT_LIST_DAYS * 86_400_000).toISOString(), scope, limit: 200 })
  const tickets = await hotSpotTickets(deps.db, rows.map((r) => r.id), scope)
  return { hotSpots: rows.map((r) => ({ ...r, tickets: tickets.get(r.id) ?? [] })), scope: await boardScopeNote(deps.db, scope), rule: DEFAULT_HOT_SPOT_RULE, run }
}
