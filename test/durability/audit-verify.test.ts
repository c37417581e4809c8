/**
 * The audit log (审计日志) is tamper-evident once sealed: an edited, deleted, inserted or moved row is named by
 * verifyAudit and `duban audit verify`, which seals what is waiting first (docs/audit.md).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import { openDatabase } from '../../src/persistence/open.ts'
import { appendAudit } from '../../src/app/audit/append-audit.ts'
import { sealAudit } from '../../src/app/audit/seal-audit.ts'
import { verifyAudit } from '../../src/app/audit/verify-audit.ts'
import { createServerDatabase, freshDb, testDialects } from '../support/test-db.ts'
import { runDuban } from './serve-process.ts'

async function writeEntries(db: Db, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, {
        actorId: 'u1',
        action: 'unit.update',
        entity: 'unit',
        entityId: `u${i}`,
        before: { name: `旧名${i}`, nested: { b: 2, a: 1 } },
        after: { name: `新名${i}`, aliases: ['甲', '乙'] },
        at: new Date(Date.UTC(2026, 2, 2, 1, 0, i)),
      }),
    )
  }
}

for (const dialect of testDialects()) {
  describe(`audit chain on ${dialect}`, () => {
    let db: Db
    beforeAll(async () => {
      db = await freshDb(dialect)
      await writeEntries(db, 6)
      await sealAudit(db)
    })
    afterAll(async () => {
      await db?.close()
    })

    it('verifies an untouched chain', async () => {
      expect(await verifyAudit(db, 4)).toMatchObject({ ok: true, rows: 6 })
    })

    it('stays linear when appends race', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => db.transaction((tx) => appendAudit(tx, { actorId: null, action: 'test.race', entity: 'x', entityId: String(i), at: new Date() }))))
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 6, unsealed: 10 })
      expect(await sealAudit(db)).toMatchObject({ sealed: 10, head: { seq: 16 } })
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 16, unsealed: 0 })
    })

    it('names an edited row', async () => {
      await db.query(`UPDATE audit_log SET after = '{"name":"篡改"}'::jsonb WHERE seq = 3`)
      expect(await verifyAudit(db)).toMatchObject({ ok: false, badSeq: 3 })
    })
  })
}

describe('duban audit verify', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
  const env = { ...process.env, DATABASE_URL: '' }
  // Each `duban` start opens PGlite (seconds, more on a busy machine): a bound, not a speed measure.
  const SLOW = 300_000

  /** Five audit rows in a PGlite directory, sealed or left for the command to seal. */
  async function dataDirWithChain(seal: boolean): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'duban-audit-'))
    dirs.push(dir)
    const db = await openDatabase({ dataDir: dir })
    await writeEntries(db, 5)
    if (seal) await sealAudit(db)
    await db.close()
    return dir
  }

  async function tamper(dir: string, sql: string): Promise<void> {
    const db = await openDatabase({ dataDir: dir })
    await db.query(sql)
    await db.close()
  }

  it('seals waiting rows and exits 0 on an intact chain, and 1 naming the first bad seq after an edit', async () => {
    const dir = await dataDirWithChain(false)
    const ok = await runDuban(['audit', 'verify', '--data', dir], env)
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('5 rows')])
    await tamper(dir, `UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2`)
    const bad = await runDuban(['audit', 'verify', '--data', dir], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/BROKEN at seq 2: row 2 was changed/)
  }, SLOW)

  it('names a deleted row', async () => {
    const dir = await dataDirWithChain(true)
    await tamper(dir, `DELETE FROM audit_log WHERE seq = 4`)
    const bad = await runDuban(['audit', 'verify', '--data', dir], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/BROKEN at seq 4: row 4 is missing/)
  }, SLOW)

  it('prints the head to publish; with it, verify names rows removed from the end of the chain', async () => {
    const dir = await dataDirWithChain(false)
    const head = await runDuban(['audit', 'head', '--data', dir], env)
    const published = head.stdout.trim()
    expect([head.code, published]).toEqual([0, expect.stringMatching(/^5:[0-9a-f]{64}$/)])
    expect((await runDuban(['audit', 'verify', '--head', published, '--data', dir], env)).code).toBe(0)
    await tamper(dir, `DELETE FROM audit_log WHERE seq = 5`)
    // The documented limit: from the table alone a shorter chain looks whole.
    expect((await runDuban(['audit', 'verify', '--data', dir], env)).code).toBe(0)
    const bad = await runDuban(['audit', 'verify', '--head', published, '--data', dir], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/BROKEN at seq 5: the chain ends at seq 4 before the published head 5/)
  }, SLOW)
})

describe.runIf(Boolean(process.env.DATABASE_URL))('two duban processes sealing one PostgreSQL at once', () => {
  it('never fork the chain: every row sealed once, both verify it intact', async () => {
    const server = await createServerDatabase()
    try {
      const db = await openDatabase({ url: server.url })
      await writeEntries(db, 3)
      await sealAudit(db)
      // 2,500 waiting rows: three batches of at most 1,000, which the two processes share.
      await db.query(`INSERT INTO audit_log (at, action, entity, entity_id) SELECT now(), 'test.bulk', 'x', g::text FROM generate_series(1, 2500) g`)
      await db.close()
      const env = { ...process.env, DATABASE_URL: server.url }
      const [a, b] = await Promise.all([runDuban(['audit', 'verify'], env), runDuban(['audit', 'verify'], env)])
      expect([a.code, a.stdout, b.code, b.stdout]).toEqual([0, expect.stringContaining('2503 rows'), 0, expect.stringContaining('2503 rows')])
      const check = await openDatabase({ url: server.url })
      const { rows } = await check.query<{ n: number; seqs: number; max: number }>('SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs, max(seq)::int AS max FROM audit_log')
      await check.close()
      expect(rows[0]).toEqual({ n: 2503, seqs: 2503, max: 2503 })
    } finally {
      await server.drop()
    }
  }, 600_000)
})
