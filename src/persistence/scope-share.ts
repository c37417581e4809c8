/**
 * Whether a data scope's units hold much of what a list reads, to choose how the list reads them: a scope holding
 * little is read unit by unit (its units' own index ranges, merged or sorted), one holding much by the list's own
 * order with each row probed for the scope (few rows passed over), which costs less than reading every unit's range.
 */
import type { Queryable } from './db.ts'

/** The share of the sample from which a scope counts as holding much (ticket list and ledger alike). */
export const SCOPE_SHARE = 0.25

/** How many items the share is judged on: one index read of this many rows with a probe each (2–3 ms on 10M). */
export const SCOPE_SAMPLE = 200

/**
 * Whether the units hold (in any role, item_unit) at least `share` of the items `sample` names: a statement giving
 * at most SCOPE_SAMPLE rows with an `item_id` column, in the order the list reads.
 */
export async function unitsHoldShare(q: Queryable, units: readonly string[], share: number, sample: string): Promise<boolean> {
  const { rows } = await q.query<{ n: number; of: number }>(
    `SELECT (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = t.item_id AND s.unit_id = ANY($1::text[]))))::int AS n, count(*)::int AS of
       FROM (${sample}) t`,
    [[...units]],
  )
  const r = rows[0]
  return !!r && Number(r.of) > 0 && Number(r.n) >= Number(r.of) * share
}
