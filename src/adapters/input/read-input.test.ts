import { Readable } from 'node:stream'
import { Document, Packer, Paragraph, TextRun } from 'docx'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { DubanError } from '../../domain/errors.ts'
import { decodeEntities, htmlToText } from './html-text.ts'
import { fromBytes, parseSize, readInput } from './read-input.ts'

const TEXT = '关于印发2018年工作要点的通知\n一、加强组织领导（牵头单位：市政府办公室）\n'

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'no error'
  } catch (e) {
    return e instanceof DubanError ? e.code : String(e)
  }
}

describe('decoding plain text', () => {
  it('decodes GBK exactly and turns CRLF into LF without changing the line count', async () => {
    const r = await fromBytes(iconv.encode(TEXT.replace(/\n/g, '\r\n'), 'gbk'), 'a.txt')
    expect(r).toMatchObject({ text: TEXT, encoding: 'gb18030', format: 'text' })
  })

  it('reads a two-character GBK file whose bytes are also valid UTF-8', async () => {
    const r = await fromBytes(iconv.encode('通知', 'gbk'), 'a.txt')
    expect(r.text).toBe('通知')
  })

  it('keeps Western UTF-8 text as UTF-8', async () => {
    expect((await fromBytes(Buffer.from('café résumé'), 'a.txt')).text).toBe('café résumé')
  })

  it('decodes UTF-16 big-endian with a BOM', async () => {
    const r = await fromBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(TEXT, 'utf16be')]), 'a.txt')
    expect(r).toMatchObject({ text: TEXT, encoding: 'utf-16be' })
  })

  it.each([
    ['Big5', iconv.encode('關於印發工作要點的通知，加強組織領導，市政府辦公室負責落實。'.repeat(3), 'big5'), 'DUBAN_ERR_INPUT_ENCODING'],
    ['UTF-16 without BOM', iconv.encode(TEXT, 'utf16be'), 'DUBAN_ERR_INPUT_ENCODING'],
    ['white space only', Buffer.from(' \n\t\n'), 'DUBAN_ERR_INPUT_EMPTY'],
    ['control bytes', Buffer.from(Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))), 'DUBAN_ERR_INPUT_BINARY'],
  ])('refuses %s', async (_what, bytes, code) => {
    expect(await codeOf(fromBytes(bytes, 'a.txt'))).toBe(code)
  })
})

describe('web pages', () => {
  it('keeps block elements as lines and drops scripts, styles and comments', () => {
    const html = '<html><head><title>要点</title><style>p{}</style></head><body><!-- nav --><div>一、加强<b>领导</b><br>二、推进</div><script>x()</script><p>三&amp;四</p></body></html>'
    expect(htmlToText(html)).toBe('要点\n一、加强领导\n二、推进\n\n三&四')
  })

  it('decodes numeric and named character references', () => {
    expect(decodeEntities('&#x4E00;&#20108;&ldquo;三&rdquo;&nbsp;&unknown;')).toBe('一二“三”\u00a0&unknown;')
  })

  it('refuses a page that declares an encoding duban does not read', async () => {
    const page = Buffer.concat([Buffer.from('<html><head><meta charset="shift_jis"></head><body>'), iconv.encode('日本語の計画です', 'shift_jis')])
    expect(await codeOf(fromBytes(page, 'p.html'))).toBe('DUBAN_ERR_INPUT_ENCODING')
  })
})

describe('office documents', () => {
  it('reads a .docx one paragraph per line', async () => {
    const lines = ['某市工作要点', '一、加强领导', '二、推进改革']
    const doc = new Document({ sections: [{ children: lines.map((t) => new Paragraph({ children: [new TextRun(t)] })) }] })
    const r = await fromBytes(await Packer.toBuffer(doc), 'plan.docx')
    expect(r).toMatchObject({ text: lines.join('\n'), format: 'docx' })
  })

  it('refuses an OLE file that is not a Word document', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024, 0x41)])
    expect(await codeOf(fromBytes(ole, 'old.doc'))).toBe('DUBAN_ERR_INPUT_FORMAT')
  })
})

describe('standard input', () => {
  it('reads stdin as the file named stdin', async () => {
    const r = await readInput('-', { stdin: Readable.from([Buffer.from('一、'), Buffer.from('加强领导')]) })
    expect(r).toMatchObject({ file: 'stdin', text: '一、加强领导' })
  })

  it('stops reading stdin past the size limit', async () => {
    const chunks = Array.from({ length: 100 }, () => Buffer.alloc(1024, 0x41))
    expect(await codeOf(readInput('-', { stdin: Readable.from(chunks), maxSize: 10 * 1024 }))).toBe('DUBAN_ERR_INPUT_TOO_LARGE')
  })
})

describe('sizes', () => {
  it.each([
    ['20MB', 20 * 1024 * 1024],
    ['500k', 500 * 1024],
    ['1048576', 1048576],
    ['1.5 MiB', 1.5 * 1024 * 1024],
    ['lots', null],
  ])('parses %s', (s, n) => {
    expect(parseSize(s)).toBe(n)
  })
})
