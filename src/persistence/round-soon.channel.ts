/**
 * roundSoon across processes on PostgreSQL (round-soon.ts): a process asks with NOTIFY on ROUND_SOON_CHANNEL, and every
 * `duban serve` process LISTENs on a connection of its own (outside the pool, as the leadership's session is) and hands
 * the ask to its scheduler, whose round runs only in the leader. PGlite has one process: nothing here is used there.
 *
 * The ask is a hint: a NOTIFY lost (no listener connected at that moment, a dropped session) costs only the early
 * round; the minute's round meets the same work.
 */
import pg from 'pg'
import type { Queryable } from './db.ts'

/** The channel of the asks; the payload is the delay in milliseconds. */
export const ROUND_SOON_CHANNEL = 'duban_round_soon'

/** The longest delay an ask may carry (a payload out of range or unreadable is taken as this process's default). */
const MAX_DELAY_MS = 60_000

/** Asks every listening process for a round in `delayMs` (delivered when the caller's transaction, if any, commits). */
export async function notifyRoundSoon(q: Queryable, delayMs: number): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [ROUND_SOON_CHANNEL, String(Math.round(delayMs))], { name: 'duban_round_soon_notify' })
}

/** A running listener: `ready` once LISTEN is in place (again after a reconnect), `stop` ends its session. */
export interface RoundSoonListener {
  /** Resolves when the first LISTEN is in place. */
  readonly ready: Promise<void>
  stop(): Promise<void>
}

/**
 * LISTENs on ROUND_SOON_CHANNEL at `url` and calls `onAsk(delayMs)` for each ask (a payload that is no delay in
 * 0–60,000 ms gives `fallbackMs`). A dropped session is opened again after `retryMs`; errors go to `onError`.
 */
export function listenRoundSoon(
  url: string,
  onAsk: (delayMs: number) => void,
  opts: { fallbackMs: number; retryMs?: number; onError?: (e: unknown) => void },
): RoundSoonListener {
  const retryMs = opts.retryMs ?? 5_000
  let client: pg.Client | null = null
  let stopped = false
  let retry: NodeJS.Timeout | null = null
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((r) => (markReady = r))

  const again = (): void => {
    if (stopped || retry) return
    retry = setTimeout(() => {
      retry = null
      void open()
    }, retryMs)
    retry.unref()
  }
  const open = async (): Promise<void> => {
    if (stopped) return
    const c = new pg.Client({ connectionString: url, application_name: 'duban-round-soon' })
    const lost = (): void => {
      if (client !== c) return
      client = null
      c.end().catch(() => undefined)
      again()
    }
    // A dropped session must not end the process: it is opened again.
    c.on('error', (e) => {
      opts.onError?.(e)
      lost()
    })
    c.on('end', lost)
    c.on('notification', (n) => {
      if (n.channel !== ROUND_SOON_CHANNEL) return
      const ms = Number(n.payload)
      onAsk(Number.isFinite(ms) && ms >= 0 && ms <= MAX_DELAY_MS ? ms : opts.fallbackMs)
    })
    client = c
    try {
      await c.connect()
      await c.query(`LISTEN ${ROUND_SOON_CHANNEL}`)
      if (stopped) return void (await c.end().catch(() => undefined))
      markReady()
    } catch (e) {
      if (!stopped) opts.onError?.(e)
      lost()
    }
  }
  void open()
  return {
    ready,
    async stop() {
      stopped = true
      if (retry) clearTimeout(retry)
      retry = null
      const c = client
      client = null
      await c?.end().catch(() => undefined)
    },
  }
}
