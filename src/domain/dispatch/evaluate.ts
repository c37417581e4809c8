/** Scoring dispatch suggestions by function (按职能计的准确率): top-1 and top-3, overall and per function. */

/** One labelled case and the functions of the units suggested for it, best first. */
export interface ScoredCase {
  readonly function: string
  readonly suggested: readonly string[]
}

/** Counts and rates for one function or for all. */
export interface Accuracy {
  readonly n: number
  readonly top1: number
  readonly top3: number
}

/** Overall and per-function accuracy. */
export interface AccuracyReport {
  readonly overall: Accuracy
  readonly byFunction: Readonly<Record<string, Accuracy>>
}

/** Top-1: the first suggestion's function is the label; top-3: one of the first three is. */
export function accuracyByFunction(cases: readonly ScoredCase[]): AccuracyReport {
  const tally = new Map<string, { n: number; hit1: number; hit3: number }>()
  const all = { n: 0, hit1: 0, hit3: 0 }
  for (const c of cases) {
    const t = tally.get(c.function) ?? { n: 0, hit1: 0, hit3: 0 }
    tally.set(c.function, t)
    const hit1 = c.suggested[0] === c.function ? 1 : 0
    const hit3 = c.suggested.slice(0, 3).includes(c.function) ? 1 : 0
    for (const x of [t, all]) {
      x.n++
      x.hit1 += hit1
      x.hit3 += hit3
    }
  }
  const rate = (x: { n: number; hit1: number; hit3: number }): Accuracy => ({ n: x.n, top1: x.n ? x.hit1 / x.n : 0, top3: x.n ? x.hit3 / x.n : 0 })
  const byFunction: Record<string, Accuracy> = {}
  for (const [fn, t] of [...tally].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))) byFunction[fn] = rate(t)
  return { overall: rate(all), byFunction }
}
