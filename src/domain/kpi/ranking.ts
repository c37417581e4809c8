/**
 * Ranking (排名) of units by score, the way assessment bulletins print it: competition ranking, where
 * equal scores share a rank and the next rank skips (1, 2, 2, 4).
 */

/** A unit's place in a ranking (排名结果); rank is null for a unit with no score. */
export interface Ranked {
  readonly unitId: string
  readonly score: number | null
  readonly rank: number | null
}

/**
 * Rank units by score, highest first (竞争排名 1,2,2,4). Scores equal to `decimals` places (default 2, as
 * printed) tie; ties keep input order. Units without a score come last, unranked.
 */
export function rankUnits(scores: readonly { readonly unitId: string; readonly score: number | null }[], decimals = 2): readonly Ranked[] {
  const round = (x: number): number => Math.round(x * 10 ** decimals) / 10 ** decimals
  const scored = scores.filter((s) => s.score !== null).map((s, i) => ({ ...s, key: round(s.score as number), i }))
  scored.sort((a, b) => b.key - a.key || a.i - b.i)
  const out: Ranked[] = []
  scored.forEach((s, i) => {
    const prev = scored[i - 1]
    const rank = prev && prev.key === s.key ? (out[i - 1]?.rank ?? i + 1) : i + 1
    out.push({ unitId: s.unitId, score: s.score, rank })
  })
  for (const s of scores) if (s.score === null) out.push({ unitId: s.unitId, score: null, rank: null })
  return out
}
