/**
 * The plan reader's entry point: raw decoded text in, documents and items out. Pure.
 * PLACEHOLDER until the structure and item steps land.
 */
import { clean } from './clean/index.ts'
import type { ExtractionResult } from './extraction.types.ts'
import { fromRaw } from './mapped-text.ts'

/** Reads one decoded file: cleans it, splits documents, parses the outline and extracts items. */
export function extractPlan(raw: string, opts: { file: string; encoding: string }): ExtractionResult {
  const { report } = clean(fromRaw(raw))
  return { file: opts.file, encoding: opts.encoding, documents: [], cleaning: report }
}
