/**
 * The 'confirming' state of a plan (migration 120): taken, renewed and released by the one confirm writing its
 * tasks chunk by chunk, and what that confirm wrote undone when it cannot finish.
 */
import type { Queryable } from './db.ts'

/** The plan's confirm hold: its token and when it was last renewed (null when the plan is not being confirmed). */
export async function confirmHold(q: Queryable, planId: string): Promise<{ token: string; at: string } | null> {
  const { rows } = await q.query<{ confirming_token: string | null; confirming_at: unknown }>(
    `SELECT confirming_token, confirming_at FROM plan WHERE id = $1 AND status = 'confirming'`,
    [planId],
  )
  const r = rows[0]
  return r?.confirming_token ? { token: r.confirming_token, at: new Date(r.confirming_at as string).toISOString() } : null
}

/** Puts a draft plan into 'confirming' under `token` (the caller holds the plan's row lock). */
export async function startConfirming(q: Queryable, planId: string, token: string, at: Date): Promise<void> {
  await q.query(`UPDATE plan SET status = 'confirming', confirming_token = $2, confirming_at = $3 WHERE id = $1 AND status = 'draft'`, [planId, token, at.toISOString()])
}

/** Renews the hold and locks the plan row for the caller's transaction; false when `token` no longer holds it. */
export async function renewConfirming(q: Queryable, planId: string, token: string, at: Date): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE plan SET confirming_at = $3 WHERE id = $1 AND status = 'confirming' AND confirming_token = $2 RETURNING id`,
    [planId, token, at.toISOString()],
    { name: 'duban_plan_confirm_renew' },
  )
  return rows.length > 0
}

/** Ends the hold with the plan confirmed. */
export async function finishConfirming(q: Queryable, planId: string, at: string): Promise<void> {
  await q.query(`UPDATE plan SET status = 'confirmed', confirmed_at = $2, confirming_token = NULL, confirming_at = NULL WHERE id = $1`, [planId, at])
}

/**
 * Deletes every task a confirm of this plan wrote (copies included: they carry the plan too) with what the confirm
 * and the scheduler wrote about them, and puts the plan back to 'draft'. Anything a person did to one of those tasks
 * meanwhile (a report, an attachment) still refers to it, and the delete then fails rather than lose it.
 * Returns how many tasks were removed.
 */
export async function undoConfirming(q: Queryable, planId: string): Promise<number> {
  const ids = (await q.query<{ id: string }>(`SELECT id FROM item WHERE plan_id = $1`, [planId])).rows.map((r) => r.id)
  if (ids.length > 0) {
    for (const table of ['notification', 'supervision_action', 'item_share', 'item_unit', 'item_event']) {
      await q.query(`DELETE FROM ${table} WHERE item_id = ANY($1::text[])`, [ids])
    }
    await q.query(`DELETE FROM item WHERE id = ANY($1::text[]) AND parent_id IS NOT NULL`, [ids])
    await q.query(`DELETE FROM item WHERE id = ANY($1::text[])`, [ids])
  }
  await q.query(`UPDATE plan SET status = 'draft', confirming_token = NULL, confirming_at = NULL WHERE id = $1 AND status = 'confirming'`, [planId])
  return ids.length
}

/** An MD5 of the plan's draft as stored (to tell whether it changed without reading it again), and its status; `lock` takes the row lock. */
export async function draftStamp(q: Queryable, planId: string, lock = false): Promise<{ status: string; hash: string } | null> {
  const { rows } = await q.query<{ status: string; hash: string }>(`SELECT status, md5(draft::text) AS hash FROM plan WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [planId])
  return rows[0] ?? null
}

/**
 * Stores a confirmed plan's draft, its items pointing at their tasks, as the confirm made it (JSON text): the
 * statement only parses and stores it, where rebuilding the items in SQL (jsonb_array_elements, one jsonb per item,
 * jsonb_agg) held PGlite's one connection for 45–90 ms of CPU at the end of a 1,000-task confirm.
 */
export async function setConfirmedDraft(q: Queryable, planId: string, draftJson: string): Promise<void> {
  await q.query(`UPDATE plan SET draft = $2::text::jsonb WHERE id = $1`, [planId, draftJson])
}

/**
 * Notes on a draft plan that a confirm is computing its tasks (before it takes the plan into 'confirming'), renewed
 * while it computes: the draft stays a draft (editable; the confirm compares its stamp before writing), only
 * `confirming_at` moves, so the scheduler's round waits for this confirm from its first step (confirm-gate.ts).
 */
export async function announceConfirm(q: Queryable, planId: string, at: Date): Promise<void> {
  await q.query(`UPDATE plan SET confirming_at = $2 WHERE id = $1 AND status = 'draft'`, [planId, at.toISOString()])
}

/**
 * Whether a confirm is at work on some plan now: computing (a draft with `confirming_at` after `since`, announceConfirm)
 * or writing (a plan 'confirming' whose hold was renewed after `since`; every chunk renews it). The second is one probe of
 * a partial index (migration 178); the first reads the draft plans' rows, not their drafts (TOAST), a few pages.
 */
export async function confirmActiveSince(q: Queryable, since: Date): Promise<boolean> {
  const { rows } = await q.query<{ active: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM plan WHERE status = 'confirming' AND confirming_at > $1)
         OR EXISTS (SELECT 1 FROM plan WHERE status = 'draft' AND confirming_at > $1) AS active`,
    [since.toISOString()],
  )
  return rows[0]?.active === true
}
