/**
 * A small working calendar for tests (测试日历): weekends off, listed holidays off, listed 调休 days on,
 * office hours 09:00–17:00. The real calendar lives in src/domain/calendar; the engine only sees the port.
 */
import type { WorkingCalendar } from './clock.ts'
import { addCalendarDays, CHINA_OFFSET, localDate } from './time.ts'

/** A fake calendar (测试日历) with the given holidays and adjusted working days. */
export function fakeCalendar(holidays: readonly string[] = [], adjustedWorkdays: readonly string[] = []): WorkingCalendar {
  const off = new Set(holidays)
  const on = new Set(adjustedWorkdays)
  const isWorkingDay = (d: string): boolean => {
    if (on.has(d)) return true
    if (off.has(d)) return false
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay()
    return wd !== 0 && wd !== 6
  }
  const addWorkingDays = (d: string, n: number): string => {
    let day = d
    for (let left = n; left > 0; ) {
      day = addCalendarDays(day, 1)
      if (isWorkingDay(day)) left--
    }
    return day
  }
  const OPEN = 9 * 60
  const CLOSE = 17 * 60
  const addWorkingHours = (instant: string, h: number): string => {
    let day = localDate(instant)
    const local = new Date(Date.parse(instant) + 8 * 3600_000)
    let minute = local.getUTCHours() * 60 + local.getUTCMinutes()
    let left = Math.round(h * 60)
    for (;;) {
      if (!isWorkingDay(day) || minute >= CLOSE) {
        day = addCalendarDays(day, 1)
        minute = OPEN
        continue
      }
      minute = Math.max(minute, OPEN)
      if (minute + left <= CLOSE) {
        minute += left
        break
      }
      left -= CLOSE - minute
      minute = CLOSE
    }
    const hh = String(Math.floor(minute / 60)).padStart(2, '0')
    const mm = String(minute % 60).padStart(2, '0')
    return `${day}T${hh}:${mm}:00${CHINA_OFFSET}`
  }
  return { isWorkingDay, addWorkingDays, addWorkingHours }
}
