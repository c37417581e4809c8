/**
 * Open311 GeoReport v2 reads (src/adapters/http/open311/): tickets as public service-request records —
 * only what a GeoReport record shows (never the requester's name or phone) — and the media URL a
 * GeoReport client sent with a request (open311_request, migration 059).
 */
import type { Queryable } from './db.ts'
import { isoInstant } from './plans.repo.ts'

/** A ticket as the Open311 mapping reads it. */
export interface Open311TicketRow {
  readonly itemId: string
  readonly number: string
  readonly kind: string
  readonly kindVersion: number
  readonly state: string
  readonly stateType: string
  readonly snapshot: Record<string, unknown>
  readonly updatedAt: string
  readonly requestType: string
  readonly categoryCode: string
  readonly categoryName: string
  readonly content: string
  readonly address: string
  readonly placeUnitId: string | null
  readonly lat: number | null
  readonly lng: number | null
  readonly receivedAt: string
  readonly leadId: string | null
  readonly leadName: string | null
  readonly mediaUrl: string | null
  /** The last reply (答复): its text and time, from the item's history. */
  readonly replyText: string | null
  readonly replyAt: string | null
}

/** Filters of a GeoReport GET requests query, already read (georeport.map.ts requestFilterOf). */
export interface Open311RowFilter {
  readonly numbers: readonly string[] | null
  readonly categoryCodes: readonly string[] | null
  /** 'closed' = state type closed; 'open' = any other state type. */
  readonly statuses: readonly ('open' | 'closed')[] | null
  readonly from: Date | null
  readonly to: Date | null
  readonly limit: number
}

const SELECT = `SELECT i.id AS item_id, i.number, i.kind, i.kind_version, i.state, i.state_type, i.snapshot, i.updated_at,
    t.request_type, t.category_code, c.name AS category_name, t.content, t.address, t.place_unit_id, t.lat, t.lng, t.received_at,
    lu.id AS lead_id, lu.name AS lead_name, o.media_url,
    rp.payload->>'text' AS reply_text, rp.at AS reply_at
  FROM item i
  JOIN ticket t ON t.item_id = i.id
  JOIN service_category c ON c.code = t.category_code AND c.version = t.category_version
  LEFT JOIN LATERAL (SELECT u.id, u.name FROM item_unit iu JOIN unit u ON u.id = iu.unit_id
                     WHERE iu.item_id = i.id AND iu.role = 'lead' ORDER BY u.id LIMIT 1) lu ON true
  LEFT JOIN LATERAL (SELECT e.payload, e.at FROM item_event e
                     WHERE e.item_id = i.id AND e.event IN ('reply', 'answer_directly') ORDER BY e.seq DESC LIMIT 1) rp ON true
  LEFT JOIN open311_request o ON o.item_id = i.id
  WHERE i.kind = 'ticket'`

function json(v: unknown): Record<string, unknown> {
  return (typeof v === 'string' ? JSON.parse(v) : (v ?? {})) as Record<string, unknown>
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

function toRow(r: Record<string, unknown>): Open311TicketRow {
  return {
    itemId: String(r.item_id),
    number: String(r.number),
    kind: String(r.kind),
    kindVersion: Number(r.kind_version),
    state: String(r.state),
    stateType: String(r.state_type),
    snapshot: json(r.snapshot),
    updatedAt: isoInstant(r.updated_at) as string,
    requestType: String(r.request_type),
    categoryCode: String(r.category_code),
    categoryName: String(r.category_name),
    content: String(r.content),
    address: String(r.address ?? ''),
    placeUnitId: (r.place_unit_id as string | null) ?? null,
    lat: num(r.lat),
    lng: num(r.lng),
    receivedAt: isoInstant(r.received_at) as string,
    leadId: (r.lead_id as string | null) ?? null,
    leadName: (r.lead_name as string | null) ?? null,
    mediaUrl: (r.media_url as string | null) ?? null,
    replyText: (r.reply_text as string | null) ?? null,
    replyAt: r.reply_at ? isoInstant(r.reply_at) : null,
  }
}

/** Tickets matching the filter, newest first; `numbers` set: only those, the other filters ignored. */
export async function listOpen311Tickets(q: Queryable, f: Open311RowFilter): Promise<Open311TicketRow[]> {
  const where: string[] = []
  const params: unknown[] = []
  const p = (v: unknown) => {
    params.push(v)
    return `$${params.length}`
  }
  if (f.numbers) where.push(`i.number = ANY(${p(f.numbers)}::text[])`)
  else {
    if (f.categoryCodes) where.push(`t.category_code = ANY(${p(f.categoryCodes)}::text[])`)
    if (f.statuses && f.statuses.length === 1) where.push(f.statuses[0] === 'closed' ? `i.state_type = 'closed'` : `i.state_type <> 'closed'`)
    if (f.from) where.push(`t.received_at >= ${p(f.from)}`)
    if (f.to) where.push(`t.received_at <= ${p(f.to)}`)
  }
  const sql = `${SELECT}${where.map((w) => ` AND ${w}`).join('')} ORDER BY t.received_at DESC, i.number DESC LIMIT ${p(f.limit)}`
  const { rows } = await q.query<Record<string, unknown>>(sql, params)
  return rows.map(toRow)
}

/** One ticket by number, or null. */
export async function findOpen311Ticket(q: Queryable, number: string): Promise<Open311TicketRow | null> {
  const { rows } = await q.query<Record<string, unknown>>(`${SELECT} AND i.number = $1`, [number])
  return rows[0] ? toRow(rows[0]) : null
}

/** Keeps the media URL a GeoReport client sent with a new ticket. */
export async function insertOpen311Media(q: Queryable, itemId: string, mediaUrl: string, at: Date): Promise<void> {
  await q.query(`INSERT INTO open311_request (item_id, media_url, created_at) VALUES ($1, $2, $3) ON CONFLICT (item_id) DO UPDATE SET media_url = EXCLUDED.media_url`, [
    itemId,
    mediaUrl,
    at,
  ])
}

/** The latest change to the current catalogue (Service Discovery changeset), or null when empty. */
export async function catalogueChangedAt(q: Queryable): Promise<string | null> {
  const { rows } = await q.query<{ at: string | Date | null }>(`SELECT max(created_at) AS at FROM service_category`)
  return rows[0]?.at ? isoInstant(rows[0].at) : null
}

/** What the duplicate detection found for a ticket, as a public record may show it (open311.ts open311Duplicates). */
export interface Open311DuplicateRow {
  /** The ticket whose proposals these are (the later one of each pair). */
  readonly itemId: string
  readonly status: 'proposed' | 'merged'
  readonly reasons: readonly string[]
  readonly similarity: number
  /** The earlier ticket (the pair's primary): its number, state type, request type and receipt. */
  readonly primaryNumber: string
  readonly primaryStateType: string
  readonly primaryRequestType: string
  readonly primaryReceivedAt: string
}

/**
 * For the tickets `ids`: those whose duplicate detection has not run yet (their intake job is still waiting,
 * migration 134), and the proposals (waiting) and merges of each into an earlier ticket (ticket_duplicate), best
 * first. Dismissed proposals are left out.
 */
export async function open311DuplicateFacts(q: Queryable, ids: readonly string[]): Promise<{ pending: Set<string>; pairs: Open311DuplicateRow[] }> {
  if (ids.length === 0) return { pending: new Set(), pairs: [] }
  const jobs = await q.query<{ item_id: string }>(`SELECT item_id FROM ticket_intake_job WHERE item_id = ANY($1::text[])`, [[...ids]])
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT d.ticket_id, d.status, d.reasons, d.similarity, p.number, p.state_type, pt.request_type, pt.received_at
       FROM ticket_duplicate d JOIN item p ON p.id = d.primary_id JOIN ticket pt ON pt.item_id = d.primary_id
      WHERE d.ticket_id = ANY($1::text[]) AND d.status IN ('proposed', 'merged')
      ORDER BY d.ticket_id, d.status DESC, d.similarity DESC, p.number`,
    [[...ids]],
  )
  return {
    pending: new Set(jobs.rows.map((r) => r.item_id)),
    pairs: rows.map((r) => ({
      itemId: String(r.ticket_id),
      status: r.status as 'proposed' | 'merged',
      reasons: (typeof r.reasons === 'string' ? String(r.reasons).replace(/^\{|\}$/g, '').split(',').filter(Boolean) : (r.reasons as string[])) ?? [],
      similarity: Number(r.similarity),
      primaryNumber: String(r.number),
      primaryStateType: String(r.state_type),
      primaryRequestType: String(r.request_type),
      primaryReceivedAt: isoInstant(r.received_at) as string,
    })),
  }
}
