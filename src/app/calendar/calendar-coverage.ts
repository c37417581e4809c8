/**
 * Dates in years the calendar does not hold (日历未覆盖): a year whose State Council notice has not been
 * added is computed with weekends and the statute's solar-date holidays only, so its due dates may move
 * once the notice is out. The item says so; the admin is told which years are in use and by how many items.
 */
import type { Queryable } from '../../persistence/db.ts'
import type { Calendar } from '../../domain/calendar/calendar.model.ts'
import { loadCalendar } from './calendar.load.ts'

/** What an item or screen shows when dates fall in a year the calendar does not hold. */
export interface CalendarNotice {
  readonly missingYears: readonly number[]
  readonly message: string
}

/** The notice for a set of dates (null when every date's year is held). */
export function calendarNoticeFor(calendar: Calendar, dates: readonly (string | null | undefined)[]): CalendarNotice | null {
  const years = [...new Set(dates.filter((d): d is string => typeof d === 'string' && d.length >= 4).map((d) => Number(d.slice(0, 4))))]
  const missingYears = years.filter((y) => Number.isInteger(y) && !calendar.covers(y)).sort((a, b) => a - b)
  if (missingYears.length === 0) return null
  const list = missingYears.join('、')
  return {
    missingYears,
    message: `工作日历尚无 ${list} 年的国务院放假安排：该年日期仅按周末和法定节日（元旦、劳动节、国庆节）计算，未经核实，通知发布后期限可能变化。请管理员导入 ${list} 年日历。`,
  }
}

/**
 * Years that open items' due dates fall in but the calendar does not hold, with how many items each
 * (counted up to 10,000: "10000" means at least that many). Reads the due-date index's two ends and then
 * one bounded range per missing year, so it stays cheap however many items there are.
 */
export async function uncoveredYearsInUse(q: Queryable, calendar: Calendar): Promise<{ year: number; items: number }[]> {
  const open = "state_type <> 'closed' AND due_date IS NOT NULL"
  const ends = await q.query<{ lo: string | null; hi: string | null }>(
    `SELECT (SELECT to_char(due_date, 'YYYY') FROM item WHERE ${open} ORDER BY due_date ASC LIMIT 1) AS lo,
            (SELECT to_char(due_date, 'YYYY') FROM item WHERE ${open} ORDER BY due_date DESC LIMIT 1) AS hi`,
  )
  const lo = Number(ends.rows[0]?.lo ?? NaN)
  const hi = Number(ends.rows[0]?.hi ?? NaN)
  if (!Number.isInteger(lo) || !Number.isInteger(hi)) return []
  const out: { year: number; items: number }[] = []
  for (let year = lo; year <= hi; year++) {
    if (calendar.covers(year)) continue
    const r = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM item WHERE ${open} AND due_date >= $1::date AND due_date < $2::date LIMIT 10000) s`,
      [`${year}-01-01`, `${year + 1}-01-01`],
    )
    const n = Number(r.rows[0]?.n ?? 0)
    if (n > 0) out.push({ year, items: n })
  }
  return out
}

/** The admin's view (GET /api/calendar/coverage, `duban serve`'s start-up warning). */
export async function calendarCoverage(deps: { db: Queryable }): Promise<{ years: number[]; uncoveredInUse: { year: number; items: number }[]; message: string | null }> {
  const calendar = await loadCalendar(deps.db)
  const uncoveredInUse = await uncoveredYearsInUse(deps.db, calendar)
  const message =
    uncoveredInUse.length === 0
      ? null
      : `工作日历缺少 ${uncoveredInUse.map((u) => `${u.year} 年（${u.items >= 10_000 ? '10000+' : u.items} 个未办结事项在该年到期）`).join('、')}：这些日期仅按周末和法定节日计算，未经核实。请在国务院放假通知发布后用 duban calendar add 或 PUT /api/calendar/{year} 导入。`
  return { years: [...calendar.years], uncoveredInUse, message }
}
