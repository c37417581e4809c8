import { describe, expect, it } from 'vitest'
import { fromRaw } from '../mapped-text.ts'
import { splitDocuments } from './documents.ts'
import { readMarker } from './markers.ts'
import { titleYear } from './metadata.ts'
import { buildOutline } from './outline.ts'
import { toParagraphs } from './paragraphs.ts'

describe('readMarker', () => {
  it.each([
    ['一、总体要求', 'cn-dun', '一、', 1],
    ['（十一）强化政府网站建设管理。', 'cn-paren', '(十一)', 11],
    ['(一)完善工作机制', 'cn-paren', '(一)', 1],
    ['1.生态文明建设规划制定并实施。', 'num-dot', '1.', 1],
    ['12．加强', 'num-dot', '12.', 12],
    ['3、加强考核和督导。', 'num-dun', '3、', 3],
    ['(2)不动产智治舟山场景', 'num-paren', '(2)', 2],
    ['④智能准入场景', 'circled', '④', 4],
    ['二是开展专题调研。', 'cn-shi', '二是', 2],
    ['第二章 重点任务', 'chapter', '第二章', 2],
    ['第三节 强化数据共享开放', 'section', '第三节', 3],
    ['第十二条本办法自印发之日起施行。', 'article', '第十二条', 12],
    ['2）建设全市统一的视频共享平台', 'num-rparen', '2)', 2],
    ['⑵推进电子证照共享互认。', 'num-paren', '(2)', 2],
  ])('reads %s', (text, type, marker, ordinal) => {
    expect(readMarker(text.replace(/（/g, '(').replace(/）/g, ')').replace(/．/g, '.'))).toMatchObject({ type, text: marker, ordinal })
  })
  it.each(['2013年工作回顾', '1.5万吨', '(试行)', '一是否', '第一篇:要点', '第一次全体会议', '2)'])('finds no marker in %s', (text) => {
    expect(readMarker(text)).toBeNull()
  })
})

const outlineOf = (raw: string) => {
  const ps = toParagraphs(fromRaw(raw))
  return buildOutline(ps, 0, ps.length).map((n) => n.path.join(''))
}

describe('buildOutline', () => {
  it('ranks marker types by first appearance', () => {
    expect(outlineOf('一、甲\n(一)乙\n1.丙\n2.丁\n二、戊\n1.己')).toEqual(['一、', '一、(一)', '一、(一)1.', '一、(一)2.', '二、', '二、1.'])
  })
  it('nests by first appearance even when the usual order is inverted', () => {
    expect(outlineOf('(一)甲\n一、乙\n(二)丙')).toEqual(['(一)', '(一)一、', '(二)'])
  })
  it('handles numbering that restarts', () => {
    expect(outlineOf('(一)回顾\n(二)回顾\n今年工作\n(一)计划\n1.任务')).toEqual(['(一)', '(二)', '(一)', '(一)1.'])
  })
})

describe('toParagraphs', () => {
  it('joins a sentence broken by a page number and keeps the first line', () => {
    const raw = '(一)推进公开。全面实施“双随机、一公开”监管制度并且要多渠道全方位及时公开综合监管和检查执法信息以及其他相关信息,进一步提高监管效能和公正性,增强监\n\n— 1 — 管,多渠道公开。(新区各部门落实)\n'
    const ps = toParagraphs(fromRaw(raw))
    expect(ps).toHaveLength(1)
    expect(ps[0]!.line).toBe(1)
  })
  it('keeps a short heading apart from its body', () => {
    expect(toParagraphs(fromRaw('(一)提升工作质量\n细化财政信息公开。'))).toHaveLength(2)
  })
})

describe('splitDocuments', () => {
  const titles = (raw: string) => splitDocuments(toParagraphs(fromRaw(raw))).map((d) => d.title)
  it('splits at 第N篇 and 篇N separators', () => {
    expect(titles('第一篇:甲工作要点\n一、甲\n第二篇:乙工作要点\n一、乙')).toEqual(['甲工作要点', '乙工作要点'])
    expect(titles('篇1\n丙工作计划\n一、丙\n篇2\n丁工作计划\n一、丁')).toEqual(['丙工作计划', '丁工作计划'])
  })
  it('names a part that has no title of its own', () => {
    const long = '以十七届三中全会精神为指导,紧紧围绕县委的工作思路,切实按照工作要求,扎实推进城市管理各项工作。'
    expect(titles(`城市管理业务工作计划范文\n第1篇\n${long}\n一、目标\n第2篇\n关于学校创卫工作总结范文经过全校师生的共同努力,创卫工作已初见成效。\n一、领导重视\n第3篇\n按照会议安排,下面我讲几点意见:\n一、甲`)).toEqual([
      '城市管理业务工作计划(第1篇)',
      '关于学校创卫工作总结',
      '城市管理业务工作计划(第3篇)',
    ])
    expect(titles(`篇1\n各位代表:\n现在,我代表市人民政府向大会报告工作,请予审议。\n一、回顾`)).toEqual(['政府工作报告'])
  })
  it('splits at a title line followed by a new outline', () => {
    expect(titles('甲局2020年政务公开工作方案\n一、目标\n二、任务\n甲局\n2020年1月8日\n乙局2020年政务公开工作方案\n前言。\n一、目标')).toEqual([
      '甲局2020年政务公开工作方案',
      '乙局2020年政务公开工作方案',
    ])
  })
  it('uses a table of contents', () => {
    expect(titles('目录\n1.甲市推进热线归并工作方案 3\n2.乙市优化政务环境工作方案 9\n甲市推进热线归并工作方案\n前言。\n乙市优化政务环境工作方案\n前言。')).toEqual([
      '甲市推进热线归并工作方案',
      '乙市优化政务环境工作方案',
    ])
  })
})

describe('titleYear', () => {
  it.each([
    ['金普新区2018年政务公开工作要点', 2018],
    ['平原县司法局20xx年政务公开工作方案', null],
    ['推进多式联运发展优化调整运输结构工作方案(20xx-2025年)', null],
    ['城市管理工作计划', null],
  ])('%s → %s', (title, year) => {
    expect(titleYear(title)).toBe(year)
  })
})
