/**
 * Chinese word segmentation (中文分词) with @node-rs/jieba, its default dictionary loaded once per process
 * (about 0.2 s). Domain code receives this as a plain `(text) => words` function.
 */
import { createRequire } from 'node:module'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import type { EverydayWord } from '../../domain/tickets/duplicates.ts'

const require = createRequire(import.meta.url)

type Jieba = { cut(sentence: string, hmm?: boolean): string[]; cutForSearch(sentence: string, hmm?: boolean): string[] }
let jieba: Jieba | null = null

function loaded(): Jieba {
  if (!jieba) {
    // The native addon and its dictionary are CommonJS; loaded on first use so that importing costs nothing.
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): Jieba } }
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array }
    jieba = Jieba.withDict(dict)
  }
  return jieba
}

/** Segments text with jieba (precise mode, HMM on for words outside the dictionary). */
export const jiebaTokenize: Tokenize = (text) => loaded().cut(text, true)

/**
 * Search mode (搜索引擎模式): a long word also yields its shorter dictionary words (医保卡 → 医保, 医保卡), so that a
 * query and a text segmented at different granularity still share words. Used by the knowledge base's search.
 */
export const jiebaSearchTokenize: Tokenize = (text) => loaded().cutForSearch(text, true)

/**
 * jieba's IDF table (idf.txt, shipped with @node-rs/jieba for its keyword extraction: 270,000 words) read from general
 * text: a word below EVERYDAY_IDF occurs in more than one document in e^5 ≈ 150 there. Such words (419: 的, 着, 走, 很多,
 * 东西, 时间) say nothing as a reason two requests look alike; a few a request may be about (价格, 银行) go with them, the
 * request's other shared words staying. Rarer words that are still everyday (晚上 5.96, 孩子 5.18) stay: below 6 the
 * table already holds 学生, 安全 and 出口.
 */
const EVERYDAY_IDF = 5

let everydayWords: ReadonlySet<string> | null = null

function loadedEverydayWords(): ReadonlySet<string> {
  if (!everydayWords) {
    // 6 MB of "word idf" lines; only the few hundred everyday words are kept (the whole table as a Map would be 35 MB).
    const { idf } = require('@node-rs/jieba/dict') as { idf: Uint8Array }
    const text = Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength).toString('utf8')
    const words = new Set<string>()
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start)
      if (end < 0) end = text.length
      const space = text.lastIndexOf(' ', end)
      // Most lines are rare words (an IDF of 10 or more, or a first digit at or above 5's): rejected without parsing.
      const lead = text.charCodeAt(space + 1) - 48
      if (space > start && text[space + 2] === '.' && lead < EVERYDAY_IDF && Number(text.slice(space + 1, end)) < EVERYDAY_IDF) words.add(text.slice(start, space))
      start = end + 1
    }
    everydayWords = words
  }
  return everydayWords
}

/** Whether a word is of everyday language by jieba's IDF table (EVERYDAY_IDF); loaded on first use. */
export const jiebaEverydayWord: EverydayWord = (word) => loadedEverydayWords().has(word)
