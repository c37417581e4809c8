/** Scoring dispatch suggestions by function (按职能计的准确率): top-1 and top-3, overall and per function. */

/** One labelled case and the functions of the units suggested for it, best first. */
export interface ScoredCase {
  readonly function: string
  readonly suggested: readonly string[]
  /** The confidence shown for the first suggestion (0–1), when known. */
  readonly confidence?: number | undefined
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

/** One band of confidence: how many first suggestions fell in it, how sure they said they were, how often right. */
export interface CalibrationBand {
  readonly from: number
  readonly to: number
  readonly n: number
  readonly meanConfidence: number
  readonly top1: number
}

/**
 * Calibration (置信度校准) of the first suggestion: the cases in five bands of its confidence (0–0.2, …, 0.8–1),
 * each band's mean confidence beside how often the first suggestion was right, and the expected calibration
 * error (the n-weighted mean gap). A calibrated confidence of 0.7 is right about 7 times in 10. Cases without a
 * confidence are left out.
 */
export function calibrationOf(cases: readonly ScoredCase[]): { bands: CalibrationBand[]; expectedError: number } {
  const sums = Array.from({ length: 5 }, () => ({ n: 0, conf: 0, hit: 0 }))
  for (const c of cases) {
    if (c.confidence === undefined) continue
    const s = sums[Math.min(4, Math.max(0, Math.floor(c.confidence * 5)))]!
    s.n++
    s.conf += c.confidence
    s.hit += c.suggested[0] === c.function ? 1 : 0
  }
  const total = sums.reduce((a, s) => a + s.n, 0)
  const bands = sums.map((s, i) => ({ from: i / 5, to: (i + 1) / 5, n: s.n, meanConfidence: s.n ? s.conf / s.n : 0, top1: s.n ? s.hit / s.n : 0 }))
  const expectedError = total ? bands.reduce((a, b) => a + Math.abs(b.meanConfidence - b.top1) * b.n, 0) / total : 0
  return { bands, expectedError }
}
