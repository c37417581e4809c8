/**
 * Items (事项) in the database: the item row, its units, events, reports, attachments and extension requests. The
 * ledger's filtered pages are ledger.repo.ts.
 */
import type { Queryable } from './db.ts'
import type { NewNotification } from './supervision.repo.ts'
import { isoInstant } from './plans.repo.ts'

/** Roles a unit holds on an item. */
export type ItemUnitRole = 'lead' | 'responsible' | 'cooperating'

/** An item row as use-cases see it. */
export interface ItemRow {
  readonly id: string
  readonly number: string
  readonly kind: string
  readonly kindVersion: number
  readonly state: string
  readonly stateType: 'open' | 'waiting' | 'closed'
  readonly title: string
  readonly body: string
  readonly planId: string | null
  readonly sourceLine: number | null
  readonly path: readonly string[]
  readonly dueDate: string | null
  readonly snapshot: Record<string, unknown>
  readonly data: Record<string, unknown>
  readonly createdAt: string
  readonly updatedAt: string
  readonly closedAt: string | null
  readonly version: number
}

/** The item columns a ledger row reads (alias i), for toItem. */
export const COLS = `i.id, i.number, i.kind, i.kind_version, i.state, i.state_type, i.title, i.body, i.plan_id, i.source_line, i.path,
  i.due_date::text AS due_date, i.snapshot, i.data, i.created_at, i.updated_at, i.closed_at, i.version`

function json(v: unknown): Record<string, unknown> {
  return (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>
}

export function toItem(r: Record<string, unknown>): ItemRow {
  return {
    id: String(r.id),
    number: String(r.number),
    kind: String(r.kind),
    kindVersion: Number(r.kind_version),
    state: String(r.state),
    stateType: r.state_type as ItemRow['stateType'],
    title: String(r.title),
    body: String(r.body),
    planId: (r.plan_id as string | null) ?? null,
    sourceLine: r.source_line === null ? null : Number(r.source_line),
    path: (r.path as string[]) ?? [],
    dueDate: (r.due_date as string | null) ?? null,
    snapshot: json(r.snapshot),
    data: json(r.data),
    createdAt: isoInstant(r.created_at) ?? '',
    updatedAt: isoInstant(r.updated_at) ?? '',
    closedAt: isoInstant(r.closed_at),
    version: Number(r.version),
  }
}

/** Reserves `count` consecutive numbers `PREFIX-YEAR-NNNN` (`width` digits, 4 by default) under a row lock; returns them in order. */
export async function reserveItemNumbers(q: Queryable, prefix: string, year: number, count: number, width = 4): Promise<string[]> {
  if (count <= 0) return []
  const { rows } = await q.query<{ last: number }>(
    `INSERT INTO item_counter (prefix, year, last) VALUES ($1, $2, $3)
     ON CONFLICT (prefix, year) DO UPDATE SET last = item_counter.last + EXCLUDED.last
     RETURNING last`,
    [prefix, year, count],
  )
  const last = Number(rows[0]?.last)
  return Array.from({ length: count }, (_, i) => `${prefix}-${year}-${String(last - count + 1 + i).padStart(width, '0')}`)
}

/** A new item row. */
export interface NewItem {
  readonly id: string
  readonly number: string
  readonly kind: string
  readonly kindVersion: number
  readonly state: string
  readonly stateType: string
  readonly title: string
  readonly body: string
  readonly planId: string | null
  readonly sourceLine: number | null
  readonly path: readonly string[]
  readonly dueDate: string | null
  readonly snapshot: unknown
  readonly data: unknown
  readonly at: string
}

/** Inserts an item with its units. */
export async function insertItem(q: Queryable, it: NewItem, units: readonly { unitId: string; role: ItemUnitRole }[]): Promise<void> {
  await q.query(
    `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, plan_id, source_line, path, due_date, snapshot, data, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12::date,$13::jsonb,$14::jsonb,$15,$15)`,
    [it.id, it.number, it.kind, it.kindVersion, it.state, it.stateType, it.title, it.body, it.planId, it.sourceLine, [...it.path], it.dueDate, JSON.stringify(it.snapshot), JSON.stringify(it.data), it.at],
  )
  await replaceItemUnits(q, it.id, units)
}

/** Replaces every unit of an item (reassignment). */
export async function replaceItemUnits(q: Queryable, itemId: string, units: readonly { unitId: string; role: ItemUnitRole }[]): Promise<void> {
  await q.query(`DELETE FROM item_unit WHERE item_id = $1`, [itemId])
  const seen = new Set<string>()
  for (const u of units) {
    const key = `${u.unitId}/${u.role}`
    if (seen.has(key)) continue
    seen.add(key)
    await q.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1,$2,$3)`, [itemId, u.unitId, u.role])
  }
}

/** The scope condition: the item has a unit in `$n` (an array of unit ids). */
export function scopeSql(param: number): string {
  return `EXISTS (SELECT 1 FROM item_unit s WHERE s.item_id = i.id AND s.unit_id = ANY($${param}::text[]))`
}

/** One item within a scope (null = everything), or null; `lock` takes a row lock. */
export async function findItem(q: Queryable, id: string, scope: readonly string[] | null, lock = false): Promise<ItemRow | null> {
  const params: unknown[] = [id]
  let where = 'i.id = $1'
  if (scope) {
    params.push([...scope])
    where += ` AND ${scopeSql(2)}`
  }
  const { rows } = await q.query(`SELECT ${COLS} FROM item i WHERE ${where}${lock ? ' FOR UPDATE' : ''}`, params)
  return rows[0] ? toItem(rows[0]) : null
}

/** A unit's role on an item, with the unit's name (as the ledger shows it). */
export interface ItemUnit {
  readonly unitId: string
  readonly unitName: string
  readonly role: ItemUnitRole
}

/** The units of `i`, lead first, as one JSON array (same order as unitsOf); and `shared`: two or more rows in item_share. */
const UNITS_JSON = `(SELECT coalesce(json_agg(json_build_object('unitId', iu.unit_id, 'unitName', u.name, 'role', iu.role)
    ORDER BY array_position(ARRAY['lead','responsible','cooperating'], iu.role), u.name), '[]'::json)
   FROM item_unit iu JOIN unit u ON u.id = iu.unit_id WHERE iu.item_id = i.id) AS units,
  EXISTS (SELECT 1 FROM item_share sh WHERE sh.item_id = i.id OFFSET 1) AS shared`

/**
 * One item within a scope (null = everything), with its units and whether its work is shared (two or more rows in
 * item_share: several leads, item-shares.ts), or null: everything an event needs to decide and to answer, in one
 * named statement. Under a row lock unless `lock` is false (take-event reads it unlocked and writes it only at the
 * version read: writeEventRows, lockItemAtVersion).
 */
export async function findItemForEvent(q: Queryable, id: string, scope: readonly string[] | null, lock = true): Promise<(ItemRow & { units: ItemUnit[]; shared: boolean }) | null> {
  const forUpdate = lock ? ' FOR UPDATE' : ''
  const named = lock ? '' : '_read'
  const { rows } = scope
    ? await q.query(`SELECT ${COLS}, ${UNITS_JSON} FROM item i WHERE i.id = $1 AND ${scopeSql(2)}${forUpdate}`, [id, [...scope]], { name: `duban_item_for_event_scoped${named}` })
    : await q.query(`SELECT ${COLS}, ${UNITS_JSON} FROM item i WHERE i.id = $1${forUpdate}`, [id], { name: `duban_item_for_event${named}` })
  const r = rows[0]
  if (!r) return null
  const units = (typeof r.units === 'string' ? JSON.parse(r.units) : r.units) as ItemUnit[]
  return { ...toItem(r), units, shared: r.shared === true }
}

/** Locks an item's row if it is still at `version`; false when its version moved (or it is gone). */
export async function lockItemAtVersion(q: Queryable, id: string, version: number): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM item WHERE id = $1 AND version = $2 FOR UPDATE`, [id, version], { name: 'duban_item_lock_at_version' })
  return rows.length === 1
}

/** Writes the engine's result back; returns false when the version moved meanwhile. */
export async function updateItemState(
  q: Queryable,
  it: { id: string; fromVersion: number; state: string; stateType: string; snapshot: unknown; data: unknown; dueDate: string | null; at: string; closed: boolean },
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE item SET state = $3, state_type = $4, snapshot = $5::jsonb, data = $6::jsonb, due_date = $7::date, updated_at = $8,
            closed_at = CASE WHEN $9::boolean THEN COALESCE(closed_at, $8::timestamptz) ELSE NULL END, version = version + 1
      WHERE id = $1 AND version = $2 RETURNING version`,
    [it.id, it.fromVersion, it.state, it.stateType, JSON.stringify(it.snapshot), JSON.stringify(it.data), it.dueDate, it.at, it.closed],
    { name: 'duban_item_update_state' },
  )
  return rows.length === 1
}

/** Appends to the item's history. */
export async function insertItemEvent(
  q: Queryable,
  e: { itemId: string; event: string; from: string; to: string; actorId: string | null; actorRole: string; unitId: string | null; payload: unknown; at: string },
): Promise<number> {
  const { rows } = await q.query<{ seq: number }>(
    `INSERT INTO item_event (item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb,$9) RETURNING seq`,
    [e.itemId, e.event, e.from, e.to, e.actorId, e.actorRole, e.unitId, JSON.stringify(e.payload ?? {}), e.at],
    { name: 'duban_item_event_insert' },
  )
  return Number(rows[0]?.seq)
}

/** A progress report written with its event (writeEventRows). */
export interface NewProgressReport {
  readonly id: string
  readonly unitId: string
  readonly period: string | null
  readonly body: string
  readonly targetValues: unknown
  readonly attachments: unknown
  readonly onTime: boolean
}

const EVENT_ROWS = (report: boolean, notify: boolean): string => `WITH u AS (
  UPDATE item SET state = $3, state_type = $4, snapshot = $5::jsonb, due_date = $6::date, updated_at = $7,
         closed_at = CASE WHEN $8::boolean THEN COALESCE(closed_at, $7::timestamptz) ELSE NULL END, version = version + 1
   WHERE id = $1 AND version = $2 RETURNING id),
e AS (
  INSERT INTO item_event (item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at)
  SELECT u.id, $9, $10, $3, $11, $12, $13, $14::jsonb, $7 FROM u RETURNING seq),
a AS (
  INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after)
  SELECT $7::timestamptz, $11, 'item.transition', 'item', u.id, $15::text::jsonb, $16::text::jsonb FROM u RETURNING id)${
    report
      ? `,
r AS (
  INSERT INTO progress_report (id, item_id, unit_id, period, body, target_values, attachments, on_time, reported_by, reported_at)
  SELECT $17, u.id, $18, $19, $20, $21::jsonb, $22::jsonb, $23, $11, $7 FROM u RETURNING id)`
      : ''
  }${
    notify
      ? `,
n AS (
  INSERT INTO notification (id, dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at)
  SELECT x.id, x.dedupe_key, x.user_id, x.unit_id, x.role, u.id, x.type, x.title, x.body, x.created_at
    FROM u, json_to_recordset($${report ? 24 : 17}::json)
      AS x(id text, dedupe_key text, user_id text, unit_id text, role text, type text, title text, body text, created_at timestamptz)
  ON CONFLICT (dedupe_key) DO NOTHING RETURNING id)`
      : ''
  }
SELECT (SELECT seq FROM e) AS seq, (SELECT id FROM a) AS audit_id`
/** The statement and its name for an event with or without a report and notifications, built once each. */
const EVENT_ROWS_STATEMENTS: Record<string, { text: string; name: string }> = {}
function eventRowsStatement(report: boolean, notify: boolean): { text: string; name: string } {
  const key = `${report}/${notify}`
  return (EVENT_ROWS_STATEMENTS[key] ??= { text: EVENT_ROWS(report, notify), name: `duban_event_rows${report ? '_report' : ''}${notify ? '_notify' : ''}` })
}

/**
 * What one event writes, in ONE statement: the item row (only at `fromVersion`), its history entry, the audit
 * row (unsealed, the row appendAudit / insertUnsealedAuditRow writes: action `item.transition`) and, for a
 * progress or completion report, the report, and the notifications its effects send (a 催办's to the lead unit,
 * worked out before: notificationsOf; each of the event's item, ON CONFLICT (dedupe_key) DO NOTHING as
 * insertNotification). One round trip instead of four: on PGlite every statement is CPU on the event loop, on
 * PostgreSQL a round trip and a statement start each. Returns the event's seq, or null when the item's version
 * moved (nothing is written then).
 */
export async function writeEventRows(
  q: Queryable,
  w: {
    item: { id: string; fromVersion: number; state: string; stateType: string; snapshot: unknown; dueDate: string | null; at: string; closed: boolean }
    /** `payloadJson`: the payload as JSON already (the caller's answer parses it back), else `payload` is serialised here. */
    event: { event: string; from: string; actorId: string | null; actorRole: string; unitId: string | null; payload: unknown; payloadJson?: string | undefined }
    audit: { before: unknown; after: unknown }
    report?: NewProgressReport | undefined
    notifications?: readonly NewNotification[] | undefined
  },
): Promise<number | null> {
  const { item: it, event: e, report: r } = w
  const notes = w.notifications?.length ? w.notifications : null
  const params: unknown[] = [
    it.id, it.fromVersion, it.state, it.stateType, JSON.stringify(it.snapshot), it.dueDate, it.at, it.closed,
    e.event, e.from, e.actorId, e.actorRole, e.unitId, e.payloadJson ?? JSON.stringify(e.payload ?? {}),
    w.audit.before == null ? null : JSON.stringify(w.audit.before), w.audit.after == null ? null : JSON.stringify(w.audit.after),
  ]
  if (r) params.push(r.id, r.unitId, r.period, r.body, JSON.stringify(r.targetValues), JSON.stringify(r.attachments), r.onTime)
  if (notes) {
    const rows = notes.map((n) => ({
      id: n.id, dedupe_key: n.dedupeKey, user_id: n.userId ?? null, unit_id: n.unitId ?? null, role: n.role ?? null,
      type: n.type, title: n.title, body: n.body, created_at: n.at.toISOString(),
    }))
    params.push(JSON.stringify(rows))
  }
  const statement = eventRowsStatement(r !== undefined, notes !== null)
  const { rows } = await q.query<{ seq: number | null }>(statement.text, params, { name: statement.name })
  const seq = rows[0]?.seq
  return seq === null || seq === undefined ? null : Number(seq)
}

/** Units of several items, keyed by item id. */
export async function unitsOf(q: Queryable, ids: readonly string[]): Promise<Map<string, { unitId: string; unitName: string; role: ItemUnitRole }[]>> {
  const out = new Map<string, { unitId: string; unitName: string; role: ItemUnitRole }[]>()
  if (ids.length === 0) return out
  const { rows } = await q.query<{ item_id: string; unit_id: string; name: string; role: ItemUnitRole }>(
    `SELECT iu.item_id, iu.unit_id, u.name, iu.role FROM item_unit iu JOIN unit u ON u.id = iu.unit_id
      WHERE iu.item_id = ANY($1::text[])
      ORDER BY array_position(ARRAY['lead','responsible','cooperating'], iu.role), u.name`,
    [[...ids]],
  )
  for (const r of rows) {
    const list = out.get(r.item_id) ?? []
    list.push({ unitId: r.unit_id, unitName: r.name, role: r.role })
    out.set(r.item_id, list)
  }
  return out
}

/** The item's history, oldest first. */
export async function eventsOf(q: Queryable, itemId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await q.query(
    `SELECT seq, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at FROM item_event WHERE item_id = $1 ORDER BY seq`,
    [itemId],
  )
  return rows.map((r) => ({
    seq: Number(r.seq),
    event: r.event,
    fromState: r.from_state,
    toState: r.to_state,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    unitId: r.unit_id,
    payload: json(r.payload),
    at: isoInstant(r.at),
  }))
}

/** Stores an attachment (附件); returns its public description. */
export async function insertAttachment(
  q: Queryable,
  a: { id: string; itemId: string; name: string; mime: string; content: Buffer; createdBy: string | null; at: string },
): Promise<{ id: string; name: string; size: number; mime: string }> {
  await q.query(
    `INSERT INTO attachment (id, item_id, name, mime, size, content, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [a.id, a.itemId, a.name, a.mime, a.content.length, a.content, a.createdBy, a.at],
  )
  return { id: a.id, name: a.name, size: a.content.length, mime: a.mime }
}

/** One attachment of an item with its bytes, or null. */
export async function findAttachment(q: Queryable, itemId: string, id: string): Promise<{ name: string; mime: string; content: Buffer } | null> {
  const { rows } = await q.query<{ name: string; mime: string; content: Uint8Array }>(
    `SELECT name, mime, content FROM attachment WHERE item_id = $1 AND id = $2`,
    [itemId, id],
  )
  const r = rows[0]
  return r ? { name: r.name, mime: r.mime, content: Buffer.from(r.content) } : null
}

/** Stores a progress report (进展报告). */
export async function insertProgressReport(
  q: Queryable,
  r: { id: string; itemId: string; unitId: string; period: string | null; body: string; targetValues: unknown; attachments: unknown; onTime: boolean; reportedBy: string | null; at: string },
): Promise<void> {
  await q.query(
    `INSERT INTO progress_report (id, item_id, unit_id, period, body, target_values, attachments, on_time, reported_by, reported_at)
     VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7::jsonb,$8,$9,$10)`,
    [r.id, r.itemId, r.unitId, r.period, r.body, JSON.stringify(r.targetValues), JSON.stringify(r.attachments), r.onTime, r.reportedBy, r.at],
    { name: 'duban_progress_report_insert' },
  )
}

/** The item's progress reports, oldest first. */
export async function reportsOf(q: Queryable, itemId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await q.query(
    `SELECT id, unit_id, period, body, target_values, attachments, on_time, reported_by, reported_at,
            corrected_body, corrected_target_values, correction_reason, corrected_by, corrected_at, corrections
       FROM progress_report WHERE item_id = $1 ORDER BY reported_at, id`,
    [itemId],
  )
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    period: r.period,
    body: r.body,
    targetValues: json(r.target_values),
    attachments: json(r.attachments),
    onTime: r.on_time,
    reportedBy: r.reported_by,
    reportedAt: isoInstant(r.reported_at),
    // 已更正: the correction in force beside the original (body, targetValues stay as first reported).
    correction:
      r.corrected_at === null || r.corrected_at === undefined
        ? null
        : { body: r.corrected_body, targetValues: json(r.corrected_target_values), reason: r.correction_reason, by: r.corrected_by, at: isoInstant(r.corrected_at), count: Number(r.corrections) },
  }))
}

/** Stores a pending extension request (延期申请). */
export async function insertExtensionRequest(
  q: Queryable,
  e: { id: string; itemId: string; unitId: string; reason: string; currentDue: string | null; requestedDue: string; at: string },
): Promise<void> {
  await q.query(
    `INSERT INTO extension_request (id, item_id, unit_id, reason, current_due, requested_due, status, created_at)
     VALUES ($1,$2,$3,$4,$5::date,$6::date,'pending',$7)`,
    [e.id, e.itemId, e.unitId, e.reason, e.currentDue, e.requestedDue, e.at],
  )
}

/** The item's pending extension request, or null. */
export async function pendingExtension(q: Queryable, itemId: string): Promise<{ id: string; requestedDue: string } | null> {
  const { rows } = await q.query<{ id: string; requested_due: string }>(
    `SELECT id, requested_due::text AS requested_due FROM extension_request WHERE item_id = $1 AND status = 'pending' ORDER BY created_at DESC, id LIMIT 1`,
    [itemId],
  )
  return rows[0] ? { id: rows[0].id, requestedDue: rows[0].requested_due } : null
}

/** Records the decision on an extension request. */
export async function decideExtension(
  q: Queryable,
  d: { id: string; status: 'approved' | 'refused'; decidedBy: string | null; reason: string | null; at: string },
): Promise<void> {
  await q.query(
    `UPDATE extension_request SET status = $2, decided_by = $3, decision_reason = $4, decided_at = $5 WHERE id = $1`,
    [d.id, d.status, d.decidedBy, d.reason, d.at],
  )
}

/** The item's extension requests, oldest first. */
export async function extensionsOf(q: Queryable, itemId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await q.query(
    `SELECT id, unit_id, reason, current_due::text AS current_due, requested_due::text AS requested_due, status, decided_by, decision_reason, created_at, decided_at
       FROM extension_request WHERE item_id = $1 ORDER BY created_at, id`,
    [itemId],
  )
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    reason: r.reason,
    currentDue: r.current_due,
    requestedDue: r.requested_due,
    status: r.status,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
    createdAt: isoInstant(r.created_at),
    decidedAt: isoInstant(r.decided_at),
  }))
}

/** Attachments of an item, without their bytes. */
export async function attachmentsOf(q: Queryable, itemId: string): Promise<{ id: string; name: string; size: number; mime: string }[]> {
  const { rows } = await q.query<{ id: string; name: string; size: number; mime: string }>(
    `SELECT id, name, size, mime FROM attachment WHERE item_id = $1 ORDER BY created_at, id`,
    [itemId],
  )
  return rows.map((r) => ({ id: r.id, name: r.name, size: Number(r.size), mime: r.mime }))
}
