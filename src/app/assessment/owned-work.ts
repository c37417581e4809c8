/**
 * Who an item counts for in the assessment (考核归属), with shared work (issue 8.2). The rule, as README and
 * docs/assessment.md state it:
 *   - every 牵头单位 of an item answers for the whole item: each lead gets the item's on-time, overdue and targets
 *     facts (several leads: each is scored on it in full, as each is a full owner);
 *   - a copy made for one unit of a collective name (分解落实) is an item of its own, led by that unit, and counts for
 *     it alone; the parent counts for the parent's leads;
 *   - a 责任单位 answers for its share, its progress reports: it is scored on reporting (按时报送) by the item's cadence,
 *     not on the item's finish, due date or targets, which are the lead's;
 *   - a 配合单位 helps and is not scored on the item;
 *   - each unit's reporting counts the reports it made itself (a report carries the reporting unit).
 * Summary figures (items, 按时办结率, 超期) count each item once, for its first lead.
 */
import type { AssessedItemRow } from '../../persistence/assessment.repo.ts'
import type { ItemFact } from '../../domain/kpi/index.ts'

/** Facts of a second (third …) lead: left out of the summary, which counts items once. */
const coLeadFacts = new WeakSet<ItemFact>()
/** Facts of a responsible unit's share (reporting only): neither in the summary nor in a unit's item count. */
const responsibleFacts = new WeakSet<ItemFact>()

/** Whether a fact is a second lead's or a responsible unit's share (not the item's own, for the summary). */
export function isShareFact(f: ItemFact): boolean {
  return coLeadFacts.has(f) || responsibleFacts.has(f)
}

/** Whether a fact is a responsible unit's share, which counts for reporting only. */
export function isResponsibleShare(f: ItemFact): boolean {
  return responsibleFacts.has(f)
}

/**
 * The facts of one item for every unit that owns work on it: one per lead (the first lead's is the item's own), and a
 * reporting-only one per responsible unit. `fact` is assess-units' itemFact with the period and settings bound.
 */
export function ownedFacts(it: AssessedItemRow, reports: ReadonlyMap<string, readonly string[]> | undefined, fact: (row: AssessedItemRow, unitId: string) => ItemFact): ItemFact[] {
  const own = (unitId: string): AssessedItemRow => ({ ...it, reportTimes: reports ? [...(reports.get(unitId) ?? [])] : it.reportTimes })
  const out: ItemFact[] = []
  const leads = it.units.filter((u) => u.role === 'lead')
  leads.forEach((l, i) => {
    const f = fact(own(l.unitId), l.unitId)
    if (i > 0) coLeadFacts.add(f)
    out.push(f)
  })
  for (const r of it.units.filter((u) => u.role === 'responsible' && !leads.some((l) => l.unitId === u.unitId))) {
    const full = fact(own(r.unitId), r.unitId)
    const share: ItemFact = {
      unitId: r.unitId,
      kind: full.kind,
      stateType: full.stateType,
      cancelled: full.cancelled ?? false,
      dueAt: null,
      finishedAt: null,
      targetsTotal: 0,
      targetsMet: 0,
      reportsExpected: full.reportsExpected ?? 0,
      reportsOnTime: full.reportsOnTime ?? 0,
    }
    responsibleFacts.add(share)
    out.push(share)
  }
  return out
}
