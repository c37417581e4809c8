/**
 * Take an event on an item (办理): accept, report progress, ask for an extension, decide it, report
 * completion, approve or return it. Reads the item in the actor's scope, lets the engine decide, then
 * writes the item (at the version read), its history, the side records (report, extension request,
 * attachments, units) and the audit entry in one transaction (or one statement when that is all).
 */
import {
  decideExtension,
  extensionsOf,
  findItemForEvent,
  insertAttachment,
  insertExtensionRequest,
  lockItemAtVersion,
  pendingExtension,
  replaceItemUnits,
  unitsOf,
  writeEventRows,
  type ItemRow,
  type ItemUnit,
  type NewProgressReport,
  type ItemUnitRole,
} from '../../persistence/items.repo.ts'
import type { Db, Queryable } from '../../persistence/db.ts'
import { checkDueDate } from '../../domain/calendar/due-date.rules.ts'
import { DubanError } from '../../domain/errors.ts'
import { isIsoDate, localDate, transition, undeclaredEvent, type KindDef, type ReportingCadence, type Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from './audit.port.ts'
import { guardTicketDispatch } from '../tickets/dispatch-guard.ts'
import { assertNoUnitActed, openCopiesOf } from '../plans/cancel-plan.guard.ts'
import { carryOutEffects, notificationsOf, type EffectContext } from './carry-out-effects.ts'
import { checkEventPayload } from './payload-rules.ts'
import { calendarFor, chinaDate, engineActor, kindOf } from './item-engine.ts'
import { itemAfterEvent, visibleItem, type ItemEventResult } from './item-queries.ts'
import { afterEventShares, snapshotAfterShare, takeShareStep } from './item-shares.ts'
import { LazyTransaction } from './lazy-transaction.ts'
import { EVENT_ITEM_CACHE_MS, forgetEventItem, keepEventItem, keptEventItem, unitStamp, type EventItem } from './event-item-cache.ts'

/** Largest attachment accepted (附件大小上限). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

/** An event as the API takes it. */
export interface EventInput {
  readonly event: string
  readonly payload?: Readonly<Record<string, unknown>>
  /** The item version the client saw; a different current version is refused (409). */
  readonly expectedVersion?: number | undefined
  /** The use-case taking the event, for an event the kind gives to one (TransitionDef.via); absent on the generic route. */
  readonly via?: string
}

/** A file to attach, already read from a multipart upload or decoded from base64. */
export interface NewAttachment {
  readonly name: string
  readonly mime: string
  readonly content: Buffer
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/

/** Decodes `{name, mime, contentBase64}` attachments, checking format and size; ids of stored ones pass through. */
function readAttachments(value: unknown): { stored: string[]; fresh: NewAttachment[] } | null {
  if (value === undefined) return null
  if (!Array.isArray(value)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `'attachments' must be a list`, { where: 'payload.attachments' })
  const stored: string[] = []
  const fresh: NewAttachment[] = []
  value.forEach((a: unknown, i) => {
    const where = `payload.attachments[${i}]`
    if (typeof a === 'string' && a !== '') return void stored.push(a)
    if (typeof a !== 'object' || a === null) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${where} must be an attachment id or {name, mime, contentBase64}`, { where })
    const r = a as Record<string, unknown>
    const extra = Object.keys(r).filter((k) => !['name', 'mime', 'contentBase64'].includes(k))
    if (extra.length) throw new DubanError('DUBAN_ERR_VALIDATION', `${where}/${extra[0]}: unknown field`, { where: `${where}.${extra[0]}` })
    if (typeof r.name !== 'string' || r.name.trim() === '') throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}.name must be a file name`, { where: `${where}.name` })
    if (typeof r.contentBase64 !== 'string' || !BASE64.test(r.contentBase64)) {
      throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}.contentBase64 must be base64`, { where: `${where}.contentBase64` })
    }
    const content = Buffer.from(r.contentBase64, 'base64')
    if (content.length > MAX_ATTACHMENT_BYTES) {
      throw new DubanError('DUBAN_ERR_ATTACHMENT_TOO_LARGE', `${where} is ${content.length} bytes, limit ${MAX_ATTACHMENT_BYTES}`, { where })
    }
    fresh.push({ name: r.name.trim(), mime: typeof r.mime === 'string' && r.mime ? r.mime : 'application/octet-stream', content })
  })
  return { stored, fresh }
}

/** Checks a date field against the calendar: the task kind forbids due dates on non-working days. */
async function requireWorkingDay(tx: Queryable, value: unknown, where: string, laterThan: string | null = null): Promise<void> {
  if (!isIsoDate(value)) return // the engine names a malformed date
  const { calendar } = await calendarFor(tx)
  const check = checkDueDate(calendar, value)
  if (!check.ok) {
    // The working day before is suggested, unless it is not later than the current due (an extension would be
    // refused for it): then the working day after.
    const suggestion = laterThan !== null && check.suggestion <= laterThan ? calendar.nextWorkingDay(value) : check.suggestion
    throw new DubanError('DUBAN_ERR_DUE_NOT_WORKING_DAY', `${where}: ${value} is a ${check.holiday ?? check.reason}; try ${suggestion}`, {
      where,
      details: { reason: check.reason, holiday: check.holiday, suggestion },
    })
  }
}

/** The report period (报送期) of a date under a cadence: `2026-05`, `2026-Q2` or `2026-W19`-like week start. */
function periodOf(cadence: ReportingCadence | undefined, today: string): { period: string; dueBy: string | null } {
  const y = Number(today.slice(0, 4))
  const m = Number(today.slice(5, 7))
  const last = (mm: number): number => new Date(Date.UTC(y, mm, 0)).getUTCDate()
  const pad = (n: number): string => String(n).padStart(2, '0')
  if (!cadence || cadence.every === 'month') {
    const day = cadence?.every === 'month' ? cadence.day : 25
    return { period: today.slice(0, 7), dueBy: `${today.slice(0, 7)}-${pad(Math.min(day, last(m)))}` }
  }
  if (cadence.every === 'quarter') {
    const q = Math.ceil(m / 3)
    return { period: `${y}-Q${q}`, dueBy: `${y}-${pad(q * 3)}-${pad(Math.min(cadence.day, last(q * 3)))}` }
  }
  if (cadence.every === 'week') return { period: today, dueBy: null }
  return { period: today.slice(0, 7), dueBy: null }
}

/** Optimistic tries of an event whose item moved between its read and its write (another event on it) before it locks. */
const OPTIMISTIC_ATTEMPTS = 4

/** The item's version moved between the event's read and its write: nothing was written; the event is taken again. */
class VersionMoved extends Error {
  constructor(readonly number: string) {
    super(`item ${number} changed meanwhile`)
  }
}

/**
 * Takes one event on an item and returns the item as it now is, compactly (no history: an answer must
 * not grow with every report), with the event, report and extension request just recorded.
 *
 * The item is read without a lock and written only at the version read (optimistic): when another event moved
 * it meanwhile nothing is written and the event is taken again from a fresh read (a client's expectedVersion is
 * then checked against the new version: 409). The transaction begins at the first write, with the item's row
 * lock first; an event that writes only its own rows (a progress report) is one statement and no transaction
 * (LazyTransaction). An event that lost OPTIMISTIC_ATTEMPTS times to others on a busy item takes the row lock
 * before it reads (lockedAttempt): it cannot lose again, so no event without an expectedVersion is refused
 * because others kept winning (8 events at once on one item lost up to 5 times in a row in CI).
 */
export async function takeEvent(deps: AppDeps, actor: Actor, itemId: string, input: EventInput, upload: readonly NewAttachment[] = []): Promise<ItemEventResult> {
  for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
    try {
      return await attemptEvent(deps, actor, itemId, input, upload)
    } catch (e) {
      if (!(e instanceof VersionMoved)) throw e
    }
  }
  return lockedAttempt(deps, actor, itemId, input, upload)
}

/**
 * The last try: one transaction that reads the item with its row lock (FOR UPDATE), so no other event can move it
 * before this one writes. Everything the event runs goes through that transaction (a Db view of it), including
 * the statement an optimistic try sends alone.
 */
async function lockedAttempt(deps: AppDeps, actor: Actor, itemId: string, input: EventInput, upload: readonly NewAttachment[]): Promise<ItemEventResult> {
  try {
    return await deps.db.transaction(async (inner) => {
      const db: Db = { dialect: deps.db.dialect, memo: inner.memo, query: (sql, params, options) => inner.query(sql, params, options), transaction: (fn) => fn(inner), close: async () => undefined }
      return attemptEvent({ ...deps, db }, actor, itemId, input, upload, true)
    })
  } catch (e) {
    // Not expected with the row held; kept as the answer the optimistic tries would have given.
    if (e instanceof VersionMoved) throw new DubanError('DUBAN_ERR_ITEM_VERSION_CONFLICT', e.message, { where: 'expectedVersion' })
    throw e
  }
}

async function attemptEvent(deps: AppDeps, actor: Actor, itemId: string, input: EventInput, upload: readonly NewAttachment[], locked = false): Promise<ItemEventResult> {
  const now = deps.clock.now()
  const at = now.toISOString()
  const today = chinaDate(now)
  // The one read of the item: within the actor's scope, with its units, no lock (the write checks the version) —
  // or, on the last try (deps.db is then a transaction), with its row lock. An item this process took an event on a
  // moment ago is not read again (event-item-cache.ts): if it moved meanwhile, the write finds another version.
  const stamp = unitStamp(deps.db)
  const kept = locked ? null : keptEventItem(deps.db, itemId, actor.scopeUnitIds)
  const usable = kept && (input.expectedVersion === undefined || input.expectedVersion === kept.item.version) ? kept : null
  const until = usable?.until ?? performance.now() + EVENT_ITEM_CACHE_MS
  const item = usable?.item ?? (await findItemForEvent(deps.db, itemId, actor.scopeUnitIds, locked))
  if (!item) throw new DubanError('DUBAN_ERR_NOT_FOUND', `item ${itemId}`, { where: 'id' })
  if (input.expectedVersion !== undefined && input.expectedVersion !== item.version) {
    throw new DubanError('DUBAN_ERR_ITEM_VERSION_CONFLICT', `item ${item.number} is at version ${item.version}, not ${input.expectedVersion}`, {
      where: 'expectedVersion',
      details: { current: item.version, expected: input.expectedVersion },
    })
  }
  const tx = new LazyTransaction(deps.db, async (q) => {
    if (!(await lockItemAtVersion(q, item.id, item.version))) throw new VersionMoved(item.number)
  })
  const progress = { committedAlone: false }
  try {
    const { answer, after } = await eventOn(tx, deps, actor, item, input, upload, { now, at, today }, progress)
    await tx.commit()
    // Kept for the next event once committed; not inside the last try's transaction, which commits later.
    if (!locked) keepEventItem(deps.db, after, stamp, until)
    return answer
  } catch (e) {
    await tx.rollback()
    if (e instanceof VersionMoved) forgetEventItem(deps.db, item.id)
    // A refusal worked out from a kept item may be the kept item's and not the database's: the tick, another
    // use-case or another process may have moved it (to a state where the event is allowed) without this process
    // seeing it. Nothing was written (rolled back, or the lone statement never committed), so the event is taken
    // again from a fresh read, which refuses it if the refusal was real.
    else if (usable && !progress.committedAlone) {
      forgetEventItem(deps.db, item.id)
      throw new VersionMoved(item.number)
    }
    throw e
  }
}

async function eventOn(
  tx: LazyTransaction,
  deps: AppDeps,
  actor: Actor,
  item: EventItem,
  input: EventInput,
  upload: readonly NewAttachment[],
  { at, today }: { now: Date; at: string; today: string },
  progress: { committedAlone: boolean },
): Promise<{ answer: ItemEventResult; after: EventItem }> {
  const kind = kindOf(item.kind, String(item.snapshot['kindVersion'] ?? item.kindVersion))
  // An event name the kind does not declare: 400 before anything is read or written (the engine refuses it too).
  const unknown = undeclaredEvent(kind, input.event)
  if (unknown) throw unknown
  checkEventPayload(kind, input.event, input.payload)
  const via = kind.transitions.find((t) => t.event === input.event && t.via !== undefined)?.via
  if (via !== undefined && via !== input.via) {
    throw new DubanError('DUBAN_ERR_VALIDATION', `event '${input.event}' (${kind.events[input.event]?.label ?? input.event}) is taken only through its own route (${via}), which records what it needs besides the event`, { where: 'event' })
  }
  const payload: Record<string, unknown> = { ...input.payload }
  const files = readAttachments(payload['attachments'])
  const fresh = [...(files?.fresh ?? []), ...upload]
  const freshMeta = fresh.map((f) => ({ id: deps.newId(), name: f.name, size: f.content.length, mime: f.mime }))
  if (files || upload.length) {
    const storedMeta = await storedAttachments(tx, item.id, files?.stored ?? [])
    payload['attachments'] = [...storedMeta, ...freshMeta]
  }
  if (input.event === 'request_extension') await requireWorkingDay(tx, payload['newDue'], 'payload.newDue', item.dueDate)
  if (input.event === 'reassign' || input.event === 'dispatch' || input.event === 'cooperate') await unitsMustExist(tx, payload, kind)
  await guardTicketDispatch(tx, item, input.event, payload)
  // 撤销下发 only before any unit acted, on the task or on any copy of it (分解落实), which go with it.
  const copies = input.event === 'withdraw_dispatch' ? await openCopiesOf(tx, [item.id]) : []
  if (input.event === 'withdraw_dispatch') await assertNoUnitActed(tx, [item.id, ...copies.map((c) => c.id)])

  const { working } = await calendarFor(tx)
  const snapshot = item.snapshot as unknown as Snapshot
  const res = transition(kind, snapshot, { type: input.event, payload }, { actor: engineActor(actor), now: at, calendar: working })
  if (!res.ok) throw res.error
  // Several leads (shared work): each takes 签收 / 报办结 for itself; the item moves on with the last (item-shares.ts).
  const share = await takeShareStep(tx, item, actor, input.event, at)
  if (share.step === 'partial') payload['share'] = { unitId: actor.unitId, waitingFor: share.remaining }
  const next = snapshotAfterShare(snapshot, res.snapshot, share.step, input.event)
  const due = dueDateOf(next, item.dueDate)
  const stateType = kind.states[next.state]?.type ?? 'open'

  for (const [i, f] of fresh.entries()) {
    const meta = freshMeta[i]
    if (meta) await insertAttachment(tx, { id: meta.id, itemId: item.id, name: f.name, mime: f.mime, content: f.content, createdBy: actor.userId, at })
  }
  const side = await sideRecords(tx, deps, actor, item, input.event, payload, next, today, at)
  await afterEventShares(tx, item.id, input.event)

  // The item, its history entry, the audit row (item.transition), a report and the notifications the effects send
  // (a 催办's, to units the item read already named) in one statement (writeEventRows): with nothing written before
  // it and nothing to write after it, that statement alone, with no transaction. An effect that needs a read or
  // writes more (a 督办单, a user's inbox, a unit not read) is carried out after it, in the transaction.
  const effects: EffectContext = {
    tx, deps, actor, kind, item, before: snapshot, after: next, event: input.event, payload, version: item.version + 1,
    knownUnits: new Set(item.units.map((u) => u.unitId)),
  }
  const bare = !tx.opened && copies.length === 0
  const notifications = bare ? await notificationsOf(effects, res.effects) : null
  const alone = bare && (notifications !== null || res.effects.every((e) => e.applied))
  // The payload serialised once: the statement's parameter, and parsed back for the answer (as it is stored).
  const payloadJson = JSON.stringify(payload)
  // The item's `data` column is not written: no event changes it (the engine's data lives in the snapshot), and the
  // write is at the version read.
  const seq = await writeEventRows(alone ? deps.db : await tx.begin(false), {
    item: { id: item.id, fromVersion: item.version, state: next.state, stateType, snapshot: next, dueDate: due, at, closed: stateType === 'closed' },
    event: { event: input.event, from: item.state, actorId: actor.userId, actorRole: actor.role, unitId: actor.unitId, payload, payloadJson },
    audit: { before: { state: item.state, version: item.version, due: item.dueDate }, after: { event: input.event, state: next.state, version: item.version + 1, due } },
    report: side.newReport,
    notifications: notifications ?? undefined,
  })
  if (seq === null) throw new VersionMoved(item.number)
  // Sent alone, the statement has committed: from here a failure must not take the event again.
  if (alone) progress.committedAlone = true
  if (notifications === null) await carryOutEffects(effects, res.effects)
  // The copies go with their task (same reason, same transaction; each copy's own copies follow it).
  if (copies.length > 0) {
    const inner = await tx.begin()
    const inTx: AppDeps = { ...deps, db: { dialect: deps.db.dialect, query: (sql, params) => inner.query(sql, params), transaction: (fn) => fn(inner), close: async () => undefined } }
    for (const c of copies.filter((x) => x.parentId === item.id)) await takeEvent(inTx, actor, c.id, { event: 'withdraw_dispatch', payload: { reason: payload['reason'] } })
  }
  // The history entry as eventsOf shows it (payload through JSON, as it is stored).
  const event = { seq, event: input.event, fromState: item.state, toState: next.state, actorId: actor.userId, actorRole: actor.role, unitId: actor.unitId, payload: JSON.parse(payloadJson) as unknown, at }
  // The row as updateItemState left it; units are read again only when the event replaced them.
  const units = side.unitsReplaced ? ((await unitsOf(tx, [item.id])).get(item.id) ?? []) : item.units
  const closedAt = stateType === 'closed' ? (item.closedAt ?? at) : null
  const after = { ...item, state: next.state, stateType, snapshot: next as unknown as Record<string, unknown>, dueDate: due, updatedAt: at, closedAt, version: item.version + 1, units }
  const { unitsReplaced: _u, newReport: _r, ...recorded } = side
  return { answer: itemAfterEvent(actor, after, today, { event, ...recorded }), after }
}

/**
 * The item's due date column after an event: a ticket's is its handling clock's due (it moves with pauses,
 * extensions, reassignment and reopening); a task's is its `due` field.
 */
export function dueDateOf(next: Snapshot, current: string | null): string | null {
  const handle = next.clocks['handle']
  if (next.kind === 'ticket') return handle?.dueAt ? localDate(handle.dueAt) : current
  return typeof next.data['due'] === 'string' && isIsoDate(next.data['due']) ? next.data['due'] : current
}

/** Descriptions of attachments already stored on the item; an unknown id is refused, naming it. */
async function storedAttachments(tx: Queryable, itemId: string, ids: readonly string[]): Promise<{ id: string; name: string; size: number; mime: string }[]> {
  if (ids.length === 0) return []
  const { rows } = await tx.query<{ id: string; name: string; size: number; mime: string }>(
    `SELECT id, name, size, mime FROM attachment WHERE item_id = $1 AND id = ANY($2::text[])`,
    [itemId, [...ids]],
  )
  const byId = new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, size: Number(r.size), mime: r.mime }]))
  return ids.map((id, i) => {
    const a = byId.get(id)
    if (!a) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `payload.attachments[${i}]: no attachment '${id}' on this item`, { where: `payload.attachments[${i}]` })
    return a
  })
}

/** Unit ids named by a reassignment must exist. */
async function unitsMustExist(tx: Queryable, payload: Record<string, unknown>, kind: KindDef): Promise<void> {
  for (const field of ['lead', 'responsible', 'cooperating']) {
    const v = payload[field]
    const ids = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
    if (ids.length === 0) continue
    const { rows } = await tx.query<{ id: string }>(`SELECT id FROM unit WHERE id = ANY($1::text[]) AND active`, [ids])
    const known = new Set(rows.map((r) => r.id))
    const missing = ids.find((id) => !known.has(id))
    // The kind's own name of the field (a ticket's lead is its 承办单位).
    if (missing) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `payload.${field}: no unit '${missing}'`, { where: `payload.${field}`, label: kind.fields[field]?.label })
  }
}

/** What sideRecords wrote that the answer shows: the report, or the extension request made or decided; whether the units changed. */
interface SideRecords {
  readonly report?: Record<string, unknown>
  readonly extensionRequest?: Record<string, unknown>
  readonly unitsReplaced?: boolean
  /** A report to write with the event's rows (writeEventRows), not yet written. */
  readonly newReport?: NewProgressReport
}

/** Writes what an event leaves besides the item row: a report, an extension request or its decision, new units. */
async function sideRecords(
  tx: Queryable,
  deps: AppDeps,
  actor: Actor,
  item: ItemRow,
  event: string,
  payload: Record<string, unknown>,
  next: Snapshot,
  today: string,
  at: string,
): Promise<SideRecords> {
  const lead = typeof next.data['lead'] === 'string' ? next.data['lead'] : null
  switch (event) {
    case 'report_progress':
    case 'submit_completion': {
      const cadence = (item.data['cadence'] as ReportingCadence | undefined) ?? undefined
      const { period, dueBy } = periodOf(cadence, today)
      const report = {
        id: deps.newId(),
        itemId: item.id,
        unitId: actor.unitId ?? lead ?? '',
        period: event === 'submit_completion' ? 'completion' : period,
        body: String(payload['text'] ?? ''),
        targetValues: Object.entries((payload['measures'] as Record<string, number> | undefined) ?? {}).map(([metric, value]) => ({ metric, value })),
        attachments: payload['attachments'] ?? [],
        onTime: dueBy === null || today <= dueBy,
        reportedBy: actor.userId,
        at,
      }
      // Written with the item and its event in one statement (writeEventRows).
      const { itemId: _i, at: reportedAt, ...shown } = report
      return { report: { ...shown, reportedAt, correction: null }, newReport: report } // as reportsOf shows it; a new report has no 更正 yet
    }
    case 'request_extension': {
      const id = deps.newId()
      await insertExtensionRequest(tx, {
        id,
        itemId: item.id,
        unitId: actor.unitId ?? lead ?? '',
        reason: String(payload['reason'] ?? ''),
        currentDue: item.dueDate,
        requestedDue: String(payload['newDue']),
        at,
      })
      return { extensionRequest: (await extensionsOf(tx, item.id)).find((e) => e.id === id) ?? { id } }
    }
    case 'approve_extension':
    case 'refuse_extension': {
      const pending = await pendingExtension(tx, item.id)
      if (pending) {
        await decideExtension(tx, {
          id: pending.id,
          status: event === 'approve_extension' ? 'approved' : 'refused',
          decidedBy: actor.userId,
          reason: typeof payload['reason'] === 'string' ? payload['reason'] : null,
          at,
        })
        return { extensionRequest: (await extensionsOf(tx, item.id)).find((e) => e.id === pending.id) ?? { id: pending.id } }
      }
      return {}
    }
    case 'dispatch':
    case 'reassign':
    case 'cooperate': {
      const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
      const rows: { unitId: string; role: ItemUnitRole }[] = []
      if (lead) rows.push({ unitId: lead, role: 'lead' })
      for (const u of ids(next.data['responsible'])) if (u !== lead) rows.push({ unitId: u, role: 'responsible' })
      for (const u of ids(next.data['cooperating'])) rows.push({ unitId: u, role: 'cooperating' })
      await replaceItemUnits(tx, item.id, rows)
      return { unitsReplaced: true }
    }
  }
  return {}
}

/** Stores an uploaded file on an item (POST /api/items/:id/attachments) for a later report to cite. */
export async function addAttachment(deps: AppDeps, actor: Actor, itemId: string, file: NewAttachment): Promise<{ id: string; name: string; size: number; mime: string }> {
  if (file.content.length > MAX_ATTACHMENT_BYTES) {
    throw new DubanError('DUBAN_ERR_ATTACHMENT_TOO_LARGE', `${file.name} is ${file.content.length} bytes, limit ${MAX_ATTACHMENT_BYTES}`, { where: 'file' })
  }
  if (file.content.length === 0) throw new DubanError('DUBAN_ERR_VALIDATION', `file: ${file.name} is empty`, { where: 'file' })
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const item = await visibleItem(tx, actor, itemId, true)
    const meta = await insertAttachment(tx, { id: deps.newId(), itemId: item.id, name: file.name, mime: file.mime, content: file.content, createdBy: actor.userId, at: now.toISOString() })
    await audit(tx, actor, now, { action: 'item.attach', entity: 'item', entityId: item.id, after: meta })
    return meta
  })
}
