/**
 * 撤销下发 (cancel a confirmed plan's tasks): the supervising office takes back a plan it confirmed and
 * dispatched by mistake — every task, or the ones chosen — as long as no unit has acted on any of them. Each
 * task goes through the task kind's `withdraw_dispatch` event (to 已撤销, its clocks stopped, the assigned units
 * told by the kind's notify effect, an item.transition audit entry); all or nothing, one transaction. When every
 * task of the plan is cancelled the plan itself becomes `cancelled`. Refusals: a plan that is not confirmed
 * (409), a chosen item not of this plan (400), a chosen item already cancelled or closed (409), a unit acted on
 * a task (409, naming each item and what the unit did).
 */
import { findPlan } from '../../persistence/plans.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { takeEvent } from '../items/take-event.ts'
import { assertNoUnitActed } from './cancel-plan.guard.ts'

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
    // Every chosen task first: refused as a whole, naming each task a unit acted on, before anything changes.
    await assertNoUnitActed(tx, chosen.map((t) => t.id))

    const inTx: AppDeps = { ...deps, db: { dialect: deps.db.dialect, query: (sql, params) => tx.query(sql, params), transaction: (fn) => fn(tx), close: async () => undefined } }
    for (const t of chosen) await takeEvent(inTx, actor, t.id, { event: 'withdraw_dispatch', payload: { reason } })

    const left = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM item WHERE plan_id = $1 AND state <> 'cancelled'`, [planId])
    const planStatus = Number(left.rows[0]?.n ?? 0) === 0 ? 'cancelled' : 'confirmed'
    if (planStatus === 'cancelled') await tx.query(`UPDATE plan SET status = 'cancelled' WHERE id = $1`, [planId])
    const cancelled = chosen.map((t) => ({ id: t.id, number: t.number }))
    await audit(tx, actor, now, { action: 'plan.cancel', entity: 'plan', entityId: planId, before: { status: plan.status }, after: { status: planStatus, reason, tasks: cancelled.map((c) => c.number) } })
    return { planId, planStatus, cancelled }
  })
}
