/**
 * Open311 duplicate proposals (issue 9 point 4) as a GeoReport client sees them, over HTTP on both databases. The
 * POST answer has no room for them and detection runs after it, so a client asks GET requests/{id} with
 * `extensions=true`: `extended_attributes` says whether detection has run (duplicate_check), the earlier requests at
 * the same place this one may repeat (possible_duplicates) and, once an operator merged it, the one it joined
 * (duplicate_of). A proposal made only for the same caller is not shown (that would tell anyone that two requests
 * came from one phone), nor anything of a 举报; without the parameter the record is the spec's, untouched.
 */
import { DOMParser } from '@xmldom/xmldom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { startTicketDesk, type TicketDesk } from './ticket-desk.fixture.ts'
import { CATEGORY } from './tickets.fixture.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }

for (const dialect of testDialects()) {
  describe(`Open311 duplicate proposals (${dialect})`, () => {
    let desk: TicketDesk
    let t: TestApp
    const numbers: Record<string, string> = {}

    beforeAll(async () => {
      desk = await startTicketDesk(dialect, { signIn: ['operator'] })
      t = desk.t
    }, 300_000)
    afterAll(() => desk?.close())

    /** Detection, as the server's worker does it within a second (a job the worker holds is waited for). */
    const settle = (): Promise<void> => desk.settle()
    const post = async (name: string, fields: Record<string, string>, query = ''): Promise<View> => {
      const form = new URLSearchParams({ service_code: CATEGORY.rubbish, 'attribute[request_type]': 'complaint', ...fields })
      const res = await t.app.inject({ method: 'POST', url: `/open311/v2/requests.json${query}`, headers: FORM, payload: form.toString() })
      expect(res.statusCode, res.body).toBe(201)
      numbers[name] = res.json()[0].service_request_id
      return res.json()[0]
    }
    const get = async (name: string, query = '?extensions=true'): Promise<View> => {
      const res = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${numbers[name]}.json${query}` })
      expect(res.statusCode, res.body).toBe(200)
      return res.json()[0]
    }
    const idOf = async (name: string): Promise<string> => (await t.db.query<{ id: string }>(`SELECT id FROM item WHERE number = $1`, [numbers[name]])).rows[0]!.id

    it('offers the earlier request at the same place once detection has run, most similar first', async () => {
      await post('first', { address_string: '东湖区湖滨路3号', description: '湖滨路3号的下水道堵了，污水漫到路上。', phone: '13900001111' })
      await settle()
      t.clock.set('2026-03-02T10:00:00+08:00')
      const answer = await post('second', { address_string: '东湖区湖滨路3号', description: '湖滨路3号下水道堵塞，污水漫到路面上了。', phone: '13700002222' }, '?extensions=true')
      // The answer says detection has not run or just has; GET tells what it found.
      expect(['pending', 'done']).toContain(answer.extended_attributes.duplicate_check)
      await settle()
      const second = await get('second')
      expect(second.extended_attributes).toMatchObject({
        duplicate_check: 'done',
        duplicate_of: null,
        possible_duplicates: [{ service_request_id: numbers.first, status: 'open', requested_datetime: '2026-03-02T09:00:00+08:00' }],
      })
      expect(second.extended_attributes.possible_duplicates[0].similarity).toBeGreaterThan(0.1)
      expect(second.extended_attributes.possible_duplicates[0].similarity).toBeLessThanOrEqual(1)
      // The earlier request repeats nothing before it.
      expect((await get('first')).extended_attributes).toEqual({ duplicate_check: 'done', duplicate_of: null, possible_duplicates: [] })
    })

    it('leaves the record as the spec has it without extensions=true, and refuses another value naming the field', async () => {
      const plain = await get('second', '')
      expect(plain).not.toHaveProperty('extended_attributes')
      expect(Object.keys(plain)).toContain('service_request_id')
      const res = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${numbers.second}.json?extensions=yes` })
      expect(res.statusCode).toBe(400)
      expect(res.json()[0].description).toMatch(/^extensions: /)
      const refused = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json?extensions=1', headers: FORM, payload: 'service_code=x' })
      expect(refused.statusCode).toBe(400)
    })

    it('gives the same in XML and on GET requests for several ids', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${numbers.second}.xml?extensions=true` })
      expect(res.statusCode).toBe(200)
      const doc = new DOMParser().parseFromString(res.body, 'text/xml')
      const ext = doc.getElementsByTagName('extended_attributes')[0]!
      expect(ext.getElementsByTagName('duplicate_check')[0]!.textContent).toBe('done')
      expect(ext.getElementsByTagName('possible_duplicate')[0]!.getElementsByTagName('service_request_id')[0]!.textContent).toBe(numbers.first)
      const list = await t.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${numbers.first},${numbers.second}&extensions=true` })
      const byId = new Map((list.json() as View[]).map((r) => [r.service_request_id, r.extended_attributes.possible_duplicates.map((p: View) => p.service_request_id)]))
      expect(Object.fromEntries(byId)).toEqual({ [numbers.first!]: [], [numbers.second!]: [numbers.first] })
    })

    it('does not show a proposal made only for the same caller elsewhere, which the operator still sees', async () => {
      t.clock.set('2026-03-02T11:00:00+08:00')
      await post('samePhone', { address_string: '西山县建设路9号', description: '下水道堵了，污水漫到路上。', phone: '13900001111' })
      await settle()
      const proposals = await desk.call('GET', `/api/tickets/${await idOf('samePhone')}/duplicates`, 'operator')
      const seen = (proposals.body.duplicates as View[]).filter((p) => p.status === 'proposed').map((p) => p.reasons)
      expect(seen).toEqual([['same_requester']])
      expect((await get('samePhone')).extended_attributes).toEqual({ duplicate_check: 'done', duplicate_of: null, possible_duplicates: [] })
    })

    it('shows nothing of a 举报, neither on its record nor as an earlier request of another', async () => {
      t.clock.set('2026-03-02T12:00:00+08:00')
      await post('report', { address_string: '东湖区湖滨路3号', description: '湖滨路3号下水道堵了，污水漫到路上，有人偷排。', phone: '13600003333', 'attribute[request_type]': 'report' })
      await settle()
      expect((await get('report')).extended_attributes).toEqual({ duplicate_check: 'done', duplicate_of: null, possible_duplicates: [] })
      t.clock.set('2026-03-02T13:00:00+08:00')
      await post('after', { address_string: '东湖区湖滨路3号', description: '湖滨路3号的下水道堵塞了，污水漫到路上。', phone: '13500004444' })
      await settle()
      const shown = (await get('after')).extended_attributes.possible_duplicates.map((p: View) => p.service_request_id)
      expect(shown).not.toContain(numbers.report)
      expect(shown).toContain(numbers.first)
    })

    it('says pending while detection waits, and duplicate_of once an operator merged the request', async () => {
      // A job not yet done (put off, as after a failure): the record says so.
      const secondId = await idOf('second')
      await t.db.query(`INSERT INTO ticket_intake_job (item_id, window_days, enqueued_at, not_before) VALUES ($1, 30, now(), now() + interval '1 hour')`, [secondId])
      expect((await get('second')).extended_attributes.duplicate_check).toBe('pending')
      await t.db.query(`DELETE FROM ticket_intake_job WHERE item_id = $1`, [secondId])
      const merged = await desk.call('POST', `/api/tickets/${secondId}/merge`, 'operator', { into: numbers.first })
      expect(merged.status, JSON.stringify(merged.body)).toBe(200)
      const second = await get('second')
      expect(second.extended_attributes).toEqual({ duplicate_check: 'done', duplicate_of: numbers.first, possible_duplicates: [] })
      expect(second.status_notes).toMatch(/并单/)
    })
  })
}
