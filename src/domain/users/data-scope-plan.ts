/**
 * 数据范围 on confirming a plan: a person with a scope (a district 督查室) dispatches tasks only to units in it. Every
 * unit that would own or share a task — a mapped unit, or each unit of an expanded collective name — must be in the
 * scope; the first one outside is refused (DUBAN_ERR_FORBIDDEN, naming the item and role) before anything is written.
 */
import { DubanError } from '../errors.ts'
import type { DraftItem } from '../plans/plan-draft.types.ts'

/** Throws when an included item would go to a unit outside `scope` (the actor's scopeUnitIds; null = all). */
export function assertPlanInScope(scope: readonly string[] | null, items: readonly DraftItem[]): void {
  if (scope === null) return
  const held = new Set(scope)
  for (const it of items) {
    for (const [role, units] of Object.entries(it.units)) {
      for (const u of units as readonly { raw: string; unitId: string | null; expand?: { units: readonly { unitId: string }[] } }[]) {
        const ids = [...(u.unitId ? [u.unitId] : []), ...(u.expand?.units.map((x) => x.unitId) ?? [])]
        const outside = ids.find((id) => !held.has(id))
        if (outside) {
          throw new DubanError('DUBAN_ERR_FORBIDDEN', `item ${it.n} ${role} ${u.raw}: unit ${outside} is outside your data scope (数据范围)`, { where: `items[${it.n}].units.${role}` })
        }
      }
    }
  }
}
