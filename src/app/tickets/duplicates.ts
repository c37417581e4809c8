/**
 * Duplicate requests (重复诉求 / 并单), the use-cases: detection on intake and on demand, the operator's merge or
 * dismissal, the reply a merged ticket shares with its primary, and the 多次重复诉求 flag. The segmenter (jieba in
 * production) is passed in; the scoring is src/domain/tickets/duplicates.ts; the rows src/persistence/duplicates.repo.ts.
 *
 * Merging: the later ticket (still 已受理, never dispatched) takes the ticket kind's `merge` event into 已并单 with
 * `mergedInto` = the primary's number, so it is never dispatched and its handling is the primary's; its requester is
 * told (the notice is recorded on the proposal, shown on the ticket and on the public lookup, and sent by SMS:
 * requester-messages.ts), and the primary's reply is shown as its reply and sent to every requester once given.
 */
import type { Queryable } from '../../persistence/db.ts'
import {
  addressKeyOf,
  decideProposal,
  dismissOthersOf,
  duplicateCandidates,
  duplicateCandidatesMany,
  duplicateSubject,
  duplicateSubjectByRef,
  duplicateSubjects,
  findProposal,
  insertProposals,
  primariesOf,
  proposalsOf,
  upsertRepeat,
  type DuplicateSubjectRow,
  type ProposalView,
} from '../../persistence/duplicates.repo.ts'
import { repliesOf } from '../../persistence/tickets.repo.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import { DubanError } from '../../domain/errors.ts'
import {
  DUPLICATE_DEFAULTS,
  MAX_WINDOW_DAYS,
  duplicatesOf,
  findDuplicates,
  likenessOf,
  reasonsFor,
  repeatedAsks,
  sharedTerms,
  similarity,
  textFeatures,
  type DuplicateCandidate,
  type DuplicateReason,
  type DuplicateSettings,
  type EverydayWord,
  type Likeness as LikenessLevel,
  type TextFeatures,
} from '../../domain/tickets/duplicates.ts'
import { normalisePhone } from '../../domain/tickets/intake.rules.ts'
import { addressKeyVariants, divisionIndex, ticketPlaceLine, type DivisionIndex } from '../../domain/tickets/address-variants.ts'
import type { UnitRow } from '../../persistence/units.repo.ts'
import { activeUnits } from './intake-lookups.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { takeEvent } from '../items/take-event.ts'
import { tellMergedIn } from './requester-messages.ts'
import { yieldTurn } from '../yield-turn.ts'

const DAY_MS = 86_400_000

/** Settings with `over` applied; a window that is not a whole number of days in 1..366 is refused. */
export function duplicateSettings(over: Partial<DuplicateSettings> = {}, where = 'windowDays'): DuplicateSettings {
  const s = { ...DUPLICATE_DEFAULTS, ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)) }
  if (!Number.isInteger(s.windowDays) || s.windowDays < 1 || s.windowDays > MAX_WINDOW_DAYS) {
    throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}: a whole number of days from 1 to ${MAX_WINDOW_DAYS}`, { where })
  }
  return s
}

/** The window's days from the environment's DUBAN_DUPLICATE_WINDOW_DAYS text (unset or blank: the default). */
export function windowDaysFrom(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DUPLICATE_DEFAULTS.windowDays
  return duplicateSettings({ windowDays: Number(text) }, 'DUBAN_DUPLICATE_WINDOW_DAYS').windowDays
}

/** Features by ticket id and content (a ticket's text does not change), so a ticket is segmented once, not on every detection it is a candidate in. */
const FEATURE_CACHE_MAX = 5_000
const featureCache = new Map<string, TextFeatures>()

function cachedFeatures(tokenize: Tokenize, id: string, content: string, address: string): TextFeatures {
  const key = id ? `${id}\u0000${content}\u0000${address}` : ''
  let features = key ? featureCache.get(key) : undefined
  if (!features) {
    features = textFeatures(tokenize, content, address)
    if (key) {
      if (featureCache.size >= FEATURE_CACHE_MAX) featureCache.delete(featureCache.keys().next().value!)
      featureCache.set(key, features)
    }
  }
  return features
}

/** How detection reads places: the ways a subject's address may be written, and any ticket's place line. */
interface Places {
  /** addressKeyVariants of a subject. */
  readonly keys: (s: Pick<DuplicateSubjectRow, 'addressKey' | 'placeUnitId'>) => string[]
  /** Where a ticket is (ticketPlaceLine): its place's line, or that of the divisions its address names. */
  readonly line: (t: Pick<DuplicateSubjectRow, 'addressKey' | 'placeUnitId'>) => string[]
}

/** A ticket as detection compares it; a subject (`subjectKeys`) with the ways its address may be written. */
function candidateOf(tokenize: Tokenize, r: DuplicateSubjectRow, places?: Places, subjectKeys?: readonly string[]): DuplicateCandidate {
  return {
    id: r.id, receivedAt: r.receivedAt, phone: r.phone, addressKey: r.addressKey, addressKeys: subjectKeys, placeLine: places?.line(r),
    lat: r.lat, lng: r.lng, features: cachedFeatures(tokenize, r.id, r.content, r.address),
  }
}

/** Units that are places an address may name (the directory's divisions), not departments or offices. */
const DIVISION_LEVELS: ReadonlySet<string> = new Set(['province', 'city', 'district', 'township', 'community'])
/** The division index of each units map activeUnits keeps (built again when the units are read again). */
const divisionIndexes = new WeakMap<ReadonlyMap<string, UnitRow>, DivisionIndex>()

/** The directory's divisions as detection reads them (address-variants.ts), from the units intake keeps in memory. */
async function placesOf(q: Queryable): Promise<Places> {
  const units = await activeUnits(q)
  let index = divisionIndexes.get(units)
  if (!index) divisionIndexes.set(units, (index = divisionIndex([...units.values()].filter((u) => DIVISION_LEVELS.has(u.level)))))
  const divisions = index
  // A batch's subjects and candidates share a few places and addresses (a caller's, a street's): each worked out once.
  const keys = new Map<string, string[]>()
  const lines = new Map<string, string[]>()
  return {
    keys: (s) => {
      const k = `${s.placeUnitId ?? ''}\u0000${s.addressKey}`
      let got = keys.get(k)
      if (!got) keys.set(k, (got = addressKeyVariants(divisions, s.addressKey, s.placeUnitId)))
      return got
    },
    line: (t) => {
      const k = `${t.placeUnitId ?? ''}\u0000${t.addressKey}`
      let got = lines.get(k)
      if (!got) lines.set(k, (got = ticketPlaceLine(divisions, t.placeUnitId, t.addressKey)))
      return got
    },
  }
}

/** What the operator is shown of why two tickets look alike: the words they share and the similarity's level. */
export interface Likeness {
  /** The words both texts use, most telling first (sharedTerms), at most 5. */
  readonly shared: string[]
  /** 高 / 中 / 低 (likenessOf): what the similarity means, where its number would mislead. */
  readonly likeness: LikenessLevel
}

type Text = { id: string; content: string; address: string }

function likenessBetween(tokenize: Tokenize, everyday: EverydayWord | undefined, a: Text, b: Text, s: number): Likeness {
  const shared = sharedTerms(tokenize, cachedFeatures(tokenize, a.id, a.content, a.address), cachedFeatures(tokenize, b.id, b.content, b.address), undefined, everyday)
  return { shared, likeness: likenessOf(s) }
}

/** Proposals with their likeness, as the API answers them; `everyday` words (很多) are left out of the shared words. */
export function withLikeness(tokenize: Tokenize, views: readonly ProposalView[], everyday?: EverydayWord): (ProposalView & Likeness)[] {
  return views.map((v) => ({ ...v, ...likenessBetween(tokenize, everyday, v.ticket, v.primary, v.similarity) }))
}

/** States a ticket may be merged from (the kind's `merge` transition) and states a primary may not be in. */
const MERGEABLE = 'received'
const NO_PRIMARY = new Set(['merged', 'withdrawn'])

/**
 * Looks for duplicates of a ticket and stores what it finds: proposals (the later ticket of each pair into the
 * earlier; only where the later one can still be merged) and the 多次重复诉求 flag. On intake only earlier tickets
 * count; on demand (`after`) later ones inside the window too. Answers every proposal the ticket takes part in.
 */
export async function detectDuplicates(
  deps: AppDeps,
  actor: Actor | null,
  tokenize: Tokenize,
  ticketId: string,
  opts: { settings?: Partial<DuplicateSettings> | undefined; after?: boolean | undefined } = {},
): Promise<ProposalView[]> {
  const found = await findDuplicatesOf(deps.db, tokenize, ticketId, opts)
  // Nothing to propose (most tickets): no transaction.
  if (found.matches.length > 0 || found.repeat) await deps.db.transaction((tx) => storeDuplicates(tx, deps, actor, found))
  return proposalsOf(deps.db, ticketId)
}

/** What detection found for one ticket, before it is stored. */
export interface DuplicatesFound {
  readonly subjectId: string
  readonly settings: DuplicateSettings
  readonly matches: ReturnType<typeof findDuplicates>
  readonly repeat: ReturnType<typeof repeatedAsks>
}

/** Detection's reads and scoring for one ticket (nothing stored); DUBAN_ERR_NOT_FOUND when there is no such ticket. */
export async function findDuplicatesOf(
  q: Queryable,
  tokenize: Tokenize,
  ticketId: string,
  opts: { settings?: Partial<DuplicateSettings> | undefined; after?: boolean | undefined } = {},
): Promise<DuplicatesFound> {
  const settings = duplicateSettings(opts.settings)
  const subject = await duplicateSubject(q, ticketId)
  if (!subject) throw new DubanError('DUBAN_ERR_NOT_FOUND', `ticket ${ticketId}`, { where: 'id' })
  const at = Date.parse(subject.receivedAt)
  const from = new Date(at - settings.windowDays * DAY_MS).toISOString()
  const to = opts.after ? new Date(at + settings.windowDays * DAY_MS).toISOString() : subject.receivedAt
  const places = await placesOf(q)
  const keys = places.keys(subject)
  const rows = await duplicateCandidates(q, subject, from, to, settings.limit, keys)
  const state = new Map([[subject.id, subject.state], ...rows.map((r) => [r.id, r.state] as const)])
  const me = candidateOf(tokenize, subject, places, keys)
  const others = rows.map((r) => candidateOf(tokenize, r, places))
  const found = duplicatesOf(me, others, settings, opts.after === true)
  const matches = found.matches.filter((m) => state.get(m.ticketId) === MERGEABLE && !NO_PRIMARY.has(state.get(m.primaryId) ?? ''))
  return { subjectId: subject.id, settings, matches, repeat: found.repeat }
}

/** Subjects detected between two turns of the event loop in findDuplicatesOfMany (~0.1 ms each with 20 candidates). */
const DETECT_SLICE = 20

/**
 * findDuplicatesOf (intake's detection: earlier tickets only) for a batch of tickets with two statements in all (the
 * subjects, then every subject's candidates) instead of two to four each. Detection stores nothing a later one reads
 * (proposals and flags, never a ticket's state), so reading the batch first finds what one by one would. By ticket
 * id; a ticket that no longer exists is left out.
 */
export async function findDuplicatesOfMany(
  q: Queryable,
  tokenize: Tokenize,
  jobs: readonly { readonly itemId: string; readonly windowDays: number }[],
): Promise<Map<string, DuplicatesFound>> {
  const subjects = await duplicateSubjects(q, jobs.map((j) => j.itemId))
  const places = await placesOf(q)
  const asked = jobs.flatMap((j) => {
    const s = subjects.get(j.itemId)
    if (!s) return []
    const settings = duplicateSettings({ windowDays: j.windowDays })
    return [{ s, settings, from: new Date(Date.parse(s.receivedAt) - settings.windowDays * DAY_MS).toISOString(), to: s.receivedAt, addressKeys: places.keys(s) }]
  })
  const out = new Map<string, DuplicatesFound>()
  // One statement per limit (the same for every job today).
  for (const limit of new Set(asked.map((a) => a.settings.limit))) {
    const group = asked.filter((a) => a.settings.limit === limit)
    const candidates = await duplicateCandidatesMany(q, group, limit)
    for (const [k, { s, settings, addressKeys }] of group.entries()) {
      // A batch of 100 subjects is ~10 ms of segmenting and scoring: in slices, so that no request waits for all of it.
      if (k > 0 && k % DETECT_SLICE === 0) await yieldTurn()
      const rows = candidates[k]!
      const state = new Map([[s.id, s.state], ...rows.map((r) => [r.id, r.state] as const)])
      const me = candidateOf(tokenize, s, places, addressKeys)
      const others = rows.map((r) => candidateOf(tokenize, r, places))
      const found = duplicatesOf(me, others, settings, false)
      const matches = found.matches.filter((m) => state.get(m.ticketId) === MERGEABLE && !NO_PRIMARY.has(state.get(m.primaryId) ?? ''))
      out.set(s.id, { subjectId: s.id, settings, matches, repeat: found.repeat })
    }
  }
  return out
}

/** Stores what detection found (proposals, the flag, one audit row when anything is new) through `q`. */
export async function storeDuplicates(q: Queryable, deps: AppDeps, actor: Actor | null, found: DuplicatesFound): Promise<void> {
  const { matches, repeat, settings } = found
  if (matches.length === 0 && !repeat) return
  const now = deps.clock.now()
  const who: Actor = actor ?? { userId: null, role: 'system', unitId: null, scopeUnitIds: null }
  const fresh = await insertProposals(
    q,
    matches.map((m) => ({ id: deps.newId(), ticketId: m.ticketId, primaryId: m.primaryId, reasons: m.reasons, similarity: m.similarity, at: now.toISOString(), by: actor?.userId ?? null })),
  )
  if (repeat) await upsertRepeat(q, { itemId: found.subjectId, asks: repeat.asks, earlier: repeat.earlier, windowDays: settings.windowDays, at: now.toISOString() })
  if (fresh > 0 || repeat) {
    await audit(q, who, now, {
      action: 'ticket.duplicates.detect',
      entity: 'item',
      entityId: found.subjectId,
      after: { proposed: fresh, windowDays: settings.windowDays, threshold: settings.threshold, repeatedAsks: repeat?.asks ?? null },
    })
  }
}

/** A request being taken at the desk, not yet stored. */
export interface DuplicateDraft {
  readonly content: string
  readonly requesterPhone?: string | undefined
  readonly address?: string | undefined
  readonly lat?: number | undefined
  readonly lng?: number | undefined
  /** The place (属地 unit) chosen so far: its divisions may be written before the address or left out. */
  readonly placeUnitId?: string | undefined
}

/** An earlier ticket a draft may repeat, as the desk shows it while the operator types. */
export interface DraftMatch {
  readonly id: string
  readonly number: string
  readonly state: string
  readonly content: string
  readonly address: string
  readonly receivedAt: string
  readonly reasons: DuplicateReason[]
  readonly similarity: number
  /** Whether the new ticket could be merged into it (it is not merged or withdrawn itself). */
  readonly canBePrimary: boolean
  readonly shared: string[]
  readonly likeness: LikenessLevel
}

/**
 * Earlier tickets a request being typed may repeat (POST /api/duplicates/check): the same bounded candidates and
 * scoring as on intake, nothing stored. At most 5, most similar first.
 */
export async function checkDraft(deps: AppDeps, tokenize: Tokenize, draft: DuplicateDraft, windowDays?: number, everyday?: EverydayWord): Promise<DraftMatch[]> {
  const settings = duplicateSettings({ windowDays })
  const content = draft.content.trim()
  if (!content) throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'content: the request text is needed', { where: 'content' })
  const phone = draft.requesterPhone?.trim() ? normalisePhone(draft.requesterPhone) : null
  if (draft.requesterPhone?.trim() && !phone) throw new DubanError('DUBAN_ERR_FIELD_INVALID', 'requesterPhone: not a mainland mobile or landline number', { where: 'requesterPhone' })
  if ((draft.lat === undefined) !== (draft.lng === undefined)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', 'lat and lng come together', { where: draft.lat === undefined ? 'lat' : 'lng' })
  const address = draft.address?.trim() ?? ''
  // As intake refuses it (receive-ticket.ts): a place that is no active unit is a mistake, not "no place".
  const placeUnitId = draft.placeUnitId?.trim() || null
  if (placeUnitId && !(await activeUnits(deps.db)).has(placeUnitId)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `placeUnitId: no unit '${placeUnitId}'`, { where: 'placeUnitId' })
  const now = deps.clock.now().toISOString()
  const subject: DuplicateSubjectRow = {
    id: '', number: '', state: 'received', receivedAt: now, phone, address, addressKey: address ? await addressKeyOf(deps.db, address) : '',
    lat: draft.lat ?? null, lng: draft.lng ?? null, content, placeUnitId,
  }
  const places = await placesOf(deps.db)
  const keys = places.keys(subject)
  const rows = await duplicateCandidates(deps.db, subject, new Date(Date.parse(now) - settings.windowDays * DAY_MS).toISOString(), now, settings.limit, keys)
  const byId = new Map(rows.map((r) => [r.id, r]))
  // The draft has no id, so its features are not cached: cut once here for the matching and every match's shared words.
  const typed = candidateOf(tokenize, subject, places, keys)
  const matches = findDuplicates({ ...typed, id: '\uffff' }, rows.map((r) => candidateOf(tokenize, r, places)), settings)
  return matches.slice(0, 5).map((m) => {
    const r = byId.get(m.primaryId)!
    return {
      id: r.id, number: r.number, state: r.state, content: r.content, address: r.address, receivedAt: r.receivedAt, reasons: m.reasons, similarity: m.similarity,
      canBePrimary: !NO_PRIMARY.has(r.state), shared: sharedTerms(tokenize, typed.features, cachedFeatures(tokenize, r.id, r.content, r.address), undefined, everyday), likeness: likenessOf(m.similarity),
    }
  })
}

/**
 * The operator merges a ticket into another (`into`: its id or number) by judgement (POST /api/tickets/:id/merge),
 * found or not by detection:
 * the pair is recorded as a proposal (reasons and similarity as detection scores them, proposed by the operator)
 * and merged as any proposal is; the same refusals apply (a decided pair, a dispatched ticket, a merged primary).
 */
export async function mergeInto(deps: AppDeps, actor: Actor, tokenize: Tokenize, ticketId: string, primaryRef: string, note?: string | undefined): Promise<ProposalView> {
  const t = await duplicateSubject(deps.db, ticketId)
  if (!t) throw new DubanError('DUBAN_ERR_NOT_FOUND', `ticket ${ticketId}`, { where: 'id' })
  const p = await duplicateSubjectByRef(deps.db, primaryRef.trim())
  if (!p) throw new DubanError('DUBAN_ERR_NOT_FOUND', `ticket ${primaryRef}`, { where: 'into' })
  if (p.id === t.id) throw new DubanError('DUBAN_ERR_FIELD_INVALID', 'into: a ticket cannot be merged into itself', { where: 'into' })
  const places = await placesOf(deps.db)
  const a = candidateOf(tokenize, t, places, places.keys(t))
  const b = candidateOf(tokenize, p, places)
  const now = deps.clock.now()
  await insertProposals(deps.db, [{ id: deps.newId(), ticketId, primaryId: p.id, reasons: reasonsFor(a, b), similarity: similarity(a.features, b.features), at: now.toISOString(), by: actor.userId }])
  const open = (await proposalsOf(deps.db, ticketId)).find((x) => x.ticketId === ticketId && x.primaryId === p.id)!
  return mergeDuplicate(deps, actor, open.id, note)
}

/** The proposals a ticket takes part in (GET /api/tickets/:id/duplicates). */
export async function listDuplicates(deps: AppDeps, ticketId: string): Promise<ProposalView[]> {
  return proposalsOf(deps.db, ticketId)
}

async function openProposal(q: Queryable, id: string): Promise<ProposalView> {
  const p = await findProposal(q, id)
  if (!p) throw new DubanError('DUBAN_ERR_NOT_FOUND', `proposed merge ${id}`, { where: 'id' })
  if (p.status !== 'proposed') throw new DubanError('DUBAN_ERR_DUPLICATE_DECIDED_CONFLICT', `proposed merge ${id} is already ${p.status}`, { where: 'id' })
  return p
}

/** What the later ticket's requester is told when it is merged. */
export function mergeNotice(ticketNumber: string, primaryNumber: string): string {
  return `您反映的诉求（工单${ticketNumber}）与工单${primaryNumber}为同一诉求，已并单办理，办理结果将一并答复您。`
}

/**
 * 并单: the later ticket goes to 已并单 through the engine (`merge`, mergedInto = the primary's number), the proposal
 * is recorded as merged with the requester's notice, and the ticket's other open proposals (either side) are closed.
 */
export async function mergeDuplicate(deps: AppDeps, actor: Actor, id: string, note?: string | undefined): Promise<ProposalView> {
  const p = await openProposal(deps.db, id)
  if (p.ticket.state !== MERGEABLE) {
    throw new DubanError('DUBAN_ERR_DUPLICATE_NOT_MERGEABLE_CONFLICT', `ticket ${p.ticket.number} is ${p.ticket.state}; only a ticket not yet dispatched can be merged`, { where: 'id' })
  }
  if (NO_PRIMARY.has(p.primary.state)) {
    throw new DubanError('DUBAN_ERR_DUPLICATE_NOT_MERGEABLE_CONFLICT', `ticket ${p.primary.number} is ${p.primary.state} and cannot carry another's handling`, { where: 'id' })
  }
  await takeEvent(deps, actor, p.ticketId, { event: 'merge', payload: { mergedInto: p.primary.number }, via: 'duplicates' })
  const now = deps.clock.now()
  const at = now.toISOString()
  await deps.db.transaction(async (tx) => {
    const notice = mergeNotice(p.ticket.number, p.primary.number)
    if (!(await decideProposal(tx, { id, status: 'merged', by: actor.userId, at, note: note?.trim() || null, notice }))) {
      throw new DubanError('DUBAN_ERR_DUPLICATE_DECIDED_CONFLICT', `proposed merge ${id} was decided meanwhile`, { where: 'id' })
    }
    await dismissOthersOf(tx, p.ticketId, id, actor.userId, at, `${p.ticket.number}已并入${p.primary.number}`)
    // Its requester is told by SMS, and sent the reply too when the primary was already answered.
    await tellMergedIn(tx, deps, { id: p.ticketId, proposalId: id }, notice, (await repliesOf(tx, [p.primaryId])).get(p.primaryId)?.reply ?? null)
    await audit(tx, actor, now, { action: 'ticket.duplicate.merge', entity: 'item', entityId: p.ticketId, after: { proposal: id, primary: p.primaryId, primaryNumber: p.primary.number, requesterNotice: notice } })
  })
  return (await findProposal(deps.db, id))!
}

/** The operator decides two tickets are not one request (不并单); the pair is not proposed again. */
export async function dismissDuplicate(deps: AppDeps, actor: Actor, id: string, note?: string | undefined): Promise<ProposalView> {
  await openProposal(deps.db, id)
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    if (!(await decideProposal(tx, { id, status: 'dismissed', by: actor.userId, at: now.toISOString(), note: note?.trim() || null, notice: null }))) {
      throw new DubanError('DUBAN_ERR_DUPLICATE_DECIDED_CONFLICT', `proposed merge ${id} was decided meanwhile`, { where: 'id' })
    }
    await audit(tx, actor, now, { action: 'ticket.duplicate.dismiss', entity: 'ticket_duplicate', entityId: id, after: { note: note?.trim() || null } })
  })
  return (await findProposal(deps.db, id))!
}

/**
 * The reply each merged ticket among `ids` shares: its primary's (followed up to 5 merges deep), with the primary's
 * id. Tickets not merged, or whose primary has no reply yet, are absent.
 */
export async function sharedRepliesOf(q: Queryable, ids: readonly string[]): Promise<Map<string, { text: string; at: string; fromTicket: string }>> {
  const root = new Map<string, string>()
  let frontier = await primariesOf(q, ids)
  for (const [id, p] of frontier) root.set(id, p)
  for (let hop = 0; hop < 5 && frontier.size > 0; hop++) {
    const next = await primariesOf(q, [...new Set(frontier.values())])
    if (next.size === 0) break
    for (const [id, p] of root) if (next.has(p)) root.set(id, next.get(p)!)
    frontier = next
  }
  const replies = await repliesOf(q, [...new Set(root.values())])
  const out = new Map<string, { text: string; at: string; fromTicket: string }>()
  for (const [id, p] of root) {
    const r = replies.get(p)?.reply
    if (r) out.set(id, { ...r, fromTicket: p })
  }
  return out
}
