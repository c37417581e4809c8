import { describe, expect, it } from 'vitest'
import { sourceLevels } from './item-source.ts'

const e = (document: number, line: number, path: string[], title: string) => ({ document, line, path, title })

describe('an item’s 来源 shows its headings with the markers', () => {
  const outline = [
    e(0, 3, ['一、'], '稳定经济增长'),
    e(0, 4, ['一、', '(一)'], '扩大有效投资'),
    e(0, 9, ['二、'], '深化改革开放'),
    e(1, 20, ['一、'], '另一篇的第一部分'),
    e(1, 21, ['一、', '(一)'], '另一篇的第一项'),
  ]

  it('takes each level’s heading from the item’s own document', () => {
    expect(sourceLevels(outline, ['一、', '(一)'], 21)).toEqual([
      { marker: '一、', title: '另一篇的第一部分' },
      { marker: '(一)', title: '另一篇的第一项' },
    ])
    expect(sourceLevels(outline, ['一、', '(一)'], 4).map((l) => l.title)).toEqual(['稳定经济增长', '扩大有效投资'])
  })

  it('trims a long heading and leaves a level it cannot find to its marker', () => {
    const long = [e(0, 1, ['一、'], `  ${'推进城乡融合发展'.repeat(5)}。 `), e(0, 2, ['一、', '1.'], '某项')]
    const [first] = sourceLevels(long, ['一、', '1.'], 2)
    expect(first!.title!.endsWith('…')).toBe(true)
    expect([...first!.title!].length).toBe(25)
    expect(sourceLevels(long, ['一、', '(二)', '1.'], 2)[1]).toEqual({ marker: '(二)', title: null })
  })
})
