/**
 * Receiving a ticket (受理): from the desk (an operator), the public page or an Open311 client. Checks the
 * intake (checkIntake), resolves the category and its time limits for the ticket's tier, numbers it
 * GD-YYYY-NNNNNN, and writes the item, the ticket row, its snapshot, history and audit in one transaction;
 * with `dispatch` it goes on at once through the engine's dispatch (派单), allowed by the dispatch rules.
 */
import { createHash } from 'node:crypto'
import type { Db, Queryable } from '../../persistence/db.ts'
import { insertAttachment, type ItemUnitRole } from '../../persistence/items.repo.ts'
import { insertIntakeEvents, insertReceivedTicket } from '../../persistence/ticket-intake.repo.ts'
import type { TicketRow } from '../../persistence/tickets.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { checkIntake, type IntakeChannel, type TicketIntakeFields } from '../../domain/tickets/intake.rules.ts'
import { limitsFor, tierOf } from '../../domain/tickets/time-limits.ts'
import { createSnapshot, localDate, transition, type Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { carryOutEffects } from '../items/carry-out-effects.ts'
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
  const written = await intakeInGroup(deps.db, async (tx) => {
    const number = await insertReceivedTicket(tx, {
      prefix: TICKET_NUMBER_PREFIX,
      year: Number(chinaDate(now).slice(0, 4)),
      digits: TICKET_NUMBER_DIGITS,
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
    })
    for (const f of attachments) await insertAttachment(tx, { id: f.id, itemId: id, name: f.name, mime: f.mime, content: f.content, createdBy: actor?.userId ?? null, at })
    const seqs = await insertIntakeEvents(tx, id, { actorId: who.userId, actorRole: who.role, unitId: who.unitId }, history, at)
    await audit(tx, who, now, {
      action: 'ticket.receive',
      entity: 'item',
      entityId: id,
      after: { number, channel, categoryCode: category.code, categoryVersion: category.version, tier, limits, state: snapshot.state, lead: dispatch?.lead ?? null },
    })
    if (effects.length > 0) {
      const item = { id, number, kind: kind.id, kindVersion: Number(kind.version), state: snapshot.state, stateType: 'waiting' as const, title, body: checked.content, planId: null, sourceLine: null, path: category.path, dueDate: null, snapshot: snapshot as unknown as Record<string, unknown>, data: {}, createdAt: at, updatedAt: at, closedAt: null, version: 1 }
      await carryOutEffects({ tx, deps, actor: who, kind, item, before, after: snapshot, event: 'dispatch', payload: history[1]?.payload ?? {}, version: 1 }, effects)
    }
    return { number, seqs }
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
  }
  if (duplicateWindow !== null) kickIntakeJobs(deps.db)
  return detail
}

/** Most tickets one group transaction takes. */
export const INTAKE_GROUP_MAX = 64

type IntakeWork = (tx: Queryable) => Promise<Written>

/** What the transaction answers: the ticket's number and its history rows' seq. */
interface Written {
  readonly number: string
  readonly seqs: readonly number[]
}

interface IntakeJob {
  readonly work: IntakeWork
  readonly resolve: (v: Written) => void
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
 * being written, the tickets that arrive wait and are then written together in one transaction, each in its
 * own SAVEPOINT: a ticket that fails (an unknown unit, a refused dispatch) is rolled back to its savepoint
 * and refused alone, its neighbours are kept. Each ticket is answered only after the COMMIT that stores it.
 * A lone ticket waits for nothing (no timer window: the batch forms only while the database is busy). If the
 * group transaction itself fails (its COMMIT or a savepoint statement), nothing of it was stored and each of
 * its tickets is written again on its own. Without a DbMemo (a wrapper), each ticket has its own transaction.
 */
function intakeInGroup(db: Db, work: IntakeWork): Promise<Written> {
  if (!db.memo) return db.transaction(work)
  const queue = db.memo.slot<IntakeQueue>('ticket-intake', () => ({ jobs: [], busy: false }))
  return new Promise<Written>((resolve, reject) => {
    queue.jobs.push({ work, resolve, reject })
    if (!queue.busy) void writeGroups(db, queue)
  })
}

async function writeGroups(db: Db, queue: IntakeQueue): Promise<void> {
  queue.busy = true
  try {
    while (queue.jobs.length > 0) {
      const group = queue.jobs.splice(0, INTAKE_GROUP_MAX)
      if (group.length === 1) {
        const [job] = group as [IntakeJob]
        await db.transaction(job.work).then(job.resolve, job.reject)
        continue
      }
      const outcomes: ({ ok: true; value: Written } | { ok: false; error: unknown })[] = []
      try {
        await db.transaction(async (tx) => {
          for (const job of group) {
            await tx.query('SAVEPOINT duban_intake')
            try {
              outcomes.push({ ok: true, value: await job.work(tx) })
              await tx.query('RELEASE SAVEPOINT duban_intake')
            } catch (error) {
              await tx.query('ROLLBACK TO SAVEPOINT duban_intake')
              outcomes.push({ ok: false, error })
            }
          }
        })
      } catch {
        // Nothing of the group was stored: each ticket on its own, so one cannot fail another.
        for (const job of group) await db.transaction(job.work).then(job.resolve, job.reject)
        continue
      }
      group.forEach((job, i) => {
        const o = outcomes[i]!
        if (o.ok) job.resolve(o.value)
        else job.reject(o.error)
      })
    }
  } finally {
    queue.busy = false
  }
}
