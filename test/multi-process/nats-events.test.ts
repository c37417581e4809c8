/**
 * Every change of an item goes out on NATS JetStream (全量数据推送): each unit's durable consumer receives
 * every change of its items exactly once, in order per item, also when a batch is sent twice (a publisher
 * that crashed before deleting what it sent). Uses the NATS server at DUBAN_NATS_URL or 127.0.0.1:4222;
 * skipped with a note when none answers.
 */
import { randomBytes } from 'node:crypto'
import { connect, type NatsConnection } from 'nats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { listOutbox, setEventStream } from '../../src/persistence/supervision-outbox.repo.ts'
import { openJetStreamBus, type JetStreamBus } from '../../src/adapters/nats/jetstream.bus.ts'
import { messagesOf, publishOutbox, type ItemChangeEvent } from '../../src/app/events/event-publisher.ts'
import { insertItem } from '../http/supervision-fixture.ts'
import { freshDb } from '../support/test-db.ts'

const NATS_URL = process.env.DUBAN_NATS_URL ?? 'nats://127.0.0.1:4222'
const probe = await connect({ servers: NATS_URL, timeout: 1_500, reconnect: false }).then(
  (nc: NatsConnection) => nc.close().then(() => true),
  () => false,
)
if (!probe) console.log(`test/multi-process/nats-events: no NATS server at ${NATS_URL}; skipping`)

describe.skipIf(!probe)('item changes on NATS JetStream', () => {
  const tag = randomBytes(4).toString('hex')
  const names = { stream: `DUBAN_T_${tag}`, prefix: `duban_t_${tag}.items` }
  let db: Db
  let bus: JetStreamBus
  /** Changes made, per item: versions in order. */
  const made = new Map<string, number[]>()
  const unitsOf: Record<string, string[]> = { a: ['u1', 'u2'], b: ['u1'], c: ['u3'], d: ['u2', 'u3'] }

  const change = async (id: string): Promise<void> => {
    const { rows } = await db.query<{ version: number }>(`UPDATE item SET state = 'accepted', version = version + 1 WHERE id = $1 RETURNING version`, [id])
    made.get(id)!.push(Number(rows[0]!.version))
  }
  const drain = async (durable: string): Promise<ItemChangeEvent[]> => {
    const nc = await connect({ servers: NATS_URL })
    try {
      const consumer = await nc.jetstream().consumers.get(names.stream, durable)
      const got: ItemChangeEvent[] = []
      for (;;) {
        const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 })
        let n = 0
        for await (const m of batch) {
          got.push(m.json<ItemChangeEvent>())
          m.ack()
          n++
        }
        if (n === 0) return got
      }
    } finally {
      await nc.drain()
    }
  }

  beforeAll(async () => {
    db = await freshDb('pglite')
    bus = await openJetStreamBus(NATS_URL, names)
    await setEventStream(db, 'nats', true, new Date())
    await db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department'), ('u2', '乙局', 'department'), ('u3', '丙镇', 'township')`)
    for (const [id, units] of Object.entries(unitsOf)) {
      await insertItem(db, { id, title: `事项${id}`, due: '2026-06-30', lead: units[0]!, responsible: units.slice(1) })
      made.set(id, [1])
    }
    for (const u of ['u1', 'u2', 'u3']) await bus.ensureUnitConsumer(u)
  }, 180_000)

  afterAll(async () => {
    const nc = await connect({ servers: NATS_URL }).catch(() => null)
    await nc?.jetstreamManager().then((m) => m.streams.delete(names.stream)).catch(() => undefined)
    await nc?.close()
    await bus?.close()
    await db?.close()
  })

  it('captures every change in the change’s transaction, and not the tick’s bookkeeping', async () => {
    for (const id of ['a', 'b', 'a', 'c', 'd', 'a', 'd']) await change(id)
    await db.query(`UPDATE item_clock SET next_fire_at = now()`)
    const rows = await listOutbox(db, 1000)
    expect(rows).toHaveLength(4 + 7)
    expect(rows.filter((r) => r.itemId === 'a').map((r) => r.version)).toEqual([1, 2, 3, 4])
    expect(rows.find((r) => r.itemId === 'd')!.units).toEqual(['u2', 'u3'])
  })

  it('delivers each unit every change of its items once, in order per item, though a batch was sent twice', async () => {
    // A publisher that sent a batch and died before deleting it: the next one sends it again.
    await bus.publish((await listOutbox(db, 5)).flatMap(messagesOf))
    expect(await publishOutbox({ db }, bus)).toBe(11)
    for (const id of ['c', 'b', 'd']) await change(id)
    expect(await publishOutbox({ db }, bus)).toBe(3)
    expect(await listOutbox(db, 10)).toHaveLength(0)

    for (const u of ['u1', 'u2', 'u3']) {
      const got = await drain(`unit_${u}`)
      const mine = Object.keys(unitsOf).filter((id) => unitsOf[id]!.includes(u))
      expect(new Set(got.map((e) => e.seq)).size).toBe(got.length)
      expect(got.length).toBe(mine.reduce((n, id) => n + made.get(id)!.length, 0))
      for (const id of mine) expect(got.filter((e) => e.itemId === id).map((e) => e.version)).toEqual(made.get(id))
      // Acknowledged: the durable subscription has nothing more to give.
      expect(await drain(`unit_${u}`)).toEqual([])
    }
  })
})
