import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { areaNoticePrefix, coveringArea, derivedAreaOffice, type AreaUnit } from './area-office.ts'
import { nameLessLevel } from './division-name.ts'

const u = (id: string, name: string, parentId: string | null, level: string): AreaUnit => ({ id, name, parentId, level })
const TREE: AreaUnit[] = [
  u('yz', '云州市', null, 'city'),
  u('fgw', '云州市发展和改革委员会', 'yz', 'department'),
  u('ql', '青龙区', 'yz', 'district'),
  u('ql-zjj', '青龙区住房和城乡建设局', 'ql', 'department'),
  u('ql-hb', '河滨街道', 'ql', 'township'),
  u('ql-hb-1', '滨江社区', 'ql-hb', 'community'),
  u('sq', '松桥县', 'yz', 'district'),
]

describe('coveringArea: the area below the top whose office issues a 通报 over a scope', () => {
  it('is the district for a scope inside one district, at any depth', () => {
    expect(coveringArea(TREE, ['ql', 'ql-zjj', 'ql-hb', 'ql-hb-1'])?.id).toBe('ql')
    expect(coveringArea(TREE, ['ql-hb', 'ql-hb-1'])?.id).toBe('ql') // a township's scope: its district's office
    expect(coveringArea(TREE, ['ql-zjj'])?.id).toBe('ql')
  })
  it('is none (the top office) for all units, two districts, a city department, an empty or unknown scope', () => {
    expect(coveringArea(TREE, null)).toBeNull()
    expect(coveringArea(TREE, ['ql', 'sq'])).toBeNull()
    expect(coveringArea(TREE, ['fgw'])).toBeNull()
    expect(coveringArea(TREE, ['yz', 'ql'])).toBeNull()
    expect(coveringArea(TREE, [])).toBeNull()
    expect(coveringArea(TREE, ['gone'])).toBeNull()
  })
  it('survives a cycle in the directory', () => {
    expect(coveringArea([u('a', '甲区', 'b', 'district'), u('b', '乙区', 'a', 'district')], ['a'])?.id).toBe('a')
  })
  it('always answers an area below the top that holds every unit of the scope', () => {
    fc.assert(
      fc.property(fc.subarray(TREE.map((x) => x.id), { minLength: 1 }), (scope) => {
        const area = coveringArea(TREE, scope)
        if (!area) return
        expect(['city', 'district', 'province']).toContain(area.level)
        expect(area.parentId).not.toBeNull()
        const byId = new Map(TREE.map((x) => [x.id, x]))
        for (const id of scope) {
          let cur = byId.get(id)
          while (cur && cur.id !== area.id) cur = cur.parentId ? byId.get(cur.parentId) : undefined
          expect(cur?.id, id).toBe(area.id)
        }
      }),
    )
  })
})

describe('derivedAreaOffice: what an area prints until an admin sets it', () => {
  it("is the area government's 督查室, and a prefix of its name without the level", () => {
    expect(derivedAreaOffice('青龙区')).toEqual({ issuingOffice: '青龙区人民政府督查室', bulletinPrefix: '青龙督通' })
    expect(derivedAreaOffice('松桥县').bulletinPrefix).toBe('松桥督通')
    expect(nameLessLevel('广西壮族自治区')).toBe('广西壮族')
    expect(nameLessLevel('沛县')).toBe('沛县') // two characters stay whole
  })
})

describe('areaNoticePrefix', () => {
  it("gives an area's 督办通知单 prefix from its 通报 prefix", () => {
    expect(areaNoticePrefix('青龙督通')).toBe('青龙督办')
    expect(areaNoticePrefix('青区督通')).toBe('青区督办')
    expect(areaNoticePrefix('青政')).toBe('青政督办')
    // Only a trailing 督通 is the 通报's mark: one inside the prefix stays.
    expect(areaNoticePrefix('督通青')).toBe('督通青督办')
  })
})
