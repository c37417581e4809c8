import { describe, expect, it } from 'vitest'
import { readDeadlines, readDueSegment } from './deadlines.ts'

const ymd = (ds: readonly { year: number | null; month: number | null; day: number | null }[]) => ds.map((d) => [d.year, d.month, d.day])

describe('readDeadlines (running text)', () => {
  it.each([
    ['20xx年8月底前完成', [[null, 8, null]]],
    ['2018年底前实现70%审批事项网上办理', [[2018, 12, null]]],
    ['10月底前完成试点工作,11月5日前报送试点成果', [[null, 10, null], [null, 11, 5]]],
    ['8月底前完成关停整合', [[null, 8, null]]],
    ['2019年6月30日前完成', [[2019, 6, 30]]],
    ['争取年内获得批复', [[null, 12, null]]],
    ['上半年完成清理', [[null, 6, null]]],
    ['力争到2020年底基本建成', [[2020, 12, null]]],
    ['２０１８年１２月底前', [[2018, 12, null]]],
    ['于2025年6月底完成一期工程', [[2025, 6, null]]],
    ['到9月末全面完成整改', [[null, 9, null]]],
  ])('reads %s', (text, expected) => {
    expect(ymd(readDeadlines(text))).toEqual(expected)
  })

  it.each([
    ['每年1月31日前向社会公布年度报告'],
    ['每月报送工作进展'],
    ['在完成审批程序后1个工作日内公开'],
    ['7日内办结'],
    ['持续推进'],
    ['规划编制阶段(20xx年5月-20xx年7月)'],
    ['截至2012年底,全区共有'],
    ['上半年以来,工作有序推进'],
    ['五年内基本建成'],
    ['20xx年1月11日'],
    ['6月底召开推进会'],
    ['2012年6月底,全区共有'],
    ['年初有实施计划、年内有安排部署、年中有阶段小结'],
  ])('finds no due date in %s', (text) => {
    expect(readDeadlines(text)).toEqual([])
  })
})

describe('readDueSegment (完成时间:…)', () => {
  it.each([
    ['20xx年12月', [[null, 12, null]]],
    ['20xx年12月底前', [[null, 12, null]]],
    ['2018年6月30日', [[2018, 6, 30]]],
    ['20xx年底前', [[null, 12, null]]],
    ['长期坚持', []],
    ['2025年3月至6月', [[2025, 6, null]]],
    ['即日起至2025年12月31日', [[2025, 12, 31]]],
    ['限2025年9月30日前完成', [[2025, 9, 30]]],
    ['2025年第二季度', [[2025, 6, null]]],
    ['持续推进,每月10日前报送进展', []],
  ])('reads %s', (text, expected) => {
    expect(ymd(readDueSegment(text))).toEqual(expected)
  })
})

describe('a due date in brackets after a goal heading', () => {
  it('counts without 前 (近期目标(20xx年12月底))', () => {
    expect(readDeadlines('(一)近期目标(20xx年12月底):迭代深化平台')).toMatchObject([{ year: null, month: 12, day: null }])
    expect(readDeadlines('远期目标（2025年12月底）：建成体系')).toMatchObject([{ year: 2025, month: 12, day: null }])
    expect(readDeadlines('中期目标(20xx年6月)')).toMatchObject([{ year: null, month: 6, day: null }])
  })
  it('but not a bracketed date elsewhere', () => {
    expect(readDeadlines('召开会议(2025年12月底)')).toEqual([])
  })
})
