/**
 * Assessment periods (考核周期), as China-time instants: 2026-05 (month), 2026-Q2 (quarter), 2026 (year), and for
 * 日检查、旬通报、月评比 the 旬 (2026-05-X1 上旬 1–10日, X2 中旬 11–20日, X3 下旬 21日–月末) and the ISO week
 * (2026-W19, Monday to Sunday).
 */
import { DubanError } from '../../domain/errors.ts'
import type { Period } from '../../domain/kpi/index.ts'

/** A parsed period with its label and first/last dates. */
export interface AssessmentPeriod extends Period {
  readonly key: string
  readonly type: 'week' | 'xun' | 'month' | 'quarter' | 'year'
  /** 2026年5月, 2026年第二季度, 2026年, 2026年5月上旬, 2026年第19周 */
  readonly label: string
  /** 5月份, 第二季度, 2026年度: as a bulletin title says it. */
  readonly titleLabel: string
  readonly firstDate: string
  readonly lastDate: string
}

const pad = (n: number): string => String(n).padStart(2, '0')
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate()
const QUARTERS = ['一', '二', '三', '四']

const XUN = ['上旬', '中旬', '下旬']
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const bad = (key: string): DubanError => new DubanError('DUBAN_ERR_ASSESSMENT_PERIOD', `'${key}'`, { where: 'period' })

/** A period of whole China days from firstDate to lastDate. */
function span(key: string, type: AssessmentPeriod['type'], label: string, firstDate: string, lastDate: string): AssessmentPeriod {
  const next = iso(Date.parse(`${lastDate}T00:00:00Z`) + 86_400_000)
  return { key, type, label, titleLabel: label.replace(/^\d{4}年/, ''), firstDate, lastDate, from: `${firstDate}T00:00:00+08:00`, to: `${next}T00:00:00+08:00` }
}

/** 2026-05-X2 → 2026年5月中旬 (11–20日). */
function parseXun(key: string): AssessmentPeriod | null {
  const m = /^(\d{4})-(\d{2})-X([1-3])$/.exec(key)
  if (!m) return null
  const y = Number(m[1])
  const mo = Number(m[2])
  const x = Number(m[3])
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12) throw bad(key)
  const first = (x - 1) * 10 + 1
  const last = x === 3 ? lastDay(y, mo) : x * 10
  return span(key, 'xun', `${y}年${mo}月${XUN[x - 1]}`, `${y}-${pad(mo)}-${pad(first)}`, `${y}-${pad(mo)}-${pad(last)}`)
}

/** 2026-W19 → the ISO week (Monday–Sunday; week 1 holds the year's first Thursday). */
function parseWeek(key: string): AssessmentPeriod | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(key)
  if (!m) return null
  const y = Number(m[1])
  const w = Number(m[2])
  if (y < 2000 || y > 2100 || w < 1) throw bad(key)
  const jan4 = Date.UTC(y, 0, 4)
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000
  const monday = week1Monday + (w - 1) * 7 * 86_400_000
  // A year has 52 or 53 weeks: week w exists when its Thursday is still in year y.
  if (new Date(monday + 3 * 86_400_000).getUTCFullYear() !== y) throw bad(key)
  return span(key, 'week', `${y}年第${w}周`, iso(monday), iso(monday + 6 * 86_400_000))
}

/** Parses a period key; throws DUBAN_ERR_ASSESSMENT_PERIOD when malformed. */
export function parseAssessmentPeriod(key: string): AssessmentPeriod {
  const short = parseXun(key) ?? parseWeek(key)
  if (short) return short
  const m = /^(\d{4})(?:-(\d{2})|-Q([1-4]))?$/.exec(key)
  const y = m ? Number(m[1]) : NaN
  if (!m || y < 2000 || y > 2100) throw new DubanError('DUBAN_ERR_ASSESSMENT_PERIOD', `'${key}'`, { where: 'period' })
  let fm: number
  let lm: number
  let type: AssessmentPeriod['type']
  let label: string
  let titleLabel: string
  if (m[2]) {
    fm = lm = Number(m[2])
    if (fm < 1 || fm > 12) throw new DubanError('DUBAN_ERR_ASSESSMENT_PERIOD', `'${key}'`, { where: 'period' })
    type = 'month'
    label = `${y}年${fm}月`
    titleLabel = `${fm}月份`
  } else if (m[3]) {
    const q = Number(m[3])
    fm = q * 3 - 2
    lm = q * 3
    type = 'quarter'
    label = `${y}年第${QUARTERS[q - 1]}季度`
    titleLabel = `${y}年第${QUARTERS[q - 1]}季度`
  } else {
    fm = 1
    lm = 12
    type = 'year'
    label = `${y}年`
    titleLabel = `${y}年度`
  }
  const firstDate = `${y}-${pad(fm)}-01`
  const lastDate = `${y}-${pad(lm)}-${pad(lastDay(y, lm))}`
  const next = lm === 12 ? `${y + 1}-01-01` : `${y}-${pad(lm + 1)}-01`
  return { key, type, label, titleLabel, firstDate, lastDate, from: `${firstDate}T00:00:00+08:00`, to: `${next}T00:00:00+08:00` }
}
