/**
 * The plan reader's entry point (读取计划): raw decoded text in, documents and items out. Pure.
 * Cleans the text, cuts it into paragraphs, splits documents, builds each outline and extracts
 * the items with their units, due dates and targets.
 */
import { clean } from './clean/index.ts'
import type { ExtractedDocument, ExtractionResult } from './extraction.types.ts'
import { extractItems, type RowSource } from './items/items.ts'
import { fromRaw } from './mapped-text.ts'
import { splitDocuments } from './structure/documents.ts'
import { readMetadata, titleYear } from './structure/metadata.ts'
import { buildOutline } from './structure/outline.ts'
import { toParagraphs } from './structure/paragraphs.ts'

/** Reads one decoded file: cleans it, splits documents, parses the outline and extracts items. */
export function extractPlan(
  raw: string,
  opts: { file: string; encoding: string; rows?: ReadonlyMap<number, RowSource> },
): ExtractionResult {
  const { text, report } = clean(fromRaw(raw))
  const ps = toParagraphs(text)
  const documents: ExtractedDocument[] = []
  for (const span of splitDocuments(ps)) {
    if (span.end <= span.start) continue
    const outline = buildOutline(ps, span.bodyStart, span.end)
    const warnings: string[] = []
    const year = titleYear(span.title)
    const items = extractItems(ps, span.bodyStart, span.end, outline, { year, warnings, ...(opts.rows ? { rows: opts.rows } : {}) })
    const meta = readMetadata(ps, span.start, span.end)
    documents.push({
      title: span.title,
      ...meta,
      year,
      firstLine: ps[span.start]!.line,
      lastLine: ps[span.end - 1]!.lastLine,
      items,
      ...(warnings.length ? { warnings } : {}),
    })
  }
  return { file: opts.file, encoding: opts.encoding, documents, cleaning: report }
}
