/**
 * The channel worker (渠道推送循环) `duban serve` runs beside the scheduler: a round every 15 s that never
 * overlaps the previous one (deliverChannels: queue new notifications, send what is due, retry with backoff).
 */
import type { AppDeps } from '../../app/deps.ts'
import { deliverChannels, type ChannelSenders } from '../../app/notifications/deliver-channels.ts'

export interface ChannelWorker {
  /** Runs one round now (waits for a round in progress first). */
  kick(): Promise<void>
  stop(): Promise<void>
}

/** Starts the rounds; errors go to `onError` and the next round tries again. */
export function startChannelWorker(deps: AppDeps, senders: ChannelSenders, opts: { everyMs?: number; onError?: (e: unknown) => void } = {}): ChannelWorker {
  const onError = opts.onError ?? ((e: unknown) => process.stderr.write(`duban: channels: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`))
  let running: Promise<void> | null = null
  const round = (): Promise<void> => {
    if (running) return running
    running = deliverChannels(deps, senders)
      .then(() => undefined, onError)
      .finally(() => {
        running = null
      })
    return running
  }
  const timer = setInterval(() => void round(), opts.everyMs ?? 15_000)
  timer.unref()
  void round()
  return {
    async kick() {
      await running
      await round()
    },
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
