import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../../persistence/db.ts'
import { freshDb, testDialects } from '../../../test/support/test-db.ts'
import { loadDbInputs } from './dispatch-inputs.ts'

/** A handle that answers after a turn of the event loop and records the most statements it had in flight at once. */
function countingHandle(): Queryable & { readonly most: () => number; readonly sent: () => number } {
  let inFlight = 0
  let most = 0
  let sent = 0
  return {
    async query<T>() {
      inFlight++
      sent++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setImmediate(resolve))
      inFlight--
      return { rows: [] as T[] }
    },
    most: () => most,
    sent: () => sent,
  }
}

describe('loadDbInputs', () => {
  it('sends its statements one after the other, so one connection or a transaction can carry them', async () => {
    const q = countingHandle()
    await loadDbInputs(q)
    expect(q.sent()).toBe(3)
    expect(q.most()).toBe(1)
  })

  for (const dialect of testDialects()) {
    describe(dialect, () => {
      let db: Db
      beforeAll(async () => {
        db = await freshDb(dialect)
        await db.query(`INSERT INTO unit (id, name, level, function, duties) VALUES ('u-cg', '城管局', 'department', '城市管理', '占道经营')`)
      }, 300_000) // migrating a fresh database takes over a minute on the loaded machine
      afterAll(async () => db?.close())

      it('reads the same inputs inside a transaction as from the pool', async () => {
        const fromPool = await loadDbInputs(db)
        const inTx = await db.transaction((tx) => loadDbInputs(tx))
        expect(inTx).toEqual(fromPool)
        expect(fromPool.units.map((u) => u.id)).toContain('u-cg')
      })
    })
  }
})
