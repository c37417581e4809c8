/**
 * The events the supervision tick fires (催办 on an expired clock, a ladder step's event, a ticket's 督办), for a
 * whole page of items at once: the page's items read under one row lock statement, each transition computed in Node
 * by the engine exactly as take-event computes it (same kind, payload check, calendar, share rule, due date and
 * effects), and written set-based when the page is done — the item rows and their history entries in one statement
 * per round (an item's second event of the tick in the second round), the audit rows and the 督办单 of an
 * `issueNotice` effect with the page's other rows (TickBatch). The rows are take-event's rows; what differs is only
 * the order of serial keys across items (each item's own events keep their order). Everything is inside the page's
 * transaction: all of it commits with the claims, or none of it does.
 */
import type { Queryable } from '../../persistence/db.ts'
import type { ItemRow } from '../../persistence/items.repo.ts'
import { lockItemsForEvents, writeFiredEvents, type FiredEventRow } from '../../persistence/supervision-batch.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { transition, type KindDef, type Snapshot, type WorkingCalendar } from '../../domain/workflow/index.ts'
import type { SupervisionConfig } from '../../domain/supervision/supervision-config.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { carryOutEffects, effectHandlers, type EffectHandler } from '../items/carry-out-effects.ts'
import { engineActor, kindOf } from '../items/item-engine.ts'
import { snapshotAfterShare } from '../items/item-shares.ts'
import { checkEventPayload } from '../items/payload-rules.ts'
import { dueDateOf } from '../items/take-event.ts'
import type { TickBatch } from './tick-batch.ts'

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : typeof v === 'string' && v ? [v] : [])

/** The item's lead units as the issueNotice effect addresses them (`lead`, and `leads` on shared work). */
const leadsOf = (s: Snapshot): string[] => [...new Set([...ids(s.data['lead']), ...ids(s.data['leads'])])]

/** The units an item has on the tick's page (issueNoticeIn's default addressees when the snapshot names no lead). */
export interface ItemUnits {
  readonly lead: readonly string[]
  readonly responsible: readonly string[]
}

export class TickEvents {
  private items = new Map<string, ItemRow>()
  /** Fired events per round: an item's n-th event of the page goes in round n (one UPDATE per item per statement). */
  private readonly rounds: FiredEventRow[][] = []
  private readonly firedOn = new Map<string, number>()
  private readonly at: string

  constructor(
    private readonly deps: AppDeps,
    private readonly actor: Actor,
    private readonly working: WorkingCalendar,
    private readonly configOf: (kind: string) => SupervisionConfig,
    private readonly batch: TickBatch,
  ) {
    this.at = deps.clock.now().toISOString()
  }

  /** Reads the items the page may fire events on, locked (one statement). */
  async lock(tx: Queryable, itemIds: readonly string[]): Promise<void> {
    this.items = await lockItemsForEvents(tx, itemIds)
  }

  /**
   * Fires `event` on the item as the scheduler: take-event's decision on the item as the page's earlier events left
   * it. An event the item's state does not allow is skipped quietly (null); any other refusal throws.
   */
  async fire(tx: Queryable, itemId: string, units: ItemUnits, event: string | undefined): Promise<string | null> {
    if (!event) return null
    const item = this.items.get(itemId)
    if (!item) throw new DubanError('DUBAN_ERR_NOT_FOUND', `item ${itemId}`, { where: 'id' })
    const kind = kindOf(item.kind, String(item.snapshot['kindVersion'] ?? item.kindVersion))
    checkEventPayload(kind, event, {})
    const snapshot = item.snapshot as unknown as Snapshot
    const res = transition(kind, snapshot, { type: event, payload: {} }, { actor: engineActor(this.actor), now: this.at, calendar: this.working })
    if (!res.ok) {
      if (res.error.code === 'DUBAN_ERR_TRANSITION_NOT_ALLOWED') return null
      throw res.error
    }
    // The scheduler has no unit: never a lead's own share step, so the item moves on with the event.
    const next = snapshotAfterShare(snapshot, res.snapshot, 'none', event)
    const due = dueDateOf(next, item.dueDate)
    const stateType = kind.states[next.state]?.type ?? 'open'
    const closed = stateType === 'closed'
    const round = this.firedOn.get(item.id) ?? 0
    this.firedOn.set(item.id, round + 1)
    ;(this.rounds[round] ??= []).push({
      id: item.id, fromVersion: item.version, state: next.state, stateType, snapshot: next, dueDate: due, at: this.at, closed,
      event, from: item.state, actorRole: this.actor.role, payload: {},
    })
    this.batch.firedAudit({
      at: new Date(this.at), actorId: this.actor.userId, action: 'item.transition', entity: 'item', entityId: item.id,
      before: { state: item.state, version: item.version, due: item.dueDate },
      after: { event, state: next.state, version: item.version + 1, due },
    })
    const after: ItemRow = {
      ...item, state: next.state, stateType, snapshot: next as unknown as Record<string, unknown>, dueDate: due, updatedAt: this.at,
      closedAt: closed ? (item.closedAt ?? this.at) : null, version: item.version + 1,
    }
    // The effects as take-event carries them out, the 督办单 gathered into the page's batch instead of issued at once.
    const issueNotice: EffectHandler = async (ctx) => {
      const cfg = this.configOf(ctx.kind.id)
      const label = ctx.kind.events[ctx.event]?.label ?? ctx.event
      const reason = `${ctx.item.number}超过办理时限，${label}`
      const leads = leadsOf(ctx.after)
      const unitIds = leads.length > 0 ? leads : [...new Set([...units.lead, ...units.responsible])]
      if (!Number.isInteger(cfg.noticeReplyWorkingDays) || cfg.noticeReplyWorkingDays < 1 || cfg.noticeReplyWorkingDays > 60) {
        throw new DubanError('DUBAN_ERR_VALIDATION', 'replyWorkingDays must be 1–60', { where: 'replyWorkingDays' })
      }
      this.batch.firedNotice({ item: { id: item.id, number: item.number, title: item.title, dueDate: due }, unitIds, reason, replyWorkingDays: cfg.noticeReplyWorkingDays })
    }
    await carryOutEffects(
      { tx, deps: this.deps, actor: this.actor, kind: kind as KindDef, item, before: snapshot, after: next, event, payload: {}, version: item.version + 1 },
      res.effects,
      { ...effectHandlers, issueNotice },
    )
    this.items.set(item.id, after)
    return event
  }

  /** Writes the fired events: one statement per round; a version that moved meanwhile fails the page. */
  async flush(tx: Queryable): Promise<void> {
    for (const round of this.rounds) {
      const n = await writeFiredEvents(tx, round)
      if (n !== round.length) throw new DubanError('DUBAN_ERR_ITEM_VERSION_CONFLICT', `${round.length - n} of ${round.length} items changed meanwhile`, { where: 'expectedVersion' })
    }
  }
}
