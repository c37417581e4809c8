/**
 * LazyTransaction's rollback after the transaction's first step failed (lockFirst found the item moved): the event
 * is taken again, and nothing is left rejected without a listener (an unhandled rejection fails a whole test run
 * and, in a server started with --unhandled-rejections=strict, the process).
 */
import { describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../../persistence/db.ts'
import { LazyTransaction } from './lazy-transaction.ts'

class Moved extends Error {}

/** A database whose transaction runs the callback on a queryable that answers nothing, and passes its error on. */
function fakeDb(): Db {
  const q: Queryable = { query: async () => ({ rows: [] }) }
  return {
    dialect: 'pglite',
    query: q.query,
    transaction: async (fn) => fn(q),
    close: async () => undefined,
  } as Db
}

describe('LazyTransaction', () => {
  it('rolls back after its lock step refused without leaving an unhandled rejection', async () => {
    const seen: unknown[] = []
    const onUnhandled = (e: unknown) => seen.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      const tx = new LazyTransaction(fakeDb(), async () => {
        throw new Moved('item moved')
      })
      await expect(tx.query('UPDATE item SET version = version + 1')).rejects.toBeInstanceOf(Moved)
      await tx.rollback()
      await new Promise((r) => setTimeout(r, 20))
      expect(seen).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
