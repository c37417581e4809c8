import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addressKeyText, addressKeyVariants, divisionIndex, type Division } from './address-variants.ts'

const DIVISIONS: Division[] = [
  { id: 'yz', name: '云州市', parentId: null },
  { id: 'ql', name: '青龙区', parentId: 'yz' },
  { id: 'ql-hb', name: '河滨街道', parentId: 'ql' },
  { id: 'ql-hb-hx', name: '河西社区', parentId: 'ql-hb' },
  { id: 'bh', name: '白虎区', parentId: 'yz' },
  { id: 'px', name: '沛县', parentId: 'yz' },
]
const index = divisionIndex(DIVISIONS)
const key = addressKeyText

describe('addressKeyText', () => {
  it('is the generated column’s key: lower case, full-width digits made ASCII, all but digits, Latin letters and Han dropped', () => {
    expect(key('东湖区 江滨路１号 A-3栋')).toBe('东湖区江滨路1号a3栋')
  })
})

describe('addressKeyVariants', () => {
  it('writes the street with every ordered choice of its divisions, from the address and from the place', () => {
    const got = addressKeyVariants(index, key('青龙区建设路12号'), null)
    expect(new Set(got)).toEqual(new Set(['建设路12号', '云州市建设路12号', '青龙区建设路12号', '云州市青龙区建设路12号']))
    // The place (河滨街道) adds its line: city, district, township.
    const placed = addressKeyVariants(index, key('建设路12号'), 'ql-hb')
    expect(placed).toHaveLength(8)
    expect(placed).toEqual(expect.arrayContaining(['建设路12号', '青龙区建设路12号', '云州市青龙区河滨街道建设路12号', '河滨街道建设路12号']))
  })

  it('takes off only the directory’s own names, never a guess from a suffix', () => {
    expect(addressKeyVariants(index, key('工业区8号'), null)).toEqual(['工业区8号'])
    expect(addressKeyVariants(index, key('城市花园5栋'), null)).toEqual(['城市花园5栋'])
    // A two-character name (沛县) is not looked for at the start of an address: too likely a street's own beginning.
    expect(addressKeyVariants(index, key('沛县路3号'), null)).toEqual(['沛县路3号'])
    // An address that is a division's name alone is not emptied.
    expect(addressKeyVariants(index, key('青龙区'), null)).toEqual(expect.arrayContaining(['青龙区']))
    expect(addressKeyVariants(index, '', 'ql')).toEqual([])
  })

  it('does not write another district’s street as this one’s', () => {
    const a = addressKeyVariants(index, key('青龙区人民路5号'), null)
    expect(a).not.toContain(key('白虎区人民路5号'))
  })

  it('keeps at most 16 keys (the nearest four divisions)', () => {
    expect(addressKeyVariants(index, key('建设路1号'), 'ql-hb-hx').length).toBeLessThanOrEqual(16)
  })

  it('finds each writing of one street in one place from every other (property)', () => {
    const line = ['云州市', '青龙区', '河滨街道']
    // A street that starts with no division's name: Han characters other than those of the names, then a number.
    const street = fc
      .tuple(fc.array(fc.constantFrom(...'建设解放人民中山和平胜利长江黄河文化新华'), { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 999 }))
      .map(([cs, n]) => `${cs.join('')}路${n}号`)
    const writing = fc.subarray(line).map((names) => names.join(''))
    fc.assert(
      fc.property(street, writing, writing, fc.constantFrom<string | null>(null, 'ql-hb'), (s, p1, p2, place) => {
        const a = key(p1 + s)
        const b = key(p2 + s)
        // Filed in the same place, either writing is found from the other.
        if (place) {
          expect(addressKeyVariants(index, a, place)).toContain(b)
          expect(addressKeyVariants(index, b, place)).toContain(a)
        }
        // With or without a place, a writing finds the bare street address, and itself.
        expect(addressKeyVariants(index, a, place)).toContain(key(s))
        expect(addressKeyVariants(index, a, place)).toContain(a)
      }),
    )
  })
})
