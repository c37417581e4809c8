/**
 * The township rule on every dispatch of a ticket (国办函〔2025〕66号), not only at intake: when the centre
 * dispatches or reassigns a ticket later through its events, the new lead is checked against the ticket's
 * category as at intake, so a department's work cannot be pushed down to a 乡镇(街道) by the back door.
 */
import type { Queryable } from '../../persistence/db.ts'
import { checkDispatchAllowed } from './dispatch-rules.ts'

/** Events that name a new lead unit for a ticket. */
const DISPATCHING_EVENTS = new Set(['dispatch', 'reassign'])

/** Refuses (DUBAN_ERR_DISPATCH_REFUSED, naming `payload.lead`) a ticket dispatch the dispatch catalogue forbids. */
export async function guardTicketDispatch(q: Queryable, item: { id: string; kind: string }, event: string, payload: Readonly<Record<string, unknown>>): Promise<void> {
  if (item.kind !== 'ticket' || !DISPATCHING_EVENTS.has(event)) return
  const lead = payload['lead']
  if (typeof lead !== 'string' || lead === '') return // the engine names a missing lead
  const { rows } = await q.query<{ category_code: string }>(`SELECT category_code FROM ticket WHERE item_id = $1`, [item.id])
  const categoryCode = rows[0]?.category_code
  if (categoryCode) await checkDispatchAllowed(q, { categoryCode, unitId: lead }, 'payload.lead')
}
