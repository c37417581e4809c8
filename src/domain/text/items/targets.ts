/**
 * Targets (指标 / 目标值): `接种率均达到95%以上` → {metric:'接种率', comparison:'>=', value:95,
 * unit:'%'}; `不少于2次`; `控制在3.5%以下`; `≥20%`; `50万-70万份`; `下降15%`; `新增就业岗位1000个`.
 *
 * Conventions (one for every target):
 * - Magnitude stays in the unit, as written: `2.5万人` → value 2.5, unit `万人`; `280亿元` → 280
 *   `亿元`; `50万-70万份` → 50…70 `万份`. A reader sees the figure as the document says it.
 * - Level targets: `达到` / `提高到` / `不低于` / `以上` → `>=`; `控制在` / `降至` / `不超过` /
 *   `以下` / `以内` → `<=`; `左右` / `保持在` / `为` → `=`; `超过` / `突破` → `>`; two numbers
 *   joined by `-` `~` `至` `到` → `range`.
 * - Change targets (the value is an amount of change, not a level) carry `change`:
 *   `下降15%` / `减少` / `降低` → 'decrease', `增长8%` / `提高1个百分点` / `新增…个` → 'increase';
 *   their comparison is `>=` (at least that much change) unless `以内` / `以下` (`<=`) or `左右`
 *   (`=`) says otherwise.
 * - The metric is the noun phrase just before the verb (`全市生活垃圾无害化处理率达到100%` →
 *   `生活垃圾无害化处理率`); after a bare verb it is the verb and the noun after the figure
 *   (`实施100个以上节能项目` → `实施节能项目`); after `新增` the words up to the figure.
 * - Statements of fact are not targets: a figure after `已` / `已经` or `…了`.
 */
import type { Target } from '../extraction.types.ts'
import { normText } from '../structure/normalize.ts'

const UNIT = '(%|‰|个百分点|个工作日|万人份|人份|人次|元|人|吨标煤|吨|亩|平方公里|平方米|公里|千米|米|立方米|小时|分钟|天|日|家|个|次|项|所|座|户|套|辆|件|篇|场|批|条|类|倍|份|处|名|张|期|台|盏|棵|株|床|张|公顷|千瓦|兆瓦|度|千克|公斤|标箱|艘|架|分)'
const NUM = '(\\d+(?:\\.\\d+)?)'
const MAG = '(万亿|亿|万)?'
/** Level cues, longest first so `提高到` wins over `提高`. */
const LEVEL_CUES = [
  '≥', '≤', '>=', '<=', '>', '<', '不少于', '不低于', '不超过', '不高于', '不多于', '不大于', '不小于', '超过', '高于', '低于', '少于',
  '控制在', '保持在', '稳定在', '维持在', '达到', '提高到', '提升到', '增长到', '增加到', '扩大到', '降低到', '下降到', '减少到',
  '压减到', '压缩到', '提高至', '提升至', '增长至', '增加至', '扩大至', '降低至', '下降至', '减少至', '压减至', '压缩至', '降至',
  '增至', '达', '为', '至少', '突破', '大于', '小于',
]
const CHANGE_CUES = ['增长', '提高', '提升', '增加', '上升', '增幅', '下降', '降低', '减少', '压减', '削减', '缩减', '降幅', '新增']
const CUES = [...LEVEL_CUES, ...CHANGE_CUES].sort((a, b) => b.length - a.length).map((c) => c.replace(/[<>]/g, (x) => `\\${x}`))
/** The cue that ends right before a figure (looked up only where a figure stands). */
const CUE_END = new RegExp(`(${CUES.join('|')})\\s*(?:约)?\\s*$`)
/** A figure: the scan stops only at digits (a number's first digit). */
const RE = new RegExp(`(?<![\\d.])${NUM}\\s*${MAG}\\s*(?:${UNIT}?\\s*[-~至到]\\s*${NUM}\\s*${MAG}\\s*)?${UNIT}(以上|以下|以内|左右)?`, 'g')
const DECREASE = /^(下降|降低|减少|压减|削减|缩减|降幅)$/

/** Adverbs and fillers between the metric and the verb. */
const ADVERB_TAIL = /(均|都|要|应|需|必须|全部|力争|确保|继续|分别|累计|稳定|保持|年均|平均|逐步|可望|可|将|预计|争取|基本|总体|进一步|每年|同比|比上年|较上年|再|能|也)+$/
/** Words after which the metric's noun phrase starts (verbs, prepositions, time words). */
const BREAKER = /^.*(?:使(?!用)|将|把|让|对(?!外)|在(?![校线岗建职册])|实现|确保|力争|推动|促进|推进|加快|努力|争取|做到|以及|并且|同时|其中|(?:\d{4}|[*xX]{2,4})年(?:底|末)?|全年|今年|明年|年底|年末|到年底|的|占|和|与|及|或)/
/** The base of a change (`比上年`, `较去年同期`): not part of the metric. */
const BASE_TAIL = /(?:(?:比|较|同比)(?:上年|去年|前年|上一年|(?:\d{4}|[*xX]{1,4})年|年初)?(?:同期|底|末)?|^.*基础上)$/
const SCOPE_HEAD = /^(年内|全年|今年|当年|年底前|每年|每月|每季度|每半年|每周|全市|全区|全县|全省|全国|全镇|全乡|全州|全盟|全旗|全面|全部|其中|确保|力争|实现)+/
/** A verb standing where a metric should be: the noun comes after the figure. */
const BARE_VERB = /^(推进|实施|新增|培育|新培育|引进|选树|制定|建设|建成|新建|改造|完成|开展|打造|创建|组织|举办|培训|扶持|创成|认定|招引|开工|竣工|发展|建立|增加|新开|开通|投用|新改建|改扩建|整治|整改|治理|修订|出台|评选|命名)$/
const ADDED = /新增([\u4e00-\u9fa5A-Za-z]{1,14})$/
const FACT = /(已经?|了)(均|都|全部|分别|基本)?$/
const AFTER_NOUN = /^[\u4e00-\u9fa5A-Za-z]{2,16}/
const CLAUSE_BREAK = /[,。;:、()\[\]"!?\n]/

function comparisonOf(cue: string | undefined, tail: string | undefined, change: boolean): Target['comparison'] | null {
  if (tail === '以上') return cue && /不超过|不高于|不多于|低于|少于/.test(cue) ? '<=' : '>='
  if (tail === '以下' || tail === '以内') return '<='
  if (tail === '左右') return '='
  if (change) return '>='
  switch (cue) {
    case undefined: return null
    case '>': case '超过': case '高于': case '突破': case '大于': return '>'
    case '<': case '低于': case '少于': case '小于': return '<'
    case '保持在': case '稳定在': case '维持在': case '为': return '='
    default:
      if (/^(≤|<=|不超过|不高于|不多于|不大于|控制在)$/.test(cue) || /^(降|下降|减少|压减|压缩|降低)/.test(cue)) return '<='
      return '>='
  }
}

/** The clause before `at` (back to the last clause break, at most 40 characters). */
function clauseBefore(t: string, at: number, floor = 0): string {
  const from = Math.max(0, floor, at - 40)
  let k = at
  while (k > from && !CLAUSE_BREAK.test(t[k - 1]!)) k--
  return t.slice(k, at)
}

/** The noun phrase at the end of a clause: `加强管理,使全市生活垃圾无害化处理率均` → `生活垃圾无害化处理率`. */
function metricOf(clause: string): string {
  let s = clause.trim()
  // `新农合人均筹资标准由230元提高到540元`: the metric stands before 由/从 and the old figure.
  const from = /(由|从)[^由从]*\d[^由从]*$/.exec(s)
  if (from) s = s.slice(0, from.index)
  s = s.replace(ADVERB_TAIL, '').replace(BASE_TAIL, '').replace(ADVERB_TAIL, '')
  s = s.replace(BREAKER, '')
  s = s.replace(SCOPE_HEAD, '')
  s = s.replace(ADVERB_TAIL, '')
  return s.length > 24 ? s.slice(-24) : s
}

const FIGURE_TAIL = new RegExp(`\\d+(?:\\.\\d+)?\\s*(?:万亿|亿|万)?\\s*${UNIT}?\\s*$`)

/** The metric of a bare figure that ends the clause before `at` (`…总值280亿元,` → `总值`). */
function metricOfFigureBefore(t: string, at: number): string {
  const k = at - 1
  if (k < 1 || t[k] !== ',') return ''
  const prev = clauseBefore(t, k)
  const fig = FIGURE_TAIL.exec(prev)
  return fig && fig.index > 0 ? metricOf(prev.slice(0, fig.index)) : ''
}

/** Reads the measurable goals of a text. */
export function readTargets(text: string): Target[] {
  const out: Target[] = []
  if (!/\d/.test(text)) return out
  const t = normText(text)
  RE.lastIndex = 0
  let prevEnd = -1
  for (let m = RE.exec(t); m; m = RE.exec(t)) {
    const [figure, a, magA, unitA, b, magB, baseUnit, tail] = m
    const end = m.index + figure.length
    const range = b !== undefined
    const cueAt = CUE_END.exec(t.slice(Math.max(0, prevEnd, m.index - 8), m.index))
    const cue = cueAt?.[1]
    const start = m.index - (cueAt ? cueAt[0].length : 0)
    const whole = t.slice(start, end)
    const clause = clauseBefore(t, start, prevEnd)
    // `新增城镇就业2.5万人`: 新增 stands before the metric, the figure after it.
    const added = cue === undefined ? ADDED.exec(clause) : null
    const isChange = added !== null || (cue !== undefined && CHANGE_CUES.includes(cue))
    const cmp = range ? 'range' : comparisonOf(cue, tail, isChange)
    if (!cmp) continue
    if (range && unitA !== undefined && unitA !== baseUnit) continue
    if (FACT.test(clause)) continue
    let metric: string
    let change: Target['change'] = isChange ? (DECREASE.test(cue!) ? 'decrease' : 'increase') : undefined
    const prev = out[out.length - 1]
    const joined = prev !== undefined && prevEnd >= 0 && /^\s*(和|或|、|,|及)\s*$/.test(t.slice(prevEnd, start))
    if (joined && !cue) {
      // `分别增长6%左右和8%以上`: the second figure shares the first one's metric.
      metric = prev.metric
      change = prev.change
    } else if (added) {
      metric = added[1]!
    } else if (cue === '新增') {
      metric = metricOf(clause)
      const after = AFTER_NOUN.exec(t.slice(end))
      if (metric === '' && after) metric = after[0]
    } else {
      metric = metricOf(clause)
      const verb = BARE_VERB.exec(metric === '' ? clause.replace(ADVERB_TAIL, '').replace(/^.*[的,]/, '').trim().slice(-4) : metric)
      const after = AFTER_NOUN.exec(t.slice(end).replace(/^的/, ''))
      if ((metric === '' || verb) && after) metric = `${verb ? verb[0] : ''}${after[0]}`
    }
    // `增加到208.7亿元,增长16.9%`: a figure right after another one speaks of the same metric.
    if (metric === '' && joined) metric = prev!.metric
    // `实现地区生产总值280亿元,增长10%`: the change speaks of the figure in the clause before.
    if (metric === '' && isChange) metric = metricOfFigureBefore(t, start)
    if (/^\d/.test(metric)) continue
    out.push({
      metric,
      comparison: cmp,
      value: Number(a),
      ...(range ? { valueTo: Number(b) } : {}),
      unit: `${range ? (magB ?? magA ?? '') : (magA ?? '')}${baseUnit}`,
      ...(change ? { change } : {}),
      text: whole.trim(),
    })
    prevEnd = end
  }
  return out
}
