import { describe, expect, it } from 'vitest'
import { readTargets } from './targets.ts'

describe('readTargets', () => {
  it.each([
    ['接种率均达到95%以上', { metric: '接种率', comparison: '>=', value: 95, unit: '%' }],
    ['每年开展督查不少于2次', { comparison: '>=', value: 2, unit: '次' }],
    ['城镇登记失业率控制在3.5%以下', { metric: '城镇登记失业率', comparison: '<=', value: 3.5, unit: '%' }],
    ['生态文明建设工作占党政实绩考核的比例≥20%', { metric: '比例', comparison: '>=', value: 20, unit: '%' }],
    ['森林覆盖率≥40%', { metric: '森林覆盖率', comparison: '>=', value: 40, unit: '%' }],
    ['形成50万-70万份/天的能力', { comparison: 'range', value: 50 }],
  ])('reads %s', (text, expected) => {
    expect(readTargets(text)[0]).toMatchObject(expected)
  })

  it('ignores numbers without a comparison', () => {
    expect(readTargets('全年实施港口、物流项目15项')).toEqual([])
  })
})
