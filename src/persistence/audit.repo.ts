/**
 * The audit log (审计日志) table: writers insert unsealed rows (one statement, no lock, no read); the sealer
 * gives committed ones their chain position and hashes under its own lock; verification reads sealed rows in
 * chain order. Design in docs/audit.md.
 */
import type { Queryable } from './db.ts'

/** What a writer stores: the row without id, chain position or hashes. */
export interface NewAuditRow {
  readonly at: Date
  readonly actorId: string | null
  readonly action: string
  readonly entity: string
  readonly entityId: string | null
  readonly before: unknown
  readonly after: unknown
}

/** A row waiting for the sealer, as stored (jsonb given back as the database gives it). */
export interface UnsealedAuditRow extends NewAuditRow {
  readonly id: number
}

/** A sealed row: its place in the chain and the hashes that bind it there. */
export interface AuditRow extends NewAuditRow {
  readonly seq: number
  readonly prevHash: string
  readonly hash: string
}

/** The chain position and hashes the sealer gives one row. */
export interface SealOfRow {
  readonly id: number
  readonly seq: number
  readonly prevHash: string
  readonly hash: string
}

// Held by the one sealer for the length of its batch transaction; writers never take it.
// The sealer's five statements are named (prepared once per connection, or once per PGlite database): the sealer
// runs every second and on PGlite every batch is a stretch of the one event loop, where parsing and planning the
// same text again was part of each batch's cost (test/perf-shape/seal-statements.test.ts keeps them named).
const SEALER_LOCK_KEY = 4242060

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v))
const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)))

/** Inserts one unsealed row in the caller's transaction; returns its id (not its chain seq, given at sealing). */
export async function insertUnsealedAuditRow(tx: Queryable, row: NewAuditRow): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb) RETURNING id`,
    [row.at.toISOString(), row.actorId, row.action, row.entity, row.entityId, json(row.before), json(row.after)],
    // Every write appends one: prepared once per connection (pg) or database (PGlite).
    { name: 'duban_audit_insert' },
  )
  return Number(r.rows[0]?.id)
}

/**
 * Takes the sealer lock for the rest of the transaction. wait=false tries once and answers whether it got it
 * (another process is sealing when not); wait=true blocks until the other sealer's batch commits.
 */
export async function lockSealer(tx: Queryable, wait: boolean): Promise<boolean> {
  if (wait) {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEALER_LOCK_KEY], { name: 'duban_seal_lock' })
    return true
  }
  const r = await tx.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS got', [SEALER_LOCK_KEY], { name: 'duban_seal_try_lock' })
  return r.rows[0]?.got === true
}

/** The last sealed row's seq and hash, or null before the first seal. */
export async function readChainHead(q: Queryable): Promise<{ seq: number; hash: string } | null> {
  const r = await q.query<{ seq: number; hash: string }>(
    'SELECT seq::int8 AS seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1',
    [],
    { name: 'duban_seal_head' },
  )
  const row = r.rows[0]
  return row ? { seq: Number(row.seq), hash: row.hash } : null
}

/** Committed unsealed rows in id order, at most limit of them (rows of open transactions are not visible). */
export async function readUnsealed(q: Queryable, limit: number): Promise<UnsealedAuditRow[]> {
  const r = await q.query<UnsealedAuditRow>(
    `SELECT id::int8 AS id, at, actor_id AS "actorId", action, entity, entity_id AS "entityId", before, after
       FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1`,
    [limit],
    { name: 'duban_seal_unsealed' },
  )
  return r.rows.map((x) => ({ ...x, id: Number(x.id), at: asDate(x.at) }))
}

/**
 * Writes the seals of one batch in one statement; only rows still unsealed are touched. Returns how many
 * were sealed, so the caller can roll back the batch when that is not all of them.
 */
export async function writeSeals(tx: Queryable, seals: readonly SealOfRow[]): Promise<number> {
  if (seals.length === 0) return 0
  const r = await tx.query<{ id: number }>(
    `UPDATE audit_log a SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash
       FROM (SELECT unnest($1::int8[]) AS id, unnest($2::int8[]) AS seq, unnest($3::text[]) AS prev_hash, unnest($4::text[]) AS hash) s
      WHERE a.id = s.id AND a.seq IS NULL
      RETURNING a.id`,
    [seals.map((s) => s.id), seals.map((s) => s.seq), seals.map((s) => s.prevHash), seals.map((s) => s.hash)],
    { name: 'duban_seal_write' },
  )
  return r.rows.length
}

/** How many rows wait for the sealer (committed ones, as this connection sees them). */
export async function countUnsealed(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int8 AS n FROM audit_log WHERE seq IS NULL')
  return Number(r.rows[0]?.n ?? 0)
}

/** Sealed rows with seq > afterSeq, in chain order, at most limit of them (verification pages through). */
export async function readAuditPage(q: Queryable, afterSeq: number, limit: number): Promise<AuditRow[]> {
  const r = await q.query<AuditRow>(
    `SELECT seq::int8 AS seq, at, actor_id AS "actorId", action, entity, entity_id AS "entityId", before, after,
            prev_hash AS "prevHash", hash
       FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  )
  return r.rows.map((x) => ({ ...x, seq: Number(x.seq), at: asDate(x.at) }))
}

/** Audit rows about one entity, newest first; seq, prevHash and hash are null until the row is sealed. */
export async function listAuditFor(
  q: Queryable,
  entity: string,
  entityId: string,
  limit = 200,
): Promise<(UnsealedAuditRow & { seq: number | null; prevHash: string | null; hash: string | null })[]> {
  const r = await q.query<UnsealedAuditRow & { seq: number | null; prevHash: string | null; hash: string | null }>(
    `SELECT id::int8 AS id, seq::int8 AS seq, at, actor_id AS "actorId", action, entity, entity_id AS "entityId", before, after,
            prev_hash AS "prevHash", hash
       FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT $3`,
    [entity, entityId, limit],
  )
  return r.rows.map((x) => ({ ...x, id: Number(x.id), seq: x.seq === null ? null : Number(x.seq), at: asDate(x.at) }))
}
