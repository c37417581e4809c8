import { describe, expect, it } from 'vitest'
import { buildUnitDirectory, jurisdictionOf, matchUnitName, RESOLVED_CONFIDENCE, type DirectoryUnit } from './unit-name.match.ts'
import { canonicalCore, parseUnitName } from './unit-name.normalise.ts'

const u = (id: string, name: string, parentId: string | null, level: string, fn: string | null = null, aliases: string[] = []): DirectoryUnit => ({
  id,
  name,
  parentId,
  level,
  function: fn,
  aliases,
})

const units: DirectoryUnit[] = [
  u('qc', '青川市', null, 'city', null, ['青川']),
  u('qc-sjj', '青川市市场监督管理局', 'qc', 'department', '市场监管'),
  u('qc-wjw', '青川市卫生健康委员会', 'qc', 'department', '卫生健康'),
  u('qc-fgw', '青川市发展和改革委员会', 'qc', 'department', '发展改革'),
  u('qc-jt', '青川市交通运输局', 'qc', 'department', '交通运输'),
  u('qc-sthj', '青川市生态环境局', 'qc', 'department', '生态环境'),
  u('dh', '东湖区', 'qc', 'district'),
  u('dh-sjj', '东湖区市场监督管理局', 'dh', 'department', '市场监管'),
  u('dh-fgj', '东湖区发展和改革局', 'dh', 'department', '发展改革'),
  u('dh-jb', '江滨街道', 'dh', 'township', null, ['江滨街道办事处']),
  u('xs', '西山县', 'qc', 'district'),
  u('xs-sjj', '西山县市场监督管理局', 'xs', 'department', '市场监管'),
]
const dir = buildUnitDirectory(units, new Map([['市食安办', 'qc-sjj']]))

describe('canonicalCore', () => {
  it.each([
    ['市场局', '市场监督管理局'],
    ['市场监管局', '市场监督管理局'],
    ['卫健委', '卫生健康委员会'],
    ['发改局', '发展和改革委员会'],
    ['发展和改革局', '发展和改革委员会'],
    ['住建局', '住房和城乡建设局'],
    ['财政局', '财政局'],
    ['某某中心', '某某中心'],
  ])('maps %s to %s', (raw, canonical) => {
    expect(canonicalCore(raw)).toBe(canonical)
  })
})

describe('parseUnitName', () => {
  const places = ['青川市', '东湖区', '西山县', '江滨街道']
  it.each([
    ['区市场局', [], 'district', '市场监督管理局'],
    ['市市场监管局', [], 'city', '市场监督管理局'],
    ['省市场监管局', [], 'province', '市场监督管理局'],
    ['市场监督管理局', [], null, '市场监督管理局'],
    ['市场局', [], null, '市场监督管理局'],
    ['东湖区发改局', ['东湖区'], null, '发展和改革委员会'],
    ['青川市东湖区市场局', ['青川市', '东湖区'], null, '市场监督管理局'],
    ['县卫健委', [], 'district', '卫生健康委员会'],
    ['街道办事处', [], null, '街道办事处'],
    [' 市卫健委、', [], 'city', '卫生健康委员会'],
  ] as const)('reads %s as places %j, level %s, core %s', (raw, expectPlaces, level, core) => {
    const p = parseUnitName(raw, places)
    expect(p.places).toEqual(expectPlaces)
    expect(p.levelPrefix).toBe(level)
    expect(p.core).toBe(core)
  })
})

describe('matchUnitName', () => {
  it.each([
    // raw, context, expected unit (null = a person must choose), method
    ['青川市市场监督管理局', undefined, 'qc-sjj', 'exact'],
    ['青川', undefined, 'qc', 'exact'],
    ['市食安办', undefined, 'qc-sjj', 'mapping'],
    ['市场监督管理局', undefined, 'qc-sjj', 'normalised'],
    ['市市场监管局', undefined, 'qc-sjj', 'normalised'],
    ['市卫健委', undefined, 'qc-wjw', 'normalised'],
    ['市发改委', undefined, 'qc-fgw', 'normalised'],
    ['东湖区市场局', undefined, 'dh-sjj', 'normalised'],
    ['东湖区发改局', undefined, 'dh-fgj', 'normalised'],
    ['区市场局', 'dh', 'dh-sjj', 'normalised'],
    ['区市场局', 'dh-jb', 'dh-sjj', 'normalised'],
    ['市场局', 'xs', 'xs-sjj', 'normalised'],
    ['江滨街道办事处', undefined, 'dh-jb', 'exact'],
    ['东湖区人民政府', undefined, 'dh', 'normalised'],
    ['市交通局', undefined, 'qc-jt', 'normalised'],
    ['市环保局', undefined, 'qc-sthj', 'normalised'],
  ] as const)('resolves %s (context %s) to %s by %s', (raw, ctx, unitId, method) => {
    const m = matchUnitName(dir, raw, ctx ? { contextUnitId: ctx } : {})
    expect(m.unitId).toBe(unitId)
    expect(m.method).toBe(method)
    expect(m.confidence).toBeGreaterThanOrEqual(RESOLVED_CONFIDENCE)
  })

  it('asks a person when 区市场局 has no district context, listing every district bureau', () => {
    const m = matchUnitName(dir, '区市场局')
    expect(m.unitId).toBeNull()
    expect(m.candidates.map((c) => c.unitId).sort()).toEqual(['dh-sjj', 'xs-sjj'])
  })

  it('does not take a provincial bureau for the city one', () => {
    const m = matchUnitName(dir, '省市场监管局')
    expect(m.unitId).toBeNull()
    expect(m.confidence).toBeLessThan(RESOLVED_CONFIDENCE)
    expect(m.note).toMatch(/above this jurisdiction/)
  })

  it('offers units of the same function for a fragment, without taking one', () => {
    const m = matchUnitName(dir, '市食品安全委员会')
    expect(m.unitId).toBeNull()
    expect(m.method).toBe('function')
    expect(m.candidates.map((c) => c.unitId)).toEqual(['qc-sjj'])
  })

  it('returns nothing for an unknown body', () => {
    const m = matchUnitName(dir, '市气象局')
    expect(m).toMatchObject({ unitId: null, method: 'none', candidates: [] })
  })
})

describe('matchUnitName with a generic level and several places', () => {
  it('does not guess 区卫健委 although only one district registered that bureau', () => {
    const d = buildUnitDirectory([...units, u('xs-wjj', '西山县卫生健康局', 'xs', 'department', '卫生健康')])
    const m = matchUnitName(d, '区卫健委')
    expect(m.unitId).toBeNull()
    expect(m.candidates.map((c) => c.unitId)).toEqual(['xs-wjj'])
  })
})

describe('matchUnitName: a bare level word standing for the jurisdiction (市农业技术推广中心 → 枣阳市农业技术推广中心)', () => {
  // 枣阳's own directory: the county-level city at the root, a township below it.
  const zaoyang = buildUnitDirectory([
    u('zy', '枣阳市', null, 'city', null, ['枣阳']),
    u('zy-nyj', '枣阳市农业农村局', 'zy', 'department', '农业农村'),
    u('zy-ntz', '枣阳市农业技术推广中心', 'zy', 'department', '农业农村'),
    u('zy-sjj', '枣阳市市场监督管理局', 'zy', 'department', '市场监管'),
    u('zy-bc', '北城街道', 'zy', 'township', null, ['北城街道办事处']),
    u('zy-bc-zx', '北城街道便民服务中心', 'zy-bc', 'department'),
  ])
  // The city of the other tests, with units named after a place + a name no synonym table knows.
  const city = buildUnitDirectory([
    ...units,
    u('qc-ntz', '青川市农业技术推广中心', 'qc', 'department', '农业农村'),
    u('dh-zwzx', '东湖区政务服务中心', 'dh', 'department', '数据管理'),
    u('xs-zwzx', '西山县政务服务中心', 'xs', 'department', '数据管理'),
  ])
  // A tree with the province at its root: 市 alone no longer names one city.
  const province = buildUnitDirectory([
    u('hb', '湖北省', null, 'province'),
    u('xy', '襄阳市', 'hb', 'city'),
    u('xy-ntz', '襄阳市农业技术推广中心', 'xy', 'department'),
    u('zy', '枣阳市', 'xy', 'city'),
    u('zy-ntz', '枣阳市农业技术推广中心', 'zy', 'department'),
  ])
  const dirs = { zaoyang, city, province } as const

  it.each([
    // directory, raw, context, expected unit (null: a person chooses), candidates offered
    ['zaoyang', '市农业技术推广中心', undefined, 'zy-ntz', ['zy-ntz']],
    ['zaoyang', '市农业技术推广中心', 'zy', 'zy-ntz', ['zy-ntz']],
    ['zaoyang', '市农业技术推广中心', 'zy-bc', 'zy-ntz', ['zy-ntz']], // a township's plan: 市 is its city
    ['zaoyang', '街道便民服务中心', 'zy-bc', null, []], // 街道 is no jurisdiction word here
    ['zaoyang', '市农业农村局', undefined, 'zy-nyj', ['zy-nyj']], // still by the synonym table
    ['zaoyang', '市气象服务中心', undefined, null, []], // no such unit: nothing is made up
    ['zaoyang', '省农业技术推广中心', undefined, null, ['zy-ntz', 'zy-nyj']], // 省 never stands for the city: offered by function only
    ['zaoyang', '省市场监管局', undefined, null, ['zy-sjj']], // offered as "same name elsewhere", never taken
    ['city', '市农业技术推广中心', undefined, 'qc-ntz', ['qc-ntz']],
    ['city', '区政务服务中心', 'dh', 'dh-zwzx', ['dh-zwzx']],
    ['city', '区政务服务中心', 'dh-jb', 'dh-zwzx', ['dh-zwzx']],
    ['city', '县政务服务中心', 'xs', 'xs-zwzx', ['xs-zwzx']],
    ['city', '区政务服务中心', undefined, null, ['dh-zwzx']], // two districts in view: a guess, so a person decides
    ['city', '区政务服务中心', 'qc', null, ['dh-zwzx']], // the city's own plan: which district?
    ['city', '县政务服务中心', 'dh', null, ['dh-zwzx']], // 东湖区 is no 县: offered by function only
    ['province', '市农业技术推广中心', undefined, null, ['xy-ntz', 'zy-ntz']], // two cities under the province
    ['province', '市农业技术推广中心', 'zy', 'zy-ntz', ['zy-ntz']],
    ['province', '市农业技术推广中心', 'xy', 'xy-ntz', ['xy-ntz']],
  ] as const)('%s: %s (context %s) → %s', (d, raw, ctx, unitId, offered) => {
    const m = matchUnitName(dirs[d], raw, ctx ? { contextUnitId: ctx } : {})
    expect(m.unitId).toBe(unitId)
    if (unitId) expect(m.confidence).toBeGreaterThanOrEqual(RESOLVED_CONFIDENCE)
    else expect(m.confidence).toBeLessThan(RESOLVED_CONFIDENCE)
    expect(m.candidates.map((c) => c.unitId).sort()).toEqual([...offered].sort())
  })

  it('keeps a provincial bureau from resolving to the city bureau, and 区市场局 ambiguous without a district', () => {
    expect(matchUnitName(city, '省市场监管局')).toMatchObject({ unitId: null, note: 'a unit above this jurisdiction' })
    expect(matchUnitName(zaoyang, '省市场监管局').unitId).toBeNull()
    expect(matchUnitName(city, '区市场局').unitId).toBeNull()
  })
})

describe('jurisdictionOf', () => {
  const d = buildUnitDirectory(units)
  it.each([
    [['青川市2026年重点工作要点'], 'qc'],
    [[null, '东湖区2025年卫生健康工作方案'], 'dh'],
    [['东湖区人民政府办公室', '青川市2026年重点工作要点'], 'dh'], // the issuer first
    [['关于印发青川市东湖区2026年工作要点的通知'], 'qc'], // the first place named
    [['江滨街道2026年工作要点'], 'dh-jb'],
    [['枣阳市创建省级生态文明建设示范市工作实施方案'], undefined], // not in this directory
    [[null, null], undefined],
  ] as const)('reads %j as %s', (texts, id) => {
    expect(jurisdictionOf(d, texts)).toBe(id)
  })
})
