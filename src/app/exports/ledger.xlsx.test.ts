/** The 台账 export streamed page by page gives the same workbook rows as one page, on every test dialect. */
import { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertMayTable } from '../../../test/http/assessment-fixture.ts'
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { testDialects } from '../../../test/support/test-db.ts'
import { writeLedgerXlsx } from './ledger.xlsx.ts'

async function rowsOf(t: TestApp, pageSize: number): Promise<unknown[][]> {
  const chunks: Buffer[] = []
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) })
  await writeLedgerXlsx(t.deps, sink, 'task', pageSize)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer)
  const ws = wb.getWorksheet('台账')!
  return ws.getRows(1, ws.rowCount)!.map((r) => (r.values as unknown[]).slice(1))
}

for (const dialect of testDialects()) {
  describe(`ledger export by pages (${dialect})`, () => {
    let t: TestApp
    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await insertMayTable(t.db)
      t.clock.set('2026-06-03T09:00:00+08:00')
    }, 300_000)
    afterAll(async () => t?.close())

    it('writes every item once, numbered in order, whether read 2, 3 or 1000 at a time', async () => {
      const whole = await rowsOf(t, 1000)
      expect(whole).toHaveLength(8) // header + 7 tasks
      expect(whole.slice(1).map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7])
      expect(await rowsOf(t, 2)).toEqual(whole)
      expect(await rowsOf(t, 3)).toEqual(whole)
    })
  })
}
