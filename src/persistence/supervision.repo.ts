/** Supervision tables (督办): configuration, the action ledger, notifications, 督办单 and the webhook outbox. */
import type { SupervisionConfig } from '../domain/supervision/supervision-config.ts'
import type { Queryable } from './db.ts'

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T))
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())
const day = (v: unknown): string | null => {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return v.slice(0, 10)
  // PGlite and pg give a `date` as a Date at local midnight; take the local parts, not UTC.
  const d = v as Date
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
export { day as dateColumn }

// ── configuration ───────────────────────────────────────────────────
/** Stored configurations by kind. */
export async function listSupervisionConfigs(db: Queryable): Promise<Map<string, SupervisionConfig>> {
  const { rows } = await db.query<{ kind: string; warn_before: number; reporting: unknown; ladder: unknown }>(
    'SELECT kind, warn_before, reporting, ladder FROM supervision_config',
  )
  const out = new Map<string, SupervisionConfig>()
  for (const r of rows) {
    const l = json<{ steps: SupervisionConfig['ladder']; noticeReplyWorkingDays: number; reportGraceWorkingDays?: number }>(r.ladder)
    // Configurations stored before the first-report grace existed get the default (5 working days).
    out.set(r.kind, { kind: r.kind, warnBefore: r.warn_before, reporting: json(r.reporting), ladder: l.steps, noticeReplyWorkingDays: l.noticeReplyWorkingDays, reportGraceWorkingDays: l.reportGraceWorkingDays ?? 5 })
  }
  return out
}

/** Stores a kind's configuration. */
export async function upsertSupervisionConfig(db: Queryable, c: SupervisionConfig, by: string | null, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO supervision_config (kind, warn_before, reporting, ladder, updated_by, updated_at) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (kind) DO UPDATE SET warn_before = EXCLUDED.warn_before, reporting = EXCLUDED.reporting,
       ladder = EXCLUDED.ladder, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [c.kind, c.warnBefore, JSON.stringify(c.reporting), JSON.stringify({ steps: c.ladder, noticeReplyWorkingDays: c.noticeReplyWorkingDays, reportGraceWorkingDays: c.reportGraceWorkingDays }), by, at.toISOString()],
  )
}

// ── items under supervision ─────────────────────────────────────────
/** An open item as the scheduler sees it. */
export interface SupervisedItem {
  readonly id: string
  readonly number: string
  readonly kind: string
  readonly title: string
  readonly dueDate: string | null
  readonly createdAt: string
  readonly data: Record<string, unknown>
  readonly snapshot: { readonly clocks?: Readonly<Record<string, { startedAt: string; dueAt: string | null; stoppedAt: string | null }>> }
  readonly lead: readonly string[]
  readonly responsible: readonly string[]
}

type SupervisedRow = { id: string; number: string; kind: string; title: string; due_date: unknown; created_at: unknown; data: unknown; snapshot: unknown; units: unknown }

/** An item the tick takes up, with what it needs to write its next-fire time back only when the item did not move. */
export interface FiringItem extends SupervisedItem {
  readonly version: number
  /** The item's next-fire time as text ('-infinity' when not computed), the page key with the id. */
  readonly fireKey: string
}

/** The columns of an item under supervision, with its units as one JSON list; callers add WHERE/ORDER. */
const SUPERVISED_SELECT = `SELECT i.id, i.number, i.kind, i.title, i.due_date::text AS due_date, i.created_at, i.data, i.snapshot,
            COALESCE((SELECT json_agg(json_build_object('unit', u.unit_id, 'role', u.role) ORDER BY u.unit_id)
                        FROM item_unit u WHERE u.item_id = i.id), '[]'::json) AS units
       FROM item i`

function toSupervised(r: SupervisedRow): SupervisedItem {
  const units = json<{ unit: string; role: string }[]>(r.units)
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    title: r.title,
    dueDate: day(r.due_date),
    createdAt: iso(r.created_at)!,
    data: json<Record<string, unknown>>(r.data) ?? {},
    snapshot: json<SupervisedItem['snapshot']>(r.snapshot) ?? {},
    lead: units.filter((u) => u.role === 'lead').map((u) => u.unit),
    responsible: units.filter((u) => u.role === 'responsible').map((u) => u.unit),
  }
}

/** Where the last page ended: the next-fire time (as text) and id of its last item. */
export interface FiringCursor {
  readonly fireKey: string
  readonly id: string
}

function toFiring(r: SupervisedRow & { version: unknown; fire_key: string | null }): FiringItem {
  return { ...toSupervised(r), version: Number(r.version), fireKey: r.fire_key ?? '' }
}

/** A page of firing items, and where the next page starts (past any stale clock rows the page met). */
export interface FiringPage {
  readonly items: FiringItem[]
  /** After the page's last clock row (live or stale), or null when the page had none. */
  readonly cursor: FiringCursor | null
  /** The page was full: there may be more. */
  readonly more: boolean
}

/**
 * One page of open items whose next-fire time has come (≤ now, '-infinity' first), after `cursor` in
 * (next_fire_at, item_id) order: a range scan of item_clock_fire_idx (migration 169), so the tick's cost follows
 * what fires, not how many items there are. A clock row whose item is gone or closed (see the migration) is deleted
 * here and left out of the page.
 */
export async function listFiringItems(db: Queryable, now: Date, cursor: FiringCursor | null, limit: number): Promise<FiringPage> {
  const { rows } = await db.query<SupervisedRow & { clock_id: string; version: unknown; fire_key: string | null; state_type: string | null }>(
    `SELECT c.item_id AS clock_id, c.next_fire_at::text AS fire_key, i.version, i.state_type, i.id, i.number, i.kind, i.title,
            i.due_date::text AS due_date, i.created_at, i.data, i.snapshot,
            CASE WHEN i.id IS NULL THEN '[]'::json ELSE
              COALESCE((SELECT json_agg(json_build_object('unit', u.unit_id, 'role', u.role) ORDER BY u.unit_id)
                          FROM item_unit u WHERE u.item_id = i.id), '[]'::json) END AS units
       FROM item_clock c LEFT JOIN item i ON i.id = c.item_id
      WHERE c.next_fire_at <= $1 AND (c.next_fire_at, c.item_id) > ($2::timestamptz, $3::text)
      ORDER BY c.next_fire_at, c.item_id LIMIT $4`,
    [now.toISOString(), cursor?.fireKey ?? '-infinity', cursor?.id ?? '', limit],
  )
  const stale = rows.filter((r) => r.id === null || r.state_type === 'closed').map((r) => r.clock_id)
  if (stale.length > 0) {
    await db.query(
      `DELETE FROM item_clock c WHERE c.item_id = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM item i WHERE i.id = c.item_id AND i.state_type <> 'closed')`,
      [stale],
    )
  }
  const last = rows[rows.length - 1]
  return {
    items: rows.filter((r) => r.id !== null && r.state_type !== 'closed').map(toFiring),
    cursor: last ? { fireKey: last.fire_key ?? '', id: last.clock_id } : null,
    more: rows.length === limit,
  }
}

/** One page of every open item after `afterId` in id order: the full pass (backfill, or a changed configuration). */
export async function listOpenItemsPage(db: Queryable, afterId: string, limit: number): Promise<FiringItem[]> {
  const { rows } = await db.query<SupervisedRow & { version: unknown; fire_key: string | null }>(
    `${SUPERVISED_SELECT.replace('SELECT i.id,', "SELECT i.version, '' AS fire_key, i.id,")} WHERE i.state_type <> 'closed' AND i.id > $1 ORDER BY i.id LIMIT $2`,
    [afterId, limit],
  )
  return rows.map(toFiring)
}

/**
 * Writes the items' next-fire times (null: never, until the item changes) into item_clock (migration 169): one
 * narrow row each, whatever the size of item. An item whose version moved since it was read (an event the tick
 * fired, or a user's write meanwhile) is left as its writer's trigger left it ('-infinity', with the new version),
 * so the next tick looks at it afresh: the version is checked on the clock row the upsert locks. The row keeps the
 * version of its last reset, which writes the tick does not read (a report, a 催办: migration 180) do not move, so
 * the check is "no reset since the version read" (≤), not equality. An item without a
 * row (loaded with triggers off) gets one if it is still open at that version.
 */
export async function setNextFire(db: Queryable, entries: readonly { id: string; version: number; at: string | null }[]): Promise<void> {
  if (entries.length === 0) return
  await db.query(
    `INSERT INTO item_clock AS c (item_id, version, next_fire_at)
     SELECT v.id, v.version, v.at FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS v(id, version, at)
       JOIN item i ON i.id = v.id AND i.version = v.version AND i.state_type <> 'closed'
     ON CONFLICT (item_id) DO UPDATE SET next_fire_at = EXCLUDED.next_fire_at WHERE c.version <= EXCLUDED.version`,
    [entries.map((e) => e.id), entries.map((e) => e.version), entries.map((e) => e.at)],
  )
}

/** When each item's progress reports were made (ISO instants, oldest first), for a page of items at once. */
export async function reportTimesOf(db: Queryable, itemIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (itemIds.length === 0) return out
  const { rows } = await db.query<{ item_id: string; reported_at: unknown }>(
    'SELECT item_id, reported_at FROM progress_report WHERE item_id = ANY($1::text[]) ORDER BY item_id, reported_at',
    [[...itemIds]],
  )
  for (const r of rows) {
    const list = out.get(r.item_id) ?? []
    list.push(iso(r.reported_at)!)
    out.set(r.item_id, list)
  }
  return out
}

/** A value the tick keeps between runs (e.g. the fingerprint its next-fire times were computed under), or null. */
export async function getTickState(db: Queryable, key: string): Promise<string | null> {
  const { rows } = await db.query<{ value: string }>('SELECT value FROM supervision_tick_state WHERE key = $1', [key])
  return rows[0]?.value ?? null
}

/** Stores a value the tick keeps between runs. */
export async function setTickState(db: Queryable, key: string, value: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO supervision_tick_state (key, value, at) VALUES ($1,$2,$3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at`,
    [key, value, at.toISOString()],
  )
}

/** One item's summary, for notices. */
export async function getItemSummary(db: Queryable, id: string): Promise<SupervisedItem | null> {
  const { rows } = await db.query<SupervisedRow>(`${SUPERVISED_SELECT} WHERE i.id = $1`, [id])
  return rows[0] ? toSupervised(rows[0]) : null
}

// ── the action ledger ───────────────────────────────────────────────
/** A scheduler action to record once. */
export interface SupervisionAction {
  readonly key: string
  readonly itemId: string
  readonly action: 'warn' | 'overdue' | 'report_missing' | 'escalate'
  readonly step: string | null
  readonly ref: string
  readonly dueAt: string | null
  readonly at: Date
}

/** Records an action; false when it was recorded before (the tick then does nothing for it). */
export async function claimAction(db: Queryable, a: SupervisionAction): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO supervision_action (key, item_id, action, step, ref, due_at, at) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [a.key, a.itemId, a.action, a.step, a.ref, a.dueAt, a.at.toISOString()],
  )
  return rows.length > 0
}

/** Recorded escalation steps of an item, oldest first. */
export async function listActions(db: Queryable, itemId?: string): Promise<{ key: string; itemId: string; action: string; step: string | null; ref: string; at: string }[]> {
  const { rows } = await db.query<{ key: string; item_id: string; action: string; step: string | null; ref: string; at: unknown }>(
    `SELECT key, item_id, action, step, ref, at FROM supervision_action ${itemId ? 'WHERE item_id = $1' : ''} ORDER BY at, key`,
    itemId ? [itemId] : [],
  )
  return rows.map((r) => ({ key: r.key, itemId: r.item_id, action: r.action, step: r.step, ref: r.ref, at: iso(r.at)! }))
}

// ── notifications ───────────────────────────────────────────────────
/** A notification to write; exactly one of user, unit or role addresses it. */
export interface NewNotification {
  readonly id: string
  readonly dedupeKey: string
  readonly userId?: string | null
  readonly unitId?: string | null
  readonly role?: string | null
  readonly itemId: string | null
  readonly type: string
  readonly title: string
  readonly body: string
  readonly at: Date
}

/** Writes a notification unless one with the same dedupe key exists. */
export async function insertNotification(db: Queryable, n: NewNotification): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO notification (id, dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [n.id, n.dedupeKey, n.userId ?? null, n.unitId ?? null, n.role ?? null, n.itemId, n.type, n.title, n.body, n.at.toISOString()],
  )
  return rows.length > 0
}
