/**
 * A use-case asks for the scheduler's next round early (roundSoon): after a plan's confirm, so that one round meets
 * its new tasks' clocks and their assessment marks about a second later, paced as every round is, instead of the
 * minute's round meeting them at once beside whatever runs then. The scheduler running in this process on the same
 * database answers (startScheduler registers itself here). On PostgreSQL the ask also goes to the other `duban serve`
 * processes on the same database (NOTIFY on a channel each LISTENs to, round-soon.channel.ts), since the round runs
 * only in the leader, which may be another process. Without a scheduler (the CLI, tests without one) or in a process
 * that is not the leader (the round checks leadership as always) it is nothing; a scheduler asked twice (here and
 * through its own LISTEN) before the round runs runs it once.
 */
import type { AppDeps } from '../deps.ts'
import { notifyRoundSoon } from '../../persistence/round-soon.channel.ts'

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

/**
 * Asks the scheduler on `deps.db` in this process, if any, for a round in `delayMs`, and on PostgreSQL every process
 * listening on the database (the leader's scheduler among them). The ask across processes is a hint: when it cannot
 * be sent it is reported to `onError` (default: a warning) and the minute's round meets the same work.
 */
export function roundSoon(deps: Pick<AppDeps, 'db'>, delayMs = ROUND_AFTER_CONFIRM_MS, onError: (e: unknown) => void = warn): void {
  byDb.get(deps.db)?.(delayMs)
  if (deps.db.dialect === 'pg') notifyRoundSoon(deps.db, delayMs).catch(onError)
}

function warn(e: unknown): void {
  process.emitWarning(`roundSoon: the ask to other processes was not sent: ${e instanceof Error ? e.message : String(e)}`)
}
