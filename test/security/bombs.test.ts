/**
 * Issue 11, finding 1: upload bombs. A .docx, .xlsx and .ods bomb (entries expanding 1000:1 with honest
 * headers, and one whose header lies about its size) uploaded to plan import, and an .xlsx bomb to unit
 * import: each costs its uploader a 4xx, parsing runs in a bounded worker thread, and meanwhile
 * GET /api/health answers within 200 ms and the process stays far below 1.5 GB. Both dialects.
 */
import { deflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { multipartBody, rowCounts } from '../http/plans.fixture.ts'

/** A zip of entries; `declared` overrides the uncompressed size the headers state (a lying header). */
export function zip(entries: { name: string; data: Buffer; declared?: number }[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const packed = deflateRawSync(e.data, { level: 9 })
    const name = Buffer.from(e.name)
    const size = e.declared ?? e.data.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += 30 + name.length + packed.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

const ZEROS = Buffer.alloc(64 * 1024 * 1024, 0x20) // 64 MB of spaces: compresses about 1000:1

/** The bombs, by format. */
function bombs(): { label: string; name: string; bytes: Buffer; route: 'plans' | 'units' }[] {
  const xml = (s: string) => Buffer.from(`<?xml version="1.0"?>${s}`)
  const docx = zip([{ name: '[Content_Types].xml', data: xml('<Types/>') }, { name: 'word/document.xml', data: ZEROS }])
  const xlsx = zip([{ name: '[Content_Types].xml', data: xml('<Types/>') }, { name: 'xl/workbook.xml', data: xml('<workbook/>') }, { name: 'xl/worksheets/sheet1.xml', data: ZEROS }])
  const ods = zip([{ name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') }, { name: 'content.xml', data: ZEROS }])
  const liar = zip([{ name: '[Content_Types].xml', data: xml('<Types/>') }, { name: 'word/document.xml', data: ZEROS.subarray(0, 16 * 1024 * 1024), declared: 4096 }])
  return [
    { label: 'docx → plans', name: 'bomb.docx', bytes: docx, route: 'plans' },
    { label: 'xlsx → plans', name: 'bomb.xlsx', bytes: xlsx, route: 'plans' },
    { label: 'ods → plans', name: 'bomb.ods', bytes: ods, route: 'plans' },
    { label: 'docx with a lying header → plans', name: 'liar.docx', bytes: liar, route: 'plans' },
    { label: 'xlsx → units', name: 'units.xlsx', bytes: xlsx, route: 'units' },
  ]
}

for (const dialect of testDialects()) {
  describe(`upload bombs (${dialect})`, () => {
    let t: TestApp
    let admin: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      admin = await t.login('admin')
    }, 600_000)
    afterAll(async () => t?.close())

    it('refuses every bomb with a 4xx while /api/health answers within 200 ms and RSS stays below 1.5 GB', async () => {
      const before = await rowCounts(t)
      for (const b of bombs()) {
        let maxHealthMs = 0
        let maxRss = process.memoryUsage.rss()
        let done = false
        const pings = (async () => {
          while (!done) {
            const t0 = performance.now()
            const h = await t.app.inject({ method: 'GET', url: '/api/health' })
            expect(h.statusCode).toBe(200)
            maxHealthMs = Math.max(maxHealthMs, performance.now() - t0)
            maxRss = Math.max(maxRss, process.memoryUsage.rss())
            await new Promise((r) => setTimeout(r, 10))
          }
        })()
        const t0 = performance.now()
        const res =
          b.route === 'plans'
            ? await (async () => {
                const m = multipartBody({ name: b.name, mime: 'application/octet-stream', content: b.bytes })
                return t.app.inject({ method: 'POST', url: '/api/plans', payload: m.payload, headers: { ...m.headers, authorization: `Bearer ${admin}` } })
              })()
            : await t.app.inject({ method: 'POST', url: '/api/units/import?name=units.xlsx', payload: b.bytes, headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', authorization: `Bearer ${admin}` } })
        const ms = performance.now() - t0
        done = true
        await pings
        process.stdout.write(
          `[security] bomb ${b.label} (${dialect}): ${(b.bytes.length / 1024).toFixed(0)} KB upload → ${res.statusCode} ${res.json().error?.code} in ${ms.toFixed(0)} ms; health max ${maxHealthMs.toFixed(1)} ms; RSS max ${(maxRss / 1024 / 1024).toFixed(0)} MB\n`,
        )
        expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400)
        expect(res.statusCode, res.body).toBeLessThan(500)
        expect(maxHealthMs).toBeLessThan(200)
        expect(maxRss).toBeLessThan(1.5 * 1024 * 1024 * 1024)
      }
      expect(await rowCounts(t)).toEqual(before)
    })
  })
}
