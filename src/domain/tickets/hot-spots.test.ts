import { describe, expect, it } from 'vitest'
import { DEFAULT_HOT_SPOT_RULE, detectHotSpots, hotSpotPlaceOf, hotSpotWindows, rollUpCounts, ruleProblems, type PlaceUnit } from './hot-spots.ts'

const c = (placeUnitId: string, categoryCode: string, recent: number, baseline: number) => ({ placeUnitId, categoryCode, recent, baseline })

describe('hot spot detection (未诉先办)', () => {
  it('flags a place and category whose last 7 days hold at least twice the usual week of the 28 days before', () => {
    // 8 a week before (32 in 28 days): 16 is twice that, 15 is not.
    expect(detectHotSpots([c('jb', '03.02.01', 16, 32)])).toEqual([{ ...c('jb', '03.02.01', 16, 32), expected: 8, ratio: 2 }])
    expect(detectHotSpots([c('jb', '03.02.01', 15, 32)])).toEqual([])
  })

  it('needs the minimum count even with no history', () => {
    expect(detectHotSpots([c('jb', 'a', 4, 0)])).toEqual([])
    expect(detectHotSpots([c('jb', 'a', 5, 0)])).toEqual([{ ...c('jb', 'a', 5, 0), expected: 0, ratio: 5 }])
  })

  it('does not flag a steady place however busy', () => {
    expect(detectHotSpots([c('jb', 'a', 50, 200), c('jb', 'b', 30, 100)])).toEqual([])
  })

  it('puts the sharpest rise first', () => {
    const found = detectHotSpots([c('x', 'a', 6, 0), c('y', 'a', 20, 8), c('z', 'a', 10, 0)])
    expect(found.map((f) => f.placeUnitId)).toEqual(['y', 'z', 'x'])
  })

  it('follows a rule other than the default', () => {
    const rule = { ...DEFAULT_HOT_SPOT_RULE, minCount: 3, minRatio: 1.5 }
    expect(detectHotSpots([c('jb', 'a', 3, 4)], rule).length).toBe(1)
    expect(detectHotSpots([c('jb', 'a', 3, 4)]).length).toBe(0)
  })

  it('checks the rule', () => {
    expect(ruleProblems(DEFAULT_HOT_SPOT_RULE)).toEqual([])
    expect(ruleProblems({ recentDays: 0, baselineDays: 2.5, minCount: 1, minRatio: 1 })).toHaveLength(3)
  })

  it('has the recent window end now and the baseline end where it starts', () => {
    expect(hotSpotWindows(Date.parse('2026-12-01T00:00:00Z'), DEFAULT_HOT_SPOT_RULE)).toEqual({
      baselineFrom: '2026-10-27T00:00:00.000Z',
      recentFrom: '2026-11-24T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    })
  })
})

describe('hot spot places', () => {
  const units = new Map<string, PlaceUnit>(
    [
      { id: 'city', parentId: null, level: 'city' },
      { id: 'dh', parentId: 'city', level: 'district' },
      { id: 'jb', parentId: 'dh', level: 'township' },
      { id: 'jb-1', parentId: 'jb', level: 'community' },
      { id: 'jb-2', parentId: 'jb', level: 'community' },
    ].map((u) => [u.id, u]),
  )

  it('counts a community under its street, a district as itself, an unknown unit as itself', () => {
    expect(hotSpotPlaceOf('jb-1', units)).toBe('jb')
    expect(hotSpotPlaceOf('jb', units)).toBe('jb')
    expect(hotSpotPlaceOf('dh', units)).toBe('dh')
    expect(hotSpotPlaceOf('nowhere', units)).toBe('nowhere')
  })

  it('adds the communities of one street together, so that a rise spread over them is seen', () => {
    const rolled = rollUpCounts([c('jb-1', 'a', 3, 1), c('jb-2', 'a', 3, 0), c('dh', 'a', 1, 0)], (u) => hotSpotPlaceOf(u, units))
    expect(rolled).toEqual([c('jb', 'a', 6, 1), c('dh', 'a', 1, 0)])
    expect(detectHotSpots(rolled).map((f) => f.placeUnitId)).toEqual(['jb'])
  })
})
