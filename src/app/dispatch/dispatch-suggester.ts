/**
 * The running suggester (派单建议): one model per process, built from the database's units, duties and
 * catalogues, then taught each ticket as it closes — closed tickets are read incrementally (after the last
 * one read) at most every `refreshMs`, so a suggestion costs no query most of the time. A change to the
 * unit list (count, ids, functions, duties) rebuilds the model from scratch.
 */
import { listClosedTicketOutcomes, type OutcomeMark } from '../../persistence/dispatch.repo.ts'
import { learnOutcome, rankFunctions, suggest, type DispatchModel, type DispatchQuery, type DispatchSuggestion } from '../../domain/dispatch/dispatch.model.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import type { AppDeps } from '../deps.ts'
import { coldStartModel, loadDbInputs } from './dispatch-inputs.ts'

/** A suggester bound to one database. */
export interface DispatchSuggester {
  suggest(query: DispatchQuery): Promise<DispatchSuggestion[]>
  /** The functions the request is likeliest for (what evaluation scores; see rankFunctions). */
  rankFunctions(query: DispatchQuery): Promise<{ function: string; probability: number }[]>
  /** Reads newly closed tickets now; returns how many were learnt. */
  refresh(): Promise<number>
}

const BATCH = 2000

/** Builds a suggester; the first call loads the model. */
export function createDispatchSuggester(deps: AppDeps, tokenize: Tokenize, opts: { refreshMs?: number } = {}): DispatchSuggester {
  const refreshMs = opts.refreshMs ?? 5000
  let model: DispatchModel | null = null
  let unitsKey = ''
  let mark: OutcomeMark | null = null
  let lastRefresh = -Infinity
  let pending: Promise<number> | null = null

  const load = async (): Promise<number> => {
    const inputs = await loadDbInputs(deps.db)
    const key = JSON.stringify(inputs.units.map((u) => [u.id, u.parentId, u.function, u.duties.length]))
    if (!model || key !== unitsKey) {
      model = coldStartModel(inputs, tokenize)
      unitsKey = key
      mark = null
    }
    let learnt = 0
    for (;;) {
      const batch = await listClosedTicketOutcomes(deps.db, mark, BATCH)
      for (const t of batch) if (learnOutcome(model, t.content, t.unitId, t.address)) learnt++
      const last = batch.at(-1)
      if (last) mark = { closedAt: last.closedAt, itemId: last.itemId }
      if (batch.length < BATCH) break
    }
    lastRefresh = deps.clock.now().getTime()
    return learnt
  }
  const refresh = (): Promise<number> => {
    // One refresh at a time: concurrent requests wait for the same one.
    pending ??= load().finally(() => (pending = null))
    return pending
  }

  const current = async (): Promise<DispatchModel> => {
    if (!model || deps.clock.now().getTime() - lastRefresh >= refreshMs) await refresh()
    const m: DispatchModel | null = model
    if (!m) throw new Error('dispatch model failed to load')
    return m
  }

  return {
    refresh,
    async suggest(query) {
      return suggest(await current(), query)
    },
    async rankFunctions(query) {
      return rankFunctions(await current(), query)
    },
  }
}

const perDeps = new WeakMap<AppDeps, DispatchSuggester>()

/** The process's suggester for these deps (one per server). */
export function dispatchSuggesterFor(deps: AppDeps, tokenize: Tokenize): DispatchSuggester {
  let s = perDeps.get(deps)
  if (!s) perDeps.set(deps, (s = createDispatchSuggester(deps, tokenize)))
  return s
}
