import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TICKET_CLOCKS } from '../../domain/kpi/hotline.formulas.ts'
import { kindClocks, parseKpiQuery } from './hotline-kpis.ts'

describe('hotline KPI clocks', () => {
  it('are the ticket kind\'s clocks (the capture trigger of migration 052 lists the same events)', () => {
    expect(kindClocks()).toEqual(TICKET_CLOCKS)
    const sql = readFileSync(new URL('../../persistence/migrations/052_hotline_kpi_runs.sql', import.meta.url), 'utf8')
    const list = (xs: readonly string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`
    const { accept, respond } = TICKET_CLOCKS
    expect(sql).toContain(`NEW.event IN ${list([...accept.starts, ...accept.stops])}`)
    expect(sql).toContain(`event IN ${list(accept.starts)};`)
    expect(sql).toContain(`NEW.event IN ${list([...respond.starts, ...respond.stops])}`)
    expect(sql).toContain(`event IN ${list(respond.starts)};`)
  })
})

describe('parseKpiQuery', () => {
  const now = new Date('2026-12-15T10:00:00+08:00')
  it('defaults to the current China month, by day', () => {
    expect(parseKpiQuery({}, now)).toEqual({ period: { from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' }, groupBy: 'day' })
  })
  it.each([
    [{ from: '2026-12-01', to: '2026-11-01' }, 'to'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2024-01-01', to: '2026-12-01' }, 'to'],
    [{ groupBy: 'hour' }, 'groupBy'],
    // Found by the fuzz hunt of 2026-12-03: a period outside the years 0001–9999 reached PostgreSQL (a 500).
    [{ from: '0000-01-01', groupBy: 'month' }, 'from'],
    [{ from: '9999-12-01', to: '9999-12-31T23:00:00-12:00' }, 'to'],
    [{ from: '0001-01-01T00:00:00Z', groupBy: 'month' }, 'from'],
  ])('refuses %j naming %s', (q, where) => {
    expect(() => parseKpiQuery(q, now)).toThrow(expect.objectContaining({ code: 'DUBAN_ERR_VALIDATION', where }))
  })
  it('ends the default 30 days from a late date at the end of 9999, not in the year 10000', () => {
    expect(parseKpiQuery({ from: '9999-12-31' }, now).period).toEqual({ from: '9999-12-30T16:00:00.000Z', to: '9999-12-31T23:59:59.999Z' })
  })
})
