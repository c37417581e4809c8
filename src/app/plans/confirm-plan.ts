/**
 * Confirm a plan (确认立项): every included item of the chosen documents becomes a task, numbered
 * DB-YYYY-NNNN, with its units, targets, cadence and due date, taken through the engine's `confirm`
 * and `dispatch`; all in one transaction with its audit entries, or nothing at all.
 */
import { findItem, insertItem, insertItemEvent, reserveItemNumbers, type ItemUnitRole } from '../../persistence/items.repo.ts'
import { setPlanStatus, updatePlanDraft, findPlan } from '../../persistence/plans.repo.ts'
import { checkDueDate } from '../../domain/calendar/due-date.rules.ts'
import { DubanError } from '../../domain/errors.ts'
import { assertPlanInScope } from '../../domain/users/data-scope-plan.ts'
import { createSnapshot, transition, type Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { carryOutEffects } from '../items/carry-out-effects.ts'
import { calendarFor, chinaDate, currentTaskKind, engineActor } from '../items/item-engine.ts'
import type { DraftItem, PlanDraft } from '../../domain/plans/plan-draft.types.ts'
import { includedItems, planProblems, planView, type PlanView } from './plan.view.ts'
import { expandedUnitsOf, insertChildCopies } from './expand-collective.ts'
import { insertLeadShares } from '../items/item-shares.ts'

/** The prefix of task numbers (督办编号). */
export const TASK_NUMBER_PREFIX = 'DB'

/** What confirming produced: the plan and the tasks, by draft item number. */
export interface ConfirmResult {
  readonly plan: PlanView
  readonly tasks: readonly { readonly n: number; readonly id: string; readonly number: string; readonly children?: readonly { id: string; number: string; unitId: string }[] }[]
}

/** Confirms a draft plan into tasks (POST /api/plans/:id/confirm). */
export async function confirmPlan(deps: AppDeps, actor: Actor, planId: string): Promise<ConfirmResult> {
  const now = deps.clock.now()
  const at = now.toISOString()
  const kind = currentTaskKind()
  return deps.db.transaction(async (tx) => {
    const row = await findPlan(tx, planId, true)
    if (!row) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${planId}`, { where: 'id' })
    if (row.status !== 'draft') throw new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${planId} is ${row.status}`, { where: 'status' })
    const items = includedItems(row.draft)
    assertPlanInScope(actor.scopeUnitIds, items) // 数据范围: a district 督查室 dispatches inside its district only
    if (items.length === 0) throw new DubanError('DUBAN_ERR_PLAN_EMPTY', 'include at least one item before confirming', { where: 'items' })
    const problems = planProblems(row.draft)
    const first = problems[0]
    if (first) {
      throw new DubanError('DUBAN_ERR_PLAN_INCOMPLETE', `item ${first.n} ${first.field}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
        where: `items[${first.n}].${first.field}`,
        details: { problems },
      })
    }
    const { calendar, working } = await calendarFor(tx)
    for (const it of items) {
      const check = it.due ? checkDueDate(calendar, it.due) : null
      if (check && !check.ok) {
        throw new DubanError('DUBAN_ERR_DUE_NOT_WORKING_DAY', `item ${it.n} due: ${it.due} is a ${check.holiday ?? check.reason}; try ${check.suggestion}`, {
          where: `items[${it.n}].due`,
          details: { suggestion: check.suggestion },
        })
      }
    }
    const numbers = await reserveItemNumbers(tx, TASK_NUMBER_PREFIX, Number(chinaDate(now).slice(0, 4)), items.length)
    const who = engineActor(actor)
    const tasks: ConfirmResult['tasks'][number][] = []
    for (const [i, it] of items.entries()) {
      const id = deps.newId()
      const number = numbers[i] ?? ''
      const units = assignees(it)
      // Several 牵头单位 each own the item in full (`leads`, shared work: item-shares.ts).
      const leads = units.rows.filter((u) => u.role === 'lead').map((u) => u.unitId)
      const shared = leads.length > 1 ? { leads } : {}
      let snapshot: Snapshot = createSnapshot(kind, { data: { targets: it.targets, cadence: it.cadence, ...shared }, actor: who, now: at, calendar: working })
      const history: { event: string; from: string; to: string; payload: Record<string, unknown> }[] = []
      const effects: { event: string; payload: Record<string, unknown>; before: Snapshot; after: Snapshot; effects: Parameters<typeof carryOutEffects>[1] }[] = []
      const steps: { type: string; payload: Record<string, unknown> }[] = [
        { type: 'confirm', payload: { due: it.due } },
        { type: 'dispatch', payload: { lead: units.lead, responsible: units.responsible, cooperating: units.cooperating, due: it.due } },
      ]
      for (const ev of steps) {
        const res = transition(kind, snapshot, ev, { actor: who, now: at, calendar: working })
        if (!res.ok) throw new DubanError(res.error.code, `item ${it.n} (${res.error.message})`, { where: `items[${it.n}]`, details: { ...res.error.details } })
        history.push({ event: ev.type, from: snapshot.state, to: res.snapshot.state, payload: ev.payload })
        effects.push({ event: ev.type, payload: ev.payload, before: snapshot, after: res.snapshot, effects: res.effects })
        snapshot = res.snapshot
      }
      await insertItem(
        tx,
        {
          id,
          number,
          kind: kind.id,
          kindVersion: Number(kind.version),
          state: snapshot.state,
          stateType: kind.states[snapshot.state]?.type ?? 'open',
          title: it.title,
          body: it.text,
          planId,
          sourceLine: it.line,
          path: it.path,
          dueDate: it.due,
          snapshot,
          data: { targets: it.targets, cadence: it.cadence ?? kind.reporting, planItem: it.n, document: it.document, marker: it.marker },
          at,
        },
        units.rows,
      )
      for (const h of history) {
        await insertItemEvent(tx, { itemId: id, event: h.event, from: h.from, to: h.to, actorId: actor.userId, actorRole: actor.role, unitId: actor.unitId, payload: h.payload, at })
      }
      // The steps' effects (交办 notifies the assignees) are carried out in this transaction, like any event's.
      const item = await findItem(tx, id, null)
      if (item) for (const e of effects) await carryOutEffects({ tx, deps, actor, kind, item, before: e.before, after: e.after, event: e.event, payload: e.payload, version: 1 }, e.effects)
      await audit(tx, actor, now, { action: 'item.create', entity: 'item', entityId: id, after: { number, planId, n: it.n, state: snapshot.state, due: it.due, lead: units.lead } })
      // Leads' shares, and the copies of a collective name the clerk chose to expand (分解落实), set-based.
      await insertLeadShares(tx, [id], leads)
      const expanded = expandedUnitsOf(it).units
      const children = await insertChildCopies(
        tx, deps, actor,
        { id, number, kind: kind.id, kindVersion: Number(kind.version), state: snapshot.state, stateType: kind.states[snapshot.state]?.type ?? 'open', title: it.title, body: it.text, planId, sourceLine: it.line, path: it.path, dueDate: it.due, snapshot, data: { targets: it.targets, cadence: it.cadence ?? kind.reporting, planItem: it.n, document: it.document, marker: it.marker }, history },
        expanded, at, kind.events['dispatch']?.label ?? 'dispatch',
      )
      tasks.push({ n: it.n, id, number, ...(children.length ? { children } : {}) })
    }
    const byN = new Map(tasks.map((t) => [t.n, t]))
    const draft: PlanDraft = {
      ...row.draft,
      items: row.draft.items.map((it) => {
        const t = byN.get(it.n)
        return t ? { ...it, itemId: t.id, number: t.number } : it
      }),
    }
    await updatePlanDraft(tx, planId, draft)
    await setPlanStatus(tx, planId, 'confirmed', at)
    await audit(tx, actor, now, { action: 'plan.confirm', entity: 'plan', entityId: planId, after: { tasks: tasks.length, first: tasks[0]?.number ?? null, last: tasks.at(-1)?.number ?? null } })
    return { plan: planView({ ...row, draft, status: 'confirmed', confirmedAt: at }), tasks }
  })
}

/** The engine's lead (the first lead unit, else the first responsible one) and every unit row. */
function assignees(it: DraftItem): { lead: string; responsible: string[]; cooperating: string[]; rows: { unitId: string; role: ItemUnitRole }[] } {
  const ids = (xs: readonly { unitId: string | null }[]): string[] => xs.map((u) => u.unitId).filter((x): x is string => !!x)
  const leads = ids(it.units.lead)
  const responsible = ids(it.units.responsible)
  const cooperating = ids(it.units.cooperating)
  // With only a collective name expanded (各街道负责), the place it was expanded under owns the parent task.
  const lead = leads[0] ?? responsible[0] ?? expandedUnitsOf(it).under?.unitId ?? ''
  const rows: { unitId: string; role: ItemUnitRole }[] = [
    ...(leads.length ? leads : [lead]).map((unitId) => ({ unitId, role: 'lead' as const })),
    ...responsible.filter((u) => leads.length || u !== lead).map((unitId) => ({ unitId, role: 'responsible' as const })),
    ...cooperating.map((unitId) => ({ unitId, role: 'cooperating' as const })),
  ]
  return { lead, responsible: responsible.filter((u) => u !== lead), cooperating, rows }
}
