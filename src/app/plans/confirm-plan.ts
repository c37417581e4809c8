/**
 * Confirm a plan (确认立项): every included item of the chosen documents becomes a task, numbered
 * DB-YYYY-NNNN, with its units, targets, cadence and due date, taken through the engine's `confirm`
 * and `dispatch`, with its audit entries; all or nothing for the user, written in chunks of short transactions so
 * other requests (on PGlite: every other request) interleave with a large plan's confirm.
 */
import { reserveItemNumbers, type ItemRow, type ItemUnitRole } from '../../persistence/items.repo.ts'
import { insertItemEvents, insertItems } from '../../persistence/items-bulk.repo.ts'
import { insertNotifications, insertUnsealedAuditRows } from '../../persistence/supervision-batch.repo.ts'
import { findPlan } from '../../persistence/plans.repo.ts'
import { announceConfirm, confirmHold, draftStamp, finishConfirming, renewConfirming, setConfirmedDraft, startConfirming, undoConfirming } from '../../persistence/plan-confirm.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { checkDueDate } from '../../domain/calendar/due-date.rules.ts'
import { DubanError } from '../../domain/errors.ts'
import { assertPlanInScope } from '../../domain/users/data-scope-plan.ts'
import { createSnapshot, transition, type Snapshot } from '../../domain/workflow/index.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { carryOutEffects } from '../items/carry-out-effects.ts'
import { calendarFor, chinaDate, currentTaskKind, engineActor } from '../items/item-engine.ts'
import type { DraftItem, PlanDraft } from '../../domain/plans/plan-draft.types.ts'
import { includedItems, planProblems, planView, type PlanView } from './plan.view.ts'
import { expandedUnitsOf, insertChildCopies } from './expand-collective.ts'
import { insertLeadShares } from '../items/item-shares.ts'
import { effectsRecorder, UnrecordedEffect } from './effects-recorder.ts'
import { roundSoon } from '../supervision/round-soon.ts'
import { yieldTurn } from '../yield-turn.ts'

/** The prefix of task numbers (督办编号). */
export const TASK_NUMBER_PREFIX = 'DB'

/** What confirming produced: the plan and the tasks, by draft item number. */
export interface ConfirmResult {
  readonly plan: PlanView
  readonly tasks: readonly { readonly n: number; readonly id: string; readonly number: string; readonly children?: readonly { id: string; number: string; unitId: string }[] }[]
}

/** Items whose next-state computation runs between two pauses (PGlite shares this thread). */
const COMPUTE_SLICE = 25

/**
 * Tasks written per transaction: each chunk holds PGlite's one connection (and the plan's row lock) briefly. On PGlite
 * a chunk's transaction is also one stretch of the event loop (its statements run in WASM and their awaits are
 * microtasks), so every request in flight waits for the whole chunk: 10 halves that wait against 20 (median CPU per
 * transaction 10.6/12.2 ms against 19.7/21.4, in process at load 9-10) for about the same CPU in all (1,185/1,408 ms
 * against 1,244/1,266 for a 1,000-task plan, alternated 20 10 10 20).
 */
export const CONFIRM_CHUNK = 10

/**
 * After each slice of its work (a computed slice, a written chunk) the confirm waits PACE times as long as the slice
 * took, so it takes at most 1/(1 + PACE) of the thread and of PGlite's one connection: with a closed loop of
 * reporters whose requests queue for the one write slot, their latency grows by about 1/(1 − share), 1.5× at PACE 2
 * (at PACE 1 it was 2×, and the `peer` scenario measured 2.24×).
 */
const PACE = 2

/**
 * The longest pause between two slices. Under heavy load a chunk's work takes 0.5–1 s where it took 15–35 ms on a
 * quiet machine; a lower cap (it was 200 ms) then gave the confirm most of the thread again.
 */
const PAUSE_MAX_MS = 2_000

/** Waits PACE times `ms` (at least 1 ms, at most PAUSE_MAX_MS). */
const paced = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.min(PAUSE_MAX_MS, Math.max(1, PACE * ms))))

/** How often a confirm still computing renews its note on the draft (confirm-gate.ts counts one older than 15 s as gone). */
const ANNOUNCE_EVERY_MS = 5_000

/** A 'confirming' plan whose hold was not renewed for this long is taken to be abandoned (its process died). */
export const CONFIRM_LEASE_MS = 120_000

/** The draft changed between the unlocked read and the transaction: compute again (at most MAX_ATTEMPTS times). */
class DraftMoved extends Error {}
const MAX_ATTEMPTS = 3

/** For tests: the chunk size, and a hook run after each chunk commits (a throw there is a failure mid-way). */
export interface ConfirmOptions {
  readonly chunkSize?: number
  readonly afterChunk?: (chunk: number) => Promise<void> | void
}

/**
 * Confirms a draft plan into tasks (POST /api/plans/:id/confirm), all or nothing for the user, without holding the
 * database for the whole plan (docs/write-path.md, "Confirming a plan"):
 *  1. the checks and every task's confirm and dispatch through the engine run first, on an unlocked read of the
 *     plan, yielding to other requests as they go;
 *  2. a short transaction locks the plan, checks it is still the same draft (else 1 again), reserves the numbers
 *     and puts the plan into 'confirming' under this confirm's token;
 *  3. the tasks are written CONFIRM_CHUNK at a time, one short transaction each (items, units, events,
 *     notifications, audit rows in a few set-based statements), each renewing the hold, with a pause as long as
 *     the chunk's work took (PACE times, at most PAUSE_MAX_MS) before the next, so other requests get most of the database;
 *  4. a last short transaction stores the task numbers in the draft and marks the plan confirmed.
 * When 3 or 4 fails, what was written is deleted and the plan is a draft again (audited as plan.confirm.undone);
 * a plan left 'confirming' by a process that died is undone the same way by the next confirm once its lease ran out.
 */
export async function confirmPlan(deps: AppDeps, actor: Actor, planId: string, opts: ConfirmOptions = {}): Promise<ConfirmResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await confirmOnce(deps, actor, planId, opts)
    } catch (e) {
      if (!(e instanceof DraftMoved) || attempt >= MAX_ATTEMPTS) throw e instanceof DraftMoved ? new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${planId} kept changing while it was confirmed; try again`, { where: 'status' }) : e
    }
  }
}

/** One task as computed before the transaction. */
interface Prepared {
  readonly it: DraftItem
  readonly id: string
  readonly units: ReturnType<typeof assignees>
  readonly leads: string[]
  readonly snapshot: Snapshot
  readonly history: { event: string; from: string; to: string; payload: Record<string, unknown> }[]
  readonly effects: { event: string; payload: Record<string, unknown>; before: Snapshot; after: Snapshot; effects: Parameters<typeof carryOutEffects>[1] }[]
  readonly data: Record<string, unknown>
}

/** Undoes a confirm that cannot finish (its own, or an abandoned one), audited; the plan is a draft again. */
async function undoConfirm(deps: AppDeps, actor: Actor, planId: string, why: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const removed = await undoConfirming(tx, planId)
    await audit(tx, actor, deps.clock.now(), { action: 'plan.confirm.undone', entity: 'plan', entityId: planId, after: { removedTasks: removed, reason: why } })
  })
}

async function confirmOnce(deps: AppDeps, actor: Actor, planId: string, opts: ConfirmOptions): Promise<ConfirmResult> {
  const now = deps.clock.now()
  const at = now.toISOString()
  const kind = currentTaskKind()
  const stampBefore = await draftStamp(deps.db, planId)
  const row = await findPlan(deps.db, planId)
  if (!row) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${planId}`, { where: 'id' })
  if ((row.status as string) === 'confirming') {
    const hold = await confirmHold(deps.db, planId)
    if (hold && now.getTime() - Date.parse(hold.at) < CONFIRM_LEASE_MS) {
      throw new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${planId} is being confirmed`, { where: 'status' })
    }
    await undoConfirm(deps, actor, planId, 'abandoned: its confirm stopped before it finished')
    throw new DraftMoved() // read it again, now a draft
  }
  if (row.status !== 'draft') throw new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${planId} is ${row.status}`, { where: 'status' })
  const items = includedItems(row.draft)
  assertPlanInScope(actor.scopeUnitIds, items) // 数据范围: a district 督查室 dispatches inside its district only
  if (items.length === 0) throw new DubanError('DUBAN_ERR_PLAN_EMPTY', 'include at least one item before confirming', { where: 'items' })
  // Reading the draft (about 600 kB for 1,000 items: PGlite's statement and the JSON's parse) and checking it are two
  // stretches of the event loop: other requests run between them.
  await yieldTurn()
  const problems = planProblems(row.draft)
  const first = problems[0]
  if (first) {
    throw new DubanError('DUBAN_ERR_PLAN_INCOMPLETE', `item ${first.n} ${first.field}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
      where: `items[${first.n}].${first.field}`,
      details: { problems },
    })
  }
  const { calendar, working } = await calendarFor(deps.db)
  // The due-date checks yield every COMPUTE_SLICE items too: 1,000 of them in one go held the event loop 14–72 ms
  // (load 9), after the draft's parse, and a stall holds every request in flight at once.
  for (const [i, it] of items.entries()) {
    if (i % COMPUTE_SLICE === 0) await yieldTurn()
    const check = it.due ? checkDueDate(calendar, it.due) : null
    if (check && !check.ok) {
      throw new DubanError('DUBAN_ERR_DUE_NOT_WORKING_DAY', `item ${it.n} due: ${it.due} is a ${check.holiday ?? check.reason}; try ${check.suggestion}`, {
        where: `items[${it.n}].due`,
        details: { suggestion: check.suggestion },
      })
    }
  }
  // From here the scheduler's round waits for this confirm (confirm-gate.ts): noted on the draft, renewed as it computes.
  await announceConfirm(deps.db, planId, deps.clock.now())
  let announced = performance.now()
  const who = engineActor(actor)
  const prepared: Prepared[] = []
  let sliceFrom = performance.now()
  for (const [i, it] of items.entries()) {
    if (i > 0 && i % COMPUTE_SLICE === 0) {
      await paced(performance.now() - sliceFrom)
      if (performance.now() - announced > ANNOUNCE_EVERY_MS) {
        await announceConfirm(deps.db, planId, deps.clock.now())
        announced = performance.now()
      }
      sliceFrom = performance.now()
    }
    const units = assignees(it)
    // Several 牵头单位 each own the item in full (`leads`, shared work: item-shares.ts).
    const leads = units.rows.filter((u) => u.role === 'lead').map((u) => u.unitId)
    const shared = leads.length > 1 ? { leads } : {}
    let snapshot: Snapshot = createSnapshot(kind, { data: { targets: it.targets, cadence: it.cadence, ...shared }, actor: who, now: at, calendar: working })
    const history: Prepared['history'] = []
    const effects: Prepared['effects'] = []
    const steps: { type: string; payload: Record<string, unknown> }[] = [
      { type: 'confirm', payload: { due: it.due } },
      { type: 'dispatch', payload: { lead: units.lead, responsible: units.responsible, cooperating: units.cooperating, due: it.due } },
    ]
    for (const ev of steps) {
      const res = transition(kind, snapshot, ev, { actor: who, now: at, calendar: working })
      if (!res.ok) throw new DubanError(res.error.code, `item ${it.n} (${res.error.message})`, { where: `items[${it.n}]`, details: { ...res.error.details } })
      history.push({ event: ev.type, from: snapshot.state, to: res.snapshot.state, payload: ev.payload })
      effects.push({ event: ev.type, payload: ev.payload, before: snapshot, after: res.snapshot, effects: res.effects })
      snapshot = res.snapshot
    }
    const data = { targets: it.targets, cadence: it.cadence ?? kind.reporting, planItem: it.n, document: it.document, marker: it.marker }
    prepared.push({ it, id: deps.newId(), units, leads, snapshot, history, effects, data })
  }
  // The draft read is the one stamped before and after it (the transaction below compares the stamp, not the draft).
  const stamp = await draftStamp(deps.db, planId)
  if (!stamp || stamp.hash !== stampBefore?.hash) throw new DraftMoved()

  // 2. The plan taken into 'confirming' under this confirm's token, its numbers reserved.
  const token = deps.newId()
  const numbers = await deps.db.transaction(async (tx) => {
    const locked = await draftStamp(tx, planId, true)
    if (!locked) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${planId}`, { where: 'id' })
    if (locked.status !== 'draft') throw new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${planId} is ${locked.status}`, { where: 'status' })
    if (locked.hash !== stamp.hash) throw new DraftMoved()
    await startConfirming(tx, planId, token, deps.clock.now())
    return reserveItemNumbers(tx, TASK_NUMBER_PREFIX, Number(chinaDate(now).slice(0, 4)), prepared.length)
  })
  const held = async (tx: Queryable): Promise<void> => {
    if (!(await renewConfirming(tx, planId, token, deps.clock.now()))) throw new DubanError('DUBAN_ERR_PLAN_STATUS_CONFLICT', `plan ${planId}: its confirm was taken over`, { where: 'status' })
  }
  try {
    // 3. The tasks, a chunk per transaction.
    const size = Math.max(1, opts.chunkSize ?? CONFIRM_CHUNK)
    const tasks: ConfirmResult['tasks'][number][] = []
    // The units named, read once: the chunks' effects are worked out in Node before their transactions.
    const unitIds = [...new Set(prepared.flatMap((p) => p.units.rows.map((u) => u.unitId)))]
    const known = new Set((await deps.db.query<{ id: string }>('SELECT id FROM unit WHERE id = ANY($1::text[])', [unitIds])).rows.map((r) => r.id))
    let lastChunkMs = 0
    for (let from = 0, chunk = 0; from < prepared.length; from += size, chunk++) {
      // Off the hot path: after each chunk the confirm waits PACE times as long as the chunk took, so the requests
      // waiting for the database (on PGlite: for the one connection and the event loop) get most of it meanwhile.
      if (from > 0) await paced(lastChunkMs)
      // Its work: the rows worked out in Node, and the time it holds the connection (not the time it waits for it).
      const t0 = performance.now()
      const rows = await chunkRows(deps, actor, planId, kind, prepared.slice(from, from + size), numbers.slice(from, from + size), now, known)
      const workMs = performance.now() - t0
      // Held from the first statement to the end of COMMIT (which the callback does not see: on a PGlite data
      // directory BEGIN + COMMIT are ~0.5-0.75 ms of CPU of their own, the WAL written through Node's fs).
      let held0 = NaN
      tasks.push(...(await deps.db.transaction(async (tx) => {
        held0 = performance.now()
        await held(tx)
        return writeTasks(tx, deps, actor, kind, rows, now)
      })))
      lastChunkMs = workMs + (performance.now() - held0)
      await opts.afterChunk?.(chunk)
    }
    // 4. The plan confirmed, its draft pointing at its tasks. The draft is the one read and stamped before (a
    // 'confirming' plan cannot be edited): its new text is made here, outside the transaction, which then only stores it
    // (rebuilding the 1,000 items' JSON in the database held PGlite's connection for 45–90 ms of CPU).
    await paced(lastChunkMs)
    const byN = new Map(tasks.map((t) => [t.n, t]))
    const draft: PlanDraft = {
      ...row.draft,
      items: row.draft.items.map((it) => {
        const t = byN.get(it.n)
        return t ? { ...it, itemId: t.id, number: t.number } : it
      }),
    }
    const draftText = JSON.stringify(draft)
    let finalMs = 0
    await deps.db.transaction(async (tx) => {
      const f0 = performance.now()
      await held(tx)
      await setConfirmedDraft(tx, planId, draftText)
      await finishConfirming(tx, planId, at)
      await audit(tx, actor, now, { action: 'plan.confirm', entity: 'plan', entityId: planId, after: { tasks: tasks.length, first: tasks[0]?.number ?? null, last: tasks.at(-1)?.number ?? null } })
      finalMs = performance.now() - f0
    })
    // The new tasks' clocks and assessment marks met by one paced round of the scheduler a second from now, not all at
    // once by the minute's round beside whatever runs then (round-soon.ts).
    roundSoon(deps)
    // The answer (the plan's view, about 600 kB for 1,000 tasks, then its serialisation) is one more stretch of the
    // event loop: the requests that waited for the last transaction go first.
    await paced(finalMs)
    const plan = planView({ ...row, draft, status: 'confirmed', confirmedAt: at })
    // Its serialisation (Fastify's, after the handler) is another: a turn for the others between the two.
    await yieldTurn()
    return { plan, tasks }
  } catch (e) {
    // Only the holder undoes: a confirm that lost its hold leaves the plan to the one that took it.
    const hold = await confirmHold(deps.db, planId).catch(() => null)
    if (hold?.token === token) await undoConfirm(deps, actor, planId, e instanceof Error ? e.message : String(e))
    throw e
  }
}

/** A chunk of computed tasks as rows to write, worked out in Node before its transaction. */
interface ChunkRows {
  readonly planId: string
  readonly prepared: readonly Prepared[]
  readonly numbers: readonly string[]
  readonly items: Parameters<typeof insertItems>[1]
  readonly events: Parameters<typeof insertItemEvents>[1]
  readonly notifications: Parameters<typeof insertNotifications>[1]
  readonly audits: Parameters<typeof insertUnsealedAuditRows>[1]
  /** Sets of leads (shared work) and the tasks they lead. */
  readonly shares: readonly { leads: string[]; ids: string[] }[]
  /** Tasks whose effects the recorder could not stand in for: carried out on the real transaction. */
  readonly unrecorded: readonly { ctx: Omit<Parameters<typeof carryOutEffects>[0], 'tx'>; effects: Parameters<typeof carryOutEffects>[1] }[]
}

/**
 * The rows of a chunk: items, units, events, the steps' effects (交办 notifies the assignees, carried out as for any
 * event against a recorder that keeps the notifications), the `item.create` audit rows and the leads' shares. Done
 * before the chunk's transaction, so that transaction holds PGlite's connection for its statements only.
 */
async function chunkRows(
  deps: AppDeps, actor: Actor, planId: string, kind: ReturnType<typeof currentTaskKind>, prepared: readonly Prepared[], numbers: readonly string[], now: Date, knownUnits: ReadonlySet<string>,
): Promise<ChunkRows> {
  const at = now.toISOString()
  const state = (p: Prepared): string => kind.states[p.snapshot.state]?.type ?? 'open'
  const items = prepared.map((p, i) => ({
    item: {
      id: p.id, number: numbers[i] ?? '', kind: kind.id, kindVersion: Number(kind.version), state: p.snapshot.state, stateType: state(p),
      title: p.it.title, body: p.it.text, planId, sourceLine: p.it.line, path: p.it.path, dueDate: p.it.due, snapshot: p.snapshot, data: p.data, at,
    },
    units: p.units.rows,
  }))
  const events = prepared.flatMap((p) => p.history.map((h) => ({ itemId: p.id, event: h.event, from: h.from, to: h.to, actorId: actor.userId, actorRole: actor.role, unitId: actor.unitId, payload: h.payload, at })))
  const recorder = effectsRecorder(knownUnits, new Set(actor.userId ? [actor.userId] : []))
  const unrecorded: ChunkRows['unrecorded'][number][] = []
  for (const [i, p] of prepared.entries()) {
    const r = items[i]!.item
    const item: ItemRow = { ...r, stateType: r.stateType as ItemRow['stateType'], snapshot: p.snapshot as unknown as Record<string, unknown>, data: p.data, createdAt: at, updatedAt: at, closedAt: null, version: 1 }
    for (const e of p.effects) {
      const ctx = { deps, actor, kind, item, before: e.before, after: e.after, event: e.event, payload: e.payload, version: 1 }
      try {
        await carryOutEffects({ ...ctx, tx: recorder.q }, e.effects)
      } catch (err) {
        if (!(err instanceof UnrecordedEffect)) throw err
        unrecorded.push({ ctx, effects: e.effects }) // an effect the recorder does not know: written as usual
      }
    }
  }
  const audits = prepared.map((p, i) => ({
    at: now, actorId: actor.userId, action: 'item.create', entity: 'item', entityId: p.id,
    before: null, after: { number: numbers[i] ?? '', planId, n: p.it.n, state: p.snapshot.state, due: p.it.due, lead: p.units.lead },
  }))
  const byLeads = new Map<string, { leads: string[]; ids: string[] }>()
  for (const p of prepared) {
    if (p.leads.length < 2) continue
    const key = JSON.stringify(p.leads)
    const g = byLeads.get(key) ?? { leads: p.leads, ids: [] }
    g.ids.push(p.id)
    byLeads.set(key, g)
  }
  return { planId, prepared, numbers, items, events, notifications: recorder.notifications, audits, shares: [...byLeads.values()], unrecorded }
}

/** Writes a chunk of computed tasks in a few set-based statements; returns them as the answer lists them. */
async function writeTasks(tx: Queryable, deps: AppDeps, actor: Actor, kind: ReturnType<typeof currentTaskKind>, rows: ChunkRows, now: Date): Promise<ConfirmResult['tasks'][number][]> {
  const at = now.toISOString()
  const { prepared, numbers } = rows
  const state = (p: Prepared): string => kind.states[p.snapshot.state]?.type ?? 'open'
  await insertItems(tx, rows.items)
  await insertItemEvents(tx, rows.events)
  for (const u of rows.unrecorded) await carryOutEffects({ ...u.ctx, tx }, u.effects)
  await insertNotifications(tx, rows.notifications)
  await insertUnsealedAuditRows(tx, rows.audits)
  // Leads' shares (one statement per set of leads), and the copies of a collective name the clerk chose to expand (分解落实).
  for (const g of rows.shares) await insertLeadShares(tx, g.ids, g.leads)
  const tasks: ConfirmResult['tasks'][number][] = []
  for (const [i, p] of prepared.entries()) {
    const number = numbers[i] ?? ''
    const expanded = expandedUnitsOf(p.it).units
    const children = expanded.length === 0 ? [] : await insertChildCopies(
      tx, deps, actor,
      { id: p.id, number, kind: kind.id, kindVersion: Number(kind.version), state: p.snapshot.state, stateType: state(p), title: p.it.title, body: p.it.text, planId: rows.planId, sourceLine: p.it.line, path: p.it.path, dueDate: p.it.due, snapshot: p.snapshot, data: p.data, history: p.history },
      expanded, at, kind.events['dispatch']?.label ?? 'dispatch',
    )
    tasks.push({ n: p.it.n, id: p.id, number, ...(children.length ? { children } : {}) })
  }
  return tasks
}

/** The engine's lead (the first lead unit, else the first responsible one) and every unit row. */
function assignees(it: DraftItem): { lead: string; responsible: string[]; cooperating: string[]; rows: { unitId: string; role: ItemUnitRole }[] } {
  const ids = (xs: readonly { unitId: string | null }[]): string[] => xs.map((u) => u.unitId).filter((x): x is string => !!x)
  const leads = ids(it.units.lead)
  const responsible = ids(it.units.responsible)
  const cooperating = ids(it.units.cooperating)
  // With only a collective name expanded (各街道负责), the place it was expanded under owns the parent task.
  const lead = leads[0] ?? responsible[0] ?? expandedUnitsOf(it).under?.unitId ?? ''
  const rows: { unitId: string; role: ItemUnitRole }[] = [
    ...(leads.length ? leads : [lead]).map((unitId) => ({ unitId, role: 'lead' as const })),
    ...responsible.filter((u) => leads.length || u !== lead).map((unitId) => ({ unitId, role: 'responsible' as const })),
    ...cooperating.map((unitId) => ({ unitId, role: 'cooperating' as const })),
  ]
  return { lead, responsible: responsible.filter((u) => u !== lead), cooperating, rows }
}
