/**
 * The GIN indexes on item (the trigram indexes of ledger text search, migrations 070 and 185) merge their pending list
 * every 512 kB, not every 4 MB (migration 188): the intake statement that passes the limit does the whole merge while
 * it holds the ticket counter's row lock (one group in ~4,600 tickets, +28 ms of backend CPU at 4 MB), so every ticket
 * waiting for its number waits as long. docs/write-path.md, "Intake: the capture's plan, and where a ticket's CPU goes".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

for (const dialect of testDialects()) {
  describe(`item's GIN indexes (${dialect})`, () => {
    let db: Db

    beforeAll(async () => {
      db = await freshDb(dialect)
    }, 300_000)
    afterAll(async () => db?.close())

    it('merge their pending list every 512 kB (the text indexes every intake writes)', async () => {
      const { rows } = await db.query<{ name: string; options: string[] | null }>(
        `SELECT c.relname AS name, c.reloptions AS options
           FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am a ON a.oid = c.relam
          WHERE x.indrelid = 'item'::regclass AND a.amname = 'gin' ORDER BY 1`,
      )
      // pg_trgm is there on both (PGlite loads it as a contrib extension): the two trigram indexes exist.
      expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['item_text_open_trgm_idx', 'item_text_trgm_idx']))
      for (const r of rows) expect(r.options ?? [], r.name).toContain('gin_pending_list_limit=512')
    })
  })
}
