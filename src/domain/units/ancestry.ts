/** A unit's line up the tree. Pure. */

/**
 * The unit and the units above it, the unit first. A cycle in the directory (never stored, but a hand-edited row
 * could make one) ends the walk instead of looping.
 */
export function ancestry<U extends { readonly id: string; readonly parentId: string | null }>(byId: ReadonlyMap<string, U>, id: string): U[] {
  const out: U[] = []
  const seen = new Set<string>()
  for (let u = byId.get(id); u && !seen.has(u.id); u = u.parentId ? byId.get(u.parentId) : undefined) {
    seen.add(u.id)
    out.push(u)
  }
  return out
}
