/**
 * Due dates (完成时限) as written: `20xx年8月底前` → {year:null, month:8, day:null},
 * `2018年底前` → {2018, 12, null}, `11月5日前` → {null, 11, 5}, `年内` → {null, 12, null}.
 * Frequencies (`每月`, `每年1月31日前`), durations (`7日内`) and ranges are not due dates.
 * Month-only dates keep `year: null` even where the document's year is known (the gold
 * format's choice); `assumeYear` records the document year for callers who need a date.
 */
import type { Deadline } from '../extraction.types.ts'
import { normText } from '../structure/normalize.ts'

const Y = '((?:19|20)\\d{2}|20[xX×]{2}|[xX]{4})'
const BEFORE = '(?:前|之前|以前)'
/** Full forms, tried at each position in this order. */
const STRICT = new RegExp(
  [
    `${Y}年(\\d{1,2})月(\\d{1,2})[日号]${BEFORE}`, // 1-3
    `${Y}年(\\d{1,2})月(?:份)?(?:底|末|中旬|下旬|上旬|初)?${BEFORE}`, // 4-5
    `${Y}年(?:底|末)${BEFORE}?`, // 6
    `(?<![\\d年])(\\d{1,2})月(\\d{1,2})[日号]${BEFORE}`, // 7-8
    `(?<![\\d年])(\\d{1,2})月(?:份)?(?:底|末|中旬|下旬|上旬|初)?${BEFORE}`, // 9
    `(?:今年|本年|年)(?:底|末)${BEFORE}`, // none
    `年内`,
    `上半年(?=完成|前|内)`,
  ]
    .map((s) => `(?:${s})`)
    .join('|'),
  'g',
)
/** Inside a `完成时间:` segment the date needs no `前`. */
const LOOSE = new RegExp(
  [
    `${Y}年(\\d{1,2})月(\\d{1,2})[日号]`,
    `${Y}年(\\d{1,2})月`,
    `${Y}年(?:底|末)?`,
    `(?<![\\d年])(\\d{1,2})月(\\d{1,2})[日号]`,
    `(?<![\\d年])(\\d{1,2})月`,
    `(?:今年|本年|年)(?:底|末)`,
    `年内`,
    `上半年`,
  ]
    .map((s) => `(?:${s})`)
    .join('|'),
  'g',
)

function year(s: string | undefined): number | null {
  return s && /^\d{4}$/.test(s) ? Number(s) : null
}
function num(s: string | undefined): number | null {
  return s === undefined ? null : Number(s)
}

function read(text: string, re: RegExp, loose: boolean): Deadline[] {
  const t = normText(text)
  const out: Deadline[] = []
  re.lastIndex = 0
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const before = t.slice(Math.max(0, m.index - 3), m.index)
    const after = t.slice(m.index + m[0].length, m.index + m[0].length + 2)
    // Frequencies, ranges and look-backs are not due dates.
    if (/每[年月季周]?$|截[至止]$|自$|从$/.test(before)) continue
    if (m[0] === '年内' && /[\d一二三四五六七八九十两几半]$/.test(before)) continue
    if (/^[-~至到]\d|^[-~至到](?:19|20)/.test(after) && !/前$/.test(m[0])) continue
    if (/[-~至]$/.test(before) && !/前$/.test(m[0]) && !loose) continue
    const g = m.slice(1)
    let d: Omit<Deadline, 'text'> | null = null
    if (loose) {
      if (g[0] !== undefined) d = { year: year(g[0]), month: num(g[1]), day: num(g[2]) }
      else if (g[3] !== undefined) d = { year: year(g[3]), month: num(g[4]), day: null }
      else if (g[5] !== undefined) d = { year: year(g[5]), month: /[底末]$/.test(m[0]) ? 12 : null, day: null }
      else if (g[6] !== undefined) d = { year: null, month: num(g[6]), day: num(g[7]) }
      else if (g[8] !== undefined) d = { year: null, month: num(g[8]), day: null }
      else if (/上半年/.test(m[0])) d = { year: null, month: 6, day: null }
      else d = { year: null, month: 12, day: null }
      if (d.month === null && d.year === null) d = null
    } else {
      if (g[0] !== undefined) d = { year: year(g[0]), month: num(g[1]), day: num(g[2]) }
      else if (g[3] !== undefined) d = { year: year(g[3]), month: num(g[4]), day: null }
      else if (g[5] !== undefined) {
        // `2018年底` counts with `前` or after `到/于/在`.
        if (!/前$/.test(m[0]) && !/[到于在]$/.test(before)) continue
        d = { year: year(g[5]), month: 12, day: null }
      } else if (g[6] !== undefined) d = { year: null, month: num(g[6]), day: num(g[7]) }
      else if (g[8] !== undefined) d = { year: null, month: num(g[8]), day: null }
      else if (/上半年/.test(m[0])) d = { year: null, month: 6, day: null }
      else d = { year: null, month: 12, day: null }
    }
    if (!d) continue
    if (d.month !== null && (d.month < 1 || d.month > 12)) continue
    if (d.day !== null && (d.day < 1 || d.day > 31)) continue
    out.push({ ...d, text: m[0] })
  }
  return out
}

/** Due dates said in running text (they need `前`, `底前`, `年内` …). */
export function readDeadlines(text: string): Deadline[] {
  return read(text, STRICT, false)
}

/** Due dates in a `完成时间:` segment, where `20xx年12月` alone is a due date. */
export function readDueSegment(text: string): Deadline[] {
  return read(text, LOOSE, true)
}

/** Keeps one deadline per distinct (year, month, day). */
export function distinctDeadlines(ds: readonly Deadline[]): Deadline[] {
  const seen = new Set<string>()
  const out: Deadline[] = []
  for (const d of ds) {
    const k = `${d.year}/${d.month}/${d.day}`
    if (!seen.has(k)) {
      seen.add(k)
      out.push(d)
    }
  }
  return out
}
