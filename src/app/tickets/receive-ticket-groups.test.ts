import { describe, expect, it } from 'vitest'
import { DbMemo, type Db, type QueryOptions } from '../../persistence/db.ts'
import type { ReceivedTicket } from '../../persistence/ticket-intake.repo.ts'
import { intakeInGroup, type IntakeWrite } from './receive-ticket.ts'

/** A database whose statements answer only when the test says so; it logs when each statement is sent. */
function heldDb(log: string[]): { db: Db; answer: (n: number) => void } {
  const pending: (() => void)[] = []
  let sent = 0
  const db: Db = {
    dialect: 'pg',
    memo: new DbMemo(),
    query<T>(_sql: string, params?: readonly unknown[], _options?: QueryOptions): Promise<{ rows: T[] }> {
      const tickets = JSON.parse(String(params?.[4])) as { id: string }[]
      log.push(`send ${tickets.map((t) => t.id).join('+')}`)
      const base = sent
      sent += tickets.length
      return new Promise((resolve) => {
        pending.push(() => resolve({ rows: tickets.map((_, i) => ({ ord: i + 1, number: `GD-2026-${String(base + i + 1).padStart(6, '0')}`, seqs: '' })) as T[] }))
      })
    },
    transaction: () => Promise.reject(new Error('no transaction in this test')),
    close: async () => {},
  }
  return { db, answer: (n) => pending[n]!() }
}

const write = (id: string): IntakeWrite => ({
  counter: { prefix: 'GD', year: 2026, digits: 6 },
  row: { item: { id }, events: [] } as unknown as ReceivedTicket,
  inTransaction: null,
})

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('ticket intake groups', () => {
  it("sends the next group's statement before answering the tickets of the group just stored", async () => {
    const log: string[] = []
    const { db, answer } = heldDb(log)
    const first = intakeInGroup(db, write('a')).then((w) => log.push(`answer a ${w.number}`))
    await settle()
    expect(log).toEqual(['send a'])
    // b and c arrive while a is in the database: they are the next group.
    const later = [intakeInGroup(db, write('b')), intakeInGroup(db, write('c'))].map((p, i) => p.then((w) => log.push(`answer ${'bc'[i]} ${w.number}`)))
    await settle()
    answer(0)
    await settle()
    expect(log).toEqual(['send a', 'send b+c', 'answer a GD-2026-000001'])
    answer(1)
    await Promise.all([first, ...later])
    expect(log.slice(3)).toEqual(['answer b GD-2026-000002', 'answer c GD-2026-000003'])
  })

  it('answers a ticket only once the statement that stores it has answered', async () => {
    const log: string[] = []
    const { db, answer } = heldDb(log)
    const one = intakeInGroup(db, write('a')).then(() => log.push('answer a'))
    const two = intakeInGroup(db, write('b')).then(() => log.push('answer b'))
    await settle()
    await settle()
    expect(log).toEqual(['send a+b'])
    answer(0)
    await Promise.all([one, two])
    expect(log).toEqual(['send a+b', 'answer a', 'answer b'])
  })
})
