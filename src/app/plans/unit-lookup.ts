/**
 * Resolves unit strings found in a plan (单位匹配) inside the document's own jurisdiction (辖区): the
 * place read from its issuer and title (金普新区 → the 金普新区 subtree of the unit tree). Remembered
 * mappings for that jurisdiction come first, collective names (各街道) become the set of units under
 * it, and nothing outside it is ever taken or suggested. Each answer carries its confidence; an
 * unconfident one stays unresolved with its candidates for the reviewer.
 */
import type { Queryable } from '../../persistence/db.ts'
import { listScopedMappings } from '../../persistence/unit-mapping.repo.ts'
import { documentJurisdiction, matchInJurisdiction, type Jurisdiction, type RememberedMapping } from '../../domain/units/unit-match.ts'
import type { UnitDirectory } from '../../domain/units/unit-name.match.ts'
import type { DraftDocument } from '../../domain/plans/plan-draft.types.ts'
import { loadUnitDirectory } from '../units/resolve-units.ts'

/** A resolution: the unit id when confident, else the best candidates; with its confidence. */
export interface UnitLookup {
  readonly unitId: string | null
  readonly candidates: readonly { readonly unitId: string; readonly name: string; readonly confidence: number }[]
  readonly confidence: number
  readonly method: string
  readonly members?: readonly string[]
  readonly note?: string
}

/** raw → resolution, for every raw string given; contextUnitId is the place the document speaks for. */
export async function resolveUnitStrings(q: Queryable, raws: readonly string[], opts: { contextUnitId?: string | undefined } = {}): Promise<Map<string, UnitLookup>> {
  const [out] = await resolveDocumentUnits(q, [{ title: null, issuer: null, raws, contextUnitId: opts.contextUnitId }])
  return out?.units ?? new Map()
}

/** A document's unit strings and what tells its jurisdiction (its title and issuer, or a unit given). */
export interface DocumentUnits {
  readonly title: string | null
  readonly issuer: string | null
  readonly raws: readonly string[]
  readonly contextUnitId?: string | undefined
}

/** What a document's names resolved to, and the jurisdiction they were resolved in. */
export interface DocumentLookup {
  readonly jurisdiction: DraftDocument['jurisdiction']
  readonly units: Map<string, UnitLookup>
}

/** The jurisdiction as the draft shows it. */
export function jurisdictionView(j: Jurisdiction): DraftDocument['jurisdiction'] {
  return j.kind === 'unit' ? { unitId: j.unitId, name: j.name } : j.kind === 'unknown-place' ? { unitId: null, name: j.name } : null
}

/** The jurisdiction a document's title and issuer name, or the unit given. */
export function jurisdictionFor(dir: UnitDirectory, d: { title: string | null; issuer: string | null; contextUnitId?: string | undefined }): Jurisdiction {
  const given = d.contextUnitId ? dir.units.get(d.contextUnitId) : undefined
  return given ? { kind: 'unit', unitId: given.id, name: given.name } : documentJurisdiction(dir, [d.issuer, d.title])
}

/** Every remembered mapping, for matching. */
export async function rememberedMappings(q: Queryable): Promise<RememberedMapping[]> {
  return (await listScopedMappings(q)).map((m) => ({ raw: m.raw, scopeUnitId: m.scopeUnitId, unitId: m.unitId, memberIds: m.memberIds }))
}

/** raw → resolution per document, each within the place the document speaks for. */
export async function resolveDocumentUnits(q: Queryable, docs: readonly DocumentUnits[]): Promise<DocumentLookup[]> {
  if (docs.every((d) => d.raws.length === 0)) return docs.map(() => ({ jurisdiction: null, units: new Map() }))
  // One read after another: the import passes its transaction, one connection (loadUnitDirectory).
  const dir = await loadUnitDirectory(q)
  const remembered = await rememberedMappings(q)
  return docs.map((d) => {
    const units = new Map<string, UnitLookup>()
    const j = jurisdictionFor(dir, d)
    for (const raw of new Set(d.raws)) {
      const m = matchInJurisdiction(dir, raw, j, remembered)
      units.set(raw, {
        unitId: m.unitId,
        candidates: m.unitId ? [] : m.candidates.slice(0, 3).map((c) => ({ unitId: c.unitId, name: c.name, confidence: c.confidence })),
        confidence: m.confidence,
        method: m.method,
        ...(m.members ? { members: m.members } : {}),
        ...(m.note ? { note: m.note } : {}),
      })
    }
    return { jurisdiction: jurisdictionView(j), units }
  })
}
