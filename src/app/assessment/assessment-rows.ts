/**
 * The ranking's rows, as both ways of computing an assessment give them (item by item in assess-units.ts, from the
 * maintained counters in assessment-aggregates.ts): units ranked by their composite score, each with its figures.
 */
import { compositeScore, rankUnits, type ScoreWeights, type UnitKpis } from '../../domain/kpi/index.ts'
import type { AssessmentRow } from './assess-units.ts'

/** Ranks `kpis` by composite score under `weights`; a row's item count is `itemsOf(unitId)`, its score rounded to 0.01. */
export function rankedRows(kpis: readonly UnitKpis[], weights: ScoreWeights, names: ReadonlyMap<string, string>, itemsOf: (unitId: string) => number): AssessmentRow[] {
  const byUnit = new Map(kpis.map((k) => [k.unitId, k]))
  return rankUnits(kpis.map((k) => ({ unitId: k.unitId, score: compositeScore(k, weights) }))).map((r) => {
    const k = byUnit.get(r.unitId)!
    return {
      rank: r.rank,
      unitId: r.unitId,
      unitName: names.get(r.unitId) ?? r.unitId,
      items: itemsOf(r.unitId),
      onTime: k.rates.onTime,
      overdue: k.overdue,
      targetsMet: k.rates.targetsMet,
      reporting: k.rates.reporting,
      score: r.score === null ? null : Math.round(r.score * 100) / 100,
    }
  })
}
