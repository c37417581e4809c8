/**
 * 撤销下发's condition: a task can be taken back only while no unit has acted on it — no unit event in its
 * history (签收, 报送进展, 申请延期, 退单 …), no progress report, no reply to a 督办单. Used by cancelPlan for a
 * plan's tasks and by takeEvent for the `withdraw_dispatch` event on one item, so neither way around it exists.
 */
import type { Queryable } from '../../persistence/db.ts'
import { DubanError } from '../../domain/errors.ts'

/** A task a unit acted on, and what it did. */
export interface ActedTask {
  readonly itemId: string
  readonly number: string
  readonly title: string
  /** Event names a unit took, plus `report` / `notice_reply`. */
  readonly did: readonly string[]
}

/** The tasks among `itemIds` on which some unit acted, in number order. */
export async function tasksUnitsActedOn(tx: Queryable, itemIds: readonly string[]): Promise<ActedTask[]> {
  if (itemIds.length === 0) return []
  const { rows } = await tx.query<{ id: string; number: string; title: string; did: unknown }>(
    `SELECT i.id, i.number, i.title,
            ARRAY(SELECT DISTINCT e.event FROM item_event e WHERE e.item_id = i.id AND e.actor_role IN ('unit_liaison', 'operator')
                  UNION SELECT 'report' WHERE EXISTS (SELECT 1 FROM progress_report r WHERE r.item_id = i.id)
                  UNION SELECT 'notice_reply' WHERE EXISTS (SELECT 1 FROM supervision_notice n WHERE n.item_id = i.id AND n.status = 'replied')) AS did
       FROM item i WHERE i.id = ANY($1::text[]) ORDER BY i.number`,
    [[...itemIds]],
  )
  const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [])
  return rows.map((r) => ({ itemId: r.id, number: r.number, title: r.title, did: list(r.did).sort() })).filter((r) => r.did.length > 0)
}

/** Refuses (409, naming each item and what was done) when a unit acted on any of the tasks. */
export async function assertNoUnitActed(tx: Queryable, itemIds: readonly string[]): Promise<void> {
  const acted = await tasksUnitsActedOn(tx, itemIds)
  if (acted.length === 0) return
  const named = acted.map((a) => `${a.number}（${a.did.join('、')}）`).join('；')
  throw new DubanError('DUBAN_ERR_DISPATCH_CANCEL_CONFLICT', `a unit has acted on ${named}`, { where: 'itemIds', details: { acted } })
}

/** A copy (分解落实) still open under one of the items, at any depth. */
export interface OpenCopy {
  readonly id: string
  readonly number: string
  readonly parentId: string
  readonly state: string
}

/**
 * The open copies of the items (their child copies, the copies' copies …), in number order: 撤销下发 of a task
 * takes its copies with it, and a unit that acted on a copy stops it as it would on the task itself.
 */
export async function openCopiesOf(tx: Queryable, itemIds: readonly string[]): Promise<OpenCopy[]> {
  if (itemIds.length === 0) return []
  const { rows } = await tx.query<{ id: string; number: string; parent_id: string; state: string }>(
    `WITH RECURSIVE copies(id) AS (SELECT id FROM item WHERE parent_id = ANY($1::text[])
                                  UNION SELECT c.id FROM item c JOIN copies ON c.parent_id = copies.id)
     SELECT i.id, i.number, i.parent_id, i.state FROM item i JOIN copies ON copies.id = i.id
      WHERE i.state_type <> 'closed' ORDER BY i.number`,
    [[...itemIds]],
  )
  return rows.map((r) => ({ id: r.id, number: r.number, parentId: r.parent_id, state: r.state }))
}
