/** Units (单位): create or change one, read the list and the tree; every change is audited. */
import type { Queryable } from '../../persistence/db.ts'
import { findUnit, listUnits, upsertUnit, type UnitLevel, type UnitRow } from '../../persistence/units.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** Fields of a unit to create or replace. */
export interface UnitInput {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly level: UnitLevel
  readonly function?: string | null
  readonly aliases?: readonly string[]
}

/** A unit with its children, for the tree view. */
export interface UnitNode extends UnitRow {
  readonly children: UnitNode[]
}

/** Refuses a parent that does not exist or that would make a cycle. */
async function checkParent(q: Queryable, id: string, parentId: string | null): Promise<void> {
  let cur = parentId
  const seen = new Set<string>([id])
  // Only null means "no parent": an empty id is a parent to look up (and refuse), not a root.
  while (cur !== null) {
    if (seen.has(cur)) throw new DubanError('DUBAN_ERR_VALIDATION', `unit ${id} would be its own ancestor`, { where: 'body/parentId' })
    seen.add(cur)
    const p = await findUnit(q, cur)
    if (!p) throw new DubanError('DUBAN_ERR_VALIDATION', `unknown parent unit ${cur}`, { where: 'body/parentId' })
    cur = p.parentId
  }
}

/** Creates a unit, or replaces the fields of an existing one with the same id. */
export async function saveUnit(deps: AppDeps, actor: Actor | null, input: UnitInput, tx?: Queryable): Promise<UnitRow> {
  const run = async (q: Queryable): Promise<UnitRow> => {
    await checkParent(q, input.id, input.parentId)
    const before = await findUnit(q, input.id)
    const at = deps.clock.now()
    const row = { id: input.id, name: input.name, parentId: input.parentId, level: input.level, function: input.function ?? null, aliases: [...(input.aliases ?? [])] }
    await upsertUnit(q, { ...row, at })
    const after = (await findUnit(q, input.id)) as UnitRow
    await appendAudit(q, { actorId: actor?.userId ?? null, action: before ? 'unit.update' : 'unit.create', entity: 'unit', entityId: input.id, before, after, at })
    return after
  }
  return tx ? run(tx) : deps.db.transaction(run)
}

/** Every active unit, flat. */
export function allUnits(deps: AppDeps): Promise<UnitRow[]> {
  return listUnits(deps.db)
}

/** The active units as a forest: roots are units without (active) parent. */
export function unitTree(units: readonly UnitRow[]): UnitNode[] {
  const nodes = new Map<string, UnitNode>(units.map((u) => [u.id, { ...u, children: [] }]))
  const roots: UnitNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parentId ? nodes.get(n.parentId) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  return roots
}
