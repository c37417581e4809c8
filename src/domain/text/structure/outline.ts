/**
 * Outline (提纲): nests the numbered paragraphs of one document. A type met again closes every
 * deeper open level, which also handles numbering that restarts (a review and a plan that both
 * begin at `(一)`); a type not open nests under the marker before it.
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

/**
 * Builds the outline of paragraphs [start, end). A marker of a type that is open on the path
 * closes that level and every deeper one and takes its place (a sibling, or a restart); a type not
 * open nests under the marker before it. So a document that numbers `1.` straight under `一、` in
 * one part and puts `(一)` between them in another nests both right, and an unusual order
 * (`(一)` above `一、`) is followed as written.
 */
export function buildOutline(ps: readonly Paragraph[], start: number, end: number): OutlineNode[] {
  const nodes: OutlineNode[] = []
  const stack: number[] = [] // node indices
  for (let i = start; i < end; i++) {
    const m = ps[i]!.marker
    if (!m) continue
    const open = stack.findIndex((k) => nodes[k]!.type === m.type)
    if (open >= 0) stack.length = open
    const parent = stack.length > 0 ? stack[stack.length - 1]! : -1
    const path = parent >= 0 ? [...nodes[parent]!.path, m.text] : [m.text]
    nodes.push({ index: i, marker: m.text, type: m.type, level: stack.length, parent, path })
    stack.push(nodes.length - 1)
  }
  return nodes
}
