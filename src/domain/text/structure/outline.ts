/**
 * Outline (提纲): nests the numbered paragraphs of one document. A marker type's level is the
 * order in which the type first appears in the document (`一、` then `(一)` then `1.` in one plan,
 * `(一)` then `1.` in another); a type met again closes every deeper open level, which also handles
 * numbering that restarts (a review and a plan that both begin at `(一)`).
 */
import type { MarkerType } from './markers.ts'
import type { Paragraph } from './paragraphs.ts'

/** A numbered paragraph placed in the outline. */
export interface OutlineNode {
  /** Paragraph index in the file. */
  readonly index: number
  readonly marker: string
  readonly type: MarkerType
  readonly level: number
  /** Index into the node list of the parent node, or -1. */
  readonly parent: number
  readonly path: readonly string[]
}

/** Builds the outline of paragraphs [start, end). */
export function buildOutline(ps: readonly Paragraph[], start: number, end: number): OutlineNode[] {
  const rank = new Map<MarkerType, number>()
  const nodes: OutlineNode[] = []
  const stack: number[] = [] // node indices
  for (let i = start; i < end; i++) {
    const m = ps[i]!.marker
    if (!m) continue
    let level = rank.get(m.type)
    if (level === undefined) {
      level = rank.size
      rank.set(m.type, level)
    }
    while (stack.length > 0 && nodes[stack[stack.length - 1]!]!.level >= level) stack.pop()
    const parent = stack.length > 0 ? stack[stack.length - 1]! : -1
    const path = parent >= 0 ? [...nodes[parent]!.path, m.text] : [m.text]
    nodes.push({ index: i, marker: m.text, type: m.type, level, parent, path })
    stack.push(nodes.length - 1)
  }
  return nodes
}
