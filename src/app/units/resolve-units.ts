/**
 * Resolving extracted unit strings (单位匹配) against the unit tree and remembered mappings, and
 * remembering a person's choice for the next import.
 */
import type { Queryable } from '../../persistence/db.ts'
import { findUnit, listUnitMappings, listUnits, upsertUnitMapping } from '../../persistence/units.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { buildUnitDirectory, matchUnitName, type UnitDirectory, type UnitMatch } from '../../domain/units/unit-name.match.ts'
import { cleanUnitName } from '../../domain/units/unit-name.normalise.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

/**
 * Loads units and mappings into a directory; build one per import, match many names against it. The two reads run
 * one after the other: q may be a transaction's one connection, which takes one query at a time (`pg` queues the
 * rest and warns that it will stop doing so).
 */
export async function loadUnitDirectory(q: Queryable): Promise<UnitDirectory> {
  const units = await listUnits(q)
  const mappings = await listUnitMappings(q)
  return buildUnitDirectory(units, new Map(mappings.map((m) => [m.raw, m.unitId])))
}

/**
 * Resolves raw unit strings; each answer has unitId set when confident, else candidates for a person.
 * contextUnitId is the unit whose document the strings came from (so 区市场局 means its district's).
 */
export async function resolveUnitNames(deps: AppDeps, raws: readonly string[], opts: { contextUnitId?: string } = {}): Promise<UnitMatch[]> {
  const dir = await loadUnitDirectory(deps.db)
  return raws.map((raw) => matchUnitName(dir, raw, opts))
}

/** Remembers that a raw string means a unit (unit_mapping); later resolutions use it. */
export async function rememberUnitMapping(deps: AppDeps, actor: Actor, input: { raw: string; unitId: string }): Promise<{ raw: string; unitId: string }> {
  const raw = cleanUnitName(input.raw)
  if (!raw) throw new DubanError('DUBAN_ERR_VALIDATION', 'raw is empty', { where: 'body/raw' })
  return deps.db.transaction(async (tx) => {
    if (!(await findUnit(tx, input.unitId))) throw new DubanError('DUBAN_ERR_VALIDATION', `unknown unit ${input.unitId}`, { where: 'body/unitId' })
    const at = deps.clock.now()
    const before = await upsertUnitMapping(tx, { raw, unitId: input.unitId, createdBy: actor.userId, at })
    await appendAudit(tx, {
      actorId: actor.userId,
      action: 'unit.map',
      entity: 'unit_mapping',
      entityId: raw,
      before: before ? { raw, unitId: before } : null,
      after: { raw, unitId: input.unitId },
      at,
    })
    return { raw, unitId: input.unitId }
  })
}

/** Every remembered mapping. */
export function allUnitMappings(deps: AppDeps) {
  return listUnitMappings(deps.db)
}
