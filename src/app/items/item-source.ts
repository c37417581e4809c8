/**
 * An item's 来源 as a reader recognises it: each outline level of the plan the item came from, its marker with the
 * heading's text (一、稳定经济增长 › (一)扩大有效投资), not the markers alone. The headings are read from the plan's
 * draft, which keeps every outline entry (taken as a task or not).
 */
import type { Queryable } from '../../persistence/db.ts'
import { planOutlineAbove, type PlanOutlineEntry } from '../../persistence/plans.repo.ts'

/** One level of an item's 来源: its marker as written and the heading's text (trimmed), or null when not found. */
export interface SourceLevel {
  readonly marker: string
  readonly title: string | null
}

/** Characters of a heading shown in 来源; a longer one ends in …. */
export const SOURCE_TITLE_CHARS = 24

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])

function trimmed(title: string): string | null {
  const t = title.replace(/\s+/g, ' ').trim().replace(/[。；;，,：:]+$/u, '')
  if (!t) return null
  return [...t].length > SOURCE_TITLE_CHARS ? `${[...t].slice(0, SOURCE_TITLE_CHARS).join('')}…` : t
}

/**
 * The levels of `path` with their headings from `outline` (the plan's entries up to the item's line, in line order):
 * the item's own entry (its line and path) names the document; each level is the last entry of that document above
 * the item with that prefix as its path.
 */
export function sourceLevels(outline: readonly PlanOutlineEntry[], path: readonly string[], line: number | null): SourceLevel[] {
  const own = line === null ? undefined : outline.find((e) => e.line === line && same(e.path, path))
  const doc = own?.document
  return path.map((marker, i) => {
    const prefix = path.slice(0, i + 1)
    let found: PlanOutlineEntry | undefined
    for (const e of outline) {
      if ((doc === undefined || e.document === doc) && (line === null || e.line <= line) && same(e.path, prefix)) found = e
    }
    return { marker, title: found ? trimmed(found.title) : null }
  })
}

/** The 来源 of an item of a plan (none for an item without a plan or a path). */
export async function sourceOf(q: Queryable, item: { planId: string | null; sourceLine: number | null; path: readonly string[] }): Promise<SourceLevel[]> {
  if (!item.planId || item.path.length === 0) return item.path.map((marker) => ({ marker, title: null }))
  const outline = await planOutlineAbove(q, item.planId, item.sourceLine ?? 2_147_483_647, item.path)
  return sourceLevels(outline, item.path, item.sourceLine)
}
