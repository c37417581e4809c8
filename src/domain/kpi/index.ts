/** Assessment (考核): KPI formulas over item facts, composite scores and rankings. */
export {
  onTimeRate,
  overdueCount,
  targetsMetRate,
  reportingPunctuality,
  responseRate,
  satisfactionRate,
  resolutionRate,
  unitKpis,
  compositeScore,
} from './kpi.formulas.ts'
export type { ItemFact, Period, Rate, Rating, MetricName, UnitKpis, ScoreWeights } from './kpi.formulas.ts'
export { rankUnits } from './ranking.ts'
export type { Ranked } from './ranking.ts'
