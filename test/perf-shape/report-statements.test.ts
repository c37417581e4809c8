/**
 * The shape of the write path (写入路径): how many SQL statements one progress report costs once the
 * session, the unit scope and the calendar are warm. A count, not a timing: it fails when a change puts a
 * per-request read (session, unit subtree, calendar years, a second item read) back on the hot path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable, QueryOptions } from '../../src/persistence/db.ts'
import { buildServer } from '../../src/adapters/http/server.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { freshDb, testDialects } from '../support/test-db.ts'
import type { TestApp, TestClock } from '../support/test-app.ts'
import { call, confirmSample, loginDemo, seedDemoCity } from '../http/plans.fixture.ts'

/** Statements seen through a Db, in order, and the transactions begun (their BEGIN/COMMIT are the driver's, not in `seen`). */
interface Counted {
  readonly db: Db
  readonly seen: string[]
  /** Transactions that ran a statement of the request's (not the process's background work, below). */
  readonly transactions: { n: number }
}

/** Background work of the process (the intake job poll, the calendar's stamp every 2 s), which may interleave. */
const BACKGROUND = /ticket_intake_job|string_agg\(year/

/** Wraps a Db so every statement it and its transactions run is recorded; everything else passes through. */
function counting(db: Db): Counted {
  const seen: string[] = []
  const transactions = { n: 0 }
  const wrap = (q: Queryable, onStatement?: (sql: string) => void): Queryable =>
    Object.assign(Object.create(q) as Queryable, {
      query: (sql: string, params?: readonly unknown[], options?: QueryOptions) => {
        seen.push(sql.replace(/\s+/g, ' ').trim().slice(0, 90))
        onStatement?.(sql)
        return q.query(sql, params, options)
      },
    })
  const counted: Db = Object.assign(wrap(db) as Db, {
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => {
      let ours = false
      const mark = (sql: string) => {
        if (ours || BACKGROUND.test(sql)) return
        ours = true
        transactions.n++
      }
      return db.transaction((tx) => fn(wrap(tx, mark)))
    },
  })
  return { db: counted, seen, transactions }
}

for (const dialect of testDialects()) {
  describe(`a progress report's statements (${dialect})`, () => {
    let t: TestApp
    let seen: string[]
    let transactions: { n: number }
    let liaison: string
    let task: string

    beforeAll(async () => {
      const raw = await freshDb(dialect)
      const c = counting(raw)
      seen = c.seen
      transactions = c.transactions
      let now = new Date('2026-03-02T09:00:00+08:00')
      const clock: TestClock = { now: () => new Date(now.getTime()), set: (at) => void (now = new Date(at)), advance: (ms) => void (now = new Date(now.getTime() + ms)) }
      let n = 0
      const deps: AppDeps = { db: c.db, clock, newId: () => `id-${String(++n).padStart(6, '0')}` }
      const app = await buildServer(deps)
      await app.ready()
      t = {
        app,
        deps,
        db: c.db,
        clock,
        async login(username, password) {
          const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
          return (res.json() as { token: string }).token
        },
        seedUsers: () => Promise.reject(new Error('not used')),
        async close() {
          await app.close()
          await raw.close()
        },
      }
      await seedDemoCity(t)
      const supervisor = await loginDemo(t, 'supervisor')
      await confirmSample(t, supervisor)
      // 保障食品药品安全: lead 市市场监管局, whose liaison (sjj) takes it up.
      task = (await call(t, supervisor, 'GET', `/api/items?q=${encodeURIComponent('保障食品药品安全')}`)).json().items[0].id as string
      liaison = await loginDemo(t, 'sjj')
      const accepted = await call(t, liaison, 'POST', `/api/items/${task}/accept`, {})
      expect(accepted.statusCode, accepted.body).toBe(200)
    }, 180_000)
    afterAll(async () => t?.close())

    const report = (text: string) => call(t, liaison, 'POST', `/api/items/${task}/reports`, { text })

    it('costs one statement once warm and no transaction: no session, scope, calendar or item read', async () => {
      await report('warm-up: session, scope and calendar loaded once')
      seen.length = 0
      transactions.n = 0
      const res = await report('第二次进展')
      expect(res.statusCode, res.body).toBe(200)
      const shown = seen.filter((q) => !BACKGROUND.test(q))
      console.log(`[${dialect}] ${shown.length} statements per progress report, ${transactions.n} transactions (BEGIN/COMMIT):\n  ${shown.join('\n  ')}`)
      // Before the lean write path it was 10 (+ BEGIN/COMMIT): session, unit subtree, item, calendar_year, report,
      // item update, event, audit, item again, its units. Then the item read and one statement of its own
      // (writeEventRows); now the item is kept by the process since the last event on it (event-item-cache.ts).
      expect(shown).toHaveLength(1)
      expect(shown[0]).toMatch(/^WITH u AS \( UPDATE item SET/)
      expect(transactions.n).toBe(0)
      expect(shown.filter((q) => /user_session|WITH RECURSIVE|calendar_year/.test(q))).toEqual([])
    })

    it('answers an event with the item exactly as a later read shows it', async () => {
      const res = await report('第三次进展')
      expect(res.statusCode, res.body).toBe(200)
      const answer = res.json()
      const detail = (await call(t, liaison, 'GET', `/api/items/${task}`)).json()
      for (const k of ['id', 'number', 'kind', 'state', 'stateLabel', 'stateType', 'title', 'planId', 'dueDate', 'overdue', 'units', 'version', 'updatedAt', 'data', 'closedAt', 'availableEvents']) {
        expect(answer[k], k).toEqual(detail[k])
      }
      expect(detail.reports.at(-1)).toEqual(answer.report)
      expect(detail.events.at(-1)).toEqual(answer.event)
    })

    it('sends a 催办 to the lead unit in one statement and no transaction: its rows with the notification', async () => {
      const supervisor = await loginDemo(t, 'supervisor')
      const remind = () => call(t, supervisor, 'POST', `/api/items/${task}/events`, { event: 'remind', payload: { text: '请加快进度' } })
      expect((await remind()).statusCode).toBe(200)
      seen.length = 0
      transactions.n = 0
      const res = await remind()
      expect(res.statusCode, res.body).toBe(200)
      const shown = seen.filter((q) => !BACKGROUND.test(q))
      console.log(`[${dialect}] ${shown.length} statements per 催办, ${transactions.n} transactions (BEGIN/COMMIT):\n  ${shown.join('\n  ')}`)
      // The lead unit came with the item read (item_unit joined to unit): no `SELECT id FROM unit` (4 statements before).
      // Its notification is written by the event's own statement (3 statements in a transaction before: the item,
      // its rows, the notification), and the item was kept from the last event on it.
      expect(shown.filter((q) => /FROM unit WHERE/.test(q))).toEqual([])
      expect(shown).toHaveLength(1)
      expect(transactions.n).toBe(0)
      // The notification as the notify handler writes it in a transaction (insertNotification): keyed by the version.
      const version = res.json().version as number
      const lead = (res.json().units as { unitId: string; role: string }[]).find((u) => u.role === 'lead')?.unitId
      const { rows } = await t.db.query<Record<string, unknown>>(
        `SELECT dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at FROM notification WHERE item_id = $1 AND dedupe_key LIKE $2`,
        [task, `${task}:v${version}:%`],
      )
      expect(rows.map((r) => ({ ...r, created_at: new Date(r.created_at as string).toISOString() }))).toEqual([
        {
          dedupe_key: `${task}:v${version}:remind@unit:${lead}`,
          user_id: null,
          unit_id: lead,
          role: null,
          item_id: task,
          type: 'item.remind',
          title: expect.stringMatching(/^催办：\S+ 保障食品药品安全/),
          body: '请加快进度',
          created_at: t.clock.now().toISOString(),
        },
      ])
      const inbox = (await call(t, liaison, 'GET', '/api/notifications')).json()
      const items = (Array.isArray(inbox) ? inbox : inbox.items) as { type: string; itemId: string }[]
      expect(items.filter((x) => x.type === 'item.remind' && x.itemId === task).length).toBeGreaterThanOrEqual(2)
    })

    it('takes a 签收 of a task with one lead in two statements and no transaction: the item, then its rows', async () => {
      // A task no event was taken on in this process (as in peer's accept load: each task accepted once), so it is read.
      const { rows } = await t.db.query<{ id: string; username: string }>(
        `SELECT i.id, a.username FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead'
           JOIN app_user a ON a.unit_id = u.unit_id AND a.role = 'unit_liaison' AND a.active
          WHERE i.kind = 'task' AND i.state = 'dispatched' AND i.id <> $1 ORDER BY i.number LIMIT 1`,
        [task],
      )
      const other = rows[0]!
      const token = await loginDemo(t, other.username)
      expect((await call(t, token, 'GET', '/api/notifications')).statusCode).toBe(200) // its session and scope, once
      seen.length = 0
      transactions.n = 0
      const res = await call(t, token, 'POST', `/api/items/${other.id}/events`, { event: 'accept' })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().state).toBe('accepted')
      const shown = seen.filter((q) => !BACKGROUND.test(q))
      console.log(`[${dialect}] ${shown.length} statements per 签收, ${transactions.n} transactions (BEGIN/COMMIT):\n  ${shown.join('\n  ')}`)
      // The item read says whether its work is shared (item_share, several leads): with one lead no read of
      // item_share (3 statements before), and the supervisor's notification goes with the event's rows.
      expect(shown.filter((q) => /FROM item_share/.test(q) && !/^SELECT i\.id/.test(q))).toEqual([])
      expect(shown).toHaveLength(2)
      expect(shown[1]).toMatch(/^WITH u AS \( UPDATE item SET/)
      expect(transactions.n).toBe(0)
    })

    it('answers a reassignment with the new units', async () => {
      // The units are read again after an event replaced them (the last test: the task leaves this liaison).
      const supervisor = await loginDemo(t, 'supervisor')
      const res = await call(t, supervisor, 'POST', `/api/items/${task}/events`, { event: 'reassign', payload: { lead: 'ql', reason: '改由属地办理' } })
      expect(res.statusCode, res.body).toBe(200)
      const detail = (await call(t, supervisor, 'GET', `/api/items/${task}`)).json()
      expect(res.json().units).toEqual(detail.units)
      expect(detail.units.filter((u: { role: string }) => u.role === 'lead').map((u: { unitId: string }) => u.unitId)).toEqual(['ql'])
    })
  })
}
