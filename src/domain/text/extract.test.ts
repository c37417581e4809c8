import { describe, expect, it } from 'vitest'
import { extractPlan } from './extract.ts'
import { toGold } from './gold-format.ts'

const plan = [
  '甲区2018年政务公开工作要点', // 1
  '一、加强公开', // 2
  '(一)推进公开。8月底前完成整合。(牵头单位:区政府办,责任单位:各街道落实)', // 3
  '(二)强化解读。(区民政局、财政局等有关部门落实)', // 4
  '二、工作细则', // 5
  '1.规范流程。', // 6
  '责任单位:办公室', // 7
  '2.加强审查。', // 8
  '责任单位:机关各科室', // 9
  '三、数字化', // 10
  '(一)平台建设', // 11
  '1.迭代升级平台。', // 12
  '2.推进节点建设。', // 13
  '(牵头处室:信息中心,协同处室:各相关处室)', // 14
  '(二)数据共享', // 15
  '细化财政信息公开。(责任单位:财政所)', // 16
  '2018年底前完成剩余工作,联系人:张三。', // 17
].join('\n')

describe('extractPlan', () => {
  const result = extractPlan(plan, { file: 'dir/plan.txt', encoding: 'utf-8' })
  const items = result.documents.flatMap((d) => d.items)
  const at = (line: number) => items.find((i) => i.line === line)

  it('reads the document title and year', () => {
    expect(result.documents[0]).toMatchObject({ title: '甲区2018年政务公开工作要点', year: 2018, firstLine: 1 })
  })
  it('reads an inline tag with a due date that keeps year null', () => {
    expect(at(3)).toMatchObject({ path: ['一、', '(一)'], lead: ['区政府办'], responsible: ['各街道'], deadlines: [{ year: null, month: 8, day: null }] })
  })
  it('reads an untitled tag as responsible', () => {
    expect(at(4)?.responsible).toEqual(['区民政局', '财政局'])
  })
  it('gives a tag line to the item just above it', () => {
    expect(at(6)?.responsible).toEqual(['办公室'])
    expect(at(8)?.responsible).toEqual(['机关各科室'])
  })
  it('gives a tag line after untagged sibling sub-items to their parent', () => {
    expect(at(11)).toMatchObject({ lead: ['信息中心'], cooperating: ['各相关处室'] })
    expect(at(13)?.assigned).toBe(false)
  })
  it('makes a tagged unnumbered paragraph an item and stops the item at its tag', () => {
    expect(at(16)).toMatchObject({ marker: '', path: ['三、', '(二)'], responsible: ['财政所'], deadlines: [] })
  })
  it('writes the gold format with assigned items only', () => {
    const g = toGold(result)
    expect(g.file).toBe('plan.txt')
    expect(g.documents[0]!.items.map((i) => i.line)).toEqual([3, 4, 6, 8, 11, 16])
  })
})

describe('extractPlan: the 主送 line under a long title', () => {
  const title = '云州市人民政府办公室关于印发云州市2026年营商环境优化工作方案的通知'
  const body = ['现将方案印发给你们,请认真贯彻执行。', '一、优化审批服务', '(一)压缩开办时间。(牵头单位:市市场监管局)']
  for (const [layout, lines] of [
    ['right under the title', [title, '各区县人民政府，市政府各部门：', ...body]],
    ['after a blank line', [title, '', '各区县人民政府，市政府各部门：', '', ...body]],
  ] as const) {
    it(`keeps the title whole when the 主送 line stands ${layout}`, () => {
      const r = extractPlan(lines.join('\n'), { file: 'notice.txt', encoding: 'utf-8' })
      expect(r.documents[0]!.title).toBe(title)
    })
  }
})
