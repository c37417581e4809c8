/**
 * The knowledge base (知识库): vetted answers for operators and the public. Admins, supervisors and operators write
 * entries (each edit a new version, kept); a written entry is submitted for review; an admin or supervisor other
 * than its writer approves it (published) or returns it with a note. Operators are offered only published entries
 * valid today (valid_from ≤ today ≤ valid_to); the public only those also marked public. Every write is audited.
 */
import {
  getKnowledgeEntry,
  insertKnowledgeEntry,
  knowledgeVersions,
  searchKnowledge,
  setKnowledgeStatus,
  updateKnowledgeEntry,
  type KnowledgeEntryRow,
  type KnowledgeStatus,
  type KnowledgeVersionRow,
  type KnowledgeWrite,
} from '../../persistence/knowledge.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { isIsoDate } from '../../domain/calendar/calendar-date.value.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import { DubanError } from '../../domain/errors.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { lineDiff, type DiffLine } from './line-diff.ts'
import { indexWords, offerTerms, queryWords } from './search-words.ts'

export const KNOWLEDGE_STATUSES: readonly KnowledgeStatus[] = ['draft', 'pending', 'published', 'returned']
const WRITERS: readonly Actor['role'][] = ['admin', 'supervisor', 'operator']
const REVIEWERS: readonly Actor['role'][] = ['admin', 'supervisor']

/** What a writer fills in. */
export interface KnowledgeInput {
  readonly title: string
  readonly body: string
  readonly ownerUnitId?: string | null
  readonly categoryCode?: string | null
  readonly validFrom?: string
  readonly validTo?: string | null
  readonly public?: boolean
}

/** An entry for staff, with its versions when read one at a time. */
export type KnowledgeEntryView = KnowledgeEntryRow & { readonly versions?: readonly KnowledgeVersionRow[] }

/** What a search answers: the entry and how well it matched (0 without a query). */
export type KnowledgeHit = KnowledgeEntryRow & { readonly score: number }

/** An entry as the public sees it. */
export interface PublicKnowledgeEntry {
  readonly id: string
  readonly title: string
  readonly body: string
  readonly ownerUnitName: string | null
  readonly categoryCode: string | null
  readonly validFrom: string
  readonly validTo: string | null
  readonly updatedAt: string
}

function mustBe(actor: Actor, roles: readonly Actor['role'][], what: string): void {
  if (!roles.includes(actor.role)) throw new DubanError('DUBAN_ERR_FORBIDDEN', `role ${actor.role} may not ${what} knowledge base entries`, { where: 'role' })
}

const invalid = (where: string, detail: string): DubanError => new DubanError('DUBAN_ERR_KNOWLEDGE_INVALID', detail, { where })

async function checked(db: Queryable, input: KnowledgeInput, today: string): Promise<Omit<KnowledgeWrite, 'id' | 'status' | 'version' | 'searchTokens' | 'editorId' | 'at'>> {
  const title = (input.title ?? '').trim()
  const body = (input.body ?? '').trim()
  if (!title) throw invalid('title', 'title must not be empty')
  if (title.length > 200) throw invalid('title', 'title is longer than 200 characters')
  if (!body) throw invalid('body', 'body must not be empty')
  const validFrom = input.validFrom ?? today
  if (!isIsoDate(validFrom)) throw invalid('validFrom', `validFrom must be a date YYYY-MM-DD, got '${validFrom}'`)
  const validTo = input.validTo ?? null
  if (validTo !== null && !isIsoDate(validTo)) throw invalid('validTo', `validTo must be a date YYYY-MM-DD, got '${validTo}'`)
  if (validTo !== null && validTo < validFrom) throw invalid('validTo', `validTo (${validTo}) is before validFrom (${validFrom})`)
  const ownerUnitId = input.ownerUnitId || null
  if (ownerUnitId) {
    const { rows } = await db.query('SELECT 1 FROM unit WHERE id = $1', [ownerUnitId])
    if (!rows.length) throw invalid('ownerUnitId', `no unit '${ownerUnitId}'`)
  }
  const categoryCode = input.categoryCode || null
  if (categoryCode) {
    const { rows } = await db.query('SELECT 1 FROM service_category WHERE code = $1 AND active', [categoryCode])
    if (!rows.length) throw invalid('categoryCode', `no service category '${categoryCode}'`)
  }
  return { title, body, validFrom, validTo, ownerUnitId, categoryCode, public: input.public === true }
}

async function audit(tx: Queryable, deps: AppDeps, actor: Actor, action: string, id: string, before: unknown, after: unknown): Promise<void> {
  await appendAudit(tx, { actorId: actor.userId, at: deps.clock.now(), action: `knowledge.${action}`, entity: 'knowledge_entry', entityId: id, before, after })
}

async function locked(tx: Queryable, id: string): Promise<KnowledgeEntryRow> {
  const e = await getKnowledgeEntry(tx, id, true)
  if (!e) throw new DubanError('DUBAN_ERR_KNOWLEDGE_NOT_FOUND', `'${id}'`, { where: 'id' })
  return e
}

/** Writes a new entry as a draft, version 1 (admin, supervisor, operator). */
export async function createKnowledgeEntry(deps: AppDeps, actor: Actor, tokenize: Tokenize, input: KnowledgeInput): Promise<KnowledgeEntryView> {
  mustBe(actor, WRITERS, 'write')
  const id = deps.newId()
  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now()
    const fields = await checked(tx, input, chinaDateOf(at.getTime()))
    const w: KnowledgeWrite = { ...fields, id, status: 'draft', version: 1, searchTokens: indexWords(tokenize, fields.title, fields.body), editorId: actor.userId, at }
    await insertKnowledgeEntry(tx, w)
    await audit(tx, deps, actor, 'create', id, null, { ...fields, version: 1 })
  })
  return knowledgeEntryOf(deps, actor, id)
}

/**
 * Edits an entry: a new version, back to draft (a published entry leaves search until approved again). Refused
 * while it waits for review, and when `expectedVersion` is given and the entry has moved on.
 */
export async function editKnowledgeEntry(
  deps: AppDeps,
  actor: Actor,
  tokenize: Tokenize,
  id: string,
  input: KnowledgeInput & { readonly expectedVersion?: number },
): Promise<KnowledgeEntryView> {
  mustBe(actor, WRITERS, 'edit')
  await deps.db.transaction(async (tx) => {
    const e = await locked(tx, id)
    if (e.status === 'pending') throw new DubanError('DUBAN_ERR_KNOWLEDGE_STATE_CONFLICT', 'the entry waits for review; it is approved or returned before it is edited', { where: 'status' })
    if (input.expectedVersion !== undefined && input.expectedVersion !== e.version) {
      throw new DubanError('DUBAN_ERR_CONFLICT', `the entry is at version ${e.version}, not ${input.expectedVersion}`, { where: 'expectedVersion' })
    }
    const at = deps.clock.now()
    const fields = await checked(tx, { validFrom: e.validFrom, validTo: e.validTo, ownerUnitId: e.ownerUnitId, categoryCode: e.categoryCode, public: e.public, ...input }, chinaDateOf(at.getTime()))
    const version = e.version + 1
    await updateKnowledgeEntry(tx, { ...fields, id, status: 'draft', version, searchTokens: indexWords(tokenize, fields.title, fields.body), editorId: actor.userId, at })
    await audit(tx, deps, actor, 'edit', id, { version: e.version, status: e.status }, { ...fields, version })
  })
  return knowledgeEntryOf(deps, actor, id)
}

/** Submits a draft or returned entry for review. */
export async function submitKnowledgeEntry(deps: AppDeps, actor: Actor, id: string): Promise<KnowledgeEntryView> {
  mustBe(actor, WRITERS, 'submit')
  await deps.db.transaction(async (tx) => {
    const e = await locked(tx, id)
    if (e.status !== 'draft' && e.status !== 'returned') throw new DubanError('DUBAN_ERR_KNOWLEDGE_STATE_CONFLICT', `an entry ${e.status} is not submitted`, { where: 'status' })
    await setKnowledgeStatus(tx, id, 'pending', deps.clock.now())
    await audit(tx, deps, actor, 'submit', id, { status: e.status }, { status: 'pending', version: e.version })
  })
  return knowledgeEntryOf(deps, actor, id)
}

/** Approves (published) or returns (with a note) an entry waiting for review; not by its writer or last editor. */
export async function reviewKnowledgeEntry(deps: AppDeps, actor: Actor, id: string, decision: 'approve' | 'return', note?: string): Promise<KnowledgeEntryView> {
  mustBe(actor, REVIEWERS, 'review')
  const text = (note ?? '').trim()
  if (decision === 'return' && !text) throw invalid('note', 'a returned entry says why (note)')
  await deps.db.transaction(async (tx) => {
    const e = await locked(tx, id)
    if (e.status !== 'pending') throw new DubanError('DUBAN_ERR_KNOWLEDGE_STATE_CONFLICT', `an entry ${e.status} is not waiting for review`, { where: 'status' })
    if (actor.userId !== null && (actor.userId === e.authorId || actor.userId === e.editorId)) {
      throw new DubanError('DUBAN_ERR_KNOWLEDGE_SELF_REVIEW_FORBIDDEN', 'the writer of an entry does not review it', { where: 'reviewer' })
    }
    const status: KnowledgeStatus = decision === 'approve' ? 'published' : 'returned'
    await setKnowledgeStatus(tx, id, status, deps.clock.now(), { reviewerId: actor.userId, note: text || null })
    await audit(tx, deps, actor, decision, id, { status: e.status }, { status, version: e.version, note: text || null })
  })
  return knowledgeEntryOf(deps, actor, id)
}

/** One entry with its versions (admin, supervisor, operator). */
export async function knowledgeEntryOf(deps: AppDeps, actor: Actor, id: string): Promise<KnowledgeEntryView> {
  mustBe(actor, WRITERS, 'read')
  const e = await getKnowledgeEntry(deps.db, id)
  if (!e) throw new DubanError('DUBAN_ERR_KNOWLEDGE_NOT_FOUND', `'${id}'`, { where: 'id' })
  return { ...e, versions: await knowledgeVersions(deps.db, id) }
}

/** The line diff of title and body between two versions of an entry. */
export async function knowledgeDiff(deps: AppDeps, actor: Actor, id: string, from: number, to: number): Promise<{ from: number; to: number; title: DiffLine[]; body: DiffLine[] }> {
  const e = await knowledgeEntryOf(deps, actor, id)
  const pick = (v: number, where: string): KnowledgeVersionRow => {
    const found = e.versions?.find((x) => x.version === v)
    if (!found) throw new DubanError('DUBAN_ERR_KNOWLEDGE_NOT_FOUND', `the entry has no version ${v}`, { where })
    return found
  }
  const a = pick(from, 'from')
  const b = pick(to, 'to')
  return { from, to, title: lineDiff(a.title, b.title), body: lineDiff(a.body, b.body) }
}

/** Staff's list: every entry (or those of one status), ranked by the query's words when there is one. */
export async function listKnowledge(deps: AppDeps, actor: Actor, tokenize: Tokenize, opts: { q?: string; status?: KnowledgeStatus; limit?: number }): Promise<KnowledgeHit[]> {
  mustBe(actor, WRITERS, 'read')
  const words = opts.q ? queryWords(tokenize, opts.q) : []
  if (opts.q?.trim() && !words.length) return []
  return searchKnowledge(deps.db, { words, status: opts.status, limit: Math.min(Math.max(opts.limit ?? 100, 1), 500) })
}

/** What the desk offers while a request is typed: published entries valid today, best first. */
export async function offerKnowledge(deps: AppDeps, actor: Actor, tokenize: Tokenize, q: string, limit = 3): Promise<KnowledgeHit[]> {
  mustBe(actor, WRITERS, 'search')
  const words = offerTerms(tokenize, q)
  if (!words.length) return []
  return searchKnowledge(deps.db, { words, offeredOn: chinaDateOf(deps.clock.now().getTime()), limit: Math.min(Math.max(limit, 1), 20) })
}

/** The public page's search: published, public entries valid today; without a query the newest. */
export async function publicKnowledge(deps: AppDeps, tokenize: Tokenize, q: string | undefined, limit = 10): Promise<PublicKnowledgeEntry[]> {
  const words = q ? queryWords(tokenize, q) : []
  if (q?.trim() && !words.length) return []
  const hits = await searchKnowledge(deps.db, { words, offeredOn: chinaDateOf(deps.clock.now().getTime()), publicOnly: true, limit: Math.min(Math.max(limit, 1), 50) })
  return hits.map((h) => ({ id: h.id, title: h.title, body: h.body, ownerUnitName: h.ownerUnitName, categoryCode: h.categoryCode, validFrom: h.validFrom, validTo: h.validTo, updatedAt: h.updatedAt }))
}
