/**
 * The in-process scheduler (定时巡查) `duban serve` starts: one supervision tick, one webhook round, one budgeted
 * drain of the assessment log (the counters GET /assessment reads) and the planner's statistics where autovacuum does
 * not keep them (keep-statistics.ts) a minute — the small tables' statistics also every few seconds between rounds —
 * in the leader process only when several processes share one database (see leadership.ts); and one more round about
 * a second after a plan's confirm (roundSoon, round-soon.ts), asked in this process or, on PostgreSQL, in another
 * (`asks`).
 */
import type { AppDeps } from '../deps.ts'
import { soleLeader, type Leadership } from '../../persistence/leadership.ts'
import { superviseTick, type TickResult } from './supervise-tick.ts'
import { deliverWebhooks, type DeliveryRound } from './webhook-deliver.ts'
import { drainAssessmentLog } from '../assessment/assessment-aggregates.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { Pacer, SERVE_TICK_PACE, UNPACED, type TickPace } from './tick-pace.ts'
import { afterConfirms, ConfirmAwarePacer } from '../plans/confirm-gate.ts'
import { registerRoundSoon } from './round-soon.ts'
import { keepStatistics } from '../runtime/keep-statistics.ts'

/**
 * The tick's pace in a server: SERVE_TICK_PACE, or the busy share DUBAN_TICK_SHARE names (0 < share ≤ 1; 1 runs the
 * tick flat out in pages of 200 as before pacing, e.g. to compare in the supervision-tick benchmark).
 */
export function tickPaceFromEnv(env: Record<string, string | undefined> = process.env): TickPace {
  const raw = env['DUBAN_TICK_SHARE']
  if (raw === undefined || raw === '') return SERVE_TICK_PACE
  const share = Number(raw)
  if (!(share > 0 && share <= 1)) throw new RangeError(`DUBAN_TICK_SHARE must be a number in (0, 1], got ${raw}`)
  return share === 1 ? UNPACED : { ...SERVE_TICK_PACE, share }
}

/**
 * How long a round drains the assessment log (changed items' counters) at most: a busy day's changes are drained
 * within the minute they were made, and a first backfill (every item after migration 116) goes on round after round
 * without holding the API or the next tick (items per batch below, the event loop free between batches).
 */
export const ASSESSMENT_DRAIN_BUDGET_MS = 10_000
/**
 * Items per batch of the round's drain, each batch one short transaction, the drain resting between them at the round's
 * pace (it took 1,000 log entries at a time, unpaced: after a 1,000-task confirm, 1,000 items' recomputation in a few
 * long transactions back to back beside the API). Taken from among the oldest DRAIN_WINDOW entries, and only those
 * queued when the drain began (drainAssessmentLog).
 */
export const ASSESSMENT_DRAIN_BATCH = 100

/**
 * The batch on PGlite, whose statements run on the event loop: a batch's transaction is one stretch that every request
 * in flight waits for. After a 1,000-task confirm a batch of 100 held it 50–105 ms (in-memory PGlite, load ~7; the
 * after-confirm window's p99 in `peer` was 2.44× its value before), a batch of 20 for 12 ms (median; longest 24) with
 * fewer milliseconds in all for the 1,000 items (BENCHMARKS.md, "PGlite: the after-confirm drain in short batches").
 */
export const ASSESSMENT_DRAIN_BATCH_PGLITE = 20

/** Items per batch of the round's drain on this database. */
export function assessmentDrainBatch(dialect: 'pg' | 'pglite'): number {
  return dialect === 'pglite' ? ASSESSMENT_DRAIN_BATCH_PGLITE : ASSESSMENT_DRAIN_BATCH
}

/**
 * How often, between rounds, the leader analyzes the small tables whose statistics went stale (keepStatistics, no
 * large table). A fresh database under load grows from nothing within the first minute — `peer`'s intake load took
 * ticket and its counters from 0 to 12,000 rows in 25 s — and every pooled connection kept the plans it made for
 * empty tables until the next round: sequential scans of ticket, item_unit and hotline_scope_ticket in each intake's
 * triggers, 840,000 rows read for 3,000 tickets (docs/write-path.md, "Statistics between rounds").
 */
export const STATISTICS_CHECK_MS = 5_000

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
  /** Tables the round analyzed (keepStatistics). */
  readonly analyzed: readonly string[] | null
}

/**
 * Starts ticking every `everyMs` (60 s); a round never overlaps the previous one and runs only while `leader`
 * says this process leads (default: always); errors go to `onError`, each finished round to `onRound`.
 */
export function startScheduler(
  deps: AppDeps,
  opts: {
    everyMs?: number; leader?: Leadership; onError?: (e: unknown) => void; onRound?: (r: SchedulerRound) => void; assessmentBudgetMs?: number
    /** How the tick shares the process with the API (default SERVE_TICK_PACE, or DUBAN_TICK_SHARE). */
    tickPace?: TickPace
    /**
     * Where asks for an early round from other processes come from (on PostgreSQL, listenRoundSoon in
     * round-soon.channel.ts): called once with the scheduler's `soon`; what it answers is stopped with the scheduler.
     */
    asks?: (soon: (delayMs: number) => void) => { stop(): Promise<void> }
    /** How often the small tables' statistics are looked at between rounds (STATISTICS_CHECK_MS; 0: only in rounds). */
    statisticsEveryMs?: number
  } = {},
): Scheduler {
  const onError = opts.onError ?? ((e: unknown) => process.stderr.write(`duban: scheduler: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`))
  const leader = opts.leader ?? soleLeader
  // Resolved now, not at the first tick: a malformed DUBAN_TICK_SHARE stops `duban serve` at start.
  const tickPace = opts.tickPace ?? tickPaceFromEnv()
  let running: Promise<void> | null = null
  let stopped = false
  // DUBAN_TICK_LOG: the event loop's delay (how long a ready callback waited) between ticks and during each tick.
  const loopDelay = process.env.DUBAN_TICK_LOG ? monitorEventLoopDelay({ resolution: 10 }) : null
  loopDelay?.enable()
  const delayOf = (h: IntervalHistogram): string => `p99 ${(h.percentile(99) / 1e6).toFixed(1)} max ${(h.max / 1e6).toFixed(1)} ms`
  // A round asked for (roundSoon) while one runs: run once more after it, which then sees what the ask was about.
  let again = false
  const soonTimers = new Set<NodeJS.Timeout>()
  const round = (): void => {
    if (running || stopped) return
    running = (async () => {
      if (!(await leader.isLeader())) return
      // A plan being confirmed goes first (confirm-gate.ts): the round waits while it writes, at most a minute.
      await afterConfirms(deps)
      let tick: TickResult | null = null
      let webhooks: DeliveryRound | null = null
      const from = Date.now()
      const before = loopDelay ? delayOf(loopDelay) : ''
      loopDelay?.reset()
      let pacer: Pacer | null = null
      try {
        // It also steps aside, between pages, for a confirm that starts while the tick runs (confirm-gate.ts).
        pacer = new ConfirmAwarePacer(tickPace, deps)
        tick = await superviseTick(deps, deps.clock.now(), { pacer })
      } catch (e) {
        onError(e)
      }
      // DUBAN_TICK_LOG=1: one line per tick with its start and end (epoch ms), for the supervision-tick benchmark;
      // then how it was paced and what the event loop's delay was before and during it.
      if (process.env.DUBAN_TICK_LOG) {
        const to = Date.now()
        process.stderr.write(`duban: tick ${from} ${to} ${JSON.stringify(tick)}\n`)
        const pace = pacer ? `share ${pacer.pace.share}, pages of ${pacer.pace.pageSize ?? 'default'}, rested ${Math.round(pacer.rested)} of ${to - from} ms` : ''
        process.stderr.write(`duban: tick pace ${pace}; event-loop delay before ${before}, during ${loopDelay ? delayOf(loopDelay) : ''}\n`)
        loopDelay?.reset()
      }
      try {
        webhooks = await deliverWebhooks(deps)
      } catch (e) {
        onError(e)
      }
      let assessment: number | null = null
      await afterConfirms(deps)
      const drainFrom = Date.now()
      try {
        assessment = await drainAssessmentLog(deps, {
          kinds: [...new Set(kindCatalog.all.map((k) => k.id))], budgetMs: opts.assessmentBudgetMs ?? ASSESSMENT_DRAIN_BUDGET_MS, batch: assessmentDrainBatch(deps.db.dialect),
          // Paced as the tick is, and stepping aside for a confirm that starts meanwhile.
          pacer: new ConfirmAwarePacer(tickPace, deps),
        })
      } catch (e) {
        onError(e)
      }
      if (process.env.DUBAN_TICK_LOG) process.stderr.write(`duban: assessment drain ${drainFrom} ${Date.now()} ${assessment}\n`)
      let analyzed: string[] | null = null
      await afterConfirms(deps)
      try {
        analyzed = await keepStatistics(deps)
      } catch (e) {
        onError(e)
      }
      opts.onRound?.({ tick, webhooks, assessment, analyzed })
    })().finally(() => {
      running = null
      if (again && !stopped) {
        again = false
        round()
      }
    })
  }
  const timer = setInterval(round, opts.everyMs ?? 60_000)
  timer.unref()
  // The small tables' statistics between rounds (never beside a round, which keeps them itself, nor twice at once).
  let checking: Promise<void> | null = null
  const checkStatistics = (): void => {
    if (running || checking || stopped) return
    checking = (async () => {
      if (await leader.isLeader()) await keepStatistics(deps, { maxLargeTables: 0 })
    })()
      .catch(onError)
      .finally(() => {
        checking = null
      })
  }
  const statisticsEveryMs = opts.statisticsEveryMs ?? STATISTICS_CHECK_MS
  const statisticsTimer = statisticsEveryMs > 0 ? setInterval(checkStatistics, statisticsEveryMs) : null
  statisticsTimer?.unref()
  // roundSoon (after a plan's confirm): one round `delayMs` from now, or right after the one running then. An ask while
  // one is pending (a second confirm, or the same ask heard here and through this process's LISTEN) joins it: the
  // pending round runs after both and meets what each was about.
  const soon = (delayMs: number): void => {
    if (stopped || soonTimers.size > 0) return
    const t = setTimeout(() => {
      soonTimers.delete(t)
      if (running) again = true
      else round()
    }, delayMs)
    t.unref()
    soonTimers.add(t)
  }
  const unregister = registerRoundSoon(deps.db, soon)
  const asks = opts.asks?.(soon) ?? null
  round()
  return {
    async stop() {
      stopped = true
      unregister()
      await asks?.stop()
      for (const t of soonTimers) clearTimeout(t)
      soonTimers.clear()
      clearInterval(timer)
      if (statisticsTimer) clearInterval(statisticsTimer)
      await running
      await checking
      loopDelay?.disable()
    },
  }
}
