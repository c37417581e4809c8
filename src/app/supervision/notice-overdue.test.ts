import { describe, expect, it } from 'vitest'
import { DEFAULT_LADDER, type LadderStep } from '../../domain/supervision/supervision-config.ts'
import { nextStepAfterNotice } from './notice-overdue.ts'

describe('the step an unanswered 督办单 raises', () => {
  it('is the first step after the 督办单 step the item has not had', () => {
    expect(nextStepAfterNotice(DEFAULT_LADDER, new Set())?.name).toBe('interview')
    expect(nextStepAfterNotice(DEFAULT_LADDER, new Set(['remind', 'notice', 'interview']))?.name).toBe('bulletin')
    expect(nextStepAfterNotice(DEFAULT_LADDER, new Set(['interview', 'bulletin', 'accountability']))).toBeNull()
  })

  it('never raises the 督办单 step itself or a step before it; with no 督办单 step, any step after the first', () => {
    expect(nextStepAfterNotice(DEFAULT_LADDER, new Set(['interview']))?.name).toBe('bulletin')
    const plain: LadderStep[] = [
      { name: 'remind', label: '提醒', afterDueWorkingDays: 0, action: 'notify' },
      { name: 'talk', label: '约谈', afterDueWorkingDays: 5, action: 'notify' },
    ]
    expect(nextStepAfterNotice(plain, new Set())?.name).toBe('talk')
  })
})
