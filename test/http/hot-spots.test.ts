/**
 * Hot spots (未诉先办) over HTTP on every test dialect: tickets of one street and category rising over their baseline
 * are flagged by the supervision tick and by GET /api/hotspots, with the tickets behind them; operators, supervisors
 * and the unit leading the tickets are told once; a steady place is not flagged; a later detection extends the same
 * hot spot; a unit liaison sees only hot spots of its place or tickets; an operator an admin gave a data scope sees only
 * the hot spots with a ticket in it, with those tickets only, and the answer (and the KPI board's) names the scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

interface HotSpot {
  id: string
  placeUnitId: string
  placeName: string
  categoryCode: string
  categoryName: string
  recentCount: number
  baselineCount: number
  expected: number
  ratio: number
  tickets: { id: string; number: string; leadUnitName: string | null }[]
}
interface Answer {
  hotSpots: HotSpot[]
  scope: { unitIds: string[]; names: string[] } | null
  run: { found: number; created: number; updated: number; notified: number }
}

for (const dialect of testDialects()) {
  describe(`hot spots 未诉先办 (${dialect})`, () => {
    let t: TestApp
    let operator: string
    const recent: string[] = []
    const get = async (token: string | null, url: string) => t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })
    const hotSpots = async (token: string): Promise<Answer> => {
      const res = await get(token, '/api/hotspots')
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as Answer
    }
    const receive = async (at: string, placeUnitId: string, categoryCode: string, content: string, lead?: string): Promise<string> => {
      t.clock.set(at)
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/tickets',
        headers: { authorization: `Bearer ${operator}` },
        payload: { requestType: 'complaint', categoryCode, urgency: 'normal', requesterPhone: '13812345678', address: '江滨路', placeUnitId, content, ...(lead ? { dispatch: { lead } } : {}) },
      })
      expect(res.statusCode, res.body).toBe(201)
      return (res.json() as { id: string }).id
    }
    const hotspotNotes = async () =>
      (await t.db.query<{ role: string | null; unit_id: string | null }>(`SELECT role, unit_id FROM notification WHERE type = 'hotspot.detected' ORDER BY role, unit_id`)).rows

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      await createUser(t.deps, null, { username: 'liaison-wjw', displayName: '卫健联络员', password: TEST_PASSWORD, role: 'unit_liaison', unitId: 'wjw' })
      // 江滨街道, 垃圾清运: 2 in the baseline (28 days before the last 7), then 5 in the last 7 days, led by 市场监管局.
      for (const d of ['2026-02-05', '2026-02-12']) await receive(`${d}T10:00:00+08:00`, 'dh-jb', CATEGORY.rubbish, '垃圾没人清运')
      for (const d of ['2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28']) recent.push(await receive(`${d}T10:00:00+08:00`, 'dh-jb', CATEGORY.rubbish, '小区垃圾堆积发臭', 'sjj'))
      // 西山县, 占道经营: busy but steady — 12 in the baseline (3 a week), 5 in the last 7 days.
      for (let i = 0; i < 12; i++) await receive(`2026-02-${String(1 + i).padStart(2, '0')}T11:00:00+08:00`, 'xs', CATEGORY.stalls, '路边占道经营')
      for (const d of ['2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28']) await receive(`${d}T11:00:00+08:00`, 'xs', CATEGORY.stalls, '路边占道经营')
      t.clock.set('2026-03-02T09:00:00+08:00')
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    it('the supervision tick flags the rising street and category and tells the centre and the leading unit once', async () => {
      await superviseTick(t.deps, t.clock.now())
      const { rows } = await t.db.query<{ place_unit_id: string; category_code: string; recent_count: number; baseline_count: number }>(
        `SELECT place_unit_id, category_code, recent_count, baseline_count FROM hot_spot`,
      )
      expect(rows.map((r) => ({ ...r, recent_count: Number(r.recent_count), baseline_count: Number(r.baseline_count) }))).toEqual([
        { place_unit_id: 'dh-jb', category_code: CATEGORY.rubbish, recent_count: 5, baseline_count: 2 },
      ])
      expect(await hotspotNotes()).toEqual([
        { role: 'operator', unit_id: null },
        { role: 'supervisor', unit_id: null },
        { role: null, unit_id: 'sjj' },
      ])
      const sjj = await t.login('liaison-sjj')
      const inbox = (await get(sjj, '/api/notifications')).json() as { type: string; title: string }[]
      expect(inbox.find((n) => n.type === 'hotspot.detected')?.title).toBe('未诉先办：江滨街道「垃圾清运」近7天5件，是此前同期的5倍')
    })

    it('GET /api/hotspots lists it with the tickets behind it, and detecting again tells no one again', async () => {
      const a = await hotSpots(operator)
      expect(a.run).toEqual({ found: 1, created: 0, updated: 1, notified: 0 })
      expect(a.hotSpots).toHaveLength(1)
      expect(a.hotSpots[0]).toMatchObject({ placeUnitId: 'dh-jb', placeName: '江滨街道', categoryName: '垃圾清运', recentCount: 5, baselineCount: 2, expected: 0.5, ratio: 5 })
      expect(a.hotSpots[0]!.tickets.map((x) => x.id)).toEqual(recent)
      expect(a.hotSpots[0]!.tickets[0]!.leadUnitName).toBe('青川市市场监督管理局')
      expect(await hotspotNotes()).toHaveLength(3)
    })

    it('a later ticket extends the same hot spot', async () => {
      const more = await receive('2026-03-02T10:00:00+08:00', 'dh-jb', CATEGORY.rubbish, '垃圾桶满了', 'sjj')
      t.clock.set('2026-03-02T11:00:00+08:00')
      const a = await hotSpots(operator)
      expect(a.hotSpots).toHaveLength(1)
      expect(a.hotSpots[0]).toMatchObject({ recentCount: 6 })
      expect(a.hotSpots[0]!.tickets.map((x) => x.id)).toEqual([...recent, more])
      expect(await hotspotNotes()).toHaveLength(3)
    })

    it('shows a unit liaison only hot spots of its place or its tickets, and refuses anyone not signed in', async () => {
      expect((await hotSpots(await t.login('liaison-sjj'))).hotSpots).toHaveLength(1)
      expect((await hotSpots(await t.login('liaison-jb'))).hotSpots).toHaveLength(1)
      expect((await hotSpots(await t.login('liaison-wjw'))).hotSpots).toHaveLength(0)
      expect((await get(null, '/api/hotspots')).statusCode).toBe(401)
    })

    it('shows an operator an admin gave a scope only the hot spots with a ticket in it, with those tickets only; without one, all', async () => {
      // One more 垃圾清运 ticket of 江滨街道, led by 卫健委: the hot spot now holds tickets of two lead units.
      const wjwTicket = await receive('2026-03-02T10:30:00+08:00', 'dh-jb', CATEGORY.rubbish, '垃圾堆旁有医疗废物', 'wjw')
      t.clock.set('2026-03-02T11:30:00+08:00')
      const fzx = await createUser(t.deps, null, { username: 'operator-fzx', displayName: '分中心话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
      const token = await t.login('operator-fzx')
      const admin = await t.login('admin')
      const setScope = async (body: Record<string, unknown>) => {
        const res = await t.app.inject({ method: 'PUT', url: `/api/users/${fzx.id}/scope`, headers: { authorization: `Bearer ${admin}` }, payload: body })
        expect(res.statusCode, res.body).toBe(200)
      }
      const seen = async () => {
        const a = await hotSpots(token)
        return { scope: a.scope, spots: a.hotSpots.map((h) => ({ place: h.placeUnitId, tickets: h.tickets.map((x) => x.id) })) }
      }
      const kpiScope = async (tok: string) => {
        const res = await get(tok, '/api/hotline/kpis?from=2026-02-01&to=2026-03-02')
        expect(res.statusCode, res.body).toBe(200)
        return (res.json() as { scope: Answer['scope'] }).scope
      }

      // Without a scope: every hot spot with every ticket, as the centre's operator sees them; no scope named.
      const all = await seen()
      expect(all.scope).toBeNull()
      expect(all.spots).toHaveLength(1)
      const every = all.spots[0]!.tickets
      expect(every).toContain(wjwTicket)
      expect(every.length).toBeGreaterThan(1)
      expect(all.spots).toEqual((await hotSpots(operator)).hotSpots.map((h) => ({ place: h.placeUnitId, tickets: h.tickets.map((x) => x.id) })))
      expect(await kpiScope(token)).toBeNull()

      // 卫健委 only: the hot spot with the one ticket 卫健委 leads.
      await setScope({ mode: 'custom', unitIds: ['wjw'] })
      expect(await seen()).toEqual({ scope: { unitIds: ['wjw'], names: ['青川市卫生健康委员会'] }, spots: [{ place: 'dh-jb', tickets: [wjwTicket] }] })
      expect(await kpiScope(token)).toEqual({ unitIds: ['wjw'], names: ['青川市卫生健康委员会'] })
      // 市场监管局 only: the same hot spot with the others.
      await setScope({ mode: 'custom', unitIds: ['sjj'] })
      expect(await seen()).toEqual({ scope: { unitIds: ['sjj'], names: ['青川市市场监督管理局'] }, spots: [{ place: 'dh-jb', tickets: every.filter((id) => id !== wjwTicket) }] })
      // 东湖区 and its streets: the place is theirs, so every ticket; the scope is named by its top unit.
      await setScope({ mode: 'custom', unitIds: ['dh', 'dh-jb'] })
      expect(await seen()).toEqual({ scope: { unitIds: ['dh', 'dh-jb'], names: ['东湖区'] }, spots: [{ place: 'dh-jb', tickets: every }] })
      // 西山县: no hot spot there nor ticket of it.
      await setScope({ mode: 'custom', unitIds: ['xs'] })
      expect(await seen()).toEqual({ scope: { unitIds: ['xs'], names: ['西山县'] }, spots: [] })
      expect(await kpiScope(token)).toEqual({ unitIds: ['xs'], names: ['西山县'] })
      // Back to the role's default: everything again.
      await setScope({ mode: 'default' })
      expect(await seen()).toEqual(all)
      // Others: the city office is not scoped; a liaison's hot spots are its unit's.
      expect(await kpiScope(await t.login('supervisor'))).toBeNull()
      expect((await hotSpots(await t.login('liaison-sjj'))).scope).toEqual({ unitIds: ['sjj'], names: ['青川市市场监督管理局'] })
    }, 120_000)
  })
}
