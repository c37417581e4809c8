/** The 台账 export streamed page by page gives the same workbook rows as one page, on every test dialect. */
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertMayTable } from '../../../test/http/assessment-fixture.ts'
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { testDialects } from '../../../test/support/test-db.ts'
import { writeLedgerXlsx } from './ledger.xlsx.ts'
import type { AppDeps } from '../deps.ts'

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

/** A database answering pageAssessedItems at once (no I/O between pages) with `total` tasks of incompressible titles. */
function fakePages(total: number, onPage: (after: string | null) => void): AppDeps {
  const num = (i: number): string => `N-${String(i).padStart(7, '0')}`
  const db = {
    async query(_sql: string, params: unknown[]) {
      const [, after, limit] = params as [string, string | null, number]
      onPage(after)
      const from = after === null ? 1 : Number(after.slice(2)) + 1
      const rows = []
      for (let i = from; i < from + limit && i <= total; i++) {
        rows.push({
          id: `id-${i}`, number: num(i), title: randomBytes(150).toString('base64'), kind: 'task', state: 'open', state_type: 'open',
          due_date: '2026-06-30', created_at: '2026-01-05T00:00:00Z', closed_at: null, data: {}, snapshot: {}, units: [], report_times: [], last_report: null,
        })
      }
      return { rows, rowCount: rows.length }
    },
  }
  return { db, clock: { now: () => new Date('2026-06-03T01:00:00Z') } } as unknown as AppDeps
}

describe('ledger export pacing', { timeout: 20_000 }, () => {
  it('does not read the next pages before the zip has taken the rows already written (a fast database does not pile XML up)', async () => {
    let received = 0
    const receivedAtPage: number[] = []
    const sink = new Writable({ write: (c: Buffer, _e, cb) => ((received += c.length), cb()) })
    await writeLedgerXlsx(fakePages(7_900, () => receivedAtPage.push(received)), sink, 'task', 400)
    expect(receivedAtPage).toHaveLength(20)
    // Without waiting for the zip, every page was read and written before the deflate's first output (0 bytes here).
    expect(receivedAtPage.at(-1)!).toBeGreaterThan(received / 2)
  })

  it('stops reading pages when the output is closed midway (a client gone)', async () => {
    let pages = 0
    let received = 0
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        received += c.length
        cb()
        if (received > 200_000) this.destroy()
      },
    })
    await expect(writeLedgerXlsx(fakePages(7_900, () => pages++), sink, 'task', 400)).rejects.toThrow(/closed/)
    expect(pages).toBeLessThan(20)
  })
})
