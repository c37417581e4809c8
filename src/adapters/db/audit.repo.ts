/** The audit log (审计日志) table: append under a lock, read in order for verification. */
import type { Queryable } from './db.ts'

/** A stored audit row. */
export interface AuditRow {
  readonly seq: number
  readonly at: Date
  readonly actorId: string | null
  readonly action: string
  readonly entity: string
  readonly entityId: string | null
  readonly before: unknown
  readonly after: unknown
  readonly prevHash: string
  readonly hash: string
}

// Any constant shared by every writer of the chain; xact locks release at commit or rollback.
const AUDIT_LOCK_KEY = 4242010

/** Takes the chain lock for the rest of the transaction and returns the last seq and hash. */
export async function lockChainHead(tx: Queryable): Promise<{ seq: number; hash: string } | null> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY])
  const r = await tx.query<{ seq: number; hash: string }>('SELECT seq::int8 AS seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
  const row = r.rows[0]
  return row ? { seq: Number(row.seq), hash: row.hash } : null
}

/** Inserts one audit row with an explicit seq (no gaps: a missing seq means a deleted row). */
export async function insertAuditRow(tx: Queryable, row: AuditRow): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb, $9, $10)`,
    [
      row.seq,
      row.at.toISOString(),
      row.actorId,
      row.action,
      row.entity,
      row.entityId,
      row.before === null || row.before === undefined ? null : JSON.stringify(row.before),
      row.after === null || row.after === undefined ? null : JSON.stringify(row.after),
      row.prevHash,
      row.hash,
    ],
  )
}

/** Audit rows with seq > afterSeq, in order, at most limit of them (verification pages through). */
export async function readAuditPage(q: Queryable, afterSeq: number, limit: number): Promise<AuditRow[]> {
  const r = await q.query<AuditRow>(
    `SELECT seq::int8 AS seq, at, actor_id AS "actorId", action, entity, entity_id AS "entityId", before, after,
            prev_hash AS "prevHash", hash
       FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  )
  return r.rows.map((x) => ({ ...x, seq: Number(x.seq), at: x.at instanceof Date ? x.at : new Date(String(x.at)) }))
}

/** Audit rows about one entity, newest first. */
export async function listAuditFor(q: Queryable, entity: string, entityId: string, limit = 200): Promise<AuditRow[]> {
  const r = await q.query<AuditRow>(
    `SELECT seq::int8 AS seq, at, actor_id AS "actorId", action, entity, entity_id AS "entityId", before, after,
            prev_hash AS "prevHash", hash
       FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY seq DESC LIMIT $3`,
    [entity, entityId, limit],
  )
  return r.rows.map((x) => ({ ...x, seq: Number(x.seq) }))
}
