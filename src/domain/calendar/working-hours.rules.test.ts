import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { officialCalendar as cal } from './calendar.model.ts'
import { CHINA_OFFSET_MS, chinaDateOf, toEpochMs } from './china-time.value.ts'
import { addWorkingHours, parseOfficeHours, workingHoursBetween, type OfficeHours } from './working-hours.rules.ts'

describe('addWorkingHours (default 09:00–12:00, 13:30–17:30)', () => {
  it.each<[string, number, string, string]>([
    ['2025-03-05T10:00+08:00', 1, '2025-03-05T11:00:00+08:00', 'within the morning'],
    ['2025-03-05T11:00+08:00', 2, '2025-03-05T14:30:00+08:00', 'across the lunch break'],
    ['2025-03-05T12:30+08:00', 1, '2025-03-05T14:30:00+08:00', 'starting during lunch'],
    ['2025-03-05T16:30+08:00', 1, '2025-03-05T17:30:00+08:00', 'running out exactly at closing time'],
    ['2025-03-05T17:00+08:00', 1, '2025-03-06T09:30:00+08:00', 'overnight'],
    ['2025-03-05T07:00+08:00', 0.5, '2025-03-05T09:30:00+08:00', 'before opening'],
    ['2025-03-05T20:00+08:00', 7, '2025-03-06T17:30:00+08:00', 'one whole working day from the evening before'],
    ['2025-03-07T16:30+08:00', 2, '2025-03-10T10:00:00+08:00', 'across a weekend'],
    ['2025-09-30T16:30+08:00', 2, '2025-10-09T10:00:00+08:00', 'across National Day 2025'],
    ['2025-09-27T10:00+08:00', 1, '2025-09-28T10:00:00+08:00', 'from a Saturday onto the 调休 Sunday 2025-09-28'],
    ['2026-02-28T09:00+08:00', 3.5, '2026-02-28T14:00:00+08:00', 'on the 调休 Saturday 2026-02-28'],
    ['2026-02-13T17:00+08:00', 1, '2026-02-14T09:30:00+08:00', 'Friday before Spring Festival 2026 onto the 调休 Saturday'],
    ['2025-03-05T10:00+08:00', 0, '2025-03-05T10:00:00+08:00', 'zero hours'],
    ['2025-03-05T10:00:30+08:00', 1 / 60, '2025-03-05T10:01:30+08:00', 'a minute, keeping seconds'],
  ])('%s + %s h → %s (%s)', (start, hours, end) => {
    expect(addWorkingHours(cal, start, hours)).toBe(end)
  })

  it('reads instants in any offset and as epoch ms', () => {
    const expected = '2025-03-05T14:30:00+08:00'
    expect(addWorkingHours(cal, '2025-03-05T03:00:00Z', 2)).toBe(expected)
    expect(addWorkingHours(cal, toEpochMs('2025-03-05T11:00+08:00'), 2)).toBe(expected)
    expect(addWorkingHours(cal, '2025-03-04T22:00:00-05:00', 2)).toBe(expected)
  })

  it('honours configured office hours', () => {
    const summer: OfficeHours = { periods: [{ start: '08:30', end: '12:00' }, { start: '14:30', end: '18:00' }] }
    expect(addWorkingHours(cal, '2025-07-01T11:00+08:00', 2, summer)).toBe('2025-07-01T15:30:00+08:00')
  })

  it('rejects negative hours and bad office hours, naming the field', () => {
    expect(() => addWorkingHours(cal, '2025-03-05T10:00', -1)).toThrow(expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_RANGE' }))
    expect(() => parseOfficeHours({ periods: [{ start: '9:00', end: '12:00' }] })).toThrow(
      expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_INVALID', where: 'periods[0].start' }),
    )
    expect(() => parseOfficeHours({ periods: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '17:00' }] })).toThrow(
      expect.objectContaining({ where: 'periods[1].start' }),
    )
    expect(() => parseOfficeHours({ periods: [{ start: '13:00', end: '12:00' }] })).toThrow(
      expect.objectContaining({ where: 'periods[0].end' }),
    )
    expect(() => parseOfficeHours({ periods: [] })).toThrow(expect.objectContaining({ where: 'periods' }))
  })

  it('rejects malformed instants', () => {
    for (const bad of ['2025-03-05T25:00', '2025-02-30T10:00', 'yesterday', Number.NaN]) {
      expect(() => addWorkingHours(cal, bad, 1)).toThrow(expect.objectContaining({ code: 'DUBAN_ERR_CALENDAR_DATE' }))
    }
  })
})

describe('workingHoursBetween', () => {
  it.each<[string, string, number, string]>([
    ['2025-03-05T11:00+08:00', '2025-03-05T14:30+08:00', 2, 'across lunch'],
    ['2025-03-05T17:00+08:00', '2025-03-06T09:30+08:00', 1, 'overnight'],
    ['2025-03-07T16:30+08:00', '2025-03-10T10:00+08:00', 2, 'across a weekend'],
    ['2025-09-30T09:00+08:00', '2025-10-09T17:30+08:00', 14, 'across National Day 2025'],
    ['2025-10-04T09:00+08:00', '2025-10-04T17:30+08:00', 0, 'on a holiday'],
    ['2025-03-06T09:30+08:00', '2025-03-05T17:00+08:00', -1, 'backwards'],
  ])('%s → %s is %s h (%s)', (a, b, hours) => {
    expect(workingHoursBetween(cal, a, b)).toBe(hours)
  })

  it('is the inverse of addWorkingHours (fast-check)', () => {
    const start = fc.integer({ min: toEpochMs('2024-12-01T00:00Z'), max: toEpochMs('2027-02-01T00:00Z') })
    const minutes = fc.integer({ min: 0, max: 60 * 200 })
    fc.assert(
      fc.property(start, minutes, (t, m) => workingHoursBetween(cal, t, addWorkingHours(cal, t, m / 60)) === m / 60),
    )
  })

  it('never ends outside office hours on a non-working day (fast-check)', () => {
    const start = fc.integer({ min: toEpochMs('2025-01-01T00:00Z'), max: toEpochMs('2026-12-01T00:00Z') })
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 60 * 100 }), (t, m) => {
        const end = addWorkingHours(cal, t, m / 60)
        const minute = (((toEpochMs(end) + CHINA_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000 / 60_000
        const inOffice = (minute > 9 * 60 && minute <= 12 * 60) || (minute > 13.5 * 60 && minute <= 17.5 * 60)
        return cal.isWorkingDay(chinaDateOf(end)) && inOffice
      }),
    )
  })
})
