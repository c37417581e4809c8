/**
 * Assessment (考核) of units for a period: gathers item facts and hands them to the KPI formulas
 * (src/domain/kpi): on-time rate, overdue count, targets met, reporting punctuality, composite score with
 * configurable weights, competition ranking. Each item counts for its lead unit (牵头单位), which answers for it.
 */
import { assessmentUnitTotals, leadUnitTotals, reportTimesByUnit, getWeights, listPeriodItems, putWeights, unitNames, type AssessedItemRow } from '../../persistence/assessment.repo.ts'
import { listSupervisionConfigs } from '../../persistence/supervision.repo.ts'
import type { Calendar } from '../../domain/calendar/calendar.model.ts'
import { DubanError } from '../../domain/errors.ts'
import { unitKpis, onTimeRate, overdueCount, type ItemFact, type MetricName, type Rate, type ScoreWeights } from '../../domain/kpi/index.ts'
import { countOnTimeReports, expectedReportDates } from '../../domain/workflow/cadence.ts'
import { addCalendarDays, endOfDay, instantMs, localDate } from '../../domain/workflow/time.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { recordAudit } from '../supervision/audit.port.ts'
import { cachedCalendar } from '../calendar/calendar.load.ts'
import { firstReportFrom, isCadence } from '../supervision/supervise-tick.ts'
import { defaultSupervisionConfig, type SupervisionConfig } from '../../domain/supervision/supervision-config.ts'
import { parseAssessmentPeriod, type AssessmentPeriod } from './assessment-period.ts'
import { isResponsibleShare, isShareFact, ownedFacts } from './owned-work.ts'
import { assessFromAggregates, drainForRead, type CountersState } from './assessment-aggregates.ts'
import { rankedRows } from './assessment-rows.ts'
import { finishedAtOf, targetsOf } from './item-outcome.ts'

/** Weights duban ships: 按时办结 50, 目标完成 30, 按时报送 20; 2 points off per overdue item. */
export const DEFAULT_WEIGHTS: ScoreWeights = { weights: { onTime: 50, targetsMet: 30, reporting: 20 }, overduePenalty: 2 }

/** One unit's row of the ranking table. */
export interface AssessmentRow {
  readonly rank: number | null
  readonly unitId: string
  readonly unitName: string
  readonly items: number
  readonly onTime: Rate
  readonly overdue: number
  readonly targetsMet: Rate
  readonly reporting: Rate
  readonly score: number | null
}

/** The whole assessment: the period, the weights used, totals and ranked rows. */
export interface Assessment {
  readonly period: AssessmentPeriod
  readonly kind: string
  readonly asOf: string
  /** From the counters: the changes they do not hold yet (drained by the scheduler), and since when; see assessment-aggregates.ts. */
  readonly counters?: CountersState
  readonly weights: ScoreWeights
  readonly summary: { readonly items: number; readonly dueInPeriod: number; readonly finishedInPeriod: number; readonly onTime: Rate; readonly overdue: number }
  readonly rows: readonly AssessmentRow[]
}

const METRICS: readonly MetricName[] = ['onTime', 'targetsMet', 'reporting', 'response', 'satisfaction', 'resolution']

/** Validates weights; throws DUBAN_ERR_VALIDATION naming the field. */
export function parseWeights(input: unknown): ScoreWeights {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
  const w = (typeof o.weights === 'object' && o.weights !== null ? o.weights : null) as Record<string, unknown> | null
  if (!w) throw new DubanError('DUBAN_ERR_VALIDATION', 'weights must be an object of metric → number', { where: 'weights' })
  const weights: Partial<Record<MetricName, number>> = {}
  for (const [k, v] of Object.entries(w)) {
    if (!(METRICS as readonly string[]).includes(k)) throw new DubanError('DUBAN_ERR_VALIDATION', `unknown metric '${k}'; known: ${METRICS.join(', ')}`, { where: `weights.${k}` })
    if (typeof v !== 'number' || !(v >= 0 && v <= 100)) throw new DubanError('DUBAN_ERR_VALIDATION', `weight must be a number 0–100`, { where: `weights.${k}` })
    weights[k as MetricName] = v
  }
  if (!Object.values(weights).some((v) => v > 0)) throw new DubanError('DUBAN_ERR_VALIDATION', 'at least one weight must be above 0', { where: 'weights' })
  const p = o.overduePenalty ?? 0
  if (typeof p !== 'number' || !(p >= 0 && p <= 100)) throw new DubanError('DUBAN_ERR_VALIDATION', 'overduePenalty must be 0–100', { where: 'overduePenalty' })
  return { weights, overduePenalty: p }
}

/** The weights in effect for a kind. */
export async function weightsFor(deps: AppDeps, kind: string): Promise<ScoreWeights> {
  const stored = await getWeights(deps.db, kind)
  return stored ? parseWeights(stored) : DEFAULT_WEIGHTS
}

/** Stores a kind's weights (admin). */
export async function saveWeights(deps: AppDeps, actor: Actor, kind: string, input: unknown): Promise<ScoreWeights> {
  const w = parseWeights(input)
  await deps.db.transaction(async (tx) => {
    const before = await getWeights(tx, kind)
    await putWeights(tx, kind, w, actor.userId, deps.clock.now())
    await recordAudit(tx, deps, actor, { action: 'assessment.weights.save', entity: 'assessment_weights', entityId: kind, before, after: w })
  })
  return w
}

/** The KPI facts of one item for a period, as of an instant. */
export function itemFact(
  it: AssessedItemRow,
  unitId: string,
  period: AssessmentPeriod,
  asOf: string,
  fallbackCadence: SupervisionConfig['reporting'],
  reporting: { readonly graceWorkingDays: number; readonly calendar: Pick<Calendar, 'addWorkingDays'> } = { graceWorkingDays: 0, calendar: { addWorkingDays: (d) => d } },
): ItemFact {
  const cancelled = it.state === 'cancelled'
  const clock = it.snapshot.clocks?.['due']
  const finishedAt = cancelled ? null : finishedAtOf(it)
  const targets = targetsOf(it)
  const cadence = isCadence(it.data['cadence']) ? it.data['cadence'] : fallbackCadence
  const startedOn = localDate(clock?.startedAt ?? it.createdAt)
  const lastCounted = [period.lastDate, addCalendarDays(localDate(asOf), -1), ...(finishedAt ? [localDate(finishedAt)] : [])].sort()[0]!
  // Reports are expected from the first cadence date the first-report grace allows (as the tick does).
  const from = [period.firstDate, firstReportFrom(startedOn, reporting.graceWorkingDays, reporting.calendar)].sort()[1]!
  const expected = cancelled ? [] : expectedReportDates(cadence, from, lastCounted)
  return {
    unitId,
    kind: it.kind,
    stateType: it.stateType,
    cancelled,
    dueAt: it.dueDate ? endOfDay(it.dueDate) : null,
    finishedAt,
    targetsTotal: targets.total,
    targetsMet: targets.met,
    reportsExpected: expected.length,
    reportsOnTime: expected.length === 0 ? 0 : countOnTimeReports(expected, it.reportTimes),
  }
}

/**
 * GET /assessment: the ranked table for a kind and period, as of min(now, period end), from the maintained counters
 * (assessment-aggregates.ts, migration 116): sums over days and months per unit, not a read of items.
 * With `scope` (the reader's scopeUnitIds) only the units it holds are assessed and ranked.
 */
export async function assessUnits(deps: AppDeps, periodKey: string, kind = 'task', scope: readonly string[] | null = null): Promise<Assessment> {
  parseAssessmentPeriod(periodKey)
  // The weights, the units' names and the read's drain at once (on PostgreSQL each on a pooled connection): one wait
  // before the sums instead of two.
  const [weights, names, counters] = await Promise.all([weightsFor(deps, kind), unitNames(deps.db), drainForRead(deps, kind)])
  return assessFromAggregates(deps, periodKey, kind, weights, names, scope, { counters })
}

/**
 * The same assessment computed item by item: the definition the counters are checked against, and how it was
 * computed before migration 116. Bounded by the period, not
 * by history: per-unit item counts come from SQL over every item (assessmentUnitTotals), and only the items that
 * can count in the period (open, or closed since the period began) come into Node for their facts. An item closed
 * before then adds nothing to any formula (finished outside the period, not unfinished, no report expected), so
 * each unit enters the formulas with a placeholder that no formula counts, to keep its place in the ranking.
 */
export async function assessUnitsFromItems(deps: AppDeps, periodKey: string, kind = 'task', scope: readonly string[] | null = null): Promise<Assessment> {
  const period = parseAssessmentPeriod(periodKey)
  const now = deps.clock.now().toISOString()
  const asOf = instantMs(now) < instantMs(period.to) ? now : new Date(instantMs(period.to)).toISOString()
  const activeFrom = new Date(Math.min(instantMs(period.from), instantMs(asOf))).toISOString()
  const weights = await weightsFor(deps, kind)
  const cfg = (await listSupervisionConfigs(deps.db)).get(kind) ?? defaultSupervisionConfig(kind)
  const cadence = cfg.reporting
  const reporting = { graceWorkingDays: cfg.reportGraceWorkingDays, calendar: (await cachedCalendar(deps.db)).calendar }
  const names = await unitNames(deps.db)
  const toIso = new Date(instantMs(period.to)).toISOString()
  // 数据范围: a scoped reader (a district 督查室, a leader's 分管 units) is assessed over the units in scope only,
  // ranked among themselves; totals and rates count those units' items alone.
  const inScope = scope === null ? () => true : ((held) => (unitId: string) => held.has(unitId))(new Set(scope))
  const totals = (await assessmentUnitTotals(deps.db, kind, toIso, period.firstDate, period.lastDate)).filter((t) => inScope(t.unitId))
  const items = await listPeriodItems(deps.db, kind, toIso, activeFrom)
  const byUnitReports = await reportTimesByUnit(deps.db, items.map((i) => i.id))
  // Placeholders first: units rank in the order their first item's number gives, as before.
  const facts: ItemFact[] = totals.map((t) => ({ unitId: t.unitId, kind, stateType: 'closed', cancelled: true, dueAt: null, finishedAt: null }))
  for (const it of items) {
    // Every unit for the work it owns: each lead in full, each responsible unit for its reports (owned-work.ts).
    facts.push(...ownedFacts(it, byUnitReports.get(it.id), (row, unitId) => itemFact(row, unitId, period, asOf, cadence, reporting)))
  }
  if (scope !== null) facts.splice(0, facts.length, ...facts.filter((f) => inScope(f.unitId)))
  const kpis = unitKpis(facts, period, asOf)
  const counted = new Map((await leadUnitTotals(deps.db, kind, toIso)).map((t) => [t.unitId, t.items]))
  const rows = rankedRows(kpis, weights, names, (u) => counted.get(u) ?? facts.filter((f) => f.unitId === u && !f.cancelled && !isResponsibleShare(f)).length)
  // The summary counts each item once, for its first lead.
  const itemFacts = facts.filter((f) => !isShareFact(f))
  const live = itemFacts.filter((f) => !f.cancelled)
  const inPeriod = (i: string | null): boolean => !!i && instantMs(i) >= instantMs(period.from) && instantMs(i) < instantMs(period.to)
  return {
    period,
    kind,
    asOf,
    weights,
    summary: {
      items: totals.reduce((n, t) => n + t.items, 0),
      dueInPeriod: totals.reduce((n, t) => n + t.dueInPeriod, 0),
      finishedInPeriod: live.filter((f) => inPeriod(f.finishedAt)).length,
      onTime: onTimeRate(itemFacts, period, asOf),
      overdue: overdueCount(itemFacts, asOf),
    },
    rows,
  }
}
