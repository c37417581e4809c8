/**
 * Targets (指标 / 目标值): `接种率均达到95%以上` → {metric:'接种率', comparison:'>=', value:95,
 * unit:'%'}; `不少于2次`; `控制在3.5%以下`; `≥20%`; `50万-70万份`.
 */
import type { Target } from '../extraction.types.ts'
import { normText } from '../structure/normalize.ts'

const UNIT = '(%|‰|个百分点|个工作日|万人次|人次|万元|亿元|元|万人|人|万吨|吨|万亩|亩|平方公里|平方米|万平方米|公里|千米|米|立方米|小时|分钟|天|日|家|个|次|项|所|座|户|套|辆|件|篇|场|批|条|类|倍|份|万份|处|名|张|期|台|盏|棵|株|吨标煤)'
const NUM = '(\\d+(?:\\.\\d+)?)'
const CUE_BEFORE = '(≥|≤|>=|<=|>|<|不少于|不低于|不超过|不高于|不多于|超过|高于|低于|少于|控制在|保持在|稳定在|达到|提高到|提升到|增长到|降低到|下降到|降至|提高至|提升至|达|为|至少|突破|大于|小于)?'
const RE = new RegExp(`${CUE_BEFORE}\\s*${NUM}(?:万|亿)?\\s*(?:[-~至到]\\s*${NUM}(万|亿)?\\s*)?${UNIT}(以上|以下|以内|左右)?`, 'g')

function comparison(cue: string | undefined, tail: string | undefined): Target['comparison'] | null {
  if (tail === '以上') return cue && /不超过|不高于|低于|少于/.test(cue) ? '<=' : '>='
  if (tail === '以下' || tail === '以内') return '<='
  switch (cue) {
    case '≥': case '>=': case '不少于': case '不低于': case '至少': return '>='
    case '≤': case '<=': case '不超过': case '不高于': case '不多于': return '<='
    case '>': case '超过': case '高于': case '突破': case '大于': return '>'
    case '<': case '低于': case '少于': case '小于': return '<'
    case undefined: return null
    default: return '='
  }
}

/** Reads the measurable goals of a text. */
export function readTargets(text: string): Target[] {
  const out: Target[] = []
  if (!/\d/.test(text)) return out
  const t = normText(text)
  RE.lastIndex = 0
  for (let m = RE.exec(t); m; m = RE.exec(t)) {
    const [whole, cue, a, b, mag, baseUnit, tail] = m
    const unit = `${mag ?? ''}${baseUnit}`
    const range = b !== undefined
    const cmp = range ? 'range' : comparison(cue, tail)
    if (!cmp) continue
    // The metric: the words just before, up to a clause break, without adverbs.
    const head = t.slice(Math.max(0, m.index - 16), m.index)
    const clause = head.split(/[,。;:、()\[\]"]/).pop() ?? ''
    const metric = clause
      .replace(/^.*[的占使将把让]/, '')
      .replace(/(均|都|要|应|需|必须|全部|力争|确保|继续|分别|累计|稳定|保持|年均|平均|逐步)+$/, '')
      .replace(/^(确保|力争|全市|全区|全县|全省|实现|其中)+/, '')
      .trim()
    if (/^\d/.test(metric)) continue
    out.push({ metric, comparison: cmp, value: Number(a), ...(range ? { valueTo: Number(b) } : {}), unit, text: whole.trim() })
  }
  return out
}
