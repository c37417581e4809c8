/**
 * The webhook worker (推送): sends queued deliveries with an HMAC-SHA256 signature, retries failures
 * with growing pauses, and gives up after the last one. Receivers check
 * `X-Duban-Signature: sha256=hex(HMAC(secret, timestamp + "." + body))` and `X-Duban-Timestamp`.
 */
import { deliveryProblem } from './webhook-target.ts'
import { createHmac } from 'node:crypto'
import { claimDueDeliveries, recordAttempt } from '../../persistence/supervision-webhook.repo.ts'
import type { AppDeps } from '../deps.ts'

/** Pauses after the 1st, 2nd … failed attempt; after the last the delivery is marked failed. */
export const RETRY_BACKOFF_MS: readonly number[] = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 12 * 3_600_000]

/** The signature header value of a body. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** What a round of sending did. */
export interface DeliveryRound {
  readonly delivered: number
  readonly retried: number
  readonly failed: number
}

/** Sends every delivery due at the clock's now (up to `limit`); `fetchImpl` is injectable for tests. */
export async function deliverWebhooks(deps: AppDeps, opts: { limit?: number; timeoutMs?: number; fetchImpl?: typeof fetch } = {}): Promise<DeliveryRound> {
  const now = deps.clock.now()
  const timeoutMs = opts.timeoutMs ?? 10_000
  const claimed = await claimDueDeliveries(deps.db, now, new Date(now.getTime() + timeoutMs + 60_000), opts.limit ?? 50)
  const doFetch = opts.fetchImpl ?? fetch
  let delivered = 0
  let retried = 0
  let failed = 0
  for (const d of claimed) {
    const body = JSON.stringify(d.payload)
    const timestamp = String(Math.floor(now.getTime() / 1000))
    let status: number | null = null
    let error: string | null = null
    try {
      const refused = opts.fetchImpl ? null : await deliveryProblem(d.url)
      if (refused) throw new Error(`refused: ${refused}`)
      const res = await doFetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'duban-webhook/1',
          'x-duban-event': d.eventType,
          'x-duban-delivery': d.id,
          'x-duban-timestamp': timestamp,
          'x-duban-signature': webhookSignature(d.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      status = res.status
      await res.arrayBuffer().catch(() => undefined)
      if (status < 200 || status >= 300) error = `HTTP ${status}`
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
    const ok = error === null
    const pause = RETRY_BACKOFF_MS[d.attempts]
    const nextAttemptAt = ok || pause === undefined ? null : new Date(now.getTime() + pause)
    await recordAttempt(deps.db, d.id, { ok, status, error, at: now, nextAttemptAt })
    if (ok) delivered++
    else if (nextAttemptAt) retried++
    else failed++
  }
  return { delivered, retried, failed }
}
