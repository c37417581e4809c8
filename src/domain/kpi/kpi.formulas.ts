/**
 * Assessment formulas (考核指标): pure functions over facts about items, per unit and period. Every rate is
 * returned with its numerator and denominator, and is null (not 100%) when nothing was there to count, so
 * a unit with no items is not ranked above one that did its work.
 *
 * Periods are half-open [from, to) instants. `asOf` is when the assessment is made (usually the period's end,
 * or now for a running period); it decides which open items are already overdue.
 */
import { instantMs } from '../workflow/time.ts'
import type { StateType } from '../workflow/kind.types.ts'

/** Follow-up rating (满意度): 满意 / 基本满意 / 不满意. */
export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied'

/** What the KPIs need to know about one item (事项考核事实), gathered by a use-case from snapshots and history. */
export interface ItemFact {
  /** The unit that answers for the item (牵头单位 / 承办单位). */
  readonly unitId: string
  readonly kind: string
  readonly stateType: StateType
  /** Closed without being done (撤销, 并单, 撤单): left out of every formula. */
  readonly cancelled?: boolean
  readonly dueAt: string | null
  /** When the unit finished (报办结 / 答复): the stop of the item's due clock; null while not finished. */
  readonly finishedAt: string | null
  /** Targets assessed at completion (目标值): how many, and how many met. */
  readonly targetsTotal?: number
  readonly targetsMet?: number
  /** Progress reports in the period (进展报送): expected by the cadence, and on time. */
  readonly reportsExpected?: number
  readonly reportsOnTime?: number
  /** Ticket response (签收): dispatched, due to be accepted, accepted. */
  readonly dispatchedAt?: string | null
  readonly acceptDueAt?: string | null
  readonly acceptedAt?: string | null
  /** Follow-up (回访): the rating and whether the requester says the problem was solved. */
  readonly rating?: Rating | null
  readonly resolved?: boolean | null
}

/** An assessment period (考核周期), half-open [from, to). */
export interface Period {
  readonly from: string
  readonly to: string
}

/** A rate (比率) with what it was computed from; value is null when the denominator is 0. */
export interface Rate {
  readonly numerator: number
  readonly denominator: number
  readonly value: number | null
}

const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator })
const within = (instant: string | null | undefined, p: Period): boolean =>
  !!instant && instantMs(instant) >= instantMs(p.from) && instantMs(instant) < instantMs(p.to)
const before = (a: string, b: string): boolean => instantMs(a) < instantMs(b)
const live = (facts: readonly ItemFact[]): readonly ItemFact[] => facts.filter((f) => !f.cancelled)
const finishedIn = (facts: readonly ItemFact[], p: Period): readonly ItemFact[] => live(facts).filter((f) => within(f.finishedAt, p))

/** True when the item was not finished at `asOf` (still open, or finished only later). */
const unfinishedAt = (f: ItemFact, asOf: string): boolean => (f.finishedAt === null ? f.stateType !== 'closed' : !before(f.finishedAt, asOf))

/**
 * 按时办结率 (on-time rate) = items finished in the period by their due instant
 *   / (items finished in the period + items unfinished at `asOf` whose due instant passed before `asOf`).
 * An item still open and overdue counts against its unit in every period until it is done (逾期结转, as the
 * monthly 督办 rankings do), whichever period its due instant fell in: a unit cannot drop out of a ranking by
 * leaving late items unfinished. Items without a due instant are on time.
 */
export function onTimeRate(facts: readonly ItemFact[], period: Period, asOf: string): Rate {
  const finished = finishedIn(facts, period)
  const onTime = finished.filter((f) => !f.dueAt || !before(f.dueAt, f.finishedAt as string)).length
  const lateOpen = live(facts).filter((f) => !within(f.finishedAt, period) && unfinishedAt(f, asOf) && f.dueAt && before(f.dueAt, asOf)).length
  return rate(onTime, finished.length + lateOpen)
}

/** 超期数 (overdue count) = items unfinished at `asOf` whose due instant passed before `asOf`, whichever period it fell in. */
export function overdueCount(facts: readonly ItemFact[], asOf: string): number {
  return live(facts).filter((f) => unfinishedAt(f, asOf) && f.dueAt && before(f.dueAt, asOf)).length
}

/** 目标完成率 (targets met rate) = targets met / targets assessed, over items finished in the period. */
export function targetsMetRate(facts: readonly ItemFact[], period: Period): Rate {
  const items = finishedIn(facts, period)
  return rate(
    items.reduce((n, f) => n + (f.targetsMet ?? 0), 0),
    items.reduce((n, f) => n + (f.targetsTotal ?? 0), 0),
  )
}

/** 按时报送率 (reporting punctuality) = reports on time / reports expected by the cadence (see expectedReportDates). */
export function reportingPunctuality(facts: readonly ItemFact[]): Rate {
  const items = live(facts)
  return rate(
    items.reduce((n, f) => n + (f.reportsOnTime ?? 0), 0),
    items.reduce((n, f) => n + (f.reportsExpected ?? 0), 0),
  )
}

/**
 * 响应率 (response rate) = items dispatched in the period and accepted by their accept deadline
 *   / items dispatched in the period that were accepted or whose accept deadline passed by `asOf`.
 * Items still inside their accept time limit are not counted yet.
 */
export function responseRate(facts: readonly ItemFact[], period: Period, asOf: string): Rate {
  const dispatched = live(facts).filter((f) => within(f.dispatchedAt, period))
  const counted = dispatched.filter((f) => f.acceptedAt || (f.acceptDueAt && before(f.acceptDueAt, asOf)))
  const onTime = counted.filter((f) => f.acceptedAt && (!f.acceptDueAt || !before(f.acceptDueAt, f.acceptedAt))).length
  return rate(onTime, counted.length)
}

/** 满意率 (satisfaction rate) = (满意 + 基本满意) / rated, over items finished in the period; unrated items are left out. */
export function satisfactionRate(facts: readonly ItemFact[], period: Period): Rate {
  const rated = finishedIn(facts, period).filter((f) => f.rating)
  return rate(rated.filter((f) => f.rating !== 'unsatisfied').length, rated.length)
}

/** 解决率 (resolution rate) = items the requester says were solved / items asked, over items finished in the period. */
export function resolutionRate(facts: readonly ItemFact[], period: Period): Rate {
  const asked = finishedIn(facts, period).filter((f) => f.resolved === true || f.resolved === false)
  return rate(asked.filter((f) => f.resolved === true).length, asked.length)
}

/** The rates a composite score can weigh (综合评分指标). */
export type MetricName = 'onTime' | 'targetsMet' | 'reporting' | 'response' | 'satisfaction' | 'resolution'

/** One unit's KPIs for a period (单位考核结果). */
export interface UnitKpis {
  readonly unitId: string
  readonly rates: Readonly<Record<MetricName, Rate>>
  readonly overdue: number
}

/** Every KPI for every unit in the facts (分单位统计), in order of first appearance. */
export function unitKpis(facts: readonly ItemFact[], period: Period, asOf: string): readonly UnitKpis[] {
  const byUnit = new Map<string, ItemFact[]>()
  for (const f of facts) {
    const held = byUnit.get(f.unitId)
    if (held) held.push(f)
    else byUnit.set(f.unitId, [f])
  }
  return [...byUnit].map(([unitId, items]) => ({
    unitId,
    overdue: overdueCount(items, asOf),
    rates: {
      onTime: onTimeRate(items, period, asOf),
      targetsMet: targetsMetRate(items, period),
      reporting: reportingPunctuality(items),
      response: responseRate(items, period, asOf),
      satisfaction: satisfactionRate(items, period),
      resolution: resolutionRate(items, period),
    },
  }))
}

/** Weights of a composite score (权重) and a penalty in points per overdue item, set by each city's assessment rules. */
export interface ScoreWeights {
  readonly weights: Readonly<Partial<Record<MetricName, number>>>
  readonly overduePenalty?: number
}

/**
 * 综合得分 (composite score) = 100 × Σ(weight × rate) / Σ(weight) over the weighted rates that are not null,
 *   − overduePenalty × overdue count, floored at 0. Weights of rates with nothing to count are spread over
 * the others, so a unit is scored only on what it had; null when no weighted rate has a value.
 */
export function compositeScore(kpis: UnitKpis, config: ScoreWeights): number | null {
  let sum = 0
  let weight = 0
  for (const [name, w] of Object.entries(config.weights) as [MetricName, number][]) {
    const v = kpis.rates[name].value
    if (v === null || !(w > 0)) continue
    sum += w * v
    weight += w
  }
  if (weight === 0) return null
  return Math.max(0, (100 * sum) / weight - (config.overduePenalty ?? 0) * kpis.overdue)
}
