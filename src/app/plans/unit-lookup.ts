/**
 * Resolves unit strings found in a plan (单位匹配) through the platform's unit directory (names,
 * aliases, remembered mappings, normalised forms); an unconfident match stays unresolved with its
 * candidates for the reviewer.
 */
import type { Queryable } from '../../persistence/db.ts'
import { jurisdictionOf, matchUnitName } from '../../domain/units/unit-name.match.ts'
import { loadUnitDirectory } from '../units/resolve-units.ts'

/** A resolution: the unit id when confident, else the best candidates. */
export interface UnitLookup {
  readonly unitId: string | null
  readonly candidates: readonly { readonly unitId: string; readonly name: string }[]
}

/** raw → resolution, for every raw string given; contextUnitId is the place the document speaks for. */
export async function resolveUnitStrings(q: Queryable, raws: readonly string[], opts: { contextUnitId?: string | undefined } = {}): Promise<Map<string, UnitLookup>> {
  const [out] = await resolveDocumentUnits(q, [{ title: null, issuer: null, raws, contextUnitId: opts.contextUnitId }])
  return out ?? new Map()
}

/** A document's unit strings and what tells its jurisdiction (its title and issuer, or a unit given). */
export interface DocumentUnits {
  readonly title: string | null
  readonly issuer: string | null
  readonly raws: readonly string[]
  readonly contextUnitId?: string | undefined
}

/**
 * raw → resolution per document, each within the place the document speaks for: 枣阳市's plan makes
 * 市农业技术推广中心 枣阳市农业技术推广中心. The place is read from the issuer or title; without one the
 * matcher takes the root of the unit tree.
 */
export async function resolveDocumentUnits(q: Queryable, docs: readonly DocumentUnits[]): Promise<Map<string, UnitLookup>[]> {
  if (docs.every((d) => d.raws.length === 0)) return docs.map(() => new Map())
  const dir = await loadUnitDirectory(q)
  return docs.map((d) => {
    const out = new Map<string, UnitLookup>()
    const contextUnitId = d.contextUnitId ?? jurisdictionOf(dir, [d.issuer, d.title])
    for (const raw of new Set(d.raws)) {
      const m = matchUnitName(dir, raw, contextUnitId ? { contextUnitId } : {})
      out.set(raw, { unitId: m.unitId, candidates: m.unitId ? [] : m.candidates.slice(0, 3).map((c) => ({ unitId: c.unitId, name: c.name })) })
    }
    return out
  })
}
