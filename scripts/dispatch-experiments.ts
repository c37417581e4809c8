/**
 * Variants of the dispatch model compared by city-grouped cross-validation on the TRAINING cities only
 * (test/fixtures/dispatch/cities-train.jsonl, the same 5 folds as scripts/dispatch-city-cv.ts), beside the
 * cold start on the training cities, the demo requests (5-fold) and the real plan items (corpus-plans.jsonl,
 * cold start). cities-test*.jsonl are never read here: the held-out cities are scored once per kept change with
 * `duban dispatch evaluate`.
 *
 * Variants are applied on top of the tree's featuresOf and are named as they were first run (2026-12-02, on the tree
 * before word pairs and α 1 went in): a1w2s4 was kept, so on today's tree `base` is not that round's base and w2 counts
 * the word pairs twice.
 *
 *   npx tsx scripts/dispatch-experiments.ts                 # every variant (lr* take minutes)
 *   V=base,w2 npx tsx scripts/dispatch-experiments.ts       # some
 *   MISSES=base npx tsx scripts/dispatch-experiments.ts     # also print that variant's training-city misses
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import type { LabelledRequest } from '../src/app/dispatch/evaluate-dispatch.ts'
import { coldStartExamples } from '../src/domain/dispatch/cold-start.ts'
import { newDispatchModel, teach, type DispatchModel } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf, type Tokenize } from '../src/domain/dispatch/features.ts'
import { FUNCTION_DUTIES } from '../src/domain/dispatch/function-duties.ts'
import { newNaiveBayes, type NaiveBayes } from '../src/domain/dispatch/naive-bayes.ts'
import { resolvePlace, unitsForFunction, withoutPlaces } from '../src/domain/dispatch/place.resolve.ts'
import { TOWNSHIP_FUNCTION } from '../src/domain/tickets/unit-functions.ts'
import { cityFold, CITY_FOLDS as FOLDS, demoInputs as inputs, demoRequests, planItems as plans, trainCities87 as letters } from './dispatch-sets.ts'

interface Variant {
  /** Extra features made from the segmenter's words (word bigrams, …). */
  readonly tokenize: Tokenize
  /** Character n-grams beyond the bigrams featuresOf adds. */
  readonly charN?: readonly number[]
  readonly alpha?: number
  /** A feature for each 12345 term (TERMS) the text contains. */
  readonly terms?: boolean
  readonly priorWeight?: number
  /** Township always among the first three (the rule in dispatch.model.ts). */
  readonly townshipSlot?: boolean
  /** Only when the township ranks at most this far down (0-based), e.g. 4 = fifth. */
  readonly slotWithin?: number
  /** Rennie's weight normalisation and TF transform (log(1+tf)), per example. */
  readonly tfLog?: boolean
  /** Taught letters' weight. */
  readonly letterWeight?: number
  /** 'lr': multinomial logistic regression on the same features instead of complement NB. */
  readonly model?: 'cnb' | 'lr'
}

const wordBigrams: Tokenize = (text) => {
  const w = jiebaTokenize(text).filter((x) => /\p{Script=Han}/u.test(x))
  const out = [...jiebaTokenize(text)]
  for (let i = 0; i + 1 < w.length; i++) out.push(`${w[i]}_${w[i + 1]}`)
  return out
}

/** 12345 terms: the pieces of the generic duties' lists (、，；：（） separated), 2–8 characters. */
const TERMS = [...new Set(Object.values(FUNCTION_DUTIES).flatMap((t) => (t ?? '').split(/[、，；：（）。\n]|和|或/)).map((x) => x.replace(/^群众常说/, '').trim()).filter((x) => /^\p{Script=Han}{2,8}$/u.test(x)))]
import { createRequire } from 'node:module'
const req = createRequire(import.meta.url)
const { Jieba } = req('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): { loadDict(d: Uint8Array): void; cut(s: string, h: boolean): string[] } } }
const { dict } = req('@node-rs/jieba/dict') as { dict: Uint8Array }
const custom = Jieba.withDict(dict)
custom.loadDict(new TextEncoder().encode(TERMS.map((t) => `${t} 2000`).join('\n')))
const customTokenize: Tokenize = (text) => custom.cut(text, true)
const customW2: Tokenize = (text) => {
  const w = [...customTokenize(text)]
  const han = w.filter((x) => /\p{Script=Han}/u.test(x))
  for (let i = 0; i + 1 < han.length; i++) w.push(`${han[i]}_${han[i + 1]}`)
  return w
}

function featuresWith(v: Variant, model: DispatchModel, text: string, address?: string): string[] {
  const clean = withoutPlaces(model.dir, text, address)
  const f = featuresOf(v.tokenize, clean)
  if (v.terms) for (const t of TERMS) if (clean.includes(t)) f.push(`#${t}`)
  for (const n of v.charN ?? []) for (const run of clean.match(/\p{Script=Han}+/gu) ?? []) for (let i = 0; i + n <= run.length; i++) f.push(`~${run.slice(i, i + n)}`)
  return f
}

interface Trained {
  model: DispatchModel
  nb: NaiveBayes
  examples: { f: string[]; label: string; w: number }[]
}

function learnInto(nb: NaiveBayes, v: Variant, features: readonly string[], label: string, weight: number): void {
  nb.docs.set(label, (nb.docs.get(label) ?? 0) + weight)
  let counts = nb.words.get(label)
  if (!counts) nb.words.set(label, (counts = new Map()))
  const tf = new Map<string, number>()
  for (const w of features) tf.set(w, (tf.get(w) ?? 0) + 1)
  let norm = 1
  if (v.tfLog) {
    let s = 0
    for (const c of tf.values()) s += Math.log1p(c) ** 2
    norm = Math.sqrt(s) || 1
  }
  let total = 0
  for (const [w, c] of tf) {
    const x = (v.tfLog ? Math.log1p(c) / norm : c) * weight
    counts.set(w, (counts.get(w) ?? 0) + x)
    nb.wordTotals.set(w, (nb.wordTotals.get(w) ?? 0) + x)
    nb.vocabulary.add(w)
    total += x
  }
  nb.totals.set(label, (nb.totals.get(label) ?? 0) + total)
}

function scoreCnb(nb: NaiveBayes, v: Variant, features: readonly string[], classes: readonly string[]): { label: string; score: number }[] {
  const known = features.filter((w) => nb.vocabulary.has(w))
  const vsize = nb.vocabulary.size + 1
  let allDocs = 0
  for (const c of classes) allDocs += nb.docs.get(c) ?? 0
  let allWords = 0
  for (const t of nb.totals.values()) allWords += t
  return classes.map((label) => {
    const counts = nb.words.get(label)
    const denom = Math.log(allWords - (nb.totals.get(label) ?? 0) + nb.alpha * vsize)
    let ll = 0
    for (const w of known) ll -= Math.log((nb.wordTotals.get(w) ?? 0) - (counts?.get(w) ?? 0) + nb.alpha) - denom
    const prior = Math.log(((nb.docs.get(label) ?? 0) + 1) / (allDocs + classes.length)) * (v.priorWeight ?? 0.5)
    return { label, score: ll + prior }
  })
}

/** Multinomial logistic regression, L2, plain gradient descent over all examples (binary features). */
function trainLr(examples: readonly { f: string[]; label: string; w: number }[], classes: readonly string[], epochs = 60, lr = 0.5, l2 = 1e-3) {
  const W = new Map<string, Float64Array>()
  const b = new Float64Array(classes.length)
  const idx = new Map(classes.map((c, i) => [c, i]))
  const row = (w: string) => {
    let r = W.get(w)
    if (!r) W.set(w, (r = new Float64Array(classes.length)))
    return r
  }
  const sets = examples.map((e) => ({ f: [...new Set(e.f)], y: idx.get(e.label)!, w: e.w }))
  for (let ep = 0; ep < epochs; ep++) {
    for (const e of sets) {
      const z = Float64Array.from(b)
      for (const w of e.f) {
        const r = row(w)
        for (let k = 0; k < z.length; k++) z[k]! += r[k]!
      }
      const m = Math.max(...z)
      let s = 0
      for (let k = 0; k < z.length; k++) s += z[k] = Math.exp(z[k]! - m)
      const step = (lr * e.w) / Math.sqrt(e.f.length || 1)
      for (let k = 0; k < z.length; k++) {
        const g = z[k]! / s - (k === e.y ? 1 : 0)
        b[k]! -= step * g
        for (const w of e.f) {
          const r = row(w)
          r[k]! -= step * (g + l2 * r[k]!)
        }
      }
    }
  }
  return (features: readonly string[]) => {
    const z = Float64Array.from(b)
    for (const w of new Set(features)) {
      const r = W.get(w)
      if (r) for (let k = 0; k < z.length; k++) z[k]! += r[k]!
    }
    return classes.map((label, k) => ({ label, score: z[k]! }))
  }
}

const cold = coldStartExamples(inputs.units, inputs.categories, inputs.rules, FUNCTION_DUTIES)

function build(v: Variant, taught: readonly LabelledRequest[]): (text: string, address?: string) => string[] {
  const model = newDispatchModel(inputs.units, v.tokenize)
  // teach() resolves unit → function; reuse it on a throwaway model to get labels.
  const scratch = newDispatchModel(inputs.units, v.tokenize)
  const nb = newNaiveBayes(v.alpha ?? 0.1)
  const examples: { f: string[]; label: string; w: number }[] = []
  for (const ex of cold) {
    if (!teach(scratch, { ...ex })) continue
    const label = ex.function ?? (ex.unitId ? (model.dir.byId.get(ex.unitId)?.level === 'township' || model.dir.byId.get(ex.unitId)?.level === 'community' ? TOWNSHIP_FUNCTION : model.dir.byId.get(ex.unitId)?.function) : null)
    if (!label) continue
    examples.push({ f: featuresWith(v, model, ex.text, ex.address), label, w: ex.weight ?? 1 })
  }
  for (const l of taught) examples.push({ f: featuresWith(v, model, l.text, l.address), label: l.function, w: v.letterWeight ?? 1 })
  for (const e of examples) if (e.f.length) learnInto(nb, v, e.f, e.label, e.w)
  const classes = [...nb.docs.keys()]
  const servable = classes.filter((c) => c === TOWNSHIP_FUNCTION || unitsForFunction(model.dir, c, null).length > 0)
  const lrScore = v.model === 'lr' ? trainLr(examples.filter((e) => e.f.length), classes) : null
  return (text, address) => {
    const f = featuresWith(v, model, text, address)
    const place = resolvePlace(model.dir, `${address ?? ''} ${text}`)
    const ok = place ? classes.filter((c) => unitsForFunction(model.dir, c, place).length > 0) : servable
    const scores = (lrScore ? lrScore(f) : scoreCnb(nb, v, f, classes)).filter((s) => ok.includes(s.label))
    const out = scores.sort((a, b) => b.score - a.score || a.label.localeCompare(b.label)).map((s) => s.label)
    if (v.townshipSlot ?? true) {
      const at = out.indexOf(TOWNSHIP_FUNCTION)
      if (at > 2 && at <= (v.slotWithin ?? Infinity)) out.splice(2, 0, ...out.splice(at, 1))
    }
    return out.slice(0, 3)
  }
}

const foldOf = (i: number): number => cityFold(letters[i]!)
const demo = [...demoRequests]

type Hit = { fn: string; got: string[]; text: string }
const rate = (h: readonly Hit[]) => `${(h.filter((x) => x.got[0] === x.fn).length / h.length).toFixed(3)} / ${(h.filter((x) => x.got.includes(x.fn)).length / h.length).toFixed(3)}`

function run(name: string, v: Variant): void {
  const cv: Hit[] = []
  for (let fold = 0; fold < FOLDS; fold++) {
    const s = build(v, letters.filter((_, i) => foldOf(i) !== fold))
    letters.forEach((l, i) => {
      if (foldOf(i) === fold) cv.push({ fn: l.function, got: s(l.text), text: l.text })
    })
  }
  const c0 = build(v, [])
  const coldH = letters.map((l) => ({ fn: l.function, got: c0(l.text), text: l.text }))
  const planH = plans.map((l) => ({ fn: l.function, got: c0(l.text), text: l.text }))
  const demoH: Hit[] = []
  for (let fold = 0; fold < 5; fold++) {
    const s = build(v, demo.filter((_, i) => i % 5 !== fold))
    demo.forEach((l, i) => {
      if (i % 5 === fold) demoH.push({ fn: l.function, got: s(l.text, l.address), text: l.text })
    })
  }
  const pushed = (h: readonly Hit[]) => h.filter((x) => x.fn !== TOWNSHIP_FUNCTION && x.got.includes(TOWNSHIP_FUNCTION)).length
  console.log(`${name.padEnd(14)} 街道乡镇 in the three of a department's letter: cv ${pushed(cv)}/${cv.filter((x) => x.fn !== TOWNSHIP_FUNCTION).length}, plans ${pushed(planH)}/${planH.length}`)
  console.log(`${name.padEnd(14)} cv-by-city ${rate(cv)}   cold(train cities) ${rate(coldH)}   demo 5-fold ${rate(demoH)}   plans cold ${rate(planH)}`)
  if (process.env.MISSES === name) for (const h of cv) if (h.got[0] !== h.fn) console.log(`  ${h.fn} → ${h.got.join(',')}  ${h.text}`)
}

const J = jiebaTokenize
const variants: Record<string, Variant> = {
  base: { tokenize: J },
  noSlot: { tokenize: J, townshipSlot: false },
  w2: { tokenize: wordBigrams },
  c3: { tokenize: J, charN: [3] },
  w2c3: { tokenize: wordBigrams, charN: [3] },
  tfLog: { tokenize: J, tfLog: true },
  a03: { tokenize: J, alpha: 0.3 },
  a1: { tokenize: J, alpha: 1 },
  prior0: { tokenize: J, priorWeight: 0 },
  prior1: { tokenize: J, priorWeight: 1 },
  lw3: { tokenize: J, letterWeight: 3 },
  a05: { tokenize: J, alpha: 0.5 },
  a2: { tokenize: J, alpha: 2 },
  a4: { tokenize: J, alpha: 4 },
  a1c3: { tokenize: J, alpha: 1, charN: [3] },
  a1w2: { tokenize: wordBigrams, alpha: 1 },
  a1s4: { tokenize: J, alpha: 1, slotWithin: 4 },
  a1s6: { tokenize: J, alpha: 1, slotWithin: 6 },
  a1noSlot: { tokenize: J, alpha: 1, townshipSlot: false },
  a1w2s4: { tokenize: wordBigrams, alpha: 1, slotWithin: 4 },
  a05w2s4: { tokenize: wordBigrams, alpha: 0.5, slotWithin: 4 },
  a1w2noSlot: { tokenize: wordBigrams, alpha: 1, townshipSlot: false },
  a1w2s4T: { tokenize: wordBigrams, alpha: 1, slotWithin: 4, terms: true },
  a1s4T: { tokenize: J, alpha: 1, slotWithin: 4, terms: true },
  a1s4dict: { tokenize: customTokenize, alpha: 1, slotWithin: 4 },
  a1w2s4dict: { tokenize: customW2, alpha: 1, slotWithin: 4 },
  a1p1: { tokenize: J, alpha: 1, priorWeight: 1 },
  lr: { tokenize: J, model: 'lr' },
  lrW2c3: { tokenize: wordBigrams, charN: [3], model: 'lr' },
}
const pick = process.env.V?.split(',') ?? Object.keys(variants)
for (const name of pick) run(name, variants[name]!)
