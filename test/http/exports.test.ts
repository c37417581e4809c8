import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEDGER_COLUMNS } from '../../src/app/exports/ledger.xlsx.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertMayTable } from './assessment-fixture.ts'
import { docxText } from '../support/docx-text.ts'

for (const dialect of testDialects()) {
  describe(`exports (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}
    const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await insertMayTable(t.db)
      t.clock.set('2026-06-03T09:00:00+08:00')
      for (const u of ['supervisor', 'leader', 'liaison-sjj']) tokens[u] = await t.login(u)
    })
    afterAll(async () => t.close())

    it('writes the May bulletin as a .docx with title, figures, ranking, 红黑榜 and overdue items', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/exports/bulletin.docx?period=2026-05', headers: auth('leader') })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toContain('wordprocessingml')
      expect(res.headers['content-disposition']).toContain("filename*=UTF-8''")
      const text = await docxText(res.rawPayload)
      const lines = text.split('\n')
      // 文号 first (the prefix derived from the top unit 青川市 until an admin sets one), then the title.
      expect(lines[0]).toBe('青督通〔2026〕1号')
      expect(lines[1]).toBe('关于5月份重点工作督办情况的通报')
      // 落款 and the date of issue, last.
      expect(lines.slice(-2)).toEqual(['青川市人民政府督查室', '2026年6月3日'])
      expect(text).toContain('截至2026年5月31日，纳入督办的重点工作共6项，2026年5月应办结4项，已办结3项，按时办结率40.0%，逾期未办结2项。')
      // ranking table rows, cell by cell
      const rank1 = lines.indexOf('青川市卫生健康委员会')
      expect(lines.slice(rank1 - 1, rank1 + 7)).toEqual(['1', '青川市卫生健康委员会', '2', '100.0%', '0', '100.0%', '0.0%', '80.00'])
      const rank2 = lines.indexOf('青川市市场监督管理局')
      expect(lines.slice(rank2 - 1, rank2 + 7)).toEqual(['2', '青川市市场监督管理局', '3', '33.3%', '1', '66.7%', '100.0%', '54.67'])
      expect(text).toContain('红榜（按时办结、无逾期）：青川市卫生健康委员会。')
      expect(text).toContain('黑榜（存在逾期未办结事项）：青川市市场监督管理局（逾期1项）、东湖区（逾期1项）。')
      // The lists agree with the table: every 红榜 unit's row shows 100.0% on time and 0 overdue; no unit is on both.
      const red = /红榜（按时办结、无逾期）：(.*)。/.exec(text)![1]!.split('、')
      for (const unit of red) {
        const at = lines.indexOf(unit)
        expect(lines[at + 2], unit).toBe('100.0%')
        expect(lines[at + 3], unit).toBe('0')
        expect(text).not.toContain(`${unit}（逾期`)
      }
      // overdue items, longest first, with lead units
      const c2 = lines.indexOf('老旧小区改造')
      expect(lines.slice(c2 - 2, c2 + 4)).toEqual(['1', expect.stringContaining('C2'), '老旧小区改造', '东湖区', '2026-04-30', '31'])
      const a3 = lines.indexOf('市场主体培育')
      expect(lines.slice(a3 - 2, a3 + 4)).toEqual(['2', expect.stringContaining('A3'), '市场主体培育', '青川市市场监督管理局', '2026-05-29', '2'])
      expect(text).not.toContain('已撤销任务')
    })

    it('keeps a period’s 通报 number once issued, and numbers the next period’s after it', async () => {
      const again = await docxText((await t.app.inject({ method: 'GET', url: '/api/exports/bulletin.docx?period=2026-05', headers: auth('supervisor') })).rawPayload)
      expect(again.split('\n')[0]).toBe('青督通〔2026〕1号')
      const april = await docxText((await t.app.inject({ method: 'GET', url: '/api/exports/bulletin.docx?period=2026-04', headers: auth('supervisor') })).rawPayload)
      expect(april.split('\n')[0]).toBe('青督通〔2026〕2号')
    })

    it('writes the ledger as an .xlsx with the agreed columns, frozen header and widths', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/exports/ledger.xlsx', headers: auth('supervisor') })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toContain('spreadsheetml')
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
      const ws = wb.getWorksheet('台账')!
      expect(ws.getRow(1).values).toEqual([undefined, '序号', '编号', '任务', '牵头单位', '责任单位', '配合单位', '完成时限', '目标', '进展', '状态', '是否逾期'])
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
      expect(ws.columns.map((c) => c.width)).toEqual(LEDGER_COLUMNS.map((c) => c.width))
      const rows = ws.getRows(2, ws.rowCount - 1)!.map((row) => (row.values as unknown[]).slice(1))
      // 编号 is each task's number as the screen shows it (the fixture's items are numbered by their ids).
      const numbers = (await t.db.query<{ number: string }>("SELECT number FROM item WHERE kind = 'task' ORDER BY number")).rows.map((r) => r.number)
      expect(rows.map((v) => v[1])).toEqual(numbers)
      expect(rows.map((v) => [v[0], v[2], v[3], v[6], v[9], v[10]])).toEqual([
        [1, '优化营商环境', '青川市市场监督管理局', '2026-05-15', '已报办结', '否'],
        [2, '食品安全抽检', '青川市市场监督管理局', '2026-05-20', '已报办结', '是'],
        [3, '市场主体培育', '青川市市场监督管理局', '2026-05-29', '办理中', '是'],
        [4, '基层医疗能力提升', '青川市卫生健康委员会', '2026-05-10', '已报办结', '否'],
        [5, '爱国卫生运动', '青川市卫生健康委员会', '2026-06-30', '办理中', '否'],
        [6, '已撤销任务', '东湖区', '2026-05-31', '已撤销', '否'],
        [7, '老旧小区改造', '东湖区', '2026-04-30', '办理中', '是'],
      ])
      expect(rows[0]!.slice(4, 6)).toEqual(['东湖区', '青川市卫生健康委员会'])
      expect(rows[0]![7]).toBe('办理时限压缩 ≥ 50；网办率 ≥ 90')
      expect(rows[2]![8]).toBe('本月推进情况')
    })

    it('is refused to unit liaisons and to a malformed period', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/exports/ledger.xlsx', headers: auth('liaison-sjj') })).statusCode).toBe(403)
      const bad = await t.app.inject({ method: 'GET', url: '/api/exports/bulletin.docx?period=May', headers: auth('leader') })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error.code).toBe('DUBAN_ERR_ASSESSMENT_PERIOD')
    })
  })
}
