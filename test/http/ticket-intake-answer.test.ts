/**
 * Ticket intake answers with the ticket as it was written, without reading it back (receive-ticket.ts builds the
 * answer from what the transaction stored): the answer of POST /api/tickets, with dispatch, cooperating units, an
 * attachment and a place, is what GET /api/tickets/:id then reads — on both databases. A unit added or a category
 * retired in this process is seen by the next intake at once (intake-lookups.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { retireCategory, saveCategory } from '../../src/app/tickets/catalogue.ts'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

const body = {
  requestType: 'complaint',
  categoryCode: CATEGORY.rubbish,
  urgency: 'normal',
  requesterName: '王五',
  requesterPhone: '13700002222',
  address: '东湖区江滨路8号',
  placeUnitId: 'dh-jb',
  content: '江滨路8号的垃圾桶满了没人清运，\n气味很大。',
  attachments: [{ name: '现场.txt', mime: 'text/plain', contentBase64: Buffer.from('现场照片说明').toString('base64') }],
  dispatch: { lead: 'sjj', cooperating: ['wjw'] },
}

for (const dialect of testDialects()) {
  describe(`ticket intake answer (${dialect})`, () => {
    let t: TestApp
    let operator: string
    const post = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` }, payload })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
    }, 300_000)
    afterAll(async () => t?.close())

    // Callers, places and asks that repeat nothing: the intake job (duplicates) changes neither ticket meanwhile.
    it('answers with what GET then reads back', async () => {
      for (const payload of [body, { ...body, dispatch: undefined, attachments: undefined, placeUnitId: undefined, requestType: 'help', requesterPhone: '13700003333', address: '西山县人民路2号', content: '想问一下大件垃圾怎么预约清运' }]) {
        const res = await post(payload)
        expect(res.statusCode, res.body).toBe(201)
        const answer = res.json()
        const got = await t.app.inject({ method: 'GET', url: `/api/tickets/${answer.id}`, headers: { authorization: `Bearer ${operator}` } })
        expect(got.statusCode).toBe(200)
        expect(answer).toEqual(got.json())
        expect(answer.number).toMatch(/^GD-2026-\d{6}$/)
      }
    })

    it('sees a unit added and a category retired in this process at the next intake', async () => {
      expect((await post({ ...body, dispatch: { lead: 'new-dept' } })).statusCode).toBe(400)
      await saveUnit(t.deps, null, { id: 'new-dept', name: '新设部门', parentId: 'city', level: 'department', function: '其他' })
      const ok = await post({ ...body, dispatch: { lead: 'new-dept' } })
      expect(ok.statusCode, ok.body).toBe(201)
      expect(ok.json().lead).toEqual({ id: 'new-dept', name: '新设部门' })
      await saveCategory(t.deps, null, { code: '03.02.09', name: '临时类别' })
      expect((await post({ ...body, categoryCode: '03.02.09' })).statusCode).toBe(201)
      await retireCategory(t.deps, null, '03.02.09')
      const refused = await post({ ...body, categoryCode: '03.02.09' })
      expect([refused.statusCode, refused.json().error.where]).toEqual([400, 'categoryCode'])
    })
  })
}
