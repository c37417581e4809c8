/**
 * Reporting cadence (报送频次): the dates progress reports are expected, and which expected reports were
 * on time. Used by the scheduler for reminders and by KPIs for reporting punctuality.
 */
import type { ReportingCadence } from './kind.types.ts'
import { addCalendarDays, localDate } from './time.ts'

const lastDayOfMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate()
const pad = (n: number): string => String(n).padStart(2, '0')

/** Dates in [from, to] by which a report is due under a cadence (应报日期); a day past month end means the last day. */
export function expectedReportDates(cadence: ReportingCadence, from: string, to: string): readonly string[] {
  const out: string[] = []
  if (cadence.every === 'none' || from > to) return out
  if (cadence.every === 'week') {
    for (let d = from; d <= to; d = addCalendarDays(d, 1)) {
      const weekday = new Date(`${d}T00:00:00Z`).getUTCDay() || 7
      if (weekday === cadence.weekday) out.push(d)
    }
    return out
  }
  const step = cadence.every === 'month' ? 1 : 3
  let y = Number(from.slice(0, 4))
  let m = Number(from.slice(5, 7))
  if (step === 3) m = m - ((m - 1) % 3) + 2 // last month of the quarter
  for (;;) {
    const d = `${y}-${pad(m)}-${pad(Math.min(cadence.day, lastDayOfMonth(y, m)))}`
    if (d > to) return out
    if (d >= from) out.push(d)
    m += step
    if (m > 12) {
      m -= 12
      y += 1
    }
  }
}

/**
 * How many expected reports were on time (按时报送数): the report for a due date is on time when one was
 * submitted after the previous due date and on or before this one (China-local dates).
 */
export function countOnTimeReports(expected: readonly string[], submittedAt: readonly string[]): number {
  const days = submittedAt.map(localDate).sort()
  let onTime = 0
  let previous = ''
  for (const due of [...expected].sort()) {
    if (days.some((d) => d > previous && d <= due)) onTime++
    previous = due
  }
  return onTime
}
