/**
 * Import a plan (导入工作要点): decoded text in, a draft plan out. Reads the document with the plan
 * reader, resolves unit strings to units where a mapping is known, resolves due dates and reporting
 * cadences, and stores the draft for review. Nothing enters the ledger until the plan is confirmed.
 */
import { createHash } from 'node:crypto'
import { insertPlan, plansWithSameContent } from '../../persistence/plans.repo.ts'
import { applyDuePolicy } from '../../domain/calendar/due-date.rules.ts'
import { DubanError } from '../../domain/errors.ts'
import { extractPlan } from '../../domain/text/extract.ts'
import type { RowSource } from '../../domain/text/items/items.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { calendarFor, chinaDate } from '../items/item-engine.ts'
import { buildDraft, documentUnitStrings, planHeading } from './plan-draft.build.ts'
import type { DraftTable } from '../../domain/plans/plan-draft.types.ts'
import { planView, type PlanView } from './plan.view.ts'
import { resolveDocumentUnits } from './unit-lookup.ts'

/** A document already decoded by the input adapter. */
export interface ImportSource {
  readonly file: string
  readonly text: string
  readonly encoding: string
  readonly format: string
  /** For a spreadsheet, CSV or Word table: the row behind each `|` line of text (provenance). */
  readonly rows?: ReadonlyMap<number, RowSource>
  /** Those tables as read, kept in the draft for review. */
  readonly tables?: readonly DraftTable[]
}

/** Import options: which documents of a compilation to take (all by default). */
export interface ImportOptions {
  readonly documents?: readonly number[] | undefined
}

/** Imports a document as a draft plan and returns the draft for review. */
export async function importPlan(deps: AppDeps, actor: Actor, source: ImportSource, opts: ImportOptions = {}): Promise<PlanView> {
  const result = extractPlan(source.text, { file: source.file, encoding: source.encoding, ...(source.rows ? { rows: source.rows } : {}) })
  const count = result.documents.length
  if (count === 0 || result.documents.every((d) => d.items.length === 0)) {
    throw new DubanError('DUBAN_ERR_PLAN_EMPTY', `no work items were found in ${source.file}`, { where: source.file })
  }
  const bad = (opts.documents ?? []).find((i) => !Number.isInteger(i) || i < 0 || i >= count)
  if (bad !== undefined) {
    throw new DubanError('DUBAN_ERR_VALIDATION', `documents: ${bad} is not a document index (0–${count - 1})`, { where: 'documents' })
  }
  if (opts.documents && opts.documents.length === 0) {
    throw new DubanError('DUBAN_ERR_VALIDATION', 'documents: choose at least one document', { where: 'documents' })
  }
  const now = deps.clock.now()
  const lines = source.text.split(/\r\n|\r|\n/)
  return deps.db.transaction(async (tx) => {
    // Each document's unit strings are read within the place it speaks for (its issuer or title).
    const resolved = await resolveDocumentUnits(
      tx,
      result.documents.map((d, i) => ({ title: d.title, issuer: d.issuer, raws: documentUnitStrings(result, i) })),
    )
    const { calendar } = await calendarFor(tx)
    const draft = buildDraft(result, {
      format: source.format,
      importYear: Number(chinaDate(now).slice(0, 4)),
      documents: opts.documents,
      resolveUnit: (raw, document) => resolved[document]?.units.get(raw) ?? { unitId: null, candidates: [] },
      jurisdiction: (i) => resolved[i]?.jurisdiction ?? null,
      documentText: (i) => {
        const d = result.documents[i]
        return d ? lines.slice(d.firstLine - 1, d.lastLine).join('\n') : ''
      },
      workingDue: (date) => applyDuePolicy(calendar, date, 'previous-working-day').date,
      ...(source.tables ? { tables: source.tables } : {}),
    })
    const chosen = draft.documents.filter((d) => d.chosen)
    const { title, year, issuer, docNumber } = planHeading(draft.documents, source.file)
    const id = deps.newId()
    const plan = {
      id,
      title,
      fileName: source.file,
      year,
      issuer,
      docNumber,
      draft,
      createdBy: actor.userId,
      at: now.toISOString(),
      contentHash: contentHash(source.text),
    }
    await insertPlan(tx, plan)
    await audit(tx, actor, now, {
      action: 'plan.import',
      entity: 'plan',
      entityId: id,
      after: { title, fileName: source.file, documents: chosen.length, items: draft.items.length },
    })
    return { ...planView({ ...plan, status: 'draft', createdAt: plan.at, confirmedAt: null }), sameContent: await plansWithSameContent(tx, id) }
  })
}

/**
 * The document's fingerprint: sha256 of its text with every whitespace removed, so the same 工作要点 saved
 * again, re-scraped with other line breaks or renamed, is recognised as imported before.
 */
export function contentHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/gu, ''), 'utf8').digest('hex')
}
