/**
 * Bad spreadsheet input: each is one clear DubanError naming the file (and the sheet, row or
 * cell where it applies), or a clean read — never a stack trace or an unbounded expansion.
 */
import { deflateRawSync } from 'node:zlib'
import * as XLSX from '@e965/xlsx'
import JSZip from 'jszip'
import { describe, expect, it } from 'vitest'
import { DubanError } from '../../domain/errors.ts'
import { fromBytes } from './read-input.ts'

async function failure(bytes: Buffer, name: string): Promise<DubanError> {
  try {
    await fromBytes(bytes, name)
  } catch (e) {
    if (e instanceof DubanError) return e
    throw e
  }
  throw new Error(`${name} was read`)
}

const book = (rows: unknown[][], name = 'Sheet1'): Buffer => {
  const wb = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), name)
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer
}

/** A one-entry zip written by hand, so its header can say what we like. */
function zipOf(name: string, data: Buffer, declared: number): Buffer {
  const deflated = deflateRawSync(data)
  const n = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(8, 8)
  local.writeUInt32LE(deflated.length, 18)
  local.writeUInt32LE(declared, 22)
  local.writeUInt16LE(n.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 4)
  central.writeUInt16LE(20, 6)
  central.writeUInt16LE(8, 10)
  central.writeUInt32LE(deflated.length, 20)
  central.writeUInt32LE(declared, 24)
  central.writeUInt16LE(n.length, 28)
  central.writeUInt32LE(0, 42)
  const cdStart = 30 + n.length + deflated.length
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(1, 8)
  eocd.writeUInt16LE(1, 10)
  eocd.writeUInt32LE(46 + n.length, 12)
  eocd.writeUInt32LE(cdStart, 16)
  return Buffer.concat([local, n, deflated, central, n, eocd])
}

describe('bad spreadsheet input', () => {
  it('an .xlsx that is a zip of something else', async () => {
    const zip = new JSZip()
    zip.file('notes/readme.txt', 'hello')
    const e = await failure(await zip.generateAsync({ type: 'nodebuffer' }), 'plan.xlsx')
    expect(e.code).toBe('DUBAN_ERR_INPUT_FORMAT')
    expect(e.message).toMatch(/plan\.xlsx: a zip of .*notes\/readme\.txt.*, neither a Word document nor a workbook/)
    expect(e.where).toBe('plan.xlsx')
  })

  it('a password-protected (encrypted) workbook', async () => {
    const cfb = XLSX.CFB.utils.cfb_new()
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.alloc(64, 1))
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(4096, 7))
    const bytes = Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }) as Uint8Array)
    const e = await failure(bytes, '任务表.xlsx')
    expect(e.code).toBe('DUBAN_ERR_INPUT_FORMAT')
    expect(e.message).toMatch(/任务表\.xlsx: a password-protected/)
  })

  it('a sheet of 100,000 rows names the sheet and the row over the limit', async () => {
    const rows: unknown[][] = [['序号', '工作任务', '牵头单位']]
    for (let r = 1; r < 100_000; r++) rows.push([r, '任务', '市发改委'])
    const e = await failure(book(rows, '大表'), 'big.xlsx')
    expect(e.code).toBe('DUBAN_ERR_INPUT_TOO_LARGE')
    expect(e.message).toMatch(/big\.xlsx: sheet 「大表」 has 100000 rows; at most 50000 are read \(row 50001/)
  }, 60_000)

  it('a 1 MB cell names the sheet and the cell', async () => {
    // SheetJS will not write a cell over Excel's limit: write a marker and swap it in the zip.
    // Varied characters, so the sheet does not compress like a bomb.
    let seed = 7
    const text = Array.from({ length: 1024 * 1024 }, () => String.fromCharCode(0x4e00 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 20000))).join('')
    const zip = await JSZip.loadAsync(book([['序号', '工作任务', '牵头单位'], [1, 'MARKER', '市发改委']]))
    const name = Object.keys(zip.files).find((f) => /sharedStrings|sheet1\.xml$/.test(f) && zip.file(f) !== null)!
    for (const f of Object.keys(zip.files)) {
      const body = await zip.file(f)?.async('string')
      if (body?.includes('MARKER')) zip.file(f, body.replace('MARKER', text))
    }
    expect(name).toBeTruthy()
    const e = await failure(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), 'cell.xlsx')
    expect(e.code).toBe('DUBAN_ERR_INPUT_TOO_LARGE')
    expect(e.message).toMatch(/cell\.xlsx: sheet 「Sheet1」 cell B2 holds 1048576 characters \(a cell holds at most 32767\)/)
  })

  it('a sheet with no recognisable header', async () => {
    const e = await failure(book([['甲', '乙'], ['1', '2']], '数据'), 'nohead.xlsx')
    expect(e.code).toBe('DUBAN_ERR_INPUT_FORMAT')
    expect(e.message).toMatch(/nohead\.xlsx: no task-table header in 「数据」/)
  })

  it('a decompression bomb is refused from its sizes before it is expanded', async () => {
    const e = await failure(zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(64 * 1024 * 1024), 64 * 1024 * 1024), 'bomb.xlsx')
    expect(e.code).toBe('DUBAN_ERR_INPUT_FORMAT')
    expect(e.message).toMatch(/bomb\.xlsx: refused before expanding: xl\/worksheets\/sheet1\.xml expands \d+:1/)
  })

  it('an entry that inflates past the size its header declares is stopped at that size', async () => {
    const e = await failure(zipOf('xl/workbook.xml', Buffer.alloc(8 * 1024 * 1024), 1000), 'liar.xlsx')
    expect(e.message).toMatch(/liar\.xlsx: refused before expanding: xl\/workbook\.xml expands beyond the size its header declares/)
  })

  it('a GBK CSV and a UTF-8 CSV read the same', async () => {
    const csv = '序号,工作任务,牵头单位,完成时限\n1,建设平台,市大数据局,2026年6月底前\n'
    const iconv = (await import('iconv-lite')).default
    const a = await fromBytes(Buffer.from(csv), 'a.csv')
    const b = await fromBytes(iconv.encode(csv, 'gbk'), 'b.csv')
    expect(a.text).toBe(b.text)
    expect(a.text).toContain('1|建设平台|市大数据局|2026年6月底前')
    expect(b.encoding).toBe('gb18030')
  })
})
