/** The in-process scheduler (定时巡查) `duban serve` starts: one supervision tick and one webhook round a minute. */
import type { AppDeps } from '../deps.ts'
import { superviseTick } from './supervise-tick.ts'
import { deliverWebhooks } from './webhook-deliver.ts'

/** A running scheduler; stop() waits for a round in progress. */
export interface Scheduler {
  stop(): Promise<void>
}

/** Starts ticking every `everyMs` (60 s); a round never overlaps the previous one; errors go to `onError`. */
export function startScheduler(deps: AppDeps, opts: { everyMs?: number; onError?: (e: unknown) => void } = {}): Scheduler {
  const onError = opts.onError ?? ((e: unknown) => process.stderr.write(`duban: scheduler: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`))
  let running: Promise<void> | null = null
  const round = (): void => {
    if (running) return
    running = (async () => {
      try {
        await superviseTick(deps, deps.clock.now())
      } catch (e) {
        onError(e)
      }
      try {
        await deliverWebhooks(deps)
      } catch (e) {
        onError(e)
      }
    })().finally(() => {
      running = null
    })
  }
  const timer = setInterval(round, opts.everyMs ?? 60_000)
  timer.unref()
  round()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
