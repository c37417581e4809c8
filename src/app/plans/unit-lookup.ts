/**
 * Resolves unit strings found in a plan (单位匹配) through the platform's unit directory (names,
 * aliases, remembered mappings, normalised forms); an unconfident match stays unresolved with its
 * candidates for the reviewer.
 */
import type { Queryable } from '../../adapters/db/db.ts'
import { matchUnitName } from '../../domain/units/unit-name.match.ts'
import { loadUnitDirectory } from '../units/resolve-units.ts'

/** A resolution: the unit id when confident, else the best candidates. */
export interface UnitLookup {
  readonly unitId: string | null
  readonly candidates: readonly { readonly unitId: string; readonly name: string }[]
}

/** raw → resolution, for every raw string given. */
export async function resolveUnitStrings(q: Queryable, raws: readonly string[]): Promise<Map<string, UnitLookup>> {
  const out = new Map<string, UnitLookup>()
  if (raws.length === 0) return out
  const dir = await loadUnitDirectory(q)
  for (const raw of new Set(raws)) {
    const m = matchUnitName(dir, raw)
    out.set(raw, { unitId: m.unitId, candidates: m.unitId ? [] : m.candidates.slice(0, 3).map((c) => ({ unitId: c.unitId, name: c.name })) })
  }
  return out
}
