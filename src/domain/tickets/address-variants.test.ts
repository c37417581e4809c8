import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addressKeyText, addressKeyVariants, divisionIndex, placesAgree, ticketPlaceLine, type Division } from './address-variants.ts'

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
    // The top (云州市) is written by its name or its short form (云州): its name less its level.
    expect(new Set(got)).toEqual(
      new Set(['建设路12号', '云州市建设路12号', '青龙区建设路12号', '云州市青龙区建设路12号', '云州建设路12号', '云州青龙区建设路12号']),
    )
    // The place (河滨街道) adds its line: city, district, township.
    const placed = addressKeyVariants(index, key('建设路12号'), 'ql-hb')
    expect(placed).toHaveLength(12)
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

  it('keeps at most 32 keys (the nearest four divisions, the top by its name or two short forms)', () => {
    expect(addressKeyVariants(index, key('建设路1号'), 'ql-hb-hx')).toHaveLength(24)
    const aliased = divisionIndex(DIVISIONS.map((d) => (d.id === 'yz' ? { ...d, aliases: ['云州', '云城', '彩云之州'] } : d)))
    expect(addressKeyVariants(aliased, key('建设路1号'), 'ql-hb-hx')).toHaveLength(32)
  })

  it('takes off a short form, a two-character name or a province only where a division below it follows', () => {
    // 云州 (云州市 less 市) before 青龙区: the city's nickname, taken off; 云州大道 is a street of its own.
    expect(addressKeyVariants(index, key('云州青龙区建设路12号'), null)).toEqual(expect.arrayContaining(['建设路12号', '云州市青龙区建设路12号']))
    expect(addressKeyVariants(index, key('云州大道5号'), null)).toEqual(['云州大道5号'])
    // An alias from the directory (unit.aliases), here one that is no name less its level.
    const aliased = divisionIndex(DIVISIONS.map((d) => (d.id === 'yz' ? { ...d, aliases: ['云城'] } : d)))
    expect(addressKeyVariants(aliased, key('云城青龙区建设路12号'), null)).toContain('青龙区建设路12号')
    expect(addressKeyVariants(aliased, key('青龙区建设路12号'), null)).toContain('云城青龙区建设路12号')
    expect(addressKeyVariants(aliased, key('云城花园3栋'), null)).toEqual(['云城花园3栋'])
    // 沛县 before a division of its own; not before another district's (白虎区), nor before a street.
    const withTown = divisionIndex([...DIVISIONS, { id: 'px-cg', name: '城关镇', parentId: 'px' }])
    expect(addressKeyVariants(withTown, key('沛县城关镇解放路3号'), null)).toContain('解放路3号')
    expect(addressKeyVariants(withTown, key('沛县白虎区解放路3号'), null)).toEqual(['沛县白虎区解放路3号'])
    // A province's full name before the city; not before a place the directory does not hold.
    expect(addressKeyVariants(index, key('广西壮族自治区云州市青龙区建设路12号'), null)).toEqual(
      expect.arrayContaining(['建设路12号', '青龙区建设路12号', '云州市青龙区建设路12号']),
    )
    expect(addressKeyVariants(index, key('广东省深圳市南山区建设路12号'), null)).toEqual(['广东省深圳市南山区建设路12号'])
    // A district's short form (青龙) is not the top of the chain: taken off before a division below it only.
    expect(addressKeyVariants(index, key('青龙河滨街道建设路12号'), null)).toContain('河滨街道建设路12号')
    expect(addressKeyVariants(index, key('青龙湖公园'), null)).toEqual(['青龙湖公园'])
    // What follows a short form must be taken off itself: 河滨 (河滨街道's) before 路3号 is a street's name.
    expect(addressKeyVariants(index, key('青龙河滨路3号'), null)).toEqual(['青龙河滨路3号'])
    expect(addressKeyVariants(index, key('广西壮族自治区云州青龙区建设路12号'), null)).toContain('建设路12号')
    // Filed in a place, the short form of its line's top before the street is taken off; no other short form is.
    expect(addressKeyVariants(index, key('云州建设路12号'), 'ql-hb')).toContain('建设路12号')
    expect(addressKeyVariants(index, key('云州建设路12号'), null)).toEqual(['云州建设路12号'])
    expect(addressKeyVariants(index, key('青龙路3号'), 'ql-hb')).not.toContain('路3号')
  })

  it('answers for an address of ten thousand short forms without a deep recursion', () => {
    for (const unit of ['云州', '云州青龙', '广西壮族自治区']) {
      expect(() => addressKeyVariants(index, key(unit.repeat(5000) + '建设路1号'), null)).not.toThrow()
    }
  })

  it('finds each writing of one street in one place from every other (property)', () => {
    const line = ['云州市', '青龙区', '河滨街道']
    const top = fc.constantFrom('云州市', '云州')
    // A street that starts with no division's name: Han characters other than those of the names, then a number.
    const street = fc
      .tuple(fc.array(fc.constantFrom(...'建设解放人民中山和平胜利长江黄河文化新华'), { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 999 }))
      .map(([cs, n]) => `${cs.join('')}路${n}号`)
    // Any choice of the line's divisions, the city by its name or its short form.
    const writing = fc.tuple(fc.subarray(line), top).map(([names, t]) => names.map((n) => (n === '云州市' ? t : n)).join(''))
    fc.assert(
      fc.property(street, writing, writing, fc.constantFrom<string | null>(null, 'ql-hb'), (s, p1, p2, place) => {
        const a = key(p1 + s)
        const b = key(p2 + s)
        // Filed in the same place, either writing is found from the other.
        if (place) {
          expect(addressKeyVariants(index, a, place)).toContain(b)
          expect(addressKeyVariants(index, b, place)).toContain(a)
        }
        // With or without a place, a writing finds the bare street address, and itself — but the city's short form
        // alone before the street (云州建设路1号) is taken off only with a place, as it may be the street's own name.
        if (place || p1 !== '云州') expect(addressKeyVariants(index, a, place)).toContain(key(s))
        expect(addressKeyVariants(index, a, place)).toContain(a)
      }),
    )
  })
})

describe('ticketPlaceLine', () => {
  it('is the place’s line, else that of the deepest division the address names, else none', () => {
    expect(ticketPlaceLine(index, 'ql-hb', key('白虎区人民路5号'))).toEqual(['yz', 'ql', 'ql-hb'])
    expect(ticketPlaceLine(index, null, key('青龙区河滨街道人民路5号'))).toEqual(['yz', 'ql', 'ql-hb'])
    expect(ticketPlaceLine(index, null, key('广西壮族自治区云州青龙区人民路5号'))).toEqual(['yz', 'ql'])
    expect(ticketPlaceLine(index, null, key('人民路5号'))).toEqual([])
    // Two districts side by side, as their addresses say, are two places; a district and its street office are one.
    expect(placesAgree(ticketPlaceLine(index, null, key('青龙区人民路5号')), ticketPlaceLine(index, 'bh', key('人民路5号')))).toBe(false)
    expect(placesAgree(ticketPlaceLine(index, null, key('青龙区人民路5号')), ticketPlaceLine(index, 'ql-hb', key('人民路5号')))).toBe(true)
  })
})
