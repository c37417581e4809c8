/** The knowledge base (知识库): knowledge_entry and its versions (knowledge_version). */
import type { Queryable } from './db.ts'

export type KnowledgeStatus = 'draft' | 'pending' | 'published' | 'returned'

/** An entry as stored (without its search words). */
export interface KnowledgeEntryRow {
  readonly id: string
  readonly ownerUnitId: string | null
  readonly ownerUnitName: string | null
  readonly categoryCode: string | null
  readonly title: string
  readonly body: string
  readonly validFrom: string
  readonly validTo: string | null
  readonly public: boolean
  readonly status: KnowledgeStatus
  readonly authorId: string | null
  readonly authorName: string | null
  readonly editorId: string | null
  readonly editorName: string | null
  readonly reviewerId: string | null
  readonly reviewerName: string | null
  readonly reviewNote: string | null
  readonly reviewedAt: string | null
  readonly version: number
  readonly createdAt: string
  readonly updatedAt: string
}

/** One kept version. */
export interface KnowledgeVersionRow {
  readonly version: number
  readonly title: string
  readonly body: string
  readonly editedBy: string | null
  readonly at: string
}

/** What a write stores; `searchTokens` are the words of title and body, space-joined. */
export interface KnowledgeWrite {
  readonly id: string
  readonly ownerUnitId: string | null
  readonly categoryCode: string | null
  readonly title: string
  readonly body: string
  readonly validFrom: string
  readonly validTo: string | null
  readonly public: boolean
  readonly status: KnowledgeStatus
  readonly version: number
  readonly searchTokens: string
  readonly editorId: string | null
  readonly at: Date
}

const COLUMNS = `e.id, e.owner_unit_id, u.name AS owner_unit_name, e.category_code, e.title, e.body, e.valid_from::text AS valid_from,
  e.valid_to::text AS valid_to, e.public, e.status, e.author_id, e.editor_id, e.reviewer_id, e.review_note, e.reviewed_at,
  e.version, e.created_at, e.updated_at, ua.display_name AS author_name, ue.display_name AS editor_name, ur.display_name AS reviewer_name`
const FROM = `knowledge_entry e LEFT JOIN unit u ON u.id = e.owner_unit_id LEFT JOIN app_user ua ON ua.id = e.author_id
  LEFT JOIN app_user ue ON ue.id = e.editor_id LEFT JOIN app_user ur ON ur.id = e.reviewer_id`

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())

function toRow(r: Record<string, unknown>): KnowledgeEntryRow {
  return {
    id: r.id as string,
    ownerUnitId: (r.owner_unit_id as string | null) ?? null,
    ownerUnitName: (r.owner_unit_name as string | null) ?? null,
    categoryCode: (r.category_code as string | null) ?? null,
    title: r.title as string,
    body: r.body as string,
    validFrom: r.valid_from as string,
    validTo: (r.valid_to as string | null) ?? null,
    public: r.public === true || r.public === 't',
    status: r.status as KnowledgeStatus,
    authorId: (r.author_id as string | null) ?? null,
    authorName: (r.author_name as string | null) ?? null,
    editorId: (r.editor_id as string | null) ?? null,
    editorName: (r.editor_name as string | null) ?? null,
    reviewerId: (r.reviewer_id as string | null) ?? null,
    reviewerName: (r.reviewer_name as string | null) ?? null,
    reviewNote: (r.review_note as string | null) ?? null,
    reviewedAt: iso(r.reviewed_at),
    version: Number(r.version),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  }
}

/** Inserts a new entry and its version 1. */
export async function insertKnowledgeEntry(db: Queryable, w: KnowledgeWrite): Promise<void> {
  await db.query(
    `INSERT INTO knowledge_entry (id, owner_unit_id, category_code, title, body, valid_from, valid_to, public, status, author_id, editor_id, version, search_tokens, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10,$11,$12,$13,$13)`,
    [w.id, w.ownerUnitId, w.categoryCode, w.title, w.body, w.validFrom, w.validTo, w.public, w.status, w.editorId, w.version, w.searchTokens, w.at.toISOString()],
  )
  await insertVersion(db, w)
}

/** Writes a new version of an entry (status back to the caller's choice, review cleared). */
export async function updateKnowledgeEntry(db: Queryable, w: KnowledgeWrite): Promise<void> {
  await db.query(
    `UPDATE knowledge_entry SET owner_unit_id = $2, category_code = $3, title = $4, body = $5, valid_from = $6, valid_to = $7, public = $8,
            status = $9, editor_id = $10, version = $11, search_tokens = $12, updated_at = $13, reviewer_id = NULL, review_note = NULL, reviewed_at = NULL
      WHERE id = $1`,
    [w.id, w.ownerUnitId, w.categoryCode, w.title, w.body, w.validFrom, w.validTo, w.public, w.status, w.editorId, w.version, w.searchTokens, w.at.toISOString()],
  )
  await insertVersion(db, w)
}

async function insertVersion(db: Queryable, w: KnowledgeWrite): Promise<void> {
  await db.query(`INSERT INTO knowledge_version (entry_id, version, title, body, edited_by, at) VALUES ($1,$2,$3,$4,$5,$6)`, [
    w.id,
    w.version,
    w.title,
    w.body,
    w.editorId,
    w.at.toISOString(),
  ])
}

/** Moves an entry to a status; a review sets the reviewer, note and time. */
export async function setKnowledgeStatus(
  db: Queryable,
  id: string,
  status: KnowledgeStatus,
  at: Date,
  review?: { reviewerId: string | null; note: string | null },
): Promise<void> {
  if (review) {
    await db.query(`UPDATE knowledge_entry SET status = $2, updated_at = $3, reviewer_id = $4, review_note = $5, reviewed_at = $3 WHERE id = $1`, [
      id,
      status,
      at.toISOString(),
      review.reviewerId,
      review.note,
    ])
  } else {
    await db.query(`UPDATE knowledge_entry SET status = $2, updated_at = $3 WHERE id = $1`, [id, status, at.toISOString()])
  }
}

/** One entry, or null; `forUpdate` locks the row inside a transaction. */
export async function getKnowledgeEntry(db: Queryable, id: string, forUpdate = false): Promise<KnowledgeEntryRow | null> {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM ${FROM} WHERE e.id = $1${forUpdate ? ' FOR UPDATE OF e' : ''}`, [id])
  return rows[0] ? toRow(rows[0]) : null
}

/** An entry's versions, oldest first. */
export async function knowledgeVersions(db: Queryable, id: string): Promise<KnowledgeVersionRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT version, title, body, edited_by, at FROM knowledge_version WHERE entry_id = $1 ORDER BY version`, [id])
  return rows.map((r) => ({ version: Number(r.version), title: r.title as string, body: r.body as string, editedBy: (r.edited_by as string | null) ?? null, at: iso(r.at)! }))
}

/** Filters of a search. `offeredOn` keeps only published entries valid on that date; `publicOnly` only public ones. */
export interface KnowledgeFilter {
  /** Query words, or phrases of adjacent words (`a <-> b`), ORed; empty = no text condition (newest first). */
  readonly words: readonly string[]
  readonly status?: KnowledgeStatus
  readonly offeredOn?: string
  readonly publicOnly?: boolean
  readonly limit: number
}

/** Entries matching the filter: by rank (how many of the words, how often) when there are words, else newest first. */
export async function searchKnowledge(db: Queryable, f: KnowledgeFilter): Promise<(KnowledgeEntryRow & { score: number })[]> {
  const params: unknown[] = []
  const where: string[] = []
  const p = (v: unknown): string => `$${params.push(v)}`
  let rank = '0'
  if (f.words.length) {
    const q = `to_tsquery('simple', ${p(f.words.join(' | '))})`
    where.push(`to_tsvector('simple', e.search_tokens) @@ ${q}`)
    rank = `ts_rank(to_tsvector('simple', e.search_tokens), ${q})`
  }
  if (f.status) where.push(`e.status = ${p(f.status)}`)
  if (f.offeredOn) {
    const d = p(f.offeredOn)
    where.push(`e.status = 'published' AND e.valid_from <= ${d}::date AND (e.valid_to IS NULL OR e.valid_to >= ${d}::date)`)
  }
  if (f.publicOnly) where.push('e.public')
  const sql = `SELECT ${COLUMNS}, ${rank} AS score FROM ${FROM}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY score DESC, e.updated_at DESC, e.id LIMIT ${p(f.limit)}`
  const { rows } = await db.query<Record<string, unknown>>(sql, params)
  return rows.map((r) => ({ ...toRow(r), score: Number(r.score) }))
}

/** Published entries with an owner unit whose validity ends within [from, to] (dates): the 知识库 expiry reminders' candidates. */
export async function expiringKnowledge(db: Queryable, from: string, to: string): Promise<{ id: string; title: string; ownerUnitId: string; validTo: string }[]> {
  const { rows } = await db.query<{ id: string; title: string; owner_unit_id: string; valid_to: string }>(
    `SELECT id, title, owner_unit_id, valid_to::text AS valid_to FROM knowledge_entry
      WHERE status = 'published' AND owner_unit_id IS NOT NULL AND valid_to BETWEEN $1::date AND $2::date
      ORDER BY valid_to, id`,
    [from, to],
  )
  return rows.map((r) => ({ id: r.id, title: r.title, ownerUnitId: r.owner_unit_id, validTo: r.valid_to }))
}
