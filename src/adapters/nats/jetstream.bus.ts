/**
 * NATS JetStream as the event bus (全量数据推送): one stream (default `DUBAN_ITEMS`, subjects
 * `duban.items.<unitId>.<itemId>`), a durable pull consumer per subscribing unit filtered to its subjects.
 * Messages carry `Nats-Msg-Id` = `<seq>@<unit>`, so a batch sent again after a crash is dropped by the
 * stream's duplicate window (2 minutes) instead of delivered twice.
 */
import { AckPolicy, connect, DeliverPolicy, JSONCodec, nanos, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats'
import type { BusMessage, EventBus, ItemChangeEvent } from '../../app/events/event-publisher.ts'

/** Where to publish: the stream name and the subject prefix it owns. */
export interface StreamNames {
  readonly stream: string
  readonly prefix: string
}

/** The default stream of duban's item events. */
export const DEFAULT_STREAM: StreamNames = { stream: 'DUBAN_ITEMS', prefix: 'duban.items' }

/** A subject token for an id: NATS tokens may not hold '.', '*', '>' or white space. */
export function subjectToken(id: string | null): string {
  return id === null ? '_' : id.replace(/[^A-Za-z0-9_-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}`)
}

/** The durable consumer name of a unit. */
export function durableOf(unitId: string): string {
  return `unit_${subjectToken(unitId)}`
}

/** A connected JetStream bus; close() drains the connection. */
export interface JetStreamBus extends EventBus {
  readonly names: StreamNames
  /** Creates (or keeps) the durable consumer of a unit: every event of the unit's items, from the stream's start. */
  ensureUnitConsumer(unitId: string): Promise<string>
  close(): Promise<void>
}

const codec = JSONCodec<ItemChangeEvent>()

/** Messages in flight at once at most. */
const WINDOW = 256

/** Connects to `url`, creates the stream when missing, and returns the bus. */
export async function openJetStreamBus(url: string, names: StreamNames = DEFAULT_STREAM): Promise<JetStreamBus> {
  const nc: NatsConnection = await connect({ servers: url, name: 'duban', timeout: 3_000 })
  const jsm: JetStreamManager = await nc.jetstreamManager()
  const subjects = [`${names.prefix}.>`]
  try {
    await jsm.streams.info(names.stream)
  } catch {
    await jsm.streams.add({ name: names.stream, subjects, duplicate_window: nanos(120_000) })
  }
  const js: JetStreamClient = nc.jetstream()
  return {
    names,
    async publish(messages: readonly BusMessage[]) {
      // Pipelined in windows in which no subject (unit + item) repeats, each window acknowledged before the next:
      // should a message fail, no later message of its item has been sent, so the retry keeps every item's
      // events in order for every unit; messages of different items may be stored in either order.
      let window: Promise<unknown>[] = []
      let subjects = new Set<string>()
      for (const m of messages) {
        const subject = `${names.prefix}.${subjectToken(m.unitId)}.${subjectToken(m.itemId)}`
        if (subjects.has(subject) || window.length >= WINDOW) {
          await Promise.all(window)
          window = []
          subjects = new Set()
        }
        subjects.add(subject)
        window.push(js.publish(subject, codec.encode(m.body), { msgID: m.msgId }))
      }
      await Promise.all(window)
    },
    async ensureUnitConsumer(unitId: string) {
      const durable = durableOf(unitId)
      await jsm.consumers.add(names.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: `${names.prefix}.${subjectToken(unitId)}.>`,
      })
      return durable
    },
    async close() {
      await nc.drain()
    },
  }
}
