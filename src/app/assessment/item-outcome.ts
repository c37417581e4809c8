/**
 * What the assessment reads of an item's outcome: when it was finished and how many of its targets its reported
 * measures meet. Apart from assess-units.ts so that the counters' contributions (assessment-contrib.ts) use the same
 * rules without importing the item-by-item computation, which imports the counters' (an import cycle before).
 */
import type { AssessedItemRow } from '../../persistence/assessment.repo.ts'

/** Whether a reported measure meets a target (目标达成). */
function targetMet(t: Record<string, unknown>, measures: Record<string, unknown>): boolean {
  if (typeof t.met === 'boolean') return t.met
  const v = measures[String(t.metric)]
  if (typeof v !== 'number' || typeof t.value !== 'number') return false
  switch (t.comparison) {
    case '>=': return v >= t.value
    case '>': return v > t.value
    case '<=': return v <= t.value
    case '<': return v < t.value
    case '=': return v === t.value
    case 'range': return v >= t.value && v <= (typeof t.valueTo === 'number' ? t.valueTo : t.value)
    default: return v >= t.value
  }
}

/** When an item was finished (报办结: its due clock stopped), or closed; null while not finished. */
export function finishedAtOf(it: AssessedItemRow): string | null {
  return it.snapshot.clocks?.['due']?.stoppedAt ?? (it.stateType === 'closed' ? it.closedAt : null)
}

/** An item's targets (目标) and how many its last reported measures meet. */
export function targetsOf(it: AssessedItemRow): { total: number; met: number } {
  const targets = Array.isArray(it.data['targets']) ? (it.data['targets'] as Record<string, unknown>[]) : []
  const measures = { ...((it.data['measures'] as Record<string, unknown>) ?? {}), ...((it.snapshot.data?.['measures'] as Record<string, unknown>) ?? {}) }
  return { total: targets.length, met: targets.filter((t) => targetMet(t, measures)).length }
}
