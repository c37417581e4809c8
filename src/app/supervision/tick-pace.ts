/**
 * Pacing of the supervision tick inside `duban serve` (issue 7: the API's p99 during a tick ≤ 2× its idle value).
 * The tick shares the server's event loop, its two cores and the database with the API; unpaced it runs flat out
 * and every request waits behind it. A pacer keeps the tick's busy share of wall time at most `share`: after each
 * stretch of work (a slice of computing in Node, a page with its statements) it rests for as long as the stretch
 * took × (1 − share) / share, in a timer, so requests run in between. Rests are taken only outside transactions
 * (no lock or connection held while resting); inside one the tick only yields to the event loop every `sliceMs`.
 * The CLI (`duban supervise`) and tests run unpaced: share 1, never a rest.
 */

/** How a tick is paced. */
export interface TickPace {
  /** The largest share of wall time the tick keeps busy (0 < share ≤ 1; 1: flat out). */
  readonly share: number
  /** The longest stretch of computing in Node before the tick lets the event loop run (ms). */
  readonly sliceMs: number
  /** Items per page (per transaction, per set-based statement); default TICK_PAGE_SIZE (200). */
  readonly pageSize?: number
}

/**
 * How `duban serve`'s scheduler paces the tick: busy at most half the wall time, in slices of at most 4 ms of
 * computing, and pages of 100 items, so that no one statement of the tick (the page's next-fire UPDATE rewrites 100
 * rows and every index entry of theirs) takes a core away from the requests for long.
 */
export const SERVE_TICK_PACE: TickPace = { share: 0.5, sliceMs: 4, pageSize: 100 }

/** Flat out, yielding to the event loop every 20 ms of computing (the CLI, tests). */
export const UNPACED: TickPace = { share: 1, sliceMs: 20 }

/** The longest single rest: a stretch that took long (a slow statement) does not stop the tick for longer. */
const MAX_REST_MS = 2_000

export interface PacerClock {
  now(): number
  sleep(ms: number): Promise<void>
  yieldNow(): Promise<void>
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  yieldNow: () => new Promise((r) => setImmediate(r)),
}

export class Pacer {
  /** Start of the work since the last rest. */
  private stretchFrom: number
  /** Start of the computing since the last yield. */
  private sliceFrom: number
  /** Wall time rested in total (ms). */
  rested = 0

  constructor(
    readonly pace: TickPace = UNPACED,
    private readonly clock: PacerClock = realClock,
  ) {
    if (!(pace.share > 0 && pace.share <= 1)) throw new RangeError(`pace share must be in (0, 1], got ${pace.share}`)
    this.stretchFrom = clock.now()
    this.sliceFrom = this.stretchFrom
  }

  /** How long to rest after `busyMs` of work. */
  restFor(busyMs: number): number {
    return Math.min(MAX_REST_MS, (busyMs * (1 - this.pace.share)) / this.pace.share)
  }

  /** Outside any transaction, between two units of work: rests for the work done since the last rest. */
  async rest(): Promise<void> {
    const ms = this.restFor(this.clock.now() - this.stretchFrom)
    if (ms >= 1) {
      await this.clock.sleep(ms)
      this.rested += ms
    }
    this.stretchFrom = this.clock.now()
    this.sliceFrom = this.stretchFrom
  }

  /** Outside any transaction, while computing: rests when the current slice has run `sliceMs`. */
  async slice(): Promise<void> {
    if (this.clock.now() - this.sliceFrom < this.pace.sliceMs) return
    if (this.pace.share < 1) return this.rest()
    await this.clock.yieldNow()
    this.sliceFrom = this.clock.now()
  }

  /** Inside a transaction, while computing: yields to the event loop (no rest) when the slice has run `sliceMs`. */
  async yieldIfDue(): Promise<void> {
    if (this.clock.now() - this.sliceFrom < this.pace.sliceMs) return
    await this.clock.yieldNow()
    this.sliceFrom = this.clock.now()
  }
}
