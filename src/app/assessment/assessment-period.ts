/** Assessment periods (考核周期): 2026-05 (month), 2026-Q2 (quarter), 2026 (year), as China-time instants. */
import { DubanError } from '../../domain/errors.ts'
import type { Period } from '../../domain/kpi/index.ts'

/** A parsed period with its label and first/last dates. */
export interface AssessmentPeriod extends Period {
  readonly key: string
  readonly type: 'month' | 'quarter' | 'year'
  /** 2026年5月, 2026年第二季度, 2026年 */
  readonly label: string
  /** 5月份, 第二季度, 2026年度: as a bulletin title says it. */
  readonly titleLabel: string
  readonly firstDate: string
  readonly lastDate: string
}

const pad = (n: number): string => String(n).padStart(2, '0')
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate()
const QUARTERS = ['一', '二', '三', '四']

/** Parses a period key; throws DUBAN_ERR_ASSESSMENT_PERIOD when malformed. */
export function parseAssessmentPeriod(key: string): AssessmentPeriod {
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
