/**
 * `duban extract` end to end: the real command in a child process, on inputs made in a temporary
 * folder (bad files of every kind, GBK, UTF-16, Word, PDF, web pages, stdin).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Document, Packer, Paragraph, TextRun } from 'docx'
import iconv from 'iconv-lite'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { displayWidth } from '../../src/adapters/cli/extract.command.ts'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(repo, 'bin/duban.js')
const corpus = join(repo, '../shared/corpus/seeds')
const hasCorpus = existsSync(corpus)
if (!hasCorpus) console.log(`extract tests: ../shared/corpus is missing, the corpus tests are skipped`)

/** A small plan every reader must get the same items from, whatever the container. */
const PLAN = [
  '某市2024年政务公开工作要点',
  '一、加强政策解读(牵头单位:市政府办公室;配合单位:市司法局)',
  '二、推进数据开放(责任单位:市大数据局。完成时间:2024年6月底前)',
  '三、做好依申请公开(牵头单位:市政府办公室)',
]

interface Run {
  code: number
  stdout: string
  stderr: string
}

function duban(args: string[], input?: string | Buffer): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: repo, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
    if (input !== undefined) child.stdin!.end(input)
    else child.stdin!.end()
  })
}

function errorLines(run: Run): string[] {
  return run.stderr.split('\n').filter((l) => l.startsWith('duban extract:'))
}

interface ResultJson {
  file: string
  encoding: string
  documents: { items: { title: string; lead: string[]; responsible: string[]; cooperating: string[] }[] }[]
}

function items(result: ResultJson): ResultJson['documents'][number]['items'] {
  return result.documents.flatMap((d) => d.items)
}

/** A one-page PDF whose text layer is `lines`, written by hand (Type0 font, ToUnicode map). */
function handMadePdf(lines: string[]): Buffer {
  const hex = (c: number): string => c.toString(16).padStart(4, '0').toUpperCase()
  const codes = [...new Set(lines.flatMap((l) => [...l].map((ch) => ch.codePointAt(0)!)))]
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    `${codes.length} beginbfchar`,
    ...codes.map((c) => `<${hex(c)}> <${hex(c)}>`),
    'endbfchar endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n')
  const content = ['BT /F1 12 Tf 14 TL 50 800 Td', ...lines.map((l) => `<${[...l].map((ch) => hex(ch.codePointAt(0)!)).join('')}> Tj T*`), 'ET'].join('\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>',
    `<< /Length ${Buffer.byteLength(cmap)} >>\nstream\n${cmap}\nendstream`,
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>',
  ]
  let out = '%PDF-1.4\n'
  const offsets = objects.map((o, i) => {
    const at = Buffer.byteLength(out)
    out += `${i + 1} 0 obj\n${o}\nendobj\n`
    return at
  })
  const xref = Buffer.byteLength(out)
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

let dir: string
let good: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duban-extract-'))
  good = join(dir, 'good.txt')
  await writeFile(good, PLAN.join('\n') + '\n')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('duban extract: bad inputs', () => {
  const bad: [string, string, () => Promise<string>][] = [
    ['an empty file', 'DUBAN_ERR_INPUT_EMPTY', async () => write('empty.txt', '')],
    ['a binary file', 'DUBAN_ERR_INPUT_BINARY', async () => write('blob.txt', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)))],
    [
      'a 50 MB file (over the 20 MB default limit)',
      'DUBAN_ERR_INPUT_TOO_LARGE',
      async () => {
        const p = await write('huge.txt', '')
        await truncate(p, 50 * 1024 * 1024) // sparse: nothing is written
        return p
      },
    ],
    ['a Shift-JIS file', 'DUBAN_ERR_INPUT_ENCODING', async () => write('japanese.txt', iconv.encode('東京都の行動計画です。ここには日本語のテキストが入っています。'.repeat(10), 'shift_jis'))],
    ['a UTF-16 file without byte-order mark', 'DUBAN_ERR_INPUT_ENCODING', async () => write('utf16.txt', iconv.encode(PLAN.join('\n'), 'utf16le'))],
    ['random high bytes', 'DUBAN_ERR_INPUT_ENCODING', async () => write('noise.txt', Buffer.from(Array.from({ length: 4096 }, (_, i) => 0x80 + ((i * 7919) % 127))))],
    [
      'a .docx that is a zip of something else',
      'DUBAN_ERR_INPUT_FORMAT',
      async () => {
        const zip = new JSZip()
        zip.file('photos/readme.txt', 'not a Word document')
        return write('fake.docx', await zip.generateAsync({ type: 'nodebuffer' }))
      },
    ],
    ['a .pdf that is not a PDF', 'DUBAN_ERR_INPUT_FORMAT', async () => write('fake.pdf', 'hello')],
    ['a missing file', 'DUBAN_ERR_INPUT_NOT_FOUND', async () => join(dir, 'no-such-file.txt')],
  ]

  it.each(bad)('reports %s on one line naming it, fails, and still extracts the good file', async (_what, code, make) => {
    const path = await make()
    const out = join(dir, `out-${code}-${Math.random().toString(36).slice(2)}`)
    const run = await duban(['extract', path, good, '--out', out])
    expect(run.code).toBe(1)
    const lines = errorLines(run)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(path)
    expect(lines[0]).toContain(`[${code}]`)
    const result = JSON.parse(await readFile(join(out, 'good.json'), 'utf8')) as ResultJson
    expect(result.file).toBe('good.txt')
    expect(items(result).length).toBeGreaterThan(0)
  })

  it('honours --max-size', async () => {
    const run = await duban(['extract', good, '--max-size', '100'])
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain('DUBAN_ERR_INPUT_TOO_LARGE')
    expect((await duban(['extract', good, '--max-size', '1k'])).code).toBe(0)
  })

  it('refuses a bad option with usage and exit code 2', async () => {
    const run = await duban(['extract', good, '--format', 'xml'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('usage: duban extract')
  })
})

describe('duban extract: encodings and containers', () => {
  async function extractOne(name: string, content: string | Buffer): Promise<ResultJson> {
    const run = await duban(['extract', await write(name, content)])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    return JSON.parse(run.stdout) as ResultJson
  }

  function expectPlanItems(result: ResultJson): void {
    const found = items(result)
    expect(found.map((i) => i.title).join('|')).toContain('加强政策解读')
    expect(found.flatMap((i) => i.lead)).toContain('市政府办公室')
    expect(found.flatMap((i) => i.responsible)).toContain('市大数据局')
  }

  it('reads a GBK file', async () => {
    const result = await extractOne('gbk.txt', iconv.encode(PLAN.join('\r\n'), 'gbk'))
    expect(result.encoding).toBe('gb18030')
    expectPlanItems(result)
  })

  it('reads UTF-8 with a BOM and UTF-16 with a BOM', async () => {
    const bom8 = await extractOne('bom8.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PLAN.join('\n'))]))
    expect(bom8.encoding).toBe('utf-8')
    expectPlanItems(bom8)
    const bom16 = await extractOne('bom16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(PLAN.join('\n'), 'utf16le')]))
    expect(bom16.encoding).toBe('utf-16le')
    expectPlanItems(bom16)
  })

  it('reads a Word .docx', async () => {
    const doc = new Document({ sections: [{ children: PLAN.map((t) => new Paragraph({ children: [new TextRun(t)] })) }] })
    const result = await extractOne('plan.docx', await Packer.toBuffer(doc))
    expect(result.encoding).toBe('docx')
    expectPlanItems(result)
  })

  it('reads a Word 97 .doc (fixture made once by LibreOffice from a text plan)', async () => {
    const result = await extractOne('plan.doc', await readFile(join(repo, 'test/fixtures/input/word97-plan.doc')))
    expect(result.encoding).toBe('doc')
    const found = items(result)
    const pesticide = found.find((i) => i.title === '开展农药残留专项整治')
    expect(pesticide?.lead).toEqual(['市农业农村局'])
    expect(pesticide?.cooperating).toEqual(['市市场监管局'])
    expect(found.find((i) => i.title === '加强校园食品安全管理')?.responsible).toEqual(['市教育局', '市市场监管局'])
  })

  it('reads the text layer of a PDF', async () => {
    const result = await extractOne('plan.pdf', handMadePdf(PLAN))
    expect(result.encoding).toBe('pdf')
    expectPlanItems(result)
  })

  it('reads a saved GBK web page by its <meta charset>, without scripts and styles', async () => {
    const html = [
      '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
      '<title>政务公开</title><style>p{color:red}</style><script>var s = "四、脚本里的假条目(牵头单位:假单位)"</script></head><body>',
      `<div class="content"><h1>${PLAN[0]}</h1>`,
      ...PLAN.slice(1).map((l) => `<p>&nbsp;&nbsp;${l.replace(/\(/g, '&#40;')}</p>`),
      '</div></body></html>',
    ].join('\n')
    const result = await extractOne('page.htm', iconv.encode(html, 'gbk'))
    expect(result.encoding).toBe('gb18030')
    expectPlanItems(result)
    expect(JSON.stringify(result)).not.toContain('假单位')
  })

  it('recognises a Word file by its content whatever its name', async () => {
    const doc = new Document({ sections: [{ children: PLAN.map((t) => new Paragraph({ children: [new TextRun(t)] })) }] })
    const result = await extractOne('download.txt', await Packer.toBuffer(doc))
    expect(result.encoding).toBe('docx')
  })

  it('reads standard input given as -', async () => {
    const run = await duban(['extract', '-'], PLAN.join('\n'))
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as ResultJson
    expect(result.file).toBe('stdin')
    expectPlanItems(result)
  })

  describe.skipIf(!hasCorpus)('on the corpus', () => {
    it('gives a GBK copy of a corpus document the same items as the UTF-8 original', async () => {
      const original = join(corpus, '003_0da8fc8906176886.txt')
      const text = await readFile(original, 'utf8')
      const copyDir = join(dir, 'gbk-corpus')
      await mkdir(copyDir, { recursive: true })
      const copy = join(copyDir, '003_0da8fc8906176886.txt')
      await writeFile(copy, iconv.encode(text, 'gb18030'))
      const [a, b] = await Promise.all([duban(['extract', original]), duban(['extract', copy])])
      const utf8 = JSON.parse(a.stdout) as ResultJson
      const gbk = JSON.parse(b.stdout) as ResultJson
      expect(gbk.encoding).toBe('gb18030')
      expect(items(gbk).length).toBeGreaterThan(0)
      expect(gbk.documents).toEqual(utf8.documents)
    })
  })
})

describe('duban extract: outputs', () => {
  it('writes one gold file per input, named after it', async () => {
    const out = join(dir, 'gold-out')
    const doc = new Document({ sections: [{ children: PLAN.map((t) => new Paragraph({ children: [new TextRun(t)] })) }] })
    const docx = await write('second.docx', await Packer.toBuffer(doc))
    const run = await duban(['extract', good, docx, '--format', 'gold', '--out', out])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['good.json', 'second.json'])
    const gold = JSON.parse(await readFile(join(out, 'second.json'), 'utf8')) as { file: string; documents: { items: { lead: string[] }[] }[] }
    expect(gold.file).toBe('second.docx')
    expect(gold.documents.flatMap((d) => d.items).flatMap((i) => i.lead)).toContain('市政府办公室')
  })

  it('leaves no temporary files and gives same-named inputs distinct outputs', async () => {
    const out = join(dir, 'json-out')
    const other = join(dir, 'elsewhere')
    await mkdir(other, { recursive: true })
    const twin = join(other, 'good.txt')
    await writeFile(twin, PLAN.join('\n'))
    const run = await duban(['extract', good, twin, '--out', out])
    expect(run.code).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['good-2.json', 'good.json'])
  })

  it('prints a table whose columns line up in terminal cells', async () => {
    const run = await duban(['extract', good, '--format', 'table'])
    expect(run.code).toBe(0)
    const rows = run.stdout.split('\n').filter((l) => /^\s*\d+\s/.test(l))
    expect(rows.length).toBeGreaterThanOrEqual(3)
    // The units cell reads `牵头 A；责任 B`; an item title may quote its tag as `(牵头单位:…)`.
    const unitColumns = rows.filter((r) => /(牵头|责任) /.test(r)).map((r) => displayWidth(r.slice(0, r.search(/(牵头|责任) /))))
    expect(unitColumns.length).toBeGreaterThanOrEqual(2)
    expect(new Set(unitColumns).size).toBe(1)
  })

  it('writes the table to <name>.txt with --out', async () => {
    const out = join(dir, 'table-out')
    const run = await duban(['extract', good, '--format', 'table', '--out', out])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    expect(await readFile(join(out, 'good.txt'), 'utf8')).toContain('加强政策解读')
  })

  it('prints usage for --help', async () => {
    const run = await duban(['extract', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('--format json|gold|table')
  })
})

async function write(name: string, content: string | Buffer): Promise<string> {
  const p = join(dir, name)
  await writeFile(p, content)
  return p
}
