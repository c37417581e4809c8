/** Units (单位) and remembered unit mappings in unit / unit_mapping. */
import type { Queryable } from './db.ts'

/** Levels a unit can have, top to bottom, departments and offices beside the places. */
export const UNIT_LEVELS = ['province', 'city', 'district', 'township', 'community', 'department', 'office'] as const
export type UnitLevel = (typeof UNIT_LEVELS)[number]

/** A unit as stored. */
export interface UnitRow {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly level: UnitLevel
  readonly function: string | null
  readonly aliases: readonly string[]
  readonly active: boolean
}

const cols = `id, name, parent_id AS "parentId", level, function, aliases, active`

/** All units, parents before children where ids allow, then by id. */
export async function listUnits(q: Queryable, opts: { includeInactive?: boolean } = {}): Promise<UnitRow[]> {
  const where = opts.includeInactive ? '' : 'WHERE active'
  return (await q.query<UnitRow>(`SELECT ${cols} FROM unit ${where} ORDER BY id`)).rows
}

/** One unit or null. */
export async function findUnit(q: Queryable, id: string): Promise<UnitRow | null> {
  return (await q.query<UnitRow>(`SELECT ${cols} FROM unit WHERE id = $1`, [id])).rows[0] ?? null
}

/** Inserts a unit, or replaces name, parent, level, function and aliases of an existing one. */
export async function upsertUnit(q: Queryable, u: Omit<UnitRow, 'active'> & { at: Date }): Promise<void> {
  // A move changes the unit subtrees that cached sessions scope their users by (app/auth/session.ts).
  q.memo?.changed('unit')
  await q.query(
    `INSERT INTO unit (id, name, parent_id, level, function, aliases, active, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::text[], true, $7)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, level = EXCLUDED.level,
       function = EXCLUDED.function, aliases = EXCLUDED.aliases, active = true`,
    [u.id, u.name, u.parentId, u.level, u.function, [...u.aliases], u.at.toISOString()],
  )
}

/** A remembered mapping from an extracted unit string to a unit. */
export interface UnitMappingRow {
  readonly raw: string
  readonly unitId: string
  readonly createdBy: string | null
}

/** Every remembered mapping. */
export async function listUnitMappings(q: Queryable): Promise<UnitMappingRow[]> {
  return (await q.query<UnitMappingRow>(`SELECT raw, unit_id AS "unitId", created_by AS "createdBy" FROM unit_mapping WHERE scope = '' ORDER BY raw`)).rows
}

/** Remembers (or re-points) a mapping; returns the previous unit id, if any. */
export async function upsertUnitMapping(q: Queryable, m: UnitMappingRow & { at: Date }): Promise<string | null> {
  const prev = await q.query<{ unitId: string }>(`SELECT unit_id AS "unitId" FROM unit_mapping WHERE raw = $1 AND scope = ''`, [m.raw])
  await q.query(
    `INSERT INTO unit_mapping (raw, unit_id, created_by, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (raw, scope) DO UPDATE SET unit_id = EXCLUDED.unit_id, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
    [m.raw, m.unitId, m.createdBy, m.at.toISOString()],
  )
  return prev.rows[0]?.unitId ?? null
}
