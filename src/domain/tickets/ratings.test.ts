import { describe, expect, it } from 'vitest'
import { ratingLabel, replyRated } from './ratings.ts'

describe('the requester rates each reply round once (市民评价 after 重办)', () => {
  const first = '2026-11-03T01:00:00.000Z'
  const second = '2026-11-10T01:00:00.000Z'

  it('a reply nobody rated may be rated', () => {
    expect(replyRated(first, null)).toBe(false)
  })

  it('the reply the rating names is rated', () => {
    expect(replyRated(first, { replyAt: first, at: '2026-11-03T05:00:00.000Z' })).toBe(true)
  })

  it('the new reply after 重办 may be rated again', () => {
    expect(replyRated(second, { replyAt: first, at: '2026-11-03T05:00:00.000Z' })).toBe(false)
  })

  it('a rating recorded before ratings named their reply stands for the reply before it', () => {
    expect(replyRated(first, { replyAt: null, at: '2026-11-03T05:00:00.000Z' })).toBe(true)
    expect(replyRated(second, { replyAt: null, at: '2026-11-03T05:00:00.000Z' })).toBe(false)
  })

  it('shows a code as its word', () => {
    expect(ratingLabel('basically_satisfied')).toBe('基本满意')
  })
})
