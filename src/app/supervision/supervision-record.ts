/**
 * 约谈 / 问责 / 通报 records: when the ladder's 约谈 step falls due the 督查室 holds the interview, and what was
 * said and agreed is kept with the item — the date, who took part, the outcome and the papers (the item's own
 * attachments, uploaded as for a report). Units named must be the item's; anyone who can see the item reads
 * its records; only the supervising office writes them. Audited.
 */
import { insertSupervisionRecord, listSupervisionRecords, type SupervisionRecordKind, type SupervisionRecordRow } from '../../persistence/supervision-record.repo.ts'
import { unitsOf } from '../../persistence/items.repo.ts'
import { isIsoDate } from '../../domain/calendar/calendar-date.value.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { visibleItem } from '../items/item-queries.ts'
import { recordAudit } from './audit.port.ts'

export const RECORD_KINDS: readonly SupervisionRecordKind[] = ['interview', 'accountability', 'bulletin']

/** What the 督查室 writes down. `unitIds` defaults to the item's lead units. */
export interface SupervisionRecordInput {
  readonly kind: SupervisionRecordKind
  readonly heldOn: string
  readonly people: string
  readonly outcome: string
  readonly unitIds?: readonly string[]
  readonly attachmentIds?: readonly string[]
}

const required = (v: string, where: string): string => {
  if (v.trim() === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', `${where} must not be empty`, { where })
  return v.trim()
}

/** Writes a record for an item (supervisor, admin). */
export async function addSupervisionRecord(deps: AppDeps, actor: Actor, itemId: string, input: SupervisionRecordInput): Promise<SupervisionRecordRow> {
  if (actor.role !== 'supervisor' && actor.role !== 'admin') throw new DubanError('DUBAN_ERR_FORBIDDEN', 'only the supervising office records 约谈 and 问责', { where: 'role' })
  if (!RECORD_KINDS.includes(input.kind)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `kind must be one of ${RECORD_KINDS.join(', ')}`, { where: 'kind' })
  if (!isIsoDate(input.heldOn)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `heldOn must be a date YYYY-MM-DD, got '${input.heldOn}'`, { where: 'heldOn' })
  const today = chinaDateOf(deps.clock.now().getTime())
  if (input.heldOn > today) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `heldOn (${input.heldOn}) is after today (${today}): record what was held`, { where: 'heldOn' })
  const people = required(input.people, 'people')
  const outcome = required(input.outcome, 'outcome')
  const id = deps.newId()
  await deps.db.transaction(async (tx) => {
    await visibleItem(tx, actor, itemId)
    const own = (await unitsOf(tx, [itemId])).get(itemId) ?? []
    const unitIds = input.unitIds?.length ? [...new Set(input.unitIds)] : own.filter((u) => u.role === 'lead').map((u) => u.unitId)
    unitIds.forEach((u, i) => {
      if (!own.some((o) => o.unitId === u)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `unitIds[${i}]: '${u}' is not a unit of this item`, { where: `unitIds[${i}]` })
    })
    const attachmentIds = [...new Set(input.attachmentIds ?? [])]
    if (attachmentIds.length) {
      const found = await tx.query<{ id: string }>('SELECT id FROM attachment WHERE item_id = $1 AND id = ANY($2::text[])', [itemId, attachmentIds])
      const have = new Set(found.rows.map((r) => r.id))
      attachmentIds.forEach((a, i) => {
        if (!have.has(a)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `attachmentIds[${i}]: no attachment '${a}' on this item`, { where: `attachmentIds[${i}]` })
      })
    }
    const at = deps.clock.now()
    const row = { id, itemId, kind: input.kind, heldOn: input.heldOn, unitIds, people, outcome, attachmentIds, createdBy: actor.userId, at }
    await insertSupervisionRecord(tx, row)
    await recordAudit(tx, deps, actor, { action: `supervision.record.${input.kind}`, entity: 'item', entityId: itemId, after: { ...row, at: at.toISOString() } })
  })
  return (await listSupervisionRecords(deps.db, itemId)).find((r) => r.id === id)!
}

/** An item's records, for whoever can see the item. */
export async function supervisionRecordsOf(deps: AppDeps, actor: Actor, itemId: string): Promise<SupervisionRecordRow[]> {
  await visibleItem(deps.db, actor, itemId)
  return listSupervisionRecords(deps.db, itemId)
}
