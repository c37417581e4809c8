/** 督办单 (supervision notices): numbered per year, issued to units, replied to once. */
import type { Queryable } from './db.ts'

/** A supervision notice as stored. */
export interface NoticeRow {
  readonly id: string
  readonly number: string
  /** The issuing office ('' the top's, else the area unit's id): its series and 落款 (migration 209). */
  readonly office: string
  readonly year: number
  readonly seq: number
  readonly itemId: string
  readonly itemNumber: string
  readonly itemTitle: string
  readonly unitIds: readonly string[]
  readonly reason: string
  readonly replyWorkingDays: number
  readonly replyDue: string
  readonly status: 'issued' | 'replied' | 'withdrawn'
  readonly origin: 'manual' | 'ladder'
  readonly issuedBy: string | null
  readonly issuedAt: string
  readonly replyText: string | null
  readonly repliedBy: string | null
  readonly repliedUnitId: string | null
  readonly repliedAt: string | null
  readonly withdrawReason: string | null
  readonly withdrawnBy: string | null
  readonly withdrawnAt: string | null
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())
const arr = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [])

type Raw = Record<string, unknown>
const toRow = (r: Raw): NoticeRow => ({
  id: r.id as string,
  number: r.number as string,
  office: (r.office as string | undefined) ?? '',
  year: Number(r.year),
  seq: Number(r.seq),
  itemId: r.item_id as string,
  itemNumber: r.item_number as string,
  itemTitle: r.item_title as string,
  unitIds: arr(r.unit_ids),
  reason: r.reason as string,
  replyWorkingDays: Number(r.reply_working_days),
  replyDue: r.reply_due as string,
  status: r.status as NoticeRow['status'],
  origin: r.origin as 'manual' | 'ladder',
  issuedBy: (r.issued_by as string | null) ?? null,
  issuedAt: iso(r.issued_at)!,
  replyText: (r.reply_text as string | null) ?? null,
  repliedBy: (r.replied_by as string | null) ?? null,
  repliedUnitId: (r.replied_unit_id as string | null) ?? null,
  repliedAt: iso(r.replied_at),
  withdrawReason: (r.withdraw_reason as string | null) ?? null,
  withdrawnBy: (r.withdrawn_by as string | null) ?? null,
  withdrawnAt: iso(r.withdrawn_at),
})

const SELECT = `SELECT n.id, n.number, n.office, n.year, n.seq, n.item_id, i.number AS item_number, i.title AS item_title, i.kind AS item_kind, n.unit_ids,
  n.reason, n.reply_working_days, n.reply_due::text AS reply_due, n.status, n.origin, n.issued_by, n.issued_at,
  n.reply_text, n.replied_by, n.replied_unit_id, n.replied_at, n.withdraw_reason, n.withdrawn_by, n.withdrawn_at
  FROM supervision_notice n JOIN item i ON i.id = n.item_id`

/** The next sequence number of an office's year ('' = the top's office); the row lock serialises concurrent issuers. */
export async function nextNoticeSeq(db: Queryable, office: string, year: number): Promise<number> {
  const { rows } = await db.query<{ last: number }>(
    `INSERT INTO supervision_counter (office, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (office, year) DO UPDATE SET last = supervision_counter.last + 1 RETURNING last`,
    [office, year],
  )
  return Number(rows[0]!.last)
}

/** Stores a new notice. */
export async function insertNotice(
  db: Queryable,
  n: { id: string; office: string; year: number; seq: number; number: string; itemId: string; unitIds: readonly string[]; reason: string; replyWorkingDays: number; replyDue: string; origin: 'manual' | 'ladder'; issuedBy: string | null; issuedAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO supervision_notice (id, year, seq, number, item_id, unit_ids, reason, reply_working_days, reply_due, origin, issued_by, issued_at, office)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [n.id, n.year, n.seq, n.number, n.itemId, n.unitIds, n.reason, n.replyWorkingDays, n.replyDue, n.origin, n.issuedBy, n.issuedAt.toISOString(), n.office],
  )
}

/** One notice, or null. */
export async function getNotice(db: Queryable, id: string): Promise<NoticeRow | null> {
  const { rows } = await db.query<Raw>(`${SELECT} WHERE n.id = $1`, [id])
  return rows[0] ? toRow(rows[0]) : null
}

/** Records the reply when the notice is still open; false when someone replied first. */
export async function replyToNotice(db: Queryable, id: string, r: { text: string; by: string | null; unitId: string | null; at: Date }): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE supervision_notice SET status = 'replied', reply_text = $2, replied_by = $3, replied_unit_id = $4, replied_at = $5
      WHERE id = $1 AND status = 'issued' RETURNING id`,
    [id, r.text, r.by, r.unitId, r.at.toISOString()],
  )
  return rows.length > 0
}

/** Withdraws a notice that is still waiting for its reply; false when it was replied to or withdrawn first. */
export async function withdrawNoticeRow(db: Queryable, id: string, w: { reason: string; by: string | null; at: Date }): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE supervision_notice SET status = 'withdrawn', withdraw_reason = $2, withdrawn_by = $3, withdrawn_at = $4
      WHERE id = $1 AND status = 'issued' RETURNING id`,
    [id, w.reason, w.by, w.at.toISOString()],
  )
  return rows.length > 0
}

/** Notices matching the filter, newest first; `unitIds` limits to notices addressed to any of them. */
/** A notice as lists show it: with its item's kind ('task', 'ticket' …), which says what screen a link to the item opens. */
export type ListedNotice = NoticeRow & { readonly itemKind: string }

export async function listNotices(db: Queryable, f: { itemId?: string; status?: string; unitIds?: readonly string[] | null; limit: number }): Promise<ListedNotice[]> {
  const where: string[] = []
  const params: unknown[] = []
  if (f.itemId) where.push(`n.item_id = $${params.push(f.itemId)}`)
  if (f.status) where.push(`n.status = $${params.push(f.status)}`)
  if (f.unitIds) where.push(`n.unit_ids && $${params.push([...f.unitIds])}::text[]`)
  const sql = `${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY n.year DESC, n.seq DESC LIMIT $${params.push(f.limit)}`
  const { rows } = await db.query<Raw>(sql, params)
  return rows.map((r) => ({ ...toRow(r), itemKind: r.item_kind as string }))
}
