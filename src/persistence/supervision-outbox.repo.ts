/** The event outbox (事件发件箱) the NATS publisher drains: rows the item trigger writes (migration 076). */
import type { Queryable } from './db.ts'

/** One captured change of an item, with the units it concerns now. */
export interface OutboxEvent {
  readonly seq: number
  readonly itemId: string
  readonly op: 'created' | 'changed'
  readonly version: number
  readonly at: string
  readonly item: Record<string, unknown>
  /** Lead, responsible and cooperating units, sorted. */
  readonly units: readonly string[]
}

/** Turns capture on (a stream is configured) or off. */
export async function setEventStream(db: Queryable, name: string, enabled: boolean, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO event_stream (name, enabled, changed_at) VALUES ($1,$2,$3)
     ON CONFLICT (name) DO UPDATE SET enabled = EXCLUDED.enabled, changed_at = EXCLUDED.changed_at`,
    [name, enabled, at.toISOString()],
  )
}

/** The oldest `limit` captured changes, in seq order. */
export async function listOutbox(db: Queryable, limit: number): Promise<OutboxEvent[]> {
  const { rows } = await db.query<{ seq: unknown; item_id: string; op: 'created' | 'changed'; version: unknown; at: unknown; payload: unknown; units: unknown }>(
    `SELECT o.seq, o.item_id, o.op, o.version, o.at, o.payload,
            COALESCE((SELECT array_agg(DISTINCT u.unit_id ORDER BY u.unit_id) FROM item_unit u WHERE u.item_id = o.item_id), '{}') AS units
       FROM event_outbox o ORDER BY o.seq LIMIT $1`,
    [limit],
  )
  return rows.map((r) => ({
    seq: Number(r.seq),
    itemId: r.item_id,
    op: r.op,
    version: Number(r.version),
    at: new Date(r.at as string).toISOString(),
    item: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    units: Array.isArray(r.units) ? (r.units as string[]) : String(r.units).replace(/^\{|\}$/g, '').split(',').filter(Boolean),
  }))
}

/** Deletes the published rows (by seq: a row that commits late with a smaller seq stays for the next round). */
export async function deleteOutbox(db: Queryable, seqs: readonly number[]): Promise<void> {
  if (seqs.length > 0) await db.query('DELETE FROM event_outbox WHERE seq = ANY($1::bigint[])', [[...seqs]])
}
