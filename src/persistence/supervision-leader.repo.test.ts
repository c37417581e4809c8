/**
 * The leadership connection when its callers overlap: `duban serve` shares one leadership between the scheduler
 * and the event publisher (and NATS), whose timers can ask at the same moment. Needs a PostgreSQL server
 * (DATABASE_URL); skipped with a note without one (PGlite has one process and no leadership to take).
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServerDatabase } from '../../test/support/test-db.ts'
import { pgLeadership } from './supervision-leader.repo.ts'

const hasPg = Boolean(process.env.DATABASE_URL)
if (!hasPg) console.log('src/persistence/supervision-leader.repo.test.ts: DATABASE_URL is not set; skipping (needs a PostgreSQL server)')

describe.skipIf(!hasPg)('pgLeadership', () => {
  let url = ''
  let drop: () => Promise<void> = async () => undefined
  let admin: pg.Client
  const KEY = 77_001

  beforeAll(async () => {
    ;({ url, drop } = await createServerDatabase())
    admin = new pg.Client({ connectionString: url })
    await admin.connect()
  })
  afterAll(async () => {
    await admin?.end()
    await drop()
  })

  /** The leadership sessions open on this test's database. */
  const sessions = async (): Promise<number> =>
    Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'duban-leader'`)).rows[0]!.n)

  it('answers two calls at once on one session, and gives the lock up on release', async () => {
    const one = pgLeadership(url, KEY)
    expect(await Promise.all([one.isLeader(), one.isLeader()])).toEqual([true, true])
    expect(await sessions()).toBe(1)
    // Two more at once while it leads, then once more after: still one session, still the leader.
    expect(await Promise.all([one.isLeader(), one.isLeader()])).toEqual([true, true])
    expect(await one.isLeader()).toBe(true)
    expect(await sessions()).toBe(1)

    await one.release()
    const other = pgLeadership(url, KEY)
    try {
      expect(await other.isLeader()).toBe(true)
    } finally {
      await other.release()
    }
  })

  it('does not keep a session when release comes while the first call is connecting', async () => {
    const one = pgLeadership(url, KEY)
    const asked = one.isLeader()
    await one.release()
    await asked
    await expect.poll(sessions).toBe(0)
    const other = pgLeadership(url, KEY)
    try {
      expect(await other.isLeader()).toBe(true)
    } finally {
      await other.release()
    }
  })
})
