/**
 * 12345 KPIs end to end, on every test dialect.
 *
 * 1. The SQL twin: the hand-computed tickets of src/domain/kpi/hotline.fixture.ts are written as items and
 *    item_event rows (each event after the item's snapshot was set as the engine would leave it), so the
 *    trigger of migration 051 fills hotline_event; the set-based SQL (unitKpisSql) must give exactly what the
 *    pure formulas give, for November as of its end, for a running November, and for October.
 * 2. Problem tickets are raised to supervision once, with one notification to the supervisor role.
 * 3. Over HTTP: an operator receives seven tickets in March 2026 (`POST /api/tickets`), units 市场监管局 (A,
 *    sjj) and 卫健委 (B, wjw) act on them (`POST /api/tickets/:id/events`) as the test clock moves, and
 *    `GET /api/hotline/kpis?from=2026-03-01&to=2026-04-01` asked on 04-02 (asOf = 04-01 00:00) must show the
 *    figures worked out by hand below. Limits (normal tier): accept 2 working hours, respond 24 working hours,
 *    handle 5 working days (the category's own). Working hours are office periods of working days (09:00–12:00,
 *    13:30–17:30: 7 h a day, calendar.load.ts → working-hours.rules.ts): 2 h from 09:00 is due 11:00, 24 h from
 *    09:00 three working days later at 12:00; a working-day limit is due at the end of its last day. Every event
 *    is put well to one side of its due.
 *    (Dues below are as the snapshots recorded them.)
 *
 *   K1 A  03-02 09:00 dispatched; accepted 09:30 ✓ (due 03-02 11:00); contact 10:00 ✓ (due 03-05 12:00); reply 03-04 ✓
 *         (due 03-09 end); follow-up satisfied, solved; closed
 *   K2 A  03-03 09:00; accepted 03-04 14:00 ✗ (due 03-03 11:00); reply 03-04 15:00 answers the respond clock ✓ (due 03-06
 *         12:00), on time (due 03-10 end); follow-up 03-05 unsatisfied, not solved → reopened 11:00 (due 03-12 end);
 *         reply 03-20 ✗; follow-up 03-23 basically satisfied, solved
 *   K3 A→B 03-09 09:00 to A; A returns 09:30 (inside its limits: not counted); reassigned to B 10:00; B accepts 10:30 ✓,
 *         contacts 11:00 ✓, never replies (due 03-16 end): open and overdue at asOf ✗ for B
 *   K4 B  03-16 09:00; never accepted: accept ✗ (due 03-16 11:00), respond ✗ (03-19 12:00), handling ✗ (03-23 end)
 *   K5 B  03-30 16:00; accepted 03-31 09:00 ✓ (due 03-31 09:30); respond (04-03) and handling (04-07) due in April: not counted
 *   K6 —  03-31 10:00 a 咨询 answered on the call (answer_directly): received, never dispatched
 *   K7 A→B→A 03-24 09:00 to A; A returns 09:15; to B 09:30; B returns 09:45; back to A 10:00 and nothing more: A's last
 *         accept run ✗ (due 03-24 12:00), respond run ✗ (03-27 14:30), handling ✗ (03-31 end, one second before asOf);
 *         a problem ticket (2 reassignments, no accept)
 *
 *   A: dispatches 5 (K1 K2 K3 K7 K7), volume 4; returns 2 → 回退率 2/5; 按时签收 K1✓ K2✗ K7✗ = 1/3; 响应 K1✓ K2✓ K7✗ = 2/3;
 *      按时办结 replies K1✓ K2✓ K2✗ + open K7✗ = 2/4; 满意 2/3; 解决 2/3; 发回重办 1/3
 *   B: dispatches 4 (K3 K4 K5 K7), volume 4; returns 1 → 1/4; 按时签收 K3✓ K4✗ K5✓ = 2/3; 响应 K3✓ K4✗ = 1/2;
 *      按时办结 0 replies + open K3✗ K4✗ = 0/2; 满意, 解决, 发回重办 null (no follow-up)
 *   totals: received 7, volume 6 (K1–K5, K7); 按时签收 3/6, 按时办结 2/6
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { problemFlagsOf, raiseProblemTickets, ticketFactsOf, unitKpisSql } from '../../src/app/tickets/hotline-kpis.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { hotlineUnitKpis, type TicketFacts } from '../../src/domain/kpi/hotline.formulas.ts'
import { AS_OF, FIXTURE, NOV, t } from '../../src/domain/kpi/hotline.fixture.ts'
import { freshDb, testDialects } from '../support/test-db.ts'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { TEST_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts'

/** Writes a fixture ticket as an item whose snapshot, before each item_event insert, is what the engine would hold. */
async function load(db: Db, tickets: readonly TicketFacts[]): Promise<void> {
  let n = 0
  for (const tk of tickets) {
    n++
    await db.query(
      `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot) VALUES ($1, $2, 'ticket', 1, 'received', 'open', $3, '{}')`,
      [tk.itemId, `GD-2026-${String(n).padStart(6, '0')}`, `工单 ${tk.itemId}`],
    )
    const counters = { reopens: 0, reassignments: 0 }
    let state = 'received'
    for (const e of tk.events) {
      if (e.event === 'reopen') counters.reopens++
      if (e.event === 'reassign') counters.reassignments++
      const clock = (due: string | null, running = true) => (due ? { startedAt: e.at, dueAt: due, stoppedAt: running ? null : e.at } : undefined)
      const snapshot = {
        kind: 'ticket', kindVersion: '1', state: e.event, counters: { ...counters }, data: { lead: e.unitId },
        clocks: { accept: clock(e.acceptDueAt), respond: clock(e.respondDueAt), handle: clock(e.handleDueAt, e.handleRunning) },
      }
      await db.query(`UPDATE item SET snapshot = $2, state = $3 WHERE id = $1`, [tk.itemId, JSON.stringify(snapshot), e.event])
      await db.query(
        `INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, payload, at) VALUES ($1, $2, $3, $4, 'operator', $5, $6)`,
        [tk.itemId, e.event, state, e.event, JSON.stringify(e.event === 'follow_up' ? { rating: e.rating, ...(e.resolved === null ? {} : { resolved: e.resolved }) } : {}), e.at],
      )
      state = e.event
    }
    if (tk.events.at(-1)?.event === 'close') await db.query(`UPDATE item SET state_type = 'closed' WHERE id = $1`, [tk.itemId])
  }
}

const byUnit = <T extends { unitId: string }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => (a.unitId < b.unitId ? -1 : 1))
const strip = <T extends { unitName?: string }>(rows: readonly T[]): Omit<T, 'unitName'>[] => rows.map(({ unitName: _n, ...rest }) => rest)

for (const dialect of testDialects()) {
  describe(`12345 KPIs: SQL twin of the formulas (${dialect})`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await load(db, FIXTURE)
    })
    afterAll(async () => {
      await db?.close()
    })

    it('the trigger keeps one hotline_event row per ticket event, with the clocks as they stood', async () => {
      const facts = await ticketFactsOf(db, NOV)
      expect(facts.length).toBe(FIXTURE.length)
      const t3 = facts.find((f) => f.itemId === 'T3')!
      const src = FIXTURE.find((f) => f.itemId === 'T3')!
      expect(t3.events.map((e) => [e.event, e.unitId, e.acceptDueAt, e.handleRunning])).toEqual(
        src.events.map((e) => [e.event, e.unitId, new Date(e.acceptDueAt!).toISOString(), e.handleRunning]),
      )
    })

    it.each([
      ['November as of its end', NOV, AS_OF],
      ['November while running (as of 11-20 10:00)', NOV, t('11-20 10:00')],
      ['October', { from: t('10-01 00:00'), to: t('11-01 00:00') }, t('11-01 00:00')],
      ['one day, 11-25', { from: t('11-25 00:00'), to: t('11-26 00:00') }, t('11-26 00:00')],
    ])('SQL equals the pure formulas: %s', async (_name, period, asOf) => {
      const sql = await unitKpisSql(db, period, asOf)
      expect(byUnit(strip(sql))).toEqual(byUnit(hotlineUnitKpis(FIXTURE, period, asOf)))
    })

    it('gives the hand-computed November figures', async () => {
      const sql = await unitKpisSql(db, NOV, AS_OF)
      const A = sql.find((u) => u.unitId === 'A')!
      const B = sql.find((u) => u.unitId === 'B')!
      // Arithmetic in src/domain/kpi/hotline.formulas.test.ts.
      expect([A.onTimeAcceptance.numerator, A.onTimeAcceptance.denominator, A.response.numerator, A.response.denominator]).toEqual([3, 6, 1, 5])
      expect([A.onTimeCompletion.numerator, A.onTimeCompletion.denominator, A.returnRate.numerator, A.returnRate.denominator]).toEqual([3, 4, 3, 7])
      expect([B.onTimeAcceptance.numerator, B.onTimeAcceptance.denominator, B.onTimeCompletion.numerator, B.onTimeCompletion.denominator]).toEqual([2, 3, 1, 3])
    })

    it('raises the open problem ticket (T11, passed around twice) once, telling the supervisor role once', async () => {
      const deps: AppDeps = { db, clock: { now: () => new Date(t('11-26 09:00')) }, newId: (() => { let i = 0; return () => `kpi-${++i}` })() }
      expect(await raiseProblemTickets(deps)).toBe(1)
      expect(await raiseProblemTickets(deps)).toBe(0)
      const { rows } = await db.query<{ item_id: string; reason: string; reassignments: number }>(`SELECT item_id, reason, reassignments FROM hotline_problem`)
      expect(rows).toEqual([{ item_id: 'T11', reason: 'passed_around', reassignments: 2 }])
      const notes = await db.query<{ role: string; item_id: string; type: string }>(`SELECT role, item_id, type FROM notification WHERE type = 'ticket.problem'`)
      expect(notes.rows).toEqual([{ role: 'supervisor', item_id: 'T11', type: 'ticket.problem' }])
      expect([...(await problemFlagsOf(db, ['T3', 'T11']))]).toEqual([['T11', { reason: 'passed_around', raisedAt: new Date(t('11-26 09:00')).toISOString() }]])
    })
  })
}

type Rate = { numerator: number; denominator: number; value: number | null }
const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator })
const at = (mmdd: string, hhmm: string): string => `2026-${mmdd}T${hhmm}:00+08:00`

for (const dialect of testDialects()) {
  describe(`12345 KPIs over HTTP, March 2026 (${dialect})`, () => {
    let t: TestApp
    const token: Record<string, string> = {}
    const ids: Record<string, string> = {}
    let kpis: Record<string, any>

    const signedAt: Record<string, number> = {}
    /** A bearer token for the user, signed in again whenever the clock has moved (sessions last 12 hours). */
    const bearer = async (who: string): Promise<string> => {
      const now = t.clock.now().getTime()
      if (!token[who] || signedAt[who] !== now) {
        token[who] = await t.login(who)
        signedAt[who] = now
      }
      return token[who]!
    }
    const send = async (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${await bearer(who)}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) })
      if (res.statusCode >= 300) throw new Error(`${who} ${method} ${url} ${JSON.stringify(payload)} → ${res.statusCode} ${res.body}`)
      return res.json() as Record<string, any>
    }
    const receive = async (key: string, when: string, body: Record<string, unknown>) => {
      t.clock.set(when)
      const view = await send('operator', 'POST', '/api/tickets', { requestType: 'complaint', urgency: 'normal', requesterName: '张三', requesterPhone: '13812345678', ...body })
      ids[key] = view.id as string
    }
    const event = async (who: string, key: string, when: string, ev: string, payload: Record<string, unknown> = {}) => {
      t.clock.set(when)
      await send(who, 'POST', `/api/tickets/${ids[key]}/events`, { event: ev, payload })
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      await createUser(t.deps, null, { username: 'liaison-wjw', displayName: '卫健委联络员', password: TEST_PASSWORD, role: 'unit_liaison', unitId: 'wjw' })
      // A small catalogue: 城乡建设 › 市容环境 › 占道经营 / 噪音扰民, five working days to handle a normal ticket.
      await t.db.query(
        `INSERT INTO service_category (code, version, parent_code, level, name, time_limits, function) VALUES
          ('01', 1, NULL, 1, '城乡建设', '{"normal": {"unit": "working_days", "amount": 5}}', NULL),
          ('01.01', 1, '01', 2, '市容环境', NULL, NULL),
          ('01.01.01', 1, '01.01', 3, '占道经营', NULL, '市场监管'),
          ('01.01.02', 1, '01.01', 3, '噪音扰民', NULL, '卫生健康')`,
      )
      const A = 'liaison-sjj'
      const B = 'liaison-wjw'
      const OP = 'operator'
      const street = { categoryCode: '01.01.01', placeUnitId: 'dh-jb', address: '江滨路1号', content: '门口占道经营，影响通行。' }
      const noise = { categoryCode: '01.01.02', content: '夜间施工噪音扰民。' }

      await receive('K1', at('03-02', '09:00'), { ...street, dispatch: { lead: 'sjj' } })
      await event(A, 'K1', at('03-02', '09:30'), 'accept')
      await event(A, 'K1', at('03-02', '10:00'), 'contact', { text: '已电话联系诉求人' })

      await receive('K2', at('03-03', '09:00'), { ...street, dispatch: { lead: 'sjj' } })
      await event(A, 'K1', at('03-04', '10:00'), 'reply', { text: '已劝离占道摊点。' })
      await event(A, 'K2', at('03-04', '14:00'), 'accept')
      await event(A, 'K2', at('03-04', '15:00'), 'reply', { text: '已处理。' })
      await event(OP, 'K1', at('03-05', '10:00'), 'follow_up', { rating: 'satisfied', resolved: true })
      await event(OP, 'K2', at('03-05', '10:00'), 'follow_up', { rating: 'unsatisfied', resolved: false })
      await event(OP, 'K2', at('03-05', '11:00'), 'reopen')
      await event(OP, 'K1', at('03-05', '11:00'), 'close')

      await receive('K3', at('03-09', '09:00'), { ...street, dispatch: { lead: 'sjj' } })
      await event(A, 'K3', at('03-09', '09:30'), 'return', { reason: '非本单位职责' })
      await event(OP, 'K3', at('03-09', '10:00'), 'reassign', { lead: 'wjw' })
      await event(B, 'K3', at('03-09', '10:30'), 'accept')
      await event(B, 'K3', at('03-09', '11:00'), 'contact')

      await receive('K4', at('03-16', '09:00'), { ...noise, placeUnitId: 'dh', dispatch: { lead: 'wjw' } })
      await event(A, 'K2', at('03-20', '10:00'), 'reply', { text: '已再次处理。' })
      await event(OP, 'K2', at('03-23', '10:00'), 'follow_up', { rating: 'basically_satisfied', resolved: true })

      await receive('K7', at('03-24', '09:00'), { ...street, dispatch: { lead: 'sjj' } })
      await event(A, 'K7', at('03-24', '09:15'), 'return', { reason: '非本单位职责' })
      await event(OP, 'K7', at('03-24', '09:30'), 'reassign', { lead: 'wjw' })
      await event(B, 'K7', at('03-24', '09:45'), 'return', { reason: '非本单位职责' })
      await event(OP, 'K7', at('03-24', '10:00'), 'reassign', { lead: 'sjj' })

      await receive('K5', at('03-30', '16:00'), { ...noise, dispatch: { lead: 'wjw' } })
      await event(B, 'K5', at('03-31', '09:00'), 'accept')
      await receive('K6', at('03-31', '10:00'), { ...noise, requestType: 'consultation', content: '咨询噪音投诉渠道。' })
      await event(OP, 'K6', at('03-31', '10:05'), 'answer_directly', { text: '可拨打12345或在网站提交。' })

      t.clock.set(at('04-02', '09:00'))
      kpis = await send('leader', 'GET', '/api/hotline/kpis?from=2026-03-01&to=2026-04-01&groupBy=day')
      if (process.env.KPI_DEBUG) console.log(JSON.stringify((await t.db.query(`SELECT item_id, event, at, unit_id, accept_due, respond_due, handle_due, handle_running FROM hotline_event ORDER BY seq`)).rows, null, 0).replaceAll('},{', '}\n{'))
    }, 120_000)
    afterAll(async () => {
      await t?.close()
    })

    it('is assessed as of the end of March', () => {
      expect(kpis.asOf).toBe(new Date(at('04-01', '00:00')).toISOString())
      expect(kpis.period).toEqual({ from: new Date(at('03-01', '00:00')).toISOString(), to: new Date(at('04-01', '00:00')).toISOString() })
    })

    it('gives unit A (市场监管局) the hand-computed figures', () => {
      const A = kpis.units.find((u: { unitId: string }) => u.unitId === 'sjj')
      expect({ volume: A.volume, dispatches: A.dispatches, returns: A.returns, replies: A.replies, followUps: A.followUps, reopens: A.reopens }).toEqual({ volume: 4, dispatches: 5, returns: 2, replies: 3, followUps: 3, reopens: 1 })
      expect(A.returnRate).toEqual(rate(2, 5))
      expect(A.onTimeAcceptance).toEqual(rate(1, 3))
      expect(A.response).toEqual(rate(2, 3))
      expect(A.onTimeCompletion).toEqual(rate(2, 4))
      // One 回访 per ticket, the latest: K2's 03-05 不满意 / 未解决 is replaced by its 03-23 基本满意 / 已解决.
      expect(A.satisfaction).toEqual(rate(2, 2))
      expect(A.resolution).toEqual(rate(2, 2))
      expect(A.reopenRate).toEqual(rate(1, 3)) // ÷ its 3 replies
    })

    it('counts a 回访 replaced only after a period ended in that period (its figures never change)', async () => {
      const early = await send('leader', 'GET', '/api/hotline/kpis?from=2026-03-01&to=2026-03-10')
      const A = early.units.find((u: { unitId: string }) => u.unitId === 'sjj')
      expect([A.followUps, A.satisfaction, A.resolution]).toEqual([2, rate(1, 2), rate(1, 2)])
    })

    it('gives unit B (卫健委) the hand-computed figures', () => {
      const B = kpis.units.find((u: { unitId: string }) => u.unitId === 'wjw')
      expect({ volume: B.volume, dispatches: B.dispatches, returns: B.returns, replies: B.replies, followUps: B.followUps }).toEqual({ volume: 4, dispatches: 4, returns: 1, replies: 0, followUps: 0 })
      expect(B.returnRate).toEqual(rate(1, 4))
      expect(B.onTimeAcceptance).toEqual(rate(2, 3))
      expect(B.response).toEqual(rate(1, 2))
      expect(B.onTimeCompletion).toEqual(rate(0, 2))
      expect([B.satisfaction, B.resolution, B.reopenRate]).toEqual([rate(0, 0), rate(0, 0), rate(0, 0)])
      expect(kpis.units.map((u: { unitId: string }) => u.unitId).sort()).toEqual(['sjj', 'wjw'])
    })

    it('the pure formulas over the captured facts give the same per-unit figures as the SQL', async () => {
      const period = { from: kpis.period.from as string, to: kpis.period.to as string }
      const pure = hotlineUnitKpis(await ticketFactsOf(t.db, period), period, kpis.asOf as string)
      expect(byUnit(strip(kpis.units as { unitId: string; unitName: string }[]))).toEqual(byUnit(pure))
    })

    it('totals: 7 received, 6 dispatched, rates from summed counts', () => {
      expect(kpis.totals.received).toBe(7)
      expect(kpis.totals.volume).toBe(6)
      expect(kpis.totals.onTimeAcceptance).toEqual(rate(3, 6))
      expect(kpis.totals.onTimeCompletion).toEqual(rate(2, 6))
      expect(kpis.totals.returnRate).toEqual(rate(3, 9))
    })

    it('trend, categories, places and hot topics', () => {
      const day = (d: string) => kpis.trend.find((b: { bucket: string }) => b.bucket === d)
      // 03-24: K7 received and dispatched, reassigned twice, returned twice.
      expect(day('2026-03-24')).toMatchObject({ received: 1, dispatched: 3, returns: 2 })
      // 03-05: K1 and K2 followed up (one satisfied), K2 reopened.
      expect(day('2026-03-05')).toMatchObject({ followUps: 2, satisfied: 1, reopens: 1 })
      expect(kpis.trend.reduce((n: number, b: { received: number }) => n + b.received, 0)).toBe(7)
      // 占道经营 K1 K2 K3 K7, 噪音扰民 K4 K5 K6; both under 城乡建设 › 市容环境.
      expect(kpis.categories.map((c: { code: string; count: number }) => [c.code, c.count])).toEqual([['01', 7], ['01.01', 7]])
      expect(kpis.hotTopics.categories.map((h: { key: string; count: number; previous: number; path: string[] }) => [h.key, h.count, h.previous, h.path.join('›')])).toEqual([
        ['01.01.01', 4, 0, '城乡建设›市容环境›占道经营'],
        ['01.01.02', 3, 0, '城乡建设›市容环境›噪音扰民'],
      ])
      // Places: K1 K2 K3 K7 in 江滨街道 (东湖区), K4 in 东湖区 itself; K5 and K6 without a place.
      expect(kpis.places.map((p: { unitId: string; level: string; count: number }) => [p.unitId, p.level, p.count])).toEqual([['dh', 'district', 5], ['dh-jb', 'township', 4]])
      expect(kpis.hotTopics.places.map((h: { key: string; count: number }) => [h.key, h.count])).toEqual([['dh-jb', 4], ['dh', 1]])
    })

    it('lists K7 as a problem ticket; the supervision tick raises it once and tells the supervisor', async () => {
      expect(kpis.problemTickets.map((p: { itemId: string; reason: string; reassignments: number; unitId: string; raisedAt: string | null }) => [p.itemId, p.reason, p.reassignments, p.unitId, p.raisedAt])).toEqual([
        [ids['K7'], 'passed_around', 2, 'sjj', null],
      ])
      await superviseTick(t.deps, new Date(at('04-02', '09:00')))
      await superviseTick(t.deps, new Date(at('04-02', '10:00')))
      const { rows } = await t.db.query<{ item_id: string; role: string }>(`SELECT item_id, role FROM notification WHERE type = 'ticket.problem'`)
      expect(rows).toEqual([{ item_id: ids['K7'], role: 'supervisor' }])
      const again = await send('supervisor', 'GET', '/api/hotline/kpis?from=2026-03-01&to=2026-04-01')
      expect(again.problemTickets[0].raisedAt).toBe(new Date(at('04-02', '09:00')).toISOString())
      // The March figures did not move with the tick's April events.
      expect(again.units).toEqual(kpis.units)
    })

    it('is for leaders, supervisors, admins and operators only', async () => {
      for (const who of ['supervisor', 'admin', 'operator']) expect((await send(who, 'GET', '/api/hotline/kpis?from=2026-03-01&to=2026-04-01')).totals.received).toBe(7)
      const res = await t.app.inject({ method: 'GET', url: '/api/hotline/kpis', headers: { authorization: `Bearer ${await bearer('liaison-sjj')}` } })
      expect(res.statusCode).toBe(403)
      const bad = await t.app.inject({ method: 'GET', url: '/api/hotline/kpis?from=2026-04-01&to=2026-03-01', headers: { authorization: `Bearer ${await bearer('leader')}` } })
      expect(bad.statusCode).toBe(400)
    })
  })
}
