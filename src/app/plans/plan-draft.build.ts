/**
 * Builds the draft ledger (台账草稿) from what the plan reader extracted: documents, proposed items
 * with units resolved where a mapping is known, concrete due dates and reporting cadences. Pure.
 */
import type { ExtractionResult, ExtractedItem, UnitRole } from '../../domain/text/extraction.types.ts'
import type { DraftFlag, DraftItem, DraftUnit, PlanDraft } from './plan-draft.types.ts'
import { readCadence, resolveDue } from './plan-text.read.ts'

/** What the builder needs besides the extraction. */
export interface DraftOptions {
  readonly format: string
  /** The year of the import (the current year in China), used when the text gives none. */
  readonly importYear: number
  /** Indexes of the documents to take; all when absent. */
  readonly documents?: readonly number[] | undefined
  /** The unit id a unit string resolves to (or null and candidates). */
  readonly resolveUnit: (raw: string) => { readonly unitId: string | null; readonly candidates: readonly { readonly unitId: string; readonly name: string }[] }
  /** The full document text per document index, to read a document-wide cadence (保障措施: 每月25日前报送). */
  readonly documentText?: (index: number) => string
  /** Moves a due date off a non-working day (the task kind forbids those); identity when absent. */
  readonly workingDue?: (date: string) => string
}

/** Every distinct unit string of an extraction, for resolving them in one go. */
export function unitStrings(result: ExtractionResult): string[] {
  const seen = new Set<string>()
  for (const doc of result.documents) for (const it of doc.items) for (const u of [...it.lead, ...it.responsible, ...it.cooperating]) seen.add(u)
  return [...seen]
}

function draftUnits(item: ExtractedItem, resolve: DraftOptions['resolveUnit']): Record<UnitRole, DraftUnit[]> {
  const one = (xs: readonly string[]): DraftUnit[] =>
    xs.map((raw) => {
      const r = resolve(raw)
      return r.unitId ? { raw, unitId: r.unitId } : { raw, unitId: null, candidates: r.candidates }
    })
  return { lead: one(item.lead), responsible: one(item.responsible), cooperating: one(item.cooperating) }
}

/** The draft for an extraction. Items are numbered 1… across all documents, chosen or not, so numbers stay stable. */
export function buildDraft(result: ExtractionResult, opts: DraftOptions): PlanDraft {
  const chosen = (i: number): boolean => !opts.documents || opts.documents.includes(i)
  const items: DraftItem[] = []
  result.documents.forEach((doc, index) => {
    const docCadence = opts.documentText ? readCadence(opts.documentText(index)) : null
    for (const it of doc.items) {
      const due = resolveDue(it.deadlines, doc.year, opts.importYear)
      const own = readCadence(it.text)
      const cad = own ?? docCadence
      const flags: DraftFlag[] = [...due.flags]
      const dueDate = due.due && opts.workingDue ? opts.workingDue(due.due) : due.due
      if (dueDate !== due.due) flags.push('due-shifted')
      if (!own && docCadence) flags.push('cadence-from-document')
      if (cad?.dayAssumed) flags.push('cadence-day-assumed')
      items.push({
        n: items.length + 1,
        document: index,
        line: it.line,
        marker: it.marker,
        path: it.path,
        title: it.title,
        text: it.text,
        included: it.assigned,
        units: draftUnits(it, opts.resolveUnit),
        due: dueDate,
        dueText: due.text,
        targets: it.targets,
        cadence: cad?.cadence ?? null,
        cadenceText: cad?.text ?? null,
        flags,
      })
    }
  })
  return {
    file: result.file,
    encoding: result.encoding,
    format: opts.format,
    importYear: opts.importYear,
    documents: result.documents.map((d, index) => ({
      index,
      title: d.title,
      issuer: d.issuer,
      docNumber: d.docNumber,
      year: d.year,
      firstLine: d.firstLine,
      lastLine: d.lastLine,
      chosen: chosen(index),
      itemCount: d.items.length,
    })),
    items,
    unrepaired: result.cleaning.unrepaired,
  }
}
