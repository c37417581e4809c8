/**
 * Leadership by a PostgreSQL session advisory lock (pg_try_advisory_lock) held on a connection of its own,
 * outside the pool: the lock lives exactly as long as that session, so a process that dies, or whose
 * connection the server drops, loses it at once and another process takes it at its next try. No lease to
 * renew and no clock to trust; what it cannot prevent (a leader that lost its connection finishing the round
 * it is in) the jobs absorb themselves: supervision actions are claimed in `supervision_action`, webhook
 * deliveries are leased with FOR UPDATE SKIP LOCKED, NATS messages carry a dedupe id.
 */
import pg from 'pg'
import type { Leadership } from './leadership.ts'

/** The advisory lock key of the scheduler's leadership ('duban' jobs: tick, webhooks, publisher). */
export const SCHEDULER_LOCK_KEY = 4_242_075

/**
 * Leadership over the PostgreSQL at `url`, by the advisory lock `key`. One process shares it among its jobs (the
 * scheduler, the event publisher, NATS), whose timers may ask at the same moment: calls that overlap share one
 * attempt, and release waits for it: the process never opens a second session (one left behind holding the lock
 * kept every process, this one too, from leading), nor keeps one that an attempt opened while it was released.
 */
export function pgLeadership(url: string, key: number = SCHEDULER_LOCK_KEY): Leadership {
  let client: pg.Client | null = null
  let held = false
  /** The attempt in flight, which overlapping calls share. */
  let asking: Promise<boolean> | null = null
  const drop = (): void => {
    const c = client
    client = null
    held = false
    c?.end().catch(() => undefined)
  }
  const attempt = async (): Promise<boolean> => {
    try {
      if (!client) {
        const c = new pg.Client({ connectionString: url, application_name: 'duban-leader' })
        // A dropped session is lost leadership; without a listener the error would end the process.
        c.on('error', () => {
          if (client === c) drop()
        })
        c.on('end', () => {
          if (client === c) drop()
        })
        await c.connect()
        client = c
      }
      if (held) {
        // Still our session? (The lock is ours for as long as it is.)
        await client.query('SELECT 1')
        return held
      }
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key])
      held = rows[0]?.ok === true
      return held
    } catch {
      drop()
      return false
    }
  }
  return {
    isLeader() {
      asking ??= attempt().finally(() => (asking = null))
      return asking
    },
    async release() {
      await asking
      const c = client
      client = null
      held = false
      // Ending the session releases its advisory locks.
      await c?.end().catch(() => undefined)
    },
  }
}
