/**
 * Cold start (冷启动): before any ticket has closed, the suggester learns from what the city already wrote
 * down — each unit's responsibilities (职责 / 权责清单), the service catalogue's categories with their
 * function, and the dispatch catalogue's rules with their basis (依据). Pure: rows in, examples out.
 */
import type { DispatchExample } from './dispatch.model.ts'
import type { DispatchUnit } from './dispatch-unit.types.ts'

const AREA_LEVELS = new Set(['province', 'city', 'district'])

/** A service catalogue category as the cold start reads it. */
export interface CatalogueCategory {
  readonly code: string
  readonly name: string
  readonly description: string
  readonly function: string | null
}

/** A dispatch rule as the cold start reads it. */
export interface CatalogueRule {
  readonly categoryCode: string
  readonly unitId: string | null
  readonly byFunction: string | null
  readonly basis: string
}

/**
 * The examples a city's own texts give, and (when passed) the generic responsibilities of each function
 * (FUNCTION_DUTIES, function-duties.ts): one example per line, so that a city whose duties are thin or missing
 * still knows what 人社 or 公安 handle; and (when passed) a dispatch catalogue per function (FUNCTION_CATALOGUE,
 * function-catalogue.ts), one example per item.
 */
export function coldStartExamples(
  units: readonly DispatchUnit[],
  categories: readonly CatalogueCategory[],
  rules: readonly CatalogueRule[],
  functionDuties: Readonly<Record<string, string | undefined>> = {},
  functionCatalogue: Readonly<Record<string, string | undefined>> = {},
): DispatchExample[] {
  const out: DispatchExample[] = []
  for (const [fn, text] of Object.entries(functionDuties)) for (const line of (text ?? '').split('\n')) if (line.trim()) out.push({ text: line, function: fn })
  // The dispatch catalogue's items (FUNCTION_CATALOGUE, function-catalogue.ts): one example per item, as a 派单目录 lists them.
  for (const [fn, text] of Object.entries(functionCatalogue)) for (const item of (text ?? '').split('、')) if (item.trim()) out.push({ text: item, function: fn })
  for (const u of units) {
    // A district's or the city's own duties speak of everything in it; they would teach 其他 every word.
    if (AREA_LEVELS.has(u.level)) continue
    if (u.duties.trim()) out.push({ text: `${u.name} ${u.aliases.join(' ')} ${u.duties}`, unitId: u.id, function: u.function })
  }
  const byCode = new Map(categories.map((c) => [c.code, c]))
  // A category's words are its own name and description and its parents' names (市容环境 › 占道经营).
  const words = (code: string): string => {
    const parts: string[] = []
    for (let c = code; c; c = c.includes('.') ? c.slice(0, c.lastIndexOf('.')) : '') {
      const cat = byCode.get(c)
      if (cat) parts.push(cat.name, cat.description)
    }
    return parts.join(' ')
  }
  for (const c of categories) if (c.function) out.push({ text: words(c.code), function: c.function })
  for (const r of rules) {
    const covered = categories.filter((c) => c.code === r.categoryCode || c.code.startsWith(`${r.categoryCode}.`))
    const text = `${r.basis} ${words(r.categoryCode)} ${covered.map((c) => `${c.name} ${c.description}`).join(' ')}`
    out.push({ text, unitId: r.unitId, function: r.byFunction })
  }
  // Every example here is the cold start's (DispatchExample.coldStart): taught to the model's `functions`, not `learned`.
  return out.map((ex) => ({ ...ex, coldStart: true }))
}
