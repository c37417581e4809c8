/** Remembered unit mappings with their jurisdiction (unit_mapping.scope, '' = every document) and members. */
import type { Queryable } from './db.ts'

/** A remembered mapping as stored, with the names a list shows. */
export interface ScopedMappingRow {
  readonly raw: string
  /** The place unit it was made for, or null for every document. */
  readonly scopeUnitId: string | null
  readonly scopeName: string | null
  readonly unitId: string
  readonly unitName: string | null
  /** For a collective name: the units it stands for. */
  readonly memberIds: readonly string[]
  readonly createdBy: string | null
  readonly createdAt: string
}

const SELECT = `SELECT m.raw, NULLIF(m.scope, '') AS "scopeUnitId", s.name AS "scopeName", m.unit_id AS "unitId", u.name AS "unitName",
  m.member_ids AS "memberIds", m.created_by AS "createdBy", m.created_at AS "createdAt"
  FROM unit_mapping m LEFT JOIN unit u ON u.id = m.unit_id LEFT JOIN unit s ON s.id = NULLIF(m.scope, '')`

function row(r: ScopedMappingRow): ScopedMappingRow {
  return { ...r, memberIds: [...(r.memberIds ?? [])], createdAt: new Date(r.createdAt).toISOString() }
}

/** Every remembered mapping, by jurisdiction then words. */
export async function listScopedMappings(q: Queryable): Promise<ScopedMappingRow[]> {
  return (await q.query<ScopedMappingRow>(`${SELECT} ORDER BY m.scope, m.raw`)).rows.map(row)
}

/** One mapping or null. */
export async function findScopedMapping(q: Queryable, raw: string, scopeUnitId: string | null): Promise<ScopedMappingRow | null> {
  const r = (await q.query<ScopedMappingRow>(`${SELECT} WHERE m.raw = $1 AND m.scope = $2`, [raw, scopeUnitId ?? ''])).rows[0]
  return r ? row(r) : null
}

/** Remembers (or re-points) a mapping for a jurisdiction. */
export async function upsertScopedMapping(
  q: Queryable,
  m: { raw: string; scopeUnitId: string | null; unitId: string; memberIds: readonly string[]; createdBy: string | null; at: Date },
): Promise<void> {
  await q.query(
    `INSERT INTO unit_mapping (raw, scope, unit_id, member_ids, created_by, created_at) VALUES ($1, $2, $3, $4::text[], $5, $6)
     ON CONFLICT (raw, scope) DO UPDATE SET unit_id = EXCLUDED.unit_id, member_ids = EXCLUDED.member_ids,
       created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
    [m.raw, m.scopeUnitId ?? '', m.unitId, [...m.memberIds], m.createdBy, m.at.toISOString()],
  )
}

/** Forgets a mapping; true when there was one. */
export async function deleteScopedMapping(q: Queryable, raw: string, scopeUnitId: string | null): Promise<boolean> {
  const r = await q.query<{ raw: string }>(`DELETE FROM unit_mapping WHERE raw = $1 AND scope = $2 RETURNING raw`, [raw, scopeUnitId ?? ''])
  return r.rows.length > 0
}
