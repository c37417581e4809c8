/**
 * Collective names in a plan (集合名称 → 分解落实): a clerk sees which words of a draft stand for several units
 * (各街道, 各县（区）人民政府, 市直各部门 …) and what each would expand into under the document's place, and chooses,
 * explicitly, to expand one (each unit then gets its own copy of the task on confirm, linked to it) or to map it
 * to one unit as any other name. On confirm the copies are made in a few set-based statements, not one by one.
 */
import type { Queryable } from '../../persistence/db.ts'
import { findPlan, updatePlanDraft } from '../../persistence/plans.repo.ts'
import { listUnits } from '../../persistence/units.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { DraftItem, DraftUnit, PlanDraft } from '../../domain/plans/plan-draft.types.ts'
import { UNIT_ROLES } from '../../domain/plans/plan-draft.types.ts'
import type { UnitRole } from '../../domain/text/extraction.types.ts'
import { expandCollective, isCollectiveName, type CollectiveExpansion } from '../../domain/units/collective-names.ts'
import { buildUnitDirectory, jurisdictionOf, type DirectoryUnit } from '../../domain/units/unit-name.match.ts'
import type { Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { includedItems, planView, type PlanView } from './plan.view.ts'

/** One collective name of a draft, where it occurs, what it would expand into and what the clerk chose. */
export interface CollectiveName {
  readonly raw: string
  readonly roles: readonly UnitRole[]
  /** Draft item numbers (n) it occurs in, among included items. */
  readonly items: readonly number[]
  /** The units of the tree it means under the first such item's document place. */
  readonly proposal: CollectiveExpansion
  /** `expand` (分解落实 chosen), `mapped` (the clerk mapped it to one unit) or null (not decided yet). */
  readonly choice: 'expand' | 'mapped' | null
  /** The one unit it is mapped to now when not expanded (for an import-read collective name: its place), else null. */
  readonly mappedTo: string | null
  /** The units it expands into when chosen (as stored in the draft). */
  readonly expandedTo: readonly { readonly unitId: string; readonly name: string }[]
}

/** The clerk's decision on one collective name. */
export interface CollectiveChoice {
  readonly raw: string
  /** true: each unit gets its own copy (分解落实); false: undo, the name then needs a mapping like any other. */
  readonly expand: boolean
  /** The units to expand into, when not all the proposal holds (any active units). */
  readonly unitIds?: readonly string[] | undefined
}

/**
 * A draft unit as the import may leave it: the unit-mapping side marks a collective name it read inside the
 * document's place with `members` (the units it stands for) and how it was found (`method`, 'person' for a clerk's).
 */
type ReadUnit = DraftUnit & { readonly members?: readonly string[]; readonly method?: string }

async function directory(q: Queryable): Promise<{ units: DirectoryUnit[]; placeOfDoc: (draft: PlanDraft, doc: number) => string | null }> {
  const units = (await listUnits(q)).map((u) => ({ id: u.id, name: u.name, parentId: u.parentId, level: u.level, function: u.function, aliases: u.aliases }))
  const dir = buildUnitDirectory(units)
  return {
    units,
    placeOfDoc: (draft, doc) => {
      const d = draft.documents.find((x) => x.index === doc)
      return d ? (jurisdictionOf(dir, [d.issuer, d.title]) ?? null) : null
    },
  }
}

/** The collective names of a plan's included items (GET /api/plans/:id/collectives). */
export async function listCollectives(deps: AppDeps, planId: string): Promise<CollectiveName[]> {
  const row = await findPlan(deps.db, planId)
  if (!row) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${planId}`, { where: 'id' })
  const { units, placeOfDoc } = await directory(deps.db)
  const out = new Map<string, { raw: string; roles: Set<UnitRole>; items: number[]; first: DraftItem; units: ReadUnit[] }>()
  for (const it of includedItems(row.draft)) {
    for (const role of UNIT_ROLES) {
      for (const u of it.units[role] as readonly ReadUnit[]) {
        if (!u.expand && !u.members?.length && !isCollectiveName(u.raw)) continue
        const e = out.get(u.raw) ?? { raw: u.raw, roles: new Set<UnitRole>(), items: [], first: it, units: [] }
        e.roles.add(role)
        if (!e.items.includes(it.n)) e.items.push(it.n)
        e.units.push(u)
        out.set(u.raw, e)
      }
    }
  }
  const names = new Map(units.map((u) => [u.id, u.name]))
  return [...out.values()].map((e) => {
    const chosen = e.units.find((u) => u.expand)
    const first = e.units[0]
    return {
      raw: e.raw,
      roles: UNIT_ROLES.filter((r) => e.roles.has(r)),
      items: e.items,
      proposal: proposalFor(units, names, e.raw, first, placeOfDoc(row.draft, e.first.document)),
      // A person's mapping to one unit is a choice; the import's own reading of the name (its place, with members) is not.
      choice: chosen ? 'expand' : e.units.every((u) => u.unitId && u.method === 'person' && !u.members?.length) ? 'mapped' : null,
      mappedTo: chosen ? null : (first?.unitId ?? null),
      expandedTo: chosen?.expand?.units ?? [],
    }
  })
}

/**
 * What a collective name would expand into: the members the import (or the clerk, in mapping) gave it inside the
 * document's place when it has them, else the tree's units by the collective-name rules.
 */
function proposalFor(units: readonly DirectoryUnit[], names: ReadonlyMap<string, string>, raw: string, u: ReadUnit | undefined, placeId: string | null): CollectiveExpansion {
  const byRule = expandCollective(units, raw, placeId)
  if (u?.members?.length) {
    const place = u.unitId ?? placeId
    return {
      under: place ? { unitId: place, name: names.get(place) ?? place } : (byRule?.under ?? null),
      units: u.members.filter((id) => names.has(id)).map((id) => ({ unitId: id, name: names.get(id) ?? id })),
    }
  }
  return byRule ?? { under: null, units: [] }
}

/** Records the clerk's choice on a collective name (PUT /api/plans/:id/collectives) in every included item it occurs in. */
export async function chooseCollective(deps: AppDeps, actor: Actor, planId: string, choice: CollectiveChoice): Promise<PlanView> {
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const row = await findPlan(tx, planId, true)
    if (!row) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${planId}`, { where: 'id' })
    if (row.status !== 'draft') throw new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${planId} is ${row.status}`, { where: 'status' })
    const included = new Set(includedItems(row.draft).map((i) => i.n))
    const occurs = row.draft.items.some((it) => included.has(it.n) && UNIT_ROLES.some((r) => it.units[r].some((u) => u.raw === choice.raw)))
    if (!occurs) throw new DubanError('DUBAN_ERR_VALIDATION', `raw: '${choice.raw}' is not a unit name of an included item`, { where: 'raw' })
    const { units, placeOfDoc } = await directory(tx)
    const names = new Map(units.map((u) => [u.id, u.name]))
    let given: { unitId: string; name: string }[] | null = null
    if (choice.expand && choice.unitIds) {
      const byId = new Map(units.map((u) => [u.id, u]))
      given = choice.unitIds.map((id, i) => {
        const u = byId.get(id)
        if (!u) throw new DubanError('DUBAN_ERR_VALIDATION', `unitIds[${i}]: no unit '${id}'`, { where: `unitIds[${i}]` })
        return { unitId: u.id, name: u.name }
      })
      given = [...new Map(given.map((g) => [g.unitId, g])).values()]
      if (given.length === 0) throw new DubanError('DUBAN_ERR_VALIDATION', 'unitIds: name at least one unit', { where: 'unitIds' })
    }
    const known = row.draft.items.some((it) => UNIT_ROLES.some((r) => (it.units[r] as readonly ReadUnit[]).some((u) => u.raw === choice.raw && (u.members?.length || u.expand))))
    if (choice.expand && !given && !known && !isCollectiveName(choice.raw)) {
      throw new DubanError('DUBAN_ERR_COLLECTIVE_UNKNOWN', `raw: '${choice.raw}' is not a collective name (各街道, 市直各部门 …); name the units in unitIds`, { where: 'raw' })
    }
    const expansions: Record<number, CollectiveExpansion> = {}
    const items = row.draft.items.map((it) => {
      if (!included.has(it.n)) return it
      const next: Record<UnitRole, readonly DraftUnit[]> = { ...it.units }
      let changed = false
      for (const role of UNIT_ROLES) {
        next[role] = (it.units[role] as readonly ReadUnit[]).map((u) => {
          if (u.raw !== choice.raw) return u
          changed = true
          if (!choice.expand) {
            // Undone: back to the place the import read it as (when it did), else unmapped.
            const { expand: _e, ...rest } = u
            return u.members?.length && u.expand?.under ? { ...rest, unitId: u.expand.under.unitId } : rest
          }
          const proposal = proposalFor(units, names, choice.raw, u.expand ? { ...u, unitId: u.expand.under?.unitId ?? null } : u, placeOfDoc(row.draft, it.document))
          const expand = given ? { under: proposal.under, units: given } : proposal
          if (expand.units.length === 0) {
            throw new DubanError('DUBAN_ERR_COLLECTIVE_EMPTY', `item ${it.n}: '${choice.raw}' has no units under ${proposal.under?.name ?? 'the tree'}; add them or map the name`, {
              where: 'raw',
              details: { n: it.n, under: proposal.under },
            })
          }
          expansions[it.n] = expand
          return { raw: u.raw, unitId: null, expand }
        })
      }
      return changed ? { ...it, units: next } : it
    })
    const draft: PlanDraft = { ...row.draft, items }
    await updatePlanDraft(tx, planId, draft)
    await audit(tx, actor, now, {
      action: 'plan.collective',
      entity: 'plan',
      entityId: planId,
      after: { raw: choice.raw, expand: choice.expand, items: Object.fromEntries(Object.entries(expansions).map(([n, e]) => [n, e.units.map((u) => u.unitId)])) },
    })
    return planView({ ...row, draft })
  })
}

/** The units every expanded collective name of a draft item means, in order, without repeats, and the place first named. */
export function expandedUnitsOf(it: DraftItem): { units: { unitId: string; name: string }[]; under: { unitId: string; name: string } | null } {
  const seen = new Map<string, { unitId: string; name: string }>()
  let under: { unitId: string; name: string } | null = null
  for (const role of UNIT_ROLES) {
    for (const u of it.units[role]) {
      if (!u.expand) continue
      under ??= u.expand.under
      for (const x of u.expand.units) if (!seen.has(x.unitId)) seen.set(x.unitId, x)
    }
  }
  return { units: [...seen.values()], under }
}

/** The parent task a copy is made from, as confirm has just written it. */
export interface ParentTask {
  readonly id: string
  readonly number: string
  readonly kind: string
  readonly kindVersion: number
  readonly state: string
  readonly stateType: string
  readonly title: string
  readonly body: string
  readonly planId: string
  readonly sourceLine: number | null
  readonly path: readonly string[]
  readonly dueDate: string | null
  readonly snapshot: Snapshot
  readonly data: Record<string, unknown>
  /** The payloads of the history the parent got (confirm, dispatch), in order. */
  readonly history: readonly { readonly event: string; readonly from: string; readonly to: string }[]
}

/**
 * Makes one copy of a confirmed task per unit (分解落实), each led by its unit and linked by parent_id, with the same
 * title, text, due date, targets, cadence and clocks, its history (confirm, dispatch) and the 交办 notification to its
 * unit: five statements whatever the number of units. Numbers are the parent's with -01, -02 … in the units' order.
 */
export async function insertChildCopies(
  tx: Queryable,
  deps: AppDeps,
  actor: Actor,
  parent: ParentTask,
  units: readonly { unitId: string; name: string }[],
  at: string,
  dispatchLabel: string,
): Promise<{ id: string; number: string; unitId: string }[]> {
  if (units.length === 0) return []
  const width = Math.max(2, String(units.length).length)
  const children = units.map((u, i) => ({ id: deps.newId(), number: `${parent.number}-${String(i + 1).padStart(width, '0')}`, unitId: u.unitId }))
  const ids = children.map((c) => c.id)
  const numbers = children.map((c) => c.number)
  const unitIds = children.map((c) => c.unitId)
  const { leads: _l, responsible: _r, cooperating: _c, ...dataRest } = parent.snapshot.data
  const snapshot = { ...parent.snapshot, data: { ...dataRest, responsible: [], cooperating: [] } }
  const data = { ...parent.data, parent: parent.id }
  await tx.query(
    `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, plan_id, source_line, path, due_date, snapshot, data, created_at, updated_at, parent_id)
     SELECT c.id, c.number, $4, $5, $6, $7, $8, $9, $10, $11, $12::text[], $13::date,
            jsonb_set($14::jsonb, '{data,lead}', to_jsonb(c.unit_id)), $15::jsonb, $16, $16, $17
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS c(id, number, unit_id, ord)
      ORDER BY c.ord`,
    [ids, numbers, unitIds, parent.kind, parent.kindVersion, parent.state, parent.stateType, parent.title, parent.body, parent.planId, parent.sourceLine, [...parent.path], parent.dueDate, JSON.stringify(snapshot), JSON.stringify(data), at, parent.id],
  )
  await tx.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT c.id, c.unit_id, 'lead' FROM unnest($1::text[], $2::text[]) AS c(id, unit_id)`, [ids, unitIds])
  const steps = parent.history.map((h, i) => ({ ...h, i }))
  await tx.query(
    `INSERT INTO item_event (item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at)
     SELECT c.id, s.event, s.from_state, s.to_state, $6, $7, $8,
            CASE WHEN s.event = 'dispatch' THEN jsonb_build_object('lead', c.unit_id, 'due', $9::text, 'parent', $10::text)
                 ELSE jsonb_build_object('due', $9::text, 'parent', $10::text) END, $11
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(id, unit_id, ord)
       CROSS JOIN unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS s(event, from_state, to_state, step)
      ORDER BY c.ord, s.step`,
    [ids, unitIds, steps.map((s) => s.event), steps.map((s) => s.from), steps.map((s) => s.to), actor.userId, actor.role, actor.unitId, parent.dueDate, parent.id, at],
  )
  // 交办 reaches each copy's unit, as notify:assignees does for any dispatched task (same type, title and key).
  if (parent.history.some((h) => h.event === 'dispatch')) {
    await tx.query(
      `INSERT INTO notification (id, dedupe_key, unit_id, item_id, type, title, body, created_at)
       SELECT n.id, c.id || ':v1:dispatch@unit:' || c.unit_id, c.unit_id, c.id, 'item.dispatch', $5 || '：' || c.number || ' ' || $6, '', $7
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS c(id, number, unit_id, nid)
         JOIN LATERAL (SELECT c.nid AS id) n ON true
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [ids, numbers, unitIds, children.map(() => deps.newId()), dispatchLabel, parent.title, at],
    )
  }
  await audit(tx, actor, new Date(at), {
    action: 'item.expand',
    entity: 'item',
    entityId: parent.id,
    after: { number: parent.number, children: children.map((c) => ({ id: c.id, number: c.number, unitId: c.unitId })) },
  })
  return children
}
