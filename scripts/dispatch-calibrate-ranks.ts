/**
 * Fits the calibration of the 2nd and 3rd functions' confidence (CALIBRATION_RANKS, CALIBRATION_RANKS_TAUGHT in
 * src/domain/dispatch/dispatch.model.ts): Platt scaling per rank, by log-loss, on out-of-fold shown functions — the
 * 242 training-side letters and the demo city's 83 requests (scripts/dispatch-sets.ts). cities-test*.jsonl are never
 * read. Cold: nothing taught (the cold start has seen none of them). Taught: 5 folds (by city for the letters, i mod 5
 * for the demo requests), the other folds' lines taught at weight 1, as `duban dispatch evaluate --train` teaches.
 * Prints, per shown rank (1st, 2nd, 3rd), the calibration error (5 bands) of the confidences as the model shows them,
 * and of each fit on one set applied to the other.
 *
 *   npx tsx scripts/dispatch-calibrate-ranks.ts
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import type { LabelledRequest } from '../src/app/dispatch/evaluate-dispatch.ts'
import { CALIBRATION_RANKS, CALIBRATION_RANKS_TAUGHT, functionRanking, rankFunctions, servedWithRaised, teach } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { rank } from '../src/domain/dispatch/naive-bayes.ts'
import { withoutPlaces } from '../src/domain/dispatch/place.resolve.ts'
import { cityFold, demoInputs as inputs, demoRequests as demo, trainingSide } from './dispatch-sets.ts'

/** One shown function: its shown rank (0–2), its rank in the model's ranking, raw probabilities, shown confidence, right or not. */
export interface Shown { fold: number; k: number; modelRank: number; raised: boolean; pModel: number; pCold: number; shown: number; y: number }

function collect(lines: readonly LabelledRequest[], foldOf: (i: number) => number, taught: boolean): Shown[] {
  const out: Shown[] = []
  for (let fold = 0; fold < (taught ? 5 : 1); fold++) {
    const m = coldStartModel(inputs, jiebaTokenize)
    if (taught) lines.forEach((l, i) => { if (foldOf(i) !== fold) teach(m, { text: l.text, function: l.function, address: l.address, weight: 1 }) })
    lines.forEach((l, i) => {
      if (taught && foldOf(i) !== fold) return
      const q = { text: l.text, address: l.address }
      const feats = featuresOf(jiebaTokenize, withoutPlaces(m.dir, l.text, l.address))
      const model = functionRanking(m, feats)
      const cold = new Map(rank(m.functions, feats).map((r) => [r.label, r.probability]))
      const shownNow = rankFunctions(m, q)
      const raw = servedWithRaised(m, model, q)
      raw.forEach((f, k) => {
        const at = model.findIndex((r) => r.label === f.function)
        out.push({ fold: foldOf(i), k, modelRank: at, raised: f.raised, pModel: model[at]!.probability, pCold: cold.get(f.function) ?? 0, shown: shownNow[k]?.probability ?? 0, y: f.function === l.function ? 1 : 0 })
      })
    })
  }
  return out
}

const clamp = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p))
const logit = (p: number): number => Math.log(clamp(p) / (1 - clamp(p)))
const sig = (x: number): number => 1 / (1 + Math.exp(-x))
type Pt = { x: number; y: number }
export function fitPlatt(points: readonly Pt[]): { a: number; b: number } {
  // Newton's method on the log-loss of σ(a·x + b).
  let a = 1
  let b = 0
  for (let it = 0; it < 100; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0
    for (const { x, y } of points) {
      const q = sig(a * x + b)
      const w = q * (1 - q)
      ga += (q - y) * x; gb += q - y
      haa += w * x * x; hab += w * x; hbb += w
    }
    haa += 1e-6; hbb += 1e-6
    const det = haa * hbb - hab * hab
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    a -= da; b -= db
    if (Math.abs(da) + Math.abs(db) < 1e-9) break
  }
  return { a, b }
}
/** Logistic regression by Newton's method (features include the constant). */
export function fitLogistic(points: readonly { x: number[]; y: number }[]): number[] {
  const d = points[0]?.x.length ?? 0
  const w = new Array<number>(d).fill(0)
  for (let it = 0; it < 100; it++) {
    const g = new Array<number>(d).fill(0)
    const h = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1e-6 : 0)))
    for (const { x, y } of points) {
      const q = sig(x.reduce((a, v, i) => a + v * w[i]!, 0))
      for (let i = 0; i < d; i++) {
        g[i]! += (q - y) * x[i]!
        for (let j = 0; j < d; j++) h[i]![j]! += q * (1 - q) * x[i]! * x[j]!
      }
    }
    // Solve h·δ = g (Gaussian elimination).
    const m = h.map((row, i) => [...row, g[i]!])
    for (let i = 0; i < d; i++) {
      let piv = i
      for (let r = i + 1; r < d; r++) if (Math.abs(m[r]![i]!) > Math.abs(m[piv]![i]!)) piv = r
      ;[m[i], m[piv]] = [m[piv]!, m[i]!]
      for (let r = 0; r < d; r++) if (r !== i) { const f = m[r]![i]! / m[i]![i]!; for (let c = i; c <= d; c++) m[r]![c]! -= f * m[i]![c]! }
    }
    let step = 0
    for (let i = 0; i < d; i++) { const delta = m[i]![d]! / m[i]![i]!; w[i]! -= delta; step += Math.abs(delta) }
    if (step < 1e-9) break
  }
  return w
}
export function ece(said: readonly number[], right: readonly number[]): number {
  const bins = Array.from({ length: 5 }, () => ({ said: 0, right: 0 }))
  said.forEach((q, i) => {
    const bin = bins[Math.min(4, Math.max(0, Math.floor(q * 5)))]!
    bin.said += q
    bin.right += right[i]!
  })
  return bins.reduce((acc, x) => acc + Math.abs(x.said - x.right), 0) / Math.max(1, said.length)
}
const rate = (pts: readonly Shown[]): string => `${pts.length} shown, right ${(pts.reduce((a, p) => a + p.y, 0) / Math.max(1, pts.length)).toFixed(3)}, said ${(pts.reduce((a, p) => a + p.shown, 0) / Math.max(1, pts.length)).toFixed(3)}`

for (const taught of [false, true]) {
  const sets: Record<string, Shown[]> = {
    letters: collect(trainingSide, (i) => cityFold(trainingSide[i]!), taught),
    demo: collect(demo, (i) => i % 5, taught),
  }
  const inModel = taught ? CALIBRATION_RANKS_TAUGHT : CALIBRATION_RANKS
  console.log(`${taught ? 'TAUGHT (ranks 2 and 3 read pModel, the product)' : 'COLD'}: in the model second ${JSON.stringify(inModel.second)}, third ${JSON.stringify(inModel.third)}`)
  for (const k of [0, 1, 2]) {
    for (const [name, pts] of Object.entries(sets)) {
      const at = pts.filter((p) => p.k === k)
      console.log(`  rank ${k + 1}, ${name}: ${rate(at)}; shown now: calibration error ${ece(at.map((p) => p.shown), at.map((p) => p.y)).toFixed(3)}`)
    }
    for (const read of ['pModel', 'pCold'] as const) {
      const line: string[] = []
      for (const [fitOn, applyTo] of [['letters', 'demo'], ['demo', 'letters']] as const) {
        const c = fitPlatt(sets[fitOn]!.filter((p) => p.k === k).map((p) => ({ x: logit(p[read]), y: p.y })))
        const to = sets[applyTo]!.filter((p) => p.k === k)
        line.push(`fit on ${fitOn} (a ${c.a.toFixed(3)} b ${c.b.toFixed(3)}) → ${applyTo} ${ece(to.map((p) => sig(c.a * logit(p[read]) + c.b)), to.map((p) => p.y)).toFixed(3)}`)
      }
      const both = [...sets.letters!, ...sets.demo!].filter((p) => p.k === k)
      const c = fitPlatt(both.map((p) => ({ x: logit(p[read]), y: p.y })))
      line.push(`both (${both.length}): a ${c.a.toFixed(3)} b ${c.b.toFixed(3)}, in-sample ${ece(both.map((p) => sig(c.a * logit(p[read]) + c.b)), both.map((p) => p.y)).toFixed(3)}`)
      console.log(`    Platt on ${read}: ${line.join('; ')}`)
    }
    // Pooled 5-fold CV of the fit (letters by city fold, demo requests i mod 5, fold f of both held out together).
    for (const read of ['pModel', 'pCold'] as const) {
      const pooled = [...sets.letters!, ...sets.demo!].filter((p) => p.k === k)
      const feat = (p: Shown): number[] => (k === 2 ? [logit(p[read]), p.raised ? 1 : 0, 1] : [logit(p[read]), 1])
      const said: number[] = []
      const right: number[] = []
      let ll = 0
      for (let f = 0; f < 5; f++) {
        const w = fitLogistic(pooled.filter((p) => p.fold !== f).map((p) => ({ x: feat(p), y: p.y })))
        for (const p of pooled.filter((p) => p.fold === f)) {
          const q = sig(feat(p).reduce((a, x, i) => a + x * w[i]!, 0))
          said.push(q)
          right.push(p.y)
          ll -= Math.log(p.y ? q : 1 - q)
        }
      }
      console.log(`    pooled 5-fold CV, Platt${k === 2 ? ' + raised' : ''} on ${read}: calibration error ${ece(said, right).toFixed(3)}, log-loss ${(ll / said.length).toFixed(4)}`)
    }
    // Promoted (township / partner): model rank beyond the shown rank.
    const promoted = [...sets.letters!, ...sets.demo!].filter((p) => p.k === k && p.raised)
    if (promoted.length) console.log(`    of which raised there (属地 or a partner): ${rate(promoted)}`)
    if (k === 2) {
      // A third place raised there (属地 or the first function's partner) is right more often than its raw probability says.
      const f3 = (p: Shown, read: 'pModel' | 'pCold'): number[] => [logit(p[read]), p.raised ? 1 : 0, 1]
      for (const read of ['pModel', 'pCold'] as const) {
        const line: string[] = []
        for (const [fitOn, applyTo] of [['letters', 'demo'], ['demo', 'letters'], ['both', 'both']] as const) {
          const on = fitOn === 'both' ? [...sets.letters!, ...sets.demo!] : sets[fitOn]!
          const to = (applyTo === 'both' ? [...sets.letters!, ...sets.demo!] : sets[applyTo]!).filter((p) => p.k === k)
          const w = fitLogistic(on.filter((p) => p.k === k).map((p) => ({ x: f3(p, read), y: p.y })))
          const said = to.map((p) => sig(f3(p, read).reduce((a, x, i) => a + x * w[i]!, 0)))
          const prom = to.filter((p) => p.raised)
          const saidProm = prom.map((p) => sig(f3(p, read).reduce((a, x, i) => a + x * w[i]!, 0)))
          line.push(`fit on ${fitOn} (${w.map((x) => x.toFixed(3)).join(' ')}) → ${applyTo} ${ece(said, to.map((p) => p.y)).toFixed(3)} (raised: ${ece(saidProm, prom.map((p) => p.y)).toFixed(3)})`)
        }
        const plain = fitPlatt([...sets.letters!, ...sets.demo!].filter((p) => p.k === k).map((p) => ({ x: logit(p[read]), y: p.y })))
        const prom = [...sets.letters!, ...sets.demo!].filter((p) => p.k === k && p.raised)
        line.push(`plain Platt (both) on the raised: ${ece(prom.map((p) => sig(plain.a * logit(p[read]) + plain.b)), prom.map((p) => p.y)).toFixed(3)}`)
        console.log(`    Platt + raised on ${read}: ${line.join('; ')}`)
      }
    }
  }
}
