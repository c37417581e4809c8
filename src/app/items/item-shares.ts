/**
 * Shared work on one item (共同办理): several 牵头单位, each a full owner, and 责任 / 配合 units that report their
 * own share; and the copies a collective name was split into (分解落实), whose progress the parent shows.
 *
 * The rule for several leads (documented in docs/workflow.md#shared-work): each lead accepts (签收) and reports its
 * part finished (报办结) for itself, recorded in item_share; the item itself moves on only when the last lead
 * takes the step — it is 办理中 once every lead has accepted, and 已报办结 once every lead has reported finished.
 * Until then the event is recorded in the history, its effects (the office is told) are carried out, and a
 * completion report is stored, but the item keeps its state and clocks. 退回重办 reopens every lead's share; 改派
 * to one unit ends the sharing.
 */
import type { Queryable } from '../../persistence/db.ts'
import { isoInstant } from '../../persistence/plans.repo.ts'
import type { ItemRow, ItemUnitRole } from '../../persistence/items.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Snapshot } from '../../domain/workflow/index.ts'
import type { Actor } from '../deps.ts'

/** Events each lead of a shared item takes for itself. */
const SHARE_STEPS: Readonly<Record<string, 'accepted_at' | 'finished_at'>> = { accept: 'accepted_at', submit_completion: 'finished_at' }

/**
 * Starts a share for every lead of an item with several (set-based). Only for items being created (a plan's confirm):
 * an event on a kept item trusts the `shared` its read found (take-event.ts, takeShareStep), so share rows must never
 * be added to an item afterwards without moving its version.
 */
export async function insertLeadShares(tx: Queryable, itemIds: readonly string[], leads: readonly string[]): Promise<void> {
  if (leads.length < 2 || itemIds.length === 0) return
  await tx.query(
    `INSERT INTO item_share (item_id, unit_id) SELECT i, u FROM unnest($1::text[]) AS i CROSS JOIN unnest($2::text[]) AS u ON CONFLICT DO NOTHING`,
    [[...itemIds], [...new Set(leads)]],
  )
}

/**
 * Records a lead's own step on a shared item, after the engine allowed the event: `partial` when other leads have
 * still to take it (the item stays where it is), `last` when this lead was the last, `none` when the item is not shared
 * or the event is not a share step. A lead taking its step twice is refused (DUBAN_ERR_SHARE_CONFLICT).
 * `item.shared` false (findItemForEvent's read found fewer than two share rows) answers `none` without reading
 * item_share: a 签收 of an item with one lead is then one statement fewer. Sound for a kept item too: share rows are
 * only added when the item is created and only removed by 改派, which moves the version (the write then finds it moved).
 */
export async function takeShareStep(tx: Queryable, item: ItemRow & { readonly shared?: boolean }, actor: Actor, event: string, at: string): Promise<{ step: 'none' | 'partial' | 'last'; remaining: string[] }> {
  const column = SHARE_STEPS[event]
  if (!column || !actor.unitId || item.shared === false) return { step: 'none', remaining: [] }
  const { rows } = await tx.query<{ unit_id: string; done: unknown }>(`SELECT unit_id, ${column} AS done FROM item_share WHERE item_id = $1 ORDER BY unit_id`, [item.id])
  if (rows.length < 2) return { step: 'none', remaining: [] }
  const mine = rows.find((r) => r.unit_id === actor.unitId)
  if (!mine) return { step: 'none', remaining: [] }
  if (mine.done !== null && mine.done !== undefined) {
    throw new DubanError('DUBAN_ERR_SHARE_CONFLICT', `item ${item.number}: unit ${actor.unitId} has already taken '${event}' for its share`, { where: 'event', details: { event, unitId: actor.unitId } })
  }
  await tx.query(`UPDATE item_share SET ${column} = $3 WHERE item_id = $1 AND unit_id = $2`, [item.id, actor.unitId, at])
  const remaining = rows.filter((r) => r.unit_id !== actor.unitId && (r.done === null || r.done === undefined)).map((r) => r.unit_id)
  return { step: remaining.length > 0 ? 'partial' : 'last', remaining }
}

/**
 * The snapshot to store after a shared step: a partial one keeps the state and clocks (the item waits for the other
 * leads) and takes the data and counters the event changed (reported measures); 改派 ends the sharing.
 */
export function snapshotAfterShare(before: Snapshot, after: Snapshot, step: 'none' | 'partial' | 'last', event: string): Snapshot {
  const next = step === 'partial' ? { ...before, data: after.data, counters: after.counters } : after
  if (event === 'reassign' && 'leads' in next.data) {
    const { leads: _l, ...data } = next.data
    return { ...next, data }
  }
  return next
}

/** What other events do to the shares: 退回重办 reopens every lead's finished share, 改派 ends the sharing. */
export async function afterEventShares(tx: Queryable, itemId: string, event: string): Promise<void> {
  if (event === 'return_completion') await tx.query(`UPDATE item_share SET finished_at = NULL WHERE item_id = $1`, [itemId])
  if (event === 'reassign') await tx.query(`DELETE FROM item_share WHERE item_id = $1`, [itemId])
}

/** One unit's share of an item as the item view shows it: who has accepted, reported and finished, and who has not. */
export interface ItemShare {
  readonly unitId: string
  readonly unitName: string
  readonly role: ItemUnitRole
  /** When a lead accepted (签收); null for a lead that has not, and for other roles. */
  readonly acceptedAt: string | null
  /** When a lead reported its part finished (报办结); null while it has not. */
  readonly finishedAt: string | null
  /** Progress and completion reports this unit made on the item. */
  readonly reports: number
  readonly lastReportAt: string | null
  /** Whether the unit has reported at all (已报送 / 未报送). */
  readonly reported: boolean
}

/** Every unit of an item with its share (lead first), in one statement. */
export async function sharesOf(q: Queryable, item: Pick<ItemRow, 'id' | 'state'>): Promise<ItemShare[]> {
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT iu.unit_id, u.name, iu.role, s.item_id IS NOT NULL AS shared, s.accepted_at, s.finished_at,
            (SELECT count(*) FROM progress_report r WHERE r.item_id = iu.item_id AND r.unit_id = iu.unit_id)::int AS reports,
            (SELECT max(r.reported_at) FROM progress_report r WHERE r.item_id = iu.item_id AND r.unit_id = iu.unit_id) AS last_report_at,
            (SELECT min(e.at) FROM item_event e WHERE e.item_id = iu.item_id AND e.unit_id = iu.unit_id AND e.event = 'accept') AS accept_event_at,
            (SELECT max(e.at) FROM item_event e WHERE e.item_id = iu.item_id AND e.unit_id = iu.unit_id AND e.event = 'submit_completion') AS finish_event_at
       FROM item_unit iu JOIN unit u ON u.id = iu.unit_id
       LEFT JOIN item_share s ON s.item_id = iu.item_id AND s.unit_id = iu.unit_id
      WHERE iu.item_id = $1
      ORDER BY array_position(ARRAY['lead','responsible','cooperating'], iu.role), u.name`,
    [item.id],
  )
  const finishedState = ['completion_submitted', 'closed'].includes(item.state)
  return rows.map((r) => {
    const role = r.role as ItemUnitRole
    const shared = r.shared === true
    const lead = role === 'lead'
    const reports = Number(r.reports)
    return {
      unitId: String(r.unit_id),
      unitName: String(r.name),
      role,
      acceptedAt: lead ? isoInstant(shared ? r.accepted_at : r.accept_event_at) : null,
      finishedAt: lead ? (shared ? isoInstant(r.finished_at) : finishedState ? isoInstant(r.finish_event_at) : null) : null,
      reports,
      lastReportAt: isoInstant(r.last_report_at),
      reported: reports > 0,
    }
  })
}

/** The copies an item was split into (分解落实) and how far they are: n of m done (验收办结), each copy's state. */
export interface ItemChildren {
  readonly total: number
  readonly done: number
  readonly items: readonly { id: string; number: string; unitId: string | null; unitName: string | null; state: string; stateType: string; dueDate: string | null; reports: number }[]
}

/** The children of an item, or null when it has none. Cancelled copies are listed but not counted. */
export async function childrenOf(q: Queryable, parentId: string): Promise<ItemChildren | null> {
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT c.id, c.number, c.state, c.state_type, c.due_date::text AS due_date, l.unit_id, u.name AS unit_name,
            (SELECT count(*) FROM progress_report r WHERE r.item_id = c.id)::int AS reports
       FROM item c
       LEFT JOIN LATERAL (SELECT unit_id FROM item_unit WHERE item_id = c.id AND role = 'lead' ORDER BY unit_id LIMIT 1) l ON true
       LEFT JOIN unit u ON u.id = l.unit_id
      WHERE c.parent_id = $1 ORDER BY c.number`,
    [parentId],
  )
  if (rows.length === 0) return null
  const items = rows.map((r) => ({
    id: String(r.id),
    number: String(r.number),
    unitId: (r.unit_id as string | null) ?? null,
    unitName: (r.unit_name as string | null) ?? null,
    state: String(r.state),
    stateType: String(r.state_type),
    dueDate: (r.due_date as string | null) ?? null,
    reports: Number(r.reports),
  }))
  const live = items.filter((i) => i.state !== 'cancelled')
  return { total: live.length, done: live.filter((i) => i.stateType === 'closed').length, items }
}

/** The item a copy was split from, or null. */
export async function parentOf(q: Queryable, itemId: string): Promise<{ id: string; number: string; title: string } | null> {
  const { rows } = await q.query<{ id: string; number: string; title: string }>(
    `SELECT p.id, p.number, p.title FROM item c JOIN item p ON p.id = c.parent_id WHERE c.id = $1`,
    [itemId],
  )
  return rows[0] ?? null
}

/** The events a lead may take minus the share steps its unit has already taken (签收 / 报办结 of a shared item). */
export async function withoutTakenShareSteps<E extends { readonly event: string }>(q: Queryable, itemId: string, unitId: string | null, events: readonly E[]): Promise<readonly E[]> {
  if (!unitId || !events.some((e) => e.event in SHARE_STEPS)) return events
  const { rows } = await q.query<{ accepted: boolean; finished: boolean }>(
    `SELECT accepted_at IS NOT NULL AS accepted, finished_at IS NOT NULL AS finished FROM item_share WHERE item_id = $1 AND unit_id = $2`,
    [itemId, unitId],
  )
  const r = rows[0]
  if (!r) return events
  return events.filter((e) => !(e.event === 'accept' && r.accepted) && !(e.event === 'submit_completion' && r.finished))
}
