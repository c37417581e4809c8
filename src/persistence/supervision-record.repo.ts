/** 约谈 / 问责 / 通报 records (supervision_record). */
import type { Queryable } from './db.ts'

export type SupervisionRecordKind = 'interview' | 'accountability' | 'bulletin'

/** A record as stored, with its attachments' names. */
export interface SupervisionRecordRow {
  readonly id: string
  readonly itemId: string
  readonly kind: SupervisionRecordKind
  readonly heldOn: string
  readonly unitIds: readonly string[]
  readonly people: string
  readonly outcome: string
  readonly attachments: readonly { id: string; name: string; size: number; mime: string }[]
  readonly createdBy: string | null
  readonly createdAt: string
}

export async function insertSupervisionRecord(
  db: Queryable,
  r: { id: string; itemId: string; kind: SupervisionRecordKind; heldOn: string; unitIds: readonly string[]; people: string; outcome: string; attachmentIds: readonly string[]; createdBy: string | null; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO supervision_record (id, item_id, kind, held_on, unit_ids, people, outcome, attachment_ids, created_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [r.id, r.itemId, r.kind, r.heldOn, [...r.unitIds], r.people, r.outcome, [...r.attachmentIds], r.createdBy, r.at.toISOString()],
  )
}

/** An item's records, oldest first, with each attachment's name, size and type. */
export async function listSupervisionRecords(db: Queryable, itemId: string): Promise<SupervisionRecordRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT r.id, r.item_id, r.kind, r.held_on::text AS held_on, r.unit_ids, r.people, r.outcome, r.created_by, r.created_at,
            coalesce((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size, 'mime', a.mime) ORDER BY a.created_at, a.id)
                        FROM attachment a WHERE a.id = ANY(r.attachment_ids)), '[]'::json) AS attachments
       FROM supervision_record r WHERE r.item_id = $1 ORDER BY r.held_on, r.created_at, r.id`,
    [itemId],
  )
  const arr = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [])
  return rows.map((r) => ({
    id: r.id as string,
    itemId: r.item_id as string,
    kind: r.kind as SupervisionRecordKind,
    heldOn: r.held_on as string,
    unitIds: arr(r.unit_ids),
    people: r.people as string,
    outcome: r.outcome as string,
    attachments: (typeof r.attachments === 'string' ? JSON.parse(r.attachments) : r.attachments) as SupervisionRecordRow['attachments'],
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
  }))
}
