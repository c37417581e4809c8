/**
 * A use-case asks for the scheduler's next round early (roundSoon): after a plan's confirm, so that one round meets
 * its new tasks' clocks and their assessment marks about a second later, paced as every round is, instead of the
 * minute's round meeting them at once beside whatever runs then. The scheduler running in this process on the same
 * database answers (startScheduler registers itself here); without one (the CLI, tests without a scheduler) or in a
 * process that is not the leader (the round checks leadership as always) it is nothing.
 */
import type { AppDeps } from '../deps.ts'

/** How long after a confirm the round runs: after the confirm's answer has gone out, well before the minute's round. */
export const ROUND_AFTER_CONFIRM_MS = 1_000

const byDb = new WeakMap<object, (delayMs: number) => void>()

/** Registers the scheduler of `db` (its `soon`); answers the function that unregisters it. */
export function registerRoundSoon(db: object, soon: (delayMs: number) => void): () => void {
  byDb.set(db, soon)
  return () => {
    if (byDb.get(db) === soon) byDb.delete(db)
  }
}

/** Asks the scheduler on `deps.db` in this process, if any, for a round in `delayMs`. */
export function roundSoon(deps: Pick<AppDeps, 'db'>, delayMs = ROUND_AFTER_CONFIRM_MS): void {
  byDb.get(deps.db)?.(delayMs)
}
