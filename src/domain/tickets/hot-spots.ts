/**
 * Hot spots before they become complaints (未诉先办): per place (a street/township, or a district) and category, a
 * rise of similar tickets in the recent window over the baseline before it is flagged. Pure: the counts come in,
 * the flagged pairs go out.
 *
 * The rule: with `recent` tickets in the last `recentDays` and `baseline` tickets in the `baselineDays` before, the
 * expected count for the recent window is baseline × recentDays / baselineDays; a pair is a hot spot when
 * recent ≥ minCount and recent ≥ minRatio × max(expected, 1). The floor of 1 keeps a place with no history from
 * being flagged by minCount alone being met on a ratio against zero: it still needs minCount tickets.
 */

/** The detection rule (defaults: the last 7 days against the 28 before, at least 5 tickets, at least twice the usual). */
export interface HotSpotRule {
  readonly recentDays: number
  readonly baselineDays: number
  readonly minCount: number
  readonly minRatio: number
}

export const DEFAULT_HOT_SPOT_RULE: HotSpotRule = { recentDays: 7, baselineDays: 28, minCount: 5, minRatio: 2 }

/** Tickets of one place and category in the two windows. */
export interface PlaceCategoryCount {
  readonly placeUnitId: string
  readonly categoryCode: string
  readonly recent: number
  readonly baseline: number
}

/** A flagged pair: the counts, the expected recent count and how many times it was exceeded. */
export interface HotSpotFinding extends PlaceCategoryCount {
  readonly expected: number
  readonly ratio: number
}

/** The windows at `nowMs`: baseline [baselineFrom, recentFrom), recent [recentFrom, to). */
export function hotSpotWindows(nowMs: number, rule: HotSpotRule): { baselineFrom: string; recentFrom: string; to: string } {
  const day = 86_400_000
  const recentFrom = nowMs - rule.recentDays * day
  return { baselineFrom: new Date(recentFrom - rule.baselineDays * day).toISOString(), recentFrom: new Date(recentFrom).toISOString(), to: new Date(nowMs).toISOString() }
}

/** The rule's numbers checked: whole days and counts of at least 1, a ratio above 1. */
export function ruleProblems(rule: HotSpotRule): string[] {
  const out: string[] = []
  for (const k of ['recentDays', 'baselineDays', 'minCount'] as const) if (!Number.isInteger(rule[k]) || rule[k] < 1) out.push(`${k} must be a whole number of at least 1`)
  if (!(rule.minRatio > 1)) out.push('minRatio must be above 1')
  return out
}

/** The pairs that rose, the sharpest rise first (then the most tickets, then place and category for a stable order). */
export function detectHotSpots(counts: readonly PlaceCategoryCount[], rule: HotSpotRule = DEFAULT_HOT_SPOT_RULE): HotSpotFinding[] {
  const out: HotSpotFinding[] = []
  for (const c of counts) {
    const expected = (c.baseline * rule.recentDays) / rule.baselineDays
    const ratio = c.recent / Math.max(expected, 1)
    if (c.recent >= rule.minCount && ratio >= rule.minRatio) out.push({ ...c, expected: Math.round(expected * 100) / 100, ratio: Math.round(ratio * 100) / 100 })
  }
  return out.sort(
    (a, b) => b.ratio - a.ratio || b.recent - a.recent || a.placeUnitId.localeCompare(b.placeUnitId) || a.categoryCode.localeCompare(b.categoryCode),
  )
}

/** A unit of the place tree as hot spots read it. */
export interface PlaceUnit {
  readonly id: string
  readonly parentId: string | null
  readonly level: string
}

/**
 * The place a ticket's place unit counts under: its street (township) when it lies in one (a community rolls up to
 * its street), else its district, else the unit itself. Tickets of one street are thus counted together whatever
 * community the address resolved to.
 */
export function hotSpotPlaceOf(unitId: string, units: ReadonlyMap<string, PlaceUnit>): string {
  let district: string | null = null
  const seen = new Set<string>()
  for (let u = units.get(unitId); u && !seen.has(u.id); u = u.parentId ? units.get(u.parentId) : undefined) {
    seen.add(u.id)
    if (u.level === 'township') return u.id
    if (u.level === 'district' && !district) district = u.id
  }
  return district ?? unitId
}

/** Sums counts per (place, category) after mapping each place unit with `placeOf`. */
export function rollUpCounts(counts: readonly PlaceCategoryCount[], placeOf: (unitId: string) => string): PlaceCategoryCount[] {
  const by = new Map<string, { placeUnitId: string; categoryCode: string; recent: number; baseline: number }>()
  for (const c of counts) {
    const placeUnitId = placeOf(c.placeUnitId)
    const key = `${placeUnitId}\u0000${c.categoryCode}`
    const cur = by.get(key) ?? { placeUnitId, categoryCode: c.categoryCode, recent: 0, baseline: 0 }
    cur.recent += c.recent
    cur.baseline += c.baseline
    by.set(key, cur)
  }
  return [...by.values()]
}
