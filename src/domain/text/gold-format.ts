/**
 * The gold annotation format (标注格式) of ../shared/corpus/README.md: per file, its documents
 * with their line ranges and every assigned item (a unit tag or a due date).
 */
import type { ExtractionResult } from './extraction.types.ts'

/** One assigned item as the gold files write it. */
export interface GoldItem {
  readonly line: number
  readonly marker: string
  readonly path: readonly string[]
  readonly lead: readonly string[]
  readonly responsible: readonly string[]
  readonly cooperating: readonly string[]
  readonly deadlines: readonly { readonly year: number | null; readonly month: number | null; readonly day: number | null }[]
}

/** One file in gold format. */
export interface GoldFile {
  readonly file: string
  readonly documents: readonly {
    readonly title: string
    readonly first_line: number
    readonly last_line: number
    readonly items: readonly GoldItem[]
  }[]
}

/** The base name of a path (`x/y/plan.txt` → `plan.txt`), for either separator. */
function baseName(path: string): string {
  const parts = path.split(/[\\/]/)
  return parts[parts.length - 1] ?? path
}

/** Converts an extraction result to the gold JSON shape (assigned items only). */
export function toGold(result: ExtractionResult): GoldFile {
  return {
    file: baseName(result.file),
    documents: result.documents.map((d) => ({
      title: d.title,
      first_line: d.firstLine,
      last_line: d.lastLine,
      items: d.items
        .filter((it) => it.assigned)
        .map((it) => ({
          line: it.line,
          marker: it.marker,
          path: it.path,
          lead: it.lead,
          responsible: it.responsible,
          cooperating: it.cooperating,
          deadlines: it.deadlines.map((x) => ({ year: x.year, month: x.month, day: x.day })),
        })),
    })),
  }
}
