/**
 * Due dates (完成时限) as written: `20xx年8月底前` → {year:null, month:8, day:null},
 * `2018年底前` → {2018, 12, null}, `11月5日前` → {null, 11, 5}, `年内` → {null, 12, null},
 * `2025年第三季度末前` → {2025, 9, null}, `2025年上半年` → {2025, 6, null}.
 * Frequencies (`每月`, `每年1月31日前`) and durations (`7日内`) are not due dates; of a range
 * (`2025年3月至6月`) only its end is, and only in a `完成时间:` segment or with `前`; the end takes
 * the year of the start when it says none.
 * Month-only dates keep `year: null` even where the document's year is known (the gold
 * format's choice); `assumeYear` records the document year for callers who need a date.
 */
import type { Deadline } from '../extraction.types.ts'
import { normText } from '../structure/normalize.ts'

const Y = '(?:(?:19|20)\\d{2}|20[xX×]{2}|[xX]{4})'
const BEFORE = '(?:前|之前|以前)'
/** A quarter: `第三季度末`, `三季度`, `4季度底`. */
const Q = '第?[一二三四1-4]季度(?:末|底)?'
const MONTH_TAIL = '(?:份)?(?:底|末|中旬|下旬|上旬|初)?'
/** Full forms, tried at each position in this order. */
const STRICT = new RegExp(
  [
    `${Y}年\\d{1,2}月\\d{1,2}[日号]${BEFORE}`,
    `${Y}年\\d{1,2}月${MONTH_TAIL}${BEFORE}`,
    `${Y}年\\d{1,2}月(?:底|末)`,
    `${Y}年${Q}${BEFORE}`,
    `${Y}年[上下]半年(?=完成|前|内|底)`,
    `${Y}年(?:底|末)${BEFORE}?`,
    // A date in brackets right after a goal heading counts without 前: `近期目标(20xx年12月底)`.
    `(?<=目标\\()(?:${Y}年)?\\d{1,2}月${MONTH_TAIL}(?=\\))`,
    `(?<![\\d年])\\d{1,2}月\\d{1,2}[日号]${BEFORE}`,
    `(?<![\\d年])\\d{1,2}月${MONTH_TAIL}${BEFORE}`,
    `(?<![\\d年])\\d{1,2}月(?:底|末)`,
    `(?<![年每])${Q}${BEFORE}`,
    `(?:今年|本年|年)(?:底|末)${BEFORE}`,
    `年内`,
    `[上下]半年(?=完成|前|内)`,
  ]
    .map((s) => `(?:${s})`)
    .join('|'),
  'g',
)
/** Inside a `完成时间:` segment the date needs no `前`. */
const LOOSE = new RegExp(
  [
    `${Y}年\\d{1,2}月(?:\\d{1,2}[日号])?`,
    `${Y}年${Q}`,
    `${Y}年[上下]半年`,
    `${Y}年(?:底|末)?`,
    `(?<![\\d年])\\d{1,2}月(?:\\d{1,2}[日号])?`,
    `(?<![年每])${Q}`,
    `(?:今年|本年|年)(?:底|末)`,
    `年内`,
    `[上下]半年`,
  ]
    .map((s) => `(?:${s})`)
    .join('|'),
  'g',
)

const YEAR_IN = /((?:19|20)\d{2}|20[xX×]{2}|[xX]{4})年/
const MONTH_IN = /(?<!\d)(\d{1,2})月(?:份)?(?:(\d{1,2})[日号])?/
const QUARTER_IN = /([一二三四1-4])季度/
const QUARTER: Readonly<Record<string, number>> = { 一: 3, 二: 6, 三: 9, 四: 12, '1': 3, '2': 6, '3': 9, '4': 12 }

/** The (year, month, day) a matched due date says. */
function decode(s: string): Omit<Deadline, 'text'> {
  const y = YEAR_IN.exec(s)
  const year = y && /^\d{4}$/.test(y[1]!) ? Number(y[1]) : null
  const md = MONTH_IN.exec(s)
  if (md) return { year, month: Number(md[1]), day: md[2] === undefined ? null : Number(md[2]) }
  const q = QUARTER_IN.exec(s)
  if (q) return { year, month: QUARTER[q[1]!]!, day: null }
  if (s.includes('上半年')) return { year, month: 6, day: null }
  if (s.includes('下半年') || /年(?:底|末)|年内/.test(s)) return { year, month: 12, day: null }
  return { year, month: null, day: null }
}

function read(text: string, re: RegExp, loose: boolean): Deadline[] {
  const t = normText(text)
  const out: Deadline[] = []
  re.lastIndex = 0
  let rangeYear: number | null = null // year of a range start just skipped
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const before = t.slice(Math.max(0, m.index - 3), m.index)
    const after = t.slice(m.index + m[0].length, m.index + m[0].length + 2)
    // Frequencies, ranges and look-backs are not due dates.
    if (/每[年月季周]?$|截[至止]$|自$|从$/.test(before)) continue
    if (m[0] === '年内' && /[\d一二三四五六七八九十两几半]$/.test(before)) continue
    // `年初有计划、年内有部署、年中有小结`: a cycle of the year, not a due date.
    if (m[0] === '年内' && (/^有/.test(after) || /年[初中]有/.test(t.slice(Math.max(0, m.index - 12), m.index + 14)))) continue
    if (/^[-~至到]\d|^[-~至到](?:19|20)/.test(after) && !/前$/.test(m[0])) {
      rangeYear = decode(m[0]).year
      continue
    }
    const inherited = /[-~至到]$/.test(before) && !YEAR_IN.test(m[0]) ? rangeYear : null
    rangeYear = null
    if (/[-~至]$/.test(before) && !/前$/.test(m[0]) && !loose) continue
    // `6月底` in running text counts with `前`, after `到/于/在`, or before `完成`.
    const goal = /目标\($/.test(before)
    if (!loose && !goal && /月(?:底|末)$/.test(m[0]) && !/[到于在]$/.test(before) && !/^(?:全面|基本|全部)?完成/.test(t.slice(m.index + m[0].length, m.index + m[0].length + 4))) continue
    // `2018年底` in running text counts with `前` or after `到/于/在`.
    if (!loose && /^\S{4}年(?:底|末)$/.test(m[0]) && !/[到于在]$/.test(before)) continue
    const d = decode(m[0])
    if (d.month === null && (d.year === null || !loose)) continue
    if (d.month !== null && (d.month < 1 || d.month > 12)) continue
    if (d.day !== null && (d.day < 1 || d.day > 31)) continue
    out.push({ ...d, year: d.year ?? inherited, text: m[0] })
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
