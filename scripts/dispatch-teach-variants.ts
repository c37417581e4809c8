/**
 * How taught letters (closed tickets) should enter the dispatch model, and whether rare words should weigh less:
 * variants compared by city-grouped cross-validation on the TRAINING-side letters only (cities-train.jsonl and
 * cities-train-3.jsonl, 5 folds by city as scripts/dispatch-city-cv.ts), the demo requests' 5 folds and the real
 * plan items (cold). cities-test*.jsonl are never read here.
 *
 * Teaching: all = every feature of a taught letter (today); unknown = only the features the cold start never saw
 * (new words reach the model, the duties' evidence for known words is left alone); none = nothing taught.
 * Ranking: K = rare-word damping, each word's evidence scaled by n/(n+K) where n is its total weight in training
 * (K 0 = today's complement NB).
 *
 *   npx tsx scripts/dispatch-teach-variants.ts
 *   V=all:0,unknown:1 npx tsx scripts/dispatch-teach-variants.ts
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { DEMO_DIR } from '../src/app/demo/seed-demo.ts'
import { coldStartModel, loadDemoInputs } from '../src/app/dispatch/dispatch-inputs.ts'
import { calibrated, type DispatchModel } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { learn, type NaiveBayes, type Ranked } from '../src/domain/dispatch/naive-bayes.ts'
import { resolvePlace, unitsForFunction, withoutPlaces } from '../src/domain/dispatch/place.resolve.ts'
import { TOWNSHIP_FUNCTION } from '../src/domain/tickets/unit-functions.ts'

const SETS = fileURLToPath(new URL('../test/fixtures/dispatch/', import.meta.url))
const FOLDS = 5
function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0
  return h
}
interface Letter { text: string; function: string; city?: string; address?: string }
const read = (f: string): Letter[] => (existsSync(SETS + f) ? readFileSync(SETS + f, 'utf8') : '').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Letter)
const old = read('cities-train.jsonl')
const letters = [...old, ...read('cities-train-3.jsonl')]
const foldOf = (l: Letter): number => (fnv1a(l.city!) >>> 3) % FOLDS
const demo = [...read('demo-train.jsonl'), ...read('demo-heldout.jsonl')]
const plans = read('corpus-plans.jsonl')
const inputs = await loadDemoInputs(DEMO_DIR)

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

/** naive-bayes.ts rank() with rare-word damping K. */
function rankK(nb: NaiveBayes, features: readonly string[], K: number): Ranked[] {
  const classes = [...nb.docs.keys()]
  const known = features.filter((w) => nb.vocabulary.has(w))
  const v = nb.vocabulary.size + 1
  let allDocs = 0
  for (const c of classes) allDocs += nb.docs.get(c) ?? 0
  let allWords = 0
  for (const t of nb.totals.values()) allWords += t
  const damp = Math.sqrt(Math.max(1, known.length))
  const scores = classes.map((label) => {
    const counts = nb.words.get(label)
    const denom = Math.log(allWords - (nb.totals.get(label) ?? 0) + nb.alpha * v)
    let ll = 0
    for (const w of known) {
      const n = nb.wordTotals.get(w) ?? 0
      const s = -(Math.log(n - (counts?.get(w) ?? 0) + nb.alpha) - denom)
      ll += K > 0 ? (s * n) / (n + K) : s
    }
    const prior = Math.log(((nb.docs.get(label) ?? 0) + 1) / (allDocs + classes.length)) * 0.5
    return { label, score: (ll + prior) / damp }
  })
  const max = Math.max(...scores.map((s) => s.score))
  const exp = scores.map((s) => ({ label: s.label, e: Math.exp(s.score - max) }))
  const sum = exp.reduce((a, s) => a + s.e, 0)
  return exp.map((s) => ({ label: s.label, probability: s.e / sum })).sort((a, b) => b.probability - a.probability || a.label.localeCompare(b.label))
}

/** rankFunctions() of dispatch.model.ts over rankK. */
/** Cluster rule (CL=name:n): when the first function is in the cluster, its next n members (model order) take slots 2..n+1. */
const CLUSTERS: Record<string, readonly string[]> = {
  c3: ['城市管理', '街道乡镇', '住房城乡建设'],
  c5: ['城市管理', '街道乡镇', '住房城乡建设', '水务', '生态环境'],
  c2: ['城市管理', '街道乡镇'],
}
const [clName, clN] = (process.env.CL ?? '').split(':')
function top3(m: DispatchModel, l: Letter, K: number): string[] {
  const place = resolvePlace(m.dir, `${l.address ?? ''} ${l.text}`)
  const hasTownship = [...m.dir.byId.values()].some((u) => u.level === 'township')
  const out: string[] = []
  let ranked = calibrated(rankK(m.functions, feats(m, l.text, l.address), K))
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
  for (const f of ranked) {
    const servable = f.label === TOWNSHIP_FUNCTION && !place ? hasTownship : unitsForFunction(m.dir, f.label, place).length > 0
    if (servable) out.push(f.label)
  }
  const at = out.indexOf(TOWNSHIP_FUNCTION)
  if (at > 2 && at <= 4) out.splice(2, 0, ...out.splice(at, 1))
  const cl = clName ? CLUSTERS[clName] : undefined
  if (cl && cl.includes(out[0]!)) {
    const members = out.slice(1).filter((x) => cl.includes(x)).slice(0, Number(clN ?? 2))
    const rest = out.slice(1).filter((x) => !members.includes(x))
    if (members.length) return [out[0]!, ...members, ...rest].slice(0, 3)
  }
  return out.slice(0, 3)
}

type H = [number, number, number]
const add = (h: H, l: Letter, r: string[]) => { h[0]++; if (r[0] === l.function) h[1]++; if (r.includes(l.function)) h[2]++ }
const f = (h: H) => `${(h[1] / h[0]).toFixed(3)} / ${(h[2] / h[0]).toFixed(3)}`

function run(how: Teach, K: number, weight: number): void {
  const cvOld: H = [0, 0, 0]
  const cvAll: H = [0, 0, 0]
  for (let fold = 0; fold < FOLDS; fold++) {
    const m = build(how, letters.filter((l) => foldOf(l) !== fold), weight)
    letters.forEach((l, i) => {
      if (foldOf(l) !== fold) return
      const r = top3(m, l, K)
      add(cvAll, l, r)
      if (i < old.length) add(cvOld, l, r)
    })
  }
  const dm: H = [0, 0, 0]
  for (let fold = 0; fold < 5; fold++) {
    const m = build(how, demo.filter((_, i) => i % 5 !== fold), weight)
    demo.forEach((l, i) => { if (i % 5 === fold) add(dm, l, top3(m, l, K)) })
  }
  const cold = build('none', [])
  const pl: H = [0, 0, 0]
  for (const l of plans) add(pl, l, top3(cold, l, K))
  const ly = letters.filter((l) => l.city === '洛阳')
  const own: H = [0, 0, 0]
  ly.forEach((l, i) => add(own, l, top3(build(how, ly.filter((_, j) => j !== i), weight), l, K)))
  const push = (ls: readonly Letter[], mm: DispatchModel) => ls.filter((x) => x.function !== TOWNSHIP_FUNCTION && top3(mm, x, K).includes(TOWNSHIP_FUNCTION)).length
  console.log(`${`${how}:K${K}:W${weight}${clName ? ':' + clName + clN : ''}`.padEnd(16)} 街道 among three of a department's letter: cv137 cold ${push(letters, cold)}/${letters.filter((x) => x.function !== TOWNSHIP_FUNCTION).length}, plans ${push(plans, cold)}/${plans.length}`)
  console.log(`${`${how}:K${K}:W${weight}`.padEnd(16)} cv87 ${f(cvOld)}  cv${cvAll[0]} ${f(cvAll)}  demo5 ${f(dm)}  plans ${f(pl)}  洛阳-own-LOO ${f(own)}`)
}

const pick = (process.env.V ?? 'none:0,all:0,unknown:0,none:1,all:1,unknown:1,none:3,unknown:3').split(',')
for (const p of pick) {
  const [how, K, W] = p.split(':')
  run(how as Teach, Number(K ?? 0), Number(W ?? 1))
}
