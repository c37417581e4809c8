/**
 * The assessment's counters filled set-based for items loaded without triggers (scripts/generate-items.ts): what
 * marking every such item dirty and draining the log would write (assessment_fact, assessment_agg, assessment_basis),
 * in SQL (src/persistence/assessment-fill.repo.ts), with each kind's first-report days and cadence dates computed
 * here by the drain's own functions and settings. About 2.5 h of draining at 10M items becomes one pass.
 * Equal to the drain: assessment-fill.test.ts.
 */
import { fillChunk, finishFill, startFill, type FillKind } from '../../persistence/assessment-fill.repo.ts'
import { getBasis, putBasis } from '../../persistence/assessment-agg.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { expectedReportDates } from '../../domain/workflow/cadence.ts'
import { addCalendarDays } from '../../domain/workflow/time.ts'
import { firstReportFrom } from '../supervision/supervise-tick.ts'
import { cadenceKey } from './assessment-contrib.ts'
import { settingsOf } from './assessment-aggregates.ts'

/** The start days the fill knows a first-report day for (an item of a reporting kind started outside it fails the fill). */
export const FILL_SPAN = { from: '2000-01-01', to: '2049-12-31' } as const

/** A kind's settings as the fill needs them, from the drain's own settings (and its basis, stored when none is). */
export async function fillKind(db: Queryable, kind: string): Promise<FillKind> {
  const s = await settingsOf(db, kind)
  if ((await getBasis(db, kind)) === null) await putBasis(db, kind, s.basis)
  const cadence = s.contrib.fallbackCadence
  if (cadence.every === 'none') return { kind, ckey: null, firstFrom: [], dates: [] }
  const firstFrom: [string, string][] = []
  for (let d: string = FILL_SPAN.from; d <= FILL_SPAN.to; d = addCalendarDays(d, 1)) {
    firstFrom.push([d, firstReportFrom(d, s.contrib.graceWorkingDays, s.contrib.calendar)])
  }
  // Dates up to a year past the span: a share's dates reach its finishing day, or its last report + 200 days.
  return { kind, ckey: cadenceKey(cadence), firstFrom, dates: expectedReportDates(cadence, FILL_SPAN.from, addCalendarDays(FILL_SPAN.to, 400)) }
}

/**
 * Fills the counters for the items of `kinds` whose number is in (after, upTo] (which must have no facts yet),
 * in chunks of numbers given by `chunks` (consecutive bounds: after, b1, b2, …, upTo), each chunk adding its sums to
 * assessment_agg, then (unless `vacuum` is false) vacuums both tables as the backfill's drain does. Returns the shares
 * written and the counter rows the chunks inserted or added to (a row once per chunk that touched it).
 */
export async function fillAssessment(
  db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  kinds: readonly string[],
  bounds: readonly string[],
  progress: (done: number, of: number) => void = () => {},
  opts: { readonly vacuum?: boolean; readonly jobs?: number } = {},
): Promise<{ shares: number; counters: number }> {
  const ks: FillKind[] = []
  for (const k of kinds) ks.push(await fillKind(db, k))
  await startFill(db, ks)
  let shares = 0
  let counters = 0
  let next = 1
  let done = 0
  // `jobs` chunks at once, each on its own connection (PGlite runs them in turn).
  const worker = async (): Promise<void> => {
    for (let i = next++; i < bounds.length; i = next++) {
      // Not `shares += await …`: that reads `shares` before the other worker's chunk adds to it.
      const n = await fillChunk(db, bounds[i - 1]!, bounds[i]!, ks)
      shares += n.shares
      counters += n.counters
      progress(++done, bounds.length - 1)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs ?? 1) }, worker))
  counters += await finishFill(db)
  if (opts.vacuum !== false) {
    await db.query(`VACUUM (ANALYZE) assessment_agg`)
    await db.query(`VACUUM (ANALYZE) assessment_fact`)
  }
  return { shares, counters }
}
