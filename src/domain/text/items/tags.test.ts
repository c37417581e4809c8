import { describe, expect, it } from 'vitest'
import { readTags, TAG_LINE_RE } from './tags.ts'

const roles = (p: string) => {
  const r = readTags(p)
  return r && { lead: r.tag.lead, responsible: r.tag.responsible, cooperating: r.tag.cooperating, due: r.tag.due }
}

describe('readTags', () => {
  it('reads a bracketed tag with roles and a completion time', () => {
    expect(roles('(一)整体并入。取消热线。(牵头单位:自治区大数据发展局;配合单位:各市人民政府,自治区相关部门。完成时间:20xx年8月底前)')).toEqual({
      lead: ['自治区大数据发展局'], responsible: [], cooperating: ['各市人民政府', '自治区相关部门'], due: ['20xx年8月底前'],
    })
  })
  it('reads full-width punctuation the same as ASCII', () => {
    expect(roles('完善机制。（牵头单位：市政府办；配合单位：市生态环境分局）')).toMatchObject({ lead: ['市政府办'], cooperating: ['市生态环境分局'] })
  })
  it('reads square-bracket tags and keeps parentheses inside unit names', () => {
    expect(roles('6.河长制。全面推行河长制。[牵头单位:市水利局;配合单位:市直各相关单位,各镇(办、区)]')).toMatchObject({
      lead: ['市水利局'], cooperating: ['市直各相关单位', '各镇(办、区)'],
    })
  })
  it('reads 牵头处室/协同处室 with a comma between roles', () => {
    expect(roles('(牵头处室:局数字化改革专班,协同处室:各相关处室、各县(区、功能区)局)')).toMatchObject({
      lead: ['局数字化改革专班'], cooperating: ['各相关处室', '各县(区、功能区)局'],
    })
  })
  it('reads an untitled tag at the end of a paragraph as responsible', () => {
    expect(roles('推进公开。(新区社会事业局、民政局等有关部门落实)')).toMatchObject({ responsible: ['新区社会事业局', '民政局'] })
  })
  it('reads 牵头 and 配合 verbs in an untitled tag', () => {
    expect(roles('完善机制。(市发改委牵头,市财政局、市统计局配合)')).toMatchObject({ lead: ['市发改委'], cooperating: ['市财政局', '市统计局'] })
  })
  it('reads a 责任单位 line', () => {
    expect(roles('责任单位:机关各股室处、中心')).toMatchObject({ responsible: ['机关各股室处', '中心'] })
    expect(TAG_LINE_RE.test('责任单位:办公室')).toBe(true)
    expect(TAG_LINE_RE.test('(牵头处室:信息中心)')).toBe(true)
  })
  it('reads roles in running form inside brackets with the due date inside', () => {
    expect(roles('1.推进改革。（市发改委牵头，市财政局配合，2026年11月底前完成）')).toEqual({
      lead: ['市发改委'], responsible: [], cooperating: ['市财政局'], due: ['2026年11月底前完成'],
    })
    expect(roles('推进改革。(市发改委、市财政局负责;20xx年底前)')).toMatchObject({ responsible: ['市发改委', '市财政局'], due: ['20xx年底前'] })
    expect(roles('推进改革。(市发改委负责,持续推进)')).toMatchObject({ responsible: ['市发改委'], due: [] })
    expect(readTags('推进改革(2020年)')).toBeNull()
  })
  it('reads A负责, A牵头负责 and A、B按职责分工负责', () => {
    expect(roles('推进改革。（市财政局负责）')).toMatchObject({ lead: [], responsible: ['市财政局'] })
    expect(roles('推进改革。（市财政局牵头负责）')).toMatchObject({ lead: ['市财政局'], responsible: [] })
    expect(roles('推进改革。（市财政局、市商务局按职责分工负责）')).toMatchObject({ responsible: ['市财政局', '市商务局'] })
    expect(roles('推进改革。（市财政局牵头，各县区政府负责）')).toMatchObject({ lead: ['市财政局'], responsible: ['各县区政府'] })
  })
  it('drops people and reads more role titles', () => {
    expect(roles('推进改革。（牵头领导：张三；牵头单位：市财政局）')).toEqual({ lead: ['市财政局'], responsible: [], cooperating: [], due: [] })
    expect(roles('推进改革。（责任单位：市财政局；完成时限：2026年6月）')).toMatchObject({ responsible: ['市财政局'], due: ['2026年6月'] })
    expect(roles('推进改革。（主办单位：市财政局；协办单位：市商务局）')).toMatchObject({ lead: ['市财政局'], cooperating: ['市商务局'] })
    expect(roles('推进改革。（主责单位：市财政局）')).toMatchObject({ responsible: ['市财政局'] })
    expect(roles('推进改革。（责任主体：各县区政府）')).toMatchObject({ responsible: ['各县区政府'] })
  })
  it('ignores notes in brackets and running text that only mentions a lead', () => {
    expect(readTags('全面贯彻新发展理念(以下简称综合示范区)')).toBeNull()
    expect(readTags('国务院国资委--章贡区(含赣州经济技术开发区)')).toBeNull()
    expect(readTags('(一)赣州市18个县(市、区)。')).toBeNull()
    expect(readTags('特别是由我局牵头,联合区文明办开展活动。')).toBeNull()
    expect(roles('由市发改委牵头,各县(市、区)政府配合。')).toMatchObject({ lead: ['市发改委'], cooperating: ['各县(市、区)政府'] })
  })
  it('ignores brackets that are not tags', () => {
    expect(readTags('按照《通知》(国发〔2016〕55号)要求,推进工作。')).toBeNull()
    expect(readTags('修订《管理办法(试行)》。')).toBeNull()
    expect(readTags('大连自贸片区建设(PPP)。')).toBeNull()
  })
})
