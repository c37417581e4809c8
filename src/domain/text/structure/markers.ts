/**
 * Outline markers (序号): `第一章` `第一节` `第一条` `一、` `(一)` `1.` `1、` `(1)` `⑴` `1)` `①` and
 * `一是`, read from the start of a
 * normalised paragraph. The type decides nothing about depth by itself; the outline step ranks
 * types by their first appearance in each document.
 */

/** The kinds of outline marker. */
export type MarkerType =
  | 'chapter' | 'section' | 'article'
  | 'cn-dun' | 'cn-paren' | 'num-dot' | 'num-dun' | 'num-paren' | 'num-rparen' | 'circled' | 'cn-shi'

/** A marker found at the start of a paragraph. */
export interface Marker {
  readonly type: MarkerType
  /** As written, normalised to ASCII punctuation: `(一)`, `1.`, `一、`. */
  readonly text: string
  /** 1 for `一、` / `(1)` / `①` …; lets the outline notice a restart. */
  readonly ordinal: number
  /** Length of the marker in the paragraph (including leading blanks). */
  readonly length: number
}

const CN_DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
}

/** Value of a Chinese numeral up to 999 (`十一` → 11, `二十` → 20); NaN when not one. */
export function cnNumber(s: string): number {
  if (s.length === 0) return NaN
  let total = 0
  let cur = 0
  for (const ch of s) {
    if (ch in CN_DIGIT) cur = CN_DIGIT[ch]!
    else if (ch === '十') {
      total += (cur === 0 ? 1 : cur) * 10
      cur = 0
    } else if (ch === '百') {
      total += (cur === 0 ? 1 : cur) * 100
      cur = 0
    } else return NaN
  }
  return total + cur
}

const CN = '[一二三四五六七八九十百零〇两]'
const RE_CN_DUN = new RegExp(`^\\s*(${CN}{1,4})\\s*([、.])`)
const RE_CN_PAREN = new RegExp(`^\\s*\\(\\s*(${CN}{1,4})\\s*\\)`)
const RE_NUM_PAREN = /^\s*\(\s*(\d{1,2})\s*\)/
const RE_NUM_DOT = /^\s*(\d{1,2})\s*\.(?:(?!\d)|(?=(?:19|20)\d{2}年))/
const RE_NUM_DUN = /^\s*(\d{1,2})\s*、/
/** `1)` / `1）` without an opening bracket; not `1)` that closes a bracket opened before it. */
const RE_NUM_RPAREN = /^\s*(\d{1,2})\s*\)(?!\s*$)/
/** `⑴`…`⒇`: the parenthesised digits of Word and GB fonts, the same level as `(1)`. */
const RE_PAREN_DIGIT = /^\s*([\u2474-\u2487])/
/** `第一章` `第二节` `第三条` `第四部分`: chapters, sections and articles of a 规划 or 办法. */
const RE_PART = new RegExp(`^\\s*第\\s*(${CN}{1,4}|\\d{1,3})\\s*(章|节|条|部分)(?=\\s|[\\u4e00-\\u9fa5(]|$)\\s*`)
const PART_TYPE: Readonly<Record<string, MarkerType>> = { 章: 'chapter', 部分: 'chapter', 节: 'section', 条: 'article' }
const RE_CIRCLED = /^\s*([\u2460-\u2473\u2776-\u277f])/
const RE_CN_SHI = new RegExp(`^\\s*(${CN}{1,3})是(?![否的])`)

/** Reads the outline marker at the start of a normalised paragraph, or null. */
export function readMarker(p: string): Marker | null {
  let m = p.charCodeAt(p.search(/\S/)) === 0x7b2c ? RE_PART.exec(p) : null // 第
  if (m) {
    const ordinal = /^\d/.test(m[1]!) ? Number(m[1]) : cnNumber(m[1]!)
    if (!Number.isNaN(ordinal)) return { type: PART_TYPE[m[2]!]!, text: `第${m[1]}${m[2]}`, ordinal, length: m[0].length }
  }
  m = RE_CN_PAREN.exec(p)
  if (m) return { type: 'cn-paren', text: `(${m[1]})`, ordinal: cnNumber(m[1]!), length: m[0].length }
  m = RE_NUM_PAREN.exec(p)
  if (m) return { type: 'num-paren', text: `(${m[1]})`, ordinal: Number(m[1]), length: m[0].length }
  m = RE_CN_DUN.exec(p)
  if (m && !Number.isNaN(cnNumber(m[1]!))) return { type: 'cn-dun', text: `${m[1]}${m[2]}`, ordinal: cnNumber(m[1]!), length: m[0].length }
  m = RE_NUM_DOT.exec(p)
  if (m) return { type: 'num-dot', text: `${m[1]}.`, ordinal: Number(m[1]), length: m[0].length }
  m = RE_NUM_DUN.exec(p)
  if (m) return { type: 'num-dun', text: `${m[1]}、`, ordinal: Number(m[1]), length: m[0].length }
  m = RE_NUM_RPAREN.exec(p)
  if (m) return { type: 'num-rparen', text: `${m[1]})`, ordinal: Number(m[1]), length: m[0].length }
  m = RE_PAREN_DIGIT.exec(p)
  if (m) {
    const ordinal = m[1]!.charCodeAt(0) - 0x2473
    return { type: 'num-paren', text: `(${ordinal})`, ordinal, length: m[0].length }
  }
  m = RE_CIRCLED.exec(p)
  if (m) {
    const c = m[1]!.charCodeAt(0)
    const ordinal = c >= 0x2776 ? c - 0x2775 : c - 0x245f
    return { type: 'circled', text: m[1]!, ordinal, length: m[0].length }
  }
  m = RE_CN_SHI.exec(p)
  if (m && !Number.isNaN(cnNumber(m[1]!)) && p.length > m[0].length + 1) {
    return { type: 'cn-shi', text: `${m[1]}是`, ordinal: cnNumber(m[1]!), length: m[0].length }
  }
  return null
}
