/**
 * Chinese word segmentation (中文分词) with @node-rs/jieba, its default dictionary loaded once per process
 * (about 0.2 s). Domain code receives this as a plain `(text) => words` function.
 */
import { createRequire } from 'node:module'
import type { Tokenize } from '../../domain/dispatch/features.ts'

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
