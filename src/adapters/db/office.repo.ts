/** The issuing office's particulars (落款, 文号 prefix) and the per-year 通报 counter. */
import type { Queryable } from './db.ts'

/** The office_profile row as stored (null when none was saved). */
export interface OfficeProfileRow {
  readonly issuingOffice: string
  readonly bulletinPrefix: string
  readonly updatedAt: string
}

export async function getOfficeProfile(db: Queryable): Promise<OfficeProfileRow | null> {
  const r = await db.query<{ issuing_office: string; bulletin_prefix: string; updated_at: unknown }>(
    'SELECT issuing_office, bulletin_prefix, updated_at FROM office_profile WHERE id = 1',
  )
  const row = r.rows[0]
  return row ? { issuingOffice: row.issuing_office, bulletinPrefix: row.bulletin_prefix, updatedAt: new Date(row.updated_at as string).toISOString() } : null
}

export async function saveOfficeProfile(db: Queryable, p: { issuingOffice: string; bulletinPrefix: string; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO office_profile (id, issuing_office, bulletin_prefix, updated_at) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET issuing_office = EXCLUDED.issuing_office, bulletin_prefix = EXCLUDED.bulletin_prefix, updated_at = EXCLUDED.updated_at`,
    [p.issuingOffice, p.bulletinPrefix, p.at.toISOString()],
  )
}

/** The name of the top unit of the tree (the city or district the platform serves), or null. */
export async function rootUnitName(db: Queryable): Promise<string | null> {
  const r = await db.query<{ name: string }>('SELECT name FROM unit WHERE parent_id IS NULL ORDER BY name LIMIT 1')
  return r.rows[0]?.name ?? null
}

/** The next 通报 number of a year; the row lock serialises concurrent issuers. */
export async function nextBulletinSeq(db: Queryable, year: number): Promise<number> {
  const { rows } = await db.query<{ last: number }>(
    `INSERT INTO bulletin_counter (year, last) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last = bulletin_counter.last + 1 RETURNING last`,
    [year],
  )
  return Number(rows[0]!.last)
}
