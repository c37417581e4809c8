/**
 * Document splitting (分篇): a compilation holds several plans. Boundaries are `第N篇:` / `篇N`
 * separators, entries of a table of contents (目录) met again in the body, and title lines
 * (`…工作要点` `…工作方案` …) after which a new outline starts at its first number.
 */
import type { Paragraph } from './paragraphs.ts'

/** A document's span of paragraphs and what its heading says. */
export interface DocumentSpan {
  readonly title: string
  /** Paragraph index range [start, end). */
  readonly start: number
  readonly end: number
  /** Index of the title paragraph (or of the separator) — outline reading starts after it. */
  readonly bodyStart: number
}

const SEPARATOR = /^(?:第\s*([一二三四五六七八九十百\d]+)\s*篇|篇\s*(\d+))\s*[:.、]?\s*(.*)$/
const PLAN_WORD =
  /(要点|方案|计划|規劃|规划|报告|總結|总结|意见|办法|细则|安排|纲要|规定|通知|計劃|方案|要點|報告|意見)(\s*\([^()]{1,20}\))?$/
const SENTENCE_PUNCT = /[。,;:!?《》]/

/** A heading has no sentence punctuation (`各位代表:` and `…讲几点意见:` are not titles). */
const HEADING_PUNCT = /[。,;:!?]/
const GLUED_TITLE = new RegExp(`^([^。,;:!?()"]{4,40}?${'(?:要点|方案|计划|规划|报告|总结|意见|安排|纲要|细则|办法)'})(?:范文|范本|模板)?(?=[^\\s,。;:!?、的和与及])`)
const SITE_WORDS = /(?:范文|范本|模板|大全|精选|汇编|合集|(?:\(?\d+篇\)?))+$/

function stripSiteWords(t: string): string {
  return t.replace(SITE_WORDS, '').trim()
}

/** A speech that reports the government's work to the congress is a 政府工作报告. */
function reportTitle(ps: readonly Paragraph[], sepIndex: number): string | null {
  for (let k = sepIndex + 1; k < ps.length && k <= sepIndex + 3; k++) if (/向大会报告(?:政府)?工作/.test(ps[k]!.text)) return '政府工作报告'
  return null
}

/**
 * A title for a part that has none: the compilation's title (the first heading-like line before
 * the first separator, without `范文` and the like) with the part's label, e.g.
 * `城市管理业务工作计划(第2篇)`; the label alone when the file has no title.
 */
function partTitle(ps: readonly Paragraph[], sepIndex: number, label: string): string {
  let base = ''
  for (let k = 0; k < sepIndex && k < 40; k++) {
    const p = ps[k]!
    if (SEPARATOR.test(p.text)) break
    if (!p.marker && p.text.length >= 4 && p.text.length <= 60 && !HEADING_PUNCT.test(p.text)) {
      base = stripSiteWords(p.text)
      break
    }
  }
  return base ? `${base}(${label.trim()})` : label.trim()
}

/** True when a paragraph reads like the title of a plan. */
export function looksLikeTitle(p: Paragraph): boolean {
  return p.marker === null && p.text.length >= 6 && p.text.length <= 60 && !SENTENCE_PUNCT.test(p.text) && PLAN_WORD.test(p.text)
}

/** Entries of a table of contents: `2.新冠肺炎出院患者复诊复检工作方案 14`. */
function tocEntries(ps: readonly Paragraph[]): { titles: string[]; end: number } | null {
  const i = ps.findIndex((p, k) => k < 60 && /^目\s*录$/.test(p.text))
  if (i < 0) return null
  const titles: string[] = []
  let k = i + 1
  for (; k < ps.length; k++) {
    const m = /^(?:\d{1,3}\s*[.、]\s*)?(.{4,80}?)\s*\.*\s*\d{1,4}$/.exec(ps[k]!.text)
    if (!m || /[。]/.test(ps[k]!.text)) break
    titles.push(m[1]!.trim())
  }
  return titles.length >= 2 ? { titles, end: k } : null
}

function matchesToc(text: string, titles: readonly string[]): boolean {
  if (text.length < 6 || text.length > 90 || SENTENCE_PUNCT.test(text)) return false
  for (const t of titles) {
    if (text === t) return true
    if (t.length >= 8 && (text.endsWith(t) || t.endsWith(text)) && Math.abs(text.length - t.length) <= 6) return true
  }
  return false
}

/** The first outline marker within a few paragraphs after `i` starts a new numbering. */
function newOutlineFollows(ps: readonly Paragraph[], i: number): boolean {
  for (let k = i + 1; k < ps.length && k <= i + 8; k++) {
    const m = ps[k]!.marker
    if (m) return m.ordinal === 1 && m.type !== 'cn-shi'
    if (looksLikeTitle(ps[k]!) || SEPARATOR.test(ps[k]!.text)) return false
  }
  return false
}

/** Splits the paragraphs of a file into documents. */
export function splitDocuments(ps: readonly Paragraph[]): DocumentSpan[] {
  const starts: { index: number; title: string; bodyStart: number }[] = []
  const toc = tocEntries(ps)
  let from = toc ? toc.end : 0
  let lastStart = -10
  let sawSeparator = false
  for (let i = from; i < ps.length; i++) {
    const p = ps[i]!
    const sep = SEPARATOR.exec(p.text)
    if (sep && p.text.length <= 80 && !/[。]/.test(p.text)) {
      let title = (sep[3] ?? '').trim()
      let bodyStart = i + 1
      if (!title) {
        const next = ps[i + 1]
        if (next && !next.marker && next.text.length <= 60 && !HEADING_PUNCT.test(next.text)) {
          title = next.text
          bodyStart = i + 2
        } else {
          // `关于…工作总结范文经过全校师生的共同努力,…`: the title run into the first paragraph;
          // else the compilation's own title with the part's label.
          const glued = next && !next.marker ? GLUED_TITLE.exec(next.text) : null
          title = glued && !/^(按照|根据|为了|为|在)/.test(glued[1]!) ? stripSiteWords(glued[1]!) : reportTitle(ps, i) ?? partTitle(ps, i, p.text)
        }
      } else if (ps[i + 1] && ps[i + 1]!.text === title) bodyStart = i + 2
      starts.push({ index: i, title, bodyStart })
      lastStart = bodyStart - 1
      sawSeparator = true
      continue
    }
    if (sawSeparator) continue
    const isToc = toc !== null && matchesToc(p.text, toc.titles)
    if ((isToc || (looksLikeTitle(p) && newOutlineFollows(ps, i))) && i > lastStart + 1) {
      starts.push({ index: i, title: p.text, bodyStart: i + 1 })
      lastStart = i
    }
  }
  if (starts.length === 0) {
    const first = ps.findIndex((p) => !p.marker && p.text.length <= 60 && !/[。]/.test(p.text))
    const title = first >= 0 ? ps[first]!.text : ''
    return [{ title, start: 0, end: ps.length, bodyStart: first >= 0 && first < 5 ? first + 1 : 0 }]
  }
  const spans: DocumentSpan[] = []
  const firstStart = starts[0]!.index
  // Text before the first boundary is a document of its own only when it has an outline.
  const pre = ps.slice(toc ? toc.end : 0, firstStart)
  if (pre.filter((p) => p.marker).length >= 2) {
    spans.push({ title: pre.find((p) => !p.marker)?.text ?? '', start: toc ? toc.end : 0, end: firstStart, bodyStart: toc ? toc.end : 0 })
  }
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!
    const end = k + 1 < starts.length ? starts[k + 1]!.index : ps.length
    spans.push({ title: s.title, start: s.index, end, bodyStart: Math.min(s.bodyStart, end) })
  }
  return spans
}
