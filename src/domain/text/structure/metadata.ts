/**
 * Document metadata (文件信息): issuer (发文单位), date (成文日期), document number (文号) and the
 * year the plan is about, read from the title and the lines around it.
 */
import type { Paragraph } from './paragraphs.ts'

const DATE_LINE = /^((?:19|20)[\dxX]{2}年\d{1,2}月\d{1,2}日|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})$/
const DATE_IN = /(?:发布日期|日期|时间)\s*:?\s*((?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)/
const DOC_NUMBER = /([\u4e00-\u9fa5]{1,12}\[(?:19|20)[\dxX]{2}\]\s*\d{1,4}\s*号)/
const ISSUER = /^[\u4e00-\u9fa5()]{2,30}(局|委|办|厅|部|院|会|中心|政府|办公室|办事处|委员会|街道|党委|党组|支部)$/

/** The year in a title (`2018年…工作要点` → 2018; `20xx年…` → null). */
export function titleYear(title: string): number | null {
  // A span such as `(20xx-2025年)` names no single year.
  const m = /(?<![-~至到]\s*)((?:19|20)[\dxX]{2})\s*年(?!\s*[-~至到])/.exec(title)
  return m && /^\d{4}$/.test(m[1]!) ? Number(m[1]) : null
}

/** Reads issuer, date and document number from the first and last paragraphs of a document. */
export function readMetadata(ps: readonly Paragraph[], start: number, end: number): { issuer: string | null; date: string | null; docNumber: string | null } {
  let issuer: string | null = null
  let date: string | null = null
  let docNumber: string | null = null
  for (let i = start; i < Math.min(end, start + 6); i++) {
    const t = ps[i]!.text
    if (!date && DATE_LINE.test(t)) date = t
    if (!date) {
      const m = DATE_IN.exec(t)
      if (m) date = m[1]!
    }
    if (!docNumber && t.length <= 40) {
      const m = DOC_NUMBER.exec(t)
      if (m) docNumber = m[1]!.replace(/\s+/g, '')
    }
  }
  for (let i = Math.max(start, end - 4); i < end; i++) {
    const t = ps[i]!.text
    if (DATE_LINE.test(t)) {
      const prev = i > start ? ps[i - 1]!.text : ''
      if (ISSUER.test(prev)) issuer = prev
      date ??= t
    }
  }
  return { issuer, date, docNumber }
}
