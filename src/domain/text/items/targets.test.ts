import { describe, expect, it } from 'vitest'
import { readTargets } from './targets.ts'

describe('readTargets', () => {
  it.each([
    ['接种率均达到95%以上', { metric: '接种率', comparison: '>=', value: 95, unit: '%' }],
    ['每年开展督查不少于2次', { metric: '开展督查', comparison: '>=', value: 2, unit: '次' }],
    ['城镇登记失业率控制在3.5%以下', { metric: '城镇登记失业率', comparison: '<=', value: 3.5, unit: '%' }],
    ['确保城镇登记失业率控制在3.5%以下。', { metric: '城镇登记失业率', comparison: '<=', value: 3.5, unit: '%' }],
    ['工业在全市工业中的比重控制在60%以内', { metric: '比重', comparison: '<=', value: 60, unit: '%' }],
    ['生态文明建设工作占党政实绩考核的比例≥20%', { metric: '比例', comparison: '>=', value: 20, unit: '%' }],
    ['森林覆盖率≥40%', { metric: '森林覆盖率', comparison: '>=', value: 40, unit: '%' }],
    ['群众满意度不低于90%', { metric: '群众满意度', comparison: '>=', value: 90, unit: '%' }],
    ['办理时限不超过5个工作日', { metric: '办理时限', comparison: '<=', value: 5, unit: '个工作日' }],
    ['全市生活垃圾无害化处理率达到100%', { metric: '生活垃圾无害化处理率', comparison: '>=', value: 100, unit: '%' }],
    ['加强管理,使全市城市生活垃圾无害化处理率达到100%', { metric: '城市生活垃圾无害化处理率', comparison: '>=', value: 100, unit: '%' }],
    ['初中生均公用经费提高到230元', { metric: '初中生均公用经费', comparison: '>=', value: 230, unit: '元' }],
    ['新农合人均筹资标准由230元提高到540元', { metric: '新农合人均筹资标准', comparison: '>=', value: 540, unit: '元' }],
    ['单位GDP能耗下降15%', { metric: '单位GDP能耗', comparison: '>=', value: 15, unit: '%', change: 'decrease' }],
    ['地区生产总值增长8%左右', { metric: '地区生产总值', comparison: '=', value: 8, unit: '%', change: 'increase' }],
    ['研发投入占GDP比重提高1个百分点以上', { metric: 'GDP比重', comparison: '>=', value: 1, unit: '个百分点', change: 'increase' }],
    ['优良天数比例稳定在80%-90%', { metric: '优良天数比例', comparison: 'range', value: 80, valueTo: 90, unit: '%' }],
    ['形成50万-70万份/天的能力', { comparison: 'range', value: 50, valueTo: 70, unit: '万份' }],
    ['培育5至10家市级电商示范企业', { metric: '培育市级电商示范企业', comparison: 'range', value: 5, valueTo: 10, unit: '家' }],
    ['实施100个以上节能项目', { metric: '实施节能项目', comparison: '>=', value: 100, unit: '个' }],
    ['新增10家以上高新技术企业', { metric: '高新技术企业', comparison: '>=', value: 10, unit: '家', change: 'increase' }],
    ['新增公益性岗位1000个', { metric: '公益性岗位', comparison: '>=', value: 1000, unit: '个', change: 'increase' }],
  ])('reads %s', (text, expected) => {
    expect(readTargets(text)[0]).toMatchObject(expected)
  })

  it('keeps the magnitude in the unit, as written', () => {
    expect(readTargets('实现新增城镇就业2.5万人')[0]).toMatchObject({ metric: '城镇就业', value: 2.5, unit: '万人', change: 'increase' })
    expect(readTargets('建筑业总产值达到280亿元')[0]).toMatchObject({ metric: '建筑业总产值', value: 280, unit: '亿元', comparison: '>=' })
    expect(readTargets('航运业总运力达到109.5万吨')[0]).toMatchObject({ value: 109.5, unit: '万吨' })
  })

  it('gives a second figure after 和 the first one’s metric', () => {
    const ts = readTargets('城乡居民人均可支配收入分别增长6%左右和8%以上')
    expect(ts).toHaveLength(2)
    expect(ts[1]).toMatchObject({ metric: '城乡居民人均可支配收入', comparison: '>=', value: 8, change: 'increase' })
  })

  it('leaves the base of a change out of the metric and carries the metric to a figure right after', () => {
    expect(readTargets('居民收入比去年同期增加19.18%')[0]).toMatchObject({ metric: '居民收入', change: 'increase' })
    expect(readTargets('销售收入增加到208.7亿元,增长16.9%')[1]).toMatchObject({ metric: '销售收入', value: 16.9, unit: '%', change: 'increase' })
  })

  it('finds the metric of a change in the figure before it, and never reaches past the previous target', () => {
    expect(readTargets('全年实现地区生产总值280亿元,增长10%')[0]).toMatchObject({ metric: '地区生产总值', value: 10, change: 'increase' })
    expect(readTargets('二级指导员数量突破200人一级指导员数量突破100人')[1]).toMatchObject({ metric: '一级指导员数量', comparison: '>', value: 100 })
    expect(readTargets('日检测量达到150万人份以上')[0]).toMatchObject({ metric: '日检测量', value: 150, unit: '万人份' })
    expect(readTargets('年内开展慢性病宣传活动不少于3次')[0]).toMatchObject({ metric: '开展慢性病宣传活动' })
  })

  it('ignores numbers without a comparison, and statements of fact', () => {
    expect(readTargets('全年实施港口、物流项目15项')).toEqual([])
    expect(readTargets('市场占有率已达到79.5%')).toEqual([])
    expect(readTargets('煤炭行业告别了30万吨以下的落后产能')).toEqual([])
    expect(readTargets('2020年达到')).toEqual([])
  })
})
