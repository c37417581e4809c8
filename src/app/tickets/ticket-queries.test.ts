import { describe, expect, it } from 'vitest'
import { maskName, maskPhone, ticketActor, ticketScope } from './ticket-queries.ts'

describe('ticket views: masking and scope', () => {
  it('masks a name to its first character and a phone to 3 + 4 digits', () => {
    expect(maskName('张三丰')).toBe('张**')
    expect(maskName('欧阳')).toBe('欧**')
    expect(maskName('𠮷田')).toBe('𠮷**')
    expect(maskName(null)).toBeNull()
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('01012345678')).toBe('010****5678')
    expect(maskPhone('12345')).toBe('****')
    expect(maskPhone(null)).toBeNull()
  })

  it('lets the hotline see every ticket and a liaison its own scope', () => {
    const liaison = { userId: 'u', role: 'unit_liaison' as const, unitId: 'sjj', scopeUnitIds: ['sjj', 'sjj-1'] }
    const operator = { userId: 'o', role: 'operator' as const, unitId: 'rx', scopeUnitIds: ['rx'] }
    expect(ticketScope(liaison)).toEqual(['sjj', 'sjj-1'])
    expect(ticketScope(operator)).toBeNull()
    expect(ticketScope({ userId: null, role: 'citizen', unitId: null, scopeUnitIds: null })).toEqual([])
    expect(ticketActor(operator).scopeUnitIds).toBeNull()
    expect(ticketActor(liaison)).toBe(liaison)
    const district = { userId: 's', role: 'supervisor' as const, unitId: 'dh', scopeUnitIds: ['dh', 'dh-jb'] }
    expect(ticketScope(district)).toEqual(['dh', 'dh-jb'])
    expect(ticketScope({ ...district, scopeUnitIds: null })).toBeNull()
  })
})
