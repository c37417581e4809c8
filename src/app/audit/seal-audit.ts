/**
 * The sealer (审计日志封存): links committed, unsealed audit rows into the hash chain. Writers never wait for
 * it and it never waits for them; exactly one sealing batch runs at a time across every process (docs/audit.md).
 */
import type { Db } from '../../persistence/db.ts'
import { lockSealer, readChainHead, readUnsealed, writeSeals, type SealOfRow } from '../../persistence/audit.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { auditHash, GENESIS_HASH } from './audit-hash.ts'
import { yieldTurn } from '../yield-turn.ts'

/** The chain's newest sealed row: publish it, and later check the chain still leads to it. */
export interface ChainHead {
  readonly seq: number
  readonly hash: string
}

/** What one sealing run did: rows sealed, the head after it, and whether another sealer held the lock. */
export interface SealOutcome {
  readonly sealed: number
  readonly head: ChainHead | null
  readonly busy: boolean
}

/** Options: wait for another sealer's batch (true) or give up at once (false, the periodic default). */
export interface SealOptions {
  readonly wait?: boolean
  readonly batchSize?: number
}

// Seal calls on one Db in this process run one after another. On PostgreSQL the advisory lock alone would
// do; PGlite is one session, where an advisory lock is re-entrant and cannot keep two calls apart.
const queues = new WeakMap<Db, Promise<unknown>>()

/**
 * Seals every committed unsealed row, in batches, each batch one transaction under the sealer lock: read the
 * head, read the oldest unsealed rows by id, give them seq head+1, head+2 … and their hashes, write them.
 * Selection is "unsealed", not "id above a mark", so a row whose transaction commits late (after rows with
 * higher ids were sealed) is sealed by the next batch, once, at the end of the chain.
 */
export function sealAudit(db: Db, opts: SealOptions = {}): Promise<SealOutcome> {
  const run = (queues.get(db) ?? Promise.resolve()).then(
    () => sealAll(db, opts),
    () => sealAll(db, opts),
  )
  queues.set(db, run.catch(() => undefined))
  return run
}

/** Rows per sealing batch on PostgreSQL, where the batch holds one pooled connection and not the event loop. */
export const SEAL_BATCH = 1000

/**
 * Rows per sealing batch on PGlite. There a batch's transaction (its reads, the rows' hashes in Node, the one UPDATE)
 * is one stretch of the event loop that every request in flight waits for, and the sealer runs every second: with
 * progress reports streaming in (800/s, each an audit row) a batch of 1,000 held the loop 108–202 ms after a
 * 1,000-task confirm, batches of 200 30–71 ms each (in-memory PGlite, load ~7; BENCHMARKS.md, "PGlite: the
 * after-confirm drain in short batches"). Between two batches the sealer lets the event loop turn.
 */
export const SEAL_BATCH_PGLITE = 100

async function sealAll(db: Db, opts: SealOptions): Promise<SealOutcome> {
  const pglite = db.dialect === 'pglite'
  const batchSize = opts.batchSize ?? (pglite ? SEAL_BATCH_PGLITE : SEAL_BATCH)
  let sealed = 0
  let head: ChainHead | null = null
  for (let first = true; ; first = false) {
    if (pglite && !first) await yieldTurn()
    const batch = await db.transaction(async (tx) => {
      if (!(await lockSealer(tx, opts.wait ?? false))) return null
      const start = await readChainHead(tx)
      const rows = await readUnsealed(tx, batchSize)
      let seq = start?.seq ?? 0
      let prevHash = start?.hash ?? GENESIS_HASH
      const seals: SealOfRow[] = []
      for (const r of rows) {
        seq++
        const hash = auditHash(prevHash, { ...r, seq })
        seals.push({ id: r.id, seq, prevHash, hash })
        prevHash = hash
      }
      const written = await writeSeals(tx, seals)
      // Only possible if something other than this sealer sealed rows meanwhile: roll back, never fork.
      if (written !== seals.length) throw new DubanError('DUBAN_ERR_AUDIT_CHAIN_BROKEN', `sealer wrote ${written} of ${seals.length} seals; batch rolled back`)
      return { n: rows.length, head: rows.length > 0 ? { seq, hash: prevHash } : start }
    })
    if (batch === null) return { sealed, head, busy: true }
    sealed += batch.n
    head = batch.head
    if (batch.n < batchSize) return { sealed, head, busy: false }
  }
}

/** A running sealer: sealNow() seals on demand (waiting for another process's batch); stop() ends it. */
export interface Sealer {
  sealNow(): Promise<SealOutcome>
  stop(): Promise<void>
}

/**
 * Seals every intervalMs (default 1 s) while the server runs. Each process may run one; the lock makes them
 * take turns, and a process that finds the lock taken skips that tick. Errors go to onError and the next tick
 * tries again (an unsealed row waits; it is not lost).
 */
export function startSealer(db: Db, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}): Sealer {
  let inFlight: Promise<unknown> = Promise.resolve()
  let ticking = false
  const report = (e: unknown): void => opts.onError?.(e)
  const timer = setInterval(() => {
    if (ticking) return
    ticking = true
    inFlight = sealAudit(db)
      .catch(report)
      .finally(() => (ticking = false))
  }, opts.intervalMs ?? 1000)
  timer.unref?.()
  return {
    sealNow: () => sealAudit(db, { wait: true }),
    async stop() {
      clearInterval(timer)
      await inFlight
      // Seal what the last requests wrote, so a clean stop leaves nothing waiting.
      await sealAudit(db).catch(report)
    },
  }
}
