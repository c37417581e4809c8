/**
 * roundSoon across processes (round-soon.ts, round-soon.channel.ts): two duban server instances on one PostgreSQL
 * (each with its own pool, leadership session and scheduler, as two `duban serve` processes have, the scheduler's
 * minute stretched to an hour). A confirm's ask for an early round made in the instance that does not lead reaches
 * the leader's scheduler (NOTIFY on a channel each instance LISTENs to), whose round then meets the new work; the
 * other instance runs no round. Needs a PostgreSQL server (DATABASE_URL); skipped with a note without one.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppDeps } from '../../src/app/deps.ts'
import type { Db } from '../../src/persistence/db.ts'
import type { Leadership } from '../../src/persistence/leadership.ts'
import { migrate } from '../../src/persistence/migrate.ts'
import { openPg } from '../../src/persistence/pg.db.ts'
import { listenRoundSoon, type RoundSoonListener } from '../../src/persistence/round-soon.channel.ts'
import { pgLeadership } from '../../src/persistence/supervision-leader.repo.ts'
import { ROUND_AFTER_CONFIRM_MS, roundSoon } from '../../src/app/supervision/round-soon.ts'
import { startScheduler, type Scheduler, type SchedulerRound } from '../../src/app/supervision/scheduler.ts'
import { UNPACED } from '../../src/app/supervision/tick-pace.ts'
import { insertItem } from '../http/supervision-fixture.ts'
import { createServerDatabase } from '../support/test-db.ts'

const hasPg = Boolean(process.env.DATABASE_URL)
if (!hasPg) console.log('test/multi-process/round-soon: DATABASE_URL is not set; skipping (needs a PostgreSQL server)')

const NOW = new Date('2026-03-20T10:00:00+08:00')
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const from = Date.now()
  while (!ok()) {
    if (Date.now() - from > ms) throw new Error(`not within ${ms} ms: ${what}`)
    await sleep(50)
  }
}

/** One server instance: its pool, leadership, listener and scheduler, and the rounds it ran. */
interface Instance {
  readonly db: Db
  readonly deps: AppDeps
  readonly leader: Leadership
  listener: RoundSoonListener | null
  scheduler: Scheduler | null
  readonly rounds: SchedulerRound[]
  readonly errors: unknown[]
}

describe.skipIf(!hasPg)('roundSoon across two duban processes on one PostgreSQL', () => {
  let url = ''
  let drop: () => Promise<void> = async () => undefined
  const instances: Instance[] = []

  const start = (inst: Instance): void => {
    inst.scheduler = startScheduler(inst.deps, {
      everyMs: 3_600_000,
      tickPace: UNPACED,
      leader: inst.leader,
      onRound: (r) => void inst.rounds.push(r),
      onError: (e) => void inst.errors.push(e),
      // As `duban serve` wires it on PostgreSQL.
      asks: (soon) => (inst.listener = listenRoundSoon(url, soon, { fallbackMs: ROUND_AFTER_CONFIRM_MS, onError: (e) => void inst.errors.push(e) })),
    })
  }

  beforeAll(async () => {
    ;({ url, drop } = await createServerDatabase())
    for (let i = 0; i < 2; i++) {
      const db = await openPg(url)
      instances.push({ db, deps: { db, clock: { now: () => NOW }, newId: randomUUID }, leader: pgLeadership(url), listener: null, scheduler: null, rounds: [], errors: [] })
    }
    await migrate(instances[0]!.db)
    await instances[0]!.db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department')`)
  }, 120_000)

  afterAll(async () => {
    for (const inst of instances) {
      await inst.scheduler?.stop()
      await inst.leader.release()
      await inst.db.close()
    }
    await drop()
  })

  it("brings the leader's round when the instance that does not lead asks, and only the leader runs it", async () => {
    const [leading, other] = instances as [Instance, Instance]
    start(leading)
    await until('the leader\'s round at start', () => leading.rounds.length === 1, 30_000)
    start(other)
    await Promise.all(instances.map((i) => i.listener!.ready))
    // Work the early round is about, written by the other instance (as its confirm writes tasks).
    await insertItem(other.db, { id: 'late', title: '整治噪音扰民', due: '2026-03-02', lead: 'u1' })
    // Nothing but the ask brings a round: the minute is an hour here.
    await sleep(1_500)
    expect(leading.rounds).toHaveLength(1)

    roundSoon(other.deps)
    await until("the leader's round after the other instance's ask", () => leading.rounds.length >= 2, 15_000)
    expect(leading.rounds[1]!.tick).toMatchObject({ overdue: 1 })
    expect(other.rounds).toEqual([])
    expect([...leading.errors, ...other.errors]).toEqual([])
  }, 60_000)

  it('runs one round for an ask the leader hears twice (in its own process and through its LISTEN)', async () => {
    const [leading, other] = instances as [Instance, Instance]
    const seen = leading.rounds.length
    roundSoon(leading.deps)
    await until('the round after the ask', () => leading.rounds.length > seen, 15_000)
    // The second hearing joined the pending round: no round after it.
    await sleep(2_500)
    expect(leading.rounds).toHaveLength(seen + 1)
    expect(other.rounds).toEqual([])
  }, 60_000)
})
