/**
 * Builds the draft ledger (台账草稿) from what the plan reader extracted: documents, proposed items
 * with units resolved where a mapping is known, concrete due dates and reporting cadences. Pure.
 */
import type { ExtractionResult, ExtractedItem, UnitRole } from '../../domain/text/extraction.types.ts'
import type { DraftDocument, DraftFlag, DraftItem, DraftTable, DraftUnit, PlanDraft } from '../../domain/plans/plan-draft.types.ts'
import { readCadence, resolveDue } from './plan-text.read.ts'

/** What the builder needs besides the extraction. */
export interface DraftOptions {
  readonly format: string
  /** The year of the import (the current year in China), used when the text gives none. */
  readonly importYear: number
  /** Indexes of the documents to take; all when absent. */
  readonly documents?: readonly number[] | undefined
  /** The unit id a unit string of the document (by index) resolves to (or null and candidates). */
  readonly resolveUnit: (raw: string, document: number) => Omit<DraftUnit, 'raw'> & { readonly candidates: NonNullable<DraftUnit['candidates']> }
  /** The place each document speaks for (辖区), shown in review. */
  readonly jurisdiction?: (index: number) => DraftDocument['jurisdiction']
  /** The full document text per document index, to read a document-wide cadence (保障措施: 每月25日前报送). */
  readonly documentText?: (index: number) => string
  /** Moves a due date off a non-working day (the task kind forbids those); identity when absent. */
  readonly workingDue?: (date: string) => string
  /** The tables of a structured input (spreadsheet, CSV, Word), to show beside the items in review. */
  readonly tables?: readonly DraftTable[]
}

/** Every distinct unit string of an extraction, for resolving them in one go. */
export function unitStrings(result: ExtractionResult): string[] {
  return [...new Set(result.documents.flatMap((_d, i) => documentUnitStrings(result, i)))]
}

/** Every distinct unit string of one document of an extraction. */
export function documentUnitStrings(result: ExtractionResult, index: number): string[] {
  const seen = new Set<string>()
  for (const it of result.documents[index]?.items ?? []) for (const u of [...it.lead, ...it.responsible, ...it.cooperating]) seen.add(u)
  return [...seen]
}

function draftUnits(item: ExtractedItem, document: number, resolve: DraftOptions['resolveUnit']): Record<UnitRole, DraftUnit[]> {
  const one = (xs: readonly string[]): DraftUnit[] =>
    xs.map((raw) => {
      const { candidates, ...r } = resolve(raw, document)
      return r.unitId ? { raw, ...r } : { raw, ...r, unitId: null, candidates }
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
        units: draftUnits(it, index, opts.resolveUnit),
        due: dueDate,
        dueText: due.text,
        targets: it.targets,
        cadence: cad?.cadence ?? null,
        cadenceText: cad?.text ?? null,
        flags,
        ...(it.table ? { table: it.table } : {}),
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
      ...(opts.jurisdiction ? { jurisdiction: opts.jurisdiction(index) } : {}),
    })),
    items,
    unrepaired: result.cleaning.unrepaired,
    ...(opts.tables && opts.tables.length > 0 ? { tables: draftTables(opts.tables) } : {}),
  }
}

/** Rows kept in a draft for review, in all tables, and characters per cell. */
export const DRAFT_TABLE_ROWS = 2000
const DRAFT_CELL_CHARS = 500

/** The source tables, capped: the draft is stored as JSON and sent to the browser. */
export function draftTables(tables: readonly DraftTable[]): DraftTable[] {
  let left = DRAFT_TABLE_ROWS
  return tables.map((t) => {
    const rows = t.rows.slice(0, Math.max(0, left))
    left -= rows.length
    return {
      name: t.name,
      rows: rows.map((r) => ({ row: r.row, cells: r.cells.map((c) => ({ ref: c.ref, text: c.text.length > DRAFT_CELL_CHARS ? `${c.text.slice(0, DRAFT_CELL_CHARS)}…` : c.text })) })),
      ...(rows.length < t.rows.length ? { truncated: true } : {}),
    }
  })
}

/** The plan's own title, year, issuer and document number (计划标题), which follow the chosen documents. */
export interface PlanHeading {
  readonly title: string
  readonly year: number | null
  readonly issuer: string | null
  readonly docNumber: string | null
}

/**
 * The heading of a plan from its chosen documents: one document gives its own title, year, issuer and
 * number; several give the first title + 等N篇, and a year or issuer only when all of them share it.
 * `fileName` titles a plan with no chosen document (not reachable through the API, which refuses that).
 */
export function planHeading(documents: readonly DraftDocument[], fileName: string): PlanHeading {
  const chosen = documents.filter((d) => d.chosen)
  const first = chosen[0]
  if (!first) return { title: fileName, year: null, issuer: null, docNumber: null }
  if (chosen.length === 1) return { title: first.title, year: first.year, issuer: first.issuer, docNumber: first.docNumber }
  const shared = <T>(pick: (d: DraftDocument) => T): T | null => (chosen.every((d) => pick(d) === pick(first)) ? pick(first) : null)
  return { title: `${first.title} 等${chosen.length}篇`, year: shared((d) => d.year), issuer: shared((d) => d.issuer), docNumber: null }
}
