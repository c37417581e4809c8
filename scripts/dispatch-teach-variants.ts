/**
 * How taught letters (closed tickets) should enter the dispatch model: variants compared by city-grouped
 * cross-validation on the TRAINING-side letters only (cities-train.jsonl, cities-train-3.jsonl and cities-train-4.jsonl, 5 folds by city as
 * scripts/dispatch-city-cv.ts; the sets and folds come from scripts/dispatch-sets.ts), the demo requests' 5 folds and
 * the real plan items (cold). cities-test*.jsonl are never read here. Letters are scored with the model's own
 * ranking (rank → calibrated → servedFunctions, as rankFunctions does); KNN and CL change that ranking in between.
 *
 * Teaching: all = every feature of a taught letter (today); unknown = only the features the cold start never saw
 * (new words reach the model, the duties' evidence for known words is left alone); none = nothing taught; pure = only
 * words ≥ PURE_MIN taught letters of one function agree on; noprior = the class prior left as the cold start's;
 * words = only whole words. W = the taught letters' weight.
 * (Rare-word damping, "K" in the morning round's figures, needed a copy of rank() with an extra factor; it lost and
 * was dropped with that copy on 2026-12-02 afternoon. Run 290dd01's version of this script to repeat it.)
 *
 *   npx tsx scripts/dispatch-teach-variants.ts
 *   V=all,unknown:0.5 npx tsx scripts/dispatch-teach-variants.ts
 *   KNN=1:0.2:3 V=all npx tsx scripts/dispatch-teach-variants.ts      # kNN blend λ:τ:k
 *   CL=c3:2 V=none npx tsx scripts/dispatch-teach-variants.ts         # cluster completion name:n
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { calibrated, servedFunctions, type DispatchModel } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { learn, rank } from '../src/domain/dispatch/naive-bayes.ts'
import { withoutPlaces } from '../src/domain/dispatch/place.resolve.ts'
import { TOWNSHIP_FUNCTION } from '../src/domain/tickets/unit-functions.ts'
import { cityFold, CITY_FOLDS, count, demoInputs as inputs, demoRequests as demo, fmt, newTally, planItems as plans, trainCities87, trainingSide as letters, type Letter } from './dispatch-sets.ts'

const old = trainCities87

type Teach = 'all' | 'unknown' | 'none' | 'pure' | 'noprior' | 'words'
const feats = (m: DispatchModel, text: string, address?: string) => featuresOf(m.tokenize, withoutPlaces(m.dir, text, address))

/** kNN (KNN=λ:τ:k): the taught letters as exemplars, tf-idf cosine over the same features; the k nearest with cosine ≥ τ add λ·cos to their function's probability. */
const [knnL, knnT, knnK] = (process.env.KNN ?? '').split(':').map(Number)
interface Exemplar { fn: string; vec: Map<string, number> }
const exemplars = new WeakMap<DispatchModel, { ex: Exemplar[]; idf: Map<string, number> }>()
function vecOf(f: readonly string[], idf: Map<string, number>): Map<string, number> {
  const tf = new Map<string, number>()
  for (const w of f) if (idf.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1)
  let n = 0
  for (const [w, c] of tf) { const x = c * idf.get(w)!; tf.set(w, x); n += x * x }
  n = Math.sqrt(n) || 1
  for (const [w, x] of tf) tf.set(w, x / n)
  return tf
}
function build(how: Teach, taught: readonly Letter[], weight = 1): DispatchModel {
  const m = coldStartModel(inputs, jiebaTokenize)
  if (knnL) {
    const docs = taught.map((l) => ({ fn: l.function, f: feats(m, l.text, l.address) }))
    const df = new Map<string, number>()
    for (const d of docs) for (const w of new Set(d.f)) df.set(w, (df.get(w) ?? 0) + 1)
    const idf = new Map([...df].map(([w, c]) => [w, Math.log((docs.length + 1) / c)] as [string, number]))
    exemplars.set(m, { idf, ex: docs.map((d) => ({ fn: d.fn, vec: vecOf(d.f, idf) })) })
  }
  if (how === 'none') return m
  const known = new Set(m.functions.vocabulary)
  // pure: only words met in at least PURE_MIN taught letters, all of one function (a word the letters agree on).
  const byWord = new Map<string, Map<string, number>>()
  if (how === 'pure') for (const l of taught) for (const w of new Set(feats(m, l.text, l.address))) {
    const c = byWord.get(w) ?? new Map<string, number>()
    c.set(l.function, (c.get(l.function) ?? 0) + 1)
    byWord.set(w, c)
  }
  const pureMin = Number(process.env.PURE_MIN ?? 2)
  const pure = (w: string) => { const c = byWord.get(w); return !!c && c.size === 1 && [...c.values()][0]! >= pureMin }
  for (const l of taught) {
    let f = feats(m, l.text, l.address)
    if (how === 'unknown') f = f.filter((w) => !known.has(w))
    if (how === 'pure') f = f.filter(pure)
    // words: only whole words (no character bigrams, no word pairs) of a taught letter.
    if (how === 'words') f = f.filter((w) => !w.startsWith('~') && !w.includes('_'))
    if (!f.length) continue
    const docsBefore = m.functions.docs.get(l.function) ?? 0
    learn(m.functions, f, l.function, weight)
    // noprior: the letter's words are counted, its document is not (the class prior stays the cold start's).
    if (how === 'noprior') m.functions.docs.set(l.function, docsBefore)
  }
  return m
}

/** Cluster rule (CL=name:n): when the first function is in the cluster, its next n members (model order) take slots 2..n+1. */
const CLUSTERS: Record<string, readonly string[]> = {
  c3: ['城市管理', '街道乡镇', '住房城乡建设'],
  c5: ['城市管理', '街道乡镇', '住房城乡建设', '水务', '生态环境'],
  c2: ['城市管理', '街道乡镇'],
}
const [clName, clN] = (process.env.CL ?? '').split(':')
function top3(m: DispatchModel, l: Letter): string[] {
  let ranked = calibrated(rank(m.functions, feats(m, l.text, l.address)))
  const ix = exemplars.get(m)
  if (ix && knnL) {
    const q = vecOf(feats(m, l.text, l.address), ix.idf)
    const sims = ix.ex.map((e) => { let s = 0; for (const [w, x] of q) s += x * (e.vec.get(w) ?? 0); return { fn: e.fn, s } }).filter((x) => x.s >= knnT!).sort((a, b) => b.s - a.s).slice(0, knnK || 3)
    if (sims.length) {
      const boost = new Map<string, number>()
      for (const x of sims) boost.set(x.fn, (boost.get(x.fn) ?? 0) + knnL * x.s)
      const tot = ranked.reduce((a, r) => a + r.probability + (boost.get(r.label) ?? 0), 0)
      ranked = ranked.map((r) => ({ label: r.label, probability: (r.probability + (boost.get(r.label) ?? 0)) / tot })).sort((a, b) => b.probability - a.probability)
    }
  }
  const out = servedFunctions(m, ranked, l, Infinity).map((f) => f.function)
  const cl = clName ? CLUSTERS[clName] : undefined
  if (cl && cl.includes(out[0]!)) {
    const members = out.slice(1).filter((x) => cl.includes(x)).slice(0, Number(clN ?? 2))
    const rest = out.slice(1).filter((x) => !members.includes(x))
    if (members.length) return [out[0]!, ...members, ...rest].slice(0, 3)
  }
  return out.slice(0, 3)
}

function run(how: Teach, weight: number): void {
  const name = `${how}:W${weight}${knnL ? `:knn${process.env.KNN}` : ''}${clName ? `:${clName}${clN}` : ''}`
  const cvOld = newTally()
  const cvAll = newTally()
  for (let fold = 0; fold < CITY_FOLDS; fold++) {
    const m = build(how, letters.filter((l) => cityFold(l) !== fold), weight)
    letters.forEach((l, i) => {
      if (cityFold(l) !== fold) return
      const r = top3(m, l)
      count(cvAll, l.function, r)
      if (i < old.length) count(cvOld, l.function, r)
    })
  }
  const dm = newTally()
  for (let fold = 0; fold < 5; fold++) {
    const m = build(how, demo.filter((_, i) => i % 5 !== fold), weight)
    demo.forEach((l, i) => { if (i % 5 === fold) count(dm, l.function, top3(m, l)) })
  }
  const cold = build('none', [])
  const pl = newTally()
  for (const l of plans) count(pl, l.function, top3(cold, l))
  const ly = letters.filter((l) => l.city === '洛阳')
  const own = newTally()
  ly.forEach((l, i) => count(own, l.function, top3(build(how, ly.filter((_, j) => j !== i), weight), l)))
  const push = (ls: readonly Letter[], mm: DispatchModel) => ls.filter((x) => x.function !== TOWNSHIP_FUNCTION && top3(mm, x).includes(TOWNSHIP_FUNCTION)).length
  console.log(`${name.padEnd(16)} 街道 among three of a department's letter: cv${letters.length} cold ${push(letters, cold)}/${letters.filter((x) => x.function !== TOWNSHIP_FUNCTION).length}, plans ${push(plans, cold)}/${plans.length}`)
  console.log(`${name.padEnd(16)} cv87 ${fmt(cvOld)}  cv${cvAll[0]} ${fmt(cvAll)}  demo5 ${fmt(dm)}  plans ${fmt(pl)}  洛阳-own-LOO ${fmt(own)}`)
}

const pick = (process.env.V ?? 'none,all,unknown,pure,words').split(',')
for (const p of pick) {
  const [how, W] = p.split(':')
  run(how as Teach, Number(W ?? 1))
}
