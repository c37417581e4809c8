/**
 * Small readings of plan text that import needs beyond the plan reader: a concrete due date from a
 * written deadline (完成时间), and the reporting cadence (报送频次) from phrases like 每月25日前报送.
 * Pure functions; kept beside the use-case because only import uses them.
 */
import type { Deadline } from '../../domain/text/extraction.types.ts'
import type { ReportingCadence } from '../../domain/workflow/kind.types.ts'
import type { DraftFlag } from '../../domain/plans/plan-draft.types.ts'

/** A resolved due date with the words it came from and what was assumed. */
export interface ResolvedDue {
  readonly due: string | null
  readonly text: string | null
  readonly flags: readonly DraftFlag[]
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** One deadline as a date: missing month → year end; missing day → month end (上旬/中旬 → 10th/20th). */
export function deadlineDate(d: Deadline, year: number): string | null {
  const month = d.month ?? 12
  if (month < 1 || month > 12) return null
  let day = d.day
  if (day === null) day = /上旬/.test(d.text) ? 10 : /中旬/.test(d.text) ? 20 : lastDay(year, month)
  if (day < 1 || day > lastDay(year, month)) return null
  return `${year}-${pad(month)}-${pad(day)}`
}

/**
 * The item's due date: the latest of its deadlines, the year taken from the deadline, else the
 * document, else the import year (flagged, since `20xx` hides the year).
 */
export function resolveDue(deadlines: readonly Deadline[], documentYear: number | null, importYear: number): ResolvedDue {
  const flags: DraftFlag[] = []
  let best: { date: string; text: string } | null = null
  let assumed = false
  for (const d of deadlines) {
    const year = d.year ?? documentYear ?? importYear
    const date = deadlineDate(d, year)
    if (!date) continue
    if (d.year === null && documentYear === null) assumed = true
    if (!best || date > best.date) best = { date, text: d.text }
  }
  if (!best) return { due: null, text: null, flags: ['no-due'] }
  if (assumed) flags.push('year-assumed')
  if (deadlines.length > 1) flags.push('several-deadlines')
  return { due: best.date, text: best.text, flags }
}

const CN_DIGITS: Readonly<Record<string, number>> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 }

/** A cadence read from a phrase, with the words and whether the day was assumed. */
export interface ReadCadence {
  readonly cadence: ReportingCadence
  readonly text: string
  readonly dayAssumed: boolean
}

// A frequency word followed, within one clause, by a reporting verb (报送/上报/报…).
const PHRASE = /(每周|每个?月|当月|次月|每季度?|每个季度|按季度?|按月|按周|季度末|每季末)[^。；;，,！\n]{0,16}?报/u

/** The reporting cadence a text asks for, e.g. 每月25日前报送 → {every:'month', day:25}; null when none. */
export function readCadence(text: string): ReadCadence | null {
  const m = PHRASE.exec(text)
  if (!m) return null
  const phrase = m[0]
  const freq = m[1] ?? ''
  const dayM = /(\d{1,2})\s*[日号]/u.exec(phrase)
  const day = dayM ? Number(dayM[1]) : null
  if (/周/.test(freq)) {
    const w = /(?:周|星期)([一二三四五六日天])/u.exec(phrase.slice(freq.length))
    const weekday = (w ? CN_DIGITS[w[1] ?? ''] : undefined) ?? 5
    return { cadence: { every: 'week', weekday: weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7 }, text: phrase, dayAssumed: !w }
  }
  if (/季/.test(freq)) {
    return { cadence: { every: 'quarter', day: day !== null && day >= 1 && day <= 31 ? day : 31 }, text: phrase, dayAssumed: day === null }
  }
  // Month-end when no day is named (每月上报, 月底前报送).
  return { cadence: { every: 'month', day: day !== null && day >= 1 && day <= 31 ? day : 31 }, text: phrase, dayAssumed: day === null }
}
