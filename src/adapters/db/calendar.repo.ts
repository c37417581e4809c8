/** Admin-supplied calendar years (工作日历) in the `calendar_year` table. */
import type { CalendarYear } from '../../domain/calendar/calendar-year.parse.ts'
import type { Queryable } from './db.ts'

/** A stored year with who changed it last. */
export interface StoredCalendarYear {
  readonly year: number
  readonly data: CalendarYear
  readonly updatedBy: string | null
  readonly updatedAt: string
}

type Row = { year: number; data: CalendarYear | string; updated_by: string | null; updated_at: Date | string }

const toStored = (r: Row): StoredCalendarYear => ({
  year: r.year,
  data: typeof r.data === 'string' ? (JSON.parse(r.data) as CalendarYear) : r.data,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at).toISOString(),
})

/** Every admin-supplied year, ascending. */
export async function listCalendarYears(db: Queryable): Promise<StoredCalendarYear[]> {
  const { rows } = await db.query<Row>('SELECT year, data, updated_by, updated_at FROM calendar_year ORDER BY year')
  return rows.map(toStored)
}

/** One admin-supplied year, or null. */
export async function getCalendarYear(db: Queryable, year: number): Promise<StoredCalendarYear | null> {
  const { rows } = await db.query<Row>('SELECT year, data, updated_by, updated_at FROM calendar_year WHERE year = $1', [year])
  return rows[0] ? toStored(rows[0]) : null
}

/** Inserts or replaces a year; returns the previous data (for the audit log). */
export async function upsertCalendarYear(db: Queryable, y: CalendarYear, by: string | null, at: Date): Promise<CalendarYear | null> {
  const before = await getCalendarYear(db, y.year)
  await db.query(
    `INSERT INTO calendar_year (year, data, source, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (year) DO UPDATE SET data = EXCLUDED.data, source = EXCLUDED.source,
       updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [y.year, JSON.stringify(y), y.source, by, at.toISOString()],
  )
  return before?.data ?? null
}
