/**
 * Bulk work takes turns with a plan's confirm (docs/write-path.md, "Confirming a plan"). A confirm paces itself to
 * leave two thirds of the process and the database to other requests, and the scheduler's round (the supervision
 * tick, the assessment drain) paces itself to half; run at once, the two leave requests a sixth. The round is the one
 * that can wait: before it starts it waits while some plan's confirm is at work (computing: its note on the draft;
 * writing: its hold; either renewed within CONFIRM_ACTIVE_MS), at most CONFIRM_WAIT_MAX_MS, then runs whatever happens
 * (a stuck confirm never stops the tick).
 */
import type { AppDeps } from '../deps.ts'
import { confirmActiveSince } from '../../persistence/plan-confirm.repo.ts'
import { Pacer, type TickPace } from '../supervision/tick-pace.ts'

/** A note or hold renewed within this long is a confirm at work now (renewed every 5 s computing, every chunk writing; a pause is ≤ 2 s). */
export const CONFIRM_ACTIVE_MS = 15_000

/** The longest the round waits for confirms (its interval: at worst it runs one round late). */
export const CONFIRM_WAIT_MAX_MS = 60_000

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Waits while a confirm is at work, checking every `stepMs` (1 s), at most `maxWaitMs`; answers how long it waited
 * (0 when none was). `sleep` is for tests.
 */
export async function afterConfirms(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  opts: { readonly maxWaitMs?: number; readonly stepMs?: number; readonly sleep?: (ms: number) => Promise<void> } = {},
): Promise<number> {
  const maxWait = opts.maxWaitMs ?? CONFIRM_WAIT_MAX_MS
  const step = opts.stepMs ?? 1_000
  const wait = opts.sleep ?? sleep
  let waited = 0
  while (waited < maxWait && (await confirmActiveSince(deps.db, new Date(deps.clock.now().getTime() - CONFIRM_ACTIVE_MS)))) {
    await wait(step)
    waited += step
  }
  return waited
}

/**
 * The tick's pacer, which also steps aside for a confirm that started while the round was under way: after each rest
 * (between pages and slices, outside any transaction) it waits while a confirm is at work, asking at most once a second.
 */
export class ConfirmAwarePacer extends Pacer {
  private askedAt = -Infinity

  constructor(
    pace: TickPace,
    private readonly deps: Pick<AppDeps, 'db' | 'clock'>,
    private readonly gate: Parameters<typeof afterConfirms>[1] = {},
  ) {
    super(pace)
  }

  override async rest(): Promise<void> {
    await super.rest()
    if (performance.now() - this.askedAt < 1_000) return
    await afterConfirms(this.deps, this.gate)
    this.askedAt = performance.now()
  }
}
