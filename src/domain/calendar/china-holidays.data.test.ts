import { describe, expect, it } from 'vitest'
import { addDays, toDayNumber, weekday } from './calendar-date.value.ts'
import { officialCalendar } from './calendar.model.ts'
import { validateCalendarYear } from './calendar-year.parse.ts'
import { OFFICIAL_CALENDAR_YEARS } from './china-holidays.data.ts'

/**
 * The notices retyped independently of the data module: each line is "holiday from–to" and each
 * 上班 day with the weekday the notice prints beside it (日 = Sunday, 六 = Saturday).
 */
const NOTICES: Record<number, { off: [string, string, string][]; work: [string, '六' | '日'][] }> = {
  2020: {
    off: [['元旦', '2020-01-01', '2020-01-01'], ['春节', '2020-01-24', '2020-02-02'], ['清明节', '2020-04-04', '2020-04-06'],
      ['劳动节', '2020-05-01', '2020-05-05'], ['端午节', '2020-06-25', '2020-06-27'], ['国庆节、中秋节', '2020-10-01', '2020-10-08']],
    work: [['2020-01-19', '日'], ['2020-04-26', '日'], ['2020-05-09', '六'], ['2020-06-28', '日'], ['2020-09-27', '日'], ['2020-10-10', '六']],
  },
  2021: {
    off: [['元旦', '2021-01-01', '2021-01-03'], ['春节', '2021-02-11', '2021-02-17'], ['清明节', '2021-04-03', '2021-04-05'],
      ['劳动节', '2021-05-01', '2021-05-05'], ['端午节', '2021-06-12', '2021-06-14'], ['中秋节', '2021-09-19', '2021-09-21'],
      ['国庆节', '2021-10-01', '2021-10-07']],
    work: [['2021-02-07', '日'], ['2021-02-20', '六'], ['2021-04-25', '日'], ['2021-05-08', '六'], ['2021-09-18', '六'],
      ['2021-09-26', '日'], ['2021-10-09', '六']],
  },
  2022: {
    off: [['元旦', '2022-01-01', '2022-01-03'], ['春节', '2022-01-31', '2022-02-06'], ['清明节', '2022-04-03', '2022-04-05'],
      ['劳动节', '2022-04-30', '2022-05-04'], ['端午节', '2022-06-03', '2022-06-05'], ['中秋节', '2022-09-10', '2022-09-12'],
      ['国庆节', '2022-10-01', '2022-10-07']],
    work: [['2022-01-29', '六'], ['2022-01-30', '日'], ['2022-04-02', '六'], ['2022-04-24', '日'], ['2022-05-07', '六'],
      ['2022-10-08', '六'], ['2022-10-09', '日']],
  },
  2023: {
    off: [['元旦', '2023-01-01', '2023-01-02'], ['春节', '2023-01-21', '2023-01-27'], ['清明节', '2023-04-05', '2023-04-05'],
      ['劳动节', '2023-04-29', '2023-05-03'], ['端午节', '2023-06-22', '2023-06-24'], ['中秋节、国庆节', '2023-09-29', '2023-10-06']],
    work: [['2023-01-28', '六'], ['2023-01-29', '日'], ['2023-04-23', '日'], ['2023-05-06', '六'], ['2023-06-25', '日'],
      ['2023-10-07', '六'], ['2023-10-08', '日']],
  },
  2024: {
    off: [['元旦', '2024-01-01', '2024-01-01'], ['春节', '2024-02-10', '2024-02-17'], ['清明节', '2024-04-04', '2024-04-06'],
      ['劳动节', '2024-05-01', '2024-05-05'], ['端午节', '2024-06-10', '2024-06-10'], ['中秋节', '2024-09-15', '2024-09-17'],
      ['国庆节', '2024-10-01', '2024-10-07']],
    work: [['2024-02-04', '日'], ['2024-02-18', '日'], ['2024-04-07', '日'], ['2024-04-28', '日'], ['2024-05-11', '六'],
      ['2024-09-14', '六'], ['2024-09-29', '日'], ['2024-10-12', '六']],
  },
  2025: {
    off: [['元旦', '2025-01-01', '2025-01-01'], ['春节', '2025-01-28', '2025-02-04'], ['清明节', '2025-04-04', '2025-04-06'],
      ['劳动节', '2025-05-01', '2025-05-05'], ['端午节', '2025-05-31', '2025-06-02'], ['国庆节、中秋节', '2025-10-01', '2025-10-08']],
    work: [['2025-01-26', '日'], ['2025-02-08', '六'], ['2025-04-27', '日'], ['2025-09-28', '日'], ['2025-10-11', '六']],
  },
  2026: {
    off: [['元旦', '2026-01-01', '2026-01-03'], ['春节', '2026-02-15', '2026-02-23'], ['清明节', '2026-04-04', '2026-04-06'],
      ['劳动节', '2026-05-01', '2026-05-05'], ['端午节', '2026-06-19', '2026-06-21'], ['中秋节', '2026-09-25', '2026-09-27'],
      ['国庆节', '2026-10-01', '2026-10-07']],
    work: [['2026-01-04', '日'], ['2026-02-14', '六'], ['2026-02-28', '六'], ['2026-05-09', '六'], ['2026-09-20', '日'],
      ['2026-10-10', '六']],
  },
}

function span(from: string, to: string): string[] {
  const out: string[] = []
  for (let d = from; toDayNumber(d) <= toDayNumber(to); d = addDays(d, 1)) out.push(d)
  return out
}

describe('official holiday data 2020–2026', () => {
  it('covers exactly the years 2020 to 2026, each passing the validator', () => {
    expect(OFFICIAL_CALENDAR_YEARS.map((y) => y.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026])
    for (const y of OFFICIAL_CALENDAR_YEARS) expect(validateCalendarYear(y)).toMatchObject({ ok: true })
  })

  for (const y of OFFICIAL_CALENDAR_YEARS) {
    const notice = NOTICES[y.year]!
    describe(`${y.year} (${y.source})`, () => {
      it('lists the holidays of the notice, date for date', () => {
        expect(y.holidays.map((h) => [h.name, h.dates])).toEqual(notice.off.map(([name, from, to]) => [name, span(from, to)]))
      })

      it.each(notice.off.flatMap(([name, from, to]) => span(from, to).map((d) => [d, name] as const)))(
        '%s (%s) is not a working day',
        (date, name) => {
          expect(officialCalendar.isWorkingDay(date)).toBe(false)
          expect(officialCalendar.dayInfo(date)).toMatchObject({ kind: 'holiday', holiday: name, covered: true })
        },
      )

      it.each(notice.work)('调休 %s (星期%s) is a working day', (date, label) => {
        expect(weekday(date)).toBe(label === '日' ? 0 : 6)
        expect(officialCalendar.isWorkingDay(date)).toBe(true)
        expect(officialCalendar.dayInfo(date).kind).toBe('adjusted-workday')
      })

      it('has no 调休 day the notice does not name', () => {
        expect([...y.adjustedWorkdays].sort()).toEqual(notice.work.map(([d]) => d).sort())
      })
    })
  }

  it('counts 8 Spring Festival days from 2025 (the 2024 revision added one) and 9 in 2026', () => {
    const days = (year: number) => OFFICIAL_CALENDAR_YEARS.find((y) => y.year === year)!.holidays.find((h) => h.name === '春节')!.dates.length
    expect([days(2024), days(2025), days(2026)]).toEqual([8, 8, 9])
  })
})
