import { describe, expect, it } from 'vitest'
import { parseCsv, readUnitRows } from './unit-file.parse.ts'

const HEADER = 'id,name,parent_id,level,function,aliases'

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,c","d ""e"""\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ])
  })
})

describe('readUnitRows', () => {
  const read = (text: string, existing: string[] = []) => readUnitRows(parseCsv(text), new Set(existing))

  it('orders parents before children and splits aliases on ; and ；', () => {
    const r = read(`${HEADER}\nc,街道,b,街道,,\nb,区,a,district,,东区；东\na,市,,city,,`)
    expect(r.problems).toEqual([])
    expect(r.records.map((x) => x.id)).toEqual(['a', 'b', 'c'])
    expect(r.records.find((x) => x.id === 'b')?.aliases).toEqual(['东区', '东'])
    expect(r.records.find((x) => x.id === 'c')?.level).toBe('township')
  })

  it('accepts a parent that already exists in the database', () => {
    expect(read(`${HEADER}\nd1,某局,city,department,,`, ['city']).problems).toEqual([])
  })

  it.each([
    [`id,name,level`, 1, 'parent_id'],
    [`${HEADER},colour`, 1, 'colour'],
    [`${HEADER}\n,某局,,city,,`, 2, 'id'],
    [`${HEADER}\nx y,某局,,city,,`, 2, 'id'],
    [`${HEADER}\nx,,,city,,`, 2, 'name'],
    [`${HEADER}\nx,某局,,planet,,`, 2, 'level'],
    [`${HEADER}\nx,某局,ghost,department,,`, 2, 'parent_id'],
    [`${HEADER}\nx,某局,x,department,,`, 2, 'parent_id'],
    [`${HEADER}\nx,甲,y,department,,\ny,乙,x,department,,`, 2, 'parent_id'],
  ])('reports %j at line %i, field %s, and returns no records', (text, line, field) => {
    const r = read(text)
    expect(r.records).toEqual([])
    expect(r.problems[0]).toMatchObject({ line, field })
  })

  it('reports every field of a bad line, not only the first', () => {
    const r = read(`${HEADER}\nx2,某局,nope,planet,,`)
    expect(r.problems.map((p) => p.field)).toEqual(['level', 'parent_id'])
  })
})
