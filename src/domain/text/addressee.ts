/**
 * The 主送 line (各区县人民政府，市政府各部门：) under a document's title. A title such as
 * 关于印发…工作方案的通知 is often too long to pass for a short heading, so both the line rejoiner and the
 * paragraph cutter would take the 主送 line for the rest of a broken sentence and read the title as
 * …工作方案的通知各区县人民政府,市政府各部门:. Either side of normalisation (full-width or ASCII colon).
 */

/** What a document's title ends with: …的通知, …实施方案, …若干意见. */
const TITLE_END = /(?:通知|方案|意见|要点|计划|办法|规定|细则|报告|规划|决定|通报|批复|函|安排|纲要)$/

/** True when `next` is the 主送 line under the title `prev`, which must stay apart from it. */
export function addresseeUnderTitle(prev: string, next: string): boolean {
  return TITLE_END.test(prev) && /[:：]$/.test(next) && next.length <= 80
}
