/**
 * Saved web pages (网页) to plain text: drops scripts, styles and comments, turns block elements
 * into line breaks so outline items stay on their own lines, decodes character references.
 * A small hand-written pass rather than a DOM: pages of government sites are simple, and duban
 * only needs their text in reading order.
 */

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
    .trim()
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
