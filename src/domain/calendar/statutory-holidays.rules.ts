/**
 * The holidays the law itself fixes on solar dates (《全国年节及纪念日放假办法》), for years whose State
 * Council notice the calendar does not hold yet. The notice adds 调休 and bridges, and the lunar holidays
 * (春节, 清明, 端午, 中秋) move every year, so a year known only by statute is still *unverified*: dates in
 * it are computed with these days off and reported as not covered. Without this, 1 January of a year
 * with no notice would silently count as a working day.
 *
 * 国务院令第798号 (in force 2025-01-01) made 劳动节 two days (5月1日、2日); before that it was one day
 * (国务院令第644号, 2014). 元旦 (1月1日) and 国庆节 (10月1日–3日) are the same in both.
 */

/** The statutory solar-date holidays of a year, as `MM-DD` → name. */
export function statutorySolarHolidays(year: number): ReadonlyMap<string, string> {
  const days = new Map<string, string>([
    ['01-01', '元旦'],
    ['05-01', '劳动节'],
    ['10-01', '国庆节'],
    ['10-02', '国庆节'],
    ['10-03', '国庆节'],
  ])
  if (year >= 2025) days.set('05-02', '劳动节')
  return days
}
