import { describe, expect, it } from 'vitest'
import { Pacer, SERVE_TICK_PACE, UNPACED, type PacerClock } from './tick-pace.ts'
import { tickPaceFromEnv } from './scheduler.ts'

/** A clock the test moves by hand; sleeping moves it by the time slept. */
function fakeClock(): PacerClock & { t: number; slept: number[]; yields: number } {
  const c = {
    t: 0,
    slept: [] as number[],
    yields: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms)
      c.t += ms
    },
    yieldNow: async () => {
      c.yields++
    },
  }
  return c
}

describe('the tick pacer', () => {
  it('rests after a stretch of work so the busy share stays at most the pace share', async () => {
    const c = fakeClock()
    const p = new Pacer({ share: 0.5, sliceMs: 4 }, c)
    c.t += 30 // a page's work
    await p.rest()
    expect(c.slept).toEqual([30])
    c.t += 10
    await p.rest()
    expect(c.slept).toEqual([30, 10])
    const q = new Pacer({ share: 0.25, sliceMs: 4 }, c)
    c.t += 10
    await q.rest()
    expect(c.slept.at(-1)).toBe(30)
  })

  it('rests while computing only once a slice has run its length, and never for more than 2 s', async () => {
    const c = fakeClock()
    const p = new Pacer({ share: 0.5, sliceMs: 4 }, c)
    c.t += 3
    await p.slice()
    expect(c.slept).toEqual([])
    c.t += 2
    await p.slice()
    expect(c.slept).toEqual([5])
    c.t += 60_000 // a slow statement
    await p.rest()
    expect(c.slept.at(-1)).toBe(2_000)
  })

  it('inside a transaction only yields to the event loop, without resting', async () => {
    const c = fakeClock()
    const p = new Pacer({ share: 0.5, sliceMs: 4 }, c)
    c.t += 1
    await p.yieldIfDue()
    expect(c.yields).toBe(0)
    c.t += 5
    await p.yieldIfDue()
    expect(c.yields).toBe(1)
    expect(c.slept).toEqual([])
  })

  it('unpaced (share 1) never rests but still yields every slice', async () => {
    const c = fakeClock()
    const p = new Pacer({ share: 1, sliceMs: 20 }, c)
    c.t += 500
    await p.rest()
    c.t += 25
    await p.slice()
    expect(c.slept).toEqual([])
    expect(c.yields).toBe(1)
  })

  it('refuses a share outside (0, 1], from code or from DUBAN_TICK_SHARE', () => {
    expect(() => new Pacer({ share: 0, sliceMs: 4 })).toThrow(RangeError)
    expect(() => new Pacer({ share: 1.5, sliceMs: 4 })).toThrow(RangeError)
    expect(() => tickPaceFromEnv({ DUBAN_TICK_SHARE: 'half' })).toThrow(RangeError)
    expect(tickPaceFromEnv({ DUBAN_TICK_SHARE: '1' })).toEqual(UNPACED)
    expect(tickPaceFromEnv({ DUBAN_TICK_SHARE: '0.25' })).toEqual({ ...SERVE_TICK_PACE, share: 0.25 })
    expect(tickPaceFromEnv({}).share).toBe(0.5)
  })
})
