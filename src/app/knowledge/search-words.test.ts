import { describe, expect, it } from 'vitest'
import { offerTerms } from './search-words.ts'

/** A stand-in for jieba: the words as given, space-separated. */
const split = (s: string): string[] => s.split(' ')

describe('offerTerms (知识库推荐)', () => {
  it('keeps words of two characters or more and drops a single character alone', () => {
    expect(offerTerms(split, '楼下 烧烤 很 吵')).toEqual(['楼下', '烧烤', '很 <-> 吵'])
    expect(offerTerms(split, '楼下 烧烤 很')).toEqual(['楼下', '烧烤'])
  })
  it('joins single characters side by side into one phrase; a question word or another word ends it', () => {
    expect(offerTerms(split, '个 税 汇算')).toEqual(['个 <-> 税', '汇算'])
    expect(offerTerms(split, '树 的 倒')).toEqual([])
    expect(offerTerms(split, '请问 个 税 怎么 交')).toEqual(['个 <-> 税'])
  })
})
