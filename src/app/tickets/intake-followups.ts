/**
 * What follows a ticket's intake, off its request (issue 7, lean intake): duplicate detection (重复诉求 proposals and
 * the 多次重复诉求 flag, duplicates.ts). Intake writes a job row in its own transaction (migration 134), so nothing
 * acknowledged is lost, across kill -9 too; this worker drains the jobs in batches, each batch one transaction that
 * stores what detection found and deletes the jobs, every job in its own SAVEPOINT so a failing one is put off alone
 * (and tried again after a pause that grows with its attempts). It runs in every `duban serve` (HTTP server) process:
 * kicked in-process right after an intake commits, and on a timer for jobs another process or a crash left behind.
 * Several processes share the table through FOR UPDATE SKIP LOCKED.
 */
import type { Db, Queryable } from '../../persistence/db.ts'
import { countIntakeJobs, finishIntakeJobs, postponeIntakeJob, takeIntakeJobs } from '../../persistence/intake-jobs.repo.ts'
import { storeIntakeFindings, type IntakeFinding } from '../../persistence/ticket-intake.repo.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import type { AppDeps } from '../deps.ts'
import { findDuplicatesOf, findDuplicatesOfMany, storeDuplicates, type DuplicatesFound } from './duplicates.ts'

/** Jobs taken per transaction. */
export const INTAKE_JOB_BATCH = 100
/**
 * How long a kick waits before the worker drains, and the least time between the starts of two drains: the jobs
 * committed meanwhile are done in the same batch. Under load a drain right after each commit took batches of one or
 * two jobs, and a batch's fixed cost (its transaction, the take, the subjects' and candidates' reads, the store, the
 * delete: seven round trips) was paid per ticket; on PGlite, where all of it runs on the event loop, that was about a
 * third of an intake's CPU (docs/tickets.md, "Intake's cost"). At 50 ms, with the next drain started as soon as one
 * ended, batches under peer's intake load were 36 jobs on average, at 200 ms 77 (docs/write-path.md); a drain in
 * batches of 100 costs a job 0.32 ms of Node and 0.23 of PostgreSQL, in batches of 30 0.43 / 0.28
 * (scripts/measure-intake-jobs.ts). Detection's proposals and flags are advice for the operator, who sees them on the
 * ticket's page: 200 ms later is not later for anyone.
 */
export const INTAKE_KICK_DELAY_MS = 200
/** How often the worker looks for jobs it was not kicked for (another process's, or left by a crash). */
export const INTAKE_JOB_POLL_MS = 1_000
/** The longest pause before a failed job is tried again. */
const MAX_RETRY_MS = 3_600_000

const retryDelayMs = (attempts: number): number => Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(attempts, 12))

/**
 * Drains due jobs, at most `max`; answers how many were done (failed ones not counted). Safe to run in several
 * processes at once. A batch is first done without a savepoint per job (two round trips fewer each); if a job fails
 * there, the batch's transaction is rolled back and the batch done again with a savepoint per job, so a failing job
 * is put off alone.
 */
export async function drainIntakeJobs(deps: AppDeps, tokenize: Tokenize, max = Number.MAX_SAFE_INTEGER): Promise<number> {
  let done = 0
  let careful = false
  while (done < max) {
    const now = deps.clock.now()
    const limit = Math.min(INTAKE_JOB_BATCH, max - done)
    let taken: { jobs: number; finished: number }
    try {
      taken = await deps.db.transaction((tx) => (careful ? drainBatchCarefully(tx, deps, tokenize, now, limit) : drainBatch(tx, deps, tokenize, now, limit)))
    } catch (error) {
      if (careful) throw error
      careful = true
      continue
    }
    careful = false
    done += taken.finished
    if (taken.jobs < INTAKE_JOB_BATCH || taken.jobs === 0) break
  }
  return done
}

type Batch = { jobs: number; finished: number }

/** A ticket that no longer exists has nothing to detect: its job is done (thrown before any statement fails). */
const gone = (error: unknown): boolean => (error as { code?: string }).code === 'DUBAN_ERR_NOT_FOUND'

/** One batch, every job in the batch's transaction as it is, its reads for all jobs at once; any failure fails the batch. */
async function drainBatch(tx: Queryable, deps: AppDeps, tokenize: Tokenize, now: Date, limit: number): Promise<Batch> {
  const jobs = await takeIntakeJobs(tx, now.toISOString(), limit)
  if (jobs.length === 0) return { jobs: 0, finished: 0 }
  // The candidates' statement (an unnest of the batch's arrays, its rows estimated from their length) was planned
  // anew on every run: a custom plan's estimate beats the generic one's 100 rows, though the lateral reads are the
  // same either way. Planning it cost more than running it (PGlite: ~10 ms against ~1 ms at load 22). For this
  // transaction only, the plan each named statement keeps is used.
  await tx.query(GENERIC_PLANS)
  // The batch's reads in two statements; a ticket gone has nothing to detect (its job is done).
  const found = await findDuplicatesOfMany(tx, tokenize, jobs)
  // What every job found, stored by one statement for the batch (storeDuplicates' rows, by the system).
  const findings = jobs.flatMap((job) => {
    const f = found.get(job.itemId)
    return f ? [findingOf(deps, f)] : []
  })
  await storeIntakeFindings(tx, findings, now.toISOString())
  await finishIntakeJobs(tx, jobs.map((j) => j.itemId))
  return { jobs: jobs.length, finished: jobs.length }
}

const GENERIC_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan'

/** The rows storeDuplicates would write for one ticket's detection, as the batch's statement takes them. */
function findingOf(deps: AppDeps, f: DuplicatesFound): IntakeFinding {
  return {
    subjectId: f.subjectId,
    proposals: f.matches.map((m) => ({ id: deps.newId(), ticketId: m.ticketId, primaryId: m.primaryId, reasons: m.reasons, similarity: m.similarity })),
    repeat: f.repeat ? { asks: f.repeat.asks, earlier: f.repeat.earlier } : null,
    windowDays: f.settings.windowDays,
    threshold: f.settings.threshold,
  }
}

/** One batch, each job in its own savepoint: a failing one is rolled back and put off alone. */
async function drainBatchCarefully(tx: Queryable, deps: AppDeps, tokenize: Tokenize, now: Date, limit: number): Promise<Batch> {
  const jobs = await takeIntakeJobs(tx, now.toISOString(), limit)
  const finished: string[] = []
  for (const job of jobs) {
    await tx.query('SAVEPOINT duban_intake_job')
    try {
      const found = await findDuplicatesOf(tx, tokenize, job.itemId, { settings: { windowDays: job.windowDays } })
      await storeDuplicates(tx, deps, null, found)
      await tx.query('RELEASE SAVEPOINT duban_intake_job')
      finished.push(job.itemId)
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT duban_intake_job')
      if (gone(error)) finished.push(job.itemId)
      else await postponeIntakeJob(tx, job.itemId, new Date(now.getTime() + retryDelayMs(job.attempts)).toISOString(), String((error as Error).message ?? error))
    }
  }
  await finishIntakeJobs(tx, finished)
  return { jobs: jobs.length, finished: finished.length }
}

/** The worker of one process. */
export interface IntakeJobWorker {
  /** Drain soon (an intake just committed a job). */
  kick(): void
  /** Drains until no job is due, waiting for a drain already running. */
  drainNow(): Promise<number>
  /** Stops the timer and waits for the drain in flight. */
  stop(): Promise<void>
}

interface WorkerSlot {
  worker: IntakeJobWorker | null
}

/** The worker registered for a database in this process (receiveTicket kicks it after a commit). */
function slotOf(db: Db): WorkerSlot | null {
  return db.memo ? db.memo.slot<WorkerSlot>('ticket-intake-jobs', () => ({ worker: null })) : null
}

/** Kicks this process's worker for the database, if one runs (none: the jobs wait for one that does). */
export function kickIntakeJobs(db: Db): void {
  slotOf(db)?.worker?.kick()
}

/** Starts the worker for this process: drains on a kick and every `pollMs`. */
export function startIntakeJobWorker(deps: AppDeps, tokenize: Tokenize, opts: { pollMs?: number; onError?: (e: unknown) => void } = {}): IntakeJobWorker {
  let running: Promise<number> | null = null
  let again = false
  let stopped = false
  const report = (e: unknown): void => opts.onError?.(e)
  const run = (): Promise<number> => {
    if (running) {
      again = true
      return running
    }
    again = false
    running = drainIntakeJobs(deps, tokenize)
      .catch((e: unknown) => (report(e), 0))
      .finally(() => {
        running = null
        // Kicked while it ran: the next drain waits its delay too (started at once, it took only what came meanwhile).
        if (again && !stopped) kick()
      })
    return running
  }
  let scheduled: ReturnType<typeof setTimeout> | null = null
  function kick(): void {
    if (stopped || scheduled) return
    // After INTAKE_KICK_DELAY_MS: the tickets committed meanwhile (several groups under load) are drained together.
    scheduled = setTimeout(() => {
      scheduled = null
      if (!stopped) void run()
    }, INTAKE_KICK_DELAY_MS)
  }
  const timer = setInterval(() => {
    if (!running) void run()
  }, opts.pollMs ?? INTAKE_JOB_POLL_MS)
  timer.unref?.()
  const worker: IntakeJobWorker = {
    kick,
    async drainNow() {
      if (running) await running
      return run()
    },
    async stop() {
      stopped = true
      clearInterval(timer)
      if (scheduled) clearTimeout(scheduled)
      scheduled = null
      if (running) await running
      const slot = slotOf(deps.db)
      if (slot?.worker === worker) slot.worker = null
    },
  }
  const slot = slotOf(deps.db)
  if (slot) slot.worker = worker
  return worker
}

/** Jobs waiting (for `duban tickets` and the tests). */
export function pendingIntakeJobs(db: Db): Promise<number> {
  return countIntakeJobs(db)
}
