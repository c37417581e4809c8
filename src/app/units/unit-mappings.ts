/**
 * Remembered unit mappings (记住的单位对应): listed, changed and forgotten by a person. A mapping belongs to
 * a jurisdiction (the place unit of the documents it was made for) or to every document; its unit, and the
 * members of a collective name, must lie inside that jurisdiction. Every change is audited.
 */
import type { Queryable } from '../../persistence/db.ts'
import { deleteScopedMapping, findScopedMapping, listScopedMappings, upsertScopedMapping, type ScopedMappingRow } from '../../persistence/unit-mapping.repo.ts'
import { findUnit } from '../../persistence/units.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { cleanUnitName } from '../../domain/units/unit-name.normalise.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

/** A mapping to remember: the words, the jurisdiction (null: every document), the unit, and members for a collective name. */
export interface MappingInput {
  readonly raw: string
  readonly scopeUnitId?: string | null
  readonly unitId: string
  readonly memberIds?: readonly string[]
}

/** Every remembered mapping with unit and jurisdiction names. */
export function listMappings(deps: AppDeps): Promise<ScopedMappingRow[]> {
  return listScopedMappings(deps.db)
}

/** True when unit `id` is `root` or lies below it. */
async function isInside(q: Queryable, id: string, root: string): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `WITH RECURSIVE up(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM unit WHERE id = $1
       UNION ALL SELECT u.id, u.parent_id, up.depth + 1 FROM unit u JOIN up ON u.id = up.parent_id WHERE up.depth < 50)
     SELECT id FROM up WHERE id = $2`,
    [id, root],
  )
  return rows.length > 0
}

async function checkUnit(q: Queryable, id: string, where: string, scope: string | null): Promise<void> {
  const u = await findUnit(q, id)
  if (!u || !u.active) throw new DubanError('DUBAN_ERR_VALIDATION', `${where}: no unit '${id}'`, { where })
  if (scope && !(await isInside(q, id, scope))) {
    throw new DubanError('DUBAN_ERR_UNIT_OUTSIDE_JURISDICTION', `${where}: unit '${id}' is not inside the jurisdiction '${scope}'`, { where })
  }
}

/** Remembers or changes a mapping (POST /api/unit-mappings). */
export async function saveMapping(deps: AppDeps, actor: Actor, input: MappingInput): Promise<ScopedMappingRow> {
  const raw = cleanUnitName(input.raw)
  if (!raw) throw new DubanError('DUBAN_ERR_VALIDATION', 'raw is empty', { where: 'body/raw' })
  const scope = input.scopeUnitId ?? null
  return deps.db.transaction(async (tx) => {
    if (scope) await checkUnit(tx, scope, 'body/scopeUnitId', null)
    await checkUnit(tx, input.unitId, 'body/unitId', scope)
    const members = [...new Set(input.memberIds ?? [])]
    for (const [i, id] of members.entries()) await checkUnit(tx, id, `body/memberIds/${i}`, scope)
    const before = await findScopedMapping(tx, raw, scope)
    const at = deps.clock.now()
    await upsertScopedMapping(tx, { raw, scopeUnitId: scope, unitId: input.unitId, memberIds: members, createdBy: actor.userId, at })
    const after = (await findScopedMapping(tx, raw, scope)) as ScopedMappingRow
    await appendAudit(tx, { actorId: actor.userId, action: 'unit.map', entity: 'unit_mapping', entityId: scope ? `${scope}:${raw}` : raw, before, after, at })
    return after
  })
}

/**
 * Forgets a mapping (DELETE /api/unit-mappings). Idempotent: forgetting one that is not remembered changes
 * nothing and records nothing; returns whether there was one.
 */
export async function forgetMapping(deps: AppDeps, actor: Actor, raw: string, scopeUnitId: string | null): Promise<boolean> {
  const clean = cleanUnitName(raw)
  return deps.db.transaction(async (tx) => {
    const before = await findScopedMapping(tx, clean, scopeUnitId)
    if (!before || !(await deleteScopedMapping(tx, clean, scopeUnitId))) return false
    await appendAudit(tx, { actorId: actor.userId, action: 'unit.unmap', entity: 'unit_mapping', entityId: scopeUnitId ? `${scopeUnitId}:${clean}` : clean, before, after: null, at: deps.clock.now() })
    return true
  })
}
