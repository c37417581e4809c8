import { describe, expect, it } from 'vitest'
import { DubanError } from '../errors.ts'
import { DEFAULT_HANDLE_LIMITS, limitsFor, parseTimeLimits, resolveTimeLimits, tierOf } from './time-limits.ts'

describe('tierOf', () => {
  it('is consultation for a 咨询 whatever the urgency, else the urgency', () => {
    expect(tierOf('consultation', 'urgent')).toBe('consultation')
    expect(tierOf('complaint', 'urgent')).toBe('urgent')
    expect(tierOf('help', 'pressing')).toBe('pressing')
    expect(tierOf('report', 'normal')).toBe('normal')
  })
})

describe('limitsFor', () => {
  const root = { timeLimits: { urgent: { unit: 'working_hours', amount: 2 }, normal: { unit: 'working_days', amount: 7 } } } as const
  const mid = { timeLimits: { normal: { unit: 'working_days', amount: 5 } }, parent: root } as const
  const leaf = { timeLimits: null, parent: mid }

  it('takes the handling limit from the category, else the nearest parent', () => {
    expect(limitsFor(leaf, 'normal').handle).toEqual({ unit: 'working_days', amount: 5 })
    expect(limitsFor(leaf, 'urgent').handle).toEqual({ unit: 'working_hours', amount: 2 })
  })

  it('falls back to the default when no level gives the tier', () => {
    expect(limitsFor(leaf, 'consultation').handle).toEqual(DEFAULT_HANDLE_LIMITS.consultation)
    expect(limitsFor(null, 'pressing').handle).toEqual({ unit: 'working_hours', amount: 24 })
  })

  it('gives accept and respond limits by tier', () => {
    expect(limitsFor(leaf, 'urgent')).toMatchObject({ accept: { unit: 'working_hours', amount: 0.5 }, respond: { unit: 'working_hours', amount: 2 } })
    expect(limitsFor(leaf, 'pressing')).toMatchObject({ accept: { unit: 'working_hours', amount: 2 }, respond: { unit: 'working_hours', amount: 4 } })
    expect(limitsFor(leaf, 'normal')).toMatchObject({ accept: { unit: 'working_hours', amount: 2 }, respond: { unit: 'working_hours', amount: 24 } })
    expect(limitsFor(leaf, 'consultation')).toMatchObject({ respond: { unit: 'working_hours', amount: 4 } })
  })

  it('resolves a chain tier by tier, nearest first', () => {
    expect(resolveTimeLimits([null, mid.timeLimits, root.timeLimits])).toEqual({
      urgent: { unit: 'working_hours', amount: 2 },
      normal: { unit: 'working_days', amount: 5 },
    })
  })
})

describe('parseTimeLimits', () => {
  const whereOf = (input: unknown): string | undefined => {
    try {
      parseTimeLimits(input)
    } catch (e) {
      expect(e).toBeInstanceOf(DubanError)
      expect((e as DubanError).code).toBe('DUBAN_ERR_FIELD_INVALID')
      return (e as DubanError).where
    }
    return undefined
  }

  it('accepts a well-formed object and null', () => {
    expect(parseTimeLimits({ urgent: { unit: 'working_hours', amount: 2 }, consultation: { unit: 'working_days', amount: 1 } })).toEqual({
      urgent: { unit: 'working_hours', amount: 2 },
      consultation: { unit: 'working_days', amount: 1 },
    })
    expect(parseTimeLimits(null)).toBeNull()
    expect(parseTimeLimits({ urgent: { unit: 'working_hours', amount: 0.5 } })).toEqual({ urgent: { unit: 'working_hours', amount: 0.5 } })
  })

  it('names the field of every kind of bad input', () => {
    expect(whereOf([])).toBe('timeLimits')
    expect(whereOf({ soon: { unit: 'working_hours', amount: 2 } })).toBe('timeLimits/soon')
    expect(whereOf({ urgent: 2 })).toBe('timeLimits/urgent')
    expect(whereOf({ urgent: { unit: 'hours', amount: 2 } })).toBe('timeLimits/urgent/unit')
    expect(whereOf({ urgent: { unit: 'working_hours', amount: 0 } })).toBe('timeLimits/urgent/amount')
    expect(whereOf({ urgent: { unit: 'working_hours', amount: -1 } })).toBe('timeLimits/urgent/amount')
    expect(whereOf({ urgent: { unit: 'working_hours', amount: '2' } })).toBe('timeLimits/urgent/amount')
    expect(whereOf({ normal: { unit: 'working_days', amount: 1000 } })).toBe('timeLimits/normal/amount')
    expect(whereOf({ normal: { unit: 'working_days', amount: 1.5 } })).toBe('timeLimits/normal/amount')
    expect(whereOf({ normal: { unit: 'working_days', amount: 3, extra: 1 } })).toBe('timeLimits/normal/extra')
  })
})
