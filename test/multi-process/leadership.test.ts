/**
 * Two duban server instances (each with its own connection pool and its own leadership connection, as two
 * `duban serve` processes have) on one PostgreSQL: the supervision tick and webhook delivery run in one of
 * them only, every reminder, 督办单 and webhook happens exactly once, and the other takes over when the
 * leader stops. Needs a PostgreSQL server (DATABASE_URL); skipped with a note without one.
 */
import { createServer, type Server } from 'node:http'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppDeps } from '../../src/app/deps.ts'
import type { Db } from '../../src/persistence/db.ts'
import { migrate } from '../../src/persistence/migrate.ts'
import { openPg } from '../../src/persistence/pg.db.ts'
import { pgLeadership } from '../../src/persistence/supervision-leader.repo.ts'
import { saveSubscription } from '../../src/persistence/supervision-webhook.repo.ts'
import type { Leadership } from '../../src/persistence/leadership.ts'
import { startScheduler, type Scheduler, type SchedulerRound } from '../../src/app/supervision/scheduler.ts'
import { insertItem } from '../http/supervision-fixture.ts'
import { createServerDatabase } from '../support/test-db.ts'

const hasPg = Boolean(process.env.DATABASE_URL)
if (!hasPg) console.log('test/multi-process/leadership: DATABASE_URL is not set; skipping (needs a PostgreSQL server)')

/** One server instance: its pool, leadership and scheduler, and what its rounds did. */
interface Instance {
  readonly db: Db
  readonly leader: Leadership
  scheduler: Scheduler | null
  readonly rounds: SchedulerRound[]
}

const NOW = new Date('2026-03-20T10:00:00+08:00')

describe.skipIf(!hasPg)('two duban processes on one PostgreSQL', () => {
  let url = ''
  let drop: () => Promise<void> = async () => undefined
  let hook: Server
  const received: string[] = []
  const instances: Instance[] = []
  const allowNets = process.env.DUBAN_WEBHOOK_ALLOW_NETS

  const start = (inst: Instance): void => {
    const deps: AppDeps = { db: inst.db, clock: { now: () => NOW }, newId: randomUUID }
    inst.scheduler = startScheduler(deps, { everyMs: 100, leader: inst.leader, onRound: (r) => inst.rounds.push(r), onError: (e) => console.error(e) })
  }
  const until = async (what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> => {
    const end = Date.now() + ms
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const count = async (sql: string): Promise<number> => Number((await instances[0]!.db.query<{ n: number }>(sql)).rows[0]!.n)
  const allDelivered = async (): Promise<boolean> =>
    (await count(`SELECT count(*) AS n FROM webhook_delivery`)) > 0 && (await count(`SELECT count(*) AS n FROM webhook_delivery WHERE status <> 'delivered'`)) === 0

  beforeAll(async () => {
    process.env.DUBAN_WEBHOOK_ALLOW_NETS = '127.0.0.1/32'
    ;({ url, drop } = await createServerDatabase())
    hook = createServer((req, res) => {
      received.push(String(req.headers['x-duban-delivery']))
      req.resume()
      req.on('end', () => res.end('ok'))
    })
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
    const port = (hook.address() as { port: number }).port
    for (let i = 0; i < 2; i++) instances.push({ db: await openPg(url), leader: pgLeadership(url), scheduler: null, rounds: [] })
    const db = instances[0]!.db
    await migrate(db)
    await db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department'), ('u2', '乙局', 'department'), ('u3', '丙镇', 'township')`)
    // Overdue since early March (提醒, 督办单 …), due soon (临期), and one closed (nothing).
    await insertItem(db, { id: 'late1', title: '整治噪音扰民', due: '2026-03-02', lead: 'u1', responsible: ['u2'] })
    await insertItem(db, { id: 'late2', title: '修复破损道路', due: '2026-03-09', lead: 'u2' })
    await insertItem(db, { id: 'soon', title: '排查燃气安全', due: '2026-03-23', lead: 'u3' })
    await insertItem(db, { id: 'done', title: '清运垃圾', due: '2026-03-02', lead: 'u1', closedAt: '2026-02-20T10:00:00+08:00' })
    await saveSubscription(db, { id: 'sub1', url: `http://127.0.0.1:${port}/hook`, eventTypes: ['*'], secret: 's3cret', active: true, description: '', createdAt: NOW.toISOString() }, null)
  }, 120_000)

  afterAll(async () => {
    for (const inst of instances) {
      await inst.scheduler?.stop()
      await inst.leader.release()
      await inst.db.close()
    }
    await new Promise((r) => hook?.close(r))
    await drop()
    if (allowNets === undefined) delete process.env.DUBAN_WEBHOOK_ALLOW_NETS
    else process.env.DUBAN_WEBHOOK_ALLOW_NETS = allowNets
  })

  it('runs the tick and webhook delivery in one instance only, each reminder, 督办单 and webhook once', async () => {
    for (const inst of instances) start(inst)
    await until('the webhooks to be delivered', allDelivered)
    // Let both go on ticking a while: nothing new may happen.
    const rounds = (): number => instances.reduce((n, i) => n + i.rounds.length, 0)
    const seen = rounds()
    await until('five more rounds', async () => rounds() >= seen + 5)
    const leaders = instances.filter((i) => i.rounds.length > 0)
    expect(leaders).toHaveLength(1)
    const ticks = leaders[0]!.rounds.map((r) => r.tick!)
    const sum = (k: keyof (typeof ticks)[number]): number => ticks.reduce((n, t) => n + t[k], 0)
    // Every action the tick counted is one ledger row, one 督办单 per notice, one webhook per delivery row.
    expect(sum('warned') + sum('overdue') + sum('expired') + sum('reportsMissing') + sum('escalated')).toBe(await count('SELECT count(*) AS n FROM supervision_action'))
    expect(sum('warned')).toBe(1)
    expect(sum('overdue')).toBe(2)
    expect(sum('notices')).toBeGreaterThan(0)
    expect(sum('notices')).toBe(await count('SELECT count(*) AS n FROM supervision_notice'))
    const deliveries = await count('SELECT count(*) AS n FROM webhook_delivery')
    expect(received).toHaveLength(deliveries)
    expect(new Set(received).size).toBe(deliveries)
    expect(await count(`SELECT count(*) AS n FROM notification WHERE item_id = 'done'`)).toBe(0)
  }, 120_000)

  it('hands leadership over when the leader stops, and the new leader sends only what is new', async () => {
    const leader = instances.find((i) => i.rounds.length > 0)!
    const other = instances.find((i) => i !== leader)!
    await leader.scheduler!.stop()
    leader.scheduler = null
    const before = received.length
    await insertItem(other.db, { id: 'late3', title: '整改小区物业问题', due: '2026-03-16', lead: 'u3' })
    expect(other.rounds).toHaveLength(0)
    await leader.leader.release()
    await until('the other instance to lead', async () => other.rounds.length > 0)
    await until('the new webhooks to be delivered', allDelivered)
    const deliveries = await count('SELECT count(*) AS n FROM webhook_delivery')
    expect(deliveries).toBeGreaterThan(before)
    expect(received).toHaveLength(deliveries)
    expect(new Set(received).size).toBe(deliveries)
    expect(await count(`SELECT count(*) AS n FROM webhook_delivery WHERE payload->>'itemId' = 'late3'`)).toBe(deliveries - before)
  }, 120_000)
})
