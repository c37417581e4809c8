/**
 * Revealing the requester (查看诉求人信息): the hotline (operator, admin) and the liaison of the ticket's lead
 * unit may see the requester's name and phone in full, giving a reason; each reveal is audited
 * (`ticket.reveal`, with the reason, never the revealed data). Everyone else sees them masked.
 */
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'
import { visibleTicket } from './ticket-queries.ts'

/** POST /api/tickets/:id/reveal. */
export async function revealRequester(deps: AppDeps, actor: Actor, id: string, reason: string): Promise<{ requesterName: string | null; requesterPhone: string | null }> {
  const why = reason.trim()
  if (why === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'reason: say why the requester is revealed', { where: 'reason' })
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const row = await visibleTicket(tx, actor, id)
    const lead = (row.snapshot['data'] as Record<string, unknown> | undefined)?.['lead']
    const allowed = actor.role === 'operator' || actor.role === 'admin' || (actor.role === 'unit_liaison' && actor.unitId !== null && lead === actor.unitId)
    if (!allowed) throw new DubanError('DUBAN_ERR_FORBIDDEN', `role ${actor.role} may not reveal the requester of ${row.number}`, { where: 'id' })
    await audit(tx, actor, now, { action: 'ticket.reveal', entity: 'item', entityId: row.id, after: { number: row.number, reason: why } })
    return { requesterName: row.anonymous ? null : row.requesterName, requesterPhone: row.requesterPhone }
  })
}
