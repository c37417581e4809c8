/**
 * Receiving a ticket (受理): from the desk (an operator), the public page or an Open311 client. Checks the
 * intake (checkIntake), resolves the category and its time limits for the ticket's tier, numbers it
 * GD-YYYY-NNNNNN, and writes the item, the ticket row, its snapshot, history and audit in one transaction;
 * with `dispatch` it goes on at once through the engine's dispatch (派单), allowed by the dispatch rules.
 */
import { createHash } from 'node:crypto'
import type { Db, Queryable, QueryOptions } from '../../persistence/db.ts'
import { insertAttachment, type ItemUnitRole } from '../../persistence/items.repo.ts'
import { insertReceivedTickets, type ReceivedTicket, type ReceivedWritten, type TicketCounter } from '../../persistence/ticket-intake.repo.ts'
import type { TicketRow } from '../../persistence/tickets.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { checkIntake, type IntakeChannel, type TicketIntakeFields } from '../../domain/tickets/intake.rules.ts'
import { limitsFor, tierOf } from '../../domain/tickets/time-limits.ts'
import { createSnapshot, localDate, transition, type Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { carryOutEffects, type EffectContext } from '../items/carry-out-effects.ts'
import { effectsRecorder, UnrecordedEffect } from '../plans/effects-recorder.ts'
import { calendarFor, chinaDate, currentTicketKind, engineActor } from '../items/item-engine.ts'
import { MAX_ATTACHMENT_BYTES } from '../items/take-event.ts'
import { dispatchAllowedAmong } from './dispatch-rules.ts'
import { activeUnits, intakeCategory } from './intake-lookups.ts'
import { ticketView, type TicketDetail } from './ticket-queries.ts'
import { duplicateSettings } from './duplicates.ts'
import { kickIntakeJobs } from './intake-followups.ts'

/** The prefix of ticket numbers (工单编号): GD-2026-000123. */
export const TICKET_NUMBER_PREFIX = 'GD'
/** Digits of the yearly sequence in a ticket number. */
export const TICKET_NUMBER_DIGITS = 6

/** A ticket as intake takes it (docs/tickets.md, POST /api/tickets). */
export interface TicketIntake extends TicketIntakeFields {
  readonly channel?: IntakeChannel | undefined
  readonly attachments?: readonly { name: string; mime?: string | undefined; contentBase64: string }[] | undefined
  /** Dispatch at once (派单) to a lead unit and cooperating units. */
  readonly dispatch?: { readonly lead: string; readonly cooperating?: readonly string[] | undefined } | undefined
}

/**
 * The requester's key (诉求人标识) kept in the snapshot for the engine's `requester` relation: a hash of the
 * phone, so the snapshot (shown to staff) never holds the number itself. The public page acts as this key.
 */
export function requesterKey(phone: string): string {
  return `citizen:${createHash('sha256').update(`duban-requester:${phone}`).digest('hex').slice(0, 24)}`
}

/** The public page's actor for a requester (诉求人): role citizen, no unit, scope of nothing but the engine's check. */
export function citizenActor(phone: string): Actor {
  return { userId: requesterKey(phone), role: 'citizen', unitId: null, scopeUnitIds: null }
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/

/** Receives a ticket and answers with it as the actor sees it (the system's view for public intake). */
export async function receiveTicket(
  deps: AppDeps,
  actor: Actor | null,
  input: TicketIntake,
  channel: IntakeChannel,
  /**
   * Look for duplicates (重复诉求: proposals and the 多次重复诉求 flag, duplicates.ts) after the ticket is stored: a job
   * written in the intake's transaction and done by the intake worker (intake-followups.ts) within about a second.
   */
  duplicates?: { readonly windowDays?: number | undefined },
): Promise<TicketDetail> {
  const checked = checkIntake(input, { channel })
  const duplicateWindow = duplicates ? duplicateSettings({ windowDays: duplicates.windowDays }).windowDays : null
  const files = (input.attachments ?? []).map((a, i) => {
    const where = `attachments[${i}]`
    if (typeof a.contentBase64 !== 'string' || !BASE64.test(a.contentBase64)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}.contentBase64 must be base64`, { where: `${where}.contentBase64` })
    const content = Buffer.from(a.contentBase64, 'base64')
    if (content.length > MAX_ATTACHMENT_BYTES) throw new DubanError('DUBAN_ERR_ATTACHMENT_TOO_LARGE', `${where} is ${content.length} bytes, limit ${MAX_ATTACHMENT_BYTES}`, { where })
    return { name: a.name.trim() || 'attachment', mime: a.mime || 'application/octet-stream', content }
  })
  const now = deps.clock.now()
  const at = now.toISOString()
  const kind = currentTicketKind()
  const who = actor ?? { userId: null, role: 'system' as const, unitId: null, scopeUnitIds: null }
  // Everything that needs no lock is done before the transaction: the lookups (kept in this process:
  // intake-lookups.ts), the refusals, the engine's snapshot and dispatch. The transaction writes only.
  const category = await intakeCategory(deps.db, checked.categoryCode)
  const units = await activeUnits(deps.db)
  const unitMustExist = (unitId: string, where: string): void => {
    if (!units.has(unitId)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}: no unit '${unitId}'`, { where })
  }
  if (checked.placeUnitId) unitMustExist(checked.placeUnitId, 'placeUnitId')
  const tier = tierOf(checked.requestType, checked.urgency)
  const limits = limitsFor({ timeLimits: category.timeLimits }, tier)
  const dispatch = input.dispatch
  if (dispatch) {
    unitMustExist(dispatch.lead, 'dispatch.lead')
    dispatchAllowedAmong(units, category, dispatch.lead, 'dispatch.lead')
    for (const [i, u] of (dispatch.cooperating ?? []).entries()) {
      unitMustExist(u, `dispatch.cooperating[${i}]`)
      dispatchAllowedAmong(units, category, u, `dispatch.cooperating[${i}]`)
    }
  }
  const { working } = await calendarFor(deps.db)
  const data: Record<string, unknown> = {
    channel,
    categoryCode: category.code,
    requestType: checked.requestType,
    urgency: checked.urgency,
    tier,
    limits,
    ...(checked.requesterPhone ? { requester: requesterKey(checked.requesterPhone) } : {}),
  }
  const engineWho = actor ? engineActor(actor) : undefined
  let snapshot: Snapshot = createSnapshot(kind, { data, ...(engineWho ? { actor: engineWho } : {}), now: at, calendar: working })
  const history: { event: string; from: string; to: string; payload: Record<string, unknown> }[] = [{ event: 'receive', from: '', to: snapshot.state, payload: { channel } }]
  let effects: Parameters<typeof carryOutEffects>[1] = []
  const before = snapshot
  if (dispatch) {
    const payload = { lead: dispatch.lead, ...(dispatch.cooperating?.length ? { cooperating: [...dispatch.cooperating] } : {}) }
    const res = transition(kind, snapshot, { type: 'dispatch', payload }, { actor: engineWho ?? { userId: 'system', roles: ['system'] }, now: at, calendar: working })
    if (!res.ok) throw new DubanError(res.error.code, `dispatch: ${res.error.message}`, { where: res.error.where ? `dispatch.${res.error.where}` : 'dispatch', ...(res.error.details ? { details: { ...res.error.details } } : {}) })
    history.push({ event: 'dispatch', from: snapshot.state, to: res.snapshot.state, payload })
    snapshot = res.snapshot
    effects = res.effects
  }
  const id = deps.newId()
  const seen = new Set<string>()
  const itemUnits: { unitId: string; role: ItemUnitRole }[] = (
    dispatch ? [{ unitId: dispatch.lead, role: 'lead' as const }, ...(dispatch.cooperating ?? []).map((unitId) => ({ unitId, role: 'cooperating' as const }))] : []
  ).filter((u) => !seen.has(`${u.unitId}/${u.role}`) && !!seen.add(`${u.unitId}/${u.role}`))
  const excerpt = [...checked.content.replace(/\s+/g, ' ')].slice(0, 30).join('')
  const title = `${category.name}：${excerpt}`
  const handleDue = snapshot.clocks['handle']?.dueAt
  const dueDate = handleDue ? localDate(handleDue) : null
  const stateType = kind.states[snapshot.state]?.type ?? 'open'
  const ticket = {
    channel,
    requestType: checked.requestType,
    categoryCode: category.code,
    categoryVersion: category.version,
    urgency: checked.urgency,
    anonymous: checked.anonymous,
    requesterName: checked.requesterName,
    requesterPhone: checked.requesterPhone,
    address: checked.address,
    lat: checked.lat,
    lng: checked.lng,
    placeUnitId: checked.placeUnitId,
    content: checked.content,
    receivedBy: actor?.userId ?? null,
  }
  const attachments = files.map((f) => ({ ...f, id: deps.newId() }))
  const item = { id, number: NUMBER_MARK, kind: kind.id, kindVersion: Number(kind.version), state: snapshot.state, stateType: 'waiting' as const, title, body: checked.content, planId: null, sourceLine: null, path: category.path, dueDate: null, snapshot: snapshot as unknown as Record<string, unknown>, data: {}, createdAt: at, updatedAt: at, closedAt: null, version: 1 }
  const effectsContext = (tx: Queryable, number: string): EffectContext => ({ tx, deps, actor: who, kind, item: { ...item, number }, before, after: snapshot, event: 'dispatch', payload: history[1]?.payload ?? {}, version: 1 })
  // The dispatch's notifications are worked out here and written by the group's statement (the number goes in there);
  // an effect that needs the transaction itself is carried out in it (writeAlone).
  const recorded = effects.length > 0 ? await recordEffects(effectsContext, units, effects) : []
  const written = await intakeInGroup(deps.db, {
    counter: { prefix: TICKET_NUMBER_PREFIX, year: Number(chinaDate(now).slice(0, 4)), digits: TICKET_NUMBER_DIGITS },
    row: {
      item: {
        id,
        kind: kind.id,
        kindVersion: Number(kind.version),
        state: snapshot.state,
        stateType,
        title,
        body: checked.content,
        path: category.path,
        dueDate,
        snapshot,
        data: { channel, categoryCode: category.code, requestType: checked.requestType, urgency: checked.urgency },
      },
      units: itemUnits,
      ticket,
      jobWindowDays: duplicateWindow,
      at,
      events: history,
      actor: { id: who.userId, role: who.role, unitId: who.unitId },
      audit: {
        action: 'ticket.receive',
        entity: 'item',
        after: { channel, categoryCode: category.code, categoryVersion: category.version, tier, limits, state: snapshot.state, lead: dispatch?.lead ?? null },
      },
      notifications: recorded ?? [],
    },
    inTransaction:
      attachments.length > 0 || recorded === null
        ? async (tx, number) => {
            for (const f of attachments) await insertAttachment(tx, { id: f.id, itemId: id, name: f.name, mime: f.mime, content: f.content, createdBy: actor?.userId ?? null, at })
            if (recorded === null) await carryOutEffects(effectsContext(tx, number), effects)
          }
        : null,
  })
  // The answer is built from what was written (as GET /api/tickets/:id reads it back), not read again.
  const row: TicketRow = {
    id,
    number: written.number,
    state: snapshot.state,
    stateType,
    kindVersion: Number(kind.version),
    version: 1,
    snapshot: JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>,
    dueDate,
    createdAt: at,
    closedAt: null,
    ...ticket,
    categoryName: category.name,
    placeUnitName: checked.placeUnitId ? (units.get(checked.placeUnitId)?.name ?? null) : null,
    receivedAt: at,
    citizenRating: null,
    citizenComment: null,
    ratedAt: null,
    ratedReplyAt: null,
    problemReason: null,
  }
  const ROLE_ORDER = ['lead', 'responsible', 'cooperating']
  const viewUnits = itemUnits
    .map((u) => ({ unitId: u.unitId, unitName: units.get(u.unitId)?.name ?? u.unitId, role: u.role }))
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || (a.unitName < b.unitName ? -1 : a.unitName > b.unitName ? 1 : 0))
  const detail: TicketDetail = {
    ...ticketView(row, who, now, { units: viewUnits, categoryPath: category.path, replies: undefined }),
    history: history.map((h, i) => ({
      seq: written.seqs[i],
      event: h.event,
      fromState: h.from,
      toState: h.to,
      actorId: who.userId,
      actorRole: who.role,
      unitId: who.unitId,
      payload: JSON.parse(JSON.stringify(h.payload)) as unknown,
      at,
    })),
    attachments: attachments.map((f) => ({ id: f.id, name: f.name, size: f.content.length, mime: f.mime })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    notices: [],
    // A ticket just received has told its requester nothing yet (requester-messages.ts).
    requesterMessages: [],
    citizenRatings: [],
  }
  if (duplicateWindow !== null) kickIntakeJobs(deps.db)
  return detail
}

/** Most tickets one group statement takes. */
export const INTAKE_GROUP_MAX = 64

/**
 * Stands in the ticket's title of notifications for its number, which the statement takes from the counter: the
 * statement writes each title as the part before it, the number, the part after it. checkIntake refuses control
 * characters in every field, so the mark cannot come from a request (and a title holding it other than once is
 * carried out in the transaction instead).
 */
const NUMBER_MARK = '\u0001number\u0001'

type Notification = ReceivedTicket['notifications'][number]

/**
 * The effects of the dispatch (its notifications) as rows for the intake statement: carryOutEffects run against a
 * recorder (effects-recorder.ts) that answers the handler's unit read from the active units this process keeps. Null
 * when an effect does more than notify units (a user read, a 督办单): then it is carried out in the transaction.
 */
async function recordEffects(
  context: (tx: Queryable, number: string) => EffectContext,
  units: ReadonlyMap<string, unknown>,
  effects: Parameters<typeof carryOutEffects>[1],
): Promise<Notification[] | null> {
  const recorder = effectsRecorder(new Set(units.keys()), new Set())
  const q: Queryable = {
    async query<T>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<{ rows: T[] }> {
      if (/FROM app_user/.test(sql)) throw new UnrecordedEffect('user read')
      return recorder.q.query<T>(sql, params, options)
    },
  }
  try {
    await carryOutEffects(context(q, NUMBER_MARK), effects)
  } catch (e) {
    if (e instanceof UnrecordedEffect) return null
    throw e
  }
  const out: Notification[] = []
  for (const n of recorder.notifications) {
    const parts = n.title.split(NUMBER_MARK)
    if (parts.length !== 2 || n.body.includes(NUMBER_MARK)) return null
    out.push({ id: n.id, dedupeKey: n.dedupeKey, userId: n.userId ?? null, unitId: n.unitId ?? null, role: n.role ?? null, type: n.type, titleHead: parts[0]!, titleTail: parts[1]!, body: n.body, at: n.at.toISOString() })
  }
  return out
}

/** One ticket to write: its rows, and what must run in a transaction with them (attachments, unrecorded effects). */
export interface IntakeWrite {
  readonly counter: TicketCounter
  readonly row: ReceivedTicket
  readonly inTransaction: ((tx: Queryable, number: string) => Promise<void>) | null
}

interface IntakeJob {
  readonly write: IntakeWrite
  readonly resolve: (v: ReceivedWritten) => void
  readonly reject: (e: unknown) => void
}

/** The tickets waiting for this database's next group, and whether a group is being written. */
interface IntakeQueue {
  readonly jobs: IntakeJob[]
  busy: boolean
}

/**
 * Group commit (成组提交) for ticket intake. Every intake takes the same counter row lock (the ticket number)
 * and pays one COMMIT (a WAL flush); under load those, not the work, set the pace. So while one group is
 * being written, the tickets that arrive wait and are then written together by one statement (insertReceivedTickets:
 * every row of every ticket, one counter update), which on its own is its own transaction: one round trip. Each
 * ticket is answered only after the COMMIT that stores it. A lone ticket waits for nothing (no timer window: the
 * batch forms only while the database is busy). If the group's statement fails (a unit or category removed meanwhile
 * by another process, which the checks before could not see), nothing of it was stored and each of its tickets is
 * written again on its own, so one ticket's refusal takes no neighbour with it. Without a DbMemo (a wrapper), each
 * ticket is written on its own.
 */
export function intakeInGroup(db: Db, write: IntakeWrite): Promise<ReceivedWritten> {
  if (!db.memo) return writeAlone(db, write)
  const queue = db.memo.slot<IntakeQueue>('ticket-intake', () => ({ jobs: [], busy: false }))
  return new Promise<ReceivedWritten>((resolve, reject) => {
    queue.jobs.push({ write, resolve, reject })
    if (!queue.busy) void writeGroups(db, queue)
  })
}

/** One ticket's statement, in a transaction with its attachments and unrecorded effects when it has any. */
async function writeAlone(db: Db, write: IntakeWrite): Promise<ReceivedWritten> {
  const extra = write.inTransaction
  if (!extra) return (await insertReceivedTickets(db, write.counter, [write.row]))[0]!
  return db.transaction(async (tx) => {
    const [w] = await insertReceivedTickets(tx, write.counter, [write.row])
    await extra(tx, w!.number)
    return w!
  })
}

async function writeGroups(db: Db, queue: IntakeQueue): Promise<void> {
  queue.busy = true
  // The answers of the group just stored, given once the next group's statement is on its way: answering a group
  // (each request's reply, its serialization and socket write, all in microtasks) used to run between one group's
  // COMMIT and the next group's statement, so the database waited on Node for every group. Each ticket is still
  // answered only after the COMMIT that stored it; the next statement is sent first, that is all.
  // The answers wait for the ticks that send the statement: pg's pool hands the statement a client in a
  // process.nextTick, which would otherwise run after every answer's microtasks.
  let answer: (() => void) | null = null
  const answerNow = (): void => {
    const a = answer
    answer = null
    if (a) process.nextTick(a)
  }
  try {
    while (queue.jobs.length > 0) {
      // One turn of the event loop first, for the tickets admitted with this one to reach the queue. On PGlite the
      // statement runs on the loop without waiting for I/O, so the other requests' pre-work (parse, checks, engine,
      // all in microtasks) ran only after it: every group was of one ticket, however many were admitted. On pg the
      // statement's round trip gave them that time already. Not after a group: the tickets queued while it was
      // written are the next group, and the turn would hold it back behind the last group's answers.
      if (!answer) await new Promise<void>((resolve) => setImmediate(resolve))
      // One counter per statement: a group ends where the year (or prefix) changes.
      const first = queue.jobs[0]!.write.counter
      let n = 1
      while (n < queue.jobs.length && n < INTAKE_GROUP_MAX && sameCounter(queue.jobs[n]!.write.counter, first)) n++
      const group = queue.jobs.splice(0, n)
      if (group.length === 1) {
        const [job] = group as [IntakeJob]
        const alone = writeAlone(db, job.write)
        answerNow()
        const settled = await alone.then(
          (w) => () => job.resolve(w),
          (e: unknown) => () => job.reject(e),
        )
        answer = settled
        continue
      }
      const rows = group.map((j) => j.write.row)
      const extras = group.filter((j) => j.write.inTransaction)
      const writing = extras.length === 0
        ? insertReceivedTickets(db, first, rows)
        : db.transaction(async (tx) => {
            const w = await insertReceivedTickets(tx, first, rows)
            for (const [i, j] of group.entries()) if (j.write.inTransaction) await j.write.inTransaction(tx, w[i]!.number)
            return w
          })
      answerNow()
      let written: ReceivedWritten[]
      try {
        written = await writing
      } catch {
        // Nothing of the group was stored: each ticket on its own, so one cannot fail another.
        for (const job of group) await writeAlone(db, job.write).then(job.resolve, job.reject)
        continue
      }
      answer = () => group.forEach((job, i) => job.resolve(written[i]!))
    }
  } finally {
    queue.busy = false
    answerNow()
  }
}

const sameCounter = (a: TicketCounter, b: TicketCounter): boolean => a.prefix === b.prefix && a.year === b.year && a.digits === b.digits
