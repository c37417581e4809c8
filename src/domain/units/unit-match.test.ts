import { describe, expect, it } from 'vitest'
import { buildUnitDirectory, type DirectoryUnit } from './unit-name.match.ts'
import { documentJurisdiction, matchCollective, matchInJurisdiction, nameSimilarity, suggestInside, subtreeOf, type Jurisdiction } from './unit-match.ts'

const u = (id: string, name: string, parentId: string | null, level: string, fn: string | null = null, aliases: string[] = []): DirectoryUnit => ({ id, name, parentId, level, function: fn, aliases })

// Two cities: 云州市 with its own bureaus, and 大连市 → 金普新区 with its departments, streets and a zone.
const units: DirectoryUnit[] = [
  u('yz', '云州市', null, 'city', null, ['云州']),
  u('yz-sthj', '云州市生态环境局', 'yz', 'department', '生态环境', ['市环保局']),
  u('yz-mzj', '云州市民政局', 'yz', 'department', '民政'),
  u('yz-sjj', '云州市市场监督管理局', 'yz', 'department', '市场监管', ['市场局']),
  u('dl', '大连市', null, 'city', null, ['大连']),
  u('jp', '金普新区', 'dl', 'district', null, ['新区']),
  u('jp-hbj', '金普新区环境保护局', 'jp', 'department', '生态环境'),
  u('jp-scj', '金普新区市场监督管理局', 'jp', 'department', '市场监管'),
  u('jp-jfj', '金普新区经济发展局', 'jp', 'department', '发展改革'),
  u('jp-jd-yz', '拥政街道', 'jp', 'township', '街道'),
  u('jp-jd-yy', '友谊街道', 'jp', 'township', '街道'),
  u('jp-gnq', '金石滩国家旅游度假区管委会', 'jp', 'office', '功能区'),
]
const dir = buildUnitDirectory(units)
const jinpu: Jurisdiction = { kind: 'unit', unitId: 'jp', name: '金普新区' }

describe('documentJurisdiction', () => {
  it('reads the place a title starts with as a unit of the tree', () => {
    expect(documentJurisdiction(dir, [null, '金普新区2018年政务公开工作要点'])).toEqual(jinpu)
    expect(documentJurisdiction(dir, ['云州市人民政府办公室', '关于印发某方案的通知'])).toMatchObject({ kind: 'unit', unitId: 'yz' })
  })
  it('says a place the tree does not hold is unknown, and a title without a place is none', () => {
    expect(documentJurisdiction(dir, [null, '曹妃甸区2018年工作要点'])).toEqual({ kind: 'unknown-place', name: '曹妃甸区' })
    expect(documentJurisdiction(dir, [null, '食品安全城市创建工作方案'])).toEqual({ kind: 'none' })
    expect(documentJurisdiction(dir, [null, '全市2018年工作要点'])).toEqual({ kind: 'none' })
  })
})

describe('matchInJurisdiction', () => {
  it('takes the jurisdiction\'s own bureau for a bare name, never another city\'s', () => {
    expect(matchInJurisdiction(dir, '环境保护局', jinpu)).toMatchObject({ unitId: 'jp-hbj', method: 'normalised' })
    expect(matchInJurisdiction(dir, '区环保局', jinpu).unitId).toBe('jp-hbj')
    expect(matchInJurisdiction(dir, '区市场局', jinpu).unitId).toBe('jp-scj')
  })
  it('does not take or suggest a unit outside the jurisdiction, even for an exact alias', () => {
    const m = matchInJurisdiction(dir, '民政局', jinpu)
    expect(m.unitId).toBeNull()
    expect(m.candidates.every((c) => subtreeOf(dir, 'jp').has(c.unitId))).toBe(true)
    const alias = matchInJurisdiction(dir, '市环保局', jinpu)
    expect(alias.unitId).not.toBe('yz-sthj')
    expect(alias.candidates.map((c) => c.unitId)).not.toContain('yz-sthj')
  })
  it('resolves nothing when the document\'s place is not in the tree', () => {
    const m = matchInJurisdiction(dir, '环境保护局', { kind: 'unknown-place', name: '曹妃甸区' })
    expect(m).toMatchObject({ unitId: null, candidates: [] })
    expect(m.note).toContain('曹妃甸区')
  })
  it('prefers a mapping remembered for this jurisdiction and ignores one pointing outside it', () => {
    const remembered = [
      { raw: '经发局', scopeUnitId: 'jp', unitId: 'jp-jfj', memberIds: [] },
      { raw: '民政局', scopeUnitId: null, unitId: 'yz-mzj', memberIds: [] },
    ]
    expect(matchInJurisdiction(dir, '经发局', jinpu, remembered)).toMatchObject({ unitId: 'jp-jfj', method: 'mapping', confidence: 1 })
    expect(matchInJurisdiction(dir, '民政局', jinpu, remembered).unitId).toBeNull()
    expect(matchInJurisdiction(dir, '民政局', { kind: 'unit', unitId: 'yz', name: '云州市' }, remembered).unitId).toBe('yz-mzj')
  })
  it('suggests by function and similarity with a confidence below the taking line', () => {
    const m = matchInJurisdiction(dir, '环境监察大队', jinpu)
    expect(m.unitId).toBeNull()
    expect(m.candidates[0]).toMatchObject({ unitId: 'jp-hbj' })
    expect(m.candidates[0]!.confidence).toBeGreaterThan(0.3)
    expect(m.candidates[0]!.confidence).toBeLessThan(0.8)
  })
})

describe('matchCollective', () => {
  it('maps 各街道 to every street under the jurisdiction and 管委会各部门 to its departments', () => {
    expect(matchCollective(dir, '各街道', 'jp')).toMatchObject({ unitId: 'jp', method: 'collective', members: ['jp-jd-yz', 'jp-jd-yy'] })
    expect(new Set(matchCollective(dir, '新区管委会各部门', 'jp')?.members)).toEqual(new Set(['jp-hbj', 'jp-scj', 'jp-jfj']))
    expect(matchCollective(dir, '各功能区', 'jp')?.members).toEqual(['jp-gnq'])
  })
  it('offers a qualified collective (各有关部门) as a suggestion only, and says when nothing is under it', () => {
    expect(matchCollective(dir, '各有关部门', 'jp')).toMatchObject({ unitId: null, confidence: 0.6 })
    expect(matchCollective(dir, '各社区', 'jp')).toMatchObject({ unitId: null, members: [] })
    expect(matchCollective(dir, '经济发展局', 'jp')).toBeNull()
  })
  it('reads the forms collective-names.ts reads: brackets and all, and a zone\'s 管委会 is not a department', () => {
    expect(matchCollective(dir, '各乡镇（街道）', 'jp')?.members).toEqual(['jp-jd-yz', 'jp-jd-yy'])
    expect(matchCollective(dir, '各县（市、区）', 'dl')).toMatchObject({ unitId: 'dl', members: ['jp'] })
    expect(matchCollective(dir, '区直各部门', 'jp')?.members).not.toContain('jp-gnq')
  })
  it('takes nothing for a collective counted from a place above the jurisdiction (市直各部门 in a district\'s plan)', () => {
    const m = matchCollective(dir, '市直各部门', 'jp')
    expect(m).toMatchObject({ unitId: null, confidence: 0, members: [] })
    expect(m?.note).toContain('大连市')
    expect(matchCollective(dir, '市直各部门', 'yz')).toMatchObject({ unitId: 'yz', members: ['yz-sthj', 'yz-mzj', 'yz-sjj'] })
  })
})

describe('similarity', () => {
  it('scores shared bigrams', () => {
    expect(nameSimilarity('市场监督管理局', '市场监督管理局')).toBe(1)
    expect(nameSimilarity('市场监督管理局', '民政局')).toBeLessThan(0.3)
    expect(suggestInside(dir, '经济发展和改革局', subtreeOf(dir, 'jp'))[0]?.unitId).toBe('jp-jfj')
  })
})
