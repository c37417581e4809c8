/**
 * The sealed audit log (审计日志, docs/audit.md), one test per guarantee: an edited, deleted, inserted or
 * reordered sealed row is named; writers never wait for each other; a row whose transaction commits late is
 * sealed exactly once; two sealers at once never fork the chain. PGlite always, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../../src/persistence/db.ts'
import { lockSealer, readAuditPage } from '../../src/persistence/audit.repo.ts'
import { listMigrations, migrate } from '../../src/persistence/migrate.ts'
import { openPg } from '../../src/persistence/pg.db.ts'
import { openPglite } from '../../src/persistence/pglite.db.ts'
import { appendAudit, type AuditEntry } from '../../src/app/audit/append-audit.ts'
import { auditHash, GENESIS_HASH } from '../../src/app/audit/audit-hash.ts'
import { sealAudit, startSealer } from '../../src/app/audit/seal-audit.ts'
import { verifyAudit, type AuditVerdict } from '../../src/app/audit/verify-audit.ts'
import { createServerDatabase, freshDb, testDialects } from '../support/test-db.ts'

const entry = (tag: string): AuditEntry => ({
  actorId: 'u1',
  action: 'unit.update',
  entity: 'unit',
  entityId: tag,
  before: { name: `旧${tag}`, nested: { b: 2, a: 1 } },
  after: { name: `新${tag}` },
  at: new Date(Date.UTC(2026, 2, 2, 1, 0, 0)),
})

async function write(db: Db, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) await db.transaction((tx) => appendAudit(tx, entry(`${tag}${i}`)))
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** Rows by state: every sealed row has its own seq, and nothing waits. */
async function chainState(q: Queryable): Promise<{ total: number; sealed: number; seqs: number; maxSeq: number }> {
  const { rows } = await q.query<{ total: number; sealed: number; seqs: number; max_seq: number | null }>(
    'SELECT count(*)::int AS total, count(seq)::int AS sealed, count(DISTINCT seq)::int AS seqs, max(seq)::int AS max_seq FROM audit_log',
  )
  const r = rows[0]!
  return { total: r.total, sealed: r.sealed, seqs: r.seqs, maxSeq: r.max_seq ?? 0 }
}

const ROLLBACK = new Error('rollback')

/** Tampers inside a transaction, verifies there, and rolls back: the chain is untouched for the next test. */
async function verdictAfter(db: Db, tamper: (tx: Queryable) => Promise<void>, published?: { seq: number; hash: string }): Promise<AuditVerdict> {
  let verdict: AuditVerdict | undefined
  await db
    .transaction(async (tx) => {
      await tamper(tx)
      verdict = await verifyAudit(tx, 3, published)
      throw ROLLBACK
    })
    .catch((e: unknown) => {
      if (e !== ROLLBACK) throw e
    })
  return verdict!
}

/** Moves seqs without tripping the unique constraint halfway (an UPDATE checks it row by row). */
async function moveSeqs(tx: Queryable, pairs: [from: number, to: number][]): Promise<void> {
  for (const [from, to] of pairs) await tx.query('UPDATE audit_log SET seq = $2 WHERE seq = $1', [from, -to])
  await tx.query('UPDATE audit_log SET seq = -seq WHERE seq < 0')
}

for (const dialect of testDialects()) {
  describe(`sealed audit chain on ${dialect}: tampering is named`, () => {
    let db: Db
    let head: { seq: number; hash: string }
    beforeAll(async () => {
      db = await freshDb(dialect)
      await write(db, 6, 't')
      head = (await sealAudit(db)).head!
    })
    afterAll(async () => {
      await db?.close()
    })

    it('seals six rows as seq 1–6 and verifies them', async () => {
      expect(head.seq).toBe(6)
      expect(await verifyAudit(db, 3, head)).toEqual({ ok: true, rows: 6, headSeq: 6, headHash: head.hash, unsealed: 0 })
    })

    it('names an edited row', async () => {
      const v = await verdictAfter(db, (tx) => tx.query(`UPDATE audit_log SET after = '{"name":"篡改"}'::jsonb WHERE seq = 3`).then(() => undefined))
      expect(v).toMatchObject({ ok: false, badSeq: 3, reason: 'row 3 was changed after it was written' })
    })

    it('names the row after an edited row whose own hash was recomputed', async () => {
      const v = await verdictAfter(db, async (tx) => {
        const [r] = (await readAuditPage(tx, 2, 1)).map((x) => ({ ...x, actorId: 'someone-else' }))
        await tx.query('UPDATE audit_log SET actor_id = $1, hash = $2 WHERE seq = 3', [r!.actorId, auditHash(r!.prevHash, r!)])
      })
      expect(v).toMatchObject({ ok: false, badSeq: 4, reason: "row 4 does not follow the previous row's hash" })
    })

    it('names a deleted row', async () => {
      const v = await verdictAfter(db, (tx) => tx.query('DELETE FROM audit_log WHERE seq = 3').then(() => undefined))
      expect(v).toMatchObject({ ok: false, badSeq: 3, reason: 'row 3 is missing (next present is 4)' })
    })

    it('names an inserted row, even one hashed correctly onto its predecessor', async () => {
      const v = await verdictAfter(db, async (tx) => {
        await moveSeqs(tx, [6, 5, 4, 3].map((s) => [s, s + 1] as [number, number]))
        const prev = (await readAuditPage(tx, 1, 1))[0]!
        const forged = { ...entry('forged'), seq: 3, before: null, after: { name: '伪造' } }
        await tx.query(
          `INSERT INTO audit_log (seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)
           VALUES (3, $1, $2, $3, $4, $5, NULL, $6::text::jsonb, $7, $8)`,
          [forged.at.toISOString(), forged.actorId, forged.action, forged.entity, forged.entityId, JSON.stringify(forged.after), prev.hash, auditHash(prev.hash, forged)],
        )
      })
      expect(v).toMatchObject({ ok: false, badSeq: 4, reason: "row 4 does not follow the previous row's hash" })
    })

    it('names reordered rows', async () => {
      const v = await verdictAfter(db, (tx) => moveSeqs(tx, [[2, 4], [4, 2]]))
      expect(v).toMatchObject({ ok: false, badSeq: 2 })
    })

    it('names rows removed from the end only against a published head', async () => {
      const cut = (tx: Queryable) => tx.query('DELETE FROM audit_log WHERE seq = 6').then(() => undefined)
      expect(await verdictAfter(db, cut)).toMatchObject({ ok: true, rows: 5 })
      expect(await verdictAfter(db, cut, head)).toMatchObject({ ok: false, badSeq: 6, reason: 'the chain ends at seq 5 before the published head 6: rows were removed from its end' })
    })

    it('names a chain rewritten and re-hashed from the first row, against a published head', async () => {
      const rewrite = async (tx: Queryable): Promise<void> => {
        await tx.query(`UPDATE audit_log SET after = '{"name":"改写"}'::jsonb WHERE seq = 2`)
        let prev = GENESIS_HASH
        for (const r of await readAuditPage(tx, 0, 100)) {
          const hash = auditHash(prev, r)
          await tx.query('UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3', [prev, hash, r.seq])
          prev = hash
        }
      }
      expect(await verdictAfter(db, rewrite)).toMatchObject({ ok: true, rows: 6 })
      expect(await verdictAfter(db, rewrite, head)).toMatchObject({ ok: false, badSeq: 6, reason: "row 6 does not have the published head's hash: the chain up to it was rewritten" })
    })

    it('refuses a second row at a sealed seq', async () => {
      await expect(
        db.transaction(async (tx) => {
          const id = await appendAudit(tx, entry('dup'))
          await tx.query('UPDATE audit_log SET seq = 2, prev_hash = $1, hash = $1 WHERE id = $2', [GENESIS_HASH, id])
        }),
      ).rejects.toThrow(/audit_log_seq_key|unique/)
    })
  })

  describe(`audit writers and the sealer on ${dialect}`, () => {
    let db: Db
    let second: Db
    let dropServerDb: (() => Promise<void>) | undefined
    beforeAll(async () => {
      if (dialect === 'pglite') {
        db = await freshDb('pglite')
        second = db
        return
      }
      // Two pools on one database: two processes' worth of connections.
      const server = await createServerDatabase()
      dropServerDb = server.drop
      db = await openPg(server.url)
      await migrate(db)
      second = await openPg(server.url)
    })
    afterAll(async () => {
      if (second !== db) await second?.close()
      await db?.close()
      await dropServerDb?.()
    })

    it('appends with one INSERT and nothing else: no lock, no read of the chain', async () => {
      const seen: string[] = []
      await db.transaction((tx) =>
        appendAudit({ query: (sql, params) => (seen.push(sql), tx.query(sql, params)) }, entry('one')),
      )
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatch(/^\s*INSERT INTO audit_log/)
      await sealAudit(db)
    })

    it.runIf(dialect === 'pg')('lets many open transactions append before any of them commits', async () => {
      const n = 8
      let appended = 0
      const all = deferred()
      const writers = Array.from({ length: n }, (_, i) =>
        db.transaction(async (tx) => {
          // Were appends serialised by a lock, the second writer would wait here and fail after 5 s.
          await tx.query(`SET LOCAL lock_timeout = '5s'`)
          await appendAudit(tx, entry(`open${i}`))
          if (++appended === n) all.resolve()
          await all.promise
        }),
      )
      await Promise.all(writers)
      expect(appended).toBe(n)
      expect(await sealAudit(db)).toMatchObject({ sealed: n })
      expect(await verifyAudit(db)).toMatchObject({ ok: true, unsealed: 0 })
    })

    it.runIf(dialect === 'pg')('seals a row whose transaction commits after later rows were sealed, once, at the end', async () => {
      const appended = deferred()
      const release = deferred()
      let lateId = 0
      const late = db.transaction(async (tx) => {
        lateId = await appendAudit(tx, entry('late'))
        appended.resolve()
        await release.promise
      })
      await appended.promise
      await write(second, 2, 'early') // higher ids, committed first
      const first = await sealAudit(db)
      expect(first.sealed).toBe(2)
      release.resolve()
      await late
      const again = await sealAudit(second)
      expect(again).toMatchObject({ sealed: 1, head: { seq: first.head!.seq + 1 } })
      const { rows } = await db.query<{ seq: number }>('SELECT seq::int AS seq FROM audit_log WHERE id = $1', [lateId])
      expect(rows[0]!.seq).toBe(first.head!.seq + 1)
      expect(await sealAudit(db)).toMatchObject({ sealed: 0 })
      const s = await chainState(db)
      expect([s.sealed, s.seqs, s.maxSeq]).toEqual([s.total, s.total, s.total])
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: s.total, unsealed: 0 })
    })

    it.runIf(dialect === 'pglite')('seals a row whose transaction was still open when sealing was asked for, once', async () => {
      const appended = deferred()
      const release = deferred()
      const late = db.transaction(async (tx) => {
        await appendAudit(tx, entry('late'))
        appended.resolve()
        await release.promise
      })
      await appended.promise
      const sealing = sealAudit(db) // one connection: it runs after the open transaction ends
      release.resolve()
      await late
      expect(await sealing).toMatchObject({ sealed: 1 })
      expect(await sealAudit(db)).toMatchObject({ sealed: 0 })
      const s = await chainState(db)
      expect([s.sealed, s.seqs, s.maxSeq]).toEqual([s.total, s.total, s.total])
    })

    it.runIf(dialect === 'pg')('lets one sealer at a time through: the other finds it busy or waits its turn', async () => {
      await write(db, 3, 'busy')
      const holding = deferred()
      const release = deferred()
      const holder = db.transaction(async (tx) => {
        expect(await lockSealer(tx, false)).toBe(true)
        holding.resolve()
        await release.promise
      })
      await holding.promise
      expect(await sealAudit(second)).toEqual({ sealed: 0, head: null, busy: true })
      const waiting = sealAudit(second, { wait: true })
      release.resolve()
      await holder
      expect(await waiting).toMatchObject({ sealed: 3, busy: false })
    })

    it('never forks the chain when two sealers run while writers write', async () => {
      const work: Promise<unknown>[] = []
      for (let r = 0; r < 8; r++) {
        work.push(write(r % 2 ? second : db, 3, `race${r}-`))
        work.push(sealAudit(db, { wait: r % 2 === 0, batchSize: 2 }), sealAudit(second, { wait: r % 2 === 1, batchSize: 2 }))
      }
      await Promise.all(work)
      await sealAudit(db, { wait: true })
      const s = await chainState(db)
      expect([s.sealed, s.seqs, s.maxSeq]).toEqual([s.total, s.total, s.total])
      expect(await verifyAudit(second)).toMatchObject({ ok: true, rows: s.total, unsealed: 0 })
    })

    it('startSealer seals on demand, and what is waiting when it stops', async () => {
      const sealer = startSealer(db, { intervalMs: 3_600_000 })
      await write(db, 2, 'demand')
      expect(await sealer.sealNow()).toMatchObject({ sealed: 2 })
      await write(db, 3, 'stop')
      await sealer.stop()
      expect(await verifyAudit(db)).toMatchObject({ ok: true, unsealed: 0 })
    })
  })
}

for (const dialect of testDialects()) {
  describe(`migration 060 on ${dialect}`, () => {
    let db: Db
    let dropServerDb: (() => Promise<void>) | undefined
    beforeAll(async () => {
      if (dialect === 'pglite') db = await openPglite()
      else {
        const server = await createServerDatabase()
        dropServerDb = server.drop
        db = await openPg(server.url)
      }
    })
    afterAll(async () => {
      await db?.close()
      await dropServerDb?.()
    })

    it('keeps rows sealed under the old scheme, and continues the chain and the ids after them', async () => {
      await db.query('CREATE TABLE schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
      for (const m of listMigrations().filter((x) => x.id < '060')) {
        await db.transaction(async (tx) => {
          await tx.query(m.sql)
          await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id])
        })
      }
      // As the old appendAudit wrote them: explicit seq, hashed at once.
      let prev = GENESIS_HASH
      for (let seq = 1; seq <= 3; seq++) {
        const row = { ...entry(`old${seq}`), seq, before: { n: seq }, after: null }
        const hash = auditHash(prev, row)
        await db.query(
          `INSERT INTO audit_log (seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, NULL, $8, $9)`,
          [seq, row.at.toISOString(), row.actorId, row.action, row.entity, row.entityId, JSON.stringify(row.before), prev, hash],
        )
        prev = hash
      }
      await migrate(db)
      expect(await verifyAudit(db)).toEqual({ ok: true, rows: 3, headSeq: 3, headHash: prev, unsealed: 0 })
      await write(db, 2, 'new')
      expect(await sealAudit(db)).toMatchObject({ sealed: 2, head: { seq: 5 } })
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 5 })
      const { rows } = await db.query<{ id: number; seq: number }>('SELECT id::int AS id, seq::int AS seq FROM audit_log ORDER BY id')
      expect(rows).toEqual([1, 2, 3, 4, 5].map((n) => ({ id: n, seq: n })))
    })
  })
}
