/**
 * A plan import resolves its unit names inside its own transaction (import-plan.ts), on one connection: the lookup's
 * reads go one after another. On PostgreSQL `pg` queues a query asked of a busy client and warns
 * (DeprecationWarning "Calling client.query() when the client is already executing a query is deprecated", pg@9
 * drops the queue); here that warning fails the test, and on both databases a transaction that is asked a second
 * query before the first answered does too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../../persistence/db.ts'
import { freshDb, testDialects } from '../../../test/support/test-db.ts'
import { saveUnit } from '../units/manage-units.ts'
import { loadUnitDirectory } from '../units/resolve-units.ts'
import { resolveDocumentUnits } from './unit-lookup.ts'

/** tx, counting the queries it was asked while another of its queries had not answered yet. */
function oneAtATime(tx: Queryable, overlaps: string[]): Queryable {
  let running = 0
  return {
    ...(tx.memo ? { memo: tx.memo } : {}),
    async query(sql, params, options) {
      if (running > 0) overlaps.push(sql.replace(/\s+/g, ' ').slice(0, 80))
      running++
      try {
        return await tx.query(sql, params, options)
      } finally {
        running--
      }
    },
  }
}

for (const dialect of testDialects()) {
  describe(`the unit lookup in an import's transaction (${dialect})`, () => {
    let db: Db
    const warnings: string[] = []
    const onWarning = (w: Error): void => {
      if (/already executing a query/.test(w.message)) warnings.push(w.message)
    }

    beforeAll(async () => {
      db = await freshDb(dialect)
      const deps = { db, clock: { now: () => new Date('2026-03-02T09:00:00+08:00') }, newId: () => 'id' }
      const units = [
        { id: 'city', name: '青川市', parentId: null, level: 'city', function: null, aliases: ['青川'] },
        { id: 'dh', name: '东湖区', parentId: 'city', level: 'district', function: null, aliases: [] },
        { id: 'sjj', name: '青川市市场监督管理局', parentId: 'city', level: 'department', function: '市场监管', aliases: ['市市场监管局'] },
      ] as const
      for (const u of units) await saveUnit(deps, null, u)
      process.on('warning', onWarning)
    }, 120_000)
    afterAll(async () => {
      process.off('warning', onWarning)
      await db?.close()
    })

    it('asks the transaction one query at a time, and pg does not warn of a busy client', async () => {
      const overlaps: string[] = []
      const resolved = await db.transaction(async (tx) => {
        const q = oneAtATime(tx, overlaps)
        const out = await resolveDocumentUnits(q, [{ title: '青川市2026年工作要点', issuer: '青川市人民政府', raws: ['市市场监管局', '东湖区'] }])
        await loadUnitDirectory(q)
        return out
      })
      expect(resolved[0]?.units.get('市市场监管局')?.unitId).toBe('sjj')
      // pg's warning is emitted on a later turn of the event loop.
      await new Promise((r) => setImmediate(r))
      expect({ overlaps, warnings }).toEqual({ overlaps: [], warnings: [] })
    })
  })
}
