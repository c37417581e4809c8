/** What the API shows of a plan under review (计划审核视图): the draft plus what still blocks confirming. */
import type { PlanRow, SameContentPlan } from '../../persistence/plans.repo.ts'
import type { DraftItem, PlanDraft } from '../../domain/plans/plan-draft.types.ts'
import { UNIT_ROLES } from '../../domain/plans/plan-draft.types.ts'

/** A problem that blocks confirming, naming the item and the field (`items[3].units.lead`). */
export interface PlanProblem {
  readonly n: number
  readonly field: string
  readonly message: string
}

/** A plan with its draft and a summary. */
export interface PlanView extends Omit<PlanRow, 'draft'> {
  readonly documents: PlanDraft['documents']
  readonly items: PlanDraft['items']
  readonly unrepaired: PlanDraft['unrepaired']
  /** The tables of a spreadsheet/CSV/Word upload as read, for showing rows beside items; [] otherwise. */
  readonly tables: NonNullable<PlanDraft['tables']>
  readonly summary: {
    readonly items: number
    readonly included: number
    /** Unit strings no unit is known for, among included items. */
    readonly unresolvedUnits: readonly string[]
    readonly problems: readonly PlanProblem[]
  }
  /** Other plans imported from the same document (by content), shown as a warning on import and review. */
  readonly sameContent?: readonly SameContentPlan[]
}

/** The items that become tasks: included ones of chosen documents. */
export function includedItems(draft: PlanDraft): DraftItem[] {
  const chosen = new Set(draft.documents.filter((d) => d.chosen).map((d) => d.index))
  return draft.items.filter((i) => i.included && chosen.has(i.document))
}

/** Everything that blocks confirming, in item order. */
export function planProblems(draft: PlanDraft): PlanProblem[] {
  const out: PlanProblem[] = []
  for (const it of includedItems(draft)) {
    if (it.title.trim() === '') out.push({ n: it.n, field: 'title', message: 'the title is empty' })
    if (it.units.lead.length === 0 && it.units.responsible.length === 0) {
      out.push({ n: it.n, field: 'units.lead', message: 'no lead or responsible unit (牵头单位/责任单位)' })
    }
    for (const role of UNIT_ROLES) {
      it.units[role].forEach((u, i) => {
        // A collective name the clerk chose to expand (分解落实) is settled without one unit.
        if (!u.unitId && !u.expand?.units.length) out.push({ n: it.n, field: `units.${role}[${i}]`, message: `'${u.raw}' is not mapped to a unit` })
      })
    }
    if (!it.due) out.push({ n: it.n, field: 'due', message: 'no due date (完成时间)' })
  }
  return out
}

/** The view of a plan row. */
export function planView(row: PlanRow): PlanView {
  const { draft, ...rest } = row
  const included = includedItems(draft)
  const unresolved = new Set<string>()
  for (const it of included) for (const role of UNIT_ROLES) for (const u of it.units[role]) if (!u.unitId && !u.expand?.units.length) unresolved.add(u.raw)
  return {
    ...rest,
    documents: draft.documents,
    items: draft.items,
    unrepaired: draft.unrepaired,
    tables: draft.tables ?? [],
    summary: { items: draft.items.length, included: included.length, unresolvedUnits: [...unresolved], problems: rest.status === 'draft' ? planProblems(draft) : [] },
  }
}
