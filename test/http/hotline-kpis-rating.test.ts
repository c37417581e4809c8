/**
 * 满意率 counts the requester's own rating (市民评价, POST /api/public/tickets/rating) as well as the centre's 回访
 * (migration 199, docs/tickets.md "12345 KPIs"): per ticket one vote as of asOf, the latest reply round's, the 回访
 * winning within a round; 解决率 stays the 回访's. Over HTTP (GET /api/hotline/kpis) on every test dialect, from the rows
 * (a period off China midnights), the counters' deltas and their folded day and month rows alike.
 *
 * February 2026, read in March:
 *   A (市场监管局 sjj): replied 02-06, the requester rates 不满意 02-07, no 回访 → counts 不满意.
 *   B (sjj): replied 02-10, 回访 满意 02-11, the requester rates 不满意 02-12 → the 回访 wins (same round): 满意.
 *   C (东湖区 dh): replied 02-13, the requester rates 满意 02-14, 回访 不满意 02-15 → the 回访 wins: 不满意.
 *   D (sjj): replied 02-17, 回访 不满意 02-18, 重办, replied 02-19, the requester rates 满意 02-20 → the later round's
 *      rating replaces the first 回访 for 满意率 (满意) but not for 解决率 (the 回访's 未解决 stays).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maintainHotlineKpiCounters, ticketFactsOf } from '../../src/app/tickets/hotline-kpis.ts'
import { hotlineUnitKpis } from '../../src/domain/kpi/hotline.formulas.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

interface Rate { numerator: number; denominator: number; value: number | null }
interface Board { units: { unitId: string; satisfaction: Rate; resolution: Rate; followUps: number }[]; trend: { followUps: number; satisfied: number }[] }

for (const dialect of testDialects()) {
  describe(`满意率 counts the requester's own rating beside the 回访 (${dialect})`, () => {
    let t: TestApp
    let operator: string
    const tokens = new Map<string, string>()
    const token = async (user: string): Promise<string> => {
      if (!tokens.has(user)) tokens.set(user, user === 'operator' ? operator : await t.login(user))
      return tokens.get(user)!
    }
    const board = async (query: string): Promise<Board> => {
      const res = await t.app.inject({ method: 'GET', url: `/api/hotline/kpis?${query}`, headers: { authorization: `Bearer ${operator}` } })
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as Board
    }
    const at = (day: string, hour = '10'): string => `2026-02-${day}T${hour}:00:00+08:00`
    const event = async (id: string, user: string, when: string, name: string, payload: Record<string, unknown> = {}): Promise<void> => {
      t.clock.set(when)
      const res = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/events`, headers: { authorization: `Bearer ${await token(user)}` }, payload: { event: name, payload } })
      expect(res.statusCode, res.body).toBe(200)
    }
    const rate = async (number: string, phone: string, when: string, rating: string): Promise<void> => {
      t.clock.set(when)
      const res = await t.app.inject({ method: 'POST', url: '/api/public/tickets/rating', payload: { number, phone, rating } })
      expect(res.statusCode, res.body).toBe(200)
    }
    /** A ticket received, dispatched to `lead`, accepted and replied on `day` (its phone: one per ticket). */
    const replied = async (n: number, lead: string, day: string): Promise<{ id: string; number: string; phone: string }> => {
      const phone = `1381234567${n}`
      t.clock.set(at(day, '08'))
      const res = await t.app.inject({
        method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` },
        payload: { requestType: 'complaint', categoryCode: CATEGORY.stalls, urgency: 'normal', requesterPhone: phone, address: '江滨路', content: '占道经营', dispatch: { lead } },
      })
      expect(res.statusCode, res.body).toBe(201)
      const { id, number } = res.json() as { id: string; number: string }
      await event(id, `liaison-${lead}`, at(day, '09'), 'accept')
      await event(id, `liaison-${lead}`, at(day, '10'), 'reply', { text: '已处理' })
      return { id, number, phone }
    }
    const figure = (b: Board) =>
      Object.fromEntries(b.units.filter((u) => u.satisfaction.denominator > 0 || u.resolution.denominator > 0).map((u) => [u.unitId, {
        satisfaction: `${u.satisfaction.numerator}/${u.satisfaction.denominator}`, resolution: `${u.resolution.numerator}/${u.resolution.denominator}`,
      }]))

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      // Signed in at the reading time, so the sessions outlast the February the test moves the clock through.
      t.clock.set('2026-03-02T09:00:00+08:00')
      operator = await operatorToken(t)
      for (const user of ['liaison-sjj', 'liaison-dh']) await token(user)
      const a = await replied(1, 'sjj', '06')
      await rate(a.number, a.phone, at('07'), 'unsatisfied')
      const b = await replied(2, 'sjj', '10')
      await event(b.id, 'operator', at('11'), 'follow_up', { rating: 'satisfied', resolved: true })
      await rate(b.number, b.phone, at('12'), 'unsatisfied')
      const c = await replied(3, 'dh', '13')
      await rate(c.number, c.phone, at('14'), 'satisfied')
      await event(c.id, 'operator', at('15'), 'follow_up', { rating: 'unsatisfied', resolved: false })
      const d = await replied(4, 'sjj', '17')
      await event(d.id, 'operator', at('18'), 'follow_up', { rating: 'unsatisfied', resolved: false })
      await event(d.id, 'operator', at('18', '11'), 'reopen')
      await event(d.id, 'liaison-sjj', at('19'), 'reply', { text: '已再次处理' })
      await rate(d.number, d.phone, at('20'), 'satisfied')
      t.clock.set('2026-03-02T09:00:00+08:00')
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    /** The same period from the rows (starting a second after midnight: no event then) and from the counters. */
    const both = async (from: string, to: string) => {
      const rows = figure(await board(`from=${from}T00:00:01%2B08:00&to=${to}`))
      const counters = figure(await board(`from=${from}&to=${to}`))
      expect(counters).toEqual(rows)
      // The pure formulas (hotlineUnitKpis, the SQL's twin) over the captured facts and ratings give the same votes.
      const period = { from: new Date(`${from}T00:00:01+08:00`).toISOString(), to: new Date(`${to}T00:00:00+08:00`).toISOString() }
      const pure = hotlineUnitKpis(await ticketFactsOf(t.db, period), period, period.to)
      expect(figure({ units: pure, trend: [] })).toEqual(rows)
      return rows
    }

    const checks = async (): Promise<void> => {
      // Before A's rating: nothing rated. With it: A's 不满意 counts (no 回访 was made).
      expect(await both('2026-02-01', '2026-02-07')).toEqual({})
      expect(await both('2026-02-01', '2026-02-08')).toEqual({ sjj: { satisfaction: '0/1', resolution: '0/0' } })
      // B: the 回访 wins over the requester's later rating of the same reply.
      expect(await both('2026-02-09', '2026-02-13')).toEqual({ sjj: { satisfaction: '1/1', resolution: '1/1' } })
      // C: the requester's 满意 counts until the 回访 of the same reply, which then wins; a finished period keeps it.
      expect(await both('2026-02-13', '2026-02-15')).toEqual({ dh: { satisfaction: '1/1', resolution: '0/0' } })
      expect(await both('2026-02-13', '2026-02-16')).toEqual({ dh: { satisfaction: '0/1', resolution: '0/1' } })
      // D: the first round's 回访 counts until the requester rates the second reply; 解决率 keeps the 回访.
      expect(await both('2026-02-16', '2026-02-20')).toEqual({ sjj: { satisfaction: '0/1', resolution: '0/1' } })
      expect(await both('2026-02-16', '2026-02-21')).toEqual({ sjj: { satisfaction: '1/1', resolution: '0/1' } })
      // The month: sjj A 不满意, B 满意, D 满意; dh C 不满意. 解决率 from the 回访 alone: B 解决, D 未解决; C 未解决.
      expect(await both('2026-02-01', '2026-03-01')).toEqual({ sjj: { satisfaction: '2/3', resolution: '1/2' }, dh: { satisfaction: '0/1', resolution: '0/1' } })
      // The trend and followUps still count the 回访 made, not the requesters' ratings.
      const month = await board('from=2026-02-01&to=2026-03-01&groupBy=month')
      expect(month.trend.reduce((n, x) => n + x.followUps, 0)).toBe(3)
      expect(month.trend.reduce((n, x) => n + x.satisfied, 0)).toBe(1)
      expect(month.units.find((u) => u.unitId === 'sjj')?.followUps).toBe(2)
    }

    it('counts each ticket once: the latest round\'s vote, the 回访 winning within a round, from the rows and the deltas', async () => {
      await checks()
    }, 120_000)

    it('gives the same figures from the folded day and month rows and after the counters are rebuilt', async () => {
      const r = await maintainHotlineKpiCounters(t.deps)
      expect(r.folded).toBeGreaterThan(0)
      await checks()
      await t.db.query(`UPDATE hotline_kpi_state SET stale = true WHERE id = 1`)
      await maintainHotlineKpiCounters(t.deps)
      await checks()
    }, 180_000)

    it("fills migration 199's rating columns set-based as its former loop did (each rating inserted again in its order through the triggers)", async () => {
      // Two more ratings (of later replies, inserted as rows): A's first rating is then ended by the next one; B's
      // first (not counting: B's 回访 came after its reply) is never ended by one.
      await t.db.query(
        `INSERT INTO ticket_citizen_rating (item_id, reply_at, rating, comment, rated_at)
         SELECT item_id, rated_at + interval '2 hours', 'satisfied', NULL, rated_at + interval '1 day' FROM ticket_citizen_rating WHERE item_id IN ($1, $2)`,
        [...(await t.db.query<{ item_id: string }>(`SELECT item_id FROM ticket WHERE requester_phone IN ('13812345671', '13812345672') ORDER BY requester_phone`)).rows.map((r) => r.item_id)],
      )
      const cols = `item_id, reply_at, unit_id, active, ended_at, prev_unit, prev_at, prev_rated, prev_satisfied`
      const setBased = (await t.db.query(`SELECT ${cols} FROM hotline_rating_columns() ORDER BY item_id, reply_at`)).rows
      await t.db.query(`CREATE TEMP TABLE rating_again AS SELECT item_id, reply_at, rating, comment, rated_at FROM ticket_citizen_rating`)
      await t.db.query(`DELETE FROM ticket_citizen_rating`)
      await t.db.query(`DO $$
        DECLARE r record;
        BEGIN
          FOR r IN SELECT * FROM rating_again ORDER BY rated_at, item_id LOOP
            INSERT INTO ticket_citizen_rating (item_id, reply_at, rating, comment, rated_at) VALUES (r.item_id, r.reply_at, r.rating, r.comment, r.rated_at);
          END LOOP;
        END $$`)
      const looped = (await t.db.query(`SELECT ${cols} FROM ticket_citizen_rating ORDER BY item_id, reply_at`)).rows
      expect(setBased).toHaveLength(6)
      expect(setBased).toEqual(looped)
      // Both branches of ended_at are met: a counting rating ended by the next, a not counting one never so.
      expect(looped.filter((r) => (r as { active: boolean }).active && (r as { ended_at: unknown }).ended_at !== null).length).toBeGreaterThan(0)
      expect(looped.some((r) => !(r as { active: boolean }).active)).toBe(true)
    })
  })
}
