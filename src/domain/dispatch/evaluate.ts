/** Scoring dispatch suggestions by function (按职能计的准确率): top-1 and top-3, overall and per function. */

/** One labelled case and the functions of the units suggested for it, best first. */
export interface ScoredCase {
  readonly function: string
  readonly suggested: readonly string[]
  /** The confidence shown for the first suggestion (0–1), when known. */
  readonly confidence?: number | undefined
  /** The confidence shown for each suggestion, best first (0–1), when known; confidences[0] is `confidence`. */
  readonly confidences?: readonly number[] | undefined
}

/**
 * Counts and rates for one function or for all. For one function, top1 is its recall (of the requests that were
 * its, the share it was first for) and precision the share right of the requests it was first for.
 */
export interface Accuracy {
  readonly n: number
  readonly top1: number
  readonly top3: number
  /** How many requests had this function first (for all: every request with a first suggestion). */
  readonly first: number
  /** Of those, the share whose label it was (0 when never first). */
  readonly precision: number
}

/** Overall and per-function accuracy. */
export interface AccuracyReport {
  readonly overall: Accuracy
  readonly byFunction: Readonly<Record<string, Accuracy>>
}

/**
 * Top-1: the first suggestion's function is the label; top-3: one of the first three is. Per function also the
 * precision of being first; a function suggested first but never a label gets a row with n 0.
 */
export function accuracyByFunction(cases: readonly ScoredCase[]): AccuracyReport {
  type Tally = { n: number; hit1: number; hit3: number; first: number; firstRight: number }
  const empty = (): Tally => ({ n: 0, hit1: 0, hit3: 0, first: 0, firstRight: 0 })
  const tally = new Map<string, Tally>()
  const all = empty()
  const of = (fn: string): Tally => {
    let t = tally.get(fn)
    if (!t) tally.set(fn, (t = empty()))
    return t
  }
  for (const c of cases) {
    const t = of(c.function)
    const hit1 = c.suggested[0] === c.function ? 1 : 0
    const hit3 = c.suggested.slice(0, 3).includes(c.function) ? 1 : 0
    for (const x of [t, all]) {
      x.n++
      x.hit1 += hit1
      x.hit3 += hit3
    }
    const firstFn = c.suggested[0]
    if (firstFn !== undefined) {
      for (const x of [of(firstFn), all]) {
        x.first++
        x.firstRight += hit1
      }
    }
  }
  const rate = (x: Tally): Accuracy => ({
    n: x.n,
    top1: x.n ? x.hit1 / x.n : 0,
    top3: x.n ? x.hit3 / x.n : 0,
    first: x.first,
    precision: x.first ? x.firstRight / x.first : 0,
  })
  const byFunction: Record<string, Accuracy> = {}
  for (const [fn, t] of [...tally].sort((a, b) => b[1].n - a[1].n || b[1].first - a[1].first || a[0].localeCompare(b[0]))) byFunction[fn] = rate(t)
  return { overall: rate(all), byFunction }
}

/** One band of confidence: how many first suggestions fell in it, how sure they said they were, how often right. */
export interface CalibrationBand {
  readonly from: number
  readonly to: number
  readonly n: number
  readonly meanConfidence: number
  readonly top1: number
}

/**
 * Calibration (置信度校准) of the first suggestion (or of the suggestion at `rank`, 0-based): the cases in five bands of
 * its confidence (0–0.2, …, 0.8–1), each band's mean confidence beside how often that suggestion was right, and the
 * expected calibration error (the n-weighted mean gap). A calibrated confidence of 0.7 is right about 7 times in 10.
 * Cases without a confidence (or without a suggestion at that rank) are left out.
 */
export function calibrationOf(cases: readonly ScoredCase[], rank = 0): { bands: CalibrationBand[]; expectedError: number } {
  const sums = Array.from({ length: 5 }, () => ({ n: 0, conf: 0, hit: 0 }))
  for (const c of cases) {
    const confidence = c.confidences?.[rank] ?? (rank === 0 ? c.confidence : undefined)
    if (confidence === undefined || c.suggested[rank] === undefined) continue
    const s = sums[Math.min(4, Math.max(0, Math.floor(confidence * 5)))]!
    s.n++
    s.conf += confidence
    s.hit += c.suggested[rank] === c.function ? 1 : 0
  }
  const total = sums.reduce((a, s) => a + s.n, 0)
  const bands = sums.map((s, i) => ({ from: i / 5, to: (i + 1) / 5, n: s.n, meanConfidence: s.n ? s.conf / s.n : 0, top1: s.n ? s.hit / s.n : 0 }))
  const expectedError = total ? bands.reduce((a, b) => a + Math.abs(b.meanConfidence - b.top1) * b.n, 0) / total : 0
  return { bands, expectedError }
}
