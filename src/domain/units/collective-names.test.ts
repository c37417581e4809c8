import { describe, expect, it } from 'vitest'
import { collectiveForm, expandCollective, isCollectiveName } from './collective-names.ts'
import type { DirectoryUnit } from './unit-name.match.ts'

const u = (id: string, name: string, parentId: string | null, level: string): DirectoryUnit => ({ id, name, parentId, level, function: null, aliases: [] })
/** 云州市 with a department, two districts (each with departments, 街道 and a 镇) and a county. */
const TREE: DirectoryUnit[] = [
  u('yz', '云州市', null, 'city'),
  u('yz-fgw', '云州市发展和改革委员会', 'yz', 'department'),
  u('yz-gd', '国网云州供电公司', 'yz', 'office'),
  u('ql', '青龙区', 'yz', 'district'),
  u('ql-sjj', '青龙区市场监督管理局', 'ql', 'department'),
  u('ql-hb', '河滨街道', 'ql', 'township'),
  u('ql-xs', '新市街道', 'ql', 'township'),
  u('ql-lt', '柳塘镇', 'ql', 'township'),
  u('ql-hb-hx', '河西社区', 'ql-hb', 'community'),
  u('bh', '白虎区', 'yz', 'district'),
  u('bh-dc', '东城街道', 'bh', 'township'),
  u('sq', '松桥县', 'yz', 'district'),
]
const ids = (raw: string, place: string | null) => expandCollective(TREE, raw, place)?.units.map((x) => x.unitId)

describe('collective names (集合名称)', () => {
  it('tells collective names from names of one unit, brackets and all', () => {
    for (const raw of ['各县（区）人民政府', '各县区', '各街道', '各街道办事处', '各乡镇（街道）', '市直各部门', '市政府各部门', '各区直单位', '区直各部门', '管委会各部门', '各社区']) {
      expect(isCollectiveName(raw), raw).toBe(true)
    }
    for (const raw of ['市发改委', '河滨街道', '青龙区人民政府', '市直有关部门', '各有关单位']) expect(isCollectiveName(raw), raw).toBe(false)
  })

  it('各街道 of a city is every 街道 under it, by name (code point order); of a district only its own; a 镇 is not a 街道', () => {
    expect(ids('各街道', 'yz')).toEqual(['bh-dc', 'ql-xs', 'ql-hb'])
    expect(ids('各街道', 'ql')).toEqual(['ql-xs', 'ql-hb'])
    expect(ids('各乡镇（街道）', 'ql')).toEqual(['ql-xs', 'ql-lt', 'ql-hb'])
    expect(expandCollective(TREE, '各街道', 'ql')?.under).toEqual({ unitId: 'ql', name: '青龙区' })
  })

  it('各县（区）人民政府 is the districts directly under the city; 市直各部门 its departments and offices, even from a district document', () => {
    expect(ids('各县（区）人民政府', 'yz')).toEqual(['sq', 'bh', 'ql'])
    expect(ids('市直各部门', 'yz')).toEqual(['yz-fgw', 'yz-gd'])
    expect(ids('市直各部门', 'ql')).toEqual(['yz-fgw', 'yz-gd'])
    expect(ids('区直各部门', 'ql')).toEqual(['ql-sjj'])
    expect(ids('各社区', 'ql')).toEqual(['ql-hb-hx'])
  })

  it('without a place the root of the tree is the place; a name of one unit expands to nothing', () => {
    expect(ids('各街道', null)).toEqual(['bh-dc', 'ql-xs', 'ql-hb'])
    expect(expandCollective(TREE, '市发改委', 'yz')).toBeNull()
    expect(collectiveForm('各县（市、区）')).not.toBeNull()
  })

  it('reads a qualified collective (各有关部门, 各区直窗口单位) as a suggestion only: it does not expand', () => {
    expect(collectiveForm('各有关部门')).toMatchObject({ kind: 'department', whole: false })
    expect(collectiveForm('各区直窗口单位')).toMatchObject({ kind: 'department', whole: false })
    expect(expandCollective(TREE, '各有关部门', 'yz')).toBeNull()
  })

  it('reads a name led by a place of the directory as its collective (新区管委会各部门) only when given the place names', () => {
    expect(collectiveForm('青龙区各街道')).toBeNull()
    expect(collectiveForm('青龙区各街道', ['青龙区'])).toMatchObject({ kind: 'street', whole: true })
  })
})
