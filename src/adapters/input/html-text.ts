/**
 * Saved web pages (网页) to plain text: drops scripts, styles and comments, turns block elements
 * into line breaks so outline items stay on their own lines, decodes character references.
 * A small hand-written pass rather than a DOM: pages of government sites are simple, and duban
 * only needs their text in reading order. Tables are written as `|` rows (table-input.ts).
 */
import { renderBlocks, type SourceTable } from './table-input.ts'

/** The charset a page declares in `<meta charset>` or `<meta http-equiv content="…charset=…">`. */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096)).toString('latin1')
  const m =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head) ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w:.-]+)/i.exec(head)
  return m?.[1] ?? null
}

const BLOCK =
  'address|article|aside|blockquote|br|caption|center|dd|div|dl|dt|fieldset|figcaption|figure|footer|form|' +
  'h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|thead|tfoot|tr|ul|title'
const BLOCK_TAG = new RegExp(`<\\/?(?:${BLOCK})(?:\\s[^>]*)?\\/?>`, 'gi')
const CELL_TAG = /<\/?t[dh](?:\s[^>]*)?>/gi

/** The text of an HTML document, one block per line. */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')
    .replace(/<(script|style|noscript|template|svg|object|iframe)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<head\b[\s\S]*?<\/head\s*>/i, (head) => {
      // The page <title> is often the only place the document's title is given in full.
      const title = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(head)?.[1]
      return title ? `\n${title}\n` : '\n'
    })
  // Tables, innermost first, become `|` rows with rowspan/colspan carried; a layout table around
  // another table keeps its contents as blocks.
  const tables: string[] = []
  for (let k = 0; k < 50; k++) {
    const before = s
    s = s.replace(/<table\b[^>]*>((?:(?!<table\b)[\s\S])*?)<\/table\s*>/gi, (_m, body: string) => {
      if (body.includes('\u0001T')) return `\n${body}\n`
      tables.push(renderBlocks([htmlTable(body, `表${tables.length + 1}`)]).text)
      return `\n\u0001T${tables.length - 1}\u0001\n`
    })
    if (s === before) break
  }
  // Inside <pre> line breaks are text; elsewhere they are layout.
  const pres: string[] = []
  s = s.replace(/<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/gi, (_m, body: string) => {
    pres.push(body)
    return `\n\u0000PRE${pres.length - 1}\u0000\n`
  })
  s = s.replace(/\s+/g, ' ')
  s = s.replace(/\u0000PRE(\d+)\u0000/g, (_m, i: string) => pres[Number(i)] ?? '')
  s = s.replace(BLOCK_TAG, '\n').replace(CELL_TAG, ' ').replace(/<[^>]*>/g, '')
  s = decodeEntities(s)
  return s
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\u0001T(\d+)\u0001/g, (_m, i: string) => `\n${tables[Number(i)] ?? ''}\n`)
    .trim()
}

/** One HTML table's rows with `rowspan` / `colspan` expanded: every covered slot gets the cell's text. */
export function htmlTable(body: string, name: string): SourceTable {
  const grid: string[][] = []
  const rows = body.split(/<tr\b[^>]*>/i).slice(1)
  rows.forEach((tr, r) => {
    grid[r] ??= []
    let c = 0
    const cellRe = /<(td|th)\b([^>]*)>([\s\S]*?)(?=<\/?(?:td|th|tr|tbody|thead|tfoot)\b|$)/gi
    for (let m = cellRe.exec(tr); m; m = cellRe.exec(tr)) {
      const attrs = m[2] ?? ''
      const text = decodeEntities(
        m[3]!.replace(/\s+/g, ' ').replace(/<br\s*\/?>|<\/(?:p|div|li)>/gi, '\n').replace(/<[^>]*>/g, ''),
      ).replace(/[ \t\u00a0]+/g, ' ').trim()
      const num = (a: string) => Math.max(1, Math.min(200, Number(new RegExp(`${a}\\s*=\\s*["']?(\\d+)`, 'i').exec(attrs)?.[1] ?? 1) || 1))
      const rs = num('rowspan')
      const cs = num('colspan')
      while (grid[r]![c] !== undefined) c++
      for (let dr = 0; dr < rs && r + dr < rows.length; dr++) {
        grid[r + dr] ??= []
        for (let dc = 0; dc < cs; dc++) grid[r + dr]![c + dc] = text
      }
      c += cs
    }
  })
  return {
    name,
    rows: grid.map((cells, ri) => ({ row: ri + 1, cells: Array.from(cells, (t, ci) => ({ ref: `${name} R${ri + 1}C${ci + 1}`, text: t ?? '' })) })),
  }
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ensp: '\u2002', emsp: '\u2003',
  thinsp: '\u2009', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', laquo: '«', raquo: '»',
  mdash: '—', ndash: '–', hellip: '…', middot: '·', bull: '•', times: '×', divide: '÷',
  copy: '©', reg: '®', trade: '™', deg: '°', plusmn: '±', le: '≤', ge: '≥', ne: '≠',
  permil: '‰', sect: '§', yen: '¥', rarr: '→', larr: '←', uarr: '↑', darr: '↓', shy: '',
  zwnj: '', zwj: '', lrm: '', rlm: '', frac12: '½', frac14: '¼', frac34: '¾', sup2: '²', sup3: '³',
}

/** Decodes numeric and the common named character references; unknown names stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD'
      return String.fromCodePoint(code)
    }
    const named = NAMED[ref.toLowerCase()] ?? NAMED[ref]
    if (named === undefined) return whole
    // Without a semicolon only the classic entities are recognised (as browsers do).
    return whole.endsWith(';') || ['amp', 'lt', 'gt', 'quot', 'nbsp'].includes(ref.toLowerCase()) ? named : whole
  })
}
