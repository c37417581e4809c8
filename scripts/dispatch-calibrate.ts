/**
 * Fits the calibration of the dispatch model's first-function confidence (CALIBRATION in
 * src/domain/dispatch/dispatch.model.ts): Platt scaling σ(a·logit(p) + b) by log-loss on out-of-fold first choices —
 * the TRAINING cities (test/fixtures/dispatch/cities-train.jsonl, 5 folds by city as scripts/dispatch-city-cv.ts,
 * the other folds' letters taught at weight W, default 0.5) and the demo requests (5-fold). cities-test*.jsonl are
 * never read. Prints the fit on each set alone applied to the other (expected calibration error, 5 bands, and
 * log-loss before → after) and the fit on both, which is what the model uses.
 *
 *   npx tsx scripts/dispatch-calibrate.ts
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import type { LabelledRequest } from '../src/app/dispatch/evaluate-dispatch.ts'
import { CALIBRATION, CALIBRATION_TAUGHT, functionRanking, rankFunctions, teach } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { rank } from '../src/domain/dispatch/naive-bayes.ts'
import { withoutPlaces } from '../src/domain/dispatch/place.resolve.ts'
import { cityFold, demoInputs as inputs, demoRequests as demo, trainCities87 as letters, trainingSide } from './dispatch-sets.ts'

const weight = Number(process.env.W ?? 0.5)

type Point = { p: number; y: number }
/** Out-of-fold first choices with the model's raw (uncalibrated) probability. */
function outOfFold(lines: readonly LabelledRequest[], foldOf: (i: number) => number, w: number, read: 'model' | 'cold' = 'model'): Point[] {
  const out: Point[] = []
  for (let fold = 0; fold < 5; fold++) {
    const m = coldStartModel(inputs, jiebaTokenize)
    lines.forEach((l, i) => {
      if (foldOf(i) !== fold && w > 0) teach(m, { text: l.text, function: l.function, address: l.address, weight: w })
    })
    lines.forEach((l, i) => {
      if (foldOf(i) !== fold) return
      const first = rankFunctions(m, { text: l.text, address: l.address }, 1)[0]
      if (!first) return
      const feats = featuresOf(jiebaTokenize, withoutPlaces(m.dir, l.text, l.address))
      // 'cold': the cold-start model's own probability of the first function (what CALIBRATION_TAUGHT reads).
      const raw = (read === 'cold' ? rank(m.functions, feats) : functionRanking(m, feats)).find((r) => r.label === first.function)
      out.push({ p: Math.min(0.999, Math.max(0.001, raw?.probability ?? 0)), y: first.function === l.function ? 1 : 0 })
    })
  }
  return out
}
const logit = (p: number): number => Math.log(p / (1 - p))
const sig = (x: number): number => 1 / (1 + Math.exp(-x))
function fit(points: readonly Point[]): { a: number; b: number } {
  let a = 1
  let b = 0
  for (let it = 0; it < 5000; it++) {
    let ga = 0
    let gb = 0
    for (const { p, y } of points) {
      const q = sig(a * logit(p) + b)
      ga += (q - y) * logit(p)
      gb += q - y
    }
    a -= (0.05 * ga) / points.length
    b -= (0.05 * gb) / points.length
  }
  return { a, b }
}
function ece(points: readonly Point[], f: (p: number) => number): number {
  const bins = Array.from({ length: 5 }, () => ({ said: 0, right: 0 }))
  for (const { p, y } of points) {
    const q = f(p)
    const bin = bins[Math.min(4, Math.floor(q * 5))]!
    bin.said += q
    bin.right += y
  }
  return bins.reduce((acc, x) => acc + Math.abs(x.said - x.right), 0) / points.length
}
const logLoss = (points: readonly Point[], f: (p: number) => number): number => -points.reduce((acc, { p, y }) => acc + Math.log(y ? f(p) : 1 - f(p)), 0) / points.length
const platt = (c: { a: number; b: number }) => (p: number): number => sig(c.a * logit(p) + c.b)
const id = (p: number): number => p

const sets: Record<string, Point[]> = {
  'training cities': outOfFold(letters, (i) => cityFold(letters[i]!), weight),
  'demo requests': outOfFold(demo, (i) => i % 5, 1),
}
const show = (name: string, pts: readonly Point[], f: (p: number) => number): string =>
  `${name}: calibration error ${ece(pts, id).toFixed(3)} → ${ece(pts, f).toFixed(3)}, log-loss ${logLoss(pts, id).toFixed(3)} → ${logLoss(pts, f).toFixed(3)}`
for (const [fitOn, applyTo] of [['training cities', 'demo requests'], ['demo requests', 'training cities']] as const) {
  const c = fit(sets[fitOn]!)
  console.log(`fit on the ${fitOn} (a ${c.a.toFixed(3)}, b ${c.b.toFixed(3)}) → ${show(applyTo, sets[applyTo]!, platt(c))}`)
}
const both = [...sets['training cities']!, ...sets['demo requests']!]
const c = fit(both)
console.log(`fit on both (${both.length} first choices): a ${c.a.toFixed(3)}, b ${c.b.toFixed(3)}; in the model: a ${CALIBRATION.a}, b ${CALIBRATION.b}`)
console.log(show('both, in-sample', both, platt(CALIBRATION)))

// The taught model (CALIBRATION_TAUGHT, 2026-12-03): once anything has been learnt, the first function's probability is
// the product of the cold start and the learned expert (functionRanking), much sharper than how often it is right.
// Out-of-fold first choices of models that HAVE learnt: the 242 training-side letters (5 folds by city, the other folds'
// letters taught at weight 1, as `duban dispatch evaluate --train` teaches) and the demo requests (5-fold, taught at
// weight 1). Two readings compared: Platt on the product's probability, and on the cold start's probability of the
// function the taught model put first (what the model uses).
for (const read of ['model', 'cold'] as const) {
  const taught: Record<string, Point[]> = {
    'training side (taught)': outOfFold(trainingSide, (i) => cityFold(trainingSide[i]!), 1, read),
    'demo requests (taught)': outOfFold(demo, (i) => i % 5, 1, read),
  }
  console.log(`taught, Platt on the ${read === 'cold' ? "cold start's" : "product's"} probability of the first function:`)
  for (const [fitOn, applyTo] of [['training side (taught)', 'demo requests (taught)'], ['demo requests (taught)', 'training side (taught)']] as const) {
    const t = fit(taught[fitOn]!)
    console.log(`  fit on the ${fitOn} (a ${t.a.toFixed(3)}, b ${t.b.toFixed(3)}) → ${show(applyTo, taught[applyTo]!, platt(t))}`)
  }
  const bothTaught = [...taught['training side (taught)']!, ...taught['demo requests (taught)']!]
  const t = fit(bothTaught)
  console.log(`  fit on both (${bothTaught.length} first choices): a ${t.a.toFixed(3)}, b ${t.b.toFixed(3)}${read === 'cold' ? `; in the model: a ${CALIBRATION_TAUGHT.a}, b ${CALIBRATION_TAUGHT.b}` : ''}`)
  for (const [name, pts] of Object.entries(taught)) console.log(`  ${name}, in-sample, the fit on both: ${show(name, pts, platt(t)).slice(name.length + 2)}`)
}

// The cold start alone (CALIBRATION, refitted 2026-12-03 afternoon): CALIBRATION is used only while nothing has been
// learnt (CALIBRATION_TAUGHT takes over after), so it is fitted on cold-start first choices: the 242 training-side letters
// and the demo requests, nothing taught (W 0; no folds needed, the cold start has seen none of them). The fits above
// ('training cities', 'demo requests') taught the other folds' letters at W 0.5 — how CALIBRATION was fitted before.
const cold: Record<string, Point[]> = {
  'training side (cold)': outOfFold(trainingSide, (i) => cityFold(trainingSide[i]!), 0),
  'demo requests (cold)': outOfFold(demo, (i) => i % 5, 0),
}
console.log('cold start, Platt on its probability of the first function:')
for (const [fitOn, applyTo] of [['training side (cold)', 'demo requests (cold)'], ['demo requests (cold)', 'training side (cold)']] as const) {
  const t = fit(cold[fitOn]!)
  console.log(`  fit on the ${fitOn} (a ${t.a.toFixed(3)}, b ${t.b.toFixed(3)}) → ${show(applyTo, cold[applyTo]!, platt(t))}; with CALIBRATION ${show(applyTo, cold[applyTo]!, platt(CALIBRATION)).slice(applyTo.length + 2)}`)
}
const bothCold = [...cold['training side (cold)']!, ...cold['demo requests (cold)']!]
const tc = fit(bothCold)
console.log(`  fit on both (${bothCold.length} first choices): a ${tc.a.toFixed(3)}, b ${tc.b.toFixed(3)}; in the model: a ${CALIBRATION.a}, b ${CALIBRATION.b}`)
for (const [name, pts] of Object.entries(cold)) console.log(`  ${name}, in-sample, the fit on both: ${show(name, pts, platt(tc)).slice(name.length + 2)}; with CALIBRATION: ${show(name, pts, platt(CALIBRATION)).slice(name.length + 2)}`)
