/**
 * The event publisher (全量数据推送): sends every captured change of an item (the outbox, written in the
 * change's own transaction) to a message bus, once per unit the item concerns, so that each subscribing unit's
 * durable consumer receives its items' changes in order. Runs in the leader process only. A crash between
 * sending and deleting sends the rows again; the bus drops them by their message id (`<seq>@<unit>`).
 */
import { deleteOutbox, listOutbox, type OutboxEvent } from '../../persistence/supervision-outbox.repo.ts'
import type { AppDeps } from '../deps.ts'
import { soleLeader, type Leadership } from '../../persistence/leadership.ts'

/** The bus the publisher sends to (an adapter: NATS JetStream). */
export interface EventBus {
  /** Sends one message per unit, in the order given; resolves when the bus has stored them all. */
  publish(messages: readonly BusMessage[]): Promise<void>
}

/** One message: the unit it is for, its dedupe id and its JSON body. */
export interface BusMessage {
  readonly unitId: string | null
  readonly itemId: string
  readonly msgId: string
  readonly body: ItemChangeEvent
}

/** What a subscriber receives (the message body). */
export interface ItemChangeEvent {
  readonly seq: number
  readonly op: 'created' | 'changed'
  readonly itemId: string
  readonly version: number
  readonly at: string
  readonly units: readonly string[]
  readonly item: Record<string, unknown>
}

/** The messages for a captured change: one per unit (one unaddressed when the item has no unit yet). */
export function messagesOf(e: OutboxEvent): BusMessage[] {
  const body: ItemChangeEvent = { seq: e.seq, op: e.op, itemId: e.itemId, version: e.version, at: e.at, units: e.units, item: e.item }
  const units = e.units.length > 0 ? e.units : [null]
  return units.map((unitId) => ({ unitId, itemId: e.itemId, msgId: `${e.seq}@${unitId ?? '-'}`, body }))
}

/** Sends up to `limit` captured changes and deletes them from the outbox; returns how many changes were sent. */
export async function publishOutbox(deps: Pick<AppDeps, 'db'>, bus: EventBus, limit = 500): Promise<number> {
  const events = await listOutbox(deps.db, limit)
  if (events.length === 0) return 0
  await bus.publish(events.flatMap(messagesOf))
  await deleteOutbox(deps.db, events.map((e) => e.seq))
  return events.length
}

/** A running publisher; stop() waits for a round in progress. */
export interface EventPublisher {
  stop(): Promise<void>
}

/** Drains the outbox every `everyMs` (1 s) while this process leads; a full round goes on at once. */
export function startEventPublisher(
  deps: Pick<AppDeps, 'db'>,
  bus: EventBus,
  opts: { everyMs?: number; leader?: Leadership; onError?: (e: unknown) => void } = {},
): EventPublisher {
  const leader = opts.leader ?? soleLeader
  const onError = opts.onError ?? ((e: unknown) => process.stderr.write(`duban: event publisher: ${e instanceof Error ? e.message : String(e)}\n`))
  let running: Promise<void> | null = null
  let stopped = false
  const round = (): void => {
    if (running || stopped) return
    running = (async () => {
      try {
        if (!(await leader.isLeader())) return
        while (!stopped && (await publishOutbox(deps, bus)) === 500);
      } catch (e) {
        onError(e)
      }
    })().finally(() => {
      running = null
    })
  }
  const timer = setInterval(round, opts.everyMs ?? 1_000)
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
