/**
 * The in-process scheduler (定时巡查) `duban serve` starts: one supervision tick, one webhook round and one budgeted
 * drain of the assessment log (the counters GET /assessment reads) a minute, in the leader process only when
 * several processes share one database (see leadership.ts).
 */
import type { AppDeps } from '../deps.ts'
import { soleLeader, type Leadership } from '../../persistence/leadership.ts'
import { superviseTick, type TickResult } from './supervise-tick.ts'
import { deliverWebhooks, type DeliveryRound } from './webhook-deliver.ts'
import { drainAssessmentLog } from '../assessment/assessment-aggregates.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'

/**
 * How long a round drains the assessment log (changed items' counters) at most: a busy day's changes are drained
 * within the minute they were made, and a first backfill (every item after migration 116) goes on round after round
 * without holding the API or the next tick (items per batch below, the event loop free between batches).
 */
export const ASSESSMENT_DRAIN_BUDGET_MS = 10_000
const ASSESSMENT_DRAIN_BATCH = 1_000

/** A running scheduler; stop() waits for a round in progress. */
export interface Scheduler {
  stop(): Promise<void>
}

/** What one round did in the leader (null for a part that failed). */
export interface SchedulerRound {
  readonly tick: TickResult | null
  readonly webhooks: DeliveryRound | null
  /** Items whose assessment counters the round recomputed. */
  readonly assessment: number | null
}

/**
 * Starts ticking every `everyMs` (60 s); a round never overlaps the previous one and runs only while `leader`
 * says this process leads (default: always); errors go to `onError`, each finished round to `onRound`.
 */
export function startScheduler(
  deps: AppDeps,
  opts: { everyMs?: number; leader?: Leadership; onError?: (e: unknown) => void; onRound?: (r: SchedulerRound) => void; assessmentBudgetMs?: number } = {},
): Scheduler {
  const onError = opts.onError ?? ((e: unknown) => process.stderr.write(`duban: scheduler: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`))
  const leader = opts.leader ?? soleLeader
  let running: Promise<void> | null = null
  let stopped = false
  const round = (): void => {
    if (running || stopped) return
    running = (async () => {
      if (!(await leader.isLeader())) return
      let tick: TickResult | null = null
      let webhooks: DeliveryRound | null = null
      const from = Date.now()
      try {
        tick = await superviseTick(deps, deps.clock.now())
      } catch (e) {
        onError(e)
      }
      // DUBAN_TICK_LOG=1: one line per tick with its start and end (epoch ms), for the supervision-tick benchmark.
      if (process.env.DUBAN_TICK_LOG) process.stderr.write(`duban: tick ${from} ${Date.now()} ${JSON.stringify(tick)}\n`)
      try {
        webhooks = await deliverWebhooks(deps)
      } catch (e) {
        onError(e)
      }
      let assessment: number | null = null
      const drainFrom = Date.now()
      try {
        assessment = await drainAssessmentLog(deps, {
          kinds: [...new Set(kindCatalog.all.map((k) => k.id))], budgetMs: opts.assessmentBudgetMs ?? ASSESSMENT_DRAIN_BUDGET_MS, batch: ASSESSMENT_DRAIN_BATCH,
        })
      } catch (e) {
        onError(e)
      }
      if (process.env.DUBAN_TICK_LOG) process.stderr.write(`duban: assessment drain ${drainFrom} ${Date.now()} ${assessment}\n`)
      opts.onRound?.({ tick, webhooks, assessment })
    })().finally(() => {
      running = null
    })
  }
  const timer = setInterval(round, opts.everyMs ?? 60_000)
  timer.unref()
  round()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
