/**
 * A district's 通报 is the district's (发文机关 by area), on every test dialect: a 东湖区 supervisor whose data scope
 * is 东湖区 downloads a 通报 signed 东湖区人民政府督查室 and numbered 东湖督通〔2026〕1号 from the district's own counter,
 * while the city's 通报 of the same period stays 青督通〔2026〕1号 with the city's 落款; a leader whose 分管 units lie
 * in no one district gets the city's; a 督办通知单 is numbered in its issuer's office's series (东湖督办〔2026〕1号 beside the
 * city's 督办〔2026〕1号) and signed by that office, kept on the notice. An admin lists every office and sets an area's
 * own; a clashing prefix, a unit that is not an area, a blank field or another role change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../src/app/users/manage-users.ts'
import { docxText } from '../support/docx-text.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

for (const dialect of testDialects()) {
  describe(`issuing offices by area: a district's 通报 (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const call = (who: string, method: string, url: string, payload?: unknown) =>
      t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
    /** The 通报's 文号 (first line) and 落款 (second to last). */
    const heading = async (who: string, period: string): Promise<{ number: string; office: string }> => {
      const res = await call(who, 'GET', `/api/exports/bulletin.docx?period=${period}&kind=task`)
      expect(res.statusCode, res.body).toBe(200)
      const lines = (await docxText(res.rawPayload)).split('\n')
      return { number: lines[0]!, office: lines.at(-2)! }
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      const ids = await t.seedUsers()
      await insertItem(t.db, { id: 'D1', title: '江滨街道背街小巷整治', due: '2026-05-12', lead: 'dh-jb', createdAt: '2026-04-01T09:00:00+08:00' })
      await insertItem(t.db, { id: 'S1', title: '食品安全抽检', due: '2026-05-20', lead: 'sjj', createdAt: '2026-04-01T09:00:00+08:00' })
      t.clock.set('2026-06-03T09:00:00+08:00')
      const district = (await createUser(t.deps, null, { username: 'district', displayName: '东湖区督查室', password: TEST_PASSWORD, role: 'supervisor', unitId: 'dh' })).id
      const fenguan = (await createUser(t.deps, null, { username: 'fenguan', displayName: '分管副市长', password: TEST_PASSWORD, role: 'leader', unitId: null })).id
      for (const u of ['admin', 'supervisor', 'district', 'fenguan']) tokens[u] = await t.login(u)
      expect((await call('admin', 'PUT', `/api/users/${district}/scope`, { mode: 'subtree' })).statusCode).toBe(200)
      expect((await call('admin', 'PUT', `/api/users/${fenguan}/scope`, { mode: 'charge', unitIds: ['xs', 'dh'] })).statusCode).toBe(200)
      expect(ids['admin']).toBeTruthy()
    }, 300_000)
    afterAll(async () => t?.close())

    it('lists every office for the admin: the top first, then each district, derived until set', async () => {
      const res = await call('admin', 'GET', '/api/office/areas')
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toEqual([
        { unit: { id: 'city', name: '青川市', level: 'city' }, top: true, issuingOffice: '青川市人民政府督查室', bulletinPrefix: '青督通', noticePrefix: '督办', noticePrefixSet: false, configured: false },
        { unit: { id: 'dh', name: '东湖区', level: 'district' }, top: false, issuingOffice: '东湖区人民政府督查室', bulletinPrefix: '东湖督通', noticePrefix: '东湖督办', noticePrefixSet: false, configured: false },
        { unit: { id: 'xs', name: '西山县', level: 'district' }, top: false, issuingOffice: '西山县人民政府督查室', bulletinPrefix: '西山督通', noticePrefix: '西山督办', noticePrefixSet: false, configured: false },
      ])
      expect((await call('supervisor', 'GET', '/api/office/areas')).statusCode).toBe(403)
    })

    it("numbers and signs a district supervisor's 通报 by the district, apart from the city's", async () => {
      // What the 考核 page tells each reader before the download.
      expect((await call('district', 'GET', '/api/office/bulletin')).json()).toEqual({ office: 'dh', issuingOffice: '东湖区人民政府督查室', bulletinPrefix: '东湖督通', noticePrefix: '东湖督办', noticePrefixSet: false, configured: false })
      expect((await call('fenguan', 'GET', '/api/office/bulletin')).json()).toEqual({ office: '', issuingOffice: '青川市人民政府督查室', bulletinPrefix: '青督通', noticePrefix: '督办', noticePrefixSet: false, configured: false })
      expect(await heading('district', '2026-05')).toEqual({ number: '东湖督通〔2026〕1号', office: '东湖区人民政府督查室' })
      // The city's own counter is untouched by the district's: its first 通报 of the year is its 1号.
      expect(await heading('supervisor', '2026-05')).toEqual({ number: '青督通〔2026〕1号', office: '青川市人民政府督查室' })
      // 分管 units in two districts lie in no one area below the city: the city's 通报, with its number.
      expect(await heading('fenguan', '2026-05')).toEqual({ number: '青督通〔2026〕1号', office: '青川市人民政府督查室' })
      // Kept once issued; the district's next period is its 2号.
      expect((await heading('district', '2026-05')).number).toBe('东湖督通〔2026〕1号')
      expect((await heading('district', '2026-04')).number).toBe('东湖督通〔2026〕2号')
      expect((await heading('supervisor', '2026-04')).number).toBe('青督通〔2026〕2号')
    })

    it("numbers a district supervisor's 督办通知单 in the district's series and signs it so, the city's in the city's", async () => {
      /** The document's 文号 (first line) and 落款 (second to last). */
      const document = async (who: string, id: string): Promise<{ number: string; office: string }> => {
        const res = await call(who, 'GET', `/api/supervision/notices/${id}/document`)
        expect(res.statusCode, res.body).toBe(200)
        const lines = (await docxText(res.rawPayload)).split('\n')
        return { number: lines.find((l) => l.includes('〔'))!, office: lines.at(-2)! }
      }
      const issue = async (who: string, reason: string) => {
        const res = await call(who, 'POST', '/api/supervision/notices', { itemId: 'D1', reason, replyWorkingDays: 3 })
        expect(res.statusCode, res.body).toBe(201)
        return res.json() as { id: string; number: string; office: string }
      }
      const byDistrict = await issue('district', '整治进度滞后')
      const byCity = await issue('supervisor', '市督查室督办')
      const again = await issue('district', '仍未整改到位')
      // Each office counts its own: the district's first two, the city's first, none taking the other's numbers.
      expect([byDistrict, byCity, again].map((n) => [n.number, n.office])).toEqual([['东湖督办〔2026〕1号', 'dh'], ['督办〔2026〕1号', ''], ['东湖督办〔2026〕2号', 'dh']])
      // Whoever reads it: the issuing office signs it.
      expect(await document('supervisor', byDistrict.id)).toEqual({ number: '东湖督办〔2026〕1号', office: '东湖区人民政府督查室' })
      expect(await document('district', byCity.id)).toEqual({ number: '督办〔2026〕1号', office: '青川市人民政府督查室' })
      // The office is the notice's own: the issuer given the whole city later does not re-sign what the district sent.
      const district = (await t.db.query<{ id: string }>("SELECT id FROM app_user WHERE username = 'district'")).rows[0]!.id
      expect((await call('admin', 'PUT', `/api/users/${district}/scope`, { mode: 'all' })).statusCode).toBe(200)
      expect((await document('district', again.id)).office).toBe('东湖区人民政府督查室')
      expect((await issue('district', '全市督办')).number).toBe('督办〔2026〕2号')
      expect((await call('admin', 'PUT', `/api/users/${district}/scope`, { mode: 'subtree' })).statusCode).toBe(200)
      expect((await issue('district', '再次督办')).number).toBe('东湖督办〔2026〕3号')
    })

    it("refuses a clashing prefix, a unit that is no area, a blank field and another role, changing nothing", async () => {
      const before = (await call('admin', 'GET', '/api/office/areas')).json()
      const clash = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix: '青督通' })
      expect(clash.statusCode, clash.body).toBe(409)
      expect(clash.json().error).toMatchObject({ code: 'DUBAN_ERR_OFFICE_PREFIX_CONFLICT', where: 'bulletinPrefix', messageZh: '该文号前缀已被其他发文机关使用（通报文号前缀）' })
      const topClash = await call('admin', 'PUT', '/api/office', { issuingOffice: '青川市人民政府督查室', bulletinPrefix: '西山督通' })
      expect(topClash.statusCode, topClash.body).toBe(409)
      // 西山 would print 西山督办〔2026〕n号, 西山县's notices (from 西山督通); 督通 the city's 督办〔2026〕n号.
      for (const bulletinPrefix of ['西山', '督通']) {
        const noticeClash = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix })
        expect(noticeClash.statusCode, noticeClash.body).toBe(409)
        expect(noticeClash.json().error).toMatchObject({ code: 'DUBAN_ERR_OFFICE_PREFIX_CONFLICT', where: 'bulletinPrefix' })
      }
      const department = await call('admin', 'PUT', '/api/office/areas/sjj', { issuingOffice: '市场监管局', bulletinPrefix: '市监通' })
      expect(department.statusCode, department.body).toBe(404)
      expect(department.json().error).toMatchObject({ where: 'unitId' })
      expect((await call('admin', 'PUT', '/api/office/areas/nowhere', { issuingOffice: '某区督查室', bulletinPrefix: '某督通' })).statusCode).toBe(404)
      const blank = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: ' ', bulletinPrefix: '东督通' })
      expect(blank.statusCode).toBe(400)
      expect(blank.json().error).toMatchObject({ where: 'issuingOffice' })
      expect((await call('district', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix: '东督通' })).statusCode).toBe(403)
      expect((await call('admin', 'GET', '/api/office/areas')).json()).toEqual(before)
      expect((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'office.area.save'")).rows).toHaveLength(0)
    })

    it("takes an admin's setting for the district (audited) and for the top through its unit", async () => {
      const set = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区人民政府办公室督查科', bulletinPrefix: '东督通' })
      expect(set.statusCode, set.body).toBe(200)
      expect(set.json()).toEqual({ unit: { id: 'dh', name: '东湖区', level: 'district' }, top: false, issuingOffice: '东湖区人民政府办公室督查科', bulletinPrefix: '东督通', noticePrefix: '东督办', noticePrefixSet: false, configured: true })
      // Numbers already issued stay; the next is the district's 3号 under the new prefix, signed by the new 落款.
      expect((await heading('district', '2026-05')).number).toBe('东湖督通〔2026〕1号')
      expect(await heading('district', '2026-03')).toEqual({ number: '东督通〔2026〕3号', office: '东湖区人民政府办公室督查科' })
      const top = await call('admin', 'PUT', '/api/office/areas/city', { issuingOffice: '青川市人民政府督查室', bulletinPrefix: '青督' })
      expect(top.statusCode, top.body).toBe(200)
      expect((await call('supervisor', 'GET', '/api/office')).json()).toEqual({ issuingOffice: '青川市人民政府督查室', bulletinPrefix: '青督', noticePrefix: '督办', noticePrefixSet: false, configured: true })
      expect((await heading('supervisor', '2026-03')).number).toBe('青督〔2026〕3号')
      // The district's next 督办通知单 takes the new prefix and 落款, its series going on (东湖督办 1–3号 before).
      const notice = await call('district', 'POST', '/api/supervision/notices', { itemId: 'D1', reason: '限期整改', replyWorkingDays: 3 })
      expect(notice.statusCode, notice.body).toBe(201)
      expect(notice.json().number).toBe('东督办〔2026〕4号')
      const audit = await t.db.query<{ action: string; entity_id: string }>("SELECT action, entity_id FROM audit_log WHERE entity IN ('area_office', 'office_profile') ORDER BY seq")
      expect(audit.rows.map((r) => [r.action, r.entity_id])).toEqual([['office.area.save', 'dh'], ['office.profile.save', '1']])
    })

    it("numbers an office's notices under a 督办通知单 prefix of its own, set apart from the 通报's, its series going on", async () => {
      const own = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区人民政府办公室督查科', bulletinPrefix: '东督通', noticePrefix: ' 东督字 ' })
      expect(own.statusCode, own.body).toBe(200)
      expect(own.json()).toMatchObject({ bulletinPrefix: '东督通', noticePrefix: '东督字', noticePrefixSet: true })
      expect((await call('district', 'GET', '/api/office/bulletin')).json()).toMatchObject({ office: 'dh', bulletinPrefix: '东督通', noticePrefix: '东督字', noticePrefixSet: true })
      const notice = await call('district', 'POST', '/api/supervision/notices', { itemId: 'D1', reason: '逾期未报', replyWorkingDays: 3 })
      expect(notice.statusCode, notice.body).toBe(201)
      expect(notice.json().number).toBe('东督字〔2026〕5号')
      // The 通报 keeps its own prefix.
      expect((await heading('district', '2026-02')).number).toBe('东督通〔2026〕4号')
      // The top's too: the city's notices after 督办〔2026〕2号.
      const top = await call('admin', 'PUT', '/api/office', { issuingOffice: '青川市人民政府督查室', bulletinPrefix: '青督', noticePrefix: '青督办' })
      expect(top.statusCode, top.body).toBe(200)
      expect(top.json()).toEqual({ issuingOffice: '青川市人民政府督查室', bulletinPrefix: '青督', noticePrefix: '青督办', noticePrefixSet: true, configured: true })
      const city = await call('supervisor', 'POST', '/api/supervision/notices', { itemId: 'S1', reason: '逾期未报', replyWorkingDays: 3 })
      expect(city.statusCode, city.body).toBe(201)
      expect(city.json().number).toBe('青督办〔2026〕3号')

      // Refused, changing nothing: its own 通报 prefix (a notice and a 通报 would print one number), another office's
      // 通报 or 督办通知单 prefix, one too long.
      const before = (await call('admin', 'GET', '/api/office/areas')).json()
      const same = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix: '东督通', noticePrefix: '东督通' })
      expect(same.statusCode, same.body).toBe(400)
      expect(same.json().error).toMatchObject({ code: 'DUBAN_ERR_VALIDATION', where: 'noticePrefix' })
      for (const noticePrefix of ['西山督通', '西山督办', '青督办', '青督']) {
        const clash = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix: '东督通', noticePrefix })
        expect(clash.statusCode, `${noticePrefix}: ${clash.body}`).toBe(409)
        expect(clash.json().error).toMatchObject({ code: 'DUBAN_ERR_OFFICE_PREFIX_CONFLICT', where: 'noticePrefix', messageZh: '该文号前缀已被其他发文机关使用（督办通知单文号前缀）' })
      }
      // A district's 通报 prefix may not be what the top prints on its notices either.
      const bulletinClash = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix: '青督办' })
      expect(bulletinClash.statusCode, bulletinClash.body).toBe(409)
      expect(bulletinClash.json().error).toMatchObject({ where: 'bulletinPrefix' })
      const long = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix: '东督通', noticePrefix: '东'.repeat(13) })
      expect(long.statusCode).toBe(400)
      // A 文号 prefix is characters, letters and digits: the number follows it.
      for (const [field, value] of [['noticePrefix', '东督〔字'], ['noticePrefix', '东督\n字'], ['bulletinPrefix', '东督 通'], ['bulletinPrefix', '东督通号〕']]) {
        const bad = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区政府督查室', bulletinPrefix: '东督通', [field!]: value })
        expect(bad.statusCode, `${field} ${value}: ${bad.body}`).toBe(400)
        expect(bad.json().error).toMatchObject({ code: 'DUBAN_ERR_VALIDATION', where: field })
      }
      expect((await call('admin', 'GET', '/api/office/areas')).json()).toEqual(before)

      // Cleared (null or ''), it follows the 通报 prefix again: 东督通 → 东督办, the series going on.
      const cleared = await call('admin', 'PUT', '/api/office/areas/dh', { issuingOffice: '东湖区人民政府办公室督查科', bulletinPrefix: '东督通', noticePrefix: '' })
      expect(cleared.json()).toMatchObject({ noticePrefix: '东督办', noticePrefixSet: false })
      const again = await call('district', 'POST', '/api/supervision/notices', { itemId: 'D1', reason: '再次督办', replyWorkingDays: 3 })
      expect(again.json().number).toBe('东督办〔2026〕6号')
      const audit = await t.db.query<{ after: unknown }>("SELECT after FROM audit_log WHERE action = 'office.area.save' ORDER BY seq")
      expect(audit.rows.map((r) => (typeof r.after === 'string' ? JSON.parse(r.after) : r.after).noticePrefix)).toEqual([null, '东督字', null])
    })
  })
}
