/**
 * The supervision tick's set-based writes: one statement per table for a whole page of items (claims,
 * notifications, webhook deliveries, audit rows, 督办单), where the per-action functions of supervision.repo.ts,
 * supervision-webhook.repo.ts, audit.repo.ts and supervision-notice.repo.ts write one row per round trip. Rows
 * travel as one JSON array (`jsonb_to_recordset`), so nullable columns and array columns need no special casing.
 */
import type { Queryable } from './db.ts'
import type { SupervisionAction } from './supervision.repo.ts'
import type { NewNotification } from './supervision.repo.ts'
import type { NewAuditRow } from './audit.repo.ts'
import type { ItemRow } from './items.repo.ts'
import { isoInstant } from './plans.repo.ts'

/** `ROWS FROM (jsonb_to_recordset($1) …) WITH ORDINALITY AS x(…, ord)`: the rows of a JSON array in its order, typed. */
function recordset(cols: readonly (readonly [string, string])[]): string {
  return `ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (${cols.map(([n, t]) => `${n} ${t}`).join(', ')})) WITH ORDINALITY AS x(${cols.map(([n]) => n).join(', ')}, ord)`
}

/** Claims every action not claimed before in one statement; returns the keys this call claimed. */
export async function claimActions(db: Queryable, actions: readonly SupervisionAction[]): Promise<Set<string>> {
  if (actions.length === 0) return new Set()
  const rows = actions.map((a) => ({ key: a.key, item_id: a.itemId, action: a.action, step: a.step, ref: a.ref, due_at: a.dueAt, at: a.at.toISOString() }))
  const { rows: got } = await db.query<{ key: string }>(
    `INSERT INTO supervision_action (key, item_id, action, step, ref, due_at, at)
     SELECT key, item_id, action, step, ref, due_at, at
       FROM ${recordset([['key', 'text'], ['item_id', 'text'], ['action', 'text'], ['step', 'text'], ['ref', 'text'], ['due_at', 'timestamptz'], ['at', 'timestamptz']])}
      ORDER BY ord
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [JSON.stringify(rows)],
  )
  return new Set(got.map((r) => r.key))
}

/** Writes notifications, skipping any whose dedupe key is already stored (or repeated in the batch). */
export async function insertNotifications(db: Queryable, ns: readonly NewNotification[]): Promise<void> {
  if (ns.length === 0) return
  const rows = ns.map((n) => ({
    id: n.id, dedupe_key: n.dedupeKey, user_id: n.userId ?? null, unit_id: n.unitId ?? null, role: n.role ?? null,
    item_id: n.itemId, type: n.type, title: n.title, body: n.body, created_at: n.at.toISOString(),
  }))
  await db.query(
    `INSERT INTO notification (id, dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at)
     SELECT id, dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at
       FROM ${recordset([['id', 'text'], ['dedupe_key', 'text'], ['user_id', 'text'], ['unit_id', 'text'], ['role', 'text'], ['item_id', 'text'], ['type', 'text'], ['title', 'text'], ['body', 'text'], ['created_at', 'timestamptz']])}
      ORDER BY ord
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [JSON.stringify(rows)],
    { name: 'duban_notifications_bulk_insert' },
  )
}

/** The active webhook subscriptions with the event types each takes ('*': all). */
export async function activeSubscriptions(db: Queryable): Promise<{ id: string; eventTypes: string[] }[]> {
  const { rows } = await db.query<{ id: string; event_types: unknown }>('SELECT id, event_types FROM webhook_subscription WHERE active ORDER BY id')
  return rows.map((r) => ({ id: r.id, eventTypes: Array.isArray(r.event_types) ? (r.event_types as string[]) : String(r.event_types).replace(/^\{|\}$/g, '').split(',').filter(Boolean) }))
}

/** Queues webhook deliveries (one per subscription and event), skipping those already queued. */
export async function insertDeliveries(db: Queryable, ds: readonly { id: string; subscriptionId: string; eventId: string; eventType: string; payload: unknown; at: Date }[]): Promise<void> {
  if (ds.length === 0) return
  const rows = ds.map((d) => ({ id: d.id, subscription_id: d.subscriptionId, event_id: d.eventId, event_type: d.eventType, payload: d.payload, at: d.at.toISOString() }))
  await db.query(
    `INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, payload, next_attempt_at, created_at)
     SELECT id, subscription_id, event_id, event_type, payload, at, at
       FROM ${recordset([['id', 'text'], ['subscription_id', 'text'], ['event_id', 'text'], ['event_type', 'text'], ['payload', 'jsonb'], ['at', 'timestamptz']])}
      ORDER BY ord
     ON CONFLICT (subscription_id, event_id) DO NOTHING`,
    [JSON.stringify(rows)],
  )
}

/** Inserts unsealed audit rows in the given order (their ids follow it), in the caller's transaction. */
export async function insertUnsealedAuditRows(tx: Queryable, rows: readonly NewAuditRow[]): Promise<void> {
  if (rows.length === 0) return
  const json = rows.map((r) => ({ at: r.at.toISOString(), actor_id: r.actorId, action: r.action, entity: r.entity, entity_id: r.entityId, before: r.before ?? null, after: r.after ?? null }))
  await tx.query(
    `INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after)
     SELECT at, actor_id, action, entity, entity_id, before, after
       FROM ${recordset([['at', 'timestamptz'], ['actor_id', 'text'], ['action', 'text'], ['entity', 'text'], ['entity_id', 'text'], ['before', 'jsonb'], ['after', 'jsonb']])}
      ORDER BY ord`,
    [JSON.stringify(json)],
    { name: 'duban_audit_bulk_insert' },
  )
}

/**
 * Reserves `count` consecutive notice numbers of a year of the top's office (the ladder's notices are the top's; the
 * counter's row lock serialises issuers); returns the first. The notices' `office` column keeps its default, ''.
 */
export async function reserveNoticeSeqs(db: Queryable, year: number, count: number): Promise<number> {
  const { rows } = await db.query<{ last: number }>(
    `INSERT INTO supervision_counter (office, year, last) VALUES ('', $1, $2)
     ON CONFLICT (office, year) DO UPDATE SET last = supervision_counter.last + $2 RETURNING last`,
    [year, count],
  )
  return Number(rows[0]!.last) - count + 1
}

/** A 督办单 to store. */
export interface NewNotice {
  readonly id: string
  readonly year: number
  readonly seq: number
  readonly number: string
  readonly itemId: string
  readonly unitIds: readonly string[]
  readonly reason: string
  readonly replyWorkingDays: number
  readonly replyDue: string
  readonly origin: 'manual' | 'ladder'
  readonly issuedBy: string | null
  readonly issuedAt: Date
}

/** Stores notices in one statement. */
export async function insertNotices(db: Queryable, ns: readonly NewNotice[]): Promise<void> {
  if (ns.length === 0) return
  const rows = ns.map((n) => ({
    id: n.id, year: n.year, seq: n.seq, number: n.number, item_id: n.itemId, unit_ids: n.unitIds, reason: n.reason,
    reply_working_days: n.replyWorkingDays, reply_due: n.replyDue, origin: n.origin, issued_by: n.issuedBy, issued_at: n.issuedAt.toISOString(),
  }))
  await db.query(
    `INSERT INTO supervision_notice (id, year, seq, number, item_id, unit_ids, reason, reply_working_days, reply_due, origin, issued_by, issued_at)
     SELECT id, year, seq, number, item_id, unit_ids, reason, reply_working_days, reply_due, origin, issued_by, issued_at
       FROM ${recordset([['id', 'text'], ['year', 'int'], ['seq', 'int'], ['number', 'text'], ['item_id', 'text'], ['unit_ids', 'text[]'], ['reason', 'text'], ['reply_working_days', 'int'], ['reply_due', 'date'], ['origin', 'text'], ['issued_by', 'text'], ['issued_at', 'timestamptz']])}
      ORDER BY ord`,
    [JSON.stringify(rows)],
  )
}

/** Which of `ids` name a stored unit. */
export async function knownUnits(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const { rows } = await db.query<{ id: string }>('SELECT id FROM unit WHERE id = ANY($1::text[])', [[...ids]])
  return new Set(rows.map((r) => r.id))
}


const parse = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>

/**
 * The items a page's events fire on, each under a row lock (in id order, so two lockers never wait on each other
 * crosswise): the rows take-event's findItemForEvent reads one at a time, in one statement.
 */
export async function lockItemsForEvents(tx: Queryable, ids: readonly string[]): Promise<Map<string, ItemRow>> {
  const out = new Map<string, ItemRow>()
  if (ids.length === 0) return out
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT i.id, i.number, i.kind, i.kind_version, i.state, i.state_type, i.title, i.body, i.plan_id, i.source_line, i.path,
            i.due_date::text AS due_date, i.snapshot, i.data, i.created_at, i.updated_at, i.closed_at, i.version
       FROM item i WHERE i.id = ANY($1::text[]) ORDER BY i.id FOR UPDATE`,
    [[...new Set(ids)]],
  )
  for (const r of rows) {
    out.set(String(r.id), {
      id: String(r.id), number: String(r.number), kind: String(r.kind), kindVersion: Number(r.kind_version), state: String(r.state),
      stateType: r.state_type as ItemRow['stateType'], title: String(r.title), body: String(r.body), planId: (r.plan_id as string | null) ?? null,
      sourceLine: r.source_line === null ? null : Number(r.source_line), path: (r.path as string[]) ?? [], dueDate: (r.due_date as string | null) ?? null,
      snapshot: parse(r.snapshot), data: parse(r.data), createdAt: isoInstant(r.created_at) ?? '', updatedAt: isoInstant(r.updated_at) ?? '',
      closedAt: isoInstant(r.closed_at), version: Number(r.version),
    })
  }
  return out
}

/** One event the tick fired: the item row after it (written only at `fromVersion`) and its history entry. */
export interface FiredEventRow {
  readonly id: string
  readonly fromVersion: number
  readonly state: string
  readonly stateType: string
  readonly snapshot: unknown
  readonly dueDate: string | null
  readonly at: string
  readonly closed: boolean
  readonly event: string
  readonly from: string
  readonly actorRole: string
  readonly payload: unknown
}

/**
 * Writes events fired by the scheduler on distinct items in ONE statement: each item row (only at its
 * `fromVersion`, as writeEventRows does) and its history entry, in the order given. The scheduler has no user and no
 * unit. Returns how many items were updated (fewer than given: a version moved; the caller rolls back).
 */
export async function writeFiredEvents(tx: Queryable, evs: readonly FiredEventRow[]): Promise<number> {
  if (evs.length === 0) return 0
  const rows = evs.map((e) => ({
    id: e.id, from_version: e.fromVersion, state: e.state, state_type: e.stateType, snapshot: e.snapshot, due_date: e.dueDate, at: e.at,
    closed: e.closed, event: e.event, from_state: e.from, actor_role: e.actorRole, payload: e.payload ?? {},
  }))
  const { rows: got } = await tx.query<{ n: number | string }>(
    `WITH x AS (
       SELECT * FROM ${recordset([['id', 'text'], ['from_version', 'int'], ['state', 'text'], ['state_type', 'text'], ['snapshot', 'jsonb'], ['due_date', 'date'], ['at', 'timestamptz'], ['closed', 'boolean'], ['event', 'text'], ['from_state', 'text'], ['actor_role', 'text'], ['payload', 'jsonb']])}),
     u AS (
       UPDATE item SET state = x.state, state_type = x.state_type, snapshot = x.snapshot, data = item.data, due_date = x.due_date, updated_at = x.at,
              closed_at = CASE WHEN x.closed THEN COALESCE(item.closed_at, x.at) ELSE NULL END, version = item.version + 1
         FROM x WHERE item.id = x.id AND item.version = x.from_version RETURNING item.id),
     e AS (
       INSERT INTO item_event (item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at)
       SELECT x.id, x.event, x.from_state, x.state, NULL, x.actor_role, NULL, x.payload, x.at FROM x JOIN u ON u.id = x.id ORDER BY x.ord RETURNING seq)
     SELECT (SELECT count(*) FROM u) AS n, (SELECT count(*) FROM e) AS events`,
    [JSON.stringify(rows)],
  )
  return Number(got[0]?.n ?? 0)
}
