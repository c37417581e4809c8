/**
 * The jobs that follow a ticket's intake (migration 134): written in the intake transaction, taken by a worker
 * with FOR UPDATE SKIP LOCKED (several processes never take the same one), deleted in the transaction that does
 * the work, or put off with the error when it fails.
 */
import type { Queryable } from './db.ts'

/** A job as the worker takes it. */
export interface IntakeJobRow {
  readonly itemId: string
  readonly windowDays: number
  readonly attempts: number
}

/** Writes the job of a ticket (inside its intake transaction). */
export async function enqueueIntakeJob(q: Queryable, j: { itemId: string; windowDays: number; at: string }): Promise<void> {
  await q.query(`INSERT INTO ticket_intake_job (item_id, window_days, enqueued_at) VALUES ($1, $2, $3) ON CONFLICT (item_id) DO NOTHING`, [j.itemId, j.windowDays, j.at], {
    name: 'duban_intake_job_insert',
  })
}

/** Locks up to `limit` jobs due at `now`, oldest first, skipping those another worker holds. */
export async function takeIntakeJobs(q: Queryable, now: string, limit: number): Promise<IntakeJobRow[]> {
  const { rows } = await q.query<{ item_id: string; window_days: unknown; attempts: unknown }>(
    `SELECT item_id, window_days, attempts FROM ticket_intake_job
      WHERE not_before IS NULL OR not_before <= $1
      ORDER BY enqueued_at, item_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  )
  return rows.map((r) => ({ itemId: r.item_id, windowDays: Number(r.window_days), attempts: Number(r.attempts) }))
}

/** Removes done jobs (in the transaction that stored their work). */
export async function finishIntakeJobs(q: Queryable, itemIds: readonly string[]): Promise<void> {
  if (itemIds.length === 0) return
  await q.query(`DELETE FROM ticket_intake_job WHERE item_id = ANY($1::text[])`, [[...itemIds]])
}

/** Puts a failed job off until `notBefore`, keeping the error. */
export async function postponeIntakeJob(q: Queryable, itemId: string, notBefore: string, error: string): Promise<void> {
  await q.query(`UPDATE ticket_intake_job SET attempts = attempts + 1, not_before = $2, last_error = $3 WHERE item_id = $1`, [itemId, notBefore, error.slice(0, 500)])
}

/** How many jobs wait (due or not). */
export async function countIntakeJobs(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: unknown }>(`SELECT count(*) AS n FROM ticket_intake_job`)
  return Number(rows[0]?.n ?? 0)
}
