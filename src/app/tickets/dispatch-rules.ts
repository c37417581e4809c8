/**
 * The dispatch catalogue (派单目录): rules from a category (a code or a code prefix) and a place (a
 * district/township subtree, or anywhere) to the unit that handles it — a unit named directly, or "the
 * unit of this function (职能) in the place's district, else the city's". The most specific category wins,
 * then the most specific place, then the lower priority. Rules are versioned like categories and audited.
 *
 * The one hard rule (国办函〔2025〕66号): a department's work may not be pushed down to a 乡镇(街道);
 * only 乡镇(街道)履职事项 (township_duty) go to a township or community.
 */
import type { Queryable } from '../../persistence/db.ts'
import {
  deactivateRule,
  findCurrentRule,
  insertRule,
  lastRuleVersion,
  listDispatchRules,
  type DispatchRuleRow,
} from '../../persistence/catalogue.repo.ts'
import { findUnit, listUnits, type UnitRow } from '../../persistence/units.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { ancestry } from '../../domain/units/ancestry.ts'
import { isTicketFunction, TICKET_FUNCTIONS, TOWNSHIP_FUNCTION } from '../../domain/tickets/unit-functions.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { codeCovers, currentCategory, findCategory } from './catalogue.ts'

export type { DispatchRuleRow }

/** The rule that forbids pushing a department's work down to a township, as cited in refusals. */
export const TOWNSHIP_RULE =
  '国办函〔2025〕66号：部门职责范围内的事项不得推给乡镇(街道)，只有乡镇(街道)履职事项才能派给乡镇(街道)'

/** The dispatch catalogue's answer for a category and place. */
export interface DispatchTarget {
  readonly unitId: string
  readonly ruleId: string
  readonly basis: string
}

/** What an admin sends to create a rule or write its new version. */
export interface RuleInput {
  readonly id?: string
  readonly categoryCode: string
  readonly placeUnitId?: string | null
  readonly unitId?: string | null
  readonly byFunction?: string | null
  readonly priority?: number
  readonly basis?: string
}

const PLACE_LEVELS = new Set(['province', 'city', 'district', 'township', 'community'])
const TOWNSHIP_LEVELS = new Set(['township', 'community'])
const RULE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

function fieldInvalid(where: string, detail: string): DubanError {
  return new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}: ${detail}`, { where })
}

/** The units by id, for walking up the tree. */
async function unitMap(q: Queryable): Promise<Map<string, UnitRow>> {
  return new Map((await listUnits(q)).map((u) => [u.id, u]))
}


/** True when the unit is a 乡镇(街道) or 社区, or an office inside one. */
function isTownshipLevel(units: ReadonlyMap<string, UnitRow>, unitId: string): boolean {
  for (const u of ancestry(units, unitId)) {
    if (TOWNSHIP_LEVELS.has(u.level)) return true
    if (u.level === 'district' || u.level === 'city' || u.level === 'province') return false
  }
  return false
}

function refusal(categoryCode: string, categoryName: string, unit: UnitRow, where: string): DubanError {
  return new DubanError(
    'DUBAN_ERR_DISPATCH_REFUSED',
    `${categoryCode} ${categoryName} is not a 乡镇(街道)履职事项 and may not go to ${unit.name} — ${TOWNSHIP_RULE}`,
    { where, details: { rule: '国办函〔2025〕66号', categoryCode, unitId: unit.id } },
  )
}

/**
 * Throws DUBAN_ERR_DISPATCH_REFUSED (naming 国办函〔2025〕66号, where `lead`) when the unit is a township or
 * community and the category is not a 乡镇(街道)履职事项. Unknown category: DUBAN_ERR_FIELD_INVALID
 * (`categoryCode`); unknown unit: DUBAN_ERR_FIELD_INVALID (`lead`).
 */
export async function checkDispatchAllowed(q: Queryable, input: { categoryCode: string; unitId: string }, where = 'lead'): Promise<void> {
  const category = await findCategory(q, input.categoryCode)
  if (!category) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `categoryCode: no current category ${input.categoryCode}`, { where: 'categoryCode' })
  dispatchAllowedAmong(await unitMap(q), category, input.unitId, where)
}

/** checkDispatchAllowed over units and a category the caller already holds (ticket intake keeps them cached). */
export function dispatchAllowedAmong(
  units: ReadonlyMap<string, UnitRow>,
  category: { readonly code: string; readonly name: string; readonly townshipDuty: boolean },
  unitId: string,
  where = 'lead',
): void {
  const unit = units.get(unitId)
  if (!unit) throw fieldInvalid(where, `no active unit ${unitId}`)
  if (!category.townshipDuty && isTownshipLevel(units, unit.id)) throw refusal(category.code, category.name, unit, where)
}

/** How specific a rule's place is: depth of its unit in the tree, -1 for anywhere. */
function placeDepth(units: ReadonlyMap<string, UnitRow>, placeUnitId: string | null): number {
  return placeUnitId ? ancestry(units, placeUnitId).length : -1
}

/** The unit a by-function rule names for a place: the place's township for 街道乡镇, else the district's unit of the function, else the city's. */
function unitByFunction(units: ReadonlyMap<string, UnitRow>, fn: string, placeUnitId: string | null): UnitRow | null {
  const chain = placeUnitId ? ancestry(units, placeUnitId) : []
  if (fn === TOWNSHIP_FUNCTION) return chain.find((u) => u.level === 'township') ?? null
  const ofFunction = (parentId: string): UnitRow | null =>
    [...units.values()].filter((u) => u.parentId === parentId && u.function === fn && !PLACE_LEVELS.has(u.level)).sort((a, b) => a.id.localeCompare(b.id))[0] ?? null
  const district = chain.find((u) => u.level === 'district')
  if (district) {
    const own = ofFunction(district.id)
    if (own) return own
  }
  const city = chain.find((u) => u.level === 'city') ?? [...units.values()].filter((u) => u.level === 'city').sort((a, b) => a.id.localeCompare(b.id))[0]
  return city ? ofFunction(city.id) : null
}

/**
 * The dispatch catalogue's answer for a level-3 category and a place, or null when no rule fits. The
 * category must be current (DUBAN_ERR_FIELD_INVALID `categoryCode`); an unknown place is
 * DUBAN_ERR_FIELD_INVALID `placeUnitId`. A rule whose unit cannot be found (retired unit, no unit of the
 * function) is passed over for the next one.
 */
export async function dispatchTarget(q: Queryable, input: { categoryCode: string; placeUnitId?: string | null }): Promise<DispatchTarget | null> {
  const category = await currentCategory(q, input.categoryCode)
  const units = await unitMap(q)
  const place = input.placeUnitId ?? null
  if (place !== null && !units.has(place)) throw fieldInvalid('placeUnitId', `no active unit ${place}`)
  const placeChain = new Set(place ? ancestry(units, place).map((u) => u.id) : [])
  const matching = (await listDispatchRules(q))
    .filter((r) => codeCovers(r.categoryCode, category.code))
    .filter((r) => r.placeUnitId === null || placeChain.has(r.placeUnitId))
    .map((r) => ({ r, cat: r.categoryCode.split('.').length, depth: placeDepth(units, r.placeUnitId) }))
    .sort((a, b) => b.cat - a.cat || b.depth - a.depth || a.r.priority - b.r.priority || a.r.id.localeCompare(b.r.id))
  for (const { r } of matching) {
    const unit = r.unitId ? (units.get(r.unitId) ?? null) : unitByFunction(units, r.byFunction ?? '', place)
    if (!unit) continue
    // A rule never breaks the township rule, even one written before a category lost its township duty.
    if (!category.townshipDuty && isTownshipLevel(units, unit.id)) continue
    return { unitId: unit.id, ruleId: r.id, basis: r.basis }
  }
  return null
}

/** The current rules (or every version with `all`). */
export function listRules(q: Queryable, opts: { all?: boolean } = {}): Promise<DispatchRuleRow[]> {
  return listDispatchRules(q, opts)
}

function sameRule(a: DispatchRuleRow, b: Omit<DispatchRuleRow, 'version' | 'active' | 'createdBy' | 'createdAt'>): boolean {
  return a.categoryCode === b.categoryCode && a.placeUnitId === b.placeUnitId && a.unitId === b.unitId && a.byFunction === b.byFunction && a.priority === b.priority && a.basis === b.basis
}

/**
 * Creates a rule (mode `create`; an id is made when none is given; DUBAN_ERR_CONFLICT when the id is
 * current), writes a new version of one (mode `update`; DUBAN_ERR_NOT_FOUND when not current), or either
 * (`upsert`, the default). A rule that sends a non-履职 category to a township is refused
 * (DUBAN_ERR_DISPATCH_REFUSED naming the rule). An identical version is not written again.
 */
export async function saveRule(
  deps: AppDeps,
  actor: Actor | null,
  input: RuleInput,
  opts: { mode?: 'create' | 'update' | 'upsert'; tx?: Queryable } = {},
): Promise<DispatchRuleRow> {
  const mode = opts.mode ?? 'upsert'
  const id = input.id ?? `rule-${deps.newId()}`
  if (!RULE_ID_RE.test(id)) throw fieldInvalid('id', 'letters, digits, _ . - (up to 64)')
  const unitId = input.unitId ?? null
  const byFunction = input.byFunction ?? null
  if ((unitId === null) === (byFunction === null)) throw fieldInvalid(unitId === null ? 'unitId' : 'byFunction', 'give either unitId or byFunction, not both or neither')
  if (byFunction !== null && !isTicketFunction(byFunction)) throw fieldInvalid('byFunction', `must be one of ${TICKET_FUNCTIONS.join('、')}`)
  const priority = input.priority ?? 100
  if (!Number.isInteger(priority) || priority < 0 || priority > 10000) throw fieldInvalid('priority', 'a whole number from 0 to 10000')
  const run = async (q: Queryable): Promise<DispatchRuleRow> => {
    const category = await findCategory(q, input.categoryCode)
    if (!category) throw fieldInvalid('categoryCode', `no current category ${input.categoryCode}`)
    const placeUnitId = input.placeUnitId ?? null
    if (placeUnitId !== null) {
      const place = await findUnit(q, placeUnitId)
      if (!place || !place.active) throw fieldInvalid('placeUnitId', `no active unit ${placeUnitId}`)
      if (!PLACE_LEVELS.has(place.level)) throw fieldInvalid('placeUnitId', `${place.name} is a ${place.level}, not a place (city, district, township, community)`)
    }
    if (unitId !== null) {
      const unit = await findUnit(q, unitId)
      if (!unit || !unit.active) throw fieldInvalid('unitId', `no active unit ${unitId}`)
      await checkDispatchAllowed(q, { categoryCode: category.code, unitId }, 'unitId')
    }
    if (byFunction === TOWNSHIP_FUNCTION && !category.townshipDuty) {
      throw new DubanError('DUBAN_ERR_DISPATCH_REFUSED', `${category.code} ${category.name} is not a 乡镇(街道)履职事项 and may not go to the place's 乡镇(街道) — ${TOWNSHIP_RULE}`, {
        where: 'byFunction',
        details: { rule: '国办函〔2025〕66号', categoryCode: category.code },
      })
    }
    const current = await findCurrentRule(q, id, true)
    if (mode === 'create' && current) throw new DubanError('DUBAN_ERR_CONFLICT', `dispatch rule ${id} already exists; write a new version with PUT`, { where: 'id' })
    if (mode === 'update' && !current) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no current dispatch rule ${id}`, { where: 'id' })
    const content = { id, categoryCode: category.code, placeUnitId, unitId, byFunction, priority, basis: input.basis?.trim() ?? '' }
    if (current && sameRule(current, content)) return current
    const at = deps.clock.now()
    const version = (await lastRuleVersion(q, id)) + 1
    await deactivateRule(q, id)
    await insertRule(q, { ...content, version, active: true, createdBy: actor?.userId ?? null, createdAt: at })
    const after = (await findCurrentRule(q, id)) as DispatchRuleRow
    await appendAudit(q, { actorId: actor?.userId ?? null, action: current ? 'dispatch_rule.update' : 'dispatch_rule.create', entity: 'dispatch_rule', entityId: id, before: current, after, at })
    return after
  }
  return opts.tx ? run(opts.tx) : deps.db.transaction(run)
}

/** Retires a current rule (its rows are kept). */
export async function retireRule(deps: AppDeps, actor: Actor | null, id: string): Promise<DispatchRuleRow> {
  return deps.db.transaction(async (q) => {
    const current = await findCurrentRule(q, id, true)
    if (!current) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no current dispatch rule ${id}`, { where: 'id' })
    await deactivateRule(q, id)
    const after = { ...current, active: false }
    await appendAudit(q, { actorId: actor?.userId ?? null, action: 'dispatch_rule.retire', entity: 'dispatch_rule', entityId: id, before: current, after, at: deps.clock.now() })
    return after
  })
}
