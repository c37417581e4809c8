/**
 * Desk intake's own admission class (security.plugin.ts, 'intake'): on PostgreSQL more tickets are admitted at once
 * than other writes, so that those waiting while a group is written are stored together by the next one
 * (receive-ticket.ts, group commit). With the write class's 2 in flight, every ticket was its own transaction; on
 * PGlite, with 1 in flight (and without the group's wait for one turn of the event loop), too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_CONCURRENCY, routeClassOfPath } from '../../src/adapters/http/security.plugin.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from '../http/tickets.fixture.ts'

describe('desk intake admission', () => {
  it('classes POST /api/tickets as intake, admitted more at once than other writes, on pg and on PGlite', () => {
    expect(routeClassOfPath('POST', '/api/tickets')).toBe('intake')
    expect(routeClassOfPath('POST', '/api/tickets/x/merge')).toBe('write')
    expect(routeClassOfPath('GET', '/api/tickets')).toBe('read')
    expect(DEFAULT_CONCURRENCY.pg.intake.concurrent).toBeGreaterThan(DEFAULT_CONCURRENCY.pg.write.concurrent)
    expect(DEFAULT_CONCURRENCY.pglite.intake.concurrent).toBeGreaterThan(DEFAULT_CONCURRENCY.pglite.write.concurrent)
  })
})

for (const dialect of testDialects()) describe(`desk intake over HTTP in groups (${dialect})`, () => {
  let t: TestApp
  let operator: string
  beforeAll(async () => {
    t = await startTestApp(dialect)
    await t.seedUsers()
    await seedCatalogue(t)
    operator = await operatorToken(t)
  }, 300_000)
  afterAll(async () => t?.close())

  it('stores 16 tickets sent at once in fewer transactions than tickets, each answered 201', async () => {
    const body = (i: number) => ({
      requestType: 'complaint', categoryCode: CATEGORY.stalls, urgency: 'normal', requesterName: '张三', requesterPhone: '13812345678',
      address: '江滨路 1 号', content: `江滨路夜市占道经营，影响通行（第${i}件）`,
    })
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => t.app.inject({ method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${operator}` }, payload: body(i) })),
    )
    expect(answers.map((a) => a.statusCode)).toEqual(Array(16).fill(201))
    const ids = answers.map((a) => (a.json() as { id: string }).id)
    // Rows written by one transaction share its xmin. On PGlite too: its statement runs on the event loop, and the
    // group waits one turn of it for the admitted tickets to reach the queue (receive-ticket.ts, writeGroups).
    const { rows } = await t.db.query<{ n: unknown }>(`SELECT count(DISTINCT xmin::text) AS n FROM item WHERE id = ANY($1::text[])`, [ids])
    expect(Number(rows[0]!.n)).toBeLessThanOrEqual(8)
  })
})
