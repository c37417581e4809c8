/**
 * Review a draft plan (审核): read it, choose documents, map unit strings, edit one proposed item.
 * Every edit is checked field by field and names the field it refuses.
 */
import type { Queryable } from '../../persistence/db.ts'
import { findPlan, listPlans, plansWithSameContent, updatePlanDraft, updatePlanHeading, type PlanRow } from '../../persistence/plans.repo.ts'
import { applyDuePolicy, checkDueDate } from '../../domain/calendar/due-date.rules.ts'
import { cleanUnitName } from '../../domain/units/unit-name.normalise.ts'
import { upsertScopedMapping } from '../../persistence/unit-mapping.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Target, UnitRole } from '../../domain/text/extraction.types.ts'
import type { ReportingCadence } from '../../domain/workflow/index.ts'
import { isIsoDate } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { calendarFor } from '../items/item-engine.ts'
import type { DraftItem, DraftUnit, PlanDraft } from '../../domain/plans/plan-draft.types.ts'
import { UNIT_ROLES } from '../../domain/plans/plan-draft.types.ts'
import { planHeading } from './plan-draft.build.ts'
import { planView, type PlanView } from './plan.view.ts'

/** An edit of one proposed item; absent fields stay as they are. Units are unit ids per role. */
export interface ItemPatch {
  readonly title?: string
  readonly included?: boolean
  readonly units?: Partial<Record<UnitRole, readonly string[]>>
  readonly due?: string | null
  readonly targets?: readonly Target[]
  readonly cadence?: ReportingCadence | null
}

/**
 * A mapping made in review: the words map to a unit (or, for a collective name, to the set memberIds under
 * unitId) everywhere they occur in this plan; remember keeps it for later plans of the same jurisdiction.
 */
export interface PlanMapping {
  readonly raw: string
  readonly unitId: string
  readonly memberIds?: readonly string[]
  readonly remember?: boolean
}

/** A plan-wide edit: which documents to take, unit strings mapped to units, a due date for every item without one. */
export interface PlanPatch {
  readonly documents?: readonly number[]
  readonly mappings?: readonly PlanMapping[]
  /** 年底 (the last working day of the plan's year) or a YYYY-MM-DD working day, for every included item with no due date. */
  readonly dueForUndated?: string
}

/** One plan for review, or 404. */
export async function getPlan(deps: AppDeps, id: string): Promise<PlanView> {
  const row = await findPlan(deps.db, id)
  if (!row) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${id}`, { where: 'id' })
  return { ...planView(row), sameContent: await plansWithSameContent(deps.db, id) }
}

/** Plans, newest first. */
export async function listPlanSummaries(deps: AppDeps, page: { limit: number; offset: number }): Promise<{ plans: Omit<PlanRow, 'draft'>[]; total: number }> {
  const { rows, total } = await listPlans(deps.db, page)
  return { plans: rows, total }
}

async function lockDraft(tx: Queryable, id: string): Promise<PlanRow> {
  const row = await findPlan(tx, id, true)
  if (!row) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${id}`, { where: 'id' })
  if (row.status !== 'draft') throw new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${id} is ${row.status}`, { where: 'status' })
  return row
}

/** Names of the given unit ids; throws naming the field of the first unknown one. */
async function unitNames(tx: Queryable, ids: readonly string[], field: string): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ id: string; name: string }>(`SELECT id, name FROM unit WHERE id = ANY($1::text[]) AND active`, [[...ids]])
  const names = new Map(rows.map((r) => [r.id, r.name]))
  ids.forEach((id, i) => {
    if (!names.has(id)) throw new DubanError('DUBAN_ERR_VALIDATION', `${field}[${i}]: no unit '${id}'`, { where: `${field}[${i}]` })
  })
  return names
}

/** Edits one proposed item (PATCH /api/plans/:id/items/:n). */
export async function patchPlanItem(deps: AppDeps, actor: Actor, planId: string, n: number, patch: ItemPatch): Promise<PlanView> {
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const row = await lockDraft(tx, planId)
    const before = row.draft.items.find((i) => i.n === n)
    if (!before) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${planId} has no item ${n}`, { where: 'n' })
    let next: DraftItem = { ...before }
    if (patch.title !== undefined) {
      if (patch.title.trim() === '') throw new DubanError('DUBAN_ERR_VALIDATION', 'title: must not be empty', { where: 'title' })
      next = { ...next, title: patch.title.trim() }
    }
    if (patch.included !== undefined) next = { ...next, included: patch.included }
    if (patch.units) {
      const units: Record<UnitRole, readonly DraftUnit[]> = { ...next.units }
      for (const role of UNIT_ROLES) {
        const ids = patch.units[role]
        if (!ids) continue
        const names = await unitNames(tx, ids, `units.${role}`)
        units[role] = ids.map((id) => ({ raw: names.get(id) ?? id, unitId: id }))
      }
      next = { ...next, units }
    }
    if (patch.due !== undefined) {
      if (patch.due !== null) {
        if (!isIsoDate(patch.due)) throw new DubanError('DUBAN_ERR_VALIDATION', `due: '${patch.due}' is not a YYYY-MM-DD date`, { where: 'due' })
        const { calendar } = await calendarFor(tx)
        const check = checkDueDate(calendar, patch.due)
        if (!check.ok) {
          throw new DubanError('DUBAN_ERR_DUE_NOT_WORKING_DAY', `due: ${patch.due} is a ${check.holiday ?? check.reason}; try ${check.suggestion}`, {
            where: 'due',
            details: { reason: check.reason, holiday: check.holiday, suggestion: check.suggestion },
          })
        }
      }
      next = { ...next, due: patch.due, flags: next.flags.filter((f) => !['year-assumed', 'no-due', 'due-shifted', 'several-deadlines'].includes(f)) }
    }
    if (patch.targets !== undefined) next = { ...next, targets: patch.targets }
    if (patch.cadence !== undefined) {
      next = { ...next, cadence: patch.cadence, flags: next.flags.filter((f) => f !== 'cadence-day-assumed' && f !== 'cadence-from-document') }
    }
    const draft: PlanDraft = { ...row.draft, items: row.draft.items.map((i) => (i.n === n ? next : i)) }
    await updatePlanDraft(tx, planId, draft)
    await audit(tx, actor, now, { action: 'plan.edit_item', entity: 'plan', entityId: planId, before: { n, ...pick(before, patch) }, after: { n, ...pick(next, patch) } })
    return planView({ ...row, draft })
  })
}

/** The fields of an item that a patch names, for the audit log. */
function pick(item: DraftItem, patch: ItemPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(patch) as (keyof ItemPatch)[]) out[k] = item[k]
  return out
}

function remap(units: readonly DraftUnit[], map: ReadonlyMap<string, PlanMapping>): DraftUnit[] {
  return units.map((u) => {
    const m = map.get(u.raw)
    if (!m) return u
    const members = m.memberIds && m.memberIds.length > 0 ? { members: [...m.memberIds] } : {}
    return { raw: u.raw, unitId: m.unitId, confidence: 1, method: 'person', ...members, note: m.remember ? 'remembered' : 'this plan only' }
  })
}

/** The jurisdiction a mapping of these words is remembered for: that of the first chosen document that uses them. */
function mappingScope(draft: PlanDraft, raw: string): string | null {
  const docs = new Set(draft.items.filter((it) => UNIT_ROLES.some((r) => it.units[r].some((u) => u.raw === raw))).map((it) => it.document))
  const doc = draft.documents.find((d) => docs.has(d.index) && d.chosen) ?? draft.documents.find((d) => docs.has(d.index))
  return doc?.jurisdiction?.unitId ?? null
}

/** The date 年底 or a given date stands for, checked as a working day. */
async function bulkDue(tx: Queryable, row: PlanRow, value: string): Promise<string> {
  const { calendar } = await calendarFor(tx)
  if (value === '年底') {
    const year = row.year ?? row.draft.importYear
    return applyDuePolicy(calendar, `${year}-12-31`, 'previous-working-day').date
  }
  if (!isIsoDate(value)) throw new DubanError('DUBAN_ERR_VALIDATION', `dueForUndated: '${value}' is neither 年底 nor a YYYY-MM-DD date`, { where: 'dueForUndated' })
  const check = checkDueDate(calendar, value)
  if (!check.ok) {
    throw new DubanError('DUBAN_ERR_DUE_NOT_WORKING_DAY', `dueForUndated: ${value} is a ${check.holiday ?? check.reason}; try ${check.suggestion}`, {
      where: 'dueForUndated',
      details: { reason: check.reason, holiday: check.holiday, suggestion: check.suggestion },
    })
  }
  return value
}

/** Chooses documents and maps unit strings for the whole plan (PATCH /api/plans/:id). */
export async function patchPlan(deps: AppDeps, actor: Actor, planId: string, patch: PlanPatch): Promise<PlanView> {
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const row = await lockDraft(tx, planId)
    let draft = row.draft
    if (patch.documents) {
      const count = draft.documents.length
      patch.documents.forEach((d, i) => {
        if (!Number.isInteger(d) || d < 0 || d >= count) {
          throw new DubanError('DUBAN_ERR_VALIDATION', `documents[${i}]: ${d} is not a document index (0–${count - 1})`, { where: `documents[${i}]` })
        }
      })
      if (patch.documents.length === 0) throw new DubanError('DUBAN_ERR_VALIDATION', 'documents: choose at least one document', { where: 'documents' })
      const chosen = new Set(patch.documents)
      draft = { ...draft, documents: draft.documents.map((d) => ({ ...d, chosen: chosen.has(d.index) })) }
    }
    if (patch.mappings && patch.mappings.length > 0) {
      await unitNames(tx, patch.mappings.map((m) => m.unitId), 'mappings')
      for (const [i, m] of patch.mappings.entries()) if (m.memberIds?.length) await unitNames(tx, m.memberIds, `mappings[${i}].memberIds`)
      const map = new Map(patch.mappings.map((m) => [m.raw, m]))
      draft = {
        ...draft,
        items: draft.items.map((it) => ({
          ...it,
          units: {
            lead: remap(it.units.lead, map),
            responsible: remap(it.units.responsible, map),
            cooperating: remap(it.units.cooperating, map),
          },
        })),
      }
      for (const m of patch.mappings) {
        if (!m.remember) continue
        // Remembered for later plans of the same jurisdiction (unit_mapping.scope); listed and editable under 单位管理.
        await upsertScopedMapping(tx, { raw: cleanUnitName(m.raw), scopeUnitId: mappingScope(draft, m.raw), unitId: m.unitId, memberIds: m.memberIds ?? [], createdBy: actor.userId, at: now })
      }
    }
    let dated: number[] = []
    if (patch.dueForUndated !== undefined) {
      const due = await bulkDue(tx, row, patch.dueForUndated)
      const chosen = new Set(draft.documents.filter((d) => d.chosen).map((d) => d.index))
      dated = draft.items.filter((it) => it.included && chosen.has(it.document) && !it.due).map((it) => it.n)
      const set = new Set(dated)
      draft = { ...draft, items: draft.items.map((it) => (set.has(it.n) ? { ...it, due, flags: it.flags.filter((f) => f !== 'no-due') } : it)) }
    }
    await updatePlanDraft(tx, planId, draft)
    // The plan's title, year and issuer follow the documents chosen.
    let heading = { title: row.title, year: row.year, issuer: row.issuer, docNumber: row.docNumber }
    if (patch.documents) {
      heading = planHeading(draft.documents, row.fileName)
      await updatePlanHeading(tx, planId, heading)
    }
    await audit(tx, actor, now, {
      action: 'plan.edit',
      entity: 'plan',
      entityId: planId,
      ...(patch.documents ? { before: { title: row.title, year: row.year, issuer: row.issuer } } : {}),
      after: {
        ...patch,
        ...(patch.documents ? { title: heading.title, year: heading.year, issuer: heading.issuer } : {}),
        ...(patch.dueForUndated !== undefined ? { dated } : {}),
      },
    })
    return planView({ ...row, ...heading, draft })
  })
}
