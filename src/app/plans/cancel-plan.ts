/**
 * 撤销下发 (cancel a confirmed plan's tasks): the supervising office takes back a plan it confirmed and
 * dispatched by mistake — every task, or the ones chosen — as long as no unit has acted on any of them. Each
 * task goes through the task kind's `withdraw_dispatch` event (to 已撤销, its clocks stopped, the assigned units
 * told by the kind's notify effect, an item.transition audit entry); all or nothing, one transaction. When every
 * task of the plan is cancelled the plan itself becomes `cancelled`. Refusals: a plan that is not confirmed
 * (409), a chosen item not of this plan (400), a chosen item already cancelled or closed (409), a unit acted on
 * a task (409, naming each item and what the unit did). A task split into copies (分解落实) takes its open copies
 * with it, and a unit that acted on a copy refuses the whole (naming the copy).
 */
import { findPlan } from '../../persistence/plans.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { takeEvent } from '../items/take-event.ts'
import { assertNoUnitActed, openCopiesOf } from './cancel-plan.guard.ts'
import type { Queryable } from '../../persistence/db.ts'

/** What cancelling takes: a reason, and optionally the tasks (item ids) to cancel; all the plan's open ones otherwise. */
export interface CancelPlanInput {
  readonly reason: string
  readonly itemIds?: readonly string[] | undefined
}

/** What cancelling did. */
export interface CancelPlanResult {
  readonly planId: string
  readonly planStatus: string
  readonly cancelled: readonly { readonly id: string; readonly number: string }[]
}

/** POST /api/plans/:id/cancel. */
export async function cancelPlan(deps: AppDeps, actor: Actor, planId: string, input: CancelPlanInput): Promise<CancelPlanResult> {
  const reason = typeof input.reason === 'string' ? input.reason.trim() : ''
  if (reason === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', '撤销下发 needs a reason', { where: 'reason' })
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const plan = await findPlan(tx, planId, true)
    if (!plan) throw new DubanError('DUBAN_ERR_NOT_FOUND', `plan ${planId}`, { where: 'id' })
    if (plan.status !== 'confirmed') throw new DubanError('DUBAN_ERR_PLAN_CANCEL_STATUS_CONFLICT', `plan ${planId} is ${plan.status}`, { where: 'id' })
    const { rows: tasks } = await tx.query<{ id: string; number: string; state: string; state_type: string }>(
      'SELECT id, number, state, state_type FROM item WHERE plan_id = $1 ORDER BY number FOR UPDATE',
      [planId],
    )
    let chosen: typeof tasks
    if (input.itemIds !== undefined) {
      if (input.itemIds.length === 0) throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'name at least one task, or leave itemIds out to cancel the whole plan', { where: 'itemIds' })
      chosen = input.itemIds.map((id, i) => {
        const t = tasks.find((x) => x.id === id)
        if (!t) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `itemIds[${i}]: '${id}' is not a task of this plan`, { where: `itemIds[${i}]` })
        return t
      })
      chosen = [...new Map(chosen.map((t) => [t.id, t])).values()]
      const done = chosen.filter((t) => t.state_type === 'closed')
      if (done.length > 0) {
        throw new DubanError('DUBAN_ERR_DISPATCH_CANCEL_CONFLICT', `${done.map((t) => `${t.number} is already ${t.state}`).join('; ')}`, {
          where: 'itemIds',
          details: { closed: done.map((t) => ({ itemId: t.id, number: t.number, state: t.state })) },
        })
      }
    } else {
      chosen = tasks.filter((t) => t.state_type !== 'closed')
      if (chosen.length === 0) throw new DubanError('DUBAN_ERR_PLAN_CANCEL_STATUS_CONFLICT', `plan ${planId} has no open task left`, { where: 'id' })
    }
    // A task's copies (分解落实) go with it: the withdraw_dispatch event on a task takes its open copies along.
    const chosenIds = new Set(chosen.map((t) => t.id))
    const copies = (await openCopiesOf(tx, [...chosenIds])).filter((c) => !chosenIds.has(c.id))
    const all = [...chosen.map((t) => ({ id: t.id, number: t.number })), ...copies.map((c) => ({ id: c.id, number: c.number }))]
    const allIds = new Set(all.map((t) => t.id))
    const copyParent = new Map([...copies.map((c) => [c.id, c.parentId] as const), ...(await parentsOf(tx, [...chosenIds]))])
    // Every task and copy first: refused as a whole, naming each one a unit acted on, before anything changes.
    await assertNoUnitActed(tx, [...allIds])

    const inTx: AppDeps = { ...deps, db: { dialect: deps.db.dialect, query: (sql, params) => tx.query(sql, params), transaction: (fn) => fn(tx), close: async () => undefined } }
    // Only the tasks whose parent is not cancelled with them: the others go with their parent.
    for (const t of chosen) if (!allIds.has(copyParent.get(t.id) ?? '')) await takeEvent(inTx, actor, t.id, { event: 'withdraw_dispatch', payload: { reason } })

    const left = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM item WHERE plan_id = $1 AND state <> 'cancelled'`, [planId])
    const planStatus = Number(left.rows[0]?.n ?? 0) === 0 ? 'cancelled' : 'confirmed'
    if (planStatus === 'cancelled') await tx.query(`UPDATE plan SET status = 'cancelled' WHERE id = $1`, [planId])
    const cancelled = all // the chosen tasks in their order, then the copies that went with them
    await audit(tx, actor, now, { action: 'plan.cancel', entity: 'plan', entityId: planId, before: { status: plan.status }, after: { status: planStatus, reason, tasks: cancelled.map((c) => c.number) } })
    return { planId, planStatus, cancelled }
  })
}

/** The parent of each item that is a copy (分解落实). */
async function parentsOf(tx: Queryable, itemIds: readonly string[]): Promise<[string, string][]> {
  const { rows } = await tx.query<{ id: string; parent_id: string }>('SELECT id, parent_id FROM item WHERE id = ANY($1::text[]) AND parent_id IS NOT NULL', [[...itemIds]])
  return rows.map((r) => [r.id, r.parent_id])
}
