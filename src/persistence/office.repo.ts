/** The issuing offices' particulars (落款, 文号 prefix): the top's and each area's; and each office's per-year 通报 counter. */
import type { Queryable } from './db.ts'

/** The office_profile row as stored (null when none was saved). */
export interface OfficeProfileRow {
  readonly issuingOffice: string
  readonly bulletinPrefix: string
  /** The 督办通知单 prefix an admin set apart from the 通报's; null: the one that follows from the office. */
  readonly noticePrefix: string | null
  readonly updatedAt: string
}

export async function getOfficeProfile(db: Queryable): Promise<OfficeProfileRow | null> {
  const r = await db.query<{ issuing_office: string; bulletin_prefix: string; notice_prefix: string | null; updated_at: unknown }>(
    'SELECT issuing_office, bulletin_prefix, notice_prefix, updated_at FROM office_profile WHERE id = 1',
  )
  const row = r.rows[0]
  return row
    ? { issuingOffice: row.issuing_office, bulletinPrefix: row.bulletin_prefix, noticePrefix: row.notice_prefix, updatedAt: new Date(row.updated_at as string).toISOString() }
    : null
}

export async function saveOfficeProfile(db: Queryable, p: { issuingOffice: string; bulletinPrefix: string; noticePrefix: string | null; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO office_profile (id, issuing_office, bulletin_prefix, notice_prefix, updated_at) VALUES (1, $1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET issuing_office = EXCLUDED.issuing_office, bulletin_prefix = EXCLUDED.bulletin_prefix,
       notice_prefix = EXCLUDED.notice_prefix, updated_at = EXCLUDED.updated_at`,
    [p.issuingOffice, p.bulletinPrefix, p.noticePrefix, p.at.toISOString()],
  )
}

/** The name of the top unit of the tree (the city or district the platform serves), or null. */
export async function rootUnitName(db: Queryable): Promise<string | null> {
  const r = await db.query<{ name: string }>('SELECT name FROM unit WHERE parent_id IS NULL ORDER BY name LIMIT 1')
  return r.rows[0]?.name ?? null
}

/** An area's own 落款 and prefix as stored (area_office). */
export interface AreaOfficeRow {
  readonly unitId: string
  readonly issuingOffice: string
  readonly bulletinPrefix: string
  /** As OfficeProfileRow's: null follows from the 通报 prefix. */
  readonly noticePrefix: string | null
  readonly updatedAt: string
}

/** Every area office an admin has set. */
export async function listAreaOffices(db: Queryable): Promise<AreaOfficeRow[]> {
  const r = await db.query<{ unit_id: string; issuing_office: string; bulletin_prefix: string; notice_prefix: string | null; updated_at: unknown }>(
    'SELECT unit_id, issuing_office, bulletin_prefix, notice_prefix, updated_at FROM area_office ORDER BY unit_id',
  )
  return r.rows.map((row) => ({
    unitId: row.unit_id,
    issuingOffice: row.issuing_office,
    bulletinPrefix: row.bulletin_prefix,
    noticePrefix: row.notice_prefix,
    updatedAt: new Date(row.updated_at as string).toISOString(),
  }))
}

export async function saveAreaOffice(db: Queryable, p: { unitId: string; issuingOffice: string; bulletinPrefix: string; noticePrefix: string | null; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO area_office (unit_id, issuing_office, bulletin_prefix, notice_prefix, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (unit_id) DO UPDATE SET issuing_office = EXCLUDED.issuing_office, bulletin_prefix = EXCLUDED.bulletin_prefix,
       notice_prefix = EXCLUDED.notice_prefix, updated_at = EXCLUDED.updated_at`,
    [p.unitId, p.issuingOffice, p.bulletinPrefix, p.noticePrefix, p.at.toISOString()],
  )
}

/** The next 通报 number of an office's year ('' = the top's office); the row lock serialises concurrent issuers. */
export async function nextBulletinSeq(db: Queryable, office: string, year: number): Promise<number> {
  const { rows } = await db.query<{ last: number }>(
    `INSERT INTO bulletin_counter (office, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (office, year) DO UPDATE SET last = bulletin_counter.last + 1 RETURNING last`,
    [office, year],
  )
  return Number(rows[0]!.last)
}

/** A period's 通报 number, as first issued. */
export interface BulletinIssue {
  readonly number: string
  readonly issuedOn: string
}

/**
 * The 通报 number an office ('' = the top's) gives a period and kind: the stored one, or a new one (next seq of
 * the office's year, formatted by `format`) stored now. Concurrent first issues agree: the loser of the insert
 * reads the winner's row.
 */
export async function issueBulletinNumber(
  db: Queryable,
  p: { office: string; periodKey: string; kind: string; year: number; issuedOn: string; at: Date; format: (seq: number) => string },
): Promise<BulletinIssue> {
  const read = async (): Promise<BulletinIssue | null> => {
    const r = await db.query<{ number: string; issued_on: string }>(
      'SELECT number, issued_on::text AS issued_on FROM bulletin_issue WHERE office = $1 AND period_key = $2 AND kind = $3',
      [p.office, p.periodKey, p.kind],
    )
    return r.rows[0] ? { number: r.rows[0].number, issuedOn: r.rows[0].issued_on } : null
  }
  const found = await read()
  if (found) return found
  const seq = await nextBulletinSeq(db, p.office, p.year)
  await db.query(
    `INSERT INTO bulletin_issue (office, period_key, kind, year, seq, number, issued_on, issued_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
     ON CONFLICT (office, period_key, kind) DO NOTHING`,
    [p.office, p.periodKey, p.kind, p.year, seq, p.format(seq), p.issuedOn, p.at.toISOString()],
  )
  return (await read())!
}
