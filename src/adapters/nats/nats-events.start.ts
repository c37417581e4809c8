/**
 * `duban serve` with DUBAN_NATS_URL: connects to NATS JetStream, turns outbox capture on, creates the durable
 * consumers of the units in DUBAN_NATS_UNITS (comma-separated unit ids, or `*` for every active unit), and
 * publishes the outbox while this process leads.
 */
import type { AppDeps } from '../../app/deps.ts'
import { startEventPublisher } from '../../app/events/event-publisher.ts'
import type { Leadership } from '../../persistence/leadership.ts'
import { setEventStream } from '../../persistence/supervision-outbox.repo.ts'
import { openJetStreamBus } from './jetstream.bus.ts'

/** Running NATS publishing; stop() ends the publisher and drains the connection. */
export interface NatsEvents {
  readonly durables: readonly string[]
  stop(): Promise<void>
}

/** Starts publishing item changes to the NATS server at `url` (see the module comment). */
export async function startNatsEvents(deps: AppDeps, url: string, leader: Leadership, units = process.env.DUBAN_NATS_UNITS ?? ''): Promise<NatsEvents> {
  const bus = await openJetStreamBus(url)
  await setEventStream(deps.db, 'nats', true, deps.clock.now())
  const ids =
    units.trim() === '*'
      ? (await deps.db.query<{ id: string }>('SELECT id FROM unit WHERE active ORDER BY id')).rows.map((r) => r.id)
      : units.split(',').map((u) => u.trim()).filter(Boolean)
  const durables: string[] = []
  for (const id of ids) durables.push(await bus.ensureUnitConsumer(id))
  const publisher = startEventPublisher(deps, bus, { leader })
  return {
    durables,
    async stop() {
      await publisher.stop()
      await bus.close()
    },
  }
}
