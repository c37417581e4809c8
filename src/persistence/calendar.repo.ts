/** Admin-supplied calendar years (工作日历) in the `calendar_year` table. */
import type { CalendarYear } from '../domain/calendar/calendar-year.parse.ts'
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

/**
 * A stamp that changes whenever any stored year is written or removed (years with the instant each was
 * last changed): a process compares it with the stamp of its cached calendar to see another one's write.
 */
const STAMP = `coalesce(string_agg(year::text || '@' || extract(epoch FROM updated_at)::text, ',' ORDER BY year), '')`

/** The current stamp of the stored years (a few rows; one named statement). */
export async function calendarYearsStamp(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ stamp: string }>(`SELECT ${STAMP} AS stamp FROM calendar_year`, [], { name: 'duban_calendar_stamp' })
  return rows[0]?.stamp ?? ''
}

/** Every admin-supplied year, ascending, with the stamp of exactly these rows (one statement, one snapshot). */
export async function listCalendarYearsStamped(db: Queryable): Promise<{ years: StoredCalendarYear[]; stamp: string }> {
  const { rows } = await db.query<Row & { stamp: string }>(
    `SELECT year, data, updated_by, updated_at, (SELECT ${STAMP} FROM calendar_year) AS stamp FROM calendar_year ORDER BY year`,
  )
  return { years: rows.map(toStored), stamp: rows[0]?.stamp ?? '' }
}

/** One admin-supplied year, or null. */
export async function getCalendarYear(db: Queryable, year: number): Promise<StoredCalendarYear | null> {
  const { rows } = await db.query<Row>('SELECT year, data, updated_by, updated_at FROM calendar_year WHERE year = $1', [year])
  return rows[0] ? toStored(rows[0]) : null
}

/** Inserts or replaces a year; returns the previous data (for the audit log). Cached calendars are stale after it. */
export async function upsertCalendarYear(db: Queryable, y: CalendarYear, by: string | null, at: Date): Promise<CalendarYear | null> {
  db.memo?.changed('calendar')
  const before = await getCalendarYear(db, y.year)
  await db.query(
    `INSERT INTO calendar_year (year, data, source, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (year) DO UPDATE SET data = EXCLUDED.data, source = EXCLUDED.source,
       updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [y.year, JSON.stringify(y), y.source, by, at.toISOString()],
  )
  return before?.data ?? null
}
