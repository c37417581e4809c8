/** Which parts of a ticket list query are looked up as ticket numbers (ticketNumberTerms). */
import { describe, expect, it } from 'vitest'
import { MAX_NUMBER_TERMS, ticketNumberTerms } from './ticket-search.ts'

describe('ticketNumberTerms', () => {
  it('takes a whole number, its start and its end, in upper case', () => {
    expect(ticketNumberTerms('GD-2026-000123')).toEqual(['GD-2026-000123'])
    expect(ticketNumberTerms('gd-2026')).toEqual(['GD-2026'])
    expect(ticketNumberTerms('2026-000123')).toEqual(['2026-000123'])
    expect(ticketNumberTerms('000123')).toEqual(['000123'])
  })

  it('finds a number among Chinese words, full-width forms read as ASCII, dashes at the ends dropped', () => {
    expect(ticketNumberTerms('人民路GD-2026-000123垃圾桶')).toEqual(['GD-2026-000123'])
    expect(ticketNumberTerms('工单ＧＤ－２０２６－０００１２３')).toEqual(['GD-2026-000123'])
    expect(ticketNumberTerms('-000123-')).toEqual(['000123'])
  })

  it('leaves years, house numbers, models and short parts to the word search', () => {
    expect(ticketNumberTerms('2026年3月垃圾桶满了')).toEqual([])
    expect(ticketNumberTerms('人民路12号')).toEqual([])
    expect(ticketNumberTerms('iPhone15充电')).toEqual([])
    expect(ticketNumberTerms('1234')).toEqual([])
    expect(ticketNumberTerms('GD-')).toEqual([])
    expect(ticketNumberTerms('垃圾桶')).toEqual([])
  })

  it('takes each number once and at most MAX_NUMBER_TERMS', () => {
    expect(ticketNumberTerms('000123 000123')).toEqual(['000123'])
    expect(ticketNumberTerms('100001 100002 100003 100004 100005 100006')).toHaveLength(MAX_NUMBER_TERMS)
  })
})
