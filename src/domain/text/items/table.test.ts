import { describe, expect, it } from 'vitest'
import { fromRaw } from '../mapped-text.ts'
import { buildOutline } from '../structure/outline.ts'
import { toParagraphs } from '../structure/paragraphs.ts'
import { extractItems } from './items.ts'

describe('tables flattened into | lines', () => {
  it('makes one item per row with units from the role columns', () => {
    const raw = ['甲市2020年工作要点', '一、重点任务', '序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时间', '1 | 建设平台 | 市大数据局 | 市财政局、市发改委 | 2020年6月底前', '2 | 完善制度 | 市政府办 | 各县区人民政府 | 长期坚持'].join('\n')
    // Straight from paragraphs: the table rows as written, without cleaning.
    const ps = toParagraphs(fromRaw(raw))
    const items = extractItems(ps, 1, ps.length, buildOutline(ps, 1, ps.length))
    expect(items.find((i) => i.line === 4)).toMatchObject({
      marker: '1.', path: ['一、', '1.'], lead: ['市大数据局'], cooperating: ['市财政局', '市发改委'], deadlines: [{ year: 2020, month: 6, day: null }],
    })
    expect(items.find((i) => i.line === 5)).toMatchObject({ lead: ['市政府办'], cooperating: ['各县区人民政府'], deadlines: [] })
  })
})

describe('flat table shapes', () => {
  it('reads cells with a | line between them, an empty cell as two bar lines', async () => {
    const { extractPlan } = await import('../extract.ts')
    const raw = ['甲县2026年重点任务表', '序号', '|', '工作任务', '|', '牵头单位', '|', '配合单位', '|', '完成时限', '1', '|', '建设平台', '|', '县大数据局', '|', '|', '年底前', '2', '|', '完善制度', '|', '县政府办', '|', '各乡镇', '|', '2026年6月底前'].join('\n')
    const items = extractPlan(raw, { file: 'x.txt', encoding: 'utf-8' }).documents.flatMap((d) => d.items)
    expect(items.map((i) => [i.line, i.marker, i.lead, i.cooperating, i.deadlines.map((d) => [d.year, d.month])])).toEqual([
      [11, '1.', ['县大数据局'], [], [[2026, 12]]],
      [19, '2.', ['县政府办'], ['各乡镇'], [[2026, 6]]],
    ])
  })
})

describe('columns by meaning', () => {
  it('maps headers to roles, people never units, and reports what it cannot place', async () => {
    const { readColumns, roleOfHeader } = await import('./table.ts')
    expect(['序号', '重点工作任务', '具体举措', '牵头责任单位', '主要责任单位', '协同配合单位', '时限要求', '分管领导', '责任人', '备注'].map(roleOfHeader)).toEqual([
      'number', 'task', 'measures', 'lead', 'responsible', 'cooperating', 'due', 'people', 'people', 'notes',
    ])
    expect(roleOfHeader('牵头单位（部门）')).toBe('lead')
    const cols = readColumns(['序号', '目标任务', '主办单位', '考核分值', '完成时间'])!
    expect(cols.roles).toEqual(['number', 'task', 'lead', 'field', 'due'])
    expect(cols.unplaced).toEqual([{ column: 3, header: '考核分值' }])
    expect(readColumns(['1', '建设平台', '市大数据局', '2026年6月底前'])).toBeNull()
  })

  it('keeps an unknown column on the item and says so in the document', async () => {
    const { extractPlan } = await import('../extract.ts')
    const raw = ['乙市2026年重点任务表', '序号|目标任务|主办单位|考核分值|完成时间', '1|建设平台|市大数据局|10分|年底前'].join('\n')
    const doc = extractPlan(raw, { file: 'y.txt', encoding: 'utf-8' }).documents[0]!
    expect(doc.items[0]!.table).toMatchObject({ number: '1', fields: { 考核分值: '10分' } })
    expect(doc.items[0]!.deadlines).toMatchObject([{ year: 2026, month: 12 }])
    expect(doc.warnings).toEqual(['line 2: column 4 「考核分值」 is not a column the reader knows; kept as a field'])
  })
})
