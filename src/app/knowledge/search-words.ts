/**
 * The words a knowledge base entry is indexed by and a query is searched with: jieba's segmentation, lower-cased,
 * kept only when made of letters and digits (so nothing reaches to_tsquery as an operator), with the question and
 * function words of a caller's speech (怎么, 如何, 请问 …) left out of queries so that they do not rank.
 */
import type { Tokenize } from '../../domain/dispatch/features.ts'

const WORD = /^[\p{L}\p{N}]+$/u

/** Words that say how a caller asks, not what about. */
const STOP = new Set(
  '的 了 吗 呢 吧 啊 呀 和 与 及 或 是 在 有 我 我们 你 您 他 她 它 这 那 这个 那个 怎么 怎么样 怎样 如何 什么 哪里 哪儿 哪个 为什么 多少 几 请问 请 想 想要 要 需要 能 能否 可以 可不可以 是否 一下 问 问问 咨询 一个 就 也 都 还 去 到 给 把 被 从 对 么'.split(' '),
)

/** The words of an entry's title and body, space-joined, as stored in search_tokens. */
export function indexWords(tokenize: Tokenize, ...texts: string[]): string {
  return texts
    .flatMap((t) => tokenize(t))
    .map((w) => w.trim().toLowerCase())
    .filter((w) => WORD.test(w))
    .join(' ')
}

/** The distinct words of a query to search with (at most 32), question words left out. */
export function queryWords(tokenize: Tokenize, q: string): string[] {
  const words = tokenize(q.slice(0, 500))
    .map((w) => w.trim().toLowerCase())
    .filter((w) => WORD.test(w) && !STOP.has(w))
  return [...new Set(words)].slice(0, 32)
}

/**
 * The terms the desk's suggestions (知识库推荐) match on while the operator types: the query's words of two characters
 * or more, and a run of single characters jieba left side by side (个 税 of 个税汇算) as one phrase (`个 <-> 税`, the
 * same characters next to each other in the entry). A single character alone is no term: jieba leaves many (树, 很,
 * 人 …), and matched on their own they offered an entry on nothing more than a shared 很. Question and function words
 * (STOP) end a run and are left out. Each term is safe for to_tsquery (letters, digits and `<->` only).
 */
export function offerTerms(tokenize: Tokenize, q: string): string[] {
  const terms: string[] = []
  let run: string[] = []
  const endRun = (): void => {
    if (run.length >= 2) terms.push(run.join(' <-> '))
    run = []
  }
  for (const raw of tokenize(q.slice(0, 500))) {
    const w = raw.trim().toLowerCase()
    if (!WORD.test(w) || STOP.has(w)) {
      endRun()
      continue
    }
    if ([...w].length === 1) {
      run.push(w)
      continue
    }
    endRun()
    terms.push(w)
  }
  endRun()
  return [...new Set(terms)].slice(0, 32)
}
