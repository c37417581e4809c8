/** Plans (工作要点) in the database: the imported document and its draft ledger. */
import type { PlanDraft } from '../domain/plans/plan-draft.types.ts'
import type { Queryable } from './db.ts'

/** A plan row as use-cases see it. */
export interface PlanRow {
  readonly id: string
  readonly title: string
  readonly fileName: string
  readonly year: number | null
  readonly issuer: string | null
  readonly docNumber: string | null
  readonly status: 'draft' | 'confirmed' | 'discarded' | 'cancelled'
  readonly draft: PlanDraft
  readonly createdBy: string | null
  readonly createdAt: string
  readonly confirmedAt: string | null
}

/** An instant column (Date from pg, Date or string from PGlite) as ISO text. */
export function isoInstant(v: unknown): string | null {
  if (v === null || v === undefined) return null
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()
}

const COLS = `id, title, file_name, year, issuer, doc_number, status, draft, created_by, created_at, confirmed_at`

function toPlan(r: Record<string, unknown>): PlanRow {
  return {
    id: String(r.id),
    title: String(r.title),
    fileName: String(r.file_name),
    year: r.year === null ? null : Number(r.year),
    issuer: (r.issuer as string | null) ?? null,
    docNumber: (r.doc_number as string | null) ?? null,
    status: r.status as PlanRow['status'],
    draft: (typeof r.draft === 'string' ? JSON.parse(r.draft) : r.draft) as PlanDraft,
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: isoInstant(r.created_at) ?? '',
    confirmedAt: isoInstant(r.confirmed_at),
  }
}

/** Inserts a draft plan. */
export async function insertPlan(
  q: Queryable,
  p: { id: string; title: string; fileName: string; year: number | null; issuer: string | null; docNumber: string | null; draft: PlanDraft; createdBy: string | null; at: string; contentHash?: string | null },
): Promise<void> {
  await q.query(
    `INSERT INTO plan (id, title, file_name, year, issuer, doc_number, status, draft, created_by, created_at, content_hash)
     VALUES ($1,$2,$3,$4,$5,$6,'draft',$7::jsonb,$8,$9,$10)`,
    [p.id, p.title, p.fileName, p.year, p.issuer, p.docNumber, JSON.stringify(p.draft), p.createdBy, p.at, p.contentHash ?? null],
  )
}

/** Another plan imported from the same document (same content hash), as the review screen warns of it. */
export interface SameContentPlan {
  readonly id: string
  readonly title: string
  readonly fileName: string
  readonly status: PlanRow['status']
  readonly createdAt: string
}

/** Plans other than `exceptId` with the same content (the one being reviewed's own hash), discarded ones left out. */
export async function plansWithSameContent(q: Queryable, exceptId: string): Promise<SameContentPlan[]> {
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT o.id, o.title, o.file_name, o.status, o.created_at
       FROM plan p JOIN plan o ON o.content_hash = p.content_hash AND o.id <> p.id AND o.status <> 'discarded'
      WHERE p.id = $1 ORDER BY o.created_at LIMIT 20`,
    [exceptId],
  )
  return rows.map((r) => ({ id: r.id as string, title: r.title as string, fileName: r.file_name as string, status: r.status as PlanRow['status'], createdAt: isoInstant(r.created_at)! }))
}

/** One plan, or null; `lock` takes a row lock for the rest of the transaction. */
export async function findPlan(q: Queryable, id: string, lock = false): Promise<PlanRow | null> {
  const { rows } = await q.query(`SELECT ${COLS} FROM plan WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])
  return rows[0] ? toPlan(rows[0]) : null
}

/** Plans newest first, without their drafts' items (a list does not need them). */
export async function listPlans(q: Queryable, opts: { limit: number; offset: number }): Promise<{ rows: Omit<PlanRow, 'draft'>[]; total: number }> {
  const { rows } = await q.query(
    `SELECT ${COLS.replace('draft', `jsonb_build_object('documents', draft->'documents', 'items', '[]'::jsonb) AS draft`)}, count(*) OVER () AS total
       FROM plan ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`,
    [opts.limit, opts.offset],
  )
  const total = rows[0] ? Number(rows[0].total) : 0
  return { rows: rows.map((r) => { const { draft: _d, ...rest } = toPlan(r); return rest }), total }
}

/** Replaces the draft of a plan. */
export async function updatePlanDraft(q: Queryable, id: string, draft: PlanDraft): Promise<void> {
  await q.query(`UPDATE plan SET draft = $2::jsonb WHERE id = $1`, [id, JSON.stringify(draft)])
}

/** Sets the title, year, issuer and document number of a plan (they follow its chosen documents). */
export async function updatePlanHeading(q: Queryable, id: string, h: { title: string; year: number | null; issuer: string | null; docNumber: string | null }): Promise<void> {
  await q.query(`UPDATE plan SET title = $2, year = $3, issuer = $4, doc_number = $5 WHERE id = $1`, [id, h.title, h.year, h.issuer, h.docNumber])
}

/** Marks a plan confirmed (or discarded). */
export async function setPlanStatus(q: Queryable, id: string, status: 'confirmed' | 'discarded', at: string): Promise<void> {
  await q.query(`UPDATE plan SET status = $2, confirmed_at = CASE WHEN $2 = 'confirmed' THEN $3::timestamptz ELSE confirmed_at END WHERE id = $1`, [id, status, at])
}

/** One outline entry of a plan's draft (any item, taken or not): where it stands and its heading. */
export interface PlanOutlineEntry {
  readonly document: number
  readonly line: number
  readonly path: readonly string[]
  readonly title: string
}

/**
 * The outline entries of a plan's draft at or above line `uptoLine` whose path is a prefix of `path` (an item's 来源:
 * its headings). Read from the draft's jsonb; the item's own entry is among them.
 */
export async function planOutlineAbove(q: Queryable, planId: string, uptoLine: number, path: readonly string[]): Promise<PlanOutlineEntry[]> {
  const { rows } = await q.query<{ document: number | null; line: number | null; path: string[] | null; title: string | null }>(
    `SELECT (x->>'document')::int AS document, (x->>'line')::int AS line,
            ARRAY(SELECT jsonb_array_elements_text(x->'path')) AS path, x->>'title' AS title
       FROM plan, jsonb_array_elements(draft->'items') AS x
      WHERE plan.id = $1 AND (x->>'line')::int <= $2 AND jsonb_typeof(x->'path') = 'array'
        AND jsonb_array_length(x->'path') BETWEEN 1 AND $3
        AND x->'path'->>0 = $4
      ORDER BY (x->>'line')::int`,
    [planId, uptoLine, path.length, path[0] ?? ''],
  )
  return rows.map((r) => ({ document: Number(r.document ?? 0), line: Number(r.line ?? 0), path: r.path ?? [], title: r.title ?? '' }))
}
